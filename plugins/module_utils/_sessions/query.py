# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""What one workspace is asked: the path, the query parameters of a page, and whether a session the service
returned is one that was asked for.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass
from urllib.parse import quote

from .._config.checks import check_id
from .._config.types import Query


SESSIONS_PATH = '/v1/workspaces/%s/sessions'


@dataclass(frozen=True)
class SessionQuery:
    workspace_id: str
    query: Query = Query()

    @classmethod
    def for_workspace(cls, workspace_id: t.Any, query: Query) -> 'SessionQuery':
        return cls(check_id('workspace_id', workspace_id), query)

    @property
    def path(self) -> str:
        return SESSIONS_PATH % quote(self.workspace_id, safe='')

    def query_pairs(self, status: str | None, offset: int, limit: int) -> list[tuple[str, str]]:
        filters = {'endpoint_id': self.query.endpoint_id, 'status': status, 'session_id': self.query.session_id}
        pairs = [(name, value) for name, value in filters.items() if value is not None]
        return pairs + [('limit', str(limit)), ('offset', str(offset))]

    def matches(self, session: dict[str, t.Any], status: str | None) -> bool:
        """Whether a session the service returned is one that was asked for."""
        if status is not None and session.get('status') != status:
            return False
        if self.query.session_id is not None and session.get('session_id') != self.query.session_id:
            return False
        if self.query.endpoint_id is not None:
            endpoint = session.get('endpoint_info')
            return isinstance(endpoint, dict) and endpoint.get('id') == self.query.endpoint_id
        return True

    def describe(self, status: str | None) -> str:
        filters = [('status', status), ('endpoint_name', self.query.endpoint_name),
                   ('endpoint_id', self.query.endpoint_id), ('session_id', self.query.session_id)]
        return ', '.join('%s %s' % (name, value) for name, value in filters if value is not None)
