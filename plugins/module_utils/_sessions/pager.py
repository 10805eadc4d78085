# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""Reads one status of one workspace page by page, as a plan the call's executor runs beside the others.
"""

from __future__ import annotations

import collections
import functools
import typing as t
from concurrent.futures import Future

from .._config.schema import MAX_PAGES
from .._http.client import FabricHttpClient
from .page import Page, fetch_page
from .query import SessionQuery
from .result import SessionListing, UniqueSessions


# The API's documented largest offset: a service that serves full pages forever still ends (and MAX_PAGES).
MAX_OFFSET = 1000000000
# Pages in a row that held sessions but nothing new: the service repeats itself rather than paging.
STALE_PAGES_MAX = 3
# Times the page length may turn out smaller while pages are planned ahead; after that, one page at a time.
REPLANS_AHEAD = 2
_NEXT, _REPLAN, _END = object(), object(), object()


class _Asked(t.NamedTuple):
    offset: int
    limit: int
    future: 'list[Future[Page]]'  # set once the executor has it


class _Collector:
    """The sessions kept from the pages: in order, each ID once (a copy with another status marks it
    conflicting, see UniqueSessions), only those asked for, at most ``cap``."""

    def __init__(self, query: SessionQuery, status: str | None, cap: int | None) -> None:
        self.query, self.status, self.cap = query, status, cap
        self.unique = UniqueSessions()
        self.sessions = self.unique.sessions
        self.dropped = 0

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
            self.unique.add(session)
        return len(self.sessions) - before


class Pager:
    """Reads one status of one workspace page by page, at most ``window`` pages ahead (a plan of executor.py).

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
        self.done = False
        self._pending: collections.deque[_Asked] = collections.deque()

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

    def next_request(self) -> t.Callable[[], Page] | None:
        if self.done or len(self._pending) >= self.window or not self._may_plan(self.next_offset):
            return None
        offset, limit = self.next_offset, self._limit(self.next_offset)
        self._pending.append(_Asked(offset, limit, []))
        self.next_offset += self.step
        self.planned += 1
        return functools.partial(fetch_page, self.client, self.query, self.status, offset, limit)

    def started(self, future: 'Future[Page]') -> None:
        self._pending[-1].future.append(future)

    def advance(self) -> bool:
        """Take the pages that arrived, in the order of their offsets."""
        took = False
        while not self.done and self._pending and self._pending[0].future and self._pending[0].future[0].done():
            asked = self._pending.popleft()
            outcome = self._take(asked.offset, asked.limit, *asked.future[0].result())
            took = True
            if outcome is _END:
                self._stop()
            elif outcome is _REPLAN:
                self._cancel()  # planned for the old page length: dropped, planned again
        if not self.done and not self._pending and not self._may_plan(self.next_offset):
            self._stop()
        return took

    def _cancel(self) -> None:
        while self._pending:
            for future in self._pending.popleft().future:
                future.cancel()

    def _stop(self) -> None:
        self._cancel()
        self.done = True

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

    def listing(self) -> SessionListing:
        where = 'workspace %s%s' % (self.query.workspace_id, ' (%s)' % self.query.describe(self.status)
                                    if self.query.describe(self.status) else '')
        listing = SessionListing(sessions=self.collector.sessions, conflicts=self.collector.unique.conflicts)
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
