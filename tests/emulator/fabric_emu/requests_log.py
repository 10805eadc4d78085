# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The request log: one entry per API request, with every secret redacted."""

from __future__ import annotations

import re
import threading
import time
import typing as t
from email.message import Message

from .signing import SIGN_ALGORITHM, is_signature

REDACTED = "REDACTED"
SECRET_HEADERS = frozenset(("x-auth-token", "x-security-token", "proxy-authorization", "cookie"))
_SIGNATURE_RE = re.compile(r"Signature=[^,\s]*")


def redacted_headers(headers: Message) -> dict[str, str]:
    """Header values as received, but secrets replaced (repeated headers joined with ``, ``)."""
    out: dict[str, str] = {}
    for name, value in headers.items():
        lname = name.lower()
        if lname in SECRET_HEADERS:
            value = REDACTED
        elif lname == "authorization":
            value = _SIGNATURE_RE.sub("Signature=" + REDACTED, value)
            if not value.startswith(SIGN_ALGORITHM):
                value = REDACTED
        out[name] = out[name] + ", " + value if name in out else value
    return out


def new_entry(method: str, path: str, raw_query: str, query: list[tuple[str, str]], headers: Message,
              proxy_url: str | None, proxy_auth: str | None) -> dict[str, t.Any]:
    authorization = headers.get("Authorization")
    if headers.get("X-Auth-Token") is not None:
        auth = "token"
    elif authorization is not None:
        auth = "aksk"
    else:
        auth = "none"
    return {
        "method": method,
        "path": path,
        "query": [[k, v] for k, v in query],
        "raw_query": raw_query,
        "headers": redacted_headers(headers),
        "host": headers.get("Host"),
        "proxy_url": proxy_url,
        "proxy_auth": proxy_auth,
        "auth": auth,
        "other_authorization": authorization is not None and not is_signature(authorization),
        "status": None,
        "fault": None,
        "request_id": None,
        "time": time.time(),
    }


class RequestLog:
    """The latest ``limit`` entries, in the order the requests arrived."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._entries: list[dict[str, t.Any]] = []

    def append(self, entry: dict[str, t.Any]) -> None:
        with self._lock:
            self._entries.append(entry)
            if len(self._entries) > self.limit:
                del self._entries[:len(self._entries) - self.limit]

    def entries(self) -> list[dict[str, t.Any]]:
        with self._lock:
            return [dict(e) for e in self._entries]

    def clear(self) -> None:
        with self._lock:
            self._entries = []
