# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""fabric_session's rules across options, checked before any request."""

from __future__ import annotations

import pytest

from ansible_collections.dataarts.fabric.plugins.module_utils._config.types import Query
from ansible_collections.dataarts.fabric.plugins.module_utils._errors import FabricError
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.lifecycle_settings import (
    OPEN_STATUSES,
    lifecycle_settings,
)

CONFIG = {'instance_id': 'lf-1', 'catalog': 'hive'}


def settings(state='absent', query=Query(), **params):
    return lifecycle_settings(dict(dict(state=state, workspace_id='ws', wait_timeout=300, wait_sleep=5), **params),
                              query)


def test_absent_with_a_session_id_closes_that_session():
    assert settings(query=Query(session_id='s-1')).session_id == 's-1'


def test_absent_with_filters_lists_the_open_statuses_unless_told_otherwise():
    assert settings(query=Query(older_than=60)).query.query.statuses == OPEN_STATUSES == (
        'RUNNING', 'WAITING', 'CREATING', 'FAIL')
    assert settings(query=Query(statuses=('WAITING', 'CLOSED'))).query.query.statuses == ('WAITING',)
    assert settings(query=Query(statuses=('CLOSED',))).query.query.statuses == ()
    assert settings(query=Query(endpoint_id='ep-1')).query.query.endpoint_id == 'ep-1'


def test_present_keeps_the_endpoint_the_config_and_a_wait_without_an_option_name():
    checked = settings('present', Query(endpoint_id='ep-1'), lake_formation_config=CONFIG)
    assert (checked.endpoint_id, checked.lake_formation) == ('ep-1', CONFIG)
    assert (checked.wait.statuses, checked.wait.timeout, checked.wait.sleep, checked.wait.named_by) == (
        ('RUNNING',), 300, 5, '')


def test_an_endpoint_name_is_a_filter_and_names_the_endpoint_to_keep_a_session_on():
    assert settings(query=Query(endpoint_name='Prod.eu')).query.query.endpoint_name == 'Prod.eu'
    checked = settings('present', Query(endpoint_name='Prod.eu'), lake_formation_config=CONFIG)
    assert (checked.endpoint_id, checked.query.query.endpoint_name) == (None, 'Prod.eu')  # resolved in the call


@pytest.mark.parametrize('state, query, params, message', [
    ('absent', Query(), {}, 'state=absent without session_id closes every session that matches the filters: give at'
                            ' least one of status, endpoint_id, endpoint_name and older_than (to close every open'
                            ' session of the workspace, give status: [RUNNING, WAITING, CREATING, FAIL])'),
    ('absent', Query(session_id='s', statuses=('FAIL',), older_than=5), {},
     'status and older_than cannot be combined with session_id: state=absent with session_id closes that one session'),
    ('present', Query(), {'lake_formation_config': CONFIG}, 'state=present needs endpoint_id or endpoint_name'),
    ('present', Query(endpoint_id='ep-1'), {}, 'state=present needs lake_formation_config (instance_id and catalog)'),
    ('present', Query(endpoint_id='ep-1', older_than=5), {'lake_formation_config': CONFIG},
     'older_than cannot be combined with state=present: it keeps or creates a RUNNING session'),
    ('present', Query(endpoint_id='ep-1', session_id='s'), {'lake_formation_config': CONFIG},
     'session_id cannot be combined with state=present'),
    ('present', Query(endpoint_id='ep-1'), {'lake_formation_config': {'instance_id': 'x'}},
     'lake_formation_config.catalog is required'),
    ('present', Query(endpoint_id='ep-1'), {'lake_formation_config': CONFIG, 'wait_sleep': 0},
     'wait_sleep must be a number of seconds greater than 0'),
    ('gone', Query(), {}, 'state must be one of present, absent'),
])
def test_what_does_not_fit_is_refused_naming_the_options(state, query, params, message):
    with pytest.raises(FabricError) as caught:
        settings(state, query, **params)
    assert str(caught.value).startswith(message)
