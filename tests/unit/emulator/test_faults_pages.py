# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The fault kinds that bend the sessions page: lie_total, endless, page_cap, long_page, ignore_filters, nested."""

from __future__ import annotations

import json
import re

import pytest

PAGE = "/v1/workspaces/ws-101/sessions"
SESSION_KEYS = ["session_id", "status", "create_time", "endpoint_info"]
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")


def page(web, emu, query, **kwargs):
    resp = web.get(emu, PAGE + "?" + query, **kwargs)
    assert resp.status == 200, resp.body
    return resp.json()


@pytest.mark.parametrize("lie", [1000000000, 3, 0, -1])
def test_lie_total_replaces_only_the_total(web, emu, lie):
    truth = page(web, emu, "limit=5&offset=10")
    emu.add_fault(kind="lie_total", total=lie)
    lied = page(web, emu, "limit=5&offset=10")
    assert lied == {"sessions": truth["sessions"], "total": lie}
    assert page(web, emu, "limit=5&offset=10") == truth
    assert emu.requests_log()[-2]["fault"] == "lie_total"


def test_lie_total_needs_an_integer(web, emu):
    for bad in ({"kind": "lie_total"}, {"kind": "lie_total", "total": "9"}, {"kind": "lie_total", "total": True}):
        assert web.control(emu, "POST", "/faults", bad).status == 400


def test_endless_pages_are_full_unique_and_always_two_pages_short(fe, web, emu):
    web.control(emu, "POST", "/faults", {"kind": "endless", "count": 1000, "workspace_id": "ws-one"})
    seen = set()
    for number in range(30):
        offset = number * 100
        body = web.get(emu, "/v1/workspaces/ws-one/sessions?limit=100&offset=%d" % offset).json()
        assert body["total"] == offset + 200
        assert len(body["sessions"]) == 100
        for session in body["sessions"]:
            assert list(session) == SESSION_KEYS
            assert UUID_RE.match(session["session_id"]) and session["status"] in fe.STATUSES
            assert set(session["endpoint_info"]) == {"id", "name"}
        seen.update(s["session_id"] for s in body["sessions"])
    assert len(seen) == 3000
    twice = [web.get(emu, "/v1/workspaces/ws-one/sessions?limit=3&offset=200").json()["sessions"] for _read in range(2)]
    assert twice[0] == twice[1]  # the same records at the same offset
    assert emu.faults()[0]["count"] == 1000 - 32


def test_endless_still_needs_credentials_and_a_valid_query(web, emu):
    emu.add_fault(kind="endless", count=3)
    assert web.get(emu, PAGE, token="nope").status == 401
    assert web.get(emu, PAGE + "?limit=101").status == 400
    assert page(web, emu, "limit=7")["total"] == 14


@pytest.mark.parametrize("cap,limit,expected", [(10, 100, 10), (10, 5, 5), (0, 10, 0)])
def test_page_cap_serves_fewer_sessions_with_the_true_total(web, emu, cap, limit, expected):
    truth = page(web, emu, "limit=%d&offset=1" % limit)
    emu.add_fault(kind="page_cap", max=cap)
    capped = page(web, emu, "limit=%d&offset=1" % limit)
    assert capped["total"] == 101
    assert capped["sessions"] == truth["sessions"][:expected]


def test_long_page_serves_the_following_records_too(web, emu):
    truth = page(web, emu, "limit=20&offset=10")
    emu.add_fault(kind="long_page", extra=5)
    long = page(web, emu, "limit=15&offset=10")
    assert long["total"] == 101 and long["sessions"] == truth["sessions"]
    emu.add_fault(kind="long_page", extra=50)
    assert len(page(web, emu, "limit=100&offset=0")["sessions"]) == 101  # no more than there is


def test_ignore_filters_answers_the_unfiltered_list(web, emu):
    everything = web.get(emu, "/v1/workspaces/ws-demo/sessions?limit=20").json()
    running = web.get(emu, "/v1/workspaces/ws-demo/sessions?limit=20&status=RUNNING").json()
    assert running["total"] < everything["total"]
    emu.add_fault(kind="ignore_filters", count=3)
    one = everything["sessions"][5]
    queries = ("status=RUNNING", "endpoint_id=" + one["endpoint_info"]["id"], "session_id=" + one["session_id"])
    for query in queries:
        assert web.get(emu, "/v1/workspaces/ws-demo/sessions?limit=20&" + query).json() == everything
    assert web.get(emu, "/v1/workspaces/ws-demo/sessions?limit=20&status=RUNNING").json() == running


def test_nested_page_a_million_deep(web, emu):
    emu.add_fault(kind="nested", depth=1000000, where="page")
    resp = web.get(emu, PAGE)
    assert resp.status == 200
    assert resp.body == b"[" * 1000000 + b"]" * 1000000
    emu.add_fault(kind="nested", depth=3, where="page", status=206)
    resp = web.get(emu, PAGE)
    assert resp.status == 206 and resp.json() == [[[]]]


def test_nested_inside_one_session(web, emu):
    truth = page(web, emu, "limit=3")
    emu.add_fault(kind="nested", depth=4, where="session")
    body = page(web, emu, "limit=3")
    first = dict(truth["sessions"][0], nested=[[[[]]]])
    assert body == {"sessions": [first] + truth["sessions"][1:], "total": 101}
    emu.add_fault(kind="nested", depth=200000, where="session")
    raw = web.get(emu, PAGE + "?limit=2").body
    assert b'"nested":' + b"[" * 200000 + b"]" * 200000 + b"}" in raw
    with pytest.raises(RecursionError):
        json.loads(raw)


def test_nested_session_on_an_empty_page_brings_its_own_session(web, emu):
    emu.add_fault(kind="nested", depth=2, where="session")
    body = web.get(emu, "/v1/workspaces/ws-empty/sessions").json()
    assert body["total"] == 0 and len(body["sessions"]) == 1 and body["sessions"][0]["nested"] == [[]]


def test_nested_error_message(web, emu):
    emu.add_fault(kind="nested", depth=5, where="error")
    resp = web.get(emu, PAGE, token=None)  # before authentication, like any error fault
    assert resp.status == 500
    assert resp.json() == {"error_code": "common.00000500", "error_msg": [[[[[]]]]]}
    emu.add_fault(kind="nested", depth=1000000, where="error", status=429)
    resp = web.get(emu, PAGE)
    assert resp.status == 429 and resp.body.endswith(b"]" * 1000000 + b"}")


@pytest.mark.parametrize("fault", [
    {"kind": "nested", "depth": 3},
    {"kind": "nested", "depth": 0, "where": "page"},
    {"kind": "nested", "depth": 10000001, "where": "page"},
    {"kind": "nested", "depth": 3, "where": "everywhere"},
    {"kind": "page_cap"},
    {"kind": "long_page", "extra": 0},
])
def test_page_fault_fields_are_checked(web, emu, fault):
    assert web.control(emu, "POST", "/faults", fault).status == 400
    assert emu.faults() == []
