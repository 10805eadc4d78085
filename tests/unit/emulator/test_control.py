# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The control API, the request log (and its redaction) and latency."""

from __future__ import annotations

import json


def test_health_and_control_not_logged(web, emu):
    assert web.control(emu, "GET", "/health").json() == {"status": "ok"}
    assert web.control(emu, "GET", "/log").json() == {"requests": []}


def test_log_entries_and_redaction(web, emu):
    web.get(emu, "/v1/workspaces/ws-one/sessions?limit=5&x=a%20b&limit=6")
    web.signed_get(emu, "/v1/workspaces/ws-one/sessions", extra={"X-Security-Token": "temp-secret-token"})
    web.get(emu, "/v1/workspaces/ws-one/sessions", token="s3cret-wrong-token")
    log_resp = web.control(emu, "GET", "/log")
    text = log_resp.body.decode()
    for secret in (web.token, "temp-secret-token", "s3cret-wrong-token", web.sk):
        assert secret not in text
    entries = log_resp.json()["requests"]
    assert len(entries) == 3
    first, second, third = entries
    assert first["method"] == "GET" and first["path"] == "/v1/workspaces/ws-one/sessions"
    assert first["query"] == [["limit", "5"], ["x", "a b"], ["limit", "6"]]
    assert first["raw_query"] == "limit=5&x=a%20b&limit=6"
    assert first["status"] == 400 and first["auth"] == "token" and first["fault"] is None
    assert first["headers"]["X-Auth-Token"] == "REDACTED"
    assert isinstance(first["time"], float)
    assert second["auth"] == "aksk" and second["status"] == 200
    assert second["headers"]["X-Security-Token"] == "REDACTED"
    assert second["headers"]["Authorization"].endswith("Signature=REDACTED")
    assert "Access=EMULATORAK" in second["headers"]["Authorization"]
    assert third["status"] == 401
    web.control(emu, "DELETE", "/log")
    assert web.control(emu, "GET", "/log").json() == {"requests": []}


def test_latency(web, emu, monkeypatch):
    # The waits the emulator makes, recorded rather than timed (no wall-clock assertion).
    waits = []
    wait = emu._sleep
    monkeypatch.setattr(emu, "_sleep", lambda seconds: (waits.append(seconds), wait(seconds)))
    assert web.control(emu, "POST", "/latency", {"ms": 150}).json() == {"ms": 150}
    assert web.control(emu, "GET", "/latency").json() == {"ms": 150}
    assert web.get(emu, "/v1/workspaces/ws-one/sessions").status == 200
    assert waits == [0.15]
    web.control(emu, "POST", "/reset")
    assert web.control(emu, "GET", "/latency").json() == {"ms": 0}
    assert web.get(emu, "/v1/workspaces/ws-one/sessions").status == 200
    assert waits == [0.15]


def test_workspace_control(web, emu):
    assert web.control(emu, "PUT", "/workspaces/my-ws", {"count": 7}).json() == {"workspace_id": "my-ws", "count": 7}
    assert web.get(emu, "/v1/workspaces/my-ws/sessions").json()["total"] == 7
    sessions = [
        {"session_id": "older", "status": "CLOSED", "create_time": "2025-01-01T00:00:00.000+00:00",
         "endpoint_info": {"id": "ep-1", "name": "one"}, "extra_field": {"kept": True}},
        {"session_id": "newer", "status": "WEIRD", "create_time": "2025-02-01T00:00:00.000+00:00",
         "endpoint_info": {"id": "ep-1", "name": "one"}},
    ]
    web.control(emu, "PUT", "/workspaces/my-ws", {"sessions": sessions})
    body = web.get(emu, "/v1/workspaces/my-ws/sessions").json()
    assert [s["session_id"] for s in body["sessions"]] == ["newer", "older"]
    assert body["sessions"][1]["extra_field"] == {"kept": True}
    web.control(emu, "POST", "/workspaces/my-ws/sessions", {"session_id": "newest"})
    body = web.get(emu, "/v1/workspaces/my-ws/sessions").json()
    assert body["total"] == 3 and body["sessions"][0]["session_id"] == "newest"
    assert web.control(emu, "DELETE", "/workspaces/my-ws").status == 200
    assert web.get(emu, "/v1/workspaces/my-ws/sessions").status == 404
    assert web.control(emu, "PUT", "/workspaces/bad_id", {"count": 1}).status == 400
    assert web.control(emu, "GET", "/nope").status == 404


def test_reset_restores_seeded_data(web, emu):
    web.control(emu, "DELETE", "/workspaces/ws-one")
    web.control(emu, "POST", "/faults", {"kind": "status", "status": 500})
    assert web.control(emu, "POST", "/reset").status == 200
    assert web.get(emu, "/v1/workspaces/ws-one/sessions").json()["total"] == 1


def test_log_says_whether_an_authorization_is_not_a_signature(web, emu):
    netrc_like = {"Authorization": "Basic dXNlcjpuZXRyYy1zZWNyZXQ="}
    assert web.get(emu, "/v1/workspaces/ws-one/sessions", headers=netrc_like).status == 200  # the token wins
    assert web.get(emu, "/v1/workspaces/ws-one/sessions", token=None, headers=netrc_like).status == 401
    web.signed_get(emu, "/v1/workspaces/ws-one/sessions")
    web.get(emu, "/v1/workspaces/ws-one/sessions")
    entries = emu.requests_log()
    assert [(e["auth"], e["other_authorization"]) for e in entries] == [
        ("token", True), ("aksk", True), ("aksk", False), ("token", False)]
    assert entries[0]["headers"]["Authorization"] == "REDACTED"
    assert "dXNlcjpuZXRyYy1zZWNyZXQ" not in json.dumps(entries)
