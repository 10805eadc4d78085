# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fixtures of the emulator's own tests: the emulator module (``fe``), a shared running emulator (``emu``,
reset before each test), HTTP helpers over real sockets on 127.0.0.1 (``web``) and helpers for the emulator
as a separate process (``cli``). Test modules get all of this through fixtures, never by importing each other."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
import types
import typing as t
from urllib.parse import quote

import pytest

try:
    from ansible_collections.dataarts.fabric.tests.emulator import fabric_emulator as _fe
except ImportError:
    _EMULATOR_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "emulator"))
    if _EMULATOR_DIR not in sys.path:
        sys.path.insert(0, _EMULATOR_DIR)
    import fabric_emulator as _fe  # noqa: E402  pylint: disable=import-error

TOKEN = "emulator-token"
FORBIDDEN = "forbidden-token"
AK = "EMULATORAK"
SK = "EMULATORSK"
REQUEST_ID_RE = re.compile(r"[0-9a-f]{32}\Z")
IAM_USER = "emulator-user"
IAM_PASSWORD = "emulator-password"
IAM_DOMAIN = "emulator-domain"


@pytest.fixture(scope="session")
def fe() -> types.ModuleType:
    """The emulator module, imported the way the rest of the collection imports it."""
    return _fe


@pytest.fixture(scope="module")
def emu() -> t.Iterator[t.Any]:
    emulator = _fe.FabricEmulator(forbidden_tokens=[FORBIDDEN])
    emulator.start()
    yield emulator
    emulator.stop()


@pytest.fixture(autouse=True)
def _clean(request: pytest.FixtureRequest) -> t.Iterator[None]:
    if "emu" in request.fixturenames:
        request.getfixturevalue("emu").reset()
    yield


class Resp:
    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    def json(self) -> t.Any:
        return json.loads(self.body.decode("utf-8"))

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


class Web:
    """HTTP helpers; ``emulator`` is anything with a ``port``."""

    token = TOKEN
    forbidden = FORBIDDEN
    ak = AK
    sk = SK
    request_id_re = REQUEST_ID_RE
    iam_user = IAM_USER
    iam_password = IAM_PASSWORD
    iam_domain = IAM_DOMAIN

    @staticmethod
    def call(emulator: t.Any, method: str, target: str, headers: dict[str, str] | None = None, body: t.Any = None,
             conn: http.client.HTTPConnection | None = None, timeout: float = 5) -> Resp:
        """One request; asserts the X-Request-Id header on the way."""
        own = conn is None
        if conn is None:
            conn = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=timeout)
        try:
            hdrs = dict(headers or {})
            if isinstance(body, (dict, list)):
                body = json.dumps(body)
                hdrs.setdefault("Content-Type", "application/json")
            conn.request(method, target, body=body, headers=hdrs)
            resp = conn.getresponse()
            data = resp.read()
            result = Resp(resp.status, resp.getheaders(), data)
        finally:
            if own:
                conn.close()
        rid = result.header("X-Request-Id")
        assert rid is not None and REQUEST_ID_RE.match(rid), result.headers
        return result

    def get(self, emulator: t.Any, target: str, token: str | None = TOKEN, **kwargs: t.Any) -> Resp:
        headers = dict(kwargs.pop("headers", {}))
        if token is not None:
            headers["X-Auth-Token"] = token
        return self.call(emulator, "GET", target, headers=headers, **kwargs)

    def control(self, emulator: t.Any, method: str, path: str, body: t.Any = None) -> Resp:
        resp = self.call(emulator, method, "/_emulator" + path, body=body)
        assert resp.header("Content-Type") == "application/json"
        return resp

    @staticmethod
    def raw(emulator: t.Any, request: bytes, timeout: float = 5, limit: int = 64 * 1024 * 1024) -> bytes:
        """Send raw request bytes, read until the emulator closes (bounded by ``limit``)."""
        with socket.create_connection(("127.0.0.1", emulator.port), timeout=timeout) as sock:
            sock.sendall(request)
            chunks = []
            size = 0
            while size < limit:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
        return b"".join(chunks)

    @staticmethod
    def sign(method: str, path: str, query: t.Sequence[tuple[str, str]], headers: dict[str, str], ak: str, sk: str,
             body: bytes = b"") -> str:
        """Test-side SDK-HMAC-SHA256 signer, separate from the emulator's code."""
        def enc(text: str) -> str:
            return quote(text, safe="-_.~")

        uri = "/".join(enc(s) for s in path.split("/"))
        if not uri.endswith("/"):
            uri += "/"
        qs = "&".join(enc(k) + "=" + enc(v) for k, v in sorted(query))
        names = sorted(h.lower() for h in headers)
        values = {h.lower(): v for h, v in headers.items()}
        canon = "%s\n%s\n%s\n%s\n%s\n%s" % (
            method, uri, qs, "".join("%s:%s\n" % (n, values[n].strip()) for n in names), ";".join(names),
            hashlib.sha256(body).hexdigest())
        sts = "SDK-HMAC-SHA256\n%s\n%s" % (values["x-sdk-date"], hashlib.sha256(canon.encode()).hexdigest())
        sig = hmac.new(sk.encode(), sts.encode(), hashlib.sha256).hexdigest()
        return "SDK-HMAC-SHA256 Access=%s, SignedHeaders=%s, Signature=%s" % (ak, ";".join(names), sig)

    def signed_get(self, emulator: t.Any, path: str, query: t.Iterable[tuple[str, str]] = (), ak: str = AK,
                   sk: str = SK, date: str | None = None, extra: dict[str, str | None] | None = None,
                   unsigned: dict[str, str] | None = None, tamper_query: list[tuple[str, str]] | None = None) -> Resp:
        query = list(query)
        headers: dict[str, str | None] = {
            "Host": "127.0.0.1:%d" % emulator.port,
            "X-Sdk-Date": date or time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()),
            "X-Project-Id": "project-1",
        }
        headers.update(extra or {})
        kept = {k: v for k, v in headers.items() if v is not None}
        auth = self.sign("GET", path, query, kept, ak, sk)
        sent = dict(kept)
        sent.update(unsigned or {})
        sent["Authorization"] = auth
        wire_query = tamper_query if tamper_query is not None else query
        target = path + ("?" + "&".join("%s=%s" % (quote(k, safe=""), quote(v, safe="")) for k, v in wire_query)
                         if wire_query else "")
        conn = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=5)
        try:
            conn.putrequest("GET", target, skip_host=True, skip_accept_encoding=True)
            for name, value in sent.items():
                conn.putheader(name, value)
            conn.endheaders()
            resp = conn.getresponse()
            return Resp(resp.status, resp.getheaders(), resp.read())
        finally:
            conn.close()

    @staticmethod
    def iam_body(name: str = IAM_USER, password: str = IAM_PASSWORD, domain: str = IAM_DOMAIN,
                 scope: dict[str, t.Any] | None = None, methods: t.Sequence[str] = ("password",)) -> dict[str, t.Any]:
        return {"auth": {
            "identity": {"methods": list(methods),
                         "password": {"user": {"name": name, "password": password, "domain": {"name": domain}}}},
            "scope": {"project": {"id": "project-1"}} if scope is None else scope,
        }}

    def iam_token(self, emulator: t.Any, body: t.Any = None, target: str = "/v3/auth/tokens?nocatalog=true",
                  **kwargs: t.Any) -> Resp:
        payload = self.iam_body(**kwargs) if body is None else body
        return self.call(emulator, "POST", target, body=payload, headers={"Content-Type": "application/json;charset=utf8"})


@pytest.fixture(scope="session")
def web() -> Web:
    return Web()


class Cli:
    """The emulator as a separate process: ``python fabric_emulator.py ARGS``."""

    def __init__(self, script: str) -> None:
        self.script = script

    def command(self, *args: str) -> list[str]:
        return [sys.executable, self.script] + list(args)

    @staticmethod
    def wait_for_file(path: str, proc: subprocess.Popen, deadline: float = 10.0) -> str:
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            if os.path.exists(path):
                with open(path, encoding="utf-8") as handle:
                    text = handle.read()
                if text.strip():
                    return text
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.02)
        raise AssertionError("port file not written")

    @staticmethod
    def stop(proc: subprocess.Popen) -> None:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def cli() -> Cli:
    return Cli(_fe.__file__)


class Port:
    """Something with a ``port``, for the helpers, when the emulator runs in another process."""

    def __init__(self, port: int) -> None:
        self.port = port


@pytest.fixture(scope="session")
def port_of() -> type[Port]:
    return Port
