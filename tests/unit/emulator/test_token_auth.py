# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Token authentication of the sessions API (configured, wrong, missing and forbidden tokens)."""

from __future__ import annotations


def test_token_accepted(web, emu):
    resp = web.get(emu, "/v1/workspaces/ws-one/sessions")
    assert resp.status == 200
    assert resp.header("Content-Type") == "application/json"
    assert resp.json()["total"] == 1


def test_token_wrong(web, emu):
    resp = web.get(emu, "/v1/workspaces/ws-one/sessions", token="nope")
    assert resp.status == 401
    assert resp.json() == {"error_code": "APIG.1002", "error_msg": "Incorrect token or token resolution failed"}


def test_no_credentials(web, emu):
    resp = web.get(emu, "/v1/workspaces/ws-one/sessions", token=None)
    assert resp.status == 401
    assert resp.json() == {"error_code": "APIG.1002", "error_msg": "Incorrect token or token resolution failed"}


def test_token_forbidden(web, emu):
    resp = web.get(emu, "/v1/workspaces/ws-one/sessions", token=web.forbidden)
    assert resp.status == 403
    assert resp.json() == {
        "error": {"code": "403", "message": "X-Auth-Token is invalid in the request", "title": "Forbidden"},
        "error_code": 403, "error_msg": "X-Auth-Token is invalid in the request", "title": "Forbidden"}


def test_auth_checked_before_validation(web, emu):
    resp = web.get(emu, "/v1/workspaces/ws-one/sessions?limit=abc", token="nope")
    assert resp.status == 401
