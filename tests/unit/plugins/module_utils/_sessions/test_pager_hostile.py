# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The pager against generated service behaviour: lying, growing and shrinking totals, pages shorter or
longer than asked, duplicate and missing IDs, ignored filters and failures. On every example: the listing
ends within the request bound, returns only sessions the service sent that match the filters, each ID
once, and a failure is a FabricError."""

from __future__ import annotations

import threading
import typing as t
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.dataarts.fabric.plugins.module_utils._config.types import Query
from ansible_collections.dataarts.fabric.plugins.module_utils._errors import FabricError
from ansible_collections.dataarts.fabric.plugins.module_utils._config.schema import MAX_PAGES
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions import offsets
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.listing import list_sessions
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.pager import READINGS_MAX
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.query import SessionQuery
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.result import CONFLICT_FIELD, CONFLICTING
from ansible_collections.dataarts.fabric.plugins.module_utils._http.client import JsonResponse

STATUSES = ('RUNNING', 'CLOSED', 'WAITING', 'CREATING', 'FAIL')
HARD_LIMIT = 25000  # a pager that gets here is unbounded: the fake service refuses to go on


@dataclass
class Service:
    """A workspace as a misbehaving gateway serves it."""

    sessions: list[dict[str, t.Any]]
    total_rule: str  # 'true', 'constant', 'ahead', 'growing', 'shrinking'
    total_value: int
    page_cap: int | None  # serves at most this many per page
    extra: int  # serves this many more than asked
    ignore_filters: bool
    endless: bool  # every page is full, whatever the offset
    fail_at: int | None  # the request (by count) that fails

    concurrency: t.ClassVar[int] = 1  # as the connection of a client says
    base_url: t.ClassVar[str] = 'https://fabric.test'

    def __post_init__(self) -> None:
        self.requests: list[tuple[int, int]] = []
        self.first_totals: dict[str | None, int] = {}
        self.totals: dict[str | None, list[int]] = {}
        self._lock = threading.Lock()

    def get_json(self, path: str, pairs: list[tuple[str, str]]) -> JsonResponse:
        query = dict(pairs)
        offset, limit = int(query['offset']), int(query['limit'])
        with self._lock:
            self.requests.append((offset, limit))
            count = len(self.requests)
        if count > HARD_LIMIT:
            raise AssertionError('the pager made more than %d requests' % HARD_LIMIT)
        if self.fail_at is not None and count == self.fail_at:
            raise FabricError('GET %s failed: HTTP 503' % path, status=503)
        served = self._matching(query)
        length = limit + self.extra if self.page_cap is None else min(self.page_cap, limit + self.extra)
        page = served[offset:offset + length]
        size = len(served)
        if self.endless:  # made up to the page's end: every page is full
            page += [{'session_id': 'endless-%d' % index, 'status': 'RUNNING'}
                     for index in range(max(offset + len(page), size), offset + length)]
            size = max(size, offset + length)
        total = self._total(size, offset, limit, count)
        with self._lock:
            self.first_totals.setdefault(query.get('status'), total)
            self.totals.setdefault(query.get('status'), []).append(total)
        return JsonResponse({'sessions': page, 'total': total}, 'rid', 'https://fabric.test' + path)

    def _matching(self, query: dict[str, str]) -> list[dict[str, t.Any]]:
        if self.ignore_filters:
            return self.sessions
        return [s for s in self.sessions if all(
            s.get(name) == query[name] for name in ('status', 'session_id') if name in query)]

    def _total(self, true: int, offset: int, limit: int, count: int) -> int:
        return {'true': true, 'constant': self.total_value, 'ahead': offset + 2 * limit,
                'growing': true + count * self.total_value,
                'shrinking': max(0, true - count * self.total_value)}[self.total_rule]


def session_lists():
    session = st.fixed_dictionaries({
        'session_id': st.one_of(st.sampled_from(['s-%d' % i for i in range(300)]), st.none(), st.just(7)),
        'status': st.sampled_from(STATUSES + ('RUNINNG',)),
    })
    return st.lists(session, max_size=400)


services = st.builds(
    Service,
    sessions=session_lists(),
    total_rule=st.sampled_from(['true', 'true', 'constant', 'ahead', 'growing', 'shrinking']),
    total_value=st.sampled_from([0, 1, 7, 250, 10 ** 9]),
    page_cap=st.none() | st.integers(1, 60),
    extra=st.sampled_from([0, 0, 3]),
    ignore_filters=st.booleans(),
    endless=st.booleans(),
    fail_at=st.none() | st.integers(1, 12),
)
queries = st.builds(
    Query,
    statuses=st.sampled_from([(None,), ('RUNNING',), ('FAIL', 'RUNNING')]),
    session_id=st.none() | st.sampled_from(['s-1', 's-2']),
    page_size=st.integers(1, 100),
    max_results=st.none() | st.integers(1, 500),
)


def _reading_bound(total: int, query: Query, smallest: int, window: int) -> int:
    """One reading: the pages up to the growth bound (twice its first total plus a window of pages) at the smallest
    page length, plus the pages dropped when the page length turned out smaller, plus one."""
    return min(MAX_PAGES, (2 * total + window * query.page_size + 1) // smallest) + 2 * window + 2


def request_bound(service: Service, query: Query, window: int) -> int:
    """Per status queried: the first reading and the two requests that tell what the offset counts; when the
    totals the service told changed, two more readings, each bounded by the largest total it told."""
    smallest = min(query.page_size, service.page_cap or query.page_size)
    bound = 0
    for status, first in service.first_totals.items():
        bound += _reading_bound(first, query, smallest, window) + 2
        if len(set(service.totals[status])) > 1:
            bound += (READINGS_MAX - 1) * _reading_bound(max(service.totals[status]), query, smallest, window)
    return bound


@settings(max_examples=400, deadline=None)
@given(service=services, query=queries, window=st.integers(1, 6))
def test_any_service_behaviour_gives_a_bounded_clean_listing(service, query, window):
    offsets.forget()  # every example is a run of its own
    workspace = SessionQuery('ws-1', query)
    try:
        listing = list_sessions(service, workspace, concurrency=window)
    except FabricError as error:
        assert service.fail_at is not None and 'GET /v1/workspaces/ws-1/sessions' in str(error)
        return
    assert len(service.requests) <= request_bound(service, query, window)
    sent_ids = {repr(sorted(s.items())) for s in service.sessions}
    keys = [s.get('session_id') for s in listing.sessions if isinstance(s.get('session_id'), str)]
    assert len(keys) == len(set(keys)), 'a session ID is returned twice'
    for session in listing.sessions:
        copies = [session]
        if session.get('status') == CONFLICTING:  # listed with several statuses: each copy was sent, none chosen
            assert session[CONFLICT_FIELD] == listing.conflicts[session['session_id']]
            plain = {name: value for name, value in session.items() if name != CONFLICT_FIELD}
            copies = [dict(plain, status=status) for status in session[CONFLICT_FIELD]]
        for copy in copies:
            assert repr(sorted(copy.items())) in sent_ids or str(copy.get('session_id')).startswith('endless-')
            if query.statuses != (None,):
                assert copy['status'] in query.statuses
        if query.session_id is not None:
            assert session['session_id'] == query.session_id
    if query.max_results is not None:
        assert len(listing.sessions) <= query.max_results
    assert isinstance(listing.total, int) and listing.total >= 0


@pytest.mark.parametrize('window', [1, 4])
def test_a_total_of_a_billion_with_pages_running_empty_after_300(window):
    service = Service([{'session_id': 's-%d' % i, 'status': 'RUNNING'} for i in range(300)], 'constant',
                      10 ** 9, None, 0, False, False, None)
    listing = list_sessions(service, SessionQuery('ws-1', Query()), concurrency=window)
    assert len(listing.sessions) == 300 and listing.total == 300
    # the pages, a window planned past the end, and the two requests that tell what the offset counts
    assert len(service.requests) <= 3 + window + 1 + 2
    assert listing.partial and listing.missing == 10 ** 9 - 300
    assert any('1000000000' in warning and '300' in warning for warning in listing.warnings)


def test_full_pages_forever_end_at_the_page_limit():
    service = Service([], 'constant', 10 ** 9, None, 0, False, True, None)
    listing = list_sessions(service, SessionQuery('ws-1', Query(page_size=100)), concurrency=4)
    assert MAX_PAGES <= len(service.requests) <= MAX_PAGES + 4
    assert listing.partial
    assert any('not whole' in warning and 'stopped after %d pages' % MAX_PAGES in warning
               for warning in listing.warnings)


def test_a_total_always_one_page_ahead_ends_at_the_growth_bound():
    service = Service([], 'ahead', 0, None, 0, False, True, None)
    listing = list_sessions(service, SessionQuery('ws-1', Query(page_size=100)), concurrency=4)
    assert len(service.requests) < 20
    assert any('kept growing' in warning for warning in listing.warnings)


def test_smaller_pages_than_asked_are_followed_to_the_end():
    """A gateway serving 10 per page while 100 are asked: every one of 250 sessions, the FAIL one included."""
    sessions = [{'session_id': 's-%d' % i, 'status': 'FAIL' if i == 249 else 'RUNNING'} for i in range(250)]
    service = Service(sessions, 'true', 0, 10, 0, False, False, None)
    listing = list_sessions(service, SessionQuery('ws-1', Query()), concurrency=4)
    assert [s['session_id'] for s in listing.sessions] == ['s-%d' % i for i in range(250)]
    assert listing.total == 250 and listing.counts['FAIL'] == 1


def test_a_service_ignoring_the_session_filter_cannot_turn_a_check_green():
    sessions = [{'session_id': 'other', 'status': 'RUNNING'}, {'session_id': 'mine', 'status': 'CREATING'}]
    service = Service(sessions, 'true', 0, None, 0, True, False, None)
    listing = list_sessions(service, SessionQuery('ws-1', Query(session_id='mine')))
    assert listing.sessions == [{'session_id': 'mine', 'status': 'CREATING'}]
    assert any('do not match the filters' in warning for warning in listing.warnings)


def test_a_complete_honest_listing_has_no_warning_and_no_extra_request():
    sessions = [{'session_id': 's-%d' % i, 'status': 'RUNNING'} for i in range(250)]
    service = Service(sessions, 'true', 0, None, 0, False, False, None)
    listing = list_sessions(service, SessionQuery('ws-1', Query()), concurrency=4)
    assert len(listing.sessions) == 250 and listing.warnings == []
    assert sorted(service.requests) == [(0, 100), (100, 100), (200, 100)]


def test_a_repeated_page_of_sessions_without_ids_ends_the_listing():
    sessions = [{'status': 'RUNNING', 'n': index} for index in range(100)]
    service = Service(sessions, 'constant', 10 ** 9, None, 0, False, False, None)
    real = service.get_json

    def ignoring_the_offset(path, pairs):
        return real(path, [(name, '0' if name == 'offset' else value) for name, value in pairs])

    service.get_json = ignoring_the_offset
    listing = list_sessions(service, SessionQuery('ws-1', Query()), concurrency=4)
    assert len(listing.sessions) == 100 and len(service.requests) < 20
    assert any('ignore the offset' in warning for warning in listing.warnings)
