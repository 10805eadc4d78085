# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The schedule of the wait, with a fake clock: no poll starts sooner than wait_sleep after the previous one
ended (a slow or throttled poll is never made up with polls back to back), and a session listed with
conflicting statuses reaches nothing."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from ansible_collections.dataarts.fabric.plugins.module_utils._errors import FabricError
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.result import SessionListing
from ansible_collections.dataarts.fabric.tests.unit.plugins.module_utils._sessions.test_wait import (
    ScriptedSession,
    make_wait,
)


class TimedPolls(ScriptedSession):
    """Polls that take the time ``durations`` says (a throttled poll waits out a 429's Retry-After)."""

    def __init__(self, script, fake_time, durations):
        super().__init__(script, fake_time)
        self.durations = list(durations)
        self.starts = []

    def __call__(self):
        self.starts.append(self.time.now)
        self.poll_seconds = self.durations[min(self.calls, len(self.durations) - 1)]
        return super().__call__()


def test_a_throttled_poll_is_not_made_up_with_polls_back_to_back():
    wait, fake_time = make_wait(timeout=20, sleep=1)
    polls = TimedPolls(['CREATING'], fake_time, [0.1, 4.0, 0.1])  # the second waited 4 s for a 429
    with pytest.raises(FabricError):
        wait.run(polls)
    gaps = [start - end for start, end in zip(polls.starts[1:], polls.ends)]
    assert gaps and min(gaps) >= 1.0


@settings(max_examples=200, deadline=None)
@given(durations=st.lists(st.floats(min_value=0, max_value=30), min_size=1, max_size=20),
       timeout=st.floats(min_value=0, max_value=100), sleep=st.floats(min_value=0.1, max_value=10))
def test_no_poll_starts_sooner_than_the_sleep_after_the_previous_one_ended(durations, timeout, sleep):
    wait, fake_time = make_wait(timeout=timeout, sleep=sleep)
    polls = TimedPolls(['CREATING'], fake_time, durations)
    with pytest.raises(FabricError):
        wait.run(polls)
    assert all(start - end >= sleep - 1e-9 for start, end in zip(polls.starts[1:], polls.ends))
    assert all(start <= polls.starts[0] + timeout for start in polls.starts)


def test_a_session_listed_with_conflicting_statuses_has_reached_nothing():
    wait, fake_time = make_wait(statuses=['RUNNING'], timeout=2, sleep=1)

    def poll():
        return SessionListing(sessions=[{'session_id': 'sess-1', 'status': 'CONFLICTING',
                                         'conflicting_statuses': ['RUNNING', 'FAIL']}], total=1,
                              conflicts={'sess-1': ['RUNNING', 'FAIL']})

    with pytest.raises(FabricError) as caught:
        wait.run(poll)
    assert not wait.as_result()['reached'] and wait.as_result()['outcome'] == 'timed_out' and wait.polls == 3
    assert str(caught.value).endswith('last status seen: CONFLICTING (the service listed it with different statuses'
                                      ' in one poll)')
