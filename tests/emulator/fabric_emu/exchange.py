# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One API request as the emulator and the faults see it."""

from __future__ import annotations

import typing as t
from email.message import Message

from .iam import TokenStore


class Exchange:
    __slots__ = ("method", "path", "raw_query", "query", "headers", "body", "ws_id", "is_iam", "proxy_url", "entry",
                 "tokens")

    def __init__(self, method: str, path: str, raw_query: str, query: list[tuple[str, str]], headers: Message,
                 body: bytes, ws_id: str | None, is_iam: bool, proxy_url: str | None, entry: dict[str, t.Any],
                 tokens: TokenStore) -> None:
        self.method = method
        self.path = path
        self.raw_query = raw_query
        self.query = query
        self.headers = headers
        self.body = body
        # The workspace of a sessions list request (as decoded from the path), else None.
        self.ws_id = ws_id
        self.is_iam = is_iam
        self.proxy_url = proxy_url
        self.entry = entry
        self.tokens = tokens
