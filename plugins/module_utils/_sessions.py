# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The SQL session list API: the query, the pager over limit/offset, and the merged result."""

from __future__ import annotations

import typing as t
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import quote

from ._errors import FabricError
from ._option_table import SESSION_STATUSES, check_id, validate_params
from ._transport import FabricHttpClient, JsonResponse

SESSIONS_PATH = '/v1/workspaces/%s/sessions'
T = t.TypeVar('T')
R = t.TypeVar('R')


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


def _in_parallel(function: t.Callable[[T], R], items: t.Sequence[T], workers: int) -> list[R]:
    """``function`` over ``items``, results in the order of the items; no threads for a single item."""
    if len(items) <= 1 or workers <= 1:
        return [function(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(workers, len(items))) as pool:
        return list(pool.map(function, items))


def _page_plan(start: int, end: int, page_size: int, cap: int | None) -> list[tuple[int, int]]:
    """(offset, limit) of the pages covering records start..end-1: full pages (a list that grows meanwhile
    fills them), except that no page asks past ``cap``."""
    return [(offset, page_size if cap is None else min(page_size, cap - offset))
            for offset in range(start, end, page_size)]


def list_status(
    client: FabricHttpClient,
    query: SessionQuery,
    status: str | None,
    page_size: int,
    max_results: int | None = None,
    concurrency: int = 1,
) -> SessionListing:
    """Every page of one status (or of all, for None).

    The first page tells ``total``; the pages after it are planned by record offset and fetched
    ``concurrency`` at a time, kept in the service's order. Planning repeats while the list grows (up to
    ``max_results``) and stops after a short page. A session seen on an earlier page is not repeated (offset
    paging repeats records when the list shifts). ``max_results=0`` still asks one small page, for ``total``.
    """
    def fetch(page: tuple[int, int]) -> tuple[list[dict[str, t.Any]], int]:
        offset, limit = page
        return parse_page(client.get_json(query.path, query.query_pairs(status, offset, limit)), limit)

    first_limit = page_size if max_results is None else max(min(page_size, max_results), 1)
    first_page, first_total = fetch((0, first_limit))
    pages, totals = [first_page], [first_total]
    covered, short = len(first_page), len(first_page) < first_limit
    while not short:
        end = totals[-1] if max_results is None else min(totals[-1], max_results)
        plan = _page_plan(covered, end, page_size, max_results)
        if not plan:
            break
        for (_offset, limit), (page, total) in zip(plan, _in_parallel(fetch, plan, concurrency)):
            pages.append(page)
            totals.append(total)
            short = short or len(page) < limit
        covered = plan[-1][0] + len(pages[-1])

    listing = SessionListing(total=totals[-1])
    listing.sessions = _unique((session for page in pages for session in page), max_results)
    if len(set(totals)) > 1:
        listing.warnings.append(
            'the number of sessions in workspace %s%s changed from %d to %d while it was listed: sessions created'
            ' or closed meanwhile may be missing' % (
                query.workspace_id, ' with status %s' % status if status else '', first_total, totals[-1]))
    return listing


def _unique(sessions: t.Iterable[dict[str, t.Any]], cap: int | None) -> list[dict[str, t.Any]]:
    """Sessions in order, each ID once (sessions without an ID are kept), at most ``cap`` of them."""
    seen: set[t.Hashable] = set()
    unique = []
    for session in sessions:
        if cap is not None and len(unique) >= cap:
            break
        key = _session_key(session)
        if key is None or key not in seen:
            seen.add(key)
            unique.append(session)
    return unique


def list_sessions(
    client: FabricHttpClient,
    query: SessionQuery,
    page_size: int,
    max_results: int | None = None,
    concurrency: int = 1,
) -> SessionListing:
    """One listing per status in the query, the statuses queried side by side, merged in the order given.

    ``max_results`` caps the merged list; ``total`` is the service's count summed over the statuses.
    """
    listings = _in_parallel(
        lambda status: list_status(client, query, status, page_size, max_results, concurrency),
        query.statuses, len(query.statuses))
    merged = SessionListing(total=sum(listing.total for listing in listings))
    merged.sessions = _unique((s for listing in listings for s in listing.sessions), max_results)
    merged.warnings = [warning for listing in listings for warning in listing.warnings]
    return merged


def prepare_queries(params: t.Mapping[str, t.Any], workspace_ids: t.Sequence[str]) -> list[SessionQuery]:
    """Every check that can be made before a request: the options, then each workspace ID."""
    validate_params(params)
    return [SessionQuery.from_params(workspace_id, params) for workspace_id in workspace_ids]


def run_queries(
    client: FabricHttpClient,
    queries: t.Sequence[SessionQuery],
    params: t.Mapping[str, t.Any],
    warn: t.Callable[[str], None],
) -> list[SessionListing]:
    """What the module and the lookup both do once the inputs are checked: list each workspace in turn.

    Warnings (retries made, lists that changed while read) go to ``warn``, also when the listing fails.
    """
    first_event = len(client.retry_events)
    listings: list[SessionListing] = []
    try:
        for query in queries:
            listings.append(list_sessions(client, query, params['page_size'], params['max_results'],
                                          params['concurrency']))
    finally:
        for warning in client.retry_warnings(since=first_event):
            warn(warning)
        for listing in listings:
            for warning in listing.warnings:
                warn(warning)
    return listings
