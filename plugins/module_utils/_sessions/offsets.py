# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""What the ``offset`` of a list request counts, and how a listing tells it from the answers.

The API says "offset where a query starts" (sessions-api.md, section 1): records, most likely, but the same API
family numbers pages elsewhere. Three readings are told apart:

- RECORDS: the offset is the number of records skipped;
- PAGES_FROM_0: the offset is the index of a page of ``limit`` records, the first page being 0;
- PAGES_FROM_1: the offset is the number of a page, the first page being 1 (0 is read as 1).

Every reading answers offset 0 the same way, so a listing that fits one page never needs to know. When the first
page shows that more follow, the pager asks for the LAST page by record offset before any other: a records service
answers it with the length the total predicts (and it is a page the listing needs anyway: no extra request), a
page-counting one with an empty page. Only then is offset 1 asked: the same records as the first page (pages from
1), the first page moved by one record (records, with a total that lies), or other records (pages from 0, and
then it is the second page). What is learnt is kept per service base URL and list for the rest of the process.
"""

from __future__ import annotations

import collections
import threading
import typing as t

RECORDS = 'records'
PAGES_FROM_0 = 'pages from 0'
PAGES_FROM_1 = 'pages from 1'
KINDS = (RECORDS, PAGES_FROM_0, PAGES_FROM_1)
# The API's documented largest offset.
MAX_OFFSET = 1000000000
# Services (base URL and list) whose offsets a process remembers; the least recently used is forgotten.
MEMO_SIZE = 32

_memo: collections.OrderedDict[tuple[str, str], str] = collections.OrderedDict()
_memo_lock = threading.Lock()


def learnt(base_url: str, list_name: str) -> str | None:
    """What the offsets of this list of this service count, if a listing of this process has learnt it."""
    with _memo_lock:
        kind = _memo.get((base_url, list_name))
        if kind is not None:
            _memo.move_to_end((base_url, list_name))
        return kind


def learn(base_url: str, list_name: str, kind: str) -> None:
    with _memo_lock:
        _memo[(base_url, list_name)] = kind
        _memo.move_to_end((base_url, list_name))
        while len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)


def forget() -> None:
    """Forget everything learnt (a new run in the same process, and tests)."""
    with _memo_lock:
        _memo.clear()


def offset_param(kind: str | None, record_offset: int, step: int) -> int:
    """The ``offset`` to send for the page that starts at ``record_offset`` (a multiple of ``step`` for pages)."""
    if kind in (None, RECORDS):
        return record_offset
    page = record_offset // step
    return page + 1 if kind == PAGES_FROM_1 else page


def page_start(kind: str, param: int, limit: int) -> int:
    """The first record a service of this kind answers for ``offset=param&limit=limit``."""
    if kind == RECORDS:
        return param
    if kind == PAGES_FROM_0:
        return param * limit
    return max(param - 1, 0) * limit


def expected_length(kind: str, param: int, limit: int, total: int) -> int:
    return min(limit, max(0, total - page_start(kind, param, limit)))


def kinds_fitting(param: int, limit: int, total: int, length: int) -> tuple[str, ...]:
    """The readings under which a page of ``length`` records is what ``offset=param`` of ``total`` gives."""
    return tuple(kind for kind in KINDS if expected_length(kind, param, limit, total) == length)


def last_page(wanted: int, step: int) -> int:
    """The record offset of the last page of ``wanted`` records read ``step`` at a time (within MAX_OFFSET)."""
    last = (max(wanted, 1) - 1) // step * step
    return min(last, MAX_OFFSET // step * step)


def kind_from_second_page(first: t.Sequence[t.Hashable], second: t.Sequence[t.Hashable]) -> str | None:
    """What ``offset=1`` tells, given the keys of the first page and of its answer (None: nothing, it was empty).

    Mostly other records: pages from 0. Mostly the same records: at the same places, pages from 1 (offset 1 is
    the first page again); moved by one, records (the service's total does not hold).
    """
    if not second or not first:
        return None
    common = len(set(first) & set(second))
    if 2 * common < min(len(first), len(second)):
        return PAGES_FROM_0
    same = sum(1 for one, other in zip(first, second) if one == other)
    moved = sum(1 for one, other in zip(first[1:], second) if one == other)
    return RECORDS if moved > same else PAGES_FROM_1
