# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Poll failures reported with hysteresis: one poll_failed when polls start failing, one poll_recovered once
they have worked three times in a row; a gateway failing every other poll is one event, not a pair per two
polls."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.dataarts.fabric.plugins.module_utils._watch.streak import RECOVERY_POLLS, PollStreak

WS = 'ws-1'


def test_one_failed_event_then_silence_then_one_recovered_after_polls_in_a_row_work():
    streak = PollStreak(WS)
    assert streak.succeeded() == []
    assert streak.failed('boom', 503) == [{'type': 'poll_failed', 'workspace_id': WS, 'error': 'boom',
                                           'status_code': 503}]
    assert streak.failed('boom again') == [] and streak.failed('boom again', 401) == []
    assert [streak.succeeded() for _poll in range(RECOVERY_POLLS - 1)] == [[]] * (RECOVERY_POLLS - 1)
    assert streak.succeeded() == [{'type': 'poll_recovered', 'workspace_id': WS, 'failed_polls': 3}]
    assert streak.succeeded() == []
    assert streak.failed('new streak') != []


def test_a_gateway_failing_every_other_poll_is_one_event():
    streak = PollStreak(WS)
    events = []
    for _round in range(100):
        events += streak.failed('HTTP 502', 502)
        events += streak.succeeded()
    assert [event['type'] for event in events] == ['poll_failed']


def test_the_pause_grows_with_failures_in_a_row_up_to_ten_intervals():
    streak = PollStreak(WS)
    waits = [streak.intervals_to_wait]
    for _failure in range(7):
        streak.failed('x')
        waits.append(streak.intervals_to_wait)
    assert waits == [1, 1, 2, 4, 8, 10, 10, 10]
    streak.succeeded()
    assert streak.intervals_to_wait == 1


@settings(max_examples=300, deadline=None)
@given(outcomes=st.lists(st.booleans(), max_size=200))
def test_events_alternate_and_each_recovery_follows_polls_in_a_row_that_worked(outcomes):
    streak = PollStreak(WS)
    kinds, working = [], 0
    for worked in outcomes:
        working = working + 1 if worked else 0
        events = streak.succeeded() if worked else streak.failed('x')
        for event in events:
            kinds.append(event['type'])
            if event['type'] == 'poll_recovered':
                assert working == RECOVERY_POLLS and event['failed_polls'] >= 1
    assert kinds == ['poll_failed', 'poll_recovered'] * (len(kinds) // 2) + ['poll_failed'] * (len(kinds) % 2)
    # at most one pair per RECOVERY_POLLS + 1 polls, whatever the gateway does
    assert len(kinds) <= 1 + 2 * len(outcomes) // (RECOVERY_POLLS + 1)
