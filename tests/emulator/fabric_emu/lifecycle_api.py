# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Show, close and create a session: ``GET``/``DELETE /v1/workspaces/{ws}/sessions/{id}`` and ``POST
/v1/workspaces/{ws}/sessions``, and the life of a created session.

A creation is CREATING (WAITING while the workspace runs ``session_limit`` sessions, refused past
``queue_limit`` waiting ones) and ends RUNNING, or FAIL on an endpoint of ``fail_endpoints``, after
``creation_reads`` reads of its workspace (lists or shows). Without the body's ``wait_timeout`` the creation is
synchronous, as the vendor documents it: it ends before the answer. One workspace plays one account.
Not thread-safe on its own: the emulator calls it with its lock held.
"""

from __future__ import annotations

import json
import os
import re
import typing as t
from urllib.parse import unquote

from .answers import METHOD_NOT_ALLOWED, STATUS_BODIES, ApiError, ControlError, Response, bad_request, is_int, json_response
from .data import ID_RE, Session, WorkspaceStore, format_time, uuid_from_bits
from .exchange import Exchange

DEFAULTS: dict[str, t.Any] = {
    "creation_reads": 2,  # reads of the workspace before a creation ends
    "fail_endpoints": [],  # endpoint ids whose creations end FAIL
    "closed_answer": "ok",  # closing a CLOSED session: "ok" (200) or "error" (400)
    "create_answer": "short",  # "short": {session_id, status}; "full": the whole session
    "session_limit": 500,  # RUNNING and CREATING sessions per workspace (account)
    "queue_limit": 1000,  # WAITING creations per workspace (account)
}
INSTANCE_RE = re.compile(r"[A-Za-z0-9-]{1,64}\Z", re.ASCII)
CATALOG_RE = re.compile(r"[A-Za-z0-9_-]{1,255}\Z", re.ASCII)
ACTIVE = ("RUNNING", "CREATING")
ALLOW_SESSION = "GET, DELETE"
ALLOW_LIST = "GET, POST"


def session_target(path: str) -> tuple[str, str] | None:
    """(workspace id, session id) of a one-session path, or None."""
    segments = path.split("/")
    if (len(segments) == 6 and segments[0] == "" and segments[1] == "v1" and segments[2] == "workspaces"
            and segments[4] == "sessions" and segments[5]):  # a trailing "/" is no session: 404
        return unquote(segments[3]), unquote(segments[5])
    return None


def _check_id(name: str, value: str) -> str:
    if not ID_RE.match(value):
        raise bad_request('reason: %s: must match "^[a-zA-Z0-9-]{1,36}$", cause: ConstraintViolationException' % name)
    return value


class Lifecycle:
    def __init__(self, clock: t.Callable[[], float]) -> None:
        self.clock = clock
        self.reset()

    def reset(self) -> None:
        self.settings = json.loads(json.dumps(DEFAULTS))
        self.pending: dict[tuple[str, str], int] = {}  # creations not ended: reads left

    def configure(self, data: t.Any) -> dict[str, t.Any]:
        if not isinstance(data, dict) or any(key not in DEFAULTS for key in data):
            raise ControlError(400, "lifecycle settings are an object with keys among %s" % ", ".join(DEFAULTS))
        for key in ("creation_reads", "session_limit", "queue_limit"):
            if key in data and (not is_int(data[key]) or data[key] < 0):
                raise ControlError(400, "'%s' must be an integer >= 0" % key)
        if "fail_endpoints" in data and not (isinstance(data["fail_endpoints"], list)
                                             and all(isinstance(e, str) for e in data["fail_endpoints"])):
            raise ControlError(400, "'fail_endpoints' must be a list of endpoint ids")
        for key, choices in (("closed_answer", ("ok", "error")), ("create_answer", ("short", "full"))):
            if key in data and data[key] not in choices:
                raise ControlError(400, "'%s' must be one of %s" % (key, ", ".join(choices)))
        self.settings.update(data)
        return dict(self.settings)

    def route(self, exchange: Exchange) -> str | None:
        """'show', 'close' or 'create' for a lifecycle request; None for any other. A method the path does not
        take is a 405."""
        if session_target(exchange.path) is not None:
            if exchange.method == "GET":
                return "show"
            if exchange.method == "DELETE":
                return "close"
            raise ApiError(405, METHOD_NOT_ALLOWED)
        if exchange.ws_id is not None and exchange.method == "POST":
            return "create"
        return None

    def respond(self, route: str, exchange: Exchange, store: WorkspaceStore) -> Response:
        if route == "create":
            return self._create(t.cast(str, exchange.ws_id), exchange.body, store)
        ws_id, session_id = t.cast(t.Tuple[str, str], session_target(exchange.path))
        _check_id("workspace_id", ws_id)
        _check_id("session_id", session_id)
        if store.get(ws_id) is None:
            raise ApiError(404, STATUS_BODIES[404])
        if route == "show":
            self.tick(store, ws_id)
        session = _find(store, ws_id, session_id)
        if session is None:
            raise ApiError(404, STATUS_BODIES[404])
        if route == "show":
            return json_response(200, {"session_id": session["session_id"], "status": session.get("status")})
        if session.get("status") == "CLOSED" and self.settings["closed_answer"] == "error":
            raise bad_request("reason: session %s is already closed, cause: IllegalStateException" % session_id)
        store.set_status(ws_id, session_id, "CLOSED")
        self.pending.pop((ws_id, session_id), None)
        return Response(200, b"")

    def tick(self, store: WorkspaceStore, ws_id: str) -> None:
        """One read of the workspace: waiting creations start where there is room, started ones move on."""
        ws = store.get(ws_id)
        if ws is None:
            return
        for key in [key for key in self.pending if key[0] == ws_id]:
            session = _find(store, ws_id, key[1])
            status = session.get("status") if session is not None else None
            if status == "WAITING" and _count(store, ws_id, ACTIVE) < self.settings["session_limit"]:
                store.set_status(ws_id, key[1], "CREATING")
            elif status == "CREATING":
                self.pending[key] -= 1
                if self.pending[key] <= 0:
                    store.set_status(ws_id, key[1], self._end_status(_endpoint_of(t.cast(Session, session))))
                    del self.pending[key]
            elif status != "WAITING":  # closed, or changed through the control API
                del self.pending[key]

    def _end_status(self, endpoint_id: t.Any) -> str:
        return "FAIL" if endpoint_id in self.settings["fail_endpoints"] else "RUNNING"

    def _create(self, ws_id: str, raw: bytes, store: WorkspaceStore) -> Response:
        _check_id("workspace_id", ws_id)
        body = _create_body(raw)
        ws = store.get(ws_id)
        if ws is None:
            raise ApiError(404, STATUS_BODIES[404])
        status = "CREATING"
        if _count(store, ws_id, ACTIVE) >= self.settings["session_limit"]:
            if _count(store, ws_id, ("WAITING",)) >= self.settings["queue_limit"]:
                raise bad_request("reason: the account runs %d sessions and queues %d creations, the most it may,"
                                  " cause: SessionQuotaExceededException"
                                  % (self.settings["session_limit"], self.settings["queue_limit"]))
            status = "WAITING"
        endpoint_id = body["endpoint_id"]
        if status == "CREATING" and "wait_timeout" not in body:
            status = self._end_status(endpoint_id)  # documented as synchronous: ended before the answer
        session = store.add_session(ws_id, {
            "session_id": uuid_from_bits(int.from_bytes(os.urandom(16), "big")),
            "status": status,
            "create_time": format_time(int(self.clock())),
            "endpoint_info": {"id": endpoint_id, "name": _endpoint_name(ws.sessions, endpoint_id)},
        })
        if status in ("CREATING", "WAITING"):
            self.pending[(ws_id, session["session_id"])] = self.settings["creation_reads"]
        if self.settings["create_answer"] == "full":
            return json_response(200, session)
        return json_response(200, {"session_id": session["session_id"], "status": session["status"]})


def _create_body(raw: bytes) -> dict[str, t.Any]:
    try:
        body = json.loads(raw.decode("utf-8"))
    except ValueError:
        raise bad_request("reason: the request body is not JSON, cause: HttpMessageNotReadableException") from None
    if not isinstance(body, dict):
        raise bad_request("reason: the request body must be an object, cause: HttpMessageNotReadableException")
    endpoint_id = body.get("endpoint_id")
    if not isinstance(endpoint_id, str):
        raise bad_request("reason: endpoint_id: must not be null, cause: ConstraintViolationException")
    _check_id("endpoint_id", endpoint_id)
    config = body.get("lake_formation_config")
    if not isinstance(config, dict):
        raise bad_request("reason: lake_formation_config: must not be null, cause: ConstraintViolationException")
    for key, pattern, rule in (("instance_id", INSTANCE_RE, "^[a-zA-Z0-9-]{1,64}$"),
                               ("catalog", CATALOG_RE, "^[a-zA-Z0-9_-]{1,255}$")):
        value = config.get(key)
        if not isinstance(value, str) or not pattern.match(value):
            raise bad_request('reason: lake_formation_config.%s: must match "%s", cause: ConstraintViolationException'
                              % (key, rule))
    wait = body.get("wait_timeout")
    if "wait_timeout" in body and (not is_int(wait) or not 300 <= wait <= 7200):
        raise bad_request("reason: wait_timeout: must be between 300 and 7200, cause: ConstraintViolationException")
    return body


def _find(store: WorkspaceStore, ws_id: str, session_id: str) -> Session | None:
    ws = store.get(ws_id)
    for session in ws.sessions if ws is not None else ():
        if session.get("session_id") == session_id:
            return session
    return None


def _count(store: WorkspaceStore, ws_id: str, statuses: tuple[str, ...]) -> int:
    ws = store.get(ws_id)
    return sum(1 for session in (ws.sessions if ws is not None else ()) if session.get("status") in statuses)


def _endpoint_of(session: Session) -> t.Any:
    info = session.get("endpoint_info")
    return info.get("id") if isinstance(info, dict) else None


def _endpoint_name(sessions: list[Session], endpoint_id: str) -> str:
    for session in sessions:
        info = session.get("endpoint_info")
        if isinstance(info, dict) and info.get("id") == endpoint_id and isinstance(info.get("name"), str):
            return t.cast(str, info["name"])
    return "emulator-endpoint"
