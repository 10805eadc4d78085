# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The IAM token endpoint: issued tokens, validation, expiry, redaction, faults by path."""

from __future__ import annotations

import calendar
import http.client
import json
import re
import signal
import socket
import subprocess
import sys
import time

import pytest


IAM_USER = "emulator-user"
IAM_PASSWORD = "emulator-password"
IAM_DOMAIN = "emulator-domain"
IAM_401 = {"error": {"code": 401, "message": "The username or password is wrong.", "title": "Unauthorized"}}
IAM_TIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z\Z")


def assert_iam_400(resp):
    assert resp.status == 400, resp.body
    body = resp.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "title"}
    assert body["error"]["code"] == 400 and body["error"]["title"] == "Bad Request"
    assert body["error"]["message"]
    return body["error"]["message"]


class FakeClock(object):
    def __init__(self, now=1763000000.0):
        self.now = now

    def __call__(self):
        return self.now


@pytest.mark.parametrize("scope,expected", [
    ({"project": {"id": "0123456789abcdef0123456789abcdef"}}, {"id": "0123456789abcdef0123456789abcdef"}),
    ({"project": {"name": "cn-north-4"}}, {"name": "cn-north-4"}),
])
def test_iam_token_issued_and_accepted(web, emu, scope, expected):
    resp = web.iam_token(emu, scope=scope)
    assert resp.status == 201, resp.body
    token = resp.header("X-Subject-Token")
    assert re.match(r"MIIemu[0-9a-f]{40}\Z", token)
    body = resp.json()["token"]
    assert body["methods"] == ["password"]
    assert IAM_TIME_RE.match(body["issued_at"]) and IAM_TIME_RE.match(body["expires_at"])
    assert body["expires_at"] > body["issued_at"]
    assert body["user"]["name"] == IAM_USER and body["user"]["id"]
    assert body["user"]["domain"]["name"] == IAM_DOMAIN and body["user"]["domain"]["id"]
    for key, value in expected.items():
        assert body["project"][key] == value
    assert body["project"]["id"] and body["project"]["domain"]["name"] == IAM_DOMAIN
    assert IAM_PASSWORD not in resp.body.decode()
    assert web.get(emu, "/v1/workspaces/ws-one/sessions", token=token).status == 200
    again = web.iam_token(emu, scope=scope)
    assert again.header("X-Subject-Token") != token  # fresh each time
    assert web.control(emu, "GET", "/tokens").json() == {"issued": 2, "valid": 2}
    entry = emu.requests_log()[0]
    assert entry["method"] == "POST" and entry["path"] == "/v3/auth/tokens" and entry["auth"] == "iam"
    assert entry["query"] == [["nocatalog", "true"]] and entry["status"] == 201


@pytest.mark.parametrize("kwargs", [
    {"password": "wrong-password"},
    {"name": "nobody"},
    {"domain": "other-domain"},
    {"password": ""},
])
def test_iam_wrong_credentials_401(web, emu, kwargs):
    resp = web.iam_token(emu, **kwargs)
    assert resp.status == 401
    assert resp.json() == IAM_401
    assert resp.header("X-Subject-Token") is None
    assert emu.token_stats() == {"issued": 0, "valid": 0}


def built(**kwargs):
    """A body for ``web.iam_body(**kwargs)``, built inside the test (the builder is a fixture's)."""
    return lambda iam_body: iam_body(**kwargs)


@pytest.mark.parametrize("body", [
    built(scope={}),
    built(scope={"project": {}}),
    built(scope={"domain": {"name": IAM_DOMAIN}}),
    built(scope={"project": {"id": ""}}),
    built(methods=["token"]),
    built(methods=[]),
    {"auth": {"identity": {"methods": ["password"]}, "scope": {"project": {"id": "p"}}}},
    {"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": IAM_USER, "password": IAM_PASSWORD}}},
              "scope": {"project": {"id": "p"}}}},
    {"auth": {"identity": {"methods": ["password"],
                           "password": {"user": {"name": IAM_USER, "password": 12345, "domain": {"name": IAM_DOMAIN}}}},
              "scope": {"project": {"id": "p"}}}},
    {"auth": "nope"},
    {},
    [],
    '{"auth": ',
    "",
    b"\xff\xfe",
])
def test_iam_malformed_400(web, emu, body):
    if callable(body):
        body = body(web.iam_body)
    message = assert_iam_400(web.iam_token(emu, body=body))
    assert IAM_PASSWORD not in message


def test_iam_missing_scope_400_before_credentials(web, emu):
    body = web.iam_body(password="wrong-password")
    del body["auth"]["scope"]
    assert "scope" in assert_iam_400(web.iam_token(emu, body=body))


def test_iam_other_methods_405(web, emu):
    for method in ("GET", "PUT", "DELETE", "PATCH"):
        resp = web.call(emu, method, "/v3/auth/tokens")
        assert resp.status == 405 and resp.header("Allow") == "POST"
        assert resp.json()["error"]["code"] == 405
    assert web.call(emu, "POST", "/v3/auth/tokens/", body=web.iam_body()).status == 404


def test_iam_expire_via_control_api(web, emu):
    token = web.iam_token(emu).header("X-Subject-Token")
    assert web.get(emu, "/v1/workspaces/ws-one/sessions", token=token).status == 200
    stats = web.control(emu, "POST", "/tokens/expire").json()
    assert stats == {"issued": 1, "valid": 0, "expired": 1}
    resp = web.get(emu, "/v1/workspaces/ws-one/sessions", token=token)
    assert resp.status == 401
    assert resp.json() == {"error_code": "APIG.1002", "error_msg": "Incorrect token or token resolution failed"}
    fresh = web.iam_token(emu).header("X-Subject-Token")
    assert web.get(emu, "/v1/workspaces/ws-one/sessions", token=fresh).status == 200
    assert web.control(emu, "GET", "/tokens").json() == {"issued": 2, "valid": 1}
    assert web.get(emu, "/v1/workspaces/ws-one/sessions").status == 200  # configured tokens are unaffected
    emu.reset()
    assert emu.token_stats() == {"issued": 0, "valid": 0}
    assert web.get(emu, "/v1/workspaces/ws-one/sessions", token=fresh).status == 401


def test_iam_token_ttl_expires_on_its_own(fe, web):
    clock = FakeClock()
    with fe.FabricEmulator(clock=clock, token_ttl=30, users=[("alice", "pw:with:colons", "acme")]) as emulator:
        resp = web.iam_token(emulator, name="alice", password="pw:with:colons", domain="acme")
        assert resp.status == 201
        body = resp.json()["token"]
        assert body["issued_at"] == "2025-11-13T02:13:20.000000Z"
        assert body["expires_at"] == "2025-11-13T02:13:50.000000Z"
        token = resp.header("X-Subject-Token")
        clock.now += 29
        assert web.get(emulator, "/v1/workspaces/ws-one/sessions", token=token).status == 200
        assert emulator.token_stats() == {"issued": 1, "valid": 1}
        clock.now += 1
        resp = web.get(emulator, "/v1/workspaces/ws-one/sessions", token=token)
        assert resp.status == 401 and resp.json()["error_code"] == "APIG.1002"
        assert emulator.token_stats() == {"issued": 1, "valid": 0}
        assert web.iam_token(emulator).json() == IAM_401  # the default user is replaced


def test_iam_log_redaction(fe, web):
    secret = "S3cret-Passw0rd!"
    with fe.FabricEmulator(users=[("bob", secret, "acme")], verbose=False) as emulator:
        assert web.iam_token(emulator, name="bob", password=secret, domain="acme").status == 201
        assert web.iam_token(emulator, name="bob", password=secret + "x", domain="acme").status == 401
        assert web.iam_token(emulator, body='{"auth": {"identity": "%s"' % secret).status == 400
        text = web.call(emulator, "GET", "/_emulator/log").body.decode()
        assert secret not in text
        entries = json.loads(text)["requests"]
        assert [e["status"] for e in entries] == [201, 401, 400]
        assert all(e["auth"] == "iam" and e["body"] == "REDACTED" for e in entries)
        assert secret not in json.dumps(emulator.token_stats()) and secret not in json.dumps(emulator.faults())


def test_iam_fault_by_path_prefix(web, emu):
    web.control(emu, "POST", "/faults", {"kind": "status", "status": 500, "path_prefix": "/v3/"})
    # an unfiltered fault, queued later, does not hit the IAM endpoint
    web.control(emu, "POST", "/faults", {"kind": "status", "status": 503})
    assert web.get(emu, "/v1/workspaces/ws-one/sessions").status == 503
    resp = web.iam_token(emu)
    assert resp.status == 500 and resp.json()["error"]["code"] == 500
    assert emu.requests_log()[-1]["fault"] == "status"
    assert web.iam_token(emu).status == 201
    web.control(emu, "POST", "/faults", {"kind": "delay", "seconds": 0.6, "path": "/v3/auth/tokens"})
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=0.2)
    try:
        conn.request("POST", "/v3/auth/tokens", body=json.dumps(web.iam_body()))
        with pytest.raises(socket.timeout):
            conn.getresponse()
    finally:
        conn.close()
    assert web.control(emu, "POST", "/faults", {"kind": "drop", "path_prefix": ""}).status == 400


def test_cli_user_and_token_ttl(fe, web, cli, port_of, tmp_path):
    port_file = str(tmp_path / "port")
    secret = "cli:secret-pw"
    command = [sys.executable, fe.__file__, "--port-file", port_file, "--lifetime", "60", "--verbose",
               "--user", "cli-user:%s:cli-domain" % secret, "--token-ttl", "1.5"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        try:
            port = int(cli.wait_for_file(port_file, proc).strip())
            target = port_of(port)
            resp = web.iam_token(target, name="cli-user", password=secret, domain="cli-domain",
                                 scope={"project": {"name": "cn-north-4"}})
            answered = time.monotonic()  # the token was issued before this, however slow the answer
            assert resp.status == 201
            body = resp.json()["token"]
            lifetime = (calendar.timegm(time.strptime(body["expires_at"][:19], "%Y-%m-%dT%H:%M:%S"))
                        + float("0." + body["expires_at"][20:26])
                        - calendar.timegm(time.strptime(body["issued_at"][:19], "%Y-%m-%dT%H:%M:%S"))
                        - float("0." + body["issued_at"][20:26]))
            assert abs(lifetime - 1.5) < 0.001
            token = resp.header("X-Subject-Token")
            # Waiting past the lifetime is certain; whether a request still falls within it depends on the
            # machine's load, so that is not asserted here (test_iam_token_ttl_expires_on_its_own covers it with a fake clock).
            time.sleep(max(0.0, 1.6 - (time.monotonic() - answered)))
            assert web.get(target, "/v1/workspaces/ws-one/sessions", token=token).status == 401
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=10)
            assert proc.returncode == 0
        finally:
            cli.stop(proc)
    assert secret.encode() not in out + err
    assert b"POST /v3/auth/tokens" in err


@pytest.mark.parametrize("value", ["nocolon", "name:pw", ":pw:dom", "name:pw:"])
def test_cli_bad_user_not_echoed(fe, value):
    result = subprocess.run([sys.executable, fe.__file__, "--user", value, "--lifetime", "1"],
                            capture_output=True, timeout=10, check=False)
    assert result.returncode == 2
    assert b"NAME:PASSWORD:DOMAIN" in result.stderr
    assert b"pw" not in result.stderr
