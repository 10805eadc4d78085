# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""``GET /v1/workspaces/{workspace_id}/endpoints`` (ListEndpoints, sessions-api.md section 6): the endpoints of a
workspace, their query rules, visibility and paging.

A workspace's endpoints are, unless set through the control API, one RUNNING PRIVATE SQL endpoint of the caller
for every endpoint its sessions name; ``ws-demo`` adds the cases a client must survive: another owner's PUBLIC SQL
endpoint named like one of the caller's, an endpoint of another type with a SQL endpoint's name, another owner's
PRIVATE endpoint (never listed) and an INACTIVE SQL endpoint without sessions.
"""

from __future__ import annotations

import re
import typing as t
from urllib.parse import unquote

from .answers import ControlError, bad_request
from .data import BASE_EPOCH, ID_RE, DEMO_ENDPOINTS, WorkspaceStore, check_workspace_id, format_time
from .paging import record_start
from .sessions_api import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET, _int_param

Endpoint = t.Dict[str, t.Any]
CALLER = "emulator-user"  # the owner of the caller's endpoints (whoever authenticates)
ENDPOINT_TYPES = ("service", "ray", "inference", "job", "ray_service", "sql", "container_job", "notebook")
VISIBILITIES = ("PRIVATE", "PUBLIC", "ALL")
PARAMS = ("offset", "limit", "name", "type", "visibility", "endpoint_id", "model_id")
# The documented characters of the name filter: Chinese, letters, digits, _ and -.
NAME_FILTER_RE = re.compile(r"[\u4e00-\u9fa5A-Za-z0-9_-]+\Z")
_FIELD_ORDER = ("id", "name", "type", "status", "visibility", "description", "create_time", "update_time", "owner")


def endpoints_workspace(method: str, path: str) -> str | None:
    """The workspace id of an endpoints list path (any method but CONNECT), or None."""
    segments = path.split("/")
    if (method != "CONNECT" and len(segments) == 5 and segments[0] == "" and segments[1] == "v1"
            and segments[2] == "workspaces" and segments[4] == "endpoints"):
        return unquote(segments[3])
    return None


def make_endpoint(endpoint_id: str, name: str, kind: str = "sql", status: str = "RUNNING",
                  visibility: str = "PRIVATE", owner: str = CALLER, age_days: int = 30) -> Endpoint:
    return {"id": endpoint_id, "name": name, "type": kind, "status": status, "visibility": visibility,
            "description": "", "create_time": format_time(BASE_EPOCH - age_days * 86400),
            "update_time": format_time(BASE_EPOCH - 86400), "owner": owner}


DEMO_EXTRA = (
    make_endpoint("0d3e5a10-4444-4e2a-9c1d-000000000004", DEMO_ENDPOINTS[2]["name"], visibility="PUBLIC",
                  owner="another-team"),
    make_endpoint("0d3e5a10-5555-4e2a-9c1d-000000000005", DEMO_ENDPOINTS[0]["name"], kind="ray"),
    make_endpoint("0d3e5a10-6666-4e2a-9c1d-000000000006", "hidden-of-another-team", owner="another-team"),
    make_endpoint("0d3e5a10-7777-4e2a-9c1d-000000000007", "archive 2024", status="INACTIVE", age_days=400),
)


class EndpointStore:
    """The endpoints of each workspace: set through the control API, or derived from its sessions."""

    def __init__(self, sessions: WorkspaceStore) -> None:
        self.sessions = sessions
        self.explicit: dict[str, list[Endpoint]] = {}

    def reset(self) -> None:
        self.explicit = {}

    def put(self, ws_id: str, endpoints: t.Any) -> list[Endpoint]:
        check_workspace_id(ws_id)
        if not isinstance(endpoints, list) or not all(isinstance(entry, dict) for entry in endpoints):
            raise ControlError(400, "'endpoints' must be a list of objects")
        completed = []
        for index, entry in enumerate(endpoints):
            base = make_endpoint("e0000000-0000-4000-8000-%012d" % index, "endpoint-%d" % index)
            base.update(entry)
            completed.append({**{key: base.pop(key) for key in _FIELD_ORDER}, **base})
        self.explicit[ws_id] = completed
        return completed

    def of(self, ws_id: str) -> list[Endpoint] | None:
        """The endpoints of a workspace (every owner, every visibility), or None when there is no such workspace."""
        if ws_id in self.explicit:
            return self.explicit[ws_id]
        workspace = self.sessions.get(ws_id)
        if workspace is None:
            return None
        found: dict[str, Endpoint] = {}
        for session in workspace.sessions:
            info = session.get("endpoint_info")
            if isinstance(info, dict) and isinstance(info.get("id"), str) and info["id"] not in found:
                found[info["id"]] = make_endpoint(info["id"], str(info.get("name", "")), age_days=30 + len(found))
        listed = list(found.values())
        return listed + [dict(entry) for entry in DEMO_EXTRA] if ws_id == "ws-demo" else listed


def _visible(endpoint: Endpoint, visibility: str | None) -> bool:
    own = endpoint.get("owner") == CALLER
    public = endpoint.get("visibility") == "PUBLIC"
    if visibility is None:
        return own
    if visibility == "PRIVATE":
        return own and endpoint.get("visibility") == "PRIVATE"
    if visibility == "PUBLIC":
        return public
    return own or public


def _params(query: t.Iterable[tuple[str, str]]) -> dict[str, str]:
    params: dict[str, str] = {}
    for key, value in query:
        if key in PARAMS:
            if key in params:
                raise bad_request("reason: query parameter %s must not be repeated., cause: IllegalArgumentException" % key)
            params[key] = value
    return params


def _choice(params: dict[str, str], name: str, choices: tuple[str, ...]) -> str | None:
    value = params.get(name, "")
    if value == "":
        return None
    if value not in choices:
        raise bad_request("reason: %s: must be one of [%s], cause: ConstraintViolationException" % (name, ", ".join(choices)))
    return value


def list_endpoints(ws_id: str, query: t.Iterable[tuple[str, str]], store: EndpointStore, mode: str
                   ) -> tuple[list[Endpoint], int]:
    """The page and the total of one ListEndpoints request; an ApiError for a refused one, LookupError for a
    workspace that does not exist."""
    params = _params(query)
    if not ID_RE.match(ws_id):
        raise bad_request('reason: workspace_id: must match "^[a-zA-Z0-9-]{1,36}$", cause: ConstraintViolationException')
    name = params.get("name", "")
    if name and not NAME_FILTER_RE.match(name):
        raise bad_request("reason: name: must contain only Chinese characters, letters, digits, underscores and"
                          " hyphens, cause: ConstraintViolationException")
    kind = _choice(params, "type", ENDPOINT_TYPES)
    visibility = _choice(params, "visibility", VISIBILITIES)
    limit = _int_param(params, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = _int_param(params, "offset", 0, 0, MAX_OFFSET)
    endpoints = store.of(ws_id)
    if endpoints is None:
        raise LookupError(ws_id)
    matching = [entry for entry in endpoints if _visible(entry, visibility)
                and (not name or name.lower() in str(entry.get("name", "")).lower())
                and (kind is None or entry.get("type") == kind)
                and (not params.get("endpoint_id") or entry.get("id") == params["endpoint_id"])
                and (not params.get("model_id") or entry.get("model_id") == params["model_id"])]
    start = record_start(mode, offset, limit)
    return [dict(entry) for entry in matching[start:start + limit]], len(matching)
