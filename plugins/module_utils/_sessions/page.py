# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""One page of the session list: fetched, and refused unless it has the documented shape.
"""

from __future__ import annotations

import json
import typing as t

from .._errors import FabricError
from .._http.client import FabricHttpClient, JsonResponse
from .query import SessionQuery


Page = t.Tuple[t.List[t.Dict[str, t.Any]], int]


def parse_page(response: JsonResponse, key: str = 'sessions', what: str = 'session list') -> Page:
    """The entries under ``key`` and the total of one page, refusing anything that is not the documented shape."""
    def malformed(problem: str) -> FabricError:
        return FabricError('GET %s returned a malformed %s: %s' % (response.url, what, problem),
                           status=200, request_id=response.request_id)

    body = response.data
    if not isinstance(body, dict):
        raise malformed('the body is a JSON %s, not an object' % type(body).__name__)
    entries, total = body.get(key), body.get('total')
    if not isinstance(entries, list):
        raise malformed('"%s" is missing or not a list' % key)
    if not all(isinstance(entry, dict) for entry in entries):
        raise malformed('"%s" holds an entry that is not an object' % key)
    if not isinstance(total, int) or isinstance(total, bool) or total < 0:
        raise malformed('"total" is missing or not a non-negative integer')
    return entries, total


def fetch_page(client: FabricHttpClient, query: SessionQuery, status: str | None, offset: int, limit: int) -> Page:
    try:
        return parse_page(client.get_json(query.path, query.query_pairs(status, offset, limit)))
    except FabricError as exc:
        if exc.status != 404:
            raise
        raise exc.with_context(after=' -- check workspace_id %s, and that %s (the endpoint option, or the URL derived'
                                     ' from region and cloud) is the endpoint of the region the workspace is in'
                                     % (query.workspace_id, client.base_url)) from None


def entry_key(entry: dict[str, t.Any], id_field: str) -> t.Hashable:
    """An entry's ID; for one without a usable ID, its content (so that a repeated page is seen as one)."""
    key = entry.get(id_field)
    if isinstance(key, (str, int)) and not isinstance(key, bool):
        return key
    return ('content', json.dumps(entry, sort_keys=True, default=repr))


def session_key(session: dict[str, t.Any]) -> t.Hashable:
    return entry_key(session, 'session_id')
