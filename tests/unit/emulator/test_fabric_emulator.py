# -*- coding: utf-8 -*-
# Copyright: DataArts Fabric Ansible maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests of the DataArts Fabric emulator itself, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import calendar
import hashlib
import hmac
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from urllib.parse import quote

import pytest

try:
    from ansible_collections.dataarts.fabric.tests.emulator import fabric_emulator as fe
except ImportError:
    _EMULATOR_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "emulator"))
    if _EMULATOR_DIR not in sys.path:
        sys.path.insert(0, _EMULATOR_DIR)
    import fabric_emulator as fe  # noqa: E402  pylint: disable=import-error


TOKEN = "emulator-token"
FORBIDDEN = "forbidden-token"
AK = "EMULATORAK"
SK = "EMULATORSK"
REQUEST_ID_RE = re.compile(r"[0-9a-f]{32}\Z")


# The collection's copy of the vectors the official SDK's signer produced (shared/spec/signing-vectors.json),
# the same file the client's signer is tested against.
VECTORS_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "plugins", "module_utils", "fixtures",
                            "signing-vectors.json")
with open(VECTORS_FILE, encoding="utf-8") as _vectors:
    VECTORS = json.load(_vectors)["vectors"]
VECTOR_EPOCH = calendar.timegm((2025, 1, 1, 0, 0, 0, 0, 0, 0))


# ---------------------------------------------------------------------------
# fixtures and helpers
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def emu():
    emulator = fe.FabricEmulator(forbidden_tokens=[FORBIDDEN])
    emulator.start()
    yield emulator
    emulator.stop()


@pytest.fixture(autouse=True)
def _clean(request):
    if "emu" in request.fixturenames:
        request.getfixturevalue("emu").reset()
    yield


class Resp(object):
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def header(self, name):
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


def call(emulator, method, target, headers=None, body=None, conn=None, timeout=5):
    """One request; asserts the X-Request-Id header on the way."""
    own = conn is None
    if own:
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


def get(emulator, target, token=TOKEN, **kwargs):
    headers = dict(kwargs.pop("headers", {}))
    if token is not None:
        headers["X-Auth-Token"] = token
    return call(emulator, "GET", target, headers=headers, **kwargs)


def control(emulator, method, path, body=None):
    resp = call(emulator, method, "/_emulator" + path, body=body)
    assert resp.header("Content-Type") == "application/json"
    return resp


def my_sign(method, path, query, headers, ak, sk, body=b""):
    """Test-side SDK-HMAC-SHA256 signer, separate from the emulator's code."""
    def enc(text):
        return quote(text, safe="-_.~")

    segments = [enc(s) for s in path.split("/")]
    uri = "/".join(segments)
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


def signed_get(emulator, path, query=(), ak=AK, sk=SK, date=None, extra=None, unsigned=None, tamper_query=None):
    query = list(query)
    headers = {
        "Host": "127.0.0.1:%d" % emulator.port,
        "X-Sdk-Date": date or time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()),
        "X-Project-Id": "project-1",
    }
    headers.update(extra or {})
    headers = {k: v for k, v in headers.items() if v is not None}
    auth = my_sign("GET", path, query, headers, ak, sk)
    sent = dict(headers)
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


def assert_iam_401(resp, reason):
    assert resp.status == 401, resp.body
    body = resp.json()
    assert body["error_code"] == "APIG.0301"
    assert body["error_msg"].startswith("Incorrect IAM authentication information: ")
    assert reason in body["error_msg"]


# ---------------------------------------------------------------------------
# signing
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_signing_vectors_reproduced(vector):
    auth = fe.compute_authorization(vector["access_key"], vector["secret_key"], vector["method"], vector["path"],
                                    vector["query"], vector["headers"], vector["body"])
    assert auth == vector["authorization"]
    assert my_sign(vector["method"], vector["path"], vector["query"], vector["headers"],
                   vector["access_key"], vector["secret_key"]) == vector["authorization"]
    if "canonical_request" in vector:
        lowered = {k.lower(): v for k, v in vector["headers"].items()}
        canon = fe.canonical_request(vector["method"], vector["path"], vector["query"], lowered, sorted(lowered),
                                     hashlib.sha256(vector["body"].encode()).hexdigest())
        assert canon == vector["canonical_request"]
        if "string_to_sign" in vector:
            assert fe.string_to_sign(lowered["x-sdk-date"], canon) == vector["string_to_sign"]


def test_signing_vectors_accepted_by_live_verifier():
    """Send each vector's exact headers to an emulator whose clock is the vector's date."""
    with fe.FabricEmulator(access_key="AKTEST", secret_key="SKTEST", clock=lambda: VECTOR_EPOCH) as emulator:
        for vector in VECTORS:
            target = vector["path"] + "?" + "&".join("%s=%s" % (k, v) for k, v in vector["query"])
            conn = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=5)
            try:
                conn.putrequest(vector["method"], target, skip_host=True, skip_accept_encoding=True)
                for name, value in vector["headers"].items():
                    conn.putheader(name, value)
                conn.putheader("Authorization", vector["authorization"])
                conn.endheaders()
                resp = conn.getresponse()
                body = json.loads(resp.read())
            finally:
                conn.close()
            # Authentication passed; ws-1 is not a seeded workspace.
            assert resp.status == 404, (vector["name"], body)
            assert body == {"error_code": "common.01000001", "error_msg": "response status exception, code: 404"}
            # One flipped hex digit of the signature is refused.
            bad = vector["authorization"][:-1] + ("0" if vector["authorization"][-1] != "0" else "1")
            conn = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=5)
            try:
                conn.putrequest(vector["method"], target, skip_host=True, skip_accept_encoding=True)
                for name, value in vector["headers"].items():
                    conn.putheader(name, value)
                conn.putheader("Authorization", bad)
                conn.endheaders()
                resp = conn.getresponse()
                assert resp.status == 401
                assert "verify aksk signature fail" in json.loads(resp.read())["error_msg"]
            finally:
                conn.close()


def test_aksk_signed_request_accepted(emu):
    resp = signed_get(emu, "/v1/workspaces/ws-101/sessions", [("limit", "5"), ("offset", "0")])
    assert resp.status == 200, resp.body
    assert resp.json()["total"] == 101
    assert emu.requests_log()[-1]["auth"] == "aksk"


def test_aksk_query_needing_encoding_accepted(emu):
    resp = signed_get(emu, "/v1/workspaces/ws-demo/sessions", [("status", "RUNNING"), ("x note", "a b/c*~")])
    assert resp.status == 200, resp.body


def test_aksk_tampered_query_rejected(emu):
    resp = signed_get(emu, "/v1/workspaces/ws-101/sessions", [("limit", "5")], tamper_query=[("limit", "6")])
    assert_iam_401(resp, "verify aksk signature fail")


def test_aksk_wrong_secret_rejected(emu):
    resp = signed_get(emu, "/v1/workspaces/ws-101/sessions", sk="WRONG")
    assert_iam_401(resp, "verify aksk signature fail")


def test_aksk_unknown_access_key(emu):
    assert_iam_401(signed_get(emu, "/v1/workspaces/ws-101/sessions", ak="NOSUCHAK"), "access key")


def test_aksk_stale_date_rejected(emu):
    stale = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(time.time() - 16 * 60))
    assert_iam_401(signed_get(emu, "/v1/workspaces/ws-101/sessions", date=stale), "request expired")
    future = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(time.time() + 16 * 60))
    assert_iam_401(signed_get(emu, "/v1/workspaces/ws-101/sessions", date=future), "request expired")
    near = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(time.time() - 10 * 60))
    assert signed_get(emu, "/v1/workspaces/ws-101/sessions", date=near).status == 200


def test_aksk_malformed_date_rejected(emu):
    assert_iam_401(signed_get(emu, "/v1/workspaces/ws-101/sessions", date="2025-01-01T00:00:00Z"), "request expired")


def test_aksk_missing_project_rejected(emu):
    resp = signed_get(emu, "/v1/workspaces/ws-101/sessions", extra={"X-Project-Id": None})
    assert_iam_401(resp, "X-Project-Id")


def test_aksk_unsigned_project_rejected(emu):
    resp = signed_get(emu, "/v1/workspaces/ws-101/sessions", extra={"X-Project-Id": None},
                      unsigned={"X-Project-Id": "project-1"})
    assert_iam_401(resp, "x-project-id must be signed")


def test_aksk_security_token_must_be_signed(emu):
    ok = signed_get(emu, "/v1/workspaces/ws-101/sessions", extra={"X-Security-Token": "temp-token"})
    assert ok.status == 200
    resp = signed_get(emu, "/v1/workspaces/ws-101/sessions", unsigned={"X-Security-Token": "temp-token"})
    assert_iam_401(resp, "x-security-token must be signed")


def test_aksk_project_id_pinned():
    with fe.FabricEmulator(project_id="pinned") as emulator:
        assert_iam_401(signed_get(emulator, "/v1/workspaces/ws-one/sessions"), "project")
        resp = signed_get(emulator, "/v1/workspaces/ws-one/sessions", extra={"X-Project-Id": "pinned"})
        assert resp.status == 200


# ---------------------------------------------------------------------------
# token auth
# ---------------------------------------------------------------------------

def test_token_accepted(emu):
    resp = get(emu, "/v1/workspaces/ws-one/sessions")
    assert resp.status == 200
    assert resp.header("Content-Type") == "application/json"
    assert resp.json()["total"] == 1


def test_token_wrong(emu):
    resp = get(emu, "/v1/workspaces/ws-one/sessions", token="nope")
    assert resp.status == 401
    assert resp.json() == {"error_code": "APIG.1002", "error_msg": "Incorrect token or token resolution failed"}


def test_no_credentials(emu):
    resp = get(emu, "/v1/workspaces/ws-one/sessions", token=None)
    assert resp.status == 401
    assert resp.json() == {"error_code": "APIG.1002", "error_msg": "Incorrect token or token resolution failed"}


def test_token_forbidden(emu):
    resp = get(emu, "/v1/workspaces/ws-one/sessions", token=FORBIDDEN)
    assert resp.status == 403
    assert resp.json() == {
        "error": {"code": "403", "message": "X-Auth-Token is invalid in the request", "title": "Forbidden"},
        "error_code": 403, "error_msg": "X-Auth-Token is invalid in the request", "title": "Forbidden"}


def test_auth_checked_before_validation(emu):
    resp = get(emu, "/v1/workspaces/ws-one/sessions?limit=abc", token="nope")
    assert resp.status == 401


# ---------------------------------------------------------------------------
# validation, routing
# ---------------------------------------------------------------------------

BAD_QUERIES = [
    ("limit=abc", "reason: Type mismatch., cause: TypeMismatchException"),
    ("limit=1.5", "Type mismatch"),
    ("limit=99999999999", "Type mismatch"),
    ("limit=0", "limit"),
    ("limit=101", "limit"),
    ("offset=-1", "offset"),
    ("offset=1000000001", "offset"),
    ("offset=x", "Type mismatch"),
    ("status=RUNINNG", "status"),
    ("status=running", "status"),
    ("endpoint_id=a_b", "endpoint_id"),
    ("endpoint_id=" + "a" * 37, "endpoint_id"),
    ("session_id=a%20b", "session_id"),
    ("session_id=%C3%BC", "session_id"),
    ("limit=5&limit=5", "limit"),
    ("status=RUNNING&status=CLOSED", "status"),
]


@pytest.mark.parametrize("query,reason", BAD_QUERIES)
def test_bad_query_400(emu, query, reason):
    resp = get(emu, "/v1/workspaces/ws-100/sessions?" + query)
    assert resp.status == 400, resp.body
    body = resp.json()
    assert set(body) == {"error_code", "error_msg"}
    assert body["error_code"] == "common.01000001"
    assert body["error_msg"].startswith("failed to read http request, please check your input, code: 400, reason: ")
    assert reason in body["error_msg"]
    assert ", cause: " in body["error_msg"]


def test_type_mismatch_exact_vendor_body(emu):
    resp = get(emu, "/v1/workspaces/ws-100/sessions?limit=ten")
    assert resp.json() == {
        "error_code": "common.01000001",
        "error_msg": "failed to read http request, please check your input, code: 400, "
                     "reason: Type mismatch., cause: TypeMismatchException"}


@pytest.mark.parametrize("segment", ["a%2Fb", "a_b", "x" * 37, "%C3%BC", "", "a.b"])
def test_bad_workspace_id_400(emu, segment):
    resp = get(emu, "/v1/workspaces/%s/sessions" % segment)
    assert resp.status == 400, resp.body
    assert "workspace_id" in resp.json()["error_msg"]


def test_bounds_and_defaults_accepted(emu):
    for query in ("limit=1", "limit=100", "offset=0", "offset=1000000000", "endpoint_id=", "nonsense=1&other=2",
                  "nonsense=1&nonsense=2", "status=FAIL", "session_id=" + "a" * 36):
        assert get(emu, "/v1/workspaces/ws-100/sessions?" + query).status == 200, query
    body = get(emu, "/v1/workspaces/ws-100/sessions").json()
    assert len(body["sessions"]) == 10 and body["total"] == 100
    assert get(emu, "/v1/workspaces/ws-100/sessions?offset=1000000000").json() == {"sessions": [], "total": 100}


def test_percent_encoded_workspace_decoded_once(emu):
    resp = get(emu, "/v1/workspaces/ws%2D101/sessions?limit=1")
    assert resp.status == 200
    assert resp.json()["total"] == 101


def test_unknown_workspace_404(emu):
    resp = get(emu, "/v1/workspaces/no-such-ws/sessions")
    assert resp.status == 404
    assert resp.json() == {"error_code": "common.01000001", "error_msg": "response status exception, code: 404"}


@pytest.mark.parametrize("path", ["/", "/v1/workspaces/ws-one/sessions/", "/v1/workspaces/ws-one", "/v2/workspaces/ws-one/sessions"])
def test_other_paths_404(emu, path):
    resp = get(emu, path)
    assert resp.status == 404
    assert resp.json() == {"error_code": "common.01000001", "error_msg": "response status exception, code: 404"}


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_other_methods_405(emu, method):
    resp = call(emu, method, "/v1/workspaces/ws-one/sessions", headers={"X-Auth-Token": TOKEN}, body="{}")
    assert resp.status == 405
    body = resp.json()
    assert body["error_code"] == "common.01000001" and "405" in body["error_msg"]


# ---------------------------------------------------------------------------
# data, paging, filters
# ---------------------------------------------------------------------------

def test_paging_ws_101(emu):
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=5)
    try:
        first = get(emu, "/v1/workspaces/ws-101/sessions?limit=100&offset=0", conn=conn).json()
        second = get(emu, "/v1/workspaces/ws-101/sessions?limit=100&offset=100", conn=conn).json()
        third = get(emu, "/v1/workspaces/ws-101/sessions?limit=100&offset=101", conn=conn).json()
    finally:
        conn.close()
    assert first["total"] == second["total"] == third["total"] == 101
    assert len(first["sessions"]) == 100 and len(second["sessions"]) == 1 and third["sessions"] == []
    sessions = first["sessions"] + second["sessions"]
    assert len({s["session_id"] for s in sessions}) == 101
    times = [s["create_time"] for s in sessions]
    assert times == sorted(times, reverse=True)
    assert {s["status"] for s in sessions} == set(fe.STATUSES)
    assert 2 <= len({s["endpoint_info"]["id"] for s in sessions}) <= 4
    for s in sessions:
        assert list(s) == ["session_id", "status", "create_time", "endpoint_info"]
        assert re.match(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z", s["session_id"])
        assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000\+00:00\Z", s["create_time"])
    # Deterministic across requests and resets.
    emu.reset()
    again = get(emu, "/v1/workspaces/ws-101/sessions?limit=100").json()
    assert again["sessions"] == first["sessions"]


def test_seeded_sizes(emu):
    sizes = {"ws-empty": 0, "ws-one": 1, "ws-100": 100, "ws-101": 101, "ws-10k": 10000, "ws-vendor": 2}
    for ws_id, count in sizes.items():
        body = get(emu, "/v1/workspaces/%s/sessions?limit=1" % ws_id).json()
        assert body["total"] == count, ws_id
    listing = {w["workspace_id"]: w["count"] for w in control(emu, "GET", "/workspaces").json()["workspaces"]}
    assert listing["ws-25k"] == 25000 and listing["ws-100k"] == 100000


def test_filters(emu):
    everything = get(emu, "/v1/workspaces/ws-demo/sessions?limit=100").json()
    sessions = everything["sessions"]
    assert everything["total"] == len(sessions) == 40
    assert {s["status"] for s in sessions} == set(fe.STATUSES)
    names = {s["endpoint_info"]["name"] for s in sessions}
    assert names == {"Fabric Prod.eu", "daten_M\u00fcller 2", "adhoc-analytics_01"}
    endpoint = sessions[3]["endpoint_info"]["id"]
    by_ep = get(emu, "/v1/workspaces/ws-demo/sessions?limit=2&endpoint_id=" + endpoint).json()
    expected = [s for s in sessions if s["endpoint_info"]["id"] == endpoint]
    assert by_ep["total"] == len(expected) and by_ep["sessions"] == expected[:2]
    closed = get(emu, "/v1/workspaces/ws-demo/sessions?limit=100&status=CLOSED").json()
    assert closed["sessions"] == [s for s in sessions if s["status"] == "CLOSED"]
    both = get(emu, "/v1/workspaces/ws-demo/sessions?limit=100&status=RUNNING&endpoint_id=" + endpoint).json()
    assert both["total"] == len([s for s in expected if s["status"] == "RUNNING"])
    one = get(emu, "/v1/workspaces/ws-demo/sessions?session_id=" + sessions[7]["session_id"]).json()
    assert one == {"sessions": [sessions[7]], "total": 1}
    assert get(emu, "/v1/workspaces/ws-demo/sessions?session_id=nope").json() == {"sessions": [], "total": 0}


def test_vendor_workspace_keeps_typo(emu):
    resp = get(emu, "/v1/workspaces/ws-vendor/sessions?endpoint_id=")
    assert resp.status == 200
    body = resp.json()
    assert body["total"] == 2
    assert body["sessions"][0] == {
        "session_id": "284888e2-c36f-4bec-9b24-e5bf0b386ab0", "status": "RUNINNG",
        "create_time": "2025-07-22T08:42:39.000+00:00",
        "endpoint_info": {"id": "0470d220-aaaa-410e-a417-0d69a0215683", "name": "test2"}}
    assert body["sessions"][1]["session_id"] == "4e4b2770-702f-48b7-9737-db107cf63e24"
    assert body["sessions"][1]["status"] == "CLOSED"
    assert get(emu, "/v1/workspaces/ws-vendor/sessions?status=RUNNING").json() == {"sessions": [], "total": 0}


def test_250_keepalive_pages_fast(emu):
    get(emu, "/v1/workspaces/ws-25k/sessions?limit=1")  # generate the data first
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=5)
    seen = 0
    start = time.monotonic()
    try:
        for page in range(250):
            body = get(emu, "/v1/workspaces/ws-25k/sessions?limit=100&offset=%d" % (page * 100), conn=conn).json()
            seen += len(body["sessions"])
    finally:
        conn.close()
    elapsed = time.monotonic() - start
    assert seen == 25000
    assert elapsed < 2.0, elapsed


# ---------------------------------------------------------------------------
# faults
# ---------------------------------------------------------------------------

def test_fault_status_429_with_retry_after(emu):
    queued = control(emu, "POST", "/faults", {"kind": "status", "status": 429, "retry_after": "2", "count": 2}).json()
    assert queued["faults"][0]["kind"] == "status"
    for _attempt in range(2):
        resp = get(emu, "/v1/workspaces/ws-one/sessions")
        assert resp.status == 429
        assert resp.header("Retry-After") == "2"
        assert resp.json() == {"error_code": "APIG.1015", "error_msg": "The API request frequency exceeds the limit"}
    assert get(emu, "/v1/workspaces/ws-one/sessions").status == 200
    assert control(emu, "GET", "/faults").json() == {"faults": []}


@pytest.mark.parametrize("status,code,msg", [
    (408, "common.00000408", "timeout exception occurred"),
    (500, "common.00000500", "internal error"),
])
def test_fault_status_documented_bodies(emu, status, code, msg):
    control(emu, "POST", "/faults", {"kind": "status", "status": status})
    resp = get(emu, "/v1/workspaces/ws-one/sessions")
    assert resp.status == status
    assert resp.json() == {"error_code": code, "error_msg": msg}


@pytest.mark.parametrize("status", [502, 503, 504])
def test_fault_status_gateway_bodies(emu, status):
    control(emu, "POST", "/faults", {"kind": "status", "status": status})
    resp = get(emu, "/v1/workspaces/ws-one/sessions")
    assert resp.status == status
    body = resp.json()
    assert isinstance(body["error_code"], str) and body["error_msg"]


def test_fault_status_body_override_and_workspace_filter(emu):
    control(emu, "POST", "/faults", [{"kind": "status", "status": 500, "body": "", "content_type": "text/plain",
                                      "workspace_id": "ws-100"}])
    assert get(emu, "/v1/workspaces/ws-one/sessions").status == 200  # other workspace: untouched
    resp = get(emu, "/v1/workspaces/ws-100/sessions")
    assert resp.status == 500 and resp.body == b"" and resp.header("Content-Type") == "text/plain"
    assert get(emu, "/v1/workspaces/ws-100/sessions").status == 200


def test_fault_drop(emu):
    control(emu, "POST", "/faults", {"kind": "drop"})
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=5)
    try:
        conn.request("GET", "/v1/workspaces/ws-one/sessions", headers={"X-Auth-Token": TOKEN})
        with pytest.raises((http.client.HTTPException, ConnectionError)):
            conn.getresponse().read()
    finally:
        conn.close()
    entry = emu.requests_log()[-1]
    assert entry["status"] is None and entry["fault"] == "drop"
    assert get(emu, "/v1/workspaces/ws-one/sessions").status == 200


def test_fault_truncate(emu):
    control(emu, "POST", "/faults", {"kind": "truncate"})
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=5)
    try:
        conn.request("GET", "/v1/workspaces/ws-100/sessions", headers={"X-Auth-Token": TOKEN})
        resp = conn.getresponse()
        assert resp.status == 200
        announced = int(resp.getheader("Content-Length"))
        with pytest.raises(http.client.IncompleteRead) as info:
            resp.read()
        assert len(info.value.partial) == announced // 2
    finally:
        conn.close()
    assert emu.requests_log()[-1]["fault"] == "truncate"


def test_fault_non_json(emu):
    control(emu, "POST", "/faults", {"kind": "non_json"})
    resp = get(emu, "/v1/workspaces/ws-one/sessions")
    assert resp.status == 502
    assert resp.header("Content-Type") == "text/html"
    assert resp.body.lstrip().startswith(b"<html>")
    control(emu, "POST", "/faults", {"kind": "non_json", "status": 503})
    assert get(emu, "/v1/workspaces/ws-one/sessions").status == 503


def test_fault_delay_beyond_client_timeout(emu):
    control(emu, "POST", "/faults", {"kind": "delay", "seconds": 0.6})
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=0.2)
    try:
        conn.request("GET", "/v1/workspaces/ws-one/sessions", headers={"X-Auth-Token": TOKEN})
        with pytest.raises(socket.timeout):
            conn.getresponse()
    finally:
        conn.close()
    control(emu, "POST", "/faults", {"kind": "delay", "seconds": 0.2})
    start = time.monotonic()
    assert get(emu, "/v1/workspaces/ws-one/sessions").status == 200
    assert time.monotonic() - start >= 0.19


def test_fault_mutate_between_pages(emu):
    first = get(emu, "/v1/workspaces/ws-100/sessions?limit=10").json()["sessions"]
    control(emu, "POST", "/faults", {"kind": "mutate", "workspace_id": "ws-100", "add": 3})
    page1 = get(emu, "/v1/workspaces/ws-100/sessions?limit=10").json()
    assert page1["sessions"] == first and page1["total"] == 100  # answered before the change
    after = get(emu, "/v1/workspaces/ws-100/sessions?limit=10").json()
    assert after["total"] == 103
    assert after["sessions"][3:] == first[:7]
    assert after["sessions"][0]["create_time"] > first[0]["create_time"]
    control(emu, "POST", "/faults", {"kind": "mutate", "workspace_id": "ws-100", "remove": 5})
    get(emu, "/v1/workspaces/ws-100/sessions?limit=1")
    gone = get(emu, "/v1/workspaces/ws-100/sessions?limit=10").json()
    assert gone["total"] == 98 and gone["sessions"][0] == first[2]


def test_fault_transition_with_created_session(emu):
    control(emu, "POST", "/faults", {"kind": "transition", "workspace_id": "ws-demo", "session_id": "new-session-1",
                                     "to": "RUNNING", "after": 2})
    assert control(emu, "GET", "/faults").json()["faults"][0]["kind"] == "transition"
    created = control(emu, "POST", "/workspaces/ws-demo/sessions",
                      {"session_id": "new-session-1", "status": "CREATING"})
    assert created.status == 201
    query = "/v1/workspaces/ws-demo/sessions?session_id=new-session-1"
    assert get(emu, query).json()["sessions"][0]["status"] == "CREATING"
    assert get(emu, query).json()["sessions"][0]["status"] == "CREATING"
    assert get(emu, query).json()["sessions"][0]["status"] == "RUNNING"
    head = get(emu, "/v1/workspaces/ws-demo/sessions?limit=1").json()
    assert head["total"] == 41 and head["sessions"][0]["session_id"] == "new-session-1"
    assert control(emu, "GET", "/faults").json() == {"faults": []}


def test_fault_validation_and_clear(emu):
    assert control(emu, "POST", "/faults", {"kind": "bogus"}).status == 400
    assert control(emu, "POST", "/faults", {"kind": "status"}).status == 400
    assert control(emu, "POST", "/faults", {"kind": "mutate", "add": 1}).status == 400
    control(emu, "POST", "/faults", [{"kind": "status", "status": 500}, {"kind": "drop"}])
    assert len(control(emu, "GET", "/faults").json()["faults"]) == 2
    control(emu, "DELETE", "/faults")
    assert get(emu, "/v1/workspaces/ws-one/sessions").status == 200


# ---------------------------------------------------------------------------
# control API, log, latency
# ---------------------------------------------------------------------------

def test_health_and_control_not_logged(emu):
    assert control(emu, "GET", "/health").json() == {"status": "ok"}
    assert control(emu, "GET", "/log").json() == {"requests": []}


def test_log_entries_and_redaction(emu):
    get(emu, "/v1/workspaces/ws-one/sessions?limit=5&x=a%20b&limit=6")
    signed_get(emu, "/v1/workspaces/ws-one/sessions", extra={"X-Security-Token": "temp-secret-token"})
    get(emu, "/v1/workspaces/ws-one/sessions", token="s3cret-wrong-token")
    log_resp = control(emu, "GET", "/log")
    text = log_resp.body.decode()
    for secret in (TOKEN, "temp-secret-token", "s3cret-wrong-token", SK):
        assert secret not in text
    entries = log_resp.json()["requests"]
    assert len(entries) == 3
    first, second, third = entries
    assert first["method"] == "GET" and first["path"] == "/v1/workspaces/ws-one/sessions"
    assert first["query"] == [["limit", "5"], ["x", "a b"], ["limit", "6"]]
    assert first["raw_query"] == "limit=5&x=a%20b&limit=6"
    assert first["status"] == 400 and first["auth"] == "token" and first["fault"] is None
    assert first["headers"]["X-Auth-Token"] == "REDACTED"
    assert isinstance(first["time"], float)
    assert second["auth"] == "aksk" and second["status"] == 200
    assert second["headers"]["X-Security-Token"] == "REDACTED"
    assert second["headers"]["Authorization"].endswith("Signature=REDACTED")
    assert "Access=EMULATORAK" in second["headers"]["Authorization"]
    assert third["status"] == 401
    control(emu, "DELETE", "/log")
    assert control(emu, "GET", "/log").json() == {"requests": []}


def test_latency(emu):
    assert control(emu, "POST", "/latency", {"ms": 150}).json() == {"ms": 150}
    start = time.monotonic()
    assert get(emu, "/v1/workspaces/ws-one/sessions").status == 200
    assert time.monotonic() - start >= 0.14
    control(emu, "POST", "/reset")
    start = time.monotonic()
    get(emu, "/v1/workspaces/ws-one/sessions")
    assert time.monotonic() - start < 0.14


def test_workspace_control(emu):
    assert control(emu, "PUT", "/workspaces/my-ws", {"count": 7}).json() == {"workspace_id": "my-ws", "count": 7}
    assert get(emu, "/v1/workspaces/my-ws/sessions").json()["total"] == 7
    sessions = [
        {"session_id": "older", "status": "CLOSED", "create_time": "2025-01-01T00:00:00.000+00:00",
         "endpoint_info": {"id": "ep-1", "name": "one"}, "extra_field": {"kept": True}},
        {"session_id": "newer", "status": "WEIRD", "create_time": "2025-02-01T00:00:00.000+00:00",
         "endpoint_info": {"id": "ep-1", "name": "one"}},
    ]
    control(emu, "PUT", "/workspaces/my-ws", {"sessions": sessions})
    body = get(emu, "/v1/workspaces/my-ws/sessions").json()
    assert [s["session_id"] for s in body["sessions"]] == ["newer", "older"]
    assert body["sessions"][1]["extra_field"] == {"kept": True}
    control(emu, "POST", "/workspaces/my-ws/sessions", {"session_id": "newest"})
    body = get(emu, "/v1/workspaces/my-ws/sessions").json()
    assert body["total"] == 3 and body["sessions"][0]["session_id"] == "newest"
    assert control(emu, "DELETE", "/workspaces/my-ws").status == 200
    assert get(emu, "/v1/workspaces/my-ws/sessions").status == 404
    assert control(emu, "PUT", "/workspaces/bad_id", {"count": 1}).status == 400
    assert control(emu, "GET", "/nope").status == 404


def test_reset_restores_seeded_data(emu):
    control(emu, "DELETE", "/workspaces/ws-one")
    control(emu, "POST", "/faults", {"kind": "status", "status": 500})
    assert control(emu, "POST", "/reset").status == 200
    assert get(emu, "/v1/workspaces/ws-one/sessions").json()["total"] == 1


# ---------------------------------------------------------------------------
# proxy-style requests
# ---------------------------------------------------------------------------

def test_absolute_form_target_logged_and_served(emu):
    target = "http://fabric.cn-north-4.myhuaweicloud.com/v1/workspaces/ws-one/sessions?limit=3"
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=5)
    try:
        conn.putrequest("GET", target, skip_host=True)
        conn.putheader("Host", "fabric.cn-north-4.myhuaweicloud.com")
        conn.putheader("X-Auth-Token", TOKEN)
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


def test_connect_405_logged(emu):
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=5)
    try:
        conn.putrequest("CONNECT", "fabric.cn-north-4.myhuaweicloud.com:443", skip_host=True)
        conn.putheader("Host", "fabric.cn-north-4.myhuaweicloud.com:443")
        conn.endheaders()
        resp = conn.getresponse()
        assert resp.status == 405
        assert REQUEST_ID_RE.match(resp.getheader("X-Request-Id"))
        resp.read()
    finally:
        conn.close()
    entry = emu.requests_log()[-1]
    assert entry["method"] == "CONNECT" and entry["status"] == 405
    assert entry["path"] == "fabric.cn-north-4.myhuaweicloud.com:443"


# ---------------------------------------------------------------------------
# process behaviour
# ---------------------------------------------------------------------------

def test_refuses_non_loopback():
    with pytest.raises(ValueError):
        fe.FabricEmulator(host="0.0.0.0")


def _wait_for_file(path, proc, deadline=10.0):
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


def _stop(proc):
    if proc.poll() is None:
        proc.kill()
        proc.wait()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_cli_port_file_and_clean_signal_exit(tmp_path, sig):
    port_file = str(tmp_path / "port")
    url_file = str(tmp_path / "url")
    command = [sys.executable, fe.__file__, "--port-file", port_file, "--url-file", url_file, "--lifetime", "60",
               "--token", "cli-token", "--workspace", "cli-ws=3"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        try:
            port = int(_wait_for_file(port_file, proc).strip())
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
            _stop(proc)


def test_cli_lifetime_expires(tmp_path):
    port_file = str(tmp_path / "port")
    command = [sys.executable, fe.__file__, "--port-file", port_file, "--lifetime", "0.3", "--quiet"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        try:
            out, err = proc.communicate(timeout=10)
        finally:
            _stop(proc)
    assert proc.returncode == 0, err
    assert out == b""


def test_cli_refuses_non_loopback():
    result = subprocess.run([sys.executable, fe.__file__, "--host", "0.0.0.0", "--lifetime", "1"],
                            capture_output=True, timeout=10, check=False)
    assert result.returncode == 2
    assert b"non-loopback" in result.stderr


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl command not available")
def test_https(tmp_path):
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
            conn.request("GET", "/v1/workspaces/ws-one/sessions", headers={"X-Auth-Token": TOKEN})
            resp = conn.getresponse()
            assert resp.status == 200 and json.loads(resp.read())["total"] == 1
        finally:
            conn.close()


# ---------------------------------------------------------------------------
# IAM token endpoint
# ---------------------------------------------------------------------------

IAM_USER = "emulator-user"
IAM_PASSWORD = "emulator-password"
IAM_DOMAIN = "emulator-domain"
IAM_401 = {"error": {"code": 401, "message": "The username or password is wrong.", "title": "Unauthorized"}}
IAM_TIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z\Z")


def iam_body(name=IAM_USER, password=IAM_PASSWORD, domain=IAM_DOMAIN, scope=None, methods=("password",)):
    return {"auth": {
        "identity": {"methods": list(methods),
                     "password": {"user": {"name": name, "password": password, "domain": {"name": domain}}}},
        "scope": {"project": {"id": "project-1"}} if scope is None else scope,
    }}


def iam_token(emulator, body=None, target="/v3/auth/tokens?nocatalog=true", **kwargs):
    payload = iam_body(**kwargs) if body is None else body
    return call(emulator, "POST", target, body=payload if isinstance(payload, (dict, list)) else payload,
                headers={"Content-Type": "application/json;charset=utf8"})


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
def test_iam_token_issued_and_accepted(emu, scope, expected):
    resp = iam_token(emu, scope=scope)
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
    assert get(emu, "/v1/workspaces/ws-one/sessions", token=token).status == 200
    again = iam_token(emu, scope=scope)
    assert again.header("X-Subject-Token") != token  # fresh each time
    assert control(emu, "GET", "/tokens").json() == {"issued": 2, "valid": 2}
    entry = emu.requests_log()[0]
    assert entry["method"] == "POST" and entry["path"] == "/v3/auth/tokens" and entry["auth"] == "iam"
    assert entry["query"] == [["nocatalog", "true"]] and entry["status"] == 201


@pytest.mark.parametrize("kwargs", [
    {"password": "wrong-password"},
    {"name": "nobody"},
    {"domain": "other-domain"},
    {"password": ""},
])
def test_iam_wrong_credentials_401(emu, kwargs):
    resp = iam_token(emu, **kwargs)
    assert resp.status == 401
    assert resp.json() == IAM_401
    assert resp.header("X-Subject-Token") is None
    assert emu.token_stats() == {"issued": 0, "valid": 0}


@pytest.mark.parametrize("body", [
    iam_body(scope={}),
    iam_body(scope={"project": {}}),
    iam_body(scope={"domain": {"name": IAM_DOMAIN}}),
    iam_body(scope={"project": {"id": ""}}),
    iam_body(methods=["token"]),
    iam_body(methods=[]),
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
def test_iam_malformed_400(emu, body):
    message = assert_iam_400(iam_token(emu, body=body))
    assert IAM_PASSWORD not in message


def test_iam_missing_scope_400_before_credentials(emu):
    body = iam_body(password="wrong-password")
    del body["auth"]["scope"]
    assert "scope" in assert_iam_400(iam_token(emu, body=body))


def test_iam_other_methods_405(emu):
    for method in ("GET", "PUT", "DELETE", "PATCH"):
        resp = call(emu, method, "/v3/auth/tokens")
        assert resp.status == 405 and resp.header("Allow") == "POST"
        assert resp.json()["error"]["code"] == 405
    assert call(emu, "POST", "/v3/auth/tokens/", body=iam_body()).status == 404


def test_iam_expire_via_control_api(emu):
    token = iam_token(emu).header("X-Subject-Token")
    assert get(emu, "/v1/workspaces/ws-one/sessions", token=token).status == 200
    stats = control(emu, "POST", "/tokens/expire").json()
    assert stats == {"issued": 1, "valid": 0, "expired": 1}
    resp = get(emu, "/v1/workspaces/ws-one/sessions", token=token)
    assert resp.status == 401
    assert resp.json() == {"error_code": "APIG.1002", "error_msg": "Incorrect token or token resolution failed"}
    fresh = iam_token(emu).header("X-Subject-Token")
    assert get(emu, "/v1/workspaces/ws-one/sessions", token=fresh).status == 200
    assert control(emu, "GET", "/tokens").json() == {"issued": 2, "valid": 1}
    assert get(emu, "/v1/workspaces/ws-one/sessions").status == 200  # configured tokens are unaffected
    emu.reset()
    assert emu.token_stats() == {"issued": 0, "valid": 0}
    assert get(emu, "/v1/workspaces/ws-one/sessions", token=fresh).status == 401


def test_iam_token_ttl_expires_on_its_own():
    clock = FakeClock()
    with fe.FabricEmulator(clock=clock, token_ttl=30, users=[("alice", "pw:with:colons", "acme")]) as emulator:
        resp = iam_token(emulator, name="alice", password="pw:with:colons", domain="acme")
        assert resp.status == 201
        body = resp.json()["token"]
        assert body["issued_at"] == "2025-11-13T02:13:20.000000Z"
        assert body["expires_at"] == "2025-11-13T02:13:50.000000Z"
        token = resp.header("X-Subject-Token")
        clock.now += 29
        assert get(emulator, "/v1/workspaces/ws-one/sessions", token=token).status == 200
        assert emulator.token_stats() == {"issued": 1, "valid": 1}
        clock.now += 1
        resp = get(emulator, "/v1/workspaces/ws-one/sessions", token=token)
        assert resp.status == 401 and resp.json()["error_code"] == "APIG.1002"
        assert emulator.token_stats() == {"issued": 1, "valid": 0}
        assert iam_token(emulator).json() == IAM_401  # the default user is replaced


def test_iam_log_redaction():
    secret = "S3cret-Passw0rd!"
    with fe.FabricEmulator(users=[("bob", secret, "acme")], verbose=False) as emulator:
        assert iam_token(emulator, name="bob", password=secret, domain="acme").status == 201
        assert iam_token(emulator, name="bob", password=secret + "x", domain="acme").status == 401
        assert iam_token(emulator, body='{"auth": {"identity": "%s"' % secret).status == 400
        text = call(emulator, "GET", "/_emulator/log").body.decode()
        assert secret not in text
        entries = json.loads(text)["requests"]
        assert [e["status"] for e in entries] == [201, 401, 400]
        assert all(e["auth"] == "iam" and e["body"] == "REDACTED" for e in entries)
        assert secret not in json.dumps(emulator.token_stats()) and secret not in json.dumps(emulator.faults())


def test_iam_fault_by_path_prefix(emu):
    control(emu, "POST", "/faults", {"kind": "status", "status": 500, "path_prefix": "/v3/"})
    # an unfiltered fault, queued later, does not hit the IAM endpoint
    control(emu, "POST", "/faults", {"kind": "status", "status": 503})
    assert get(emu, "/v1/workspaces/ws-one/sessions").status == 503
    resp = iam_token(emu)
    assert resp.status == 500 and resp.json()["error"]["code"] == 500
    assert emu.requests_log()[-1]["fault"] == "status"
    assert iam_token(emu).status == 201
    control(emu, "POST", "/faults", {"kind": "delay", "seconds": 0.6, "path": "/v3/auth/tokens"})
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=0.2)
    try:
        conn.request("POST", "/v3/auth/tokens", body=json.dumps(iam_body()))
        with pytest.raises(socket.timeout):
            conn.getresponse()
    finally:
        conn.close()
    assert control(emu, "POST", "/faults", {"kind": "drop", "path_prefix": ""}).status == 400


def test_cli_user_and_token_ttl(tmp_path):
    port_file = str(tmp_path / "port")
    secret = "cli:secret-pw"
    command = [sys.executable, fe.__file__, "--port-file", port_file, "--lifetime", "60", "--verbose",
               "--user", "cli-user:%s:cli-domain" % secret, "--token-ttl", "1.5"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        try:
            port = int(_wait_for_file(port_file, proc).strip())

            class Target(object):
                pass
            target = Target()
            target.port = port
            issued = time.monotonic()
            resp = iam_token(target, name="cli-user", password=secret, domain="cli-domain",
                             scope={"project": {"name": "cn-north-4"}})
            assert resp.status == 201
            body = resp.json()["token"]
            lifetime = (calendar.timegm(time.strptime(body["expires_at"][:19], "%Y-%m-%dT%H:%M:%S"))
                        + float("0." + body["expires_at"][20:26])
                        - calendar.timegm(time.strptime(body["issued_at"][:19], "%Y-%m-%dT%H:%M:%S"))
                        - float("0." + body["issued_at"][20:26]))
            assert abs(lifetime - 1.5) < 0.001
            token = resp.header("X-Subject-Token")
            status = get(target, "/v1/workspaces/ws-one/sessions", token=token).status
            if time.monotonic() - issued < 1.4:  # not checkable on a machine this slow
                assert status == 200
            time.sleep(max(0.0, 1.6 - (time.monotonic() - issued)))
            assert get(target, "/v1/workspaces/ws-one/sessions", token=token).status == 401
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=10)
            assert proc.returncode == 0
        finally:
            _stop(proc)
    assert secret.encode() not in out + err
    assert b"POST /v3/auth/tokens" in err


@pytest.mark.parametrize("value", ["nocolon", "name:pw", ":pw:dom", "name:pw:"])
def test_cli_bad_user_not_echoed(value):
    result = subprocess.run([sys.executable, fe.__file__, "--user", value, "--lifetime", "1"],
                            capture_output=True, timeout=10, check=False)
    assert result.returncode == 2
    assert b"NAME:PASSWORD:DOMAIN" in result.stderr
    assert b"pw" not in result.stderr
