# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""What a pager read, and whether it is whole: the entries, the total, what it could not see, the warnings.

A listing is whole when its last reading was steady (the list did not change while it was read), went to the end
of the list, and the service sent as many distinct entries as its own total counts (or max_results were listed).
Otherwise it is partial, and its warning names the service's count and what the listing holds.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field

from .._config.schema import MAX_PAGES
from .pager import Pager
from .passes import STALE_PAGES_MAX


@dataclass
class Listed:
    entries: list[dict[str, t.Any]]
    total: int
    complete: bool
    missing: int
    warnings: list[str] = field(default_factory=list)


def _why(pager: Pager) -> str:
    """Why a listing is not whole, in words."""
    last, noun = pager.reading, pager.source.noun
    if last.repeated:
        return ('the service answered %d pages in a row with %s already listed (it seems to ignore the offset)'
                % (STALE_PAGES_MAX, noun))
    if last.hit_page_limit and not last.ended:
        return ('it stopped after %d pages, the most one listing reads; use max_results, or narrow it with status'
                ' or endpoint_id' % MAX_PAGES)
    if last.hit_bound and not last.ended:
        totals = (last.first_total or 0, last.last_total or 0)
        return ('the list kept growing while it was read (first total %d, last %d): it stopped at twice the first'
                ' total plus a window of pages; use max_results to bound it' % totals)
    if not last.steady:
        return ('the list changed while it was read, in each of %d readings, so %s that were there all along may be'
                ' missing' % (len(pager.readings), noun))
    return ('its pages ended before the service\'s total (%s may have been closed while it was listed, or the'
            ' service counts what it does not list)' % noun)


def listed(pager: Pager) -> Listed:
    readings, last, source = pager.readings, pager.reading, pager.source
    entries = pager.entries()
    reported = last.last_total or 0
    capped = last.collector.full
    seen_keys = set(last.collector.seen)
    if not last.whole:
        for reading in readings[:-1]:
            seen_keys |= reading.collector.seen
    seen = len(seen_keys)
    complete = last.whole
    expected = reported if pager.cap is None else min(pager.cap, reported)
    missing = 0 if complete else max(0, expected - seen)
    total = len(entries) if last.ended and not capped else max(reported, len(entries))
    warnings = []
    if not complete:
        warnings.append('the %s list of %s is not whole: the service counts %d %s but its pages held %d%s: %s'
                        % (source.list_name.rstrip('s'), source.where, reported, source.noun, seen,
                           ' (%d not seen)' % missing if missing else '', _why(pager)))
    elif not capped and seen != reported:
        warnings.append('the service counted %d %s in %s but its pages held %d: returning what the pages held'
                        % (reported, source.noun, source.where, seen))
    dropped = sum(reading.collector.dropped for reading in readings)
    if dropped:
        warnings.append('the service returned %d %s of %s that do not match the filters asked: they were dropped'
                        % (dropped, source.noun, source.where))
    longer = sum(reading.longer_pages for reading in readings)
    if longer:
        warnings.append('the service sent %d page%s of %s longer than asked: the extra %s were ignored (the next'
                        ' pages hold them)' % (longer, '' if longer == 1 else 's', source.where, source.noun))
    return Listed(entries, total, complete, missing, warnings)
