# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""``echo_secret``: a service that quotes back the credentials it got (the client must scrub them); the
emulator's own log still never holds them."""

from __future__ import annotations

import json

PATH = "/v1/workspaces/ws-one/sessions"


def test_echo_secret_quotes_the_token(web, emu):
    emu.add_fault(kind="echo_secret")
    resp = web.get(emu, PATH, token="tok-3f9c-secret")
    assert resp.status == 401
    body = resp.json()
    assert set(body) == {"error_code", "error_msg", "solution_msg"}
    assert "X-Auth-Token: tok-3f9c-secret" in body["error_msg"]
    assert "tok-3f9c-secret" in body["solution_msg"]
    assert "tok-3f9c-secret" not in json.dumps(emu.requests_log())
    assert emu.requests_log()[-1]["fault"] == "echo_secret"


def test_echo_secret_quotes_the_signature_and_the_security_token(web, emu):
    emu.add_fault(kind="echo_secret", status=403)
    resp = web.signed_get(emu, PATH, extra={"X-Security-Token": "sts-temporary-secret"})
    assert resp.status == 403
    message = resp.json()["error_msg"]
    assert "Authorization: SDK-HMAC-SHA256 Access=%s, SignedHeaders=" % web.ak in message and "Signature=" in message
    assert "X-Security-Token: sts-temporary-secret" in message
    log = json.dumps(emu.requests_log())
    assert "sts-temporary-secret" not in log and "Signature=REDACTED" in log


def test_echo_secret_without_credentials_says_so(web, emu):
    emu.add_fault(kind="echo_secret")
    assert web.get(emu, PATH, token=None).json()["error_msg"].endswith("no credentials")


def test_echo_secret_on_the_iam_endpoint_quotes_the_password(web, emu):
    emu.add_fault(kind="echo_secret", path_prefix="/v3/")
    resp = web.iam_token(emu, password="Pa55-in-the-body")
    assert resp.status == 401
    body = resp.json()
    assert "password: Pa55-in-the-body" in body["error_msg"] and "Pa55-in-the-body" in body["solution_msg"]
    assert body["error"]["code"] == 401 and "Pa55-in-the-body" in body["error"]["message"]
    assert "Pa55-in-the-body" not in json.dumps(emu.requests_log())
    assert web.iam_token(emu).status == 201  # used up


def test_echo_secret_leaves_the_iam_endpoint_alone_unless_named(web, emu):
    emu.add_fault(kind="echo_secret")
    assert web.iam_token(emu).status == 201
    assert web.get(emu, PATH).status == 401
