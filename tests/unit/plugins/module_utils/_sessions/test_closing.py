# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""state=absent against the emulator: one session read before and after, many closed side by side within
concurrency, check mode sending no DELETE, a partial listing refused, a failure partway naming what was closed."""

from __future__ import annotations

import threading

import pytest

from ansible_collections.dataarts.fabric.plugins.module_utils._errors import FabricError
from ansible_collections.dataarts.fabric.plugins.module_utils._http.identity import TokenIdentity
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions import closing
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.executor import CallExecutor
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.report import Outcome
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.result import SessionListing
from ansible_collections.dataarts.fabric.tests.emulator.fabric_emulator import FabricEmulator
from ansible_collections.dataarts.fabric.tests.unit.plugins.clients import make_client
from ansible_collections.dataarts.fabric.tests.unit.plugins.fake_fabric import session_query

STUCK = ['stuck-%d' % index for index in range(7)]


@pytest.fixture(scope='module')
def emulator():
    with FabricEmulator() as emu:
        yield emu


@pytest.fixture
def emu(emulator):
    emulator.reset()
    emulator.put_workspace('ws', sessions=[{'session_id': session_id, 'status': 'WAITING'} for session_id in STUCK]
                           + [{'session_id': 'busy', 'status': 'RUNNING'}, {'session_id': 'gone', 'status': 'CLOSED'}])
    yield emulator


def run(emu, work, concurrency=4):
    with make_client(emu.url, TokenIdentity('emulator-token'), retries=0, concurrency=concurrency) as client:
        with client.call(), CallExecutor(concurrency) as executor:
            work(client, executor)


def requests_of(emu, method):
    return [entry['path'].rsplit('/', 1)[-1] for entry in emu.requests_log() if entry['method'] == method]


def statuses(emu):
    return {session['session_id']: session['status'] for session in emu.sessions('ws')}


def test_close_one_reads_closes_and_reads_again(emu):
    outcome = Outcome(check_mode=False)
    run(emu, lambda client, _executor: closing.close_one(client, session_query('ws'), 'busy', outcome))
    [change] = outcome.changes
    assert (change.before['status'], change.after['status'], change.changed) == ('RUNNING', 'CLOSED', True)
    assert [(e['method'], e['path'].rsplit('/', 1)[-1]) for e in emu.requests_log()] == [
        ('GET', 'busy'), ('DELETE', 'busy'), ('GET', 'busy')]


@pytest.mark.parametrize('session_id, changes', [('gone', 1), ('nobody', 0)])
def test_a_closed_or_unknown_session_is_absent_already(emu, session_id, changes):
    outcome = Outcome(check_mode=False)
    run(emu, lambda client, _executor: closing.close_one(client, session_query('ws'), session_id, outcome))
    assert len(outcome.changes) == changes and not outcome.changed
    assert requests_of(emu, 'DELETE') == []


def test_close_matching_closes_every_match_side_by_side_in_listing_order(emu, monkeypatch):
    in_flight, most = [0], [0]
    lock = threading.Lock()
    after_close = closing._after_close

    def counted(*args):
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        try:
            return after_close(*args)
        finally:
            with lock:
                in_flight[0] -= 1

    monkeypatch.setattr(closing, '_after_close', counted)
    outcome = Outcome(check_mode=False)
    run(emu, lambda client, executor: closing.close_matching(
        client, session_query('ws', statuses=('WAITING',)), outcome, executor), concurrency=3)
    assert [change.session_id for change in outcome.changes] == STUCK
    assert all(change.after['status'] == 'CLOSED' and change.changed for change in outcome.changes)
    assert sorted(requests_of(emu, 'DELETE')) == sorted(STUCK)
    assert most[0] <= 3
    assert statuses(emu)['busy'] == 'RUNNING'


def test_check_mode_lists_and_sends_no_delete(emu):
    outcome = Outcome(check_mode=True)
    run(emu, lambda client, executor: closing.close_matching(
        client, session_query('ws', statuses=('WAITING', 'RUNNING')), outcome, executor))
    assert [change.session_id for change in outcome.changes] == STUCK + ['busy']
    assert all(change.after is None and change.changed for change in outcome.changes)
    assert {entry['method'] for entry in emu.requests_log()} == {'GET'}
    assert statuses(emu)['busy'] == 'RUNNING'


def test_a_listing_known_to_be_partial_is_never_acted_on(emu, monkeypatch):
    partial = SessionListing(sessions=[{'session_id': 'busy', 'status': 'RUNNING'}], total=2, partial=True)
    monkeypatch.setattr(closing, 'list_sessions', lambda *args, **kwargs: partial)
    outcome = Outcome(check_mode=False)
    with pytest.raises(FabricError, match='refusing to close sessions of workspace ws: its listing is known to be'
                                          r' partial \(1 sessions read\)'):
        run(emu, lambda client, executor: closing.close_matching(client, session_query('ws'), outcome, executor))
    assert emu.requests_log() == [] and outcome.changes == []


def test_a_failure_partway_names_the_sessions_closed_and_not_closed(emu):
    emu.add_fault(kind='status', status=403, path='/v1/workspaces/ws/sessions/stuck-3')
    outcome = Outcome(check_mode=False)
    with pytest.raises(FabricError) as caught:
        run(emu, lambda client, executor: closing.close_matching(
            client, session_query('ws', statuses=('WAITING',)), outcome, executor), concurrency=1)
    message = str(caught.value)
    assert message.startswith('closed 3 of 7 sessions of workspace ws (stuck-0, stuck-1, stuck-2); not closed:'
                              ' stuck-3, and 3 not tried after that failure (stuck-4, stuck-5, stuck-6). The close'
                              ' of stuck-3 failed: DELETE ')
    assert caught.value.status == 403 and caught.value.request_id
    assert outcome.closed == ['stuck-0', 'stuck-1', 'stuck-2']
    assert outcome.not_closed == ['stuck-3', 'stuck-4', 'stuck-5', 'stuck-6']
    assert [statuses(emu)[session_id] for session_id in STUCK] == ['CLOSED'] * 3 + ['WAITING'] * 4


@pytest.mark.parametrize('answer', ['ok', 'error'])
def test_a_session_closed_between_the_listing_and_its_close_is_absent_already(emu, monkeypatch, answer):
    emu.configure_lifecycle({'closed_answer': answer})
    listed = SessionListing(sessions=[{'session_id': 'gone', 'status': 'WAITING'}], total=1)  # CLOSED since
    monkeypatch.setattr(closing, 'list_sessions', lambda *args, **kwargs: listed)
    outcome = Outcome(check_mode=False)
    run(emu, lambda client, executor: closing.close_matching(client, session_query('ws'), outcome, executor))
    [change] = outcome.changes
    assert change.after['status'] == 'CLOSED'
    assert change.changed is (answer == 'ok')  # a service that takes the close again cannot be told apart
