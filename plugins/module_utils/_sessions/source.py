# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""The seam between the pager and a paged list of the API: what to fetch, what an entry is, which entries count.

The offset pager reads any source; a marker pager (the v2 API's ``next_marker``) could read the same sources.
"""

from __future__ import annotations

import typing as t

from .._http.client import FabricHttpClient
from .page import Page, fetch_page, session_key
from .query import SessionQuery


class PageSource(t.Protocol):
    """One filtered list of one workspace, read a page at a time."""

    list_name: str  # which list of the service (what is learnt of its offsets is kept per list)
    noun: str  # what its entries are, in messages
    base_url: str
    where: str  # which list, in messages: "workspace ws-1 (status RUNNING)"

    def fetch(self, offset: int, limit: int) -> Page:
        """One page: ``offset`` as sent (what it counts is the pager's business)."""

    def matches(self, entry: dict[str, t.Any]) -> bool:
        """Whether an entry the service sent is one that was asked for."""

    def key(self, entry: dict[str, t.Any]) -> t.Hashable:
        """What makes an entry one entry (an ID), so that it is listed once."""


class SessionSource:
    """The sessions of one status (or every status) of one workspace."""

    list_name = 'sessions'
    noun = 'sessions'

    def __init__(self, client: FabricHttpClient, query: SessionQuery, status: str | None) -> None:
        self.client, self.query, self.status = client, query, status
        self.base_url = client.base_url
        described = query.describe(status)
        self.where = 'workspace %s%s' % (query.workspace_id, ' (%s)' % described if described else '')

    def fetch(self, offset: int, limit: int) -> Page:
        return fetch_page(self.client, self.query, self.status, offset, limit)

    def matches(self, entry: dict[str, t.Any]) -> bool:
        return self.query.matches(entry, self.status)

    def key(self, entry: dict[str, t.Any]) -> t.Hashable:
        return session_key(entry)
