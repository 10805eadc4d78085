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


def parse_page(response: JsonResponse) -> Page:
    """The sessions and total of one page, refusing anything that is not the documented shape."""
    def malformed(problem: str) -> FabricError:
        return FabricError('GET %s returned a malformed session list: %s' % (response.url, problem),
                           status=200, request_id=response.request_id)

    body = response.data
    if not isinstance(body, dict):
        raise malformed('the body is a JSON %s, not an object' % type(body).__name__)
    sessions, total = body.get('sessions'), body.get('total')
    if not isinstance(sessions, list):
        raise malformed('"sessions" is missing or not a list')
    if not all(isinstance(session, dict) for session in sessions):
        raise malformed('"sessions" holds an entry that is not an object')
    if not isinstance(total, int) or isinstance(total, bool) or total < 0:
        raise malformed('"total" is missing or not a non-negative integer')
    return sessions, total


def fetch_page(client: FabricHttpClient, query: SessionQuery, status: str | None, offset: int, limit: int) -> Page:
    try:
        return parse_page(client.get_json(query.path, query.query_pairs(status, offset, limit)))
    except FabricError as exc:
        if exc.status != 404:
            raise
        raise exc.with_context(after=' -- check workspace_id %s, and that %s (the endpoint option, or the URL derived'
                                     ' from region and cloud) is the endpoint of the region the workspace is in'
                                     % (query.workspace_id, client.base_url)) from None


def session_key(session: dict[str, t.Any]) -> t.Hashable:
    """A session's ID; for one without a usable ID, its content (so that a repeated page is seen as one)."""
    key = session.get('session_id')
    if isinstance(key, (str, int)) and not isinstance(key, bool):
        return key
    return ('content', json.dumps(session, sort_keys=True, default=repr))
