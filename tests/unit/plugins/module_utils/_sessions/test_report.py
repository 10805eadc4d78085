# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What fabric_session reports: the sessions as read after (before, in check mode), the diff of statuses, and
what a failed task did first."""

from __future__ import annotations

from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.report import Change, Outcome, named


def session(session_id, status):
    return {'session_id': session_id, 'status': status, 'create_time': '2025-07-22T08:42:39.000+00:00'}


def test_changes_are_reported_in_the_listing_order_whatever_order_they_end_in():
    outcome = Outcome(check_mode=False)
    outcome.expect(['a', 'b', 'c'])
    for session_id in ('c', 'a', 'b'):
        outcome.add(Change(session_id, session(session_id, 'WAITING'), session(session_id, 'CLOSED'), 'CLOSED', True))
    assert [s['session_id'] for s in outcome.as_result(with_diff=False)['sessions']] == ['a', 'b', 'c']


def test_the_diff_shows_each_status_before_and_after():
    outcome = Outcome(check_mode=False)
    outcome.add(Change('a', session('a', 'WAITING'), session('a', 'CLOSED'), 'CLOSED', True))
    outcome.add(Change('b', session('b', 'CLOSED'), session('b', 'CLOSED'), 'CLOSED', False))
    result = outcome.as_result(with_diff=True)
    assert result['changed'] is True
    assert result['diff'] == {'before': {'sessions': {'a': 'WAITING', 'b': 'CLOSED'}},
                              'after': {'sessions': {'a': 'CLOSED', 'b': 'CLOSED'}}}
    assert 'diff' not in outcome.as_result(with_diff=False)


def test_check_mode_shows_the_sessions_as_they_are_and_the_status_they_would_get():
    outcome = Outcome(check_mode=True, new_label='(new session on endpoint ep-1)')
    outcome.add(Change('a', session('a', 'RUNNING'), None, 'CLOSED', True))
    outcome.add(Change(None, None, None, 'RUNNING', True))
    result = outcome.as_result(with_diff=True)
    assert result['sessions'] == [session('a', 'RUNNING')]
    assert result['diff']['after'] == {'sessions': {'a': 'CLOSED', '(new session on endpoint ep-1)': 'RUNNING'}}


def test_a_failure_reports_what_was_closed_and_what_was_not():
    outcome = Outcome(check_mode=False)
    outcome.add(Change('a', session('a', 'WAITING'), session('a', 'CLOSED'), 'CLOSED', True))
    outcome.not_closed = ['b', 'c']
    fields = outcome.failure_fields()
    assert (fields['changed'], fields['closed'], fields['not_closed']) == (True, ['a'], ['b', 'c'])
    assert 'closed' not in Outcome(check_mode=False).failure_fields()


def test_a_later_read_replaces_the_session_shown():
    outcome = Outcome(check_mode=False)
    outcome.add(Change('n', None, {'session_id': 'n', 'status': 'CREATING'}, 'RUNNING', True))
    outcome.seen_after('n', session('n', 'RUNNING'))
    assert outcome.as_result(with_diff=False)['sessions'] == [session('n', 'RUNNING')]


def test_messages_name_twenty_sessions_and_count_the_rest():
    assert named([]) == 'none'
    assert named(['s%d' % i for i in range(22)]).endswith('s19 and 2 more')
