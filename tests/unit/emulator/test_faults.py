# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The fault kinds that answer with an error, break the connection, wait or change the data."""

from __future__ import annotations

import http.client
import socket

import pytest


def test_fault_status_429_with_retry_after(web, emu):
    queued = web.control(emu, "POST", "/faults", {"kind": "status", "status": 429, "retry_after": "2", "count": 2}).json()
    assert queued["faults"][0]["kind"] == "status"
    for _attempt in range(2):
        resp = web.get(emu, "/v1/workspaces/ws-one/sessions")
        assert resp.status == 429
        assert resp.header("Retry-After") == "2"
        assert resp.json() == {"error_code": "APIG.1015", "error_msg": "The API request frequency exceeds the limit"}
    assert web.get(emu, "/v1/workspaces/ws-one/sessions").status == 200
    assert web.control(emu, "GET", "/faults").json() == {"faults": []}


@pytest.mark.parametrize("status,code,msg", [
    (408, "common.00000408", "timeout exception occurred"),
    (500, "common.00000500", "internal error"),
])
def test_fault_status_documented_bodies(web, emu, status, code, msg):
    web.control(emu, "POST", "/faults", {"kind": "status", "status": status})
    resp = web.get(emu, "/v1/workspaces/ws-one/sessions")
    assert resp.status == status
    assert resp.json() == {"error_code": code, "error_msg": msg}


@pytest.mark.parametrize("status", [502, 503, 504])
def test_fault_status_gateway_bodies(web, emu, status):
    web.control(emu, "POST", "/faults", {"kind": "status", "status": status})
    resp = web.get(emu, "/v1/workspaces/ws-one/sessions")
    assert resp.status == status
    body = resp.json()
    assert isinstance(body["error_code"], str) and body["error_msg"]


def test_fault_status_body_override_and_workspace_filter(web, emu):
    web.control(emu, "POST", "/faults", [{"kind": "status", "status": 500, "body": "", "content_type": "text/plain",
                                          "workspace_id": "ws-100"}])
    assert web.get(emu, "/v1/workspaces/ws-one/sessions").status == 200  # other workspace: untouched
    resp = web.get(emu, "/v1/workspaces/ws-100/sessions")
    assert resp.status == 500 and resp.body == b"" and resp.header("Content-Type") == "text/plain"
    assert web.get(emu, "/v1/workspaces/ws-100/sessions").status == 200


def test_fault_drop(web, emu):
    web.control(emu, "POST", "/faults", {"kind": "drop"})
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=5)
    try:
        conn.request("GET", "/v1/workspaces/ws-one/sessions", headers={"X-Auth-Token": web.token})
        with pytest.raises((http.client.HTTPException, ConnectionError)):
            conn.getresponse().read()
    finally:
        conn.close()
    entry = emu.requests_log()[-1]
    assert entry["status"] is None and entry["fault"] == "drop"
    assert web.get(emu, "/v1/workspaces/ws-one/sessions").status == 200


def test_fault_truncate(web, emu):
    web.control(emu, "POST", "/faults", {"kind": "truncate"})
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=5)
    try:
        conn.request("GET", "/v1/workspaces/ws-100/sessions", headers={"X-Auth-Token": web.token})
        resp = conn.getresponse()
        assert resp.status == 200
        announced = int(resp.getheader("Content-Length"))
        with pytest.raises(http.client.IncompleteRead) as info:
            resp.read()
        assert len(info.value.partial) == announced // 2
    finally:
        conn.close()
    assert emu.requests_log()[-1]["fault"] == "truncate"


def test_fault_non_json(web, emu):
    web.control(emu, "POST", "/faults", {"kind": "non_json"})
    resp = web.get(emu, "/v1/workspaces/ws-one/sessions")
    assert resp.status == 502
    assert resp.header("Content-Type") == "text/html"
    assert resp.body.lstrip().startswith(b"<html>")
    web.control(emu, "POST", "/faults", {"kind": "non_json", "status": 503})
    assert web.get(emu, "/v1/workspaces/ws-one/sessions").status == 503


def test_fault_delay_beyond_client_timeout(web, emu, monkeypatch):
    web.control(emu, "POST", "/faults", {"kind": "delay", "seconds": 0.6})
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=0.2)
    try:
        conn.request("GET", "/v1/workspaces/ws-one/sessions", headers={"X-Auth-Token": web.token})
        with pytest.raises(socket.timeout):
            conn.getresponse()
    finally:
        conn.close()
    web.control(emu, "DELETE", "/log")
    waits = []
    wait = emu._sleep
    monkeypatch.setattr(emu, "_sleep", lambda seconds: (waits.append(seconds), wait(seconds)))
    web.control(emu, "POST", "/faults", {"kind": "delay", "seconds": 0.2})
    assert web.get(emu, "/v1/workspaces/ws-one/sessions").status == 200
    assert waits == [0.2]
    [entry] = web.control(emu, "GET", "/log").json()["requests"]
    assert entry["fault"] == "delay" and entry["status"] == 200


def test_fault_mutate_between_pages(web, emu):
    first = web.get(emu, "/v1/workspaces/ws-100/sessions?limit=10").json()["sessions"]
    web.control(emu, "POST", "/faults", {"kind": "mutate", "workspace_id": "ws-100", "add": 3})
    page1 = web.get(emu, "/v1/workspaces/ws-100/sessions?limit=10").json()
    assert page1["sessions"] == first and page1["total"] == 100  # answered before the change
    after = web.get(emu, "/v1/workspaces/ws-100/sessions?limit=10").json()
    assert after["total"] == 103
    assert after["sessions"][3:] == first[:7]
    assert after["sessions"][0]["create_time"] > first[0]["create_time"]
    web.control(emu, "POST", "/faults", {"kind": "mutate", "workspace_id": "ws-100", "remove": 5})
    web.get(emu, "/v1/workspaces/ws-100/sessions?limit=1")
    gone = web.get(emu, "/v1/workspaces/ws-100/sessions?limit=10").json()
    assert gone["total"] == 98 and gone["sessions"][0] == first[2]


def test_fault_transition_with_created_session(web, emu):
    web.control(emu, "POST", "/faults", {"kind": "transition", "workspace_id": "ws-demo", "session_id": "new-session-1",
                                         "to": "RUNNING", "after": 2})
    assert web.control(emu, "GET", "/faults").json()["faults"][0]["kind"] == "transition"
    created = web.control(emu, "POST", "/workspaces/ws-demo/sessions",
                          {"session_id": "new-session-1", "status": "CREATING"})
    assert created.status == 201
    query = "/v1/workspaces/ws-demo/sessions?session_id=new-session-1"
    assert web.get(emu, query).json()["sessions"][0]["status"] == "CREATING"
    assert web.get(emu, query).json()["sessions"][0]["status"] == "CREATING"
    assert web.get(emu, query).json()["sessions"][0]["status"] == "RUNNING"
    head = web.get(emu, "/v1/workspaces/ws-demo/sessions?limit=1").json()
    assert head["total"] == 41 and head["sessions"][0]["session_id"] == "new-session-1"
    assert web.control(emu, "GET", "/faults").json() == {"faults": []}


def test_fault_validation_and_clear(web, emu):
    assert web.control(emu, "POST", "/faults", {"kind": "bogus"}).status == 400
    assert web.control(emu, "POST", "/faults", {"kind": "status"}).status == 400
    assert web.control(emu, "POST", "/faults", {"kind": "mutate", "add": 1}).status == 400
    web.control(emu, "POST", "/faults", [{"kind": "status", "status": 500}, {"kind": "drop"}])
    assert len(web.control(emu, "GET", "/faults").json()["faults"]) == 2
    web.control(emu, "DELETE", "/faults")
    assert web.get(emu, "/v1/workspaces/ws-one/sessions").status == 200


def test_fault_move_status_while_a_status_is_paged(web, emu):
    running = web.get(emu, "/v1/workspaces/ws-demo/sessions?status=RUNNING&limit=100").json()
    web.control(emu, "POST", "/faults", {"kind": "move_status", "workspace_id": "ws-demo", "from": "RUNNING",
                                         "to": "CLOSED", "count": 2})
    first = web.get(emu, "/v1/workspaces/ws-demo/sessions?status=RUNNING&limit=5").json()
    assert first["total"] == running["total"]  # answered before the move
    second = web.get(emu, "/v1/workspaces/ws-demo/sessions?status=RUNNING&limit=5").json()
    assert second["total"] == running["total"] - 1
    assert second["sessions"] == running["sessions"][1:6]  # the newest RUNNING one left: the others moved back
    web.get(emu, "/v1/workspaces/ws-demo/sessions?limit=1")
    assert web.get(emu, "/v1/workspaces/ws-demo/sessions?status=RUNNING").json()["total"] == running["total"] - 2
    oldest = running["sessions"][-1]["session_id"]
    web.control(emu, "POST", "/faults", {"kind": "move_status", "workspace_id": "ws-demo", "from": "RUNNING",
                                         "to": "FAIL", "pick": "oldest"})
    web.get(emu, "/v1/workspaces/ws-demo/sessions?limit=1")
    moved = web.get(emu, "/v1/workspaces/ws-demo/sessions?session_id=" + oldest).json()["sessions"]
    assert moved[0]["status"] == "FAIL"
    for bad in ({"from": "RUNNING", "to": "CLOSED"}, {"workspace_id": "ws-demo", "from": "X", "to": "CLOSED"},
                {"workspace_id": "ws-demo", "from": "RUNNING", "to": "CLOSED", "pick": "middle"}):
        assert web.control(emu, "POST", "/faults", dict(bad, kind="move_status")).status == 400
