# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The fault base class, the registry of kinds and the checks of a fault's fields.

A fault kind is one subclass with a ``kind`` name, registered with ``@register``: it reads its own fields in
``parse`` and overrides the hooks it needs. The emulator calls the hooks of the (at most one) fault that a
request took, in this order: ``delay_seconds``, ``respond`` (a whole answer, skipping the normal one),
``list_params`` and ``shape_page`` (the sessions list), ``shape_iam_token`` (the IAM answer), ``finish``
(any answer), ``after_answer`` (the data, once the answer is computed).
"""

from __future__ import annotations

import math
import re
import typing as t

from ..answers import ControlError, Response, is_int, is_number
from ..data import WorkspaceStore
from ..exchange import Exchange
from ..sessions_api import Page

FAULT_TYPES: dict[str, type[Fault]] = {}
_HEADER_NAME_RE = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+\Z")
MAX_HEADER_BYTES = 1024 * 1024

FaultClass = t.TypeVar("FaultClass", bound="type[Fault]")


def register(cls: FaultClass) -> FaultClass:
    FAULT_TYPES[cls.kind] = cls
    return cls


def check_raw_text(name: str, value: str) -> str:
    """Raw text goes on the wire as given, but never breaks the message framing."""
    if "\r" in value or "\n" in value:
        raise ControlError(400, "'%s' must not contain CR or LF" % name)
    return value


class Fields:
    """Reads the fields of one fault request, refusing wrong types with a 400."""

    def __init__(self, raw: dict[str, t.Any]) -> None:
        self.raw = raw

    def integer(self, name: str, default: int | None, low: int = 0, high: int | None = None) -> int:
        value = self.raw.get(name, default)
        if not is_int(value) or value < low or (high is not None and value > high):
            if high is None:
                raise ControlError(400, "'%s' must be an integer >= %d" % (name, low))
            raise ControlError(400, "'%s' must be an integer %d-%d" % (name, low, high))
        return value

    def number(self, name: str, default: float, low: float = 0) -> float:
        value = self.raw.get(name, default)
        if not is_number(value) or not math.isfinite(value) or value < low:
            raise ControlError(400, "'%s' must be a number >= %s" % (name, low))
        return value

    def string(self, name: str) -> str | None:
        value = self.raw.get(name)
        if value is not None and not isinstance(value, str):
            raise ControlError(400, "'%s' must be a string" % name)
        return value

    def boolean(self, name: str, default: bool) -> bool:
        value = self.raw.get(name, default)
        if not isinstance(value, bool):
            raise ControlError(400, "'%s' must be true or false" % name)
        return value

    def choice(self, name: str, choices: tuple[str, ...]) -> str:
        value = self.raw.get(name)
        if value not in choices:
            raise ControlError(400, "'%s' must be one of %s" % (name, ", ".join(choices)))
        return t.cast(str, value)

    def headers(self) -> dict[str, str | None] | None:
        value = self.raw.get("headers")
        if value is None:
            return None
        if not isinstance(value, dict):
            raise ControlError(400, "'headers' must be an object of header names to strings (or null)")
        size = 0
        for name, header in value.items():
            if not _HEADER_NAME_RE.match(name):
                raise ControlError(400, "invalid header name: %r" % (name,))
            if header is not None:
                if not isinstance(header, str):
                    raise ControlError(400, "header %s: the value must be a string or null" % name)
                check_raw_text("headers", header)
                size += len(header)
        if size > MAX_HEADER_BYTES:
            raise ControlError(400, "'headers' must total at most %d characters" % MAX_HEADER_BYTES)
        return dict(value)


class Fault:
    """One queued fault; ``spec`` is what the control API shows (JSON)."""

    kind: t.ClassVar[str] = ""
    # "api": requests to the API, and to the IAM endpoint only when a path filter names it;
    # "iam": requests to the IAM endpoint only; "passive": never taken by a request (see ``transition``).
    scope: t.ClassVar[str] = "api"

    def __init__(self, raw: dict[str, t.Any]) -> None:
        fields = Fields(raw)
        spec: dict[str, t.Any] = {"kind": self.kind}
        ws_id = raw.get("workspace_id")
        if ws_id is not None and not isinstance(ws_id, str):
            raise ControlError(400, "'workspace_id' must be a string")
        spec["workspace_id"] = ws_id
        for name in ("path", "path_prefix"):
            value = raw.get(name)
            if value is not None:
                if not isinstance(value, str) or not value:
                    raise ControlError(400, "'%s' must be a non-empty string" % name)
                spec[name] = value
        if self.scope != "passive":
            spec["count"] = fields.integer("count", 1, 1)
        self.spec = spec
        spec.update(self.parse(fields))
        headers = fields.headers()
        if headers is not None:
            spec["headers"] = headers

    def parse(self, fields: Fields) -> dict[str, t.Any]:
        """The kind's own fields, checked."""
        return {}

    def matches(self, ws_id: str | None, path: str, is_iam: bool) -> bool:
        spec = self.spec
        if self.scope == "passive" or (self.scope == "iam" and not is_iam):
            return False
        if spec["workspace_id"] is not None and spec["workspace_id"] != ws_id:
            return False
        named = False
        if spec.get("path") is not None:
            named = True
            if path != spec["path"]:
                return False
        if spec.get("path_prefix") is not None:
            named = True
            if not path.startswith(spec["path_prefix"]):
                return False
        return not is_iam or named or self.scope == "iam"

    # -- hooks, in the order the emulator calls them ------------------------------------------

    def delay_seconds(self) -> float:
        return 0.0

    def respond(self, exchange: Exchange) -> Response | None:
        return None

    def list_params(self, params: dict[str, str]) -> dict[str, str]:
        return params

    def shape_page(self, page: Page) -> None:
        pass

    def shape_iam_token(self, token: dict[str, t.Any]) -> None:
        pass

    def finish(self, exchange: Exchange, response: Response) -> None:
        headers = self.spec.get("headers")
        if headers:
            response.header_overrides.update(headers)

    def after_answer(self, store: WorkspaceStore) -> None:
        pass
