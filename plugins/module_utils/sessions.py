# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The SQL session list API: the query, the pager over limit/offset, and the merged result."""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field
from urllib.parse import quote

from .errors import FabricError
from .options import SESSION_STATUSES, check_id, validate_params
from .transport import FabricHttpClient, JsonResponse, open_client

SESSIONS_PATH = '/v1/workspaces/%s/sessions'


@dataclass(frozen=True)
class SessionQuery:
    workspace_id: str
    statuses: t.Tuple[t.Optional[str], ...] = (None,)
    endpoint_id: t.Optional[str] = None
    session_id: t.Optional[str] = None

    @classmethod
    def from_params(cls, workspace_id: str, params: t.Mapping[str, t.Any]) -> 'SessionQuery':
        check_id('workspace_id', workspace_id)
        return cls(workspace_id, tuple(params['status'] or (None,)), params['endpoint_id'], params['session_id'])

    @property
    def path(self) -> str:
        return SESSIONS_PATH % quote(self.workspace_id, safe='')

    def query_pairs(self, status: str | None, offset: int, limit: int) -> list[tuple[str, str]]:
        filters = {'endpoint_id': self.endpoint_id, 'status': status, 'session_id': self.session_id}
        pairs = [(name, value) for name, value in filters.items() if value is not None]
        return pairs + [('limit', str(limit)), ('offset', str(offset))]


@dataclass
class SessionListing:
    sessions: list[dict[str, t.Any]] = field(default_factory=list)
    total: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """Sessions returned per status: the five documented ones always, any other value as sent."""
        counts = dict.fromkeys(SESSION_STATUSES, 0)
        for session in self.sessions:
            status = session.get('status')
            key = status if isinstance(status, str) else str(status)
            counts[key] = counts.get(key, 0) + 1
        return counts

    def as_result(self) -> dict[str, t.Any]:
        return {'sessions': self.sessions, 'total': self.total, 'counts': self.counts}


def parse_page(response: JsonResponse, limit: int) -> tuple[list[dict[str, t.Any]], int]:
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
        raise malformed('"total" is missing or not a non-negative integer: %r' % (total,))
    if len(sessions) > limit:
        raise malformed('%d sessions in a page of at most %d' % (len(sessions), limit))
    return sessions, total


def _session_key(session: dict[str, t.Any]) -> t.Hashable | None:
    key = session.get('session_id')
    return key if isinstance(key, (str, int)) else None


def list_status(
    client: FabricHttpClient,
    query: SessionQuery,
    status: str | None,
    page_size: int,
    max_results: int | None,
    seen: set[t.Hashable],
) -> SessionListing:
    """Every page of one status (or of all, for None): offset counts records, stop at total or a short page.

    Sessions whose ID is in ``seen`` are skipped (offset paging repeats records when the list shifts).
    ``max_results=0`` still makes one small request, so that ``total`` is the service's count.
    """
    listing = SessionListing()
    offset, first_total = 0, None
    while True:
        wanted = page_size if max_results is None else min(page_size, max_results - len(listing.sessions))
        limit = max(wanted, 1)
        page, listing.total = parse_page(client.get_json(query.path, query.query_pairs(status, offset, limit)), limit)
        first_total = listing.total if first_total is None else first_total
        offset += len(page)
        for session in page[:wanted]:
            key = _session_key(session)
            if key is None or key not in seen:
                seen.add(key)
                listing.sessions.append(session)
        done = max_results is not None and len(listing.sessions) >= max_results
        if done or len(page) < limit or offset >= listing.total:
            break
    if first_total != listing.total:
        listing.warnings.append(
            'the number of sessions in workspace %s%s changed from %d to %d while it was listed: sessions created'
            ' or closed meanwhile may be missing' % (
                query.workspace_id, ' with status %s' % status if status else '', first_total, listing.total))
    return listing


def list_sessions(
    client: FabricHttpClient,
    query: SessionQuery,
    page_size: int,
    max_results: int | None = None,
) -> SessionListing:
    """One listing per status in the query, merged in the order given.

    ``max_results`` caps the merged list; ``total`` is the service's count summed over the statuses.
    """
    merged = SessionListing()
    seen: set[t.Hashable] = set()
    for status in query.statuses:
        remaining = None if max_results is None else max(max_results - len(merged.sessions), 0)
        listing = list_status(client, query, status, page_size, remaining, seen)
        merged.sessions.extend(listing.sessions)
        merged.total += listing.total
        merged.warnings.extend(listing.warnings)
    return merged


def list_workspaces(
    params: t.Mapping[str, t.Any],
    workspace_ids: t.Sequence[str],
    agent: str,
    warn: t.Callable[[str], None],
) -> list[tuple[str, SessionListing]]:
    """What the module and the lookup both do: check every input, then list each workspace over one client.

    ``params`` are normalized options. Warnings (retries made, lists that changed while read) go to ``warn``,
    also when the listing fails.
    """
    validate_params(params)
    queries = [SessionQuery.from_params(workspace_id, params) for workspace_id in workspace_ids]
    results = []
    with open_client(params, agent) as client:
        try:
            for query in queries:
                listing = list_sessions(client, query, params['page_size'], params['max_results'])
                results.append((query.workspace_id, listing))
        finally:
            for warning in client.retry_warnings() + [w for _ws, listing in results for w in listing.warnings]:
                warn(warning)
    return results
