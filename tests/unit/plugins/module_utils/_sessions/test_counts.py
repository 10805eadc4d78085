# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""count_only against the emulator over 127.0.0.1: one small request per status, whatever the size."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

import pytest
import responses

from ansible_collections.dataarts.fabric.tests.unit.plugins.clients import make_client
from ansible_collections.dataarts.fabric.plugins.module_utils._http.identity import TokenIdentity
from ansible_collections.dataarts.fabric.plugins.module_utils._config.types import Query
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.listing import run_queries
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.query import SessionQuery
from ansible_collections.dataarts.fabric.tests.emulator.fabric_emulator import FabricEmulator
from ansible_collections.dataarts.fabric.tests.unit.plugins.fake_fabric import ENDPOINT, URL_PATTERN, session_query

STATUSES = ('RUNNING', 'CLOSED', 'WAITING', 'CREATING', 'FAIL')


@pytest.fixture(scope='module')
def emulator():
    with FabricEmulator(workspaces={'ws-big': 100000}) as emu:
        yield emu


@pytest.fixture
def emu(emulator):
    emulator.reset()
    return emulator


def run(emu, query, workspaces=('ws-big',), concurrency=4):
    warnings = []
    with make_client(emu.url, TokenIdentity('emulator-token'), retries=0, concurrency=concurrency) as client:
        listings = run_queries(client, [SessionQuery(w, query) for w in workspaces], warnings.append)
    return listings, warnings


def test_counts_of_100000_sessions_take_six_small_requests(emu):
    [listing], warnings = run(emu, Query(count_only=True))
    held = emu.sessions('ws-big')
    assert listing.sessions == [] and listing.total == len(held) == 100000
    assert listing.counts == {status: sum(1 for s in held if s['status'] == status) for status in STATUSES}
    assert listing.as_result()['uncounted'] == 0 and warnings == []
    log = emu.requests_log()
    assert len(log) == 6 and {dict(entry['query'])['limit'] for entry in log} == {'1'}


def test_counts_of_the_statuses_asked_only(emu):
    [listing], _warnings = run(emu, Query(statuses=('FAIL', 'RUNNING'), count_only=True))
    held = emu.sessions('ws-big')
    assert listing.counts == {status: sum(1 for s in held if s['status'] == status) for status in ('FAIL', 'RUNNING')}
    assert listing.total == listing.counts['FAIL'] + listing.counts['RUNNING']
    assert 'uncounted' not in listing.as_result() and len(emu.requests_log()) == 2


def test_undocumented_statuses_are_reported_not_hidden(emu):
    [listing], warnings = run(emu, Query(count_only=True), workspaces=('ws-vendor',))
    held = emu.sessions('ws-vendor')
    documented = sum(1 for s in held if s['status'] in STATUSES)
    assert listing.total == len(held) and listing.as_result()['uncounted'] == len(held) - documented > 0
    assert any('other statuses (see uncounted)' in warning for warning in warnings)


def test_filters_go_with_every_count(emu):
    session = emu.sessions('ws-big')[0]
    [listing], _warnings = run(emu, Query(session_id=session['session_id'], count_only=True))
    assert listing.total == 1 and listing.counts[session['status']] == 1
    assert all(('session_id', session['session_id']) in map(tuple, entry['query']) for entry in emu.requests_log())


def test_many_workspaces_are_listed_side_by_side_in_term_order(emu):
    workspaces = ['ws-side-%d' % index for index in range(12)]
    for index, workspace in enumerate(workspaces):
        emu.put_workspace(workspace, count=index)
    listings, _warnings = run(emu, Query(), workspaces=workspaces, concurrency=4)
    assert [len(listing.sessions) for listing in listings] == list(range(12))
    assert [listing.sessions for listing in listings] == [emu.sessions(w) for w in workspaces]


def test_counts_that_add_up_to_more_than_the_total_never_give_a_negative_number(mock):
    def serve(request):
        query = dict(parse_qsl(urlsplit(request.url).query))
        total = 3 if 'status' in query else 10  # five statuses of 3 each, 15 in all, against a total of 10
        return 200, {}, json.dumps({'sessions': [], 'total': total})

    mock.add_callback(responses.GET, URL_PATTERN, callback=serve)
    warnings = []
    with make_client(ENDPOINT, TokenIdentity('t'), retries=0, concurrency=2) as client:
        [listing] = run_queries(client, [session_query('ws', count_only=True)], warnings.append)
    assert listing.as_result()['uncounted'] == 0 and listing.total == 10
    assert warnings == ['the service counts 10 sessions in workspace ws in all but 15 in the five documented'
                        ' statuses together: its counts disagree (sessions may have changed between the requests);'
                        ' uncounted is 0']
