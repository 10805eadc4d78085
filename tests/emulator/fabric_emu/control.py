# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The control API under ``/_emulator/``: JSON in and out, no authentication, never logged nor faulted."""

from __future__ import annotations

import json
import typing as t
from urllib.parse import unquote

from .answers import ControlError, Response, is_number, json_response

CONTROL_PREFIX = "/_emulator"


def is_control_path(path: str) -> bool:
    return path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")


def json_body(body: bytes) -> t.Any:
    if not body.strip():
        raise ControlError(400, "a JSON body is required")
    try:
        return json.loads(body.decode("utf-8"))
    except ValueError as exc:
        raise ControlError(400, "invalid JSON body: %s" % exc) from None


class ControlApi:
    """Routes a control call to the emulator's in-process methods."""

    def __init__(self, emulator: t.Any) -> None:
        self.emulator = emulator

    def respond(self, method: str, path: str, body: bytes) -> Response:
        try:
            return self._route(method, path[len(CONTROL_PREFIX):], body)
        except ControlError as err:
            return json_response(err.status, {"error_code": "emulator.%d" % err.status, "error_msg": err.message})

    def _route(self, method: str, sub: str, body: bytes) -> Response:
        emu = self.emulator
        parts = [unquote(p) for p in sub.strip("/").split("/")] if sub.strip("/") else []
        route = parts[0] if parts else ""
        if route == "health" and len(parts) == 1 and method == "GET":
            return json_response(200, {"status": "ok"})
        if route == "log" and len(parts) == 1:
            if method == "GET":
                return json_response(200, {"requests": emu.requests_log()})
            if method == "DELETE":
                emu.clear_log()
                return json_response(200, {"requests": []})
        elif route == "faults" and len(parts) == 1:
            if method == "GET":
                return json_response(200, {"faults": emu.faults()})
            if method == "POST":
                return json_response(200, {"queued": emu.add_faults(json_body(body)), "faults": emu.faults()})
            if method == "DELETE":
                emu.clear_faults()
                return json_response(200, {"faults": []})
        elif route == "latency" and len(parts) == 1:
            if method == "GET":
                return json_response(200, {"ms": emu.latency_ms})
            if method in ("POST", "PUT"):
                data = json_body(body)
                ms = data.get("ms") if isinstance(data, dict) else None
                if not is_number(ms) or ms < 0:
                    raise ControlError(400, "'ms' must be a number >= 0")
                emu.set_latency(ms)
                return json_response(200, {"ms": emu.latency_ms})
        elif route == "tokens" and len(parts) == 1:
            if method == "GET":
                return json_response(200, emu.token_stats())
        elif route == "tokens" and len(parts) == 2 and parts[1] == "expire":
            if method == "POST":
                expired = emu.expire_tokens()
                stats = emu.token_stats()
                stats["expired"] = expired
                return json_response(200, stats)
        elif route == "paging" and len(parts) == 1:
            if method == "GET":
                return json_response(200, {"offsets": emu.offsets})
            if method in ("POST", "PUT"):
                data = json_body(body)
                return json_response(200, {"offsets": emu.set_offsets(data.get("offsets") if isinstance(data, dict)
                                                                      else None)})
        elif route == "lifecycle" and len(parts) == 1 and method in ("GET", "POST"):
            return json_response(200, emu.configure_lifecycle(json_body(body) if method == "POST" else None))
        elif route == "reset" and len(parts) == 1 and method == "POST":
            emu.reset()
            return json_response(200, {"status": "reset"})
        elif route == "workspaces":
            return self._workspaces(method, parts[1:], body)
        else:
            raise ControlError(404, "no such control endpoint: %s" % (CONTROL_PREFIX + sub))
        raise ControlError(405, "method %s not allowed on %s" % (method, CONTROL_PREFIX + sub))

    def _workspaces(self, method: str, parts: list[str], body: bytes) -> Response:
        emu = self.emulator
        if not parts:
            if method == "GET":
                return json_response(200, {"workspaces": emu.workspace_counts()})
            raise ControlError(405, "method %s not allowed" % method)
        ws_id = parts[0]
        if len(parts) == 1:
            if method == "GET":
                sessions = emu.sessions(ws_id)
                if sessions is None:
                    raise ControlError(404, "no such workspace: %s" % ws_id)
                return json_response(200, {"workspace_id": ws_id, "sessions": sessions, "total": len(sessions)})
            if method == "PUT":
                data = json_body(body)
                if not isinstance(data, dict) or ("count" in data) == ("sessions" in data):
                    raise ControlError(400, "expected {\"count\": N} or {\"sessions\": [...]}")
                count = emu.put_workspace(ws_id, count=data.get("count"), sessions=data.get("sessions"))
                return json_response(200, {"workspace_id": ws_id, "count": count})
            if method == "DELETE":
                if not emu.delete_workspace(ws_id):
                    raise ControlError(404, "no such workspace: %s" % ws_id)
                return json_response(200, {"workspace_id": ws_id, "deleted": True})
            raise ControlError(405, "method %s not allowed" % method)
        if len(parts) == 2 and parts[1] == "endpoints":
            if method == "GET":
                endpoints = emu.endpoints(ws_id)
                if endpoints is None:
                    raise ControlError(404, "no such workspace: %s" % ws_id)
                return json_response(200, {"workspace_id": ws_id, "endpoints": endpoints})
            if method == "PUT":
                data = json_body(body)
                if not isinstance(data, dict) or "endpoints" not in data:
                    raise ControlError(400, "expected {\"endpoints\": [...]}")
                return json_response(200, {"workspace_id": ws_id, "endpoints": emu.put_endpoints(ws_id, data["endpoints"])})
            raise ControlError(405, "method %s not allowed" % method)
        if len(parts) == 2 and parts[1] == "sessions":
            if method == "POST":
                session = emu.add_session(ws_id, json_body(body))
                return json_response(201, {"workspace_id": ws_id, "session": session})
            raise ControlError(405, "method %s not allowed" % method)
        raise ControlError(404, "no such control endpoint")
