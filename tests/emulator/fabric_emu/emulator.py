# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The emulator: its lifecycle, its state (also the in-process control API) and the path of an API request."""

from __future__ import annotations

import ssl
import sys
import threading
import time
import typing as t
from urllib.parse import parse_qsl

from .answers import METHOD_NOT_ALLOWED, STATUS_BODIES, ApiError, Response, json_response, new_request_id, signature_refused
from .control import ControlApi, is_control_path
from .data import Session, WorkspaceStore
from .endpoints_api import EndpointStore, endpoints_workspace
from .listing_state import ListingState
from .exchange import Exchange
from .faults import Fault, FaultQueue
from .paging import check_mode, record_start
from .lifecycle_api import ALLOW_LIST, ALLOW_SESSION, Lifecycle
from .iam import DEFAULT_TOKEN_TTL, DEFAULT_USER, IAM_TOKENS_PATH, PasswordLogin, TokenStore, normalize_users
from .proxy import ProxyGate, refusal, split_target
from .requests_log import RequestLog, new_entry
from .server import Handler, Server, check_loopback
from .sessions_api import ListRequest, Page, collect_params, list_workspace
from .signing import SignatureError, Verifier

DEFAULT_TOKEN = "emulator-token"
DEFAULT_ACCESS_KEY = "EMULATORAK"
DEFAULT_SECRET_KEY = "EMULATORSK"


class FabricEmulator(ListingState):
    """The emulator: ``start()`` serves in a background thread and returns the base URL."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, tokens: t.Iterable[str] = (DEFAULT_TOKEN,),
                 forbidden_tokens: t.Iterable[str] = (), access_key: str | None = DEFAULT_ACCESS_KEY,
                 secret_key: str | None = DEFAULT_SECRET_KEY, credentials: dict[str, str] | None = None,
                 project_id: str | None = None, security_tokens: t.Iterable[str] | None = None,
                 latency_ms: float = 0, seed: t.Any = 0, workspaces: dict[str, int] | None = None,
                 certfile: str | None = None, keyfile: str | None = None, lifetime: float | None = None,
                 verbose: bool = False, log_limit: int = 100000, clock: t.Callable[[], float] | None = None,
                 users: t.Iterable[t.Any] | None = (DEFAULT_USER,), token_ttl: float = DEFAULT_TOKEN_TTL,
                 proxy_credentials: tuple[str, str] | None = None, offsets: str = "records") -> None:
        check_loopback(host)
        if not isinstance(token_ttl, (int, float)) or isinstance(token_ttl, bool) or token_ttl <= 0:
            raise ValueError("token_ttl must be a number of seconds > 0")
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
        self.clock = clock or time.time
        self.lifetime = lifetime
        self.certfile = certfile
        self.keyfile = keyfile
        self.token_ttl = float(token_ttl)
        self.proxy_gate = ProxyGate(proxy_credentials)
        self._initial_latency_ms = float(latency_ms or 0)
        self.latency_ms = self._initial_latency_ms
        self._store = WorkspaceStore(seed, workspaces)
        self._endpoints = EndpointStore(self._store)
        self._initial_offsets = self.offsets = check_mode(offsets)  # what the offset of a list request counts
        self._faults = FaultQueue()
        self._log = RequestLog(log_limit)
        self._issued = TokenStore(self.token_ttl, self._now)
        self._login = PasswordLogin(normalize_users((DEFAULT_USER,) if users is None else users), self._issued,
                                    project_id)
        self._verifier = Verifier(self.credentials, project_id, self.security_tokens, self._now)
        self._control = ControlApi(self)
        self._lifecycle = Lifecycle(self._now)
        self._lock = threading.RLock()
        self.stopping = threading.Event()
        self.stopped = threading.Event()
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._timer: threading.Timer | None = None
        self.port: int | None = None
        self.url: str | None = None

    def _now(self) -> float:
        return self.clock()

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> str:
        if self._server is not None:
            return t.cast(str, self.url)
        context = None
        if self.certfile:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(self.certfile, self.keyfile)
        self._server = Server((self.host, self._requested_port), Handler, self, context)
        self.port = self._server.server_address[1]
        host = self.host if ":" not in self.host else "[%s]" % self.host
        self.url = "%s://%s:%d" % ("https" if context else "http", host, self.port)
        self.stopping.clear()
        self.stopped.clear()
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fabric-emulator", daemon=True)
        self._thread.start()
        if self.lifetime:
            self._timer = threading.Timer(float(self.lifetime), self.stop)
            self._timer.daemon = True
            self._timer.start()
        return self.url

    def stop(self) -> None:
        server = self._server
        if server is None:
            return
        self._server = None
        self.stopping.set()
        if self._timer is not None and self._timer is not threading.current_thread():
            self._timer.cancel()
        server.shutdown()
        server.server_close()
        server.close_open_sockets()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(5)
        self.stopped.set()

    def __enter__(self) -> FabricEmulator:
        self.start()
        return self

    def __exit__(self, *exc: t.Any) -> bool:
        self.stop()
        return False

    # -- state (also the in-process control API) -----------------------------------------------

    def reset(self) -> None:
        """Seeded data back; faults, log, latency, issued tokens, endpoints, offsets and lifecycle settings as at start."""
        with self._lock:
            self._store.reset()
            self._endpoints.reset()
            self.offsets = self._initial_offsets
            self._faults.clear()
            self._log.clear()
            self.latency_ms = self._initial_latency_ms
            self._issued.reset()
            self._lifecycle.reset()

    def expire_tokens(self) -> int:
        """Expire every token issued so far; returns how many were still valid."""
        return self._issued.expire_all()

    def token_stats(self) -> dict[str, int]:
        """``{"issued": N, "valid": M}``: tokens issued since the start (or reset), and still valid."""
        return self._issued.stats()

    def workspace_ids(self) -> list[str]:
        with self._lock:
            return self._store.ids()

    def workspace_counts(self) -> list[dict[str, t.Any]]:
        with self._lock:
            return [{"workspace_id": ws_id, "count": self._store.count(ws_id)} for ws_id in self._store.ids()]

    def sessions(self, ws_id: str) -> list[Session] | None:
        """A copy of a workspace's sessions (newest first), or None."""
        with self._lock:
            ws = self._store.get(ws_id)
            return None if ws is None else [dict(s) for s in ws.sessions]

    def put_workspace(self, ws_id: str, count: int | None = None, sessions: list[t.Any] | None = None) -> int:
        with self._lock:
            return self._store.put(ws_id, count=count, sessions=sessions)

    def delete_workspace(self, ws_id: str) -> bool:
        with self._lock:
            return self._store.delete(ws_id)

    def add_session(self, ws_id: str, session: t.Any) -> Session:
        """Insert one session at the head of a workspace (created if missing)."""
        with self._lock:
            added = self._store.add_session(ws_id, session)
            self._faults.apply_transitions(self._store, ws_id)
            return dict(added)

    def add_faults(self, faults: t.Any) -> list[dict[str, t.Any]]:
        """Queue one fault (dict) or several (list); returns the queued faults."""
        with self._lock:
            return self._faults.add(faults, self._store)

    def add_fault(self, **fault: t.Any) -> dict[str, t.Any]:
        return self.add_faults([fault])[0]

    def faults(self) -> list[dict[str, t.Any]]:
        with self._lock:
            return self._faults.specs()

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def requests_log(self) -> list[dict[str, t.Any]]:
        return self._log.entries()

    def clear_log(self) -> None:
        self._log.clear()

    def set_latency(self, ms: float) -> None:
        self.latency_ms = float(ms)

    def configure_lifecycle(self, settings: dict[str, t.Any] | None = None) -> dict[str, t.Any]:
        """Change how show, close and create answer (lifecycle_api.DEFAULTS); returns every setting."""
        with self._lock:
            return self._lifecycle.configure({} if settings is None else settings)

    # -- one request ---------------------------------------------------------------------------

    def dispatch(self, handler: Handler) -> None:
        request_id = new_request_id()
        method = handler.command
        path, raw_query, proxy_url = split_target(method, handler.path)
        try:
            body = handler.read_body()
        except ValueError:
            handler.close_connection = True
            handler.write_response(json_response(400, STATUS_BODIES[400]), request_id)
            return
        proxy_auth = None
        if self.proxy_gate.required and (proxy_url is not None or method == "CONNECT"):
            proxy_auth = self.proxy_gate.check(handler.headers.get("Proxy-Authorization"))
        if method != "CONNECT" and is_control_path(path):
            resp = refusal() if proxy_auth not in (None, "ok") else self._control.respond(method, path, body)
            handler.write_response(resp, request_id, head=method == "HEAD")
            return
        query = parse_qsl(raw_query, keep_blank_values=True)
        entry = new_entry(method, path, raw_query, query, handler.headers, proxy_url, proxy_auth)
        entry["request_id"] = request_id
        is_iam = method != "CONNECT" and path == IAM_TOKENS_PATH
        if is_iam:
            # The body holds the password: never logged.
            entry["auth"] = "iam"
            entry["body"] = "REDACTED"
        self._log.append(entry)
        if proxy_auth not in (None, "ok"):
            entry["status"] = 407
            handler.write_response(refusal(), request_id, head=method == "HEAD")
            return
        exchange = Exchange(method, path, raw_query, query, handler.headers, body, list_workspace(method, path), is_iam,
                            proxy_url, entry, self._issued)
        self._serve(handler, exchange, request_id)

    def _sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.stopping.wait(seconds)

    def _serve(self, handler: Handler, exchange: Exchange, request_id: str) -> None:
        fault = None
        if exchange.method != "CONNECT":
            with self._lock:
                fault = self._faults.take(exchange.ws_id, exchange.path, exchange.is_iam)
        if fault is not None:
            exchange.entry["fault"] = fault.kind
        if self.latency_ms:
            self._sleep(self.latency_ms / 1000.0)
        if fault is not None:
            self._sleep(fault.delay_seconds())
        resp = fault.respond(exchange) if fault is not None else None
        if resp is not None and resp.drop:
            handler.drop_connection()
            return
        if resp is None:
            if exchange.is_iam:
                resp = self._login.answer(exchange.method, exchange.body, fault.shape_iam_token if fault else None)
            else:
                resp = self._api_response(exchange, fault)
        if fault is not None:
            fault.finish(exchange, resp)
        if exchange.method == "CONNECT":
            handler.close_connection = True
        # The answer is computed: apply what happens "after" it now, before the
        # client can see it and send its next request.
        with self._lock:
            if fault is not None:
                fault.after_answer(self._store)
            if resp.status == 200 and exchange.ws_id is not None and exchange.method == "GET":
                self._faults.count_list_answer(self._store, exchange.ws_id)
            exchange.entry["status"] = resp.status
        handler.write_response(resp, request_id, head=exchange.method == "HEAD", entry=exchange.entry)

    def _api_response(self, exchange: Exchange, fault: Fault | None) -> Response:
        try:
            if exchange.method == "CONNECT":
                raise ApiError(405, METHOD_NOT_ALLOWED)
            endpoints_ws = endpoints_workspace(exchange.method, exchange.path)
            route = self._lifecycle.route(exchange) if endpoints_ws is None else None
            if route is None and exchange.ws_id is None and endpoints_ws is None:
                raise ApiError(404, STATUS_BODIES[404])
            if route is None and exchange.method != "GET":
                raise ApiError(405, METHOD_NOT_ALLOWED)
            self._authenticate(exchange)
            if endpoints_ws is not None:
                return self._list_endpoints(endpoints_ws, exchange.query)
            if route is not None:
                with self._lock:
                    return self._lifecycle.respond(route, exchange, self._store)
            return Response(200, self._list(exchange.ws_id, exchange.query, fault).encode())
        except ApiError as err:
            allow = ALLOW_SESSION if exchange.ws_id is None else ALLOW_LIST
            headers = [("Allow", allow)] if err.status == 405 else None
            return json_response(err.status, err.body, headers)

    def _authenticate(self, exchange: Exchange) -> None:
        headers = exchange.headers
        token = headers.get("X-Auth-Token")
        if token is not None:
            token = token.strip()
            if token in self.forbidden_tokens:
                raise ApiError(403, STATUS_BODIES[403])
            if token and (token in self.tokens or self._issued.is_valid(token)):
                return
            raise ApiError(401, STATUS_BODIES[401])
        authorization = headers.get("Authorization")
        if authorization is None:
            raise ApiError(401, STATUS_BODIES[401])
        try:
            self._verifier.verify(exchange.method, exchange.path, exchange.query, headers.items(), exchange.body,
                                  authorization.strip())
        except SignatureError as err:
            if self.verbose and err.canonical is not None:
                sys.stderr.write("canonical request:\n%s\n" % err.canonical)
            raise signature_refused(err.reason) from None

    def _list(self, ws_id: str, query: list[tuple[str, str]], fault: Fault | None) -> Page:
        params = collect_params(query)
        if fault is not None:
            params = fault.list_params(params)
        request = ListRequest(ws_id, params)
        with self._lock:
            ws = self._store.get(ws_id)
            if ws is None:
                raise ApiError(404, STATUS_BODIES[404])
            self._faults.apply_transitions(self._store, ws_id)
            self._lifecycle.tick(self._store, ws_id)
            matches = ws.matching(request.endpoint_id, request.status, request.session_id)
        page = Page(ws_id, matches, record_start(self.offsets, request.offset, request.limit), request.limit)
        if fault is not None:
            fault.shape_page(page)
        return page
