# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""older_than's selection: which create_time values can be read, and what is old enough."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.age import (
    created_at,
    old_enough,
    unreadable_warning,
)

UTC = datetime.timezone.utc
NOW = datetime.datetime(2025, 7, 22, 9, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize('text, moment', [
    ('2025-07-22T08:42:39.000+00:00', datetime.datetime(2025, 7, 22, 8, 42, 39, tzinfo=UTC)),
    ('2025-07-22T16:42:39.5+08:00', datetime.datetime(2025, 7, 22, 8, 42, 39, 500000, tzinfo=UTC)),
    ('2025-07-22T08:42:39Z', datetime.datetime(2025, 7, 22, 8, 42, 39, tzinfo=UTC)),
    ('2025-07-22 08:42:39.123456789-0130', datetime.datetime(2025, 7, 22, 10, 12, 39, 123456, tzinfo=UTC)),
])
def test_an_iso_time_with_an_offset_is_read(text, moment):
    assert created_at(text) == moment


@pytest.mark.parametrize('value', [None, 1753173759, '', '2025-07-22T08:42:39', '2025-07-22', 'yesterday',
                                   '2025-13-22T08:42:39Z', '2025-07-22T25:00:00Z', '2025-07-22T08:42:39+24:00',
                                   '\u0662025-07-22T08:42:39Z', ['2025-07-22T08:42:39Z']])
def test_anything_else_cannot_be_read(value):
    assert created_at(value) is None


def session(session_id, create_time):
    return {'session_id': session_id, 'create_time': create_time, 'status': 'WAITING'}


def test_old_enough_keeps_the_order_and_sets_the_unreadable_aside():
    sessions = [session('young', '2025-07-22T08:45:00.000+00:00'), session('exactly', '2025-07-22T08:30:00.000+00:00'),
                session('bad', '2025-07-22T08:00:00'), session('old', '2025-07-21T08:00:00.000+00:00'),
                {'session_id': 'none'}]
    selected = old_enough(sessions, 1800, NOW)
    assert [s['session_id'] for s in selected.kept] == ['exactly', 'old']
    assert [s['session_id'] for s in selected.unreadable] == ['bad', 'none']


def test_a_time_in_the_future_is_never_old_enough():
    assert old_enough([session('ahead', '2025-07-23T00:00:00.000+00:00')], 0, NOW).kept == []


def test_the_warning_names_the_sessions_and_counts_the_rest():
    many = [session('s-%02d' % index, 'no time') for index in range(12)]
    warning = unreadable_warning(many, 'workspace ws-1')
    assert warning.startswith('12 sessions of workspace ws-1 have a create_time that cannot be read as an ISO 8601'
                              " time with a UTC offset, so older_than does not select them: 's-00' (create_time"
                              " 'no time'), 's-01'")
    assert warning.endswith("'s-09' (create_time 'no time') and 2 more")
    assert unreadable_warning(many[:1], 'workspace ws-1').startswith('1 session of workspace ws-1 has a create_time')
