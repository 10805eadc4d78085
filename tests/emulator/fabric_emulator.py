# -*- coding: utf-8 -*-
# Copyright: DataArts Fabric Ansible maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Local emulator of the DataArts Fabric SQL session list API.

``GET /v1/workspaces/{workspace_id}/sessions`` with IAM token and AK/SK
(SDK-HMAC-SHA256) authentication, the IAM token endpoint
``POST /v3/auth/tokens`` (password method) on the same port, deterministic
seeded data, and a control API under ``/_emulator/`` for faults, latency,
data, issued tokens and the request log.

Standard library only; runs on Python 3.9 and later.  Run it as a program::

    python tests/emulator/fabric_emulator.py --port 8080

or in-process::

    with FabricEmulator() as emu:
        base_url = emu.url

See ``README.md`` beside this file.
"""

from __future__ import annotations

import argparse
import calendar
import email.utils
import hashlib
import hmac
import http
import ipaddress
import json
import math
import os
import random
import re
import signal
import socket
import socketserver
import ssl
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, unquote, urlsplit

__all__ = [
    "FabricEmulator",
    "canonical_request",
    "compute_authorization",
    "main",
    "string_to_sign",
]

VERSION = "1.0.0"

API_PREFIX = "/v1/workspaces/"
IAM_TOKENS_PATH = "/v3/auth/tokens"
CONTROL_PREFIX = "/_emulator"

STATUSES = ("RUNNING", "CLOSED", "WAITING", "CREATING", "FAIL")
ID_RE = re.compile(r"[A-Za-z0-9-]{1,36}\Z", re.ASCII)
INT_RE = re.compile(r"[+-]?[0-9]+\Z", re.ASCII)
SDK_DATE_RE = re.compile(r"[0-9]{8}T[0-9]{6}Z\Z", re.ASCII)
SDK_DATE_FORMAT = "%Y%m%dT%H%M%SZ"
SIGN_ALGORITHM = "SDK-HMAC-SHA256"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
MAX_SKEW_SECONDS = 15 * 60
INT32_MAX = 2 ** 31 - 1
MAX_BODY = 16 * 1024 * 1024

DEFAULT_TOKEN = "emulator-token"
DEFAULT_ACCESS_KEY = "EMULATORAK"
DEFAULT_SECRET_KEY = "EMULATORSK"
DEFAULT_USER = ("emulator-user", "emulator-password", "emulator-domain")
DEFAULT_TOKEN_TTL = 86400
ISSUED_TOKEN_PREFIX = "MIIemu"
MAX_ISSUED_TOKENS = 100000

# Newest session of every generated workspace (the vendor example's time).
_BASE_EPOCH = calendar.timegm((2025, 7, 22, 8, 42, 39, 0, 0, 0))

BAD_REQUEST_PREFIX = "failed to read http request, please check your input, code: 400, "
TYPE_MISMATCH = "reason: Type mismatch., cause: TypeMismatchException"

SIZED_SEEDS = (
    ("ws-empty", 0),
    ("ws-one", 1),
    ("ws-100", 100),
    ("ws-101", 101),
    ("ws-10k", 10000),
    ("ws-25k", 25000),
    ("ws-100k", 100000),
)

DEMO_ENDPOINTS = (
    {"id": "0d3e5a10-1111-4e2a-9c1d-000000000001", "name": "Fabric Prod.eu"},
    {"id": "0d3e5a10-2222-4e2a-9c1d-000000000002", "name": "daten_M\u00fcller 2"},
    {"id": "0d3e5a10-3333-4e2a-9c1d-000000000003", "name": "adhoc-analytics_01"},
)

VENDOR_SESSIONS = (
    {
        "session_id": "284888e2-c36f-4bec-9b24-e5bf0b386ab0",
        "status": "RUNINNG",
        "create_time": "2025-07-22T08:42:39.000+00:00",
        "endpoint_info": {"id": "0470d220-aaaa-410e-a417-0d69a0215683", "name": "test2"},
    },
    {
        "session_id": "4e4b2770-702f-48b7-9737-db107cf63e24",
        "status": "CLOSED",
        "create_time": "2025-07-22T06:13:47.000+00:00",
        "endpoint_info": {"id": "0470d220-aaaa-410e-a417-0d69a0215683", "name": "test2"},
    },
)

_ENDPOINT_POOL = (
    "test2",
    "etl-nightly",
    "bi_reporting",
    "Fabric Prod.eu",
    "adhoc.analytics",
    "daten_M\u00fcller 2",
    "ml-training 01",
    "finance_q3",
)
_ENDPOINT_WEIGHTS = (6, 3, 2, 1)
_STATUS_CUM_WEIGHTS = (42, 82, 89, 95, 100)  # RUNNING, CLOSED, WAITING, CREATING, FAIL

STATUS_BODIES = {
    400: {"error_code": "common.01000001", "error_msg": BAD_REQUEST_PREFIX + "reason: Bad request., cause: BadRequestException"},
    401: {"error_code": "APIG.1002", "error_msg": "Incorrect token or token resolution failed"},
    403: {
        "error": {"code": "403", "message": "X-Auth-Token is invalid in the request", "title": "Forbidden"},
        "error_code": 403,
        "error_msg": "X-Auth-Token is invalid in the request",
        "title": "Forbidden",
    },
    404: {"error_code": "common.01000001", "error_msg": "response status exception, code: 404"},
    408: {"error_code": "common.00000408", "error_msg": "timeout exception occurred"},
    429: {"error_code": "APIG.1015", "error_msg": "The API request frequency exceeds the limit"},
    500: {"error_code": "common.00000500", "error_msg": "internal error"},
    502: {"error_code": "APIG.0202", "error_msg": "Backend unavailable"},
    503: {"error_code": "APIG.0203", "error_msg": "Service unavailable, please try again later"},
    504: {"error_code": "APIG.0201", "error_msg": "Backend timeout"},
}

HTML_PAGE = (
    "<html>\r\n<head><title>{code} {phrase}</title></head>\r\n<body>\r\n"
    "<center><h1>{code} {phrase}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)

IAM_UNAUTHORIZED = {"error": {"code": 401, "message": "The username or password is wrong.", "title": "Unauthorized"}}

FAULT_KINDS = ("status", "drop", "truncate", "non_json", "delay", "mutate", "transition")


# --------------------------------------------------------------------------
# SDK-HMAC-SHA256, written from the algorithm description in the spec.
# --------------------------------------------------------------------------

def _encode(value):
    """Percent-encode everything except the unreserved characters."""
    return quote(value, safe="~")


def canonical_uri(path):
    """Decode each segment once, re-encode it, and end with ``/``."""
    uri = "/".join(_encode(unquote(segment)) for segment in path.split("/"))
    if not uri.endswith("/"):
        uri += "/"
    return uri


def canonical_query(pairs):
    """``pairs`` are decoded (key, value) pairs; sorted, encoded, joined."""
    return "&".join("%s=%s" % (_encode(k), _encode(v)) for k, v in sorted(pairs))


def canonical_request(method, path, query_pairs, headers, signed_headers, body_hash):
    """Build the canonical request.

    ``headers`` maps lower-case names to values; ``signed_headers`` is the list
    of lower-case names in the order they are signed.
    """
    canonical_headers = "".join("%s:%s\n" % (name, headers.get(name, "").strip()) for name in signed_headers)
    return "\n".join((
        method.upper(),
        canonical_uri(path),
        canonical_query(query_pairs),
        canonical_headers,
        ";".join(signed_headers),
        body_hash,
    ))


def string_to_sign(sdk_date, canonical):
    return "%s\n%s\n%s" % (SIGN_ALGORITHM, sdk_date, hashlib.sha256(canonical.encode("utf-8")).hexdigest())


def _hmac_hex(secret_key, message):
    return hmac.new(secret_key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def compute_authorization(access_key, secret_key, method, path, query_pairs, headers, body=b""):
    """Sign every header in ``headers`` (names without ``_``); return the Authorization value."""
    lowered = {}
    for name, value in headers.items():
        if "_" not in name:
            lowered[name.lower()] = value
    signed = sorted(lowered)
    if isinstance(body, str):
        body = body.encode("utf-8")
    canonical = canonical_request(method, path, query_pairs, lowered, signed, hashlib.sha256(body).hexdigest())
    signature = _hmac_hex(secret_key, string_to_sign(lowered.get("x-sdk-date", ""), canonical))
    return "%s Access=%s, SignedHeaders=%s, Signature=%s" % (SIGN_ALGORITHM, access_key, ";".join(signed), signature)


def _parse_authorization(value):
    """Return a dict with Access, SignedHeaders, Signature, or None if malformed."""
    if not value.startswith(SIGN_ALGORITHM + " "):
        return None
    fields = {}
    for part in value[len(SIGN_ALGORITHM) + 1:].split(","):
        key, sep, val = part.strip().partition("=")
        if not sep:
            return None
        fields[key.strip()] = val.strip()
    if not all(fields.get(k) for k in ("Access", "SignedHeaders", "Signature")):
        return None
    return fields


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------

def _uuid_from_bits(bits):
    h = "%032x" % bits
    return "%s-%s-4%s-%s%s-%s" % (h[:8], h[8:12], h[13:16], "89ab"[int(h[16], 16) & 3], h[17:20], h[20:32])


def _format_time(epoch):
    tm = time.gmtime(epoch)
    return "%04d-%02d-%02dT%02d:%02d:%02d.000+00:00" % tm[:6]


def _parse_time(text):
    """Epoch seconds of an ISO-8601 create_time, or None."""
    if not isinstance(text, str):
        return None
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?\Z", text)
    if not match:
        return None
    parts = [int(x) for x in match.groups()[:6]]
    try:
        epoch = calendar.timegm((parts[0], parts[1], parts[2], parts[3], parts[4], parts[5], 0, 0, 0))
    except (ValueError, OverflowError):
        return None
    frac = match.group(7)
    if frac:
        epoch += float("0." + frac)
    tz = match.group(8)
    if tz and tz != "Z":
        sign = -1 if tz[0] == "-" else 1
        digits = tz[1:].replace(":", "")
        epoch -= sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
    return epoch


def generate_sessions(workspace_id, count, seed=0, endpoints=None, newest=_BASE_EPOCH):
    """Deterministic list of ``count`` sessions, newest first."""
    rng = random.Random("fabric-emulator:%s:%s" % (seed, workspace_id))
    if endpoints is None:
        names = rng.sample(_ENDPOINT_POOL, 2 + rng.randrange(3))
        endpoints = [{"id": _uuid_from_bits(rng.getrandbits(128)), "name": name} for name in names]
    else:
        endpoints = [dict(ep) for ep in endpoints]
    if count <= 0:
        return []
    cum = []
    total = 0
    for weight in (_ENDPOINT_WEIGHTS + (1,) * len(endpoints))[:len(endpoints)]:
        total += weight
        cum.append(total)
    eps = rng.choices(endpoints, cum_weights=cum, k=count)
    statuses = rng.choices(STATUSES, cum_weights=_STATUS_CUM_WEIGHTS, k=count)
    statuses[0] = "RUNNING"
    if count >= 10 and len(set(statuses)) < len(STATUSES):
        for status, position in zip(STATUSES, rng.sample(range(1, count), len(STATUSES))):
            statuses[position] = status
    getrandbits = rng.getrandbits
    rand = rng.random
    sessions = []
    append = sessions.append
    epoch = newest
    for i in range(count):
        append({
            "session_id": _uuid_from_bits(getrandbits(128)),
            "status": statuses[i],
            "create_time": _format_time(epoch),
            "endpoint_info": eps[i],
        })
        epoch -= int(rand() * 601)
    return sessions


def _demo_sessions(_seed):
    return generate_sessions("ws-demo", 40, seed="demo", endpoints=DEMO_ENDPOINTS)


def _vendor_sessions(_seed):
    return [json.loads(json.dumps(s)) for s in VENDOR_SESSIONS]


def _seeded_specs(extra=None):
    specs = {}
    for ws_id, count in SIZED_SEEDS:
        specs[ws_id] = ("count", count)
    specs["ws-demo"] = ("builder", _demo_sessions)
    specs["ws-vendor"] = ("builder", _vendor_sessions)
    for ws_id, count in (extra or {}).items():
        specs[ws_id] = ("count", int(count))
    return specs


class _Workspace(object):
    __slots__ = ("sessions", "version", "cache")

    def __init__(self, sessions):
        self.sessions = sessions
        self.version = 0
        self.cache = {}

    def changed(self):
        self.version += 1
        self.cache = {}

    def matching(self, endpoint_id, status, session_id):
        if endpoint_id is None and status is None and session_id is None:
            return self.sessions
        key = (endpoint_id, status, session_id)
        found = self.cache.get(key)
        if found is None:
            found = []
            for s in self.sessions:
                if session_id is not None and s.get("session_id") != session_id:
                    continue
                if status is not None and s.get("status") != status:
                    continue
                if endpoint_id is not None:
                    info = s.get("endpoint_info")
                    if not isinstance(info, dict) or info.get("id") != endpoint_id:
                        continue
                found.append(s)
            if len(self.cache) >= 64:
                self.cache = {}
            self.cache[key] = found
        return found


class _ApiError(Exception):
    def __init__(self, status, body):
        Exception.__init__(self, status)
        self.status = status
        self.body = body


class _ControlError(Exception):
    def __init__(self, status, message):
        Exception.__init__(self, message)
        self.status = status
        self.message = message


def _bad_request(reason):
    return _ApiError(400, {"error_code": "common.01000001", "error_msg": BAD_REQUEST_PREFIX + reason})


def _iam_error(reason):
    return _ApiError(401, {"error_code": "APIG.0301", "error_msg": "Incorrect IAM authentication information: " + reason})


def _iam_body(status, message, title=None):
    """IAM's error shape: ``{"error": {"code": <int>, "message": ..., "title": ...}}``."""
    if title is None:
        try:
            title = http.HTTPStatus(status).phrase
        except ValueError:
            title = "Error"
    return {"error": {"code": status, "message": message, "title": title}}


def _iam_bad_request(message):
    return _ApiError(400, _iam_body(400, message, "Bad Request"))


def _derived_id(*parts):
    """A stable 32-hex id for a user, domain or project name."""
    return hashlib.sha256(("fabric-emulator:" + "\x00".join(parts)).encode("utf-8")).hexdigest()[:32]


def _iam_time(epoch):
    """IAM's time format: ``2025-07-22T08:42:39.123000Z``."""
    whole = int(epoch // 1)
    micros = int(round((epoch - whole) * 1000000))
    if micros >= 1000000:
        whole, micros = whole + 1, micros - 1000000
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)) + ".%06dZ" % micros


def _normalize_users(users):
    """``{(domain, name): password}`` from tuples ``(name, password, domain)`` or dicts."""
    table = {}
    for user in users:
        if isinstance(user, dict):
            user = (user.get("name"), user.get("password"), user.get("domain"))
        if not isinstance(user, (tuple, list)) or len(user) != 3 or not all(isinstance(x, str) for x in user):
            raise ValueError("a user must be (name, password, domain) strings")
        name, password, domain = user
        if not name or not domain:
            raise ValueError("a user needs a non-empty name and domain")
        table[(domain, name)] = password
    return table


def _new_request_id():
    return os.urandom(16).hex()


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


# --------------------------------------------------------------------------
# HTTP plumbing
# --------------------------------------------------------------------------

class _Response(object):
    __slots__ = ("status", "body", "content_type", "headers", "truncate", "drop")

    def __init__(self, status, body=b"", content_type="application/json", headers=None):
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = headers or []
        self.truncate = False
        self.drop = False


def _json_bytes(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _json_response(status, obj, headers=None):
    return _Response(status, _json_bytes(obj), headers=headers)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, handler, emulator, ssl_context=None):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.emulator = emulator
        self.ssl_context = ssl_context
        self.open_sockets = set()
        self.sockets_lock = threading.Lock()
        ThreadingHTTPServer.__init__(self, address, handler)

    def server_bind(self):
        # HTTPServer.server_bind would call getfqdn(), which can be slow offline.
        socketserver.TCPServer.server_bind(self)
        self.server_name = self.server_address[0]
        self.server_port = self.server_address[1]

    def get_request(self):
        sock, addr = self.socket.accept()
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        if self.ssl_context is not None:
            sock = self.ssl_context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        with self.sockets_lock:
            self.open_sockets.add(sock)
        return sock, addr

    def finish_request(self, request, client_address):
        if isinstance(request, ssl.SSLSocket):
            try:
                request.settimeout(10)
                request.do_handshake()
                request.settimeout(None)
            except (OSError, ValueError):
                return
        ThreadingHTTPServer.finish_request(self, request, client_address)

    def shutdown_request(self, request):
        with self.sockets_lock:
            self.open_sockets.discard(request)
        ThreadingHTTPServer.shutdown_request(self, request)

    def handle_error(self, request, client_address):
        if self.emulator.verbose:
            ThreadingHTTPServer.handle_error(self, request, client_address)

    def close_open_sockets(self):
        with self.sockets_lock:
            sockets = list(self.open_sockets)
            self.open_sockets.clear()
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except (OSError, ValueError):
                pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fabric-emulator/" + VERSION
    sys_version = ""

    def handle_one_request(self):
        try:
            self.raw_requestline = self.rfile.readline(65537)
            if len(self.raw_requestline) > 65536:
                self.requestline = ""
                self.request_version = ""
                self.command = ""
                self.send_error(414)
                return
            if not self.raw_requestline:
                self.close_connection = True
                return
            if not self.parse_request():
                return
            self.server.emulator._dispatch(self)
        except (OSError, ValueError, ssl.SSLError):
            self.close_connection = True

    def send_error(self, code, message=None, explain=None):
        # Used by parse_request for malformed requests: answer in JSON too.
        body = {"error_code": "common.01000001", "error_msg": "failed to read http request, code: %d, reason: %s" % (code, message or "")}
        self.close_connection = True
        try:
            self._write(_json_response(code, body), _new_request_id(), head=False)
        except OSError:
            pass

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        if self.server.emulator.verbose:
            BaseHTTPRequestHandler.log_message(self, format, *args)

    def read_body(self):
        length = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            size = 0
            while True:
                line = self.rfile.readline(1024)
                try:
                    n = int(line.split(b";")[0].strip(), 16)
                except ValueError:
                    raise ValueError("bad chunk") from None
                if n == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                size += n
                if size > MAX_BODY:
                    raise ValueError("body too large")
                chunks.append(self.rfile.read(n))
                self.rfile.readline(3)
            return b"".join(chunks)
        if length:
            n = int(length)
            if n < 0 or n > MAX_BODY:
                raise ValueError("bad content-length")
            return self.rfile.read(n)
        return b""

    def _write(self, resp, request_id, head=False):
        body = resp.body
        if isinstance(body, str):
            body = body.encode("utf-8")
        try:
            phrase = http.HTTPStatus(resp.status).phrase
        except ValueError:
            phrase = "Unknown"
        lines = [
            "HTTP/1.1 %d %s" % (resp.status, phrase),
            "Server: " + self.server_version,
            "Date: " + email.utils.formatdate(usegmt=True),
        ]
        if resp.content_type is not None:
            lines.append("Content-Type: " + resp.content_type)
        lines.append("Content-Length: %d" % len(body))
        lines.append("X-Request-Id: " + request_id)
        for name, value in resp.headers:
            lines.append("%s: %s" % (name, value))
        if self.close_connection or resp.truncate:
            lines.append("Connection: close")
        head_bytes = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")
        if head:
            body = b""
        elif resp.truncate:
            body = body[:len(body) // 2]
            self.close_connection = True
        self.wfile.write(head_bytes + body)
        if self.server.emulator.verbose:
            self.log_request(resp.status, len(body))


# --------------------------------------------------------------------------
# The emulator
# --------------------------------------------------------------------------

class FabricEmulator(object):
    """The emulator: ``start()`` serves in a background thread and returns the base URL."""

    def __init__(self, host="127.0.0.1", port=0, tokens=(DEFAULT_TOKEN,), forbidden_tokens=(),
                 access_key=DEFAULT_ACCESS_KEY, secret_key=DEFAULT_SECRET_KEY, credentials=None,
                 project_id=None, security_tokens=None, latency_ms=0, seed=0, workspaces=None,
                 certfile=None, keyfile=None, lifetime=None, verbose=False, log_limit=100000, clock=None,
                 users=(DEFAULT_USER,), token_ttl=DEFAULT_TOKEN_TTL):
        _check_loopback(host)
        self._users = _normalize_users((DEFAULT_USER,) if users is None else users)
        if not isinstance(token_ttl, (int, float)) or isinstance(token_ttl, bool) or token_ttl <= 0:
            raise ValueError("token_ttl must be a number of seconds > 0")
        self.token_ttl = float(token_ttl)
        self.host = host
        self._requested_port = int(port)
        self.tokens = frozenset(tokens or ())
        self.forbidden_tokens = frozenset(forbidden_tokens or ())
        self.credentials = dict(credentials or {})
        if access_key:
            self.credentials[access_key] = secret_key or ""
        self.project_id = project_id
        self.security_tokens = frozenset(security_tokens) if security_tokens else None
        self.seed = seed
        self.verbose = verbose
        self.log_limit = log_limit
        self.clock = clock or time.time
        self.lifetime = lifetime
        self.certfile = certfile
        self.keyfile = keyfile
        self._initial_latency_ms = float(latency_ms or 0)
        self._extra_workspaces = dict(workspaces or {})
        for ws_id in self._extra_workspaces:
            if not ID_RE.match(ws_id):
                raise ValueError("invalid workspace id: %r" % (ws_id,))
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self.stopped = threading.Event()
        self._server = None
        self._thread = None
        self._timer = None
        self.port = None
        self.url = None
        self._reset_state()

    # -- lifecycle ---------------------------------------------------------

    def start(self):
        if self._server is not None:
            return self.url
        context = None
        if self.certfile:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(self.certfile, self.keyfile)
        self._server = _Server((self.host, self._requested_port), _Handler, self, context)
        self.port = self._server.server_address[1]
        host = self.host if ":" not in self.host else "[%s]" % self.host
        self.url = "%s://%s:%d" % ("https" if context else "http", host, self.port)
        self._stopping.clear()
        self.stopped.clear()
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fabric-emulator", daemon=True)
        self._thread.start()
        if self.lifetime:
            self._timer = threading.Timer(float(self.lifetime), self.stop)
            self._timer.daemon = True
            self._timer.start()
        return self.url

    def stop(self):
        server = self._server
        if server is None:
            return
        self._server = None
        self._stopping.set()
        if self._timer is not None and self._timer is not threading.current_thread():
            self._timer.cancel()
        server.shutdown()
        server.server_close()
        server.close_open_sockets()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(5)
        self.stopped.set()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    # -- state (also the in-process control API) ---------------------------

    def _reset_state(self):
        with self._lock:
            self._specs = _seeded_specs(self._extra_workspaces)
            self._workspaces = {}
            self._faults = []
            self._fault_ids = 0
            self._log = []
            self.latency_ms = self._initial_latency_ms
            self._mutations = 0
            self._issued = {}  # token -> expiry (epoch of self.clock)
            self._issued_count = 0

    def reset(self):
        """Seeded data back, faults, log, latency and issued tokens cleared."""
        self._reset_state()

    # -- IAM tokens ----------------------------------------------------------

    def _issue_token(self, now):
        token = ISSUED_TOKEN_PREFIX + os.urandom(20).hex()
        with self._lock:
            self._issued[token] = now + self.token_ttl
            self._issued_count += 1
            if len(self._issued) > MAX_ISSUED_TOKENS:
                live = {t: e for t, e in self._issued.items() if e > now}
                while len(live) > MAX_ISSUED_TOKENS:
                    del live[next(iter(live))]
                self._issued = live
        return token

    def _issued_token_valid(self, token):
        with self._lock:
            expiry = self._issued.get(token)
        return expiry is not None and self.clock() < expiry

    def expire_tokens(self):
        """Expire every token issued so far; returns how many were still valid."""
        now = self.clock()
        with self._lock:
            valid = sum(1 for e in self._issued.values() if e > now)
            self._issued = dict.fromkeys(self._issued, float("-inf"))
        return valid

    def token_stats(self):
        """``{"issued": N, "valid": M}``: tokens issued since the start (or reset), and still valid."""
        now = self.clock()
        with self._lock:
            return {"issued": self._issued_count, "valid": sum(1 for e in self._issued.values() if e > now)}

    def _workspace(self, ws_id):
        """The materialized workspace or None; generates it on first access."""
        ws = self._workspaces.get(ws_id)
        if ws is None:
            spec = self._specs.get(ws_id)
            if spec is None:
                return None
            kind, arg = spec
            if kind == "count":
                sessions = generate_sessions(ws_id, arg, self.seed)
            elif kind == "builder":
                sessions = arg(self.seed)
            else:
                sessions = list(arg)
            ws = self._workspaces[ws_id] = _Workspace(sessions)
        return ws

    def workspace_ids(self):
        with self._lock:
            return sorted(self._specs)

    def sessions(self, ws_id):
        """A copy of a workspace's sessions (newest first), or None."""
        with self._lock:
            ws = self._workspace(ws_id)
            return None if ws is None else [dict(s) for s in ws.sessions]

    def put_workspace(self, ws_id, count=None, sessions=None):
        if not isinstance(ws_id, str) or not ID_RE.match(ws_id):
            raise _ControlError(400, "invalid workspace id: %r" % (ws_id,))
        with self._lock:
            if sessions is not None:
                if not isinstance(sessions, list):
                    raise _ControlError(400, "'sessions' must be a list")
                normalized = []
                for s in sessions:
                    normalized.append(self._normalize_session(ws_id, s, None))
                order = sorted(range(len(normalized)),
                               key=lambda i: -(_parse_time(normalized[i].get("create_time")) or 0.0))
                self._specs[ws_id] = ("list", [normalized[i] for i in order])
            else:
                if not _is_int(count) or count < 0 or count > 5000000:
                    raise _ControlError(400, "'count' must be an integer 0-5000000")
                self._specs[ws_id] = ("count", count)
            self._workspaces.pop(ws_id, None)
            ws = self._workspace(ws_id)
            return len(ws.sessions)

    def delete_workspace(self, ws_id):
        with self._lock:
            found = self._specs.pop(ws_id, None) is not None
            self._workspaces.pop(ws_id, None)
            return found

    def add_session(self, ws_id, session):
        """Insert one session at the head of a workspace (created if missing)."""
        if not isinstance(ws_id, str) or not ID_RE.match(ws_id):
            raise _ControlError(400, "invalid workspace id: %r" % (ws_id,))
        with self._lock:
            ws = self._workspace(ws_id)
            if ws is None:
                self._specs[ws_id] = ("list", [])
                ws = self._workspace(ws_id)
            session = self._normalize_session(ws_id, session, ws)
            ws.sessions = [session] + ws.sessions
            ws.changed()
            self._apply_transitions(ws_id)
            return dict(session)

    def _normalize_session(self, ws_id, session, ws):
        if not isinstance(session, dict):
            raise _ControlError(400, "a session must be a JSON object")
        self._mutations += 1
        rng = random.Random("fabric-emulator:add:%s:%s:%d" % (self.seed, ws_id, self._mutations))
        out = dict(session)
        if "session_id" not in out:
            out["session_id"] = _uuid_from_bits(rng.getrandbits(128))
        out.setdefault("status", "RUNNING")
        if "create_time" not in out:
            newest = time.time()
            if ws is not None and ws.sessions:
                head = _parse_time(ws.sessions[0].get("create_time"))
                if head is not None:
                    newest = max(newest, head + 1)
            out["create_time"] = _format_time(int(newest))
        if "endpoint_info" not in out:
            info = None
            if ws is not None and ws.sessions:
                info = ws.sessions[0].get("endpoint_info")
            out["endpoint_info"] = dict(info) if isinstance(info, dict) else {
                "id": _uuid_from_bits(rng.getrandbits(128)), "name": "emulator-endpoint"}
        # Keep the documented field order for the known keys.
        ordered = {}
        for key in ("session_id", "status", "create_time", "endpoint_info"):
            ordered[key] = out.pop(key)
        ordered.update(out)
        return ordered

    def _mutate(self, ws_id, add, remove):
        ws = self._workspace(ws_id)
        if ws is None:
            return
        sessions = ws.sessions
        if remove:
            sessions = sessions[remove:]
        if add:
            rng = random.Random("fabric-emulator:mutate:%s:%s:%d" % (self.seed, ws_id, self._mutations))
            self._mutations += 1
            head = _parse_time(sessions[0].get("create_time")) if sessions else None
            newest = int(head if head is not None else _BASE_EPOCH)
            endpoints = []
            for s in sessions[:50]:
                info = s.get("endpoint_info")
                if isinstance(info, dict) and info not in endpoints:
                    endpoints.append(info)
            if not endpoints:
                endpoints = [{"id": _uuid_from_bits(rng.getrandbits(128)), "name": "emulator-endpoint"}]
            fresh = []
            for _index in range(add):
                newest += 1 + rng.randrange(60)
                fresh.append({
                    "session_id": _uuid_from_bits(rng.getrandbits(128)),
                    "status": rng.choices(STATUSES, cum_weights=_STATUS_CUM_WEIGHTS)[0],
                    "create_time": _format_time(newest),
                    "endpoint_info": rng.choice(endpoints),
                })
            fresh.reverse()
            sessions = fresh + sessions
        ws.sessions = sessions
        ws.changed()

    def _apply_transitions(self, ws_id):
        """Apply due transitions for ``ws_id`` (lock held)."""
        for fault in list(self._faults):
            if fault["kind"] != "transition" or fault["workspace_id"] != ws_id or fault["after"] > 0:
                continue
            ws = self._workspace(ws_id)
            if ws is None:
                continue
            for i, s in enumerate(ws.sessions):
                if s.get("session_id") == fault["session_id"]:
                    updated = dict(s)
                    updated["status"] = fault["to"]
                    ws.sessions = ws.sessions[:i] + [updated] + ws.sessions[i + 1:]
                    ws.changed()
                    self._faults.remove(fault)
                    break

    # -- faults ------------------------------------------------------------

    def add_faults(self, faults):
        """Queue one fault (dict) or several (list); returns the queued faults."""
        if isinstance(faults, dict):
            faults = [faults]
        if not isinstance(faults, list) or not faults:
            raise _ControlError(400, "expected a JSON object or a non-empty list of objects")
        normalized = [self._normalize_fault(f) for f in faults]
        with self._lock:
            for fault in normalized:
                self._fault_ids += 1
                fault["id"] = self._fault_ids
                self._faults.append(fault)
                if fault["kind"] == "transition":
                    self._apply_transitions(fault["workspace_id"])
            return [dict(f) for f in normalized]

    def add_fault(self, **fault):
        return self.add_faults([fault])[0]

    def faults(self):
        with self._lock:
            return [dict(f) for f in self._faults]

    def clear_faults(self):
        with self._lock:
            self._faults = []

    @staticmethod
    def _normalize_fault(raw):
        if not isinstance(raw, dict):
            raise _ControlError(400, "a fault must be a JSON object")
        kind = raw.get("kind")
        if kind not in FAULT_KINDS:
            raise _ControlError(400, "fault 'kind' must be one of %s" % ", ".join(FAULT_KINDS))
        fault = {"kind": kind}
        ws_id = raw.get("workspace_id")
        if ws_id is not None and not isinstance(ws_id, str):
            raise _ControlError(400, "'workspace_id' must be a string")
        fault["workspace_id"] = ws_id
        for name in ("path", "path_prefix"):
            value = raw.get(name)
            if value is not None:
                if not isinstance(value, str) or not value:
                    raise _ControlError(400, "'%s' must be a non-empty string" % name)
                fault[name] = value

        def integer(name, default, low=0, high=None):
            value = raw.get(name, default)
            if not _is_int(value) or value < low or (high is not None and value > high):
                raise _ControlError(400, "'%s' must be an integer >= %d" % (name, low))
            return value

        if kind == "transition":
            if ws_id is None or not isinstance(raw.get("session_id"), str) or not isinstance(raw.get("to"), str):
                raise _ControlError(400, "a transition needs 'workspace_id', 'session_id' and 'to' strings")
            fault["session_id"] = raw["session_id"]
            fault["to"] = raw["to"]
            fault["after"] = integer("after", 0)
            return fault
        fault["count"] = integer("count", 1, 1)
        if kind in ("status", "non_json"):
            fault["status"] = integer("status", None if kind == "status" else 502, 100, 599)
            if raw.get("retry_after") is not None:
                fault["retry_after"] = str(raw["retry_after"])
            for name in ("body", "content_type"):
                if raw.get(name) is not None:
                    if not isinstance(raw[name], str):
                        raise _ControlError(400, "'%s' must be a string" % name)
                    fault[name] = raw[name]
        elif kind == "delay":
            seconds = raw.get("seconds", 1)
            if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or seconds < 0:
                raise _ControlError(400, "'seconds' must be a number >= 0")
            fault["seconds"] = seconds
        elif kind == "mutate":
            if ws_id is None:
                raise _ControlError(400, "a mutate fault needs 'workspace_id'")
            fault["add"] = integer("add", 0)
            fault["remove"] = integer("remove", 0)
        return fault

    def _take_fault(self, ws_id, path, is_iam=False):
        """Pop one use of the first pending fault matching the request (lock held).

        A fault without ``path``/``path_prefix`` does not apply to the IAM endpoint.
        """
        for fault in self._faults:
            if fault["kind"] == "transition":
                continue
            if fault["workspace_id"] is not None and fault["workspace_id"] != ws_id:
                continue
            has_path = False
            if fault.get("path") is not None:
                has_path = True
                if path != fault["path"]:
                    continue
            if fault.get("path_prefix") is not None:
                has_path = True
                if not path.startswith(fault["path_prefix"]):
                    continue
            if is_iam and not has_path:
                continue
            fault["count"] -= 1
            if fault["count"] <= 0:
                self._faults.remove(fault)
            return dict(fault)
        return None

    # -- log ---------------------------------------------------------------

    def requests_log(self):
        with self._lock:
            return [dict(e) for e in self._log]

    def clear_log(self):
        with self._lock:
            self._log = []

    def set_latency(self, ms):
        self.latency_ms = float(ms)

    # -- request handling --------------------------------------------------

    def _dispatch(self, handler):
        request_id = _new_request_id()
        target = handler.path
        proxy_url = None
        if handler.command == "CONNECT":
            path, raw_query = target, ""
        elif target.lower().startswith(("http://", "https://")):
            proxy_url = target
            parts = urlsplit(target)
            path, raw_query = parts.path or "/", parts.query
        else:
            path, _sep, raw_query = target.partition("?")
            path = path.split("#", 1)[0]
        try:
            body = handler.read_body()
        except ValueError:
            handler.close_connection = True
            handler._write(_json_response(400, STATUS_BODIES[400]), request_id)
            return
        if handler.command != "CONNECT" and (path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")):
            self._control(handler, path, body, request_id)
            return
        self._api(handler, path, raw_query, body, proxy_url, request_id)

    def _log_entry(self, handler, path, raw_query, query, proxy_url):
        headers = {}
        for name, value in handler.headers.items():
            lname = name.lower()
            if lname in ("x-auth-token", "x-security-token", "proxy-authorization", "cookie"):
                value = "REDACTED"
            elif lname == "authorization":
                value = re.sub(r"Signature=[^,\s]*", "Signature=REDACTED", value)
                if not value.startswith(SIGN_ALGORITHM):
                    value = "REDACTED"
            headers[name] = headers[name] + ", " + value if name in headers else value
        if handler.headers.get("X-Auth-Token") is not None:
            auth = "token"
        elif handler.headers.get("Authorization") is not None:
            auth = "aksk"
        else:
            auth = "none"
        entry = {
            "method": handler.command,
            "path": path,
            "query": [[k, v] for k, v in query],
            "raw_query": raw_query,
            "headers": headers,
            "host": handler.headers.get("Host"),
            "proxy_url": proxy_url,
            "auth": auth,
            "status": None,
            "fault": None,
            "request_id": None,
            "time": time.time(),
        }
        with self._lock:
            self._log.append(entry)
            if len(self._log) > self.log_limit:
                del self._log[:len(self._log) - self.log_limit]
        return entry

    def _sleep(self, seconds):
        if seconds > 0:
            self._stopping.wait(seconds)

    def _api(self, handler, path, raw_query, body, proxy_url, request_id):
        query = parse_qsl(raw_query, keep_blank_values=True)
        entry = self._log_entry(handler, path, raw_query, query, proxy_url)
        entry["request_id"] = request_id
        segments = path.split("/")
        is_list_path = (handler.command != "CONNECT" and len(segments) == 5 and segments[0] == ""
                        and segments[1] == "v1" and segments[2] == "workspaces" and segments[4] == "sessions")
        ws_id = unquote(segments[3]) if is_list_path else None
        is_iam = handler.command != "CONNECT" and path == IAM_TOKENS_PATH
        if is_iam:
            # The body holds the password: never logged.
            entry["auth"] = "iam"
            entry["body"] = "REDACTED"

        fault = None
        if handler.command != "CONNECT":
            with self._lock:
                fault = self._take_fault(ws_id, path, is_iam)
        if fault is not None:
            entry["fault"] = fault["kind"]
        if self.latency_ms:
            self._sleep(self.latency_ms / 1000.0)
        if fault is not None and fault["kind"] == "delay":
            self._sleep(fault["seconds"])

        if fault is not None and fault["kind"] == "drop":
            handler.close_connection = True
            try:
                handler.connection.shutdown(socket.SHUT_RDWR)
            except (OSError, ValueError):
                pass
            return
        if fault is not None and fault["kind"] in ("status", "non_json"):
            resp = self._fault_response(fault, is_iam)
        elif is_iam:
            resp = self._iam_response(handler, body)
        else:
            resp = self._api_response(handler, path, query, body, is_list_path, ws_id)
            if fault is not None and fault["kind"] == "truncate":
                resp.truncate = True

        if handler.command == "CONNECT":
            handler.close_connection = True
        # The answer is computed: apply what happens "after" it now, before the
        # client can see it and send its next request.
        with self._lock:
            if fault is not None and fault["kind"] == "mutate":
                self._mutate(fault["workspace_id"], fault["add"], fault["remove"])
            if resp.status == 200 and ws_id is not None:
                touched = False
                for f in self._faults:
                    if f["kind"] == "transition" and f["workspace_id"] == ws_id and f["after"] > 0:
                        f["after"] -= 1
                        touched = True
                if touched:
                    self._apply_transitions(ws_id)
            entry["status"] = resp.status
        handler._write(resp, request_id, head=handler.command == "HEAD")

    @staticmethod
    def _fault_response(fault, is_iam=False):
        status = fault["status"]
        headers = []
        if fault.get("retry_after") is not None:
            headers.append(("Retry-After", fault["retry_after"]))
        if fault["kind"] == "non_json":
            try:
                phrase = http.HTTPStatus(status).phrase
            except ValueError:
                phrase = "Error"
            body = fault.get("body", HTML_PAGE.format(code=status, phrase=phrase))
            return _Response(status, body, fault.get("content_type", "text/html"), headers)
        if "body" in fault:
            return _Response(status, fault["body"], fault.get("content_type", "application/json"), headers)
        if is_iam:
            obj = IAM_UNAUTHORIZED if status == 401 else _iam_body(status, "http status %d" % status)
        else:
            obj = STATUS_BODIES.get(status) or {"error_code": "common.%08d" % status, "error_msg": "http status %d" % status}
        resp = _json_response(status, obj, headers)
        if "content_type" in fault:
            resp.content_type = fault["content_type"]
        return resp

    def _iam_response(self, handler, body):
        try:
            if handler.command != "POST":
                raise _ApiError(405, _iam_body(405, "The method is not allowed for the requested URL."))
            return self._iam_tokens(body)
        except _ApiError as err:
            headers = [("Allow", "POST")] if err.status == 405 else None
            return _json_response(err.status, err.body, headers)

    def _iam_tokens(self, body):
        """``POST /v3/auth/tokens`` with the password method (no error message echoes the body)."""
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise _iam_bad_request("The request body is not valid JSON.") from None

        def member(obj, key, where, kind=dict):
            value = obj.get(key)
            if value is None:
                raise _iam_bad_request("%s is required." % where)
            if not isinstance(value, kind):
                raise _iam_bad_request("%s must be %s." % (where, "an object" if kind is dict else "a string"))
            return value

        if not isinstance(data, dict):
            raise _iam_bad_request("The request body must be a JSON object.")
        auth = member(data, "auth", "auth")
        identity = member(auth, "identity", "auth.identity")
        methods = identity.get("methods")
        if not isinstance(methods, list) or not methods:
            raise _iam_bad_request("auth.identity.methods is required (a non-empty list).")
        if methods != ["password"]:
            raise _iam_bad_request('auth.identity.methods: only ["password"] is supported.')
        password = member(identity, "password", "auth.identity.password")
        user = member(password, "user", "auth.identity.password.user")
        name = member(user, "name", "auth.identity.password.user.name", str)
        secret = member(user, "password", "auth.identity.password.user.password", str)
        domain = member(user, "domain", "auth.identity.password.user.domain")
        domain_name = member(domain, "name", "auth.identity.password.user.domain.name", str)
        if not name or not domain_name:
            raise _iam_bad_request("auth.identity.password.user.name and domain.name must not be empty.")
        scope = auth.get("scope")
        if scope is None:
            raise _iam_bad_request("auth.scope is required (a project id or name).")
        if not isinstance(scope, dict):
            raise _iam_bad_request("auth.scope must be an object.")
        project = scope.get("project")
        if not isinstance(project, dict):
            raise _iam_bad_request("auth.scope.project is required (a project id or name).")
        project_id = project.get("id")
        project_name = project.get("name")
        for value, where in ((project_id, "id"), (project_name, "name")):
            if value is not None and (not isinstance(value, str) or not value):
                raise _iam_bad_request("auth.scope.project.%s must be a non-empty string." % where)
        if project_id is None and project_name is None:
            raise _iam_bad_request("auth.scope.project needs an id or a name.")

        stored = self._users.get((domain_name, name))
        if stored is None or not hmac.compare_digest(stored.encode("utf-8"), secret.encode("utf-8")):
            raise _ApiError(401, IAM_UNAUTHORIZED)

        now = self.clock()
        token = self._issue_token(now)
        domain_obj = {"name": domain_name, "id": _derived_id("domain", domain_name)}
        project_obj = {}
        if project_id is not None:
            project_obj["id"] = project_id
        else:
            project_obj["id"] = self.project_id or _derived_id("project", project_name)
        if project_name is not None:
            project_obj["name"] = project_name
        project_obj["domain"] = dict(domain_obj)
        answer = {"token": {
            "expires_at": _iam_time(now + self.token_ttl),
            "issued_at": _iam_time(now),
            "methods": ["password"],
            "user": {"name": name, "id": _derived_id("user", domain_name, name), "domain": dict(domain_obj),
                     "password_expires_at": ""},
            "project": project_obj,
        }}
        return _json_response(201, answer, [("X-Subject-Token", token)])

    def _api_response(self, handler, path, query, body, is_list_path, ws_id):
        try:
            if handler.command == "CONNECT":
                raise _ApiError(405, {"error_code": "common.01000001", "error_msg": "response status exception, code: 405"})
            if not is_list_path:
                raise _ApiError(404, STATUS_BODIES[404])
            if handler.command != "GET":
                raise _ApiError(405, {"error_code": "common.01000001", "error_msg": "response status exception, code: 405"})
            self._authenticate(handler, path, query, body)
            return self._list(ws_id, query)
        except _ApiError as err:
            headers = [("Allow", "GET")] if err.status == 405 else None
            return _json_response(err.status, err.body, headers)

    # -- auth --------------------------------------------------------------

    def _authenticate(self, handler, path, query, body):
        headers = handler.headers
        token = headers.get("X-Auth-Token")
        if token is not None:
            token = token.strip()
            if token in self.forbidden_tokens:
                raise _ApiError(403, STATUS_BODIES[403])
            if token and (token in self.tokens or self._issued_token_valid(token)):
                return "token"
            raise _ApiError(401, STATUS_BODIES[401])
        authorization = headers.get("Authorization")
        if authorization is None:
            raise _ApiError(401, STATUS_BODIES[401])
        self._verify_aksk(handler, authorization.strip(), path, query, body)
        return "aksk"

    def _verify_aksk(self, handler, authorization, path, query, body):
        fields = _parse_authorization(authorization)
        if fields is None:
            raise _iam_error("authorization header is not a valid %s signature" % SIGN_ALGORITHM)
        access_key = fields["Access"]
        secret_key = self.credentials.get(access_key)
        if secret_key is None:
            raise _iam_error("access key %s not found" % access_key)
        signed = [h.strip().lower() for h in fields["SignedHeaders"].split(";") if h.strip()]
        for required in ("host", "x-sdk-date"):
            if required not in signed:
                raise _iam_error("header %s must be signed" % required)
        received = {}
        for name, value in handler.headers.items():
            lname = name.lower()
            received[lname] = received[lname] + "," + value if lname in received else value
        sdk_date = received.get("x-sdk-date", "").strip()
        if not sdk_date:
            raise _iam_error("request expired: X-Sdk-Date header is missing")
        if not SDK_DATE_RE.match(sdk_date):
            raise _iam_error("request expired: X-Sdk-Date %r is not in YYYYMMDDTHHMMSSZ format" % sdk_date)
        try:
            signed_at = calendar.timegm(time.strptime(sdk_date, SDK_DATE_FORMAT))
        except ValueError:
            raise _iam_error("request expired: X-Sdk-Date %r is not a valid time" % sdk_date) from None
        now = self.clock()
        if abs(now - signed_at) > MAX_SKEW_SECONDS:
            raise _iam_error("request expired: X-Sdk-Date %s is more than 15 minutes from the server time %s"
                             % (sdk_date, time.strftime(SDK_DATE_FORMAT, time.gmtime(now))))
        project = received.get("x-project-id")
        if project is None or not project.strip():
            raise _iam_error("X-Project-Id header is missing")
        if "x-project-id" not in signed:
            raise _iam_error("header x-project-id must be signed")
        if self.project_id is not None and project.strip() != self.project_id:
            raise _iam_error("project id %s does not match the credentials" % project.strip())
        security_token = received.get("x-security-token")
        if security_token is not None:
            if "x-security-token" not in signed:
                raise _iam_error("header x-security-token must be signed")
            if self.security_tokens is not None and security_token.strip() not in self.security_tokens:
                raise _iam_error("security token is invalid")
        for name in signed:
            if name not in received:
                raise _iam_error("verify aksk signature fail (signed header %s not sent)" % name)
        content_hash = received.get("x-sdk-content-sha256", "").strip()
        body_hash = "UNSIGNED-PAYLOAD" if content_hash == "UNSIGNED-PAYLOAD" else hashlib.sha256(body).hexdigest()
        canonical = canonical_request(handler.command, path, query, received, signed, body_hash)
        expected = _hmac_hex(secret_key, string_to_sign(sdk_date, canonical))
        if not hmac.compare_digest(expected, fields["Signature"].lower()):
            if self.verbose:
                sys.stderr.write("canonical request:\n%s\n" % canonical)
            raise _iam_error("verify aksk signature fail")

    # -- the list call -----------------------------------------------------

    def _list(self, ws_id, query):
        if not ID_RE.match(ws_id):
            raise _bad_request('reason: workspace_id: must match "^[a-zA-Z0-9-]{1,36}$", cause: ConstraintViolationException')
        params = {}
        for key, value in query:
            if key in ("limit", "offset", "status", "endpoint_id", "session_id"):
                if key in params:
                    raise _bad_request("reason: query parameter %s must not be repeated., cause: IllegalArgumentException" % key)
                params[key] = value
        filters = {}
        for key in ("endpoint_id", "session_id"):
            value = params.get(key, "")
            if value == "":
                filters[key] = None
            elif not ID_RE.match(value):
                raise _bad_request('reason: %s: must match "^[a-zA-Z0-9-]{1,36}$", cause: ConstraintViolationException' % key)
            else:
                filters[key] = value
        status = params.get("status", "")
        if status == "":
            status = None
        elif status not in STATUSES:
            raise _bad_request("reason: status: must be one of [%s], cause: ConstraintViolationException" % ", ".join(STATUSES))
        limit = self._int_param(params, "limit", 10, 1, 100)
        offset = self._int_param(params, "offset", 0, 0, 1000000000)
        with self._lock:
            ws = self._workspace(ws_id)
            if ws is None:
                raise _ApiError(404, STATUS_BODIES[404])
            self._apply_transitions(ws_id)
            matches = ws.matching(filters["endpoint_id"], status, filters["session_id"])
            page = matches[offset:offset + limit]
            total = len(matches)
        return _json_response(200, {"sessions": page, "total": total})

    @staticmethod
    def _int_param(params, name, default, low, high):
        raw = params.get(name, "")
        if raw == "":
            return default
        if not INT_RE.match(raw):
            raise _bad_request(TYPE_MISMATCH)
        value = int(raw)
        if value > INT32_MAX or value < -INT32_MAX - 1:
            raise _bad_request(TYPE_MISMATCH)
        if value < low:
            raise _bad_request("reason: %s: must be greater than or equal to %d, cause: ConstraintViolationException" % (name, low))
        if value > high:
            raise _bad_request("reason: %s: must be less than or equal to %d, cause: ConstraintViolationException" % (name, high))
        return value

    # -- control API -------------------------------------------------------

    def _control(self, handler, path, body, request_id):
        method = handler.command
        try:
            resp = self._control_response(method, path[len(CONTROL_PREFIX):], body)
        except _ControlError as err:
            resp = _json_response(err.status, {"error_code": "emulator.%d" % err.status, "error_msg": err.message})
        handler._write(resp, request_id, head=method == "HEAD")

    @staticmethod
    def _json_body(body, default=None):
        if not body.strip():
            if default is not None:
                return default
            raise _ControlError(400, "a JSON body is required")
        try:
            return json.loads(body.decode("utf-8"))
        except ValueError as exc:
            raise _ControlError(400, "invalid JSON body: %s" % exc) from None

    def _control_response(self, method, sub, body):
        parts = [unquote(p) for p in sub.strip("/").split("/")] if sub.strip("/") else []
        route = parts[0] if parts else ""
        if route == "health" and len(parts) == 1 and method == "GET":
            return _json_response(200, {"status": "ok"})
        if route == "log" and len(parts) == 1:
            if method == "GET":
                return _json_response(200, {"requests": self.requests_log()})
            if method == "DELETE":
                self.clear_log()
                return _json_response(200, {"requests": []})
        elif route == "faults" and len(parts) == 1:
            if method == "GET":
                return _json_response(200, {"faults": self.faults()})
            if method == "POST":
                return _json_response(200, {"queued": self.add_faults(self._json_body(body)), "faults": self.faults()})
            if method == "DELETE":
                self.clear_faults()
                return _json_response(200, {"faults": []})
        elif route == "latency" and len(parts) == 1:
            if method == "GET":
                return _json_response(200, {"ms": self.latency_ms})
            if method in ("POST", "PUT"):
                data = self._json_body(body)
                ms = data.get("ms") if isinstance(data, dict) else None
                if not isinstance(ms, (int, float)) or isinstance(ms, bool) or ms < 0:
                    raise _ControlError(400, "'ms' must be a number >= 0")
                self.set_latency(ms)
                return _json_response(200, {"ms": self.latency_ms})
        elif route == "tokens" and len(parts) == 1:
            if method == "GET":
                return _json_response(200, self.token_stats())
        elif route == "tokens" and len(parts) == 2 and parts[1] == "expire":
            if method == "POST":
                expired = self.expire_tokens()
                stats = self.token_stats()
                stats["expired"] = expired
                return _json_response(200, stats)
        elif route == "reset" and len(parts) == 1 and method == "POST":
            self.reset()
            return _json_response(200, {"status": "reset"})
        elif route == "workspaces":
            return self._control_workspaces(method, parts[1:], body)
        else:
            raise _ControlError(404, "no such control endpoint: %s" % (CONTROL_PREFIX + sub))
        raise _ControlError(405, "method %s not allowed on %s" % (method, CONTROL_PREFIX + sub))

    def _control_workspaces(self, method, parts, body):
        if not parts:
            if method == "GET":
                with self._lock:
                    listing = []
                    for ws_id in sorted(self._specs):
                        ws = self._workspaces.get(ws_id)
                        if ws is not None:
                            count = len(ws.sessions)
                        else:
                            kind, arg = self._specs[ws_id]
                            count = arg if kind == "count" else len(self._workspace(ws_id).sessions)
                        listing.append({"workspace_id": ws_id, "count": count})
                return _json_response(200, {"workspaces": listing})
            raise _ControlError(405, "method %s not allowed" % method)
        ws_id = parts[0]
        if len(parts) == 1:
            if method == "GET":
                sessions = self.sessions(ws_id)
                if sessions is None:
                    raise _ControlError(404, "no such workspace: %s" % ws_id)
                return _json_response(200, {"workspace_id": ws_id, "sessions": sessions, "total": len(sessions)})
            if method == "PUT":
                data = self._json_body(body)
                if not isinstance(data, dict) or ("count" in data) == ("sessions" in data):
                    raise _ControlError(400, "expected {\"count\": N} or {\"sessions\": [...]}")
                count = self.put_workspace(ws_id, count=data.get("count"), sessions=data.get("sessions"))
                return _json_response(200, {"workspace_id": ws_id, "count": count})
            if method == "DELETE":
                if not self.delete_workspace(ws_id):
                    raise _ControlError(404, "no such workspace: %s" % ws_id)
                return _json_response(200, {"workspace_id": ws_id, "deleted": True})
            raise _ControlError(405, "method %s not allowed" % method)
        if len(parts) == 2 and parts[1] == "sessions":
            if method == "POST":
                session = self.add_session(ws_id, self._json_body(body))
                return _json_response(201, {"workspace_id": ws_id, "session": session})
            raise _ControlError(405, "method %s not allowed" % method)
        raise _ControlError(404, "no such control endpoint")


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------

def _check_loopback(host):
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, None)
        except socket.gaierror:
            raise ValueError("cannot resolve host %r" % host) from None
        addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not addresses or not all(a.is_loopback for a in addresses):
        raise ValueError("refusing to listen on non-loopback address %r" % host)


def _write_atomic(path, text):
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".fabric-emulator-", dir=directory)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _workspace_arg(text):
    ws_id, sep, count = text.partition("=")
    if not sep or not ID_RE.match(ws_id) or not count.isdigit():
        raise argparse.ArgumentTypeError("expected ID=COUNT with ID of 1-36 [A-Za-z0-9-] and COUNT >= 0, got %r" % text)
    return ws_id, int(count)


def _user_arg(text):
    # NAME:PASSWORD:DOMAIN; the password may hold ":". Never echo the value (it has the password).
    name, sep1, rest = text.partition(":")
    password, sep2, domain = rest.rpartition(":")
    if not sep1 or not sep2 or not name or not domain:
        raise argparse.ArgumentTypeError("expected NAME:PASSWORD:DOMAIN with a non-empty NAME and DOMAIN")
    return name, password, domain


def _ttl_arg(text):
    try:
        value = float(text)
    except ValueError:
        value = 0
    if math.isnan(value) or value <= 0 or math.isinf(value):
        raise argparse.ArgumentTypeError("expected a number of seconds > 0, got %r" % text)
    return value


def build_parser():
    parser = argparse.ArgumentParser(
        prog="fabric_emulator.py",
        description="Local emulator of the DataArts Fabric SQL session list API (with a control API under /_emulator/).")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default 0: a free port)")
    parser.add_argument("--port-file", help="write the port number to this file once listening")
    parser.add_argument("--url-file", help="write the base URL to this file once listening")
    parser.add_argument("--lifetime", type=float, default=3600, help="stop after this many seconds (default 3600; 0: never)")
    parser.add_argument("--token", action="append", help="accepted X-Auth-Token (repeatable; default emulator-token)")
    parser.add_argument("--forbidden-token", action="append", default=[], help="X-Auth-Token answered with 403 (repeatable)")
    parser.add_argument("--access-key", default=DEFAULT_ACCESS_KEY, help="AK for AK/SK signing (default EMULATORAK)")
    parser.add_argument("--secret-key", default=DEFAULT_SECRET_KEY, help="SK for AK/SK signing (default EMULATORSK)")
    parser.add_argument("--project-id", help="require this X-Project-Id (default: any non-empty value)")
    parser.add_argument("--security-token", action="append",
                        help="accepted X-Security-Token values (repeatable; default: any value, if signed)")
    parser.add_argument("--user", action="append", type=_user_arg, metavar="NAME:PASSWORD:DOMAIN",
                        help="IAM user accepted by POST /v3/auth/tokens (repeatable; default "
                             "emulator-user:emulator-password:emulator-domain)")
    parser.add_argument("--token-ttl", type=_ttl_arg, default=DEFAULT_TOKEN_TTL, metavar="SECONDS",
                        help="lifetime of tokens issued by POST /v3/auth/tokens (default 86400)")
    parser.add_argument("--clock-offset", type=float, default=0, metavar="SECONDS",
                        help="run the emulator's clock this far ahead (negative: behind) of the machine's, to play"
                             " a gateway whose clock differs from the client's (signatures then look stale)")
    parser.add_argument("--latency-ms", type=float, default=0, help="added latency per API request")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated data (default 0)")
    parser.add_argument("--workspace", action="append", type=_workspace_arg, default=[], metavar="ID=COUNT",
                        help="add a generated workspace of COUNT sessions (repeatable)")
    parser.add_argument("--certfile", help="PEM certificate: serve HTTPS")
    parser.add_argument("--keyfile", help="PEM private key for --certfile")
    parser.add_argument("--quiet", action="store_true", help="print nothing (not even the listening line)")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    if args.keyfile and not args.certfile:
        sys.stderr.write("fabric-emulator: --keyfile needs --certfile\n")
        return 2
    try:
        emulator = FabricEmulator(
            host=args.host, port=args.port, tokens=args.token or [DEFAULT_TOKEN], forbidden_tokens=args.forbidden_token,
            access_key=args.access_key, secret_key=args.secret_key, project_id=args.project_id,
            security_tokens=args.security_token, latency_ms=args.latency_ms, seed=args.seed,
            workspaces=dict(args.workspace), certfile=args.certfile, keyfile=args.keyfile,
            lifetime=args.lifetime or None, verbose=args.verbose,
            users=args.user or [DEFAULT_USER], token_ttl=args.token_ttl,
            clock=(lambda: time.time() + args.clock_offset) if args.clock_offset else None)
        url = emulator.start()
    except (ValueError, OSError) as exc:
        sys.stderr.write("fabric-emulator: %s\n" % exc)
        return 2

    stop = threading.Event()

    def on_signal(_signum, _frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        if args.port_file:
            _write_atomic(args.port_file, "%d\n" % emulator.port)
        if args.url_file:
            _write_atomic(args.url_file, url + "\n")
        if not args.quiet:
            sys.stdout.write("fabric-emulator listening on %s\n" % url)
            sys.stdout.flush()
        while not stop.is_set() and not emulator.stopped.is_set():
            stop.wait(0.2)
    finally:
        emulator.stop()
    if not args.quiet:
        sys.stderr.write("fabric-emulator stopped\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
