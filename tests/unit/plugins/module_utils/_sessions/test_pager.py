# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json
import threading

import pytest
import responses

from ansible_collections.dataarts.fabric.tests.unit.plugins.clients import make_client
from ansible_collections.dataarts.fabric.plugins.module_utils._http.identity import AkSkIdentity, TokenIdentity
from ansible_collections.dataarts.fabric.plugins.module_utils._errors import FabricError
from ansible_collections.dataarts.fabric.plugins.module_utils._config.types import Query
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.listing import list_sessions
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.query import SessionQuery
from ansible_collections.dataarts.fabric.plugins.module_utils._http.limiter import AdaptiveLimit
from ansible_collections.dataarts.fabric.tests.unit.plugins.fake_fabric import (
    ENDPOINT,
    URL_PATTERN,
    FakeFabric,
    make_sessions,
    session_query,
)

VENDOR_SESSION = {'session_id': '284888e2-c36f-4bec-9b24-e5bf0b386ab0', 'status': 'RUNINNG',
                  'create_time': '2025-07-22T08:42:39.000+00:00',
                  'endpoint_info': {'id': '0470d220-aaaa-410e-a417-0d69a0215683', 'name': 'test2'},
                  'unknown_field': {'kept': [1, 2]}}


@pytest.fixture
def client():
    with make_client(ENDPOINT, TokenIdentity('t0ken'), retries=0) as fabric_client:
        yield fabric_client


def listing_of(client, workspace='ws', page_size=100, max_results=None, concurrency=1, **filters):
    query = session_query(workspace, page_size=page_size, max_results=max_results, **filters)
    return list_sessions(client, query, concurrency)


@pytest.mark.parametrize('count,page_size,offsets', [
    (0, 100, ['0']),
    (1, 100, ['0']),
    (100, 100, ['0']),
    (101, 100, ['0', '100']),
    # the first page, then the last (which tells record offsets from page numbers), then the others
    (250, 100, ['0', '200', '100']),
    (25, 10, ['0', '20', '10']),
])
def test_every_page_is_fetched_by_record_offset(mock, client, count, page_size, offsets):
    fake = FakeFabric(mock, {'ws': make_sessions(count)})
    listing = listing_of(client, page_size=page_size)
    assert listing.sessions == make_sessions(count)
    assert listing.total == count
    assert [q['offset'] for q in fake.queries] == offsets
    assert {q['limit'] for q in fake.queries} == {str(page_size)}


def test_a_short_page_ends_the_listing_even_if_total_says_more(mock, client):
    # A short page before the total only shows the service serves smaller pages: the next page, empty, ends it.
    # By the total, the last page starts at record 480: empty, as a service counting pages would answer, so
    # offset 1 is asked too; its answer (nothing) leaves records.
    sessions = make_sessions(30)
    mock.add(responses.GET, URL_PATTERN, json={'sessions': sessions, 'total': 500})
    mock.add(responses.GET, URL_PATTERN, json={'sessions': [], 'total': 500})
    listing = listing_of(client)
    assert listing.sessions == sessions and listing.total == 30
    assert listing.partial and listing.missing == 470
    assert listing.warnings == ['the session list of workspace ws is not whole: the service counts 500 sessions but'
                                ' its pages held 30 (470 not seen): its pages ended before the service\'s total'
                                ' (sessions may have been closed while it was listed, or the service counts what it'
                                ' does not list)']
    assert [call.request.url.rpartition('offset=')[2] for call in mock.calls] == ['0', '480', '1', '30']


def test_max_results_stops_early_and_asks_only_for_what_is_needed(mock, client):
    fake = FakeFabric(mock, {'ws': make_sessions(250)})
    listing = listing_of(client, max_results=150)
    assert listing.sessions == make_sessions(250)[:150]
    assert listing.total == 250
    assert [(q['offset'], q['limit']) for q in fake.queries] == [('0', '100'), ('100', '50')]


def test_sessions_and_unknown_values_pass_through_untouched(mock, client):
    mock.add(responses.GET, URL_PATTERN, json={'sessions': [VENDOR_SESSION], 'total': 1, 'extra': True})
    listing = listing_of(client)
    assert listing.sessions == [VENDOR_SESSION]
    assert listing.counts == {'RUNNING': 0, 'CLOSED': 0, 'WAITING': 0, 'CREATING': 0, 'FAIL': 0, 'RUNINNG': 1}


def test_several_statuses_are_one_query_each_merged_in_order(mock, client):
    sessions = make_sessions(23)
    fake = FakeFabric(mock, {'ws': sessions})
    listing = listing_of(client, statuses=('FAIL', 'RUNNING'), page_size=2)
    fail = [s for s in sessions if s['status'] == 'FAIL']
    running = [s for s in sessions if s['status'] == 'RUNNING']
    assert listing.sessions == fail + running
    assert listing.total == len(fail) + len(running)
    assert listing.counts['FAIL'] == len(fail) and listing.counts['RUNNING'] == len(running)
    assert listing.counts['CLOSED'] == 0
    assert sorted((q['status'], q['offset']) for q in fake.queries) == [
        ('FAIL', '0'), ('FAIL', '2'), ('RUNNING', '0'), ('RUNNING', '2'), ('RUNNING', '4')]


def test_max_results_across_statuses_still_counts_every_status(mock, client):
    fake = FakeFabric(mock, {'ws': make_sessions(50)})
    listing = listing_of(client, statuses=('RUNNING', 'FAIL'), max_results=5)
    assert [s['status'] for s in listing.sessions] == ['RUNNING'] * 5
    assert listing.total == 20
    assert sorted((q['status'], q['limit']) for q in fake.queries) == [('FAIL', '5'), ('RUNNING', '5')]


def test_filters_and_paging_are_sent_as_a_sorted_encoded_query(mock, client):
    fake = FakeFabric(mock, {'ws-1': make_sessions(3)})
    listing_of(client, workspace='ws-1', statuses=('CLOSED',), endpoint_id='ep-1', session_id='s-1', page_size=7)
    path, query, headers = fake.requests[0]
    assert path == '/v1/workspaces/ws-1/sessions'
    assert query == 'endpoint_id=ep-1&limit=7&offset=0&session_id=s-1&status=CLOSED'
    assert headers['X-Auth-Token'] == 't0ken'
    assert headers['User-Agent'].startswith('ansible-dataarts-fabric/')


def test_aksk_requests_carry_a_signature_over_the_sent_url(mock):
    fake = FakeFabric(mock, {'ws': make_sessions(1)})
    with make_client(ENDPOINT, AkSkIdentity('AK', 'SK', project_id='proj'), retries=0) as aksk_client:
        listing_of(aksk_client)
    headers = fake.requests[0][2]
    assert headers['Host'] == 'fabric.example.test' and headers['X-Project-Id'] == 'proj'
    assert headers['Authorization'].startswith('SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-project-id;x-sdk-date')
    assert 'X-Auth-Token' not in headers


def test_a_session_created_while_the_list_is_read_is_listed_once_after_a_second_reading(mock, client):
    sessions = make_sessions(150)
    fake = FakeFabric(mock, {'ws': sessions})
    created = [make_sessions(151)[150]]

    def new_session_arrives(current, query):
        if query['offset'] == '100' and created:
            current.insert(0, created.pop())

    fake.before_page = new_session_arrives
    listing = listing_of(client)
    ids = [s['session_id'] for s in listing.sessions]
    assert len(ids) == len(set(ids)) == 151
    assert not listing.partial and listing.total == 151 and listing.warnings == []
    # the first reading saw totals of 150 and 151: read again, whole
    assert [q['offset'] for q in fake.queries] == ['0', '100', '0', '100']


def test_unknown_workspace_raises_the_service_error(mock, client):
    FakeFabric(mock, {})
    with pytest.raises(FabricError) as caught:
        listing_of(client, workspace='nope')
    assert (caught.value.status, caught.value.error_code, caught.value.request_id) == (404, 'common.01000001', 'rid-404')


@pytest.mark.parametrize('body,problem', [
    ([], 'the body is a JSON list, not an object'),
    ({'total': 1}, '"sessions" is missing or not a list'),
    ({'sessions': {}, 'total': 1}, '"sessions" is missing or not a list'),
    ({'sessions': ['x'], 'total': 1}, 'an entry that is not an object'),
    ({'sessions': []}, '"total" is missing'),
    ({'sessions': [], 'total': '3'}, '"total" is missing or not a non-negative integer'),
    ({'sessions': [], 'total': True}, '"total" is missing or not a non-negative integer'),
])
def test_malformed_pages_fail_with_a_clear_message(mock, client, body, problem):
    mock.add(responses.GET, URL_PATTERN, body=json.dumps(body), headers={'X-Request-Id': 'rid-m'})
    with pytest.raises(FabricError) as caught:
        listing_of(client, page_size=2)
    assert problem in str(caught.value)
    assert caught.value.request_id == 'rid-m'


def test_a_page_longer_than_asked_keeps_the_first_limit_and_warns(mock, client):
    sessions = make_sessions(3)
    mock.add(responses.GET, URL_PATTERN, json={'sessions': sessions, 'total': 3})
    mock.add(responses.GET, URL_PATTERN, json={'sessions': sessions[2:], 'total': 3})
    listing = listing_of(client, page_size=2)
    assert listing.sessions == sessions and listing.total == 3
    assert listing.warnings == ['the service sent 1 page of workspace ws longer than asked: the extra sessions were'
                                ' ignored (the next pages hold them)']
    assert [call.request.url.rpartition('offset=')[2] for call in mock.calls] == ['0', '2']


def test_a_body_that_is_not_json_fails_cleanly(mock, client):
    mock.add(responses.GET, URL_PATTERN, body='<html>oops</html>', content_type='text/html')
    with pytest.raises(FabricError, match='with a body that is not JSON'):
        listing_of(client)


def test_a_redirect_is_not_followed(mock, client):
    mock.add(responses.GET, URL_PATTERN, status=302, headers={'Location': 'https://elsewhere.test/'})
    with pytest.raises(FabricError, match='redirects are not followed') as caught:
        listing_of(client)
    assert caught.value.status == 302
    assert len(mock.calls) == 1


def test_workspace_ids_are_percent_encoded_in_the_path():
    assert SessionQuery('a/b').path == '/v1/workspaces/a%2Fb/sessions'


def test_an_invalid_workspace_id_is_refused_before_any_request(mock):
    with pytest.raises(FabricError, match='workspace_id must be 1 to 36 characters'):
        SessionQuery.for_workspace('../x', Query())
    assert len(mock.calls) == 0


class InFlightCounter:
    """A responses callback wrapper that records the most requests it saw at the same time.

    The requests after the first (which tells the total) are held at a barrier until ``expected`` of them have
    arrived, so that the test proves they were in flight together whatever the machine's load; the barrier's
    timeout only bounds a pager that never sends them side by side.
    """

    def __init__(self, fake, expected):
        self.fake, self.now, self.peak, self.arrived = fake, 0, 0, 0
        self.lock = threading.Lock()
        self.barrier = threading.Barrier(expected, timeout=30)
        self.expected, self.together = expected, None

    def __call__(self, request):
        with self.lock:
            self.now += 1
            self.arrived += 1
            self.peak = max(self.peak, self.now)
            # the first page and the last (which tells what the offset counts) come alone
            held = 3 <= self.arrived <= self.expected + 2
        try:
            if held:
                try:
                    self.barrier.wait()
                    self.together = self.together is not False
                except threading.BrokenBarrierError:
                    self.together = False
            return self.fake._serve(request)
        finally:
            with self.lock:
                self.now -= 1


@pytest.mark.parametrize('concurrency', [1, 3, 8])
def test_concurrent_pages_keep_the_service_order_and_bound_what_is_in_flight(concurrency):
    sessions = make_sessions(1234)
    with responses.RequestsMock() as mock:
        fake = FakeFabric(None, {'ws': sessions})
        counter = InFlightCounter(fake, concurrency)
        mock.add_callback(responses.GET, URL_PATTERN, callback=counter)
        with make_client(ENDPOINT, TokenIdentity('t'), retries=0, concurrency=concurrency) as client:
            listing = listing_of(client, concurrency=concurrency)
    assert listing.sessions == sessions and listing.total == 1234
    assert sorted(int(q['offset']) for q in fake.queries) == list(range(0, 1234, 100))
    assert counter.together is True and counter.peak <= concurrency


def test_concurrent_listing_stops_at_max_results(mock):
    fake = FakeFabric(mock, {'ws': make_sessions(1000)})
    with make_client(ENDPOINT, TokenIdentity('t'), retries=0, concurrency=4) as client:
        listing = listing_of(client, max_results=250, concurrency=4)
    assert listing.sessions == make_sessions(1000)[:250]
    assert sorted((int(q['offset']), q['limit']) for q in fake.queries) == [(0, '100'), (100, '100'), (200, '50')]


def test_a_list_growing_during_a_concurrent_listing_is_read_to_its_new_end(mock):
    fake = FakeFabric(mock, {'ws': make_sessions(300)})
    extra = make_sessions(305)[300:]

    def grow_once(current, query):
        if query['offset'] == '200' and extra:
            current.extend(extra[:5])
            del extra[:5]

    fake.before_page = grow_once
    with make_client(ENDPOINT, TokenIdentity('t'), retries=0, concurrency=4) as client:
        listing = listing_of(client, concurrency=4)
    assert [s['session_id'] for s in listing.sessions] == [s['session_id'] for s in make_sessions(305)]
    assert listing.total == 305 and not listing.partial and listing.warnings == []


def test_the_in_flight_limit_halves_on_throttling_and_grows_back():
    limit = AdaptiveLimit(8)
    limit.throttled()
    limit.throttled()
    assert limit.current == 2
    for _success in range(4):
        limit.succeeded()
    assert limit.current == 3
    for _success in range(100):
        limit.succeeded()
    assert limit.current == 8
    for _throttle in range(10):
        limit.throttled()
    assert limit.current == 1


def test_a_429_slows_the_client_down(mock):
    mock.add(responses.GET, URL_PATTERN, status=429, json={'error_code': 'APIG.1015', 'error_msg': 'throttled'})
    mock.add(responses.GET, URL_PATTERN, json={'sessions': [], 'total': 0})
    with make_client(ENDPOINT, TokenIdentity('t'), retries=1, backoff=0, concurrency=8) as client:
        listing_of(client)
        assert client.in_flight.current == 4
