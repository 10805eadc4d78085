# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Faults of the sessions page: ``lie_total``, ``endless``, ``page_cap``, ``long_page``, ``ignore_filters``,
``nested``. They apply after authentication and validation, to a list request that would answer 200."""

from __future__ import annotations

import hashlib
import typing as t

from ..answers import Response, json_bytes
from ..data import BASE_EPOCH, STATUSES, Session, format_time, uuid_from_bits
from ..exchange import Exchange
from ..sessions_api import FILTER_PARAMS, Page
from .base import Fault, Fields, register

MAX_EXTRA = 100000
MAX_DEPTH = 10000000
_NESTED_MARK = "fabric-emulator:nested-value"
_ENDLESS_ENDPOINT = {"id": "e0d1e55e-0000-4000-8000-000000000000", "name": "endless"}


def made_up_session(ws_id: str, index: int) -> Session:
    """A valid session for record ``index``, the same for the same index, unique per index."""
    digest = hashlib.sha256(("fabric-emulator:endless:%s:%d" % (ws_id, index)).encode("ascii")).hexdigest()
    return {
        "session_id": uuid_from_bits(int(digest[:32], 16)),
        "status": STATUSES[index % len(STATUSES)],
        "create_time": format_time(BASE_EPOCH - index),
        "endpoint_info": dict(_ENDLESS_ENDPOINT),
    }


@register
class LieTotalFault(Fault):
    """The page as usual, but ``total`` is ``total``."""

    kind = "lie_total"

    def parse(self, fields: Fields) -> dict[str, t.Any]:
        return {"total": fields.integer("total", None, -(2 ** 63), 2 ** 63)}

    def shape_page(self, page: Page) -> None:
        page.total = self.spec["total"]


@register
class EndlessFault(Fault):
    """A list that grows while it is read: every page full, ``total`` always two pages ahead."""

    kind = "endless"

    def shape_page(self, page: Page) -> None:
        page.sessions = [made_up_session(page.ws_id, page.offset + i) for i in range(page.limit)]
        page.total = page.offset + 2 * page.limit


@register
class PageCapFault(Fault):
    """At most ``max`` sessions per page whatever ``limit`` asks, like a gateway with a smaller page size."""

    kind = "page_cap"

    def parse(self, fields: Fields) -> dict[str, t.Any]:
        return {"max": fields.integer("max", None, 0)}

    def shape_page(self, page: Page) -> None:
        page.sessions = page.matches[page.offset:page.offset + min(page.limit, self.spec["max"])]


@register
class LongPageFault(Fault):
    """``limit + extra`` sessions, the following records included."""

    kind = "long_page"

    def parse(self, fields: Fields) -> dict[str, t.Any]:
        return {"extra": fields.integer("extra", None, 1, MAX_EXTRA)}

    def shape_page(self, page: Page) -> None:
        page.sessions = page.matches[page.offset:page.offset + page.limit + self.spec["extra"]]


@register
class IgnoreFiltersFault(Fault):
    """Answer as if the request had no ``status``, ``endpoint_id`` or ``session_id``."""

    kind = "ignore_filters"

    def list_params(self, params: dict[str, str]) -> dict[str, str]:
        return {key: value for key, value in params.items() if key not in FILTER_PARAMS}


def nested_arrays(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


@register
class NestedFault(Fault):
    """JSON nested ``depth`` deep as the whole page, inside the first session, or as an error's ``error_msg``."""

    kind = "nested"
    WHERE = ("page", "session", "error")

    def parse(self, fields: Fields) -> dict[str, t.Any]:
        where = fields.choice("where", self.WHERE)
        return {"depth": fields.integer("depth", None, 1, MAX_DEPTH), "where": where,
                "status": fields.integer("status", 500 if where == "error" else 200, 100, 599)}

    def respond(self, exchange: Exchange) -> Response | None:
        if self.spec["where"] != "error":
            return None
        body = b'{"error_code":"common.00000500","error_msg":' + nested_arrays(self.spec["depth"]) + b"}"
        return Response(self.spec["status"], body)

    def shape_page(self, page: Page) -> None:
        deep = nested_arrays(self.spec["depth"])
        if self.spec["where"] == "page":
            page.body = deep
            return
        sessions = list(page.sessions) or [made_up_session(page.ws_id, page.offset)]
        first = dict(sessions[0])
        first["nested"] = _NESTED_MARK
        sessions[0] = first
        page.body = json_bytes({"sessions": sessions, "total": page.total}).replace(
            json_bytes(_NESTED_MARK), deep, 1)

    def finish(self, exchange: Exchange, response: Response) -> None:
        Fault.finish(self, exchange, response)
        if self.spec["where"] != "error" and exchange.ws_id is not None and response.status == 200:
            response.status = self.spec["status"]
