# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The emulator's SDK-HMAC-SHA256 signer and verifier: the SDK's vectors, then live AK/SK requests."""

from __future__ import annotations

import calendar
import hashlib
import http.client
import json
import os
import time

import pytest

# The collection's copy of the vectors the official SDK's signer produced (shared/spec/signing-vectors.json),
# the same file the client's signer is tested against.
VECTORS_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "plugins", "module_utils", "_http", "fixtures",
                            "signing-vectors.json")
with open(VECTORS_FILE, encoding="utf-8") as _vectors:
    VECTORS = json.load(_vectors)["vectors"]
VECTOR_EPOCH = calendar.timegm((2025, 1, 1, 0, 0, 0, 0, 0, 0))


def assert_iam_401(resp, reason):
    assert resp.status == 401, resp.body
    body = resp.json()
    assert body["error_code"] == "APIG.0301"
    assert body["error_msg"].startswith("Incorrect IAM authentication information: ")
    assert reason in body["error_msg"]


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_signing_vectors_reproduced(fe, web, vector):
    auth = fe.compute_authorization(vector["access_key"], vector["secret_key"], vector["method"], vector["path"],
                                    vector["query"], vector["headers"], vector["body"])
    assert auth == vector["authorization"]
    assert web.sign(vector["method"], vector["path"], vector["query"], vector["headers"],
                    vector["access_key"], vector["secret_key"]) == vector["authorization"]
    if "canonical_request" in vector:
        lowered = {k.lower(): v for k, v in vector["headers"].items()}
        canon = fe.canonical_request(vector["method"], vector["path"], vector["query"], lowered, sorted(lowered),
                                     hashlib.sha256(vector["body"].encode()).hexdigest())
        assert canon == vector["canonical_request"]
        if "string_to_sign" in vector:
            assert fe.string_to_sign(lowered["x-sdk-date"], canon) == vector["string_to_sign"]


def test_signing_vectors_accepted_by_live_verifier(fe):
    """Send each vector's exact headers to an emulator whose clock is the vector's date."""
    with fe.FabricEmulator(access_key="AKTEST", secret_key="SKTEST", clock=lambda: VECTOR_EPOCH) as emulator:
        for vector in VECTORS:
            target = vector["path"] + "?" + "&".join("%s=%s" % (k, v) for k, v in vector["query"])
            conn = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=5)
            try:
                conn.putrequest(vector["method"], target, skip_host=True, skip_accept_encoding=True)
                for name, value in vector["headers"].items():
                    conn.putheader(name, value)
                conn.putheader("Authorization", vector["authorization"])
                conn.endheaders()
                resp = conn.getresponse()
                body = json.loads(resp.read())
            finally:
                conn.close()
            # Authentication passed; ws-1 is not a seeded workspace.
            assert resp.status == 404, (vector["name"], body)
            assert body == {"error_code": "common.01000001", "error_msg": "response status exception, code: 404"}
            # One flipped hex digit of the signature is refused.
            bad = vector["authorization"][:-1] + ("0" if vector["authorization"][-1] != "0" else "1")
            conn = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=5)
            try:
                conn.putrequest(vector["method"], target, skip_host=True, skip_accept_encoding=True)
                for name, value in vector["headers"].items():
                    conn.putheader(name, value)
                conn.putheader("Authorization", bad)
                conn.endheaders()
                resp = conn.getresponse()
                assert resp.status == 401
                assert "verify aksk signature fail" in json.loads(resp.read())["error_msg"]
            finally:
                conn.close()


def test_aksk_signed_request_accepted(web, emu):
    resp = web.signed_get(emu, "/v1/workspaces/ws-101/sessions", [("limit", "5"), ("offset", "0")])
    assert resp.status == 200, resp.body
    assert resp.json()["total"] == 101
    assert emu.requests_log()[-1]["auth"] == "aksk"


def test_aksk_query_needing_encoding_accepted(web, emu):
    resp = web.signed_get(emu, "/v1/workspaces/ws-demo/sessions", [("status", "RUNNING"), ("x note", "a b/c*~")])
    assert resp.status == 200, resp.body


def test_aksk_tampered_query_rejected(web, emu):
    resp = web.signed_get(emu, "/v1/workspaces/ws-101/sessions", [("limit", "5")], tamper_query=[("limit", "6")])
    assert_iam_401(resp, "verify aksk signature fail")


def test_aksk_wrong_secret_rejected(web, emu):
    resp = web.signed_get(emu, "/v1/workspaces/ws-101/sessions", sk="WRONG")
    assert_iam_401(resp, "verify aksk signature fail")


def test_aksk_unknown_access_key(web, emu):
    assert_iam_401(web.signed_get(emu, "/v1/workspaces/ws-101/sessions", ak="NOSUCHAK"), "access key")


def test_aksk_stale_date_rejected(web, emu):
    stale = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(time.time() - 16 * 60))
    assert_iam_401(web.signed_get(emu, "/v1/workspaces/ws-101/sessions", date=stale), "request expired")
    future = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(time.time() + 16 * 60))
    assert_iam_401(web.signed_get(emu, "/v1/workspaces/ws-101/sessions", date=future), "request expired")
    near = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(time.time() - 10 * 60))
    assert web.signed_get(emu, "/v1/workspaces/ws-101/sessions", date=near).status == 200


def test_aksk_malformed_date_rejected(web, emu):
    assert_iam_401(web.signed_get(emu, "/v1/workspaces/ws-101/sessions", date="2025-01-01T00:00:00Z"), "request expired")


def test_aksk_missing_project_rejected(web, emu):
    resp = web.signed_get(emu, "/v1/workspaces/ws-101/sessions", extra={"X-Project-Id": None})
    assert_iam_401(resp, "X-Project-Id")


def test_aksk_unsigned_project_rejected(web, emu):
    resp = web.signed_get(emu, "/v1/workspaces/ws-101/sessions", extra={"X-Project-Id": None},
                          unsigned={"X-Project-Id": "project-1"})
    assert_iam_401(resp, "x-project-id must be signed")


def test_aksk_security_token_must_be_signed(web, emu):
    ok = web.signed_get(emu, "/v1/workspaces/ws-101/sessions", extra={"X-Security-Token": "temp-token"})
    assert ok.status == 200
    resp = web.signed_get(emu, "/v1/workspaces/ws-101/sessions", unsigned={"X-Security-Token": "temp-token"})
    assert_iam_401(resp, "x-security-token must be signed")


def test_aksk_project_id_pinned(fe, web):
    with fe.FabricEmulator(project_id="pinned") as emulator:
        assert_iam_401(web.signed_get(emulator, "/v1/workspaces/ws-one/sessions"), "project")
        resp = web.signed_get(emulator, "/v1/workspaces/ws-one/sessions", extra={"X-Project-Id": "pinned"})
        assert resp.status == 200
