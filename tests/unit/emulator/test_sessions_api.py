# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The sessions list call: validation, routing, the seeded data, paging and filters."""

from __future__ import annotations

import http.client
import re

import pytest

BAD_QUERIES = [
    ("limit=abc", "reason: Type mismatch., cause: TypeMismatchException"),
    ("limit=1.5", "Type mismatch"),
    ("limit=99999999999", "Type mismatch"),
    ("limit=0", "limit"),
    ("limit=101", "limit"),
    ("offset=-1", "offset"),
    ("offset=1000000001", "offset"),
    ("offset=x", "Type mismatch"),
    ("status=RUNINNG", "status"),
    ("status=running", "status"),
    ("endpoint_id=a_b", "endpoint_id"),
    ("endpoint_id=" + "a" * 37, "endpoint_id"),
    ("session_id=a%20b", "session_id"),
    ("session_id=%C3%BC", "session_id"),
    ("limit=5&limit=5", "limit"),
    ("status=RUNNING&status=CLOSED", "status"),
]


@pytest.mark.parametrize("query,reason", BAD_QUERIES)
def test_bad_query_400(web, emu, query, reason):
    resp = web.get(emu, "/v1/workspaces/ws-100/sessions?" + query)
    assert resp.status == 400, resp.body
    body = resp.json()
    assert set(body) == {"error_code", "error_msg"}
    assert body["error_code"] == "common.01000001"
    assert body["error_msg"].startswith("failed to read http request, please check your input, code: 400, reason: ")
    assert reason in body["error_msg"]
    assert ", cause: " in body["error_msg"]


def test_type_mismatch_exact_vendor_body(web, emu):
    resp = web.get(emu, "/v1/workspaces/ws-100/sessions?limit=ten")
    assert resp.json() == {
        "error_code": "common.01000001",
        "error_msg": "failed to read http request, please check your input, code: 400, "
                     "reason: Type mismatch., cause: TypeMismatchException"}


@pytest.mark.parametrize("segment", ["a%2Fb", "a_b", "x" * 37, "%C3%BC", "", "a.b"])
def test_bad_workspace_id_400(web, emu, segment):
    resp = web.get(emu, "/v1/workspaces/%s/sessions" % segment)
    assert resp.status == 400, resp.body
    assert "workspace_id" in resp.json()["error_msg"]


def test_bounds_and_defaults_accepted(web, emu):
    for query in ("limit=1", "limit=100", "offset=0", "offset=1000000000", "endpoint_id=", "nonsense=1&other=2",
                  "nonsense=1&nonsense=2", "status=FAIL", "session_id=" + "a" * 36):
        assert web.get(emu, "/v1/workspaces/ws-100/sessions?" + query).status == 200, query
    body = web.get(emu, "/v1/workspaces/ws-100/sessions").json()
    assert len(body["sessions"]) == 10 and body["total"] == 100
    assert web.get(emu, "/v1/workspaces/ws-100/sessions?offset=1000000000").json() == {"sessions": [], "total": 100}


def test_percent_encoded_workspace_decoded_once(web, emu):
    resp = web.get(emu, "/v1/workspaces/ws%2D101/sessions?limit=1")
    assert resp.status == 200
    assert resp.json()["total"] == 101


def test_unknown_workspace_404(web, emu):
    resp = web.get(emu, "/v1/workspaces/no-such-ws/sessions")
    assert resp.status == 404
    assert resp.json() == {"error_code": "common.01000001", "error_msg": "response status exception, code: 404"}


@pytest.mark.parametrize("path", ["/", "/v1/workspaces/ws-one/sessions/", "/v1/workspaces/ws-one", "/v2/workspaces/ws-one/sessions"])
def test_other_paths_404(web, emu, path):
    resp = web.get(emu, path)
    assert resp.status == 404
    assert resp.json() == {"error_code": "common.01000001", "error_msg": "response status exception, code: 404"}


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_405(web, emu, method):
    resp = web.call(emu, method, "/v1/workspaces/ws-one/sessions", headers={"X-Auth-Token": web.token}, body="{}")
    assert resp.status == 405 and resp.header("Allow") == "GET, POST"  # POST creates (test_lifecycle_api.py)
    body = resp.json()
    assert body["error_code"] == "common.01000001" and "405" in body["error_msg"]


def test_paging_ws_101(fe, web, emu):
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=5)
    try:
        first = web.get(emu, "/v1/workspaces/ws-101/sessions?limit=100&offset=0", conn=conn).json()
        second = web.get(emu, "/v1/workspaces/ws-101/sessions?limit=100&offset=100", conn=conn).json()
        third = web.get(emu, "/v1/workspaces/ws-101/sessions?limit=100&offset=101", conn=conn).json()
    finally:
        conn.close()
    assert first["total"] == second["total"] == third["total"] == 101
    assert len(first["sessions"]) == 100 and len(second["sessions"]) == 1 and third["sessions"] == []
    sessions = first["sessions"] + second["sessions"]
    assert len({s["session_id"] for s in sessions}) == 101
    times = [s["create_time"] for s in sessions]
    assert times == sorted(times, reverse=True)
    assert {s["status"] for s in sessions} == set(fe.STATUSES)
    assert 2 <= len({s["endpoint_info"]["id"] for s in sessions}) <= 4
    for s in sessions:
        assert list(s) == ["session_id", "status", "create_time", "endpoint_info"]
        assert re.match(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z", s["session_id"])
        assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000\+00:00\Z", s["create_time"])
    # Deterministic across requests and resets.
    emu.reset()
    again = web.get(emu, "/v1/workspaces/ws-101/sessions?limit=100").json()
    assert again["sessions"] == first["sessions"]


def test_seeded_sizes(web, emu):
    sizes = {"ws-empty": 0, "ws-one": 1, "ws-100": 100, "ws-101": 101, "ws-10k": 10000, "ws-vendor": 2}
    for ws_id, count in sizes.items():
        body = web.get(emu, "/v1/workspaces/%s/sessions?limit=1" % ws_id).json()
        assert body["total"] == count, ws_id
    listing = {w["workspace_id"]: w["count"] for w in web.control(emu, "GET", "/workspaces").json()["workspaces"]}
    assert listing["ws-25k"] == 25000 and listing["ws-100k"] == 100000


def test_filters(fe, web, emu):
    everything = web.get(emu, "/v1/workspaces/ws-demo/sessions?limit=100").json()
    sessions = everything["sessions"]
    assert everything["total"] == len(sessions) == 40
    assert {s["status"] for s in sessions} == set(fe.STATUSES)
    names = {s["endpoint_info"]["name"] for s in sessions}
    assert names == {"Fabric Prod.eu", "daten_M\u00fcller 2", "adhoc-analytics_01"}
    endpoint = sessions[3]["endpoint_info"]["id"]
    by_ep = web.get(emu, "/v1/workspaces/ws-demo/sessions?limit=2&endpoint_id=" + endpoint).json()
    expected = [s for s in sessions if s["endpoint_info"]["id"] == endpoint]
    assert by_ep["total"] == len(expected) and by_ep["sessions"] == expected[:2]
    closed = web.get(emu, "/v1/workspaces/ws-demo/sessions?limit=100&status=CLOSED").json()
    assert closed["sessions"] == [s for s in sessions if s["status"] == "CLOSED"]
    both = web.get(emu, "/v1/workspaces/ws-demo/sessions?limit=100&status=RUNNING&endpoint_id=" + endpoint).json()
    assert both["total"] == len([s for s in expected if s["status"] == "RUNNING"])
    one = web.get(emu, "/v1/workspaces/ws-demo/sessions?session_id=" + sessions[7]["session_id"]).json()
    assert one == {"sessions": [sessions[7]], "total": 1}
    assert web.get(emu, "/v1/workspaces/ws-demo/sessions?session_id=nope").json() == {"sessions": [], "total": 0}


def test_vendor_workspace_keeps_typo(web, emu):
    resp = web.get(emu, "/v1/workspaces/ws-vendor/sessions?endpoint_id=")
    assert resp.status == 200
    body = resp.json()
    assert body["total"] == 2
    assert body["sessions"][0] == {
        "session_id": "284888e2-c36f-4bec-9b24-e5bf0b386ab0", "status": "RUNINNG",
        "create_time": "2025-07-22T08:42:39.000+00:00",
        "endpoint_info": {"id": "0470d220-aaaa-410e-a417-0d69a0215683", "name": "test2"}}
    assert body["sessions"][1]["session_id"] == "4e4b2770-702f-48b7-9737-db107cf63e24"
    assert body["sessions"][1]["status"] == "CLOSED"
    assert web.get(emu, "/v1/workspaces/ws-vendor/sessions?status=RUNNING").json() == {"sessions": [], "total": 0}


def test_250_keepalive_pages_one_connection(web, emu):
    web.get(emu, "/v1/workspaces/ws-25k/sessions?limit=1")  # generate the data first
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=5)
    seen = 0
    sockets = set()
    try:
        for page in range(250):
            body = web.get(emu, "/v1/workspaces/ws-25k/sessions?limit=100&offset=%d" % (page * 100), conn=conn).json()
            seen += len(body["sessions"])
            sockets.add(id(conn.sock))
    finally:
        conn.close()
    assert seen == 25000
    # every page over the one kept-alive connection (http.client opens a new socket after a close)
    assert len(sockets) == 1
