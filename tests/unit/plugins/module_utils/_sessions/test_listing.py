# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A session that changes status while a workspace is listed shows up twice, RUNNING and FAIL: the listing
names it in a warning and decides on neither, and a check of FAIL still sees it."""

from __future__ import annotations

import pytest

from ansible_collections.dataarts.fabric.plugins.module_utils._http.identity import TokenIdentity
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.listing import run_queries
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.result import CONFLICT_FIELD, CONFLICTING
from ansible_collections.dataarts.fabric.tests.unit.plugins.clients import make_client
from ansible_collections.dataarts.fabric.tests.unit.plugins.fake_fabric import ENDPOINT, FakeFabric, session_query


def listed(mock, sessions, change, **query):
    fake = FakeFabric(mock, {'ws': sessions})
    fake.before_page = change
    warnings = []
    with make_client(ENDPOINT, TokenIdentity('t'), retries=0, concurrency=1) as client:
        [listing] = run_queries(client, [session_query('ws', **query)], warnings.append)
    return listing, warnings


def session(key, status):
    return {'session_id': key, 'status': status, 'endpoint_info': {'id': 'ep-1', 'name': 'ep 1'}}


def fail_once_running_was_read(sessions, query):
    if query.get('status') == 'FAIL':
        sessions[0]['status'] = 'FAIL'


def shift_and_fail(sessions, query):
    if query.get('offset') == '1' and len(sessions) == 2:
        sessions[0]['status'] = 'FAIL'
        sessions.insert(0, session('s-new', 'CREATING'))


def test_a_list_that_changes_while_read_is_read_again_and_shows_the_latest_status(mock):
    """Pages of every status, shifted by a new session while s-1 turns FAIL: the total changed, so the list is
    read again (pager.py), and the steady reading shows s-1 once, FAIL: a gate on FAIL sees it."""
    listing, warnings = listed(mock, [session('s-1', 'RUNNING'), session('s-2', 'WAITING')], shift_and_fail,
                               page_size=1)
    assert [(s['session_id'], s['status']) for s in listing.sessions if s['session_id'] == 's-1'] == [('s-1', 'FAIL')]
    assert listing.counts['FAIL'] == 1 and not listing.partial
    assert not [w for w in warnings if 'different statuses' in w]


@pytest.mark.parametrize('change, query', [
    (fail_once_running_was_read, {'statuses': ('RUNNING', 'FAIL')}),  # side by side
])
def test_a_session_listed_running_and_fail_is_named_and_decided_on_neither(mock, change, query):
    listing, warnings = listed(mock, [session('s-1', 'RUNNING'), session('s-2', 'WAITING')], change, **query)
    [conflicting] = [s for s in listing.sessions if s['session_id'] == 's-1']
    assert conflicting['status'] == CONFLICTING and conflicting[CONFLICT_FIELD] == ['RUNNING', 'FAIL']
    assert listing.counts['FAIL'] == 1 and listing.counts['RUNNING'] == 1  # a gate on FAIL sees it
    assert [s['session_id'] for s in listing.sessions].count('s-1') == 1
    assert [w for w in warnings if 'different statuses' in w] == [
        'the service listed 1 session of workspace ws more than once with different statuses: s-1 (RUNNING and FAIL).'
        ' They may have changed while they were listed; each is returned once with status CONFLICTING and the'
        ' statuses listed in conflicting_statuses (and counted under each), never as one of them']


def test_one_id_listed_twice_in_one_listing_with_two_statuses_is_decided_on_neither(mock):
    listing, warnings = listed(mock, [session('s-1', 'RUNNING'), session('s-1', 'FAIL'), session('s-2', 'WAITING')],
                               None)
    [conflicting] = [s for s in listing.sessions if s['session_id'] == 's-1']
    assert conflicting['status'] == CONFLICTING and conflicting[CONFLICT_FIELD] == ['RUNNING', 'FAIL']
    assert listing.counts['FAIL'] == 1 and listing.counts['RUNNING'] == 1
    assert [w for w in warnings if 'different statuses' in w and 's-1 (RUNNING and FAIL)' in w]
