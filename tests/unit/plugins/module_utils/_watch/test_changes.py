# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from ansible_collections.dataarts.fabric.plugins.module_utils._watch.changes import (
    changes,
    snapshot_of,
    trim_backlog,
    vanished,
)
from ansible_collections.dataarts.fabric.plugins.module_utils._watch.poll import (
    LIVE_STATUSES,
    LOOKUPS_PER_POLL_MAX,
    VANISHED_BACKLOG_MAX,
)

WS = 'ws-1'


def session(session_id, status, **extra):
    return dict({'session_id': session_id, 'status': status}, **extra)


def kinds(events):
    return [(event['type'], event['session']['session_id'], event['session']['status'], event['previous_status'])
            for event in events]


def test_first_poll_is_the_baseline_without_events():
    events, state = changes(WS, None, [session('a', 'RUNNING'), session('b', 'FAIL')], {}, LIVE_STATUSES)
    assert events == []
    assert state == {'a': 'RUNNING', 'b': 'FAIL'}


def test_first_poll_announced_as_session_new_with_the_session_as_sent():
    sent = session('a', 'RUNNING', endpoint_info={'id': 'e1', 'name': 'x'}, unknown=[1])
    events, _state = changes(WS, None, [sent], {}, LIVE_STATUSES, announce_existing=True)
    assert events == [{'type': 'session_new', 'workspace_id': WS, 'session': sent, 'previous_status': None}]


def test_new_session_and_status_change_and_unchanged():
    previous = {'a': 'RUNNING', 'b': 'CREATING'}
    listed = [session('n', 'WAITING'), session('a', 'RUNNING'), session('b', 'RUNNING')]
    events, state = changes(WS, previous, listed, {}, LIVE_STATUSES)
    assert kinds(events) == [('session_new', 'n', 'WAITING', None),
                             ('session_status_changed', 'b', 'RUNNING', 'CREATING')]
    assert state == {'n': 'WAITING', 'a': 'RUNNING', 'b': 'RUNNING'}


def test_every_event_has_exactly_the_four_keys():
    events, _state = changes(WS, {'a': 'RUNNING', 'g': 'FAIL', 'c': 'WAITING'}, [session('n', 'FAIL')],
                             {'a': session('a', 'CLOSED'), 'g': None}, LIVE_STATUSES)
    assert {event['type'] for event in events} == {'session_new', 'session_status_changed', 'session_gone'}
    assert all(set(event) == {'type', 'workspace_id', 'session', 'previous_status'} for event in events)


def test_vanished_session_found_closed_is_a_status_change_then_forgotten():
    events, state = changes(WS, {'a': 'RUNNING'}, [], {'a': session('a', 'CLOSED', extra=1)}, LIVE_STATUSES)
    assert kinds(events) == [('session_status_changed', 'a', 'CLOSED', 'RUNNING')]
    assert events[0]['session']['extra'] == 1
    assert state == {}


def test_vanished_session_not_found_is_gone_with_its_last_status():
    events, state = changes(WS, {'a': 'FAIL'}, [], {'a': None}, LIVE_STATUSES)
    assert events == [{'type': 'session_gone', 'workspace_id': WS, 'session': {'session_id': 'a', 'status': 'FAIL'},
                       'previous_status': 'FAIL'}]
    assert state == {}


def test_vanished_session_not_looked_up_yet_keeps_its_status_silently():
    events, state = changes(WS, {'a': 'RUNNING', 'b': 'WAITING'}, [], {'a': None}, LIVE_STATUSES)
    assert kinds(events) == [('session_gone', 'a', 'RUNNING', 'RUNNING')]
    assert state == {'b': 'WAITING'}


def test_vanished_session_still_in_a_watched_status_stays_watched():
    # the listing changed while it was read: the lookup finds it in another watched status
    events, state = changes(WS, {'a': 'CREATING'}, [], {'a': session('a', 'RUNNING')}, LIVE_STATUSES)
    assert kinds(events) == [('session_status_changed', 'a', 'RUNNING', 'CREATING')]
    assert state == {'a': 'RUNNING'}
    events, state = changes(WS, {'a': 'RUNNING'}, [], {'a': session('a', 'RUNNING')}, LIVE_STATUSES)
    assert events == [] and state == {'a': 'RUNNING'}


def test_status_filter_session_leaving_the_watched_statuses():
    events, state = changes(WS, {'a': 'FAIL'}, [], {'a': session('a', 'RUNNING')}, ('FAIL',))
    assert kinds(events) == [('session_status_changed', 'a', 'RUNNING', 'FAIL')]
    assert state == {}


def test_sessions_without_a_usable_id_and_duplicates_are_not_tracked():
    listed = [session(None, 'RUNNING'), {'status': 'RUNNING'}, session(7, 'RUNNING'), session('a', 'RUNNING'),
              session('a', 'FAIL')]
    events, state = changes(WS, {}, listed, {}, LIVE_STATUSES)
    assert kinds(events) == [('session_new', 'a', 'RUNNING', None)]
    assert state == {'a': 'RUNNING'}


def test_unknown_status_values_are_compared_as_sent():
    events, _state = changes(WS, {'a': 'RUNNING'}, [session('a', 'RUNINNG')], {}, LIVE_STATUSES)
    assert kinds(events) == [('session_status_changed', 'a', 'RUNINNG', 'RUNNING')]


def test_snapshot_and_vanished_keep_the_order_first_seen():
    assert snapshot_of([session('b', 'FAIL'), session('a', 'RUNNING')]) == {'b': 'FAIL', 'a': 'RUNNING'}
    assert vanished({'c': 'RUNNING', 'a': 'RUNNING', 'b': 'FAIL'}, [session('a', 'RUNNING')]) == ['c', 'b']
    assert vanished(None, []) == []


def test_sessions_waiting_to_be_looked_up_come_first_in_the_next_snapshot():
    events, state = changes(WS, {'a': 'RUNNING', 'b': 'RUNNING'}, [session('c', 'RUNNING')], {'a': None},
                            LIVE_STATUSES)
    assert list(state) == ['b', 'c']
    assert kinds(events) == [('session_new', 'c', 'RUNNING', None), ('session_gone', 'a', 'RUNNING', 'RUNNING')]
    # c leaves next: b, which has waited longer, is still asked for first
    assert vanished(state, []) == ['b', 'c']


def test_a_backlog_of_vanished_sessions_is_bounded_and_says_what_it_dropped():
    snapshot = dict({'old-%d' % number: 'RUNNING' for number in range(5)}, listed='RUNNING')
    trimmed, dropped = trim_backlog(snapshot, [session('listed', 'RUNNING')], 3)
    assert dropped == ['old-0', 'old-1'] and list(trimmed) == ['old-2', 'old-3', 'old-4', 'listed']
    assert trim_backlog(trimmed, [session('listed', 'RUNNING')], 3) == (trimmed, [])


def test_sessions_closing_faster_than_they_are_looked_up_never_pile_up():
    """Every poll, 50 sessions leave the listing and 20 are looked up: the backlog stays at its bound, and
    every session is either looked up or named as dropped."""
    snapshot, listed, reported = None, [], set()
    for poll in range(30):
        new = [session('s-%d-%d' % (poll, number), 'RUNNING') for number in range(50)]
        looked_up = {key: None for key in vanished(snapshot, new)[:LOOKUPS_PER_POLL_MAX]}
        events, snapshot = changes(WS, snapshot, new, looked_up, LIVE_STATUSES)
        snapshot, dropped = trim_backlog(snapshot, new, VANISHED_BACKLOG_MAX)
        reported |= {event['session']['session_id'] for event in events if event['type'] == 'session_gone'}
        reported |= set(dropped)
        assert len(snapshot) - len(new) <= VANISHED_BACKLOG_MAX
        listed = new
    left = set(snapshot) - {s['session_id'] for s in listed}
    assert len(reported) + len(left) == 29 * 50
