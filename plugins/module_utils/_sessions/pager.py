# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""Reads one list (the sessions of one status of one workspace, the SQL endpoints of one workspace) page by page,
as a plan the call's executor runs beside the others (executor.py).
"""

from __future__ import annotations

import collections
import functools
import typing as t
from concurrent.futures import Future

from .._config.schema import MAX_PAGES
from . import offsets
from .passes import END, REPLAN, Page, Reading
from .source import PageSource

# Readings of one list at most: the first, and two more when the list changed while it was read.
READINGS_MAX = 3
_FIRST, _PROBING, _PAGING = 'first', 'probing', 'paging'
_PAGE, _LAST, _SECOND = 'page', 'last page probe', 'second page probe'


class _Asked(t.NamedTuple):
    offset: int  # in records
    limit: int
    param: int  # the offset as sent
    purpose: str
    future: 'list[Future[Page]]'  # set once the executor has it


def _ready(page: Page) -> Page:
    return page


class Pager:
    """Reads a list page by page, at most ``window`` pages ahead (a plan of executor.py).

    What the offset counts (offsets.py) is learnt from the first listing of a service that needs more than one
    page, and reused. Each reading plans pages up to the latest total (and one page past it while full pages keep
    coming), never more than ``window`` at a time, and never past the growth bound (twice the first total plus a
    window of pages). An empty page ends a reading; a short page ends it at the total, or shows that the service
    serves smaller pages, and paging goes on from where that page ended. When the totals of a reading differ (the
    list changed while it was read), the list is read again, at most READINGS_MAX times in all: the last steady
    reading is what the list held. What the offset counts is told again in a new reading unless it was learnt
    while the list did not change.
    """

    def __init__(self, source: PageSource, page_size: int, cap: int | None, window: int) -> None:
        self.source, self.cap = source, cap
        self.kind = offsets.learnt(source.base_url, source.list_name)
        self.sure = self.kind is not None  # learnt while nothing changed (or by an earlier listing): kept
        self.phase = _FIRST if self.kind is None else _PAGING
        self.readings: list[Reading] = []
        self.planned = 0
        self.done = False
        self._window = max(1, window)
        self._probe: _Asked | None = None
        # a probe's answer that is a page of the listing: (offset, limit) and the page, kept once the kind is settled
        self._last_page: tuple[tuple[int, int], Page] | None = None
        self._pending: collections.deque[_Asked] = collections.deque()
        self._read_again(plan_until=1, step=page_size)

    @property
    def reading(self) -> Reading:
        return self.readings[-1]

    def _read_again(self, plan_until: int, step: int) -> None:
        aligned = self.kind not in (None, offsets.RECORDS)
        self.readings.append(Reading(self.source, self.cap, step, self._window, aligned, plan_until))

    def next_request(self) -> t.Callable[[], Page] | None:
        reading = self.reading
        if self.done or len(self._pending) >= reading.window:
            return None
        if self._probe is not None:
            asked, self._probe = self._probe, None
            return self._ask(asked)
        if self.phase != _PAGING and (self._pending or reading.next_offset > 0):
            return None  # the first page, then the probes, one at a time
        offset = reading.next_offset
        if not reading.may_plan(offset, self.planned):
            return None
        limit = reading.limit(offset)
        reading.next_offset += reading.step
        prefetched = reading.prefetched.pop((offset, limit), None)
        asked = _Asked(offset, limit, offsets.offset_param(self.kind, offset, reading.step), _PAGE, [])
        if prefetched is not None:
            self._pending.append(asked)
            return functools.partial(_ready, prefetched)
        return self._ask(asked)

    def _ask(self, asked: _Asked) -> t.Callable[[], Page]:
        self._pending.append(asked)
        self.planned += 1
        return functools.partial(self.source.fetch, asked.param, asked.limit)

    def started(self, future: 'Future[Page]') -> None:
        self._pending[-1].future.append(future)

    def advance(self) -> bool:
        """Take the answers that arrived, in the order they were asked."""
        took = False
        while not self.done and self._pending and self._pending[0].future and self._pending[0].future[0].done():
            asked = self._pending.popleft()
            page, total = asked.future[0].result()
            took = True
            if asked.purpose == _LAST:
                self._after_last_page(asked, page, total)
                continue
            if asked.purpose == _SECOND:
                self._after_second_page(asked, page, total)
                continue
            outcome = self.reading.take(asked.offset, asked.limit, page, total)
            if outcome == END:
                self._end_reading()
                continue
            if outcome == REPLAN:
                self._cancel()  # planned for the old page length: dropped, planned again
            if self.phase == _FIRST:
                self._after_first_page()
        if (not self.done and not self._pending and self._probe is None and self.phase == _PAGING
                and not self.reading.may_plan(self.reading.next_offset, self.planned)):
            self._end_reading()
        return took

    def _cancel(self) -> None:
        while self._pending:
            for future in self._pending.popleft().future:
                future.cancel()

    # -- what the offset counts -------------------------------------------------------------------

    def _settle(self, kind: str, sure: bool) -> None:
        self.kind, self.sure, self.phase = kind, sure, _PAGING
        self.reading.aligned = kind != offsets.RECORDS
        if self._last_page is not None:
            where, answer = self._last_page
            self.reading.prefetched[where] = answer
            self._last_page = None
        if sure:
            offsets.learn(self.source.base_url, self.source.list_name, kind)

    def _after_first_page(self) -> None:
        """More than one page: ask for the last one first, unless what the offsets count is known already."""
        reading = self.reading
        known = offsets.learnt(self.source.base_url, self.source.list_name)
        total = reading.last_total or 0
        wanted = total if self.cap is None else min(total, self.cap)
        if known is not None or wanted <= reading.next_offset:
            # known (a listing beside this one learnt it), or the total says no page follows: records unless known
            self._settle(known or offsets.RECORDS, sure=known is not None)
            return
        last = offsets.last_page(wanted, reading.step)
        # the page as planned, unless only a full page tells records from pages (the last of max_results may be 1)
        limits = [limit for limit in (reading.limit(last), reading.step)
                  if offsets.kinds_fitting(last, limit, total, offsets.expected_length(offsets.RECORDS, last, limit,
                                                                                       total)) == (offsets.RECORDS,)]
        self.phase = _PROBING
        self._probe = _Asked(last, (limits or [reading.limit(last)])[0], last, _LAST, [])

    def _after_last_page(self, asked: _Asked, page: list[dict[str, t.Any]], total: int) -> None:
        reading = self.reading
        fitting = offsets.kinds_fitting(asked.param, asked.limit, total, min(len(page), asked.limit))
        planned = reading.limit(asked.offset)
        if offsets.RECORDS in fitting:  # a page the listing needs if the offsets count records
            self._last_page = (asked.offset, planned), (page[:planned], total)
        # the same records whatever the offset counts, and the one page after the first: nothing left to tell
        same = asked.offset == reading.next_offset and all(
            offsets.page_start(kind, asked.param, asked.limit) == asked.offset for kind in fitting)
        if fitting == (offsets.RECORDS,) or (offsets.RECORDS in fitting and same):
            self._settle(offsets.RECORDS, sure=fitting == (offsets.RECORDS,) and total == reading.first_total)
            return
        reading.note(total)
        self._probe = _Asked(reading.step, reading.step, 1, _SECOND, [])

    def _after_second_page(self, asked: _Asked, page: list[dict[str, t.Any]], total: int) -> None:
        reading = self.reading
        reading.note(total)
        kind = offsets.kind_from_second_page(reading.first_keys, [self.source.key(entry) for entry in page])
        if kind == offsets.PAGES_FROM_0:  # offset 1 was the second page: kept for when the plan gets there
            self._last_page = (asked.offset, asked.limit), (page, total)
        elif kind not in (None, offsets.RECORDS):
            self._last_page = None
        self._settle(kind or offsets.RECORDS, sure=kind is not None and reading.steady)

    # -- the end of a reading -----------------------------------------------------------------------

    def _end_reading(self) -> None:
        self._cancel()
        self._probe = self._last_page = None
        reading = self.reading
        if self.phase != _PAGING:
            self._settle(offsets.RECORDS, sure=False)  # a reading that ended on its first page
        # not read again: a list that grew past the growth bound, or a reading stopped by a limit
        again = (not reading.steady and not reading.collector.full and len(self.readings) < READINGS_MAX
                 and not (reading.repeated or reading.hit_bound or reading.hit_page_limit)
                 and self.planned < MAX_PAGES)
        if not again:
            self.done = True
            return
        if not self.sure:  # told while the list changed (or not told at all): told again
            self.kind, self.phase = None, _FIRST
        self._read_again(plan_until=max(reading.last_total or 0, 1), step=reading.step)

    def entries(self) -> list[dict[str, t.Any]]:
        """The entries of the last reading, when it was whole; else of every reading, the last one's first."""
        last = self.reading
        if last.whole or len(self.readings) == 1:
            return list(last.collector.entries)
        merged: dict[t.Hashable, dict[str, t.Any]] = {}
        for reading in reversed(self.readings):
            for entry in reading.collector.entries:
                merged.setdefault(self.source.key(entry), entry)
        found = list(merged.values())
        return found if self.cap is None else found[:self.cap]
