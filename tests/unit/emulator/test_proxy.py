# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The emulator as an HTTP proxy: absolute-form targets, CONNECT."""

from __future__ import annotations

import base64
import http.client
import json

import pytest


def test_absolute_form_target_logged_and_served(web, emu):
    target = "http://fabric.cn-north-4.myhuaweicloud.com/v1/workspaces/ws-one/sessions?limit=3"
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=5)
    try:
        conn.putrequest("GET", target, skip_host=True)
        conn.putheader("Host", "fabric.cn-north-4.myhuaweicloud.com")
        conn.putheader("X-Auth-Token", web.token)
        conn.endheaders()
        resp = conn.getresponse()
        assert resp.status == 200
        assert json.loads(resp.read())["total"] == 1
    finally:
        conn.close()
    entry = emu.requests_log()[-1]
    assert entry["proxy_url"] == target
    assert entry["path"] == "/v1/workspaces/ws-one/sessions" and entry["query"] == [["limit", "3"]]
    assert entry["headers"]["Host"] == "fabric.cn-north-4.myhuaweicloud.com"


def test_connect_405_logged(web, emu):
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=5)
    try:
        conn.putrequest("CONNECT", "fabric.cn-north-4.myhuaweicloud.com:443", skip_host=True)
        conn.putheader("Host", "fabric.cn-north-4.myhuaweicloud.com:443")
        conn.endheaders()
        resp = conn.getresponse()
        assert resp.status == 405
        assert web.request_id_re.match(resp.getheader("X-Request-Id"))
        resp.read()
    finally:
        conn.close()
    entry = emu.requests_log()[-1]
    assert entry["method"] == "CONNECT" and entry["status"] == 405
    assert entry["path"] == "fabric.cn-north-4.myhuaweicloud.com:443"


PROXY_USER = "proxy-user"
PROXY_PASSWORD = "Pr0xy:pa55-secret"
TARGET = "http://fabric.example.test/v1/workspaces/ws-one/sessions?limit=1"


@pytest.fixture(scope="module")
def proxy(fe):
    with fe.FabricEmulator(proxy_credentials=(PROXY_USER, PROXY_PASSWORD)) as emulator:
        yield emulator


@pytest.fixture(autouse=True)
def _clean_proxy(request):
    if "proxy" in request.fixturenames:
        request.getfixturevalue("proxy").reset()


def basic(user, password):
    return "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()


def via_proxy(emulator, method, target, proxy_authorization=None, token="emulator-token"):
    conn = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=5)
    try:
        conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", "fabric.example.test")
        if token is not None:
            conn.putheader("X-Auth-Token", token)
        if proxy_authorization is not None:
            conn.putheader("Proxy-Authorization", proxy_authorization)
        conn.endheaders()
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def test_proxy_credentials_missing_407(proxy):
    status, headers, body = via_proxy(proxy, "GET", TARGET)
    assert status == 407
    assert headers["Proxy-Authenticate"] == 'Basic realm="emulator"'
    assert json.loads(body)["error_code"] == "emulator.407"
    [entry] = proxy.requests_log()
    assert entry["proxy_url"] == TARGET and entry["proxy_auth"] == "missing" and entry["status"] == 407
    assert entry["fault"] is None


@pytest.mark.parametrize("value", [
    basic(PROXY_USER, "wrong"),
    basic("someone-else", PROXY_PASSWORD),
    "Bearer " + PROXY_PASSWORD,
    "Basic !!not-base64!!",
    "Basic",
])
def test_proxy_credentials_wrong_407(proxy, value):
    status, headers, _body = via_proxy(proxy, "GET", TARGET, value)
    assert status == 407 and "Proxy-Authenticate" in headers
    assert proxy.requests_log()[-1]["proxy_auth"] == "wrong"


def test_proxy_credentials_right_are_served_and_never_logged(proxy):
    status, _headers, body = via_proxy(proxy, "GET", TARGET, basic(PROXY_USER, PROXY_PASSWORD))
    assert status == 200 and json.loads(body)["total"] == 1
    [entry] = proxy.requests_log()
    assert entry["proxy_auth"] == "ok" and entry["headers"]["Proxy-Authorization"] == "REDACTED"
    text = json.dumps(proxy.requests_log())
    assert PROXY_PASSWORD not in text and base64.b64encode(PROXY_PASSWORD.encode()).decode() not in text


def test_direct_requests_need_no_proxy_credentials(web, proxy):
    assert web.get(proxy, "/v1/workspaces/ws-one/sessions").status == 200
    entry = proxy.requests_log()[-1]
    assert entry["proxy_url"] is None and entry["proxy_auth"] is None


def test_connect_is_checked_then_refused_as_before(proxy):
    authority = "fabric.example.test:443"
    assert via_proxy(proxy, "CONNECT", authority, token=None)[0] == 407
    assert via_proxy(proxy, "CONNECT", authority, basic(PROXY_USER, PROXY_PASSWORD), token=None)[0] == 405
    assert [(e["method"], e["proxy_auth"], e["status"]) for e in proxy.requests_log()] == [
        ("CONNECT", "missing", 407), ("CONNECT", "ok", 405)]


def test_control_calls_through_the_proxy_need_credentials_too(proxy):
    target = "http://fabric.example.test/_emulator/health"
    assert via_proxy(proxy, "GET", target)[0] == 407
    assert via_proxy(proxy, "GET", target, basic(PROXY_USER, PROXY_PASSWORD))[0] == 200


def test_requests_through_the_proxy_with_credentials_in_its_url(proxy):
    requests = pytest.importorskip("requests")
    url = "http://fabric.example.test/v1/workspaces/ws-101/sessions"
    with requests.Session() as session:
        session.trust_env = False
        refused = session.get(url, headers={"X-Auth-Token": "emulator-token"}, timeout=5,
                              proxies={"http": "http://127.0.0.1:%d" % proxy.port})
        assert refused.status_code == 407
        served = session.get(url, headers={"X-Auth-Token": "emulator-token"}, timeout=5,
                             proxies={"http": "http://%s:%s@127.0.0.1:%d" % (PROXY_USER, "Pr0xy%3Apa55-secret", proxy.port)})
        assert served.status_code == 200 and served.json()["total"] == 101
    assert [e["proxy_auth"] for e in proxy.requests_log()] == ["missing", "ok"]


def test_proxy_credentials_are_checked(fe):
    for bad in (("", "pw"), ("a:b", "pw"), ("user",), "user:pw"):
        with pytest.raises(ValueError):
            fe.FabricEmulator(proxy_credentials=bad)
