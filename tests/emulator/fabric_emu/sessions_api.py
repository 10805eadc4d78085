# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""``GET /v1/workspaces/{workspace_id}/sessions``: the query rules and the page."""

from __future__ import annotations

import re
import typing as t
from urllib.parse import unquote

from .answers import TYPE_MISMATCH, bad_request, json_bytes
from .data import ID_RE, STATUSES, Session

LIST_PARAMS = ("limit", "offset", "status", "endpoint_id", "session_id")
FILTER_PARAMS = ("status", "endpoint_id", "session_id")
INT_RE = re.compile(r"[+-]?[0-9]+\Z", re.ASCII)
INT32_MAX = 2 ** 31 - 1
DEFAULT_LIMIT = 10
MAX_LIMIT = 100
MAX_OFFSET = 1000000000
_ID_RULE = '"^[a-zA-Z0-9-]{1,36}$"'


def list_workspace(method: str, path: str) -> str | None:
    """The workspace id of a sessions list path (any method but CONNECT), or None."""
    segments = path.split("/")
    if (method != "CONNECT" and len(segments) == 5 and segments[0] == "" and segments[1] == "v1"
            and segments[2] == "workspaces" and segments[4] == "sessions"):
        return unquote(segments[3])
    return None


def collect_params(query: t.Iterable[tuple[str, str]]) -> dict[str, str]:
    """The known parameters; a repeated one is a 400, unknown ones are ignored."""
    params: dict[str, str] = {}
    for key, value in query:
        if key in LIST_PARAMS:
            if key in params:
                raise bad_request("reason: query parameter %s must not be repeated., cause: IllegalArgumentException" % key)
            params[key] = value
    return params


class ListRequest:
    __slots__ = ("endpoint_id", "status", "session_id", "limit", "offset")

    def __init__(self, ws_id: str, params: dict[str, str]) -> None:
        if not ID_RE.match(ws_id):
            raise bad_request("reason: workspace_id: must match %s, cause: ConstraintViolationException" % _ID_RULE)
        self.endpoint_id = _id_param(params, "endpoint_id")
        self.session_id = _id_param(params, "session_id")
        status: str | None = params.get("status", "")
        if status == "":
            status = None
        elif status not in STATUSES:
            raise bad_request("reason: status: must be one of [%s], cause: ConstraintViolationException" % ", ".join(STATUSES))
        self.status = status
        self.limit = _int_param(params, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
        self.offset = _int_param(params, "offset", 0, 0, MAX_OFFSET)


def _id_param(params: dict[str, str], name: str) -> str | None:
    value = params.get(name, "")
    if value == "":
        return None
    if not ID_RE.match(value):
        raise bad_request("reason: %s: must match %s, cause: ConstraintViolationException" % (name, _ID_RULE))
    return value


def _int_param(params: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name, "")
    if raw == "":
        return default
    if not INT_RE.match(raw):
        raise bad_request(TYPE_MISMATCH)
    value = int(raw)
    if value > INT32_MAX or value < -INT32_MAX - 1:
        raise bad_request(TYPE_MISMATCH)
    if value < low:
        raise bad_request("reason: %s: must be greater than or equal to %d, cause: ConstraintViolationException" % (name, low))
    if value > high:
        raise bad_request("reason: %s: must be less than or equal to %d, cause: ConstraintViolationException" % (name, high))
    return value


class Page:
    """The answer to one list request; faults may change ``sessions``, ``total`` or the whole ``body``."""

    __slots__ = ("ws_id", "matches", "offset", "limit", "sessions", "total", "body")

    def __init__(self, ws_id: str, matches: list[Session], offset: int, limit: int) -> None:
        self.ws_id = ws_id
        self.matches = matches
        self.offset = offset
        self.limit = limit
        self.sessions = matches[offset:offset + limit]
        self.total = len(matches)
        self.body: bytes | None = None

    def encode(self) -> bytes:
        if self.body is not None:
            return self.body
        return json_bytes({"sessions": self.sessions, "total": self.total})
