# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The emulator as a program: loopback only, port and URL files, signals, lifetime, HTTPS."""

from __future__ import annotations

import base64
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys

import pytest


def test_refuses_non_loopback(fe):
    with pytest.raises(ValueError):
        fe.FabricEmulator(host="0.0.0.0")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_cli_port_file_and_clean_signal_exit(fe, cli, tmp_path, sig):
    port_file = str(tmp_path / "port")
    url_file = str(tmp_path / "url")
    command = [sys.executable, fe.__file__, "--port-file", port_file, "--url-file", url_file, "--lifetime", "60",
               "--token", "cli-token", "--workspace", "cli-ws=3"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        try:
            port = int(cli.wait_for_file(port_file, proc).strip())
            line = proc.stdout.readline().decode()
            assert line == "fabric-emulator listening on http://127.0.0.1:%d\n" % port
            with open(url_file, encoding="utf-8") as handle:
                assert handle.read().strip() == "http://127.0.0.1:%d" % port
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/v1/workspaces/cli-ws/sessions", headers={"X-Auth-Token": "cli-token"})
            resp = conn.getresponse()
            assert resp.status == 200 and json.loads(resp.read())["total"] == 3
            conn.close()
            proc.send_signal(sig)
            assert proc.wait(10) == 0
        finally:
            cli.stop(proc)
    # a stopped emulator leaves no file that says where it listened
    assert not os.path.exists(port_file) and not os.path.exists(url_file)


def test_cli_lifetime_expires(fe, cli, tmp_path):
    port_file = str(tmp_path / "port")
    command = [sys.executable, fe.__file__, "--port-file", port_file, "--lifetime", "0.3", "--quiet"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        try:
            out, err = proc.communicate(timeout=10)
        finally:
            cli.stop(proc)
    assert proc.returncode == 0, err
    assert out == b""
    assert not os.path.exists(port_file)


def test_cli_says_that_its_lifetime_ended_and_removes_its_url_file(fe, cli, tmp_path):
    url_file = tmp_path / "url"
    command = [sys.executable, fe.__file__, "--url-file", str(url_file), "--lifetime", "0.5"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        try:
            url = cli.wait_for_file(str(url_file), proc)
            out, err = proc.communicate(timeout=10)
        finally:
            cli.stop(proc)
    assert out.decode() == "fabric-emulator listening on %s" % url
    assert err.decode() == "fabric-emulator stopped (its --lifetime of 0.5 s ended)\n"
    assert not url_file.exists()


def test_cli_leaves_a_url_file_another_process_wrote_since(fe, cli, tmp_path):
    url_file = tmp_path / "url"
    command = [sys.executable, fe.__file__, "--url-file", str(url_file), "--lifetime", "60", "--quiet"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        try:
            cli.wait_for_file(str(url_file), proc)
            url_file.write_text("http://127.0.0.1:1\n", encoding="utf-8")
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(10) == 0
        finally:
            cli.stop(proc)
    assert url_file.read_text(encoding="utf-8") == "http://127.0.0.1:1\n"


def test_cli_refuses_non_loopback(fe):
    result = subprocess.run([sys.executable, fe.__file__, "--host", "0.0.0.0", "--lifetime", "1"],
                            capture_output=True, timeout=10, check=False)
    assert result.returncode == 2
    assert b"non-loopback" in result.stderr


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl command not available")
def test_https(fe, web, tmp_path):
    import ssl
    cert = str(tmp_path / "cert.pem")
    key = str(tmp_path / "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "1", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)
    with fe.FabricEmulator(certfile=cert, keyfile=key) as emulator:
        assert emulator.url.startswith("https://127.0.0.1:")
        context = ssl.create_default_context(cafile=cert)
        context.check_hostname = False
        conn = http.client.HTTPSConnection("127.0.0.1", emulator.port, timeout=5, context=context)
        try:
            conn.request("GET", "/v1/workspaces/ws-one/sessions", headers={"X-Auth-Token": web.token})
            resp = conn.getresponse()
            assert resp.status == 200 and json.loads(resp.read())["total"] == 1
        finally:
            conn.close()


@pytest.mark.parametrize("value", ["nocolon-pw", ":pw"])
def test_cli_bad_proxy_user_not_echoed(fe, value):
    result = subprocess.run([sys.executable, fe.__file__, "--proxy-user", value, "--lifetime", "1"],
                            capture_output=True, timeout=10, check=False)
    assert result.returncode == 2
    assert b"USER:PASSWORD" in result.stderr and b"pw" not in result.stderr


def test_cli_proxy_user_requires_proxy_credentials(cli, tmp_path):
    port_file = str(tmp_path / "port")
    command = cli.command("--port-file", port_file, "--lifetime", "60", "--quiet", "--proxy-user", "pu:p:w")
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        try:
            port = int(cli.wait_for_file(port_file, proc).strip())
            statuses = []
            for authorization in (None, "Basic " + base64.b64encode(b"pu:p:w").decode()):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                headers = {"X-Auth-Token": "emulator-token"}
                if authorization:
                    headers["Proxy-Authorization"] = authorization
                conn.request("GET", "http://fabric.example.test/v1/workspaces/ws-one/sessions", headers=headers)
                statuses.append(conn.getresponse().status)
                conn.close()
            assert statuses == [407, 200]
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=10)
            assert proc.returncode == 0 and b"p:w" not in out + err
        finally:
            cli.stop(proc)
