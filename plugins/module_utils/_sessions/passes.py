# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""One reading of a list from its first page to its end: what it kept, what the service said, how it ended.

A reading is steady when every answer of it carried the same total: the list did not change while it was read
(or changed by as many sessions created as closed between two answers, which no client of this API can see), so
its pages are slices of one list and it misses nothing that was there. The pager reads again when a reading was
not steady.
"""

from __future__ import annotations

import typing as t

from .._config.schema import MAX_PAGES
from .offsets import MAX_OFFSET
from .source import PageSource

# Pages in a row that held entries but nothing new: the service repeats itself rather than paging.
STALE_PAGES_MAX = 3
# Times the page length may turn out smaller while pages are planned ahead; after that, one page at a time.
REPLANS_AHEAD = 2
NEXT, REPLAN, END = 'next', 'replan', 'end'
Page = t.Tuple[t.List[t.Dict[str, t.Any]], int]


class Collector:
    """The entries kept from the pages: in order, each key once, only those asked for, at most ``cap``; and the
    keys of every entry the service sent (asked for or not), which the service's total counts."""

    def __init__(self, source: PageSource, cap: int | None) -> None:
        self.source, self.cap = source, cap
        self.entries: list[dict[str, t.Any]] = []
        self.dropped = 0
        self.seen: set[t.Hashable] = set()
        self._kept: dict[t.Hashable, list[t.Any]] = {}  # key -> the statuses of the copies kept

    @property
    def full(self) -> bool:
        return self.cap is not None and len(self.entries) >= self.cap

    def add(self, page: t.Iterable[dict[str, t.Any]]) -> int:
        """Keep what is new of a page; how many entries the service had not sent before."""
        before = len(self.seen)
        for entry in page:
            if self.full:
                break
            key = self.source.key(entry)
            self.seen.add(key)
            if not self.source.matches(entry):
                self.dropped += 1
            elif key not in self._kept:
                self._kept[key] = [entry.get('status')]
                self.entries.append(entry)
            elif entry.get('status') not in self._kept[key]:
                # the same entry with another status: kept too, so that the merge marks it conflicting
                # (result.UniqueSessions) rather than the first copy winning in silence
                self._kept[key].append(entry.get('status'))
                self.entries.append(entry)
        return len(self.seen) - before


class Reading:
    """The state of one reading: planned from record offset 0, a page of ``step`` records at a time."""

    def __init__(self, source: PageSource, cap: int | None, step: int, window: int, aligned: bool,
                 plan_until: int) -> None:
        self.collector = Collector(source, cap)
        self.cap, self.step, self.window, self.aligned = cap, step, window, aligned
        self.asked_size = step
        self.totals: list[int] = []  # every total an answer of this reading carried, probes included
        self.first_total: int | None = None
        self.last_total: int | None = None
        self.first_keys: list[t.Hashable] = []
        self.plan_until = plan_until  # no page is planned at or past this record offset
        self.next_offset = 0
        self.bound: int | None = None
        self.prefetched: dict[tuple[int, int], Page] = {}  # answers already in hand, by (offset, limit)
        self.ended = self.hit_bound = self.hit_page_limit = self.repeated = False
        self.stale_pages = self.replans = self.longer_pages = 0

    @property
    def steady(self) -> bool:
        return len(set(self.totals)) <= 1

    @property
    def whole(self) -> bool:
        """Read to its end, and as long as the service says (or capped as asked)."""
        if self.collector.full:
            return True
        return self.ended and self.steady and len(self.collector.seen) >= (self.last_total or 0)

    def limit(self, offset: int) -> int:
        """Pages are a grid of ``step`` records when the offset counts pages: only the collector stops at the cap."""
        if self.cap is None or self.aligned:
            return self.step
        return min(self.step, self.cap - offset)

    def may_plan(self, offset: int, planned: int) -> bool:
        """Whether the page at ``offset`` belongs to this reading (False past its end or a limit)."""
        if offset >= self.plan_until or (self.cap is not None and offset >= self.cap):
            return False
        if self.bound is not None and offset >= self.bound:
            self.hit_bound = True
            return False
        if planned >= MAX_PAGES or offset > MAX_OFFSET:
            self.hit_page_limit = True
            return False
        return True

    def note(self, total: int) -> None:
        """A total the service answered (with a page, or with a probe)."""
        self.totals.append(total)
        if self.first_total is None:
            self.first_total = total
            self.bound = 2 * total + self.window * self.asked_size + 1
        self.last_total = total

    def take(self, offset: int, limit: int, page: list[dict[str, t.Any]], total: int) -> str:
        """Keep one page (in the order of the offsets) and say how the reading goes on: NEXT, REPLAN or END."""
        self.note(total)
        if len(page) > limit:
            self.longer_pages += 1
            page = page[:limit]
        if offset == 0 and not self.first_keys:
            self.first_keys = [self.collector.source.key(entry) for entry in page]
        self.stale_pages = 0 if self.collector.add(page) or not page else self.stale_pages + 1
        end = offset + len(page)
        if self.collector.full:
            return END
        if self.stale_pages >= STALE_PAGES_MAX:
            self.repeated = True  # the pages only repeat what was listed: the service ignores the offset
            return END
        if not page or (len(page) < limit and end >= total) or (len(page) == limit and end == total):
            self.ended = True  # an empty page, the last short page, or a full page ending at the total
            return END
        if len(page) < limit:  # the service serves smaller pages: go on from where this one ended
            self.step = len(page)
            self.next_offset = end // self.step * self.step if self.aligned else end
            self.plan_until = max(total, end + self.step)
            self.replans += 1
            if self.replans > REPLANS_AHEAD:
                self.window = 1  # page lengths keep changing: no more pages are planned ahead to be dropped
            return REPLAN
        self.plan_until = max(total, end + self.step)
        return NEXT
