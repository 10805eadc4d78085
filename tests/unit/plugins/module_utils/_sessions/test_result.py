# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Answers that disagree: a session listed twice with different statuses is kept once, never as one of
them, counted under each, and named in a warning."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.result import (
    CONFLICT_FIELD,
    CONFLICTING,
    CONFLICTS_NAMED,
    UniqueSessions,
    conflict_warning,
)

STATUSES = ('RUNNING', 'CLOSED', 'WAITING', 'CREATING', 'FAIL')


def kept(*sessions):
    unique = UniqueSessions()
    for session in sessions:
        unique.add(session)
    return unique.listing()


def test_a_session_listed_running_and_fail_is_decided_on_neither():
    listing = kept({'session_id': 's-1', 'status': 'RUNNING', 'name': 'first'}, {'session_id': 's-2', 'status': 'FAIL'},
                   {'session_id': 's-1', 'status': 'FAIL', 'name': 'second'})
    assert listing.sessions == [{'session_id': 's-1', 'status': CONFLICTING, CONFLICT_FIELD: ['RUNNING', 'FAIL'],
                                 'name': 'first'}, {'session_id': 's-2', 'status': 'FAIL'}]
    assert listing.counts == {'RUNNING': 1, 'CLOSED': 0, 'WAITING': 0, 'CREATING': 0, 'FAIL': 2}
    assert listing.conflicts == {'s-1': ['RUNNING', 'FAIL']}


def test_a_repeated_session_with_the_same_status_is_no_conflict():
    listing = kept({'session_id': 's-1', 'status': 'RUNNING'}, {'session_id': 's-1', 'status': 'RUNNING'})
    assert listing.sessions == [{'session_id': 's-1', 'status': 'RUNNING'}] and listing.conflicts == {}


def test_a_session_the_service_calls_conflicting_itself_is_counted_as_sent():
    listing = kept({'session_id': 's-1', 'status': CONFLICTING})
    assert listing.counts[CONFLICTING] == 1 and listing.conflicts == {}


def test_the_warning_names_both_statuses_and_bounds_the_ids_it_names():
    warning = conflict_warning({'s-1': ['RUNNING', 'FAIL']}, 'workspace ws-1')
    assert warning.startswith('the service listed 1 session of workspace ws-1 more than once with different statuses:'
                              ' s-1 (RUNNING and FAIL).')
    many = conflict_warning({'s-%d' % index: ['RUNNING', 'FAIL'] for index in range(50)}, 'workspace ws-1')
    assert 's-%d ' % (CONFLICTS_NAMED - 1) in many and 's-%d ' % CONFLICTS_NAMED not in many
    assert 'and %d more' % (50 - CONFLICTS_NAMED) in many
    assert conflict_warning({}, 'workspace ws-1') is None


copies = st.lists(st.tuples(st.sampled_from(['s-1', 's-2', 's-3']), st.sampled_from(STATUSES)), max_size=12)


@settings(max_examples=300, deadline=None)
@given(copies=copies, split=st.integers(0, 12))
def test_any_copies_keep_each_id_once_and_every_status_seen(copies, split):
    sessions = [{'session_id': key, 'status': status} for key, status in copies]
    # merged from two listings (statuses listed side by side) or listed in one: the same result
    left, right = UniqueSessions(), UniqueSessions()
    for session in sessions[:split]:
        left.add(session)
    for session in sessions[split:]:
        right.add(session)
    merged = UniqueSessions()
    merged.merge(left.listing())
    merged.merge(right.listing())
    listing = merged.listing()
    assert listing.sessions == kept(*sessions).sessions
    assert [s['session_id'] for s in listing.sessions] == list(dict.fromkeys(key for key, _status in copies))
    for session in listing.sessions:
        seen = list(dict.fromkeys(status for key, status in copies if key == session['session_id']))
        if len(seen) == 1:
            assert session == {'session_id': session['session_id'], 'status': seen[0]}
        else:
            assert session['status'] == CONFLICTING and sorted(session[CONFLICT_FIELD]) == sorted(seen)
    counts = listing.counts
    for status in STATUSES:
        holding = {key for key, seen in copies if seen == status}
        assert counts[status] == len(holding)


def test_the_warning_shows_the_services_text_escaped_and_bounded():
    warning = conflict_warning({'s-\x1b[2J': ['RUNNING', 'x' * 10000] + ['S%d' % n for n in range(30)]}, 'ws')
    assert '\x1b' not in warning and '\\x1b[2J' in warning and len(warning) < 2000
    assert 'and %d more' % (32 - CONFLICTS_NAMED) in warning
