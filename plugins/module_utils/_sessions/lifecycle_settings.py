# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""What fabric_session is asked to do, checked before any request: which state, of which sessions.

The shared options (filters, page size) come from the loader's Query; the rules that tie them to ``state`` are
here, so that a task that could close more than it says fails before it reads anything.
"""

from __future__ import annotations

import dataclasses
import typing as t

from .._config.checks import check_id, lake_formation
from .._config.schema import LIFECYCLE_STATES, SESSION_STATUSES
from .._config.types import Query
from .._errors import FabricError
from .query import SessionQuery
from .wait import WaitSettings, wait_settings

# Every documented status but CLOSED: what state=absent closes when status is not given.
OPEN_STATUSES = tuple(status for status in SESSION_STATUSES if status != 'CLOSED')
# The session_id of a wait before the session exists.
NOT_YET_CREATED = 'not-yet-created'


@dataclasses.dataclass(frozen=True)
class LifecycleSettings:
    state: str
    query: SessionQuery  # the workspace and the filters; statuses are those to close for state=absent
    session_id: str | None = None
    endpoint_id: str | None = None
    lake_formation: dict[str, str] | None = None
    wait: WaitSettings | None = None

    @property
    def workspace_id(self) -> str:
        return self.query.workspace_id


def _filters(query: Query) -> dict[str, bool]:
    # endpoint_name is resolved to an ID before any session is listed (act.py), so everything after works with
    # endpoint_id alone
    return {'status': query.statuses != (None,), 'endpoint_id': query.endpoint_id is not None,
            'endpoint_name': query.endpoint_name is not None, 'older_than': query.older_than is not None}


def _refuse(given: t.Mapping[str, bool], other: str, why: str) -> None:
    names = [name for name, is_set in given.items() if is_set]
    if names:
        raise FabricError('%s cannot be combined with %s: %s' % (' and '.join(names), other, why))


def lifecycle_settings(params: t.Mapping[str, t.Any], query: Query) -> LifecycleSettings:
    """The checked settings, or a FabricError naming the option and the rule."""
    state = params.get('state')
    if state not in LIFECYCLE_STATES:
        raise FabricError('state must be one of %s, got %s' % (', '.join(LIFECYCLE_STATES), state))
    workspace = SessionQuery.for_workspace(params.get('workspace_id'), query)
    filters = _filters(query)
    if state == 'absent' and query.session_id is not None:
        _refuse(filters, 'session_id', 'state=absent with session_id closes that one session, whatever its status,'
                                       ' endpoint and age')
        return LifecycleSettings(state, workspace, session_id=query.session_id)
    if state == 'absent':
        if not any(filters.values()):
            raise FabricError('state=absent without session_id closes every session that matches the filters: give at'
                              ' least one of status, endpoint_id, endpoint_name and older_than (to close every open'
                              ' session of the'
                              ' workspace, give status: [%s])' % ', '.join(OPEN_STATUSES))
        # a CLOSED session is absent already: that status is never listed
        statuses = tuple(status for status in (query.statuses if filters['status'] else OPEN_STATUSES)
                         if status != 'CLOSED')
        return LifecycleSettings(state, dataclasses.replace(workspace, query=dataclasses.replace(
            query, statuses=statuses, session_id=None)))
    _refuse(dict(filters, endpoint_id=False, endpoint_name=False, session_id=query.session_id is not None),
            'state=present', 'it keeps or creates a RUNNING session on endpoint_id (or endpoint_name); sessions are'
            ' closed with state=absent')
    if query.endpoint_id is None and query.endpoint_name is None:
        raise FabricError('state=present needs endpoint_id or endpoint_name: the SQL endpoint to keep a RUNNING'
                          ' session on')
    config = lake_formation('lake_formation_config', params.get('lake_formation_config'))
    if config is None:
        raise FabricError('state=present needs lake_formation_config (instance_id and catalog) to create a session'
                          ' when the endpoint has no RUNNING one')
    wait = wait_settings(workspace.workspace_id, NOT_YET_CREATED, ['RUNNING'], params['wait_timeout'],
                         params['wait_sleep'])
    endpoint_id = None if query.endpoint_id is None else check_id('endpoint_id', query.endpoint_id)
    return LifecycleSettings(state, workspace, endpoint_id=endpoint_id,
                             lake_formation=config, wait=dataclasses.replace(wait, option=''))
