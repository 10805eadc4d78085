# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The IAM-only fault kinds: ``iam_body`` (a raw body with a real token) and ``iam_expires_at``."""

from __future__ import annotations

import pytest

PATH = "/v1/workspaces/ws-one/sessions"


@pytest.mark.parametrize("body", ['{"token": null}', '{"token": {"expires_at": "0001-01-01T00:00:00Z"}}', "", "[[["])
def test_iam_body_with_a_valid_token(web, emu, body):
    emu.add_fault(kind="iam_body", body=body)
    resp = web.iam_token(emu, password="not-even-checked")
    assert resp.status == 201 and resp.body == body.encode()
    token = resp.header("X-Subject-Token")
    assert token and web.get(emu, PATH, token=token).status == 200
    assert emu.token_stats() == {"issued": 1, "valid": 1}
    assert emu.requests_log()[0]["fault"] == "iam_body"


def test_iam_body_without_a_token_and_another_status(web, emu):
    emu.add_fault(kind="iam_body", body='{"token": {}}', status=200, token=False)
    resp = web.iam_token(emu)
    assert resp.status == 200 and resp.header("X-Subject-Token") is None and resp.json() == {"token": {}}
    assert emu.token_stats()["issued"] == 0


def test_iam_faults_never_touch_the_sessions_api(web, emu):
    emu.add_fault(kind="iam_body", body="{}")
    emu.add_fault(kind="iam_expires_at", expires_at="2000-01-01T00:00:00.000000Z", path_prefix="/v")
    assert web.get(emu, PATH).status == 200
    assert web.iam_token(emu).body == b"{}"
    assert web.iam_token(emu).json()["token"]["expires_at"] == "2000-01-01T00:00:00.000000Z"


@pytest.mark.parametrize("expires_at", ["2000-01-01T00:00:00.000000Z", "2999-01-01T00:00:00.000000Z", "not a time"])
def test_iam_expires_at_reports_a_time_but_the_token_lives_on(web, emu, expires_at):
    emu.add_fault(kind="iam_expires_at", expires_at=expires_at)
    resp = web.iam_token(emu)
    assert resp.status == 201
    token = resp.json()["token"]
    assert token["expires_at"] == expires_at and token["issued_at"] and token["user"]["name"] == web.iam_user
    assert web.get(emu, PATH, token=resp.header("X-Subject-Token")).status == 200
    assert web.iam_token(emu).json()["token"]["expires_at"] != expires_at  # used up


def test_iam_expires_at_still_checks_the_password(web, emu):
    emu.add_fault(kind="iam_expires_at", expires_at="2000-01-01T00:00:00.000000Z")
    assert web.iam_token(emu, password="wrong").status == 401
    assert emu.token_stats()["issued"] == 0


@pytest.mark.parametrize("fault", [
    {"kind": "iam_expires_at"},
    {"kind": "iam_expires_at", "expires_at": 0},
    {"kind": "iam_body", "body": {"token": None}},
    {"kind": "iam_body", "token": "yes"},
])
def test_iam_fault_fields_are_checked(web, emu, fault):
    assert web.control(emu, "POST", "/faults", fault).status == 400
