# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The emulator as an HTTP proxy: absolute-form targets, CONNECT."""

from __future__ import annotations

import http.client
import json


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
