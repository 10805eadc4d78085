# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The SQL session list API: the query, the bounded pager over limit/offset, and the merged result."""

from __future__ import annotations

import collections
import json
import typing as t
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import quote

from ._config import Query, check_id
from ._errors import FabricError
from ._option_table import MAX_PAGES, SESSION_STATUSES
from ._transport import FabricHttpClient, JsonResponse

SESSIONS_PATH = '/v1/workspaces/%s/sessions'
# The API's documented largest offset: a service that serves full pages forever still ends (and MAX_PAGES).
MAX_OFFSET = 1000000000
# Pages in a row that held sessions but nothing new: the service repeats itself rather than paging.
STALE_PAGES_MAX = 3
# Times the page length may turn out smaller while pages are planned ahead; after that, one page at a time.
REPLANS_AHEAD = 2
T = t.TypeVar('T')
R = t.TypeVar('R')
Page = t.Tuple[t.List[t.Dict[str, t.Any]], int]
_NEXT, _REPLAN, _END = object(), object(), object()


@dataclass(frozen=True)
class SessionQuery:
    workspace_id: str
    query: Query = Query()

    @classmethod
    def for_workspace(cls, workspace_id: t.Any, query: Query) -> 'SessionQuery':
        return cls(check_id('workspace_id', workspace_id), query)

    @property
    def path(self) -> str:
        return SESSIONS_PATH % quote(self.workspace_id, safe='')

    def query_pairs(self, status: str | None, offset: int, limit: int) -> list[tuple[str, str]]:
        filters = {'endpoint_id': self.query.endpoint_id, 'status': status, 'session_id': self.query.session_id}
        pairs = [(name, value) for name, value in filters.items() if value is not None]
        return pairs + [('limit', str(limit)), ('offset', str(offset))]

    def matches(self, session: dict[str, t.Any], status: str | None) -> bool:
        """Whether a session the service returned is one that was asked for."""
        if status is not None and session.get('status') != status:
            return False
        if self.query.session_id is not None and session.get('session_id') != self.query.session_id:
            return False
        if self.query.endpoint_id is not None:
            endpoint = session.get('endpoint_info')
            return isinstance(endpoint, dict) and endpoint.get('id') == self.query.endpoint_id
        return True

    def describe(self, status: str | None) -> str:
        filters = [('status', status), ('endpoint_id', self.query.endpoint_id), ('session_id', self.query.session_id)]
        return ', '.join('%s %s' % (name, value) for name, value in filters if value is not None)


@dataclass
class SessionListing:
    sessions: list[dict[str, t.Any]] = field(default_factory=list)
    total: int = 0
    warnings: list[str] = field(default_factory=list)
    counted: dict[str, int] | None = None  # the service's totals, for count_only
    uncounted: int | None = None  # count_only without status: the total less the five statuses' totals

    @property
    def counts(self) -> dict[str, int]:
        """Sessions per status: the five documented ones always, any other value as sent (or, for
        count_only, the service's total of each status queried)."""
        if self.counted is not None:
            return dict(self.counted)
        counts = dict.fromkeys(SESSION_STATUSES, 0)
        for session in self.sessions:
            status = session.get('status')
            key = status if isinstance(status, str) else str(status)
            counts[key] = counts.get(key, 0) + 1
        return counts

    def as_result(self) -> dict[str, t.Any]:
        result = {'sessions': self.sessions, 'total': self.total, 'counts': self.counts}
        if self.uncounted is not None:
            result['uncounted'] = self.uncounted
        return result


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
        if exc.status == 404:
            exc.message += (' -- check workspace_id %s, and that %s (the endpoint option, or the URL derived from region'
                            ' and cloud) is the endpoint of the region the workspace is in'
                            % (query.workspace_id, client.base_url))
            exc.args = (exc.message,)
        raise


def _session_key(session: dict[str, t.Any]) -> t.Hashable:
    """A session's ID; for one without a usable ID, its content (so that a repeated page is seen as one)."""
    key = session.get('session_id')
    if isinstance(key, (str, int)) and not isinstance(key, bool):
        return key
    return ('content', json.dumps(session, sort_keys=True, default=repr))


def _in_parallel(function: t.Callable[[T], R], items: t.Sequence[T], workers: int) -> list[R]:
    """``function`` over ``items``, results in the order of the items; no threads for a single item."""
    if len(items) <= 1 or workers <= 1:
        return [function(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(workers, len(items))) as pool:
        return list(pool.map(function, items))


class _Collector:
    """The sessions kept from the pages: in order, each ID once, only those asked for, at most ``cap``."""

    def __init__(self, query: SessionQuery, status: str | None, cap: int | None) -> None:
        self.query, self.status, self.cap = query, status, cap
        self.sessions: list[dict[str, t.Any]] = []
        self.dropped = 0
        self._seen: set[t.Hashable] = set()

    @property
    def full(self) -> bool:
        return self.cap is not None and len(self.sessions) >= self.cap

    def add(self, page: t.Iterable[dict[str, t.Any]]) -> int:
        """Keep what is new of a page; how many sessions were new."""
        before = len(self.sessions)
        for session in page:
            if self.full:
                break
            if not self.query.matches(session, self.status):
                self.dropped += 1
                continue
            key = _session_key(session)
            if key not in self._seen:
                self._seen.add(key)
                self.sessions.append(session)
        return len(self.sessions) - before


class _Pager:
    """Reads one status of one workspace page by page, at most ``window`` pages ahead.

    ``total`` is a hint for planning, never a budget: pages are planned up to the latest total (and one
    page past it while full pages keep coming), never more than ``window`` at a time, and never past the
    growth bound (twice the first total plus a window of pages). An empty page ends the listing; a short
    page ends it at the total, or shows that the service serves smaller pages, and paging goes on from
    where that page ended. Requests stay at most the pages that held sessions plus a window plus one.
    """

    def __init__(self, client: FabricHttpClient, query: SessionQuery, status: str | None, window: int) -> None:
        self.client, self.query, self.status = client, query, status
        self.window = max(1, window)
        self.cap = query.query.max_results
        self.step = query.query.page_size
        self.collector = _Collector(query, status, self.cap)
        self.first_total: int | None = None
        self.last_total: int | None = None
        self.plan_until = 1  # no page is planned at or past this offset (until the first page tells more)
        self.next_offset = 0
        self.bound: int | None = None
        self.hit_bound = False
        self.hit_page_limit = False
        self.repeated = False
        self.stale_pages = 0
        self.replans = 0
        self.planned = 0
        self.complete = False
        self.longer_pages = 0

    def _fetch(self, offset: int, limit: int) -> Page:
        return fetch_page(self.client, self.query, self.status, offset, limit)

    def _limit(self, offset: int) -> int:
        return self.step if self.cap is None else min(self.step, self.cap - offset)

    def _may_plan(self, offset: int) -> bool:
        if offset >= self.plan_until or (self.cap is not None and offset >= self.cap):
            return False
        if self.bound is not None and offset >= self.bound:
            self.hit_bound = True
            return False
        if self.planned >= MAX_PAGES or offset > MAX_OFFSET:
            self.hit_page_limit = True
            return False
        return True

    def run(self) -> SessionListing:
        pool = ThreadPoolExecutor(max_workers=self.window) if self.window > 1 else None
        pending: collections.deque[tuple[int, int, Future[Page]]] = collections.deque()
        try:
            while True:
                while len(pending) < self.window and self._may_plan(self.next_offset):
                    offset, limit = self.next_offset, self._limit(self.next_offset)
                    pending.append((offset, limit, _submit(pool, self._fetch, offset, limit)))
                    self.next_offset += self.step
                    self.planned += 1
                if not pending:
                    break
                offset, limit, future = pending.popleft()
                outcome = self._take(offset, limit, *future.result())
                if outcome is _END:
                    break
                if outcome is _REPLAN:
                    _cancel(pending)  # planned for the old page length: dropped, planned again
        finally:
            _cancel(pending)
            if pool is not None:
                pool.shutdown(wait=True)
        return self._listing()

    def _take(self, offset: int, limit: int, page: list[dict[str, t.Any]], total: int) -> object:
        """Keep one page and say how the listing goes on: _NEXT, _REPLAN or _END."""
        if self.first_total is None:
            self.first_total = total
            self.bound = 2 * total + self.window * self.query.query.page_size + 1
        self.last_total = total
        if len(page) > limit:
            self.longer_pages += 1
            page = page[:limit]
        self.stale_pages = 0 if self.collector.add(page) or not page else self.stale_pages + 1
        end = offset + len(page)
        if self.collector.full:
            return _END
        if self.stale_pages >= STALE_PAGES_MAX:
            self.repeated = True  # the pages only repeat what was listed: the service ignores the offset
            return _END
        if not page or (len(page) < limit and end >= total) or (len(page) == limit and end == total):
            self.complete = True  # an empty page, the last short page, or a full page ending at the total
            return _END
        if len(page) < limit:  # the service serves smaller pages: go on from where this one ended
            self.step = len(page)
            self.next_offset = end
            self.plan_until = max(total, end + self.step)
            self.replans += 1
            if self.replans > REPLANS_AHEAD:
                self.window = 1  # page lengths keep changing: no more pages are planned ahead to be dropped
            return _REPLAN
        self.plan_until = max(total, end + self.step)
        return _NEXT

    def _listing(self) -> SessionListing:
        where = 'workspace %s%s' % (self.query.workspace_id, ' (%s)' % self.query.describe(self.status)
                                    if self.query.describe(self.status) else '')
        listing = SessionListing(sessions=self.collector.sessions)
        reported = self.last_total or 0
        listing.total = len(listing.sessions) if self.complete else max(reported, len(listing.sessions))
        if self.repeated:
            listing.warnings.append(
                'the service answered %d pages of %s in a row with sessions already listed (it seems to ignore the'
                ' offset): stopped after %d sessions' % (STALE_PAGES_MAX, where, len(listing.sessions)))
        elif self.hit_page_limit and not self.complete:
            listing.warnings.append(
                'the session list of %s was not read to its end: stopped after %d pages (%d sessions), the most one'
                ' listing reads; use max_results, or narrow it with status or endpoint_id'
                % (where, MAX_PAGES, len(listing.sessions)))
        elif self.hit_bound and not self.complete:
            listing.warnings.append(
                'the session list of %s kept growing while it was read (first total %d, last %d): stopped after'
                ' %d sessions, twice the first total plus a window of pages; use max_results to bound it'
                % (where, self.first_total or 0, reported, len(listing.sessions)))
        elif self.complete and (reported != len(listing.sessions) or self.first_total != reported):
            listing.warnings.append(
                'the service counted %s sessions in %s but its pages held %d%s: returning what the pages held'
                % (reported if self.first_total == reported else '%d, then %d,' % (self.first_total or 0, reported),
                   where, len(listing.sessions), ' (some may have been created or closed while it was listed)'
                   if self.first_total != reported else ''))
        if self.collector.dropped:
            listing.warnings.append(
                'the service returned %d sessions of %s that do not match the filters asked: they were dropped'
                % (self.collector.dropped, where))
        if self.longer_pages:
            listing.warnings.append('the service sent %d page%s of %s longer than asked: the extra sessions were'
                                    ' ignored (the next pages hold them)'
                                    % (self.longer_pages, '' if self.longer_pages == 1 else 's', where))
        return listing


def _submit(pool: ThreadPoolExecutor | None, function: t.Callable[..., Page], *args: t.Any) -> 'Future[Page]':
    if pool is not None:
        return pool.submit(function, *args)
    future: Future[Page] = Future()
    try:
        future.set_result(function(*args))
    except BaseException as exc:  # handed on by future.result(), as from a pool
        future.set_exception(exc)
    return future


def _cancel(pending: 'collections.deque[tuple[int, int, Future[Page]]]') -> None:
    while pending:
        pending.popleft()[2].cancel()


def list_status(client: FabricHttpClient, query: SessionQuery, status: str | None, concurrency: int = 1
                ) -> SessionListing:
    """Every page of one status (or of all, for None); ``max_results=0`` is refused by the loader."""
    return _Pager(client, query, status, concurrency).run()


def _unique(sessions: t.Iterable[dict[str, t.Any]], cap: int | None) -> list[dict[str, t.Any]]:
    """Sessions in order, each ID (or, without one, each content) once, at most ``cap`` of them."""
    seen: set[t.Hashable] = set()
    unique = []
    for session in sessions:
        if cap is not None and len(unique) >= cap:
            break
        key = _session_key(session)
        if key not in seen:
            seen.add(key)
            unique.append(session)
    return unique


def list_sessions(client: FabricHttpClient, query: SessionQuery, concurrency: int = 1) -> SessionListing:
    """One listing per status in the query, the statuses queried side by side, merged in the order given.

    ``max_results`` caps the merged list; ``total`` is summed over the statuses.
    """
    listings = _in_parallel(lambda status: list_status(client, query, status, concurrency),
                            query.query.statuses, len(query.query.statuses))
    merged = SessionListing(total=sum(listing.total for listing in listings))
    merged.sessions = _unique((s for listing in listings for s in listing.sessions), query.query.max_results)
    merged.warnings = [warning for listing in listings for warning in listing.warnings]
    return merged


def count_sessions(client: FabricHttpClient, query: SessionQuery, concurrency: int = 1) -> SessionListing:
    """The service's total for each status queried (every documented one when none is given, and then the
    unfiltered total as well), from one request for one session each, side by side."""
    statuses = [status for status in query.query.statuses if status is not None] or list(SESSION_STATUSES)
    asked: list[str | None] = list(statuses) + ([None] if query.query.statuses == (None,) else [])

    def count(status: str | None) -> tuple[int, bool]:
        sessions, total = fetch_page(client, query, status, 0, 1)
        return total, any(not query.matches(session, status) for session in sessions[:1])

    results = _in_parallel(count, asked, concurrency)
    listing = SessionListing(counted={status: total for status, (total, _mismatched) in zip(statuses, results)})
    listing.total = results[-1][0] if asked[-1] is None else sum(listing.counted.values())
    where = 'workspace %s' % query.workspace_id
    if any(mismatched for _total, mismatched in results):
        listing.warnings.append('the service answered a count of %s with a session that does not match the filters'
                                ' asked: it may ignore a filter, so the counts may not be filtered' % where)
    if asked[-1] is None:
        listing.uncounted = listing.total - sum(listing.counted.values())
        if listing.uncounted:
            listing.warnings.append(
                'the service counts %d sessions in %s but %d in the five documented statuses: %d are in other'
                ' statuses (see uncounted)' % (listing.total, where, sum(listing.counted.values()),
                                               listing.uncounted))
    return listing


def run_queries(
    client: FabricHttpClient,
    queries: t.Sequence[SessionQuery],
    warn: t.Callable[[str], None],
    concurrency: int = 1,
) -> list[SessionListing]:
    """What the module and the lookup both do once the configuration is loaded: list (or count) every
    workspace, side by side, as one call (one retry budget, one deadline); results in the order given.

    Warnings (retries made, lists that changed while read) go to ``warn``, scrubbed, also when the listing
    fails.
    """
    first_event, first_note = len(client.retry_events), len(client.notes)
    done: dict[int, SessionListing] = {}

    def one(index: int) -> SessionListing:
        query = queries[index]
        answer = count_sessions if query.query.count_only else list_sessions
        done[index] = answer(client, query, concurrency)
        return done[index]

    try:
        with client.call():
            # Workspaces side by side too; the client keeps at most ``concurrency`` requests in flight.
            return _in_parallel(one, range(len(queries)), concurrency)
    finally:
        for warning in client.notes[first_note:] + client.retry_warnings(since=first_event):
            warn(warning)
        for index in sorted(done):
            for warning in done[index].warnings:
                warn(client.redactor.text(warning))
