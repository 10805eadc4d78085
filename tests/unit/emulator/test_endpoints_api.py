# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""ListEndpoints: the documented fields, visibility, the fuzzy name filter and its characters, type, paging and
the control API that sets a workspace's endpoints."""

from __future__ import annotations

from urllib.parse import quote

import pytest

FIELDS = {"id", "name", "type", "status", "visibility", "description", "create_time", "update_time", "owner"}


def names(resp):
    return [(entry["name"], entry["type"], entry["visibility"], entry["owner"]) for entry in resp.json()["endpoints"]]


def test_endpoints_of_a_workspace_come_from_its_sessions_with_the_documented_fields(web, emu):
    resp = web.get(emu, "/v1/workspaces/ws-demo/endpoints?limit=100")
    assert resp.status == 200
    body = resp.json()
    assert set(body) == {"total", "endpoints"}
    assert all(set(entry) == FIELDS for entry in body["endpoints"])
    # no visibility: the caller's own endpoints only, of every type
    assert sorted(names(resp)) == sorted([
        ("Fabric Prod.eu", "sql", "PRIVATE", "emulator-user"), ("daten_M\u00fcller 2", "sql", "PRIVATE", "emulator-user"),
        ("adhoc-analytics_01", "sql", "PRIVATE", "emulator-user"), ("Fabric Prod.eu", "ray", "PRIVATE", "emulator-user"),
        ("archive 2024", "sql", "PRIVATE", "emulator-user")])
    session_endpoints = {s["endpoint_info"]["id"] for s in emu.sessions("ws-demo")}
    assert session_endpoints <= {entry["id"] for entry in body["endpoints"]}


@pytest.mark.parametrize("visibility,expected", [
    ("PRIVATE", {"emulator-user"}),
    ("PUBLIC", {"another-team"}),
    ("ALL", {"emulator-user", "another-team"}),
])
def test_visibility(web, emu, visibility, expected):
    resp = web.get(emu, "/v1/workspaces/ws-demo/endpoints?limit=100&type=sql&visibility=" + visibility)
    assert {owner for _name, _type, _visibility, owner in names(resp)} == expected
    assert "hidden-of-another-team" not in [name for name, *_rest in names(resp)]


def test_the_name_filter_is_a_substring_match_of_any_case(web, emu):
    resp = web.get(emu, "/v1/workspaces/ws-demo/endpoints?visibility=ALL&type=sql&name=ADHOC")
    assert resp.json()["total"] == 2
    assert [visibility for _name, _type, visibility, _owner in names(resp)] == ["PRIVATE", "PUBLIC"]
    chinese = web.get(emu, "/v1/workspaces/ws-demo/endpoints?name=" + quote("\u6570\u636e"))
    assert chinese.status == 200 and chinese.json()["total"] == 0


@pytest.mark.parametrize("name", ["Prod.eu", "Fabric Prod", "M\u00fcller", "a/b"])
def test_the_name_filter_refuses_dots_spaces_and_other_letters(web, emu, name):
    resp = web.get(emu, "/v1/workspaces/ws-demo/endpoints?name=" + quote(name))
    assert resp.status == 400
    assert "name: must contain only" in resp.json()["error_msg"]


@pytest.mark.parametrize("query,reason", [("type=SQL", "type"), ("visibility=all", "visibility"), ("limit=0", "limit"),
                                          ("offset=-1", "offset"), ("limit=5&limit=6", "limit")])
def test_bad_queries(web, emu, query, reason):
    resp = web.get(emu, "/v1/workspaces/ws-demo/endpoints?" + query)
    assert resp.status == 400 and reason in resp.json()["error_msg"]


def test_paging_exact_filters_auth_and_unknown_workspace(web, emu):
    pages = [web.get(emu, "/v1/workspaces/ws-demo/endpoints?limit=2&offset=%d" % offset).json() for offset in (0, 2, 4)]
    assert [len(page["endpoints"]) for page in pages] == [2, 2, 1] and {page["total"] for page in pages} == {5}
    one = web.get(emu, "/v1/workspaces/ws-demo/endpoints?endpoint_id=0d3e5a10-7777-4e2a-9c1d-000000000007").json()
    assert [entry["name"] for entry in one["endpoints"]] == ["archive 2024"]
    assert web.get(emu, "/v1/workspaces/ws-demo/endpoints", token=None).status == 401
    assert web.get(emu, "/v1/workspaces/nope/endpoints").status == 404


def test_the_control_api_sets_and_reads_endpoints(web, emu):
    put = web.control(emu, "PUT", "/workspaces/ws-ep/endpoints",
                      {"endpoints": [{"name": "a.b", "status": "FROZEN"}, {"name": "a.b", "visibility": "PUBLIC",
                                                                           "owner": "other"}]})
    assert put.status == 200
    listed = web.get(emu, "/v1/workspaces/ws-ep/endpoints?visibility=ALL").json()
    assert [(entry["name"], entry["status"], entry["visibility"]) for entry in listed["endpoints"]] == [
        ("a.b", "FROZEN", "PRIVATE"), ("a.b", "RUNNING", "PUBLIC")]
    assert len({entry["id"] for entry in listed["endpoints"]}) == 2
    assert web.control(emu, "GET", "/workspaces/ws-ep/endpoints").json()["endpoints"] == put.json()["endpoints"]
    assert web.control(emu, "PUT", "/workspaces/ws-ep/endpoints", {"endpoints": "x"}).status == 400
    assert web.control(emu, "GET", "/workspaces/nope/endpoints").status == 404
    emu.reset()
    assert web.get(emu, "/v1/workspaces/ws-ep/endpoints").status == 404
