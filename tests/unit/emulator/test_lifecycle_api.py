# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Show, close and create over real sockets: the documented answers, the life of a new session, the limits,
and error bodies of the documented shapes only."""

from __future__ import annotations

import pytest

SESSIONS = "/v1/workspaces/ws-life/sessions"
CONFIG = {"instance_id": "lf-instance-1", "catalog": "hive_catalog"}
# The two documented error shapes (section 1 of the spec): a string code with a message, or the 403 one.
SHAPES = ({"error_code", "error_msg"}, {"error_code", "error_msg", "solution_msg"},
          {"error", "error_code", "error_msg", "title"})


@pytest.fixture
def life(web, emu):
    web.control(emu, "PUT", "/workspaces/ws-life", {"sessions": [
        {"session_id": "run-1", "status": "RUNNING", "endpoint_info": {"id": "ep-1", "name": "first"}},
        {"session_id": "closed-1", "status": "CLOSED", "endpoint_info": {"id": "ep-1", "name": "first"}}]})
    return emu


def auth(web):
    return {"X-Auth-Token": web.token}


def documented_error(resp, status):
    assert resp.status == status
    body = resp.json()
    assert set(body) in SHAPES, body
    assert body["error_msg"]
    return body


def create(web, emu, body=None, **fields):
    payload = dict({"endpoint_id": "ep-new", "lake_formation_config": CONFIG, "wait_timeout": 300}, **fields)
    return web.call(emu, "POST", SESSIONS, headers=auth(web), body=payload if body is None else body)


def show(web, emu, session_id):
    return web.call(emu, "GET", "%s/%s" % (SESSIONS, session_id), headers=auth(web))


def test_show_answers_the_session_id_and_status_only(web, life):
    resp = show(web, life, "run-1")
    assert resp.status == 200 and resp.json() == {"session_id": "run-1", "status": "RUNNING"}


@pytest.mark.parametrize("target", ["%s/nobody" % SESSIONS, "/v1/workspaces/ws-none/sessions/run-1"])
def test_show_and_close_of_an_unknown_session_or_workspace_are_404(web, life, target):
    for method in ("GET", "DELETE"):
        body = documented_error(web.call(life, method, target, headers=auth(web)), 404)
        assert body == {"error_code": "common.01000001", "error_msg": "response status exception, code: 404"}


def test_close_answers_200_with_no_body_and_the_session_is_closed(web, life):
    resp = web.call(life, "DELETE", "%s/run-1" % SESSIONS, headers=auth(web))
    assert (resp.status, resp.body) == (200, b"")
    assert show(web, life, "run-1").json()["status"] == "CLOSED"


def test_closing_a_closed_session_answers_as_configured(web, life):
    assert web.call(life, "DELETE", "%s/closed-1" % SESSIONS, headers=auth(web)).status == 200
    web.control(life, "POST", "/lifecycle", {"closed_answer": "error"})
    body = documented_error(web.call(life, "DELETE", "%s/closed-1" % SESSIONS, headers=auth(web)), 400)
    assert "already closed" in body["error_msg"]


def test_a_session_path_takes_get_and_delete_only(web, life):
    resp = web.call(life, "POST", "%s/run-1" % SESSIONS, headers=auth(web), body={})
    assert resp.status == 405 and resp.header("Allow") == "GET, DELETE"
    documented_error(resp, 405)


def test_lifecycle_calls_need_credentials_first(web, life):
    for method, target in (("GET", SESSIONS + "/run-1"), ("DELETE", SESSIONS + "/run-1"), ("POST", SESSIONS)):
        body = documented_error(web.call(life, method, target, body={} if method == "POST" else None), 401)
        assert body["error_code"] == "APIG.1002"
    assert show(web, life, "run-1").json()["status"] == "RUNNING"


def test_a_creation_is_creating_then_running_after_two_reads(web, life):
    resp = create(web, life)
    assert resp.status == 200
    created = resp.json()
    assert set(created) == {"session_id", "status"} and created["status"] == "CREATING"
    statuses = [show(web, life, created["session_id"]).json()["status"] for _read in range(3)]
    assert statuses == ["CREATING", "RUNNING", "RUNNING"]
    listed = web.get(life, SESSIONS + "?session_id=" + created["session_id"]).json()["sessions"][0]
    assert listed["endpoint_info"]["id"] == "ep-new" and listed["create_time"].endswith("+00:00")


def test_a_creation_on_an_endpoint_told_to_fail_ends_fail(web, life):
    web.control(life, "POST", "/lifecycle", {"fail_endpoints": ["ep-new"], "creation_reads": 1})
    session_id = create(web, life).json()["session_id"]
    assert show(web, life, session_id).json()["status"] == "FAIL"


def test_without_wait_timeout_the_creation_is_synchronous(web, life):
    body = {"endpoint_id": "ep-1", "lake_formation_config": CONFIG}
    created = create(web, life, body=body).json()
    assert created["status"] == "RUNNING"
    listed = web.get(life, SESSIONS + "?session_id=" + created["session_id"]).json()["sessions"][0]
    assert listed["endpoint_info"] == {"id": "ep-1", "name": "first"}


def test_the_full_answer_is_the_whole_session(web, life):
    web.control(life, "POST", "/lifecycle", {"create_answer": "full"})
    created = create(web, life).json()
    assert set(created) == {"session_id", "status", "create_time", "endpoint_info"}


def test_past_the_session_limit_creations_wait_then_are_refused(web, life):
    web.control(life, "POST", "/lifecycle", {"session_limit": 2, "queue_limit": 1, "creation_reads": 0})
    assert create(web, life).json()["status"] == "CREATING"  # run-1 and this one: the limit
    waiting = create(web, life).json()
    assert waiting["status"] == "WAITING"
    body = documented_error(create(web, life), 400)
    assert body["error_code"] == "common.01000001" and "queues 1 creations" in body["error_msg"]
    web.call(life, "DELETE", "%s/run-1" % SESSIONS, headers=auth(web))
    assert [show(web, life, waiting["session_id"]).json()["status"] for _read in range(2)] == ["CREATING", "RUNNING"]


@pytest.mark.parametrize("body, problem", [
    ("not json", "not JSON"),
    ([], "must be an object"),
    ({"lake_formation_config": CONFIG}, "endpoint_id: must not be null"),
    ({"endpoint_id": "a/b", "lake_formation_config": CONFIG}, "endpoint_id: must match"),
    ({"endpoint_id": "ep-1"}, "lake_formation_config: must not be null"),
    ({"endpoint_id": "ep-1", "lake_formation_config": {"catalog": "c"}}, "instance_id: must match"),
    ({"endpoint_id": "ep-1", "lake_formation_config": {"instance_id": "i", "catalog": "a.b"}}, "catalog: must match"),
    ({"endpoint_id": "ep-1", "lake_formation_config": CONFIG, "wait_timeout": 299}, "wait_timeout"),
    ({"endpoint_id": "ep-1", "lake_formation_config": CONFIG, "wait_timeout": 7201}, "wait_timeout"),
], ids=["text", "list", "no-endpoint", "bad-endpoint", "no-config", "no-instance", "bad-catalog", "wait-low",
        "wait-high"])
def test_a_wrong_create_body_is_a_400_of_the_vendor_shape(web, life, body, problem):
    resp = documented_error(create(web, life, body=body), 400)
    assert resp["error_code"] == "common.01000001" and problem in resp["error_msg"]
    assert len(web.control(life, "GET", "/workspaces/ws-life").json()["sessions"]) == 2


def test_creating_in_an_unknown_workspace_is_a_404(web, life):
    resp = web.call(life, "POST", "/v1/workspaces/ws-none/sessions", headers=auth(web),
                    body={"endpoint_id": "ep-1", "lake_formation_config": CONFIG})
    documented_error(resp, 404)


def test_reset_brings_the_default_settings_back(web, life):
    web.control(life, "POST", "/lifecycle", {"closed_answer": "error"})
    web.control(life, "POST", "/reset")
    assert web.control(life, "GET", "/lifecycle").json()["closed_answer"] == "ok"


@pytest.mark.parametrize("settings", [{"nope": 1}, {"creation_reads": -1}, {"closed_answer": "maybe"},
                                      {"fail_endpoints": "ep-1"}, []])
def test_wrong_settings_are_refused(web, emu, settings):
    assert web.control(emu, "POST", "/lifecycle", settings).status == 400
