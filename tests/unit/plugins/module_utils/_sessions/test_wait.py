# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The wait of the module, with a fake clock: no test here sleeps."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from ansible_collections.dataarts.fabric.plugins.module_utils._errors import FabricError
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.wait import (
    END_STATUSES,
    POLLS_MAX,
    SessionWait,
    WaitSettings,
    wait_settings,
)
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.result import SessionListing

STATUSES = ('RUNNING', 'CLOSED', 'WAITING', 'CREATING', 'FAIL')
# What a poll may see: a status, the session missing (None), or a status the API does not document.
SEEN = st.one_of(st.sampled_from(STATUSES), st.none(), st.just('RUNINNG'))


class FakeTime:
    """A clock that only moves when the wait sleeps or a poll takes time."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds


class ScriptedSession:
    """Answers the polls with the statuses of ``script`` (None: not found), the last one for ever after."""

    def __init__(self, script, fake_time: FakeTime, poll_seconds: float = 0.0) -> None:
        self.script = list(script)
        self.time = fake_time
        self.poll_seconds = poll_seconds
        self.calls = 0
        self.ends: list[float] = []  # the clock when each poll ended

    def __call__(self) -> SessionListing:
        status = self.script[min(self.calls, len(self.script) - 1)]
        self.calls += 1
        self.time.now += self.poll_seconds
        self.ends.append(self.time.now)
        if status is None:
            return SessionListing()
        return SessionListing(sessions=[{'session_id': 'sess-1', 'status': status}], total=1)


def make_wait(statuses=('RUNNING',), timeout=30.0, sleep=1.0, fake_time=None) -> tuple[SessionWait, FakeTime]:
    fake_time = fake_time or FakeTime()
    target = wait_settings('ws-1', 'sess-1', list(statuses), timeout, sleep)
    return SessionWait(target, sleep=fake_time.sleep, clock=fake_time.clock), fake_time


def test_polls_until_the_wanted_status_and_returns_that_listing():
    wait, fake_time = make_wait()
    poll = ScriptedSession(['CREATING', 'CREATING', 'RUNNING'], fake_time)
    listing = wait.run(poll)
    assert listing.sessions == [{'session_id': 'sess-1', 'status': 'RUNNING'}]
    result = wait.as_result()
    assert {key: result[key] for key in ('polls', 'found', 'final_status', 'reached', 'outcome')} == {
        'polls': 3, 'found': True, 'final_status': 'RUNNING', 'reached': True, 'outcome': 'reached'}
    assert result['statuses'] == ['RUNNING'] and result['session_id'] == 'sess-1'
    assert fake_time.sleeps == [1.0, 1.0]


def test_a_session_already_in_the_status_takes_one_poll_and_no_sleep():
    wait, fake_time = make_wait(statuses=['CLOSED'], timeout=0)
    wait.run(ScriptedSession(['CLOSED'], fake_time))
    assert wait.polls == 1 and wait.outcome == 'reached' and fake_time.sleeps == []


@pytest.mark.parametrize('final', END_STATUSES)
def test_fail_or_closed_not_wanted_ends_the_wait_early_naming_the_status(final):
    wait, fake_time = make_wait(timeout=300)
    with pytest.raises(FabricError) as raised:
        wait.run(ScriptedSession(['CREATING', final, 'RUNNING'], fake_time))
    message = str(raised.value)
    assert 'session sess-1 of workspace ws-1 is %s' % final in message
    assert 'will not reach RUNNING (wait_status)' in message and '2 polls every 1 s' in message
    assert wait.as_result()['outcome'] == 'ended' and not wait.as_result()['reached']
    assert wait.final_status == final and wait.polls == 2


def test_fail_is_no_early_end_when_it_is_wanted():
    wait, fake_time = make_wait(statuses=['RUNNING', 'FAIL'])
    wait.run(ScriptedSession(['CREATING', 'FAIL'], fake_time))
    assert wait.outcome == 'reached' and wait.final_status == 'FAIL'


def test_timeout_names_the_last_status_and_the_polls():
    wait, fake_time = make_wait(timeout=3, sleep=1)
    with pytest.raises(FabricError) as raised:
        wait.run(ScriptedSession(['WAITING', 'CREATING'], fake_time))
    assert str(raised.value) == ('session sess-1 of workspace ws-1 did not reach RUNNING (wait_status) within 3 s'
                                 ' (wait_timeout), 4 polls every 1 s; last status seen: CREATING')
    assert wait.as_result()['outcome'] == 'timed_out' and wait.polls == 4


def test_timeout_of_a_session_never_found_says_so():
    wait, fake_time = make_wait(statuses=['RUNNING', 'WAITING'], timeout=2, sleep=1)
    with pytest.raises(FabricError) as raised:
        wait.run(ScriptedSession([None], fake_time))
    assert str(raised.value).endswith('did not reach RUNNING or WAITING (wait_status) within 2 s (wait_timeout),'
                                      ' 3 polls every 1 s; it was not found in the workspace')
    assert not wait.found and wait.final_status is None


def test_a_session_that_disappears_keeps_its_last_status_and_says_it_was_gone():
    wait, fake_time = make_wait(timeout=2, sleep=1)
    with pytest.raises(FabricError, match=r'last status seen: CREATING \(the last poll did not find it\)$'):
        wait.run(ScriptedSession(['CREATING', None], fake_time))


@pytest.mark.parametrize('status, words', [(None, 'without a status'), ('', 'without a status'),
                                           (5, 'with a status that is not a string (int)')])
def test_a_session_without_a_usable_status_ends_the_wait_at_once(status, words):
    wait, fake_time = make_wait()

    def poll():
        return SessionListing(sessions=[{'session_id': 'sess-1', 'status': status}], total=1)

    with pytest.raises(FabricError) as raised:
        wait.run(poll)
    assert str(raised.value) == ('the API returned session sess-1 of workspace ws-1 %s, so it cannot be waited for'
                                 % words)
    assert wait.polls == 1 and wait.outcome == 'no_status'


def test_a_failed_poll_ends_the_wait_with_the_request_error_and_its_http_fields():
    wait, fake_time = make_wait()
    script = ScriptedSession(['CREATING'], fake_time)

    def poll():
        if script.calls == 2:
            raise FabricError('GET https://x/v1/workspaces/ws-1/sessions failed: HTTP 401', status=401,
                              request_id='rid-7')
        return script()

    with pytest.raises(FabricError) as raised:
        wait.run(poll)
    assert raised.value.message == ('could not poll session sess-1 of workspace ws-1 (poll 3 of at most 31):'
                                    ' GET https://x/v1/workspaces/ws-1/sessions failed: HTTP 401')
    assert raised.value.details()['status_code'] == 401 and raised.value.request_id == 'rid-7'
    assert wait.polls == 3 and wait.outcome == 'poll_failed' and wait.final_status == 'CREATING'


def test_slow_polls_stop_the_wait_once_the_next_would_start_past_the_timeout():
    wait, fake_time = make_wait(timeout=10, sleep=1)
    with pytest.raises(FabricError, match='within 10 s'):
        wait.run(ScriptedSession(['CREATING'], fake_time, poll_seconds=4))
    # polls run 0-4, 5-9 and 10-14 s: a fourth would start at 15 s, past the timeout
    assert wait.polls == 3
    assert fake_time.sleeps == [1.0, 1.0]


def test_each_poll_starts_the_sleep_after_the_previous_one_ended():
    wait, fake_time = make_wait(timeout=3, sleep=1)
    with pytest.raises(FabricError):
        wait.run(ScriptedSession(['CREATING'], fake_time, poll_seconds=0.25))
    assert fake_time.sleeps == [1.0, 1.0] and wait.polls == 3


def test_the_number_of_polls_is_bounded_whatever_the_timeout():
    wait, fake_time = make_wait(timeout=POLLS_MAX - 1, sleep=1)
    with pytest.raises(FabricError) as caught:
        wait.run(ScriptedSession(['CREATING'], fake_time))
    assert wait.polls == POLLS_MAX and 'within %d s' % (POLLS_MAX - 1) in str(caught.value)


@pytest.mark.parametrize('sleep', [0.001, 5e-324])
def test_settings_that_would_poll_more_than_the_bound_are_refused_naming_both_options(sleep):
    with pytest.raises(FabricError) as caught:
        wait_settings('ws', 's', ['RUNNING'], 86400, sleep)
    assert 'wait_timeout 86400 with wait_sleep' in str(caught.value) and 'raise wait_sleep' in str(caught.value)
    assert WaitSettings('ws', 's', ('RUNNING',), 86400.0, sleep).max_polls == POLLS_MAX


def test_a_fractional_ratio_is_not_lost_to_rounding():
    assert WaitSettings('ws', 's', ('RUNNING',), 0.3, 0.1).max_polls == 4


@pytest.mark.parametrize('args, message', [
    (dict(session_id=None), 'wait_status needs session_id'),
    (dict(statuses=[]), 'wait_status must name at least one status'),
    (dict(statuses=['DONE']), 'wait_status must name statuses out of RUNNING, CLOSED, WAITING, CREATING, FAIL, got DONE'),
    (dict(timeout=-1.0), 'wait_timeout must be a number of seconds, 0 or more, at most 86400, got -1'),
    (dict(timeout=float('inf')), 'wait_timeout must be'),
    (dict(timeout=True), 'wait_timeout must be a number, got True'),
    (dict(sleep=0.0), 'wait_sleep must be a number of seconds greater than 0, at most 3600, got 0'),
    (dict(sleep=3601.0), 'wait_sleep must be a number of seconds greater than 0, at most 3600, got 3601'),
    (dict(conflicts={'status': True}), 'wait_status cannot be combined with status'),
])
def test_settings_are_refused_naming_the_option(args, message):
    values = dict(workspace_id='ws-1', session_id='sess-1', statuses=['RUNNING'], timeout=30.0, sleep=1.0)
    values.update(args)
    with pytest.raises(FabricError) as raised:
        wait_settings(**values)
    assert message in str(raised.value)


def test_wanted_statuses_are_kept_once_in_their_order():
    assert wait_settings('ws', 's', ['FAIL', 'RUNNING', 'FAIL'], 1, 1).statuses == ('FAIL', 'RUNNING')


@settings(max_examples=300, deadline=None)
@given(
    script=st.lists(SEEN, min_size=1, max_size=40),
    wanted=st.lists(st.sampled_from(STATUSES), min_size=1, max_size=3, unique=True),
    timeout=st.floats(min_value=0, max_value=60, allow_nan=False),
    sleep=st.floats(min_value=0.05, max_value=20, allow_nan=False),
    poll_seconds=st.sampled_from([0.0, 0.01, 0.5, 3.0]),
)
def test_every_wait_ends_as_its_script_says_within_its_bounds(script, wanted, timeout, sleep, poll_seconds):
    wait, fake_time = make_wait(statuses=wanted, timeout=timeout, sleep=sleep)
    poll = ScriptedSession(script, fake_time, poll_seconds)
    try:
        listing = wait.run(poll)
    except FabricError as exc:
        error: FabricError | None = exc
        listing = None
    else:
        error = None

    result = wait.as_result()
    assert 1 <= wait.polls == poll.calls <= min(wait.settings.max_polls, POLLS_MAX)
    seen = [poll.script[min(index, len(poll.script) - 1)] for index in range(wait.polls)]
    last_found = [status for status in seen if status is not None]
    # no poll was made after one that ended past the timeout (a slow API shortens the wait)
    assert all(end <= 1000.0 + timeout for end in poll.ends[:-1])
    assert result['found'] is bool(last_found)
    assert result['final_status'] == (last_found[-1] if last_found else None)
    # every status before the last poll's was one worth waiting on
    assert all(status is None or (status not in wanted and status not in END_STATUSES) for status in seen[:-1])
    if result['outcome'] == 'reached':
        assert error is None and listing is not None and seen[-1] in wanted and result['reached']
    elif result['outcome'] == 'ended':
        assert seen[-1] in END_STATUSES and seen[-1] not in wanted
        assert 'is %s' % seen[-1] in str(error)
    else:
        assert result['outcome'] == 'timed_out' and not result['reached']
        assert seen[-1] is None or (seen[-1] not in wanted and seen[-1] not in END_STATUSES)
        assert '%d poll' % wait.polls in str(error)
        assert (('last status seen: %s' % last_found[-1]) if last_found else 'not found') in str(error)
        # it ran out of polls, or the last poll ended past the timeout
        assert wait.polls == wait.settings.max_polls or poll.ends[-1] + sleep > 1000.0 + timeout


def test_a_status_the_service_made_up_is_shown_escaped_and_cut_in_the_timeout_message():
    odd = '\x1b[2J' + 'X' * 100000
    wait, fake_time = make_wait(timeout=2, sleep=1)
    with pytest.raises(FabricError) as caught:
        wait.run(ScriptedSession([odd], fake_time))
    assert '\x1b' not in str(caught.value) and len(str(caught.value)) < 500
    assert wait.as_result()['final_status'] == odd, 'the result keeps what the service sent'
