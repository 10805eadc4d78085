# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from ansible_collections.dataarts.fabric.plugins.module_utils._watch.streak import PollStreak
from ansible_collections.dataarts.fabric.plugins.module_utils._watch.changes import changes, snapshot_of, vanished
from ansible_collections.dataarts.fabric.plugins.module_utils._watch.poll import LIVE_STATUSES

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


def test_streak_one_failed_event_then_silence_then_one_recovered():
    streak = PollStreak(WS)
    assert streak.succeeded() == []
    assert streak.failed('boom', 503) == [{'type': 'poll_failed', 'workspace_id': WS, 'error': 'boom',
                                           'status_code': 503}]
    assert streak.failed('boom again') == []
    assert streak.failed('boom again', 401) == []
    assert streak.succeeded() == [{'type': 'poll_recovered', 'workspace_id': WS, 'failed_polls': 3}]
    assert streak.succeeded() == []
    assert streak.failed('new streak') != []


def test_streak_backs_off_up_to_ten_intervals():
    streak = PollStreak(WS)
    waits = [streak.intervals_to_wait]
    for _failure in range(7):
        streak.failed('x')
        waits.append(streak.intervals_to_wait)
    assert waits == [1, 1, 2, 4, 8, 10, 10, 10]
    streak.succeeded()
    assert streak.intervals_to_wait == 1
