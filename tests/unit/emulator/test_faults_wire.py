# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What goes on the wire: raw reason phrases, repeated bodies, raw response headers and trickled bodies."""

from __future__ import annotations

import json
import socket
import time

import pytest

PATH = "/v1/workspaces/ws-one/sessions"


def raw_get(web, emu, path=PATH):
    """The whole answer as bytes (the request asks the emulator to close afterwards)."""
    request = "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-Token: %s\r\nConnection: close\r\n\r\n" % (path, web.token)
    answer = web.raw(emu, request.encode("ascii"))
    head, _sep, body = answer.partition(b"\r\n\r\n")
    return head.split(b"\r\n"), body


def header_lines(head, name):
    prefix = name.lower().encode("ascii") + b":"
    return [line for line in head[1:] if line.lower().startswith(prefix)]


def trickle_report(emu):
    """The log's trickle report of the last request, once the emulator's thread has written it (it may
    still be finishing when the client has read the last byte)."""
    for _poll in range(200):
        report = emu.requests_log()[-1].get("trickle")
        if report is not None:
            return report
        time.sleep(0.05)
    raise AssertionError("the emulator is still trickling")


def test_status_repeat_makes_megabytes_from_a_small_request(web, emu):
    fault = {"kind": "status", "status": 500, "body": "0123456789" * 100, "repeat": 3000, "content_type": "text/plain"}
    assert len(json.dumps(fault)) < 2000
    web.control(emu, "POST", "/faults", fault)
    resp = web.get(emu, PATH)
    assert resp.status == 500 and resp.header("Content-Type") == "text/plain"
    assert resp.body == b"0123456789" * 300000
    assert resp.header("Content-Length") == "3000000"


def test_status_repeat_of_the_documented_body(web, emu):
    emu.add_fault(kind="status", status=503, repeat=2)
    body = web.get(emu, PATH).body
    half = body[:len(body) // 2]
    assert body == half * 2 and json.loads(half)["error_code"] == "APIG.0203"


def test_status_reason_is_sent_raw(web, emu):
    emu.add_fault(kind="status", status=500, reason="\u001b[2JBoom \u00e9\u202e")
    head, body = raw_get(web, emu)
    assert head[0] == b"HTTP/1.1 500 \x1b[2JBoom " + "\u00e9\u202e".encode("utf-8")
    assert json.loads(body) == {"error_code": "common.00000500", "error_msg": "internal error"}
    emu.add_fault(kind="status", status=404, reason="")
    assert raw_get(web, emu)[0][0] == b"HTTP/1.1 404 "


@pytest.mark.parametrize("fault", [
    {"kind": "status", "status": 500, "reason": "a\r\nX-Injected: 1"},
    {"kind": "status", "status": 500, "repeat": 0},
    {"kind": "status", "status": 500, "body": "x" * 1000, "repeat": 1000000},
    {"kind": "headers", "headers": {"X-Bad": "a\nb"}},
    {"kind": "headers", "headers": {"Bad Name": "1"}},
    {"kind": "headers", "headers": {"X-Number": 5}},
    {"kind": "headers", "headers": ["X-List", "1"]},
])
def test_raw_fields_that_would_break_the_framing_are_refused(web, emu, fault):
    resp = web.control(emu, "POST", "/faults", fault)
    assert resp.status == 400, resp.body
    assert emu.faults() == []


@pytest.mark.parametrize("value", ["1.5", "-5", "soon", "9" * 30])
def test_headers_fault_answers_normally_with_raw_retry_after(web, emu, value):
    truth = web.get(emu, PATH).json()
    emu.add_fault(kind="headers", headers={"Retry-After": value})
    resp = web.get(emu, PATH)
    assert resp.status == 200 and resp.json() == truth
    assert resp.header("Retry-After") == value


def test_headers_on_an_error_fault_replace_its_own(web, emu):
    emu.add_fault(kind="status", status=429, retry_after="2", headers={"retry-after": "soon", "X-Extra": "1"})
    resp = web.get(emu, PATH)
    assert resp.status == 429
    assert [v for k, v in resp.headers if k.lower() == "retry-after"] == ["soon"]
    assert resp.header("X-Extra") == "1"


def test_headers_replace_the_request_id_with_escape_sequences(web, emu):
    emu.add_fault(kind="headers", headers={"X-Request-Id": "\u001b]0;pwned\u0007\u001b[31mred"})
    head, _body = raw_get(web, emu)
    assert header_lines(head, "X-Request-Id") == [b"X-Request-Id: \x1b]0;pwned\x07\x1b[31mred"]


def test_headers_null_leaves_a_header_out(web, emu):
    emu.add_fault(kind="headers", headers={"Content-Type": None})
    head, body = raw_get(web, emu)
    assert header_lines(head, "Content-Type") == [] and json.loads(body)["total"] == 1


@pytest.mark.parametrize("length", ["9" * 5000, "\u0661\u0662\u0663", "-1", ""])
def test_a_lying_content_length_is_sent_raw_then_the_connection_closes(web, emu, length):
    emu.add_fault(kind="headers", headers={"Content-Length": length})
    head, body = raw_get(web, emu)  # returns only because the emulator closes after the body
    assert header_lines(head, "Content-Length") == [b"Content-Length: " + length.encode("utf-8")]
    assert header_lines(head, "Connection") == [b"Connection: close"]
    assert json.loads(body)["total"] == 1


def test_headers_apply_to_the_iam_endpoint_when_named(web, emu):
    emu.add_fault(kind="headers", path="/v3/auth/tokens", headers={"X-Subject-Token": "\u001b[2J"})
    resp = web.iam_token(emu)
    assert resp.status == 201 and resp.header("X-Subject-Token") == "\u001b[2J"


def test_trickle_sends_the_whole_answer_slowly(web, emu):
    truth = web.get(emu, PATH).body
    emu.add_fault(kind="trickle", interval=0.002)
    resp = web.get(emu, PATH, timeout=10)
    assert resp.status == 200 and resp.body == truth
    assert trickle_report(emu) == {"sent": len(truth), "size": len(truth), "outcome": "done"}


def test_trickle_stops_when_the_client_goes_away(web, emu):
    emu.add_fault(kind="trickle", interval=0.05)
    request = "GET /v1/workspaces/ws-100/sessions?limit=100 HTTP/1.1\r\nHost: x\r\nX-Auth-Token: %s\r\n\r\n" % web.token
    with socket.create_connection(("127.0.0.1", emu.port), timeout=5) as sock:
        sock.sendall(request.encode("ascii"))
        received = b""
        for _read in range(100):
            received += sock.recv(4096)
            if b"\r\n\r\n" in received and len(received.partition(b"\r\n\r\n")[2]) >= 3:
                break
    assert received.startswith(b"HTTP/1.1 200 ")
    size = int(header_lines(received.partition(b"\r\n\r\n")[0].split(b"\r\n"), "Content-Length")[0].split(b":")[1])
    trickle = trickle_report(emu)
    assert trickle["outcome"] == "disconnected" and trickle["size"] == size
    assert trickle["sent"] < size // 10


def test_trickle_fields_are_checked(web, emu):
    for bad in ({"kind": "trickle", "interval": -1}, {"kind": "trickle", "interval": "1"},
                {"kind": "trickle", "interval": 3601}):
        assert web.control(emu, "POST", "/faults", bad).status == 400
    assert emu.add_fault(kind="trickle")["interval"] == 1
