# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A small in-memory sessions API served through ``responses`` (HTTP mocked at the transport level)."""

from __future__ import annotations

import json
import re
import uuid
from urllib.parse import parse_qsl, urlsplit

import responses

from ansible_collections.dataarts.fabric.plugins.module_utils._config.loader import load_config
from ansible_collections.dataarts.fabric.plugins.module_utils._config.types import Query
from ansible_collections.dataarts.fabric.plugins.module_utils._config.options import ALL_OPTIONS
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.query import SessionQuery

ENDPOINT = 'https://fabric.example.test'
URL_PATTERN = re.compile(r'https://fabric\.example\.test/v1/workspaces/[^/]+/sessions.*')
STATUSES = ('RUNNING', 'CLOSED', 'WAITING', 'CREATING', 'FAIL')


def make_sessions(count, statuses=STATUSES):
    return [{
        'session_id': str(uuid.UUID(int=index + 1)),
        'status': statuses[index % len(statuses)],
        'create_time': '2025-07-22T08:42:%02d.000+00:00' % (index % 60),
        'endpoint_info': {'id': str(uuid.UUID(int=10_000 + index % 3)), 'name': 'ep %d' % (index % 3)},
    } for index in range(count)]


def session_query(workspace='ws', statuses=(None,), page_size=100, max_results=None, **filters):
    """What one workspace is asked for, built as the loader builds it."""
    return SessionQuery(workspace, Query(statuses=tuple(statuses), page_size=page_size, max_results=max_results,
                                         **filters))


def load_connection(**overrides):
    """The connection the loader makes of the option defaults plus ``overrides`` (no environment, no files)."""
    values = {option.name: option.default for option in ALL_OPTIONS}
    values.update(overrides)
    return load_config(values, environ={}).connection


class FakeFabric:
    def __init__(self, mock: responses.RequestsMock | None, workspaces: dict) -> None:
        self.workspaces = workspaces
        self.requests = []
        self.before_page = None  # optional hook(workspace_sessions, query) run before a page is served
        if mock is not None:  # None: the caller wraps _serve in a callback of its own
            mock.add_callback(responses.GET, URL_PATTERN, callback=self._serve)

    def _serve(self, request):
        parts = urlsplit(request.url)
        query = dict(parse_qsl(parts.query))
        self.requests.append((parts.path, parts.query, dict(request.headers)))
        workspace = parts.path.split('/')[3]
        if workspace not in self.workspaces:
            return 404, {'X-Request-Id': 'rid-404'}, json.dumps(
                {'error_code': 'common.01000001', 'error_msg': 'response status exception, code: 404'})
        sessions = self.workspaces[workspace]
        if self.before_page:
            self.before_page(sessions, query)
        matching = [s for s in sessions
                    if all(s.get(key) == query[key] for key in ('status', 'session_id') if key in query)
                    and ('endpoint_id' not in query or s['endpoint_info']['id'] == query['endpoint_id'])]
        offset, limit = int(query.get('offset', 0)), int(query.get('limit', 10))
        body = {'sessions': matching[offset:offset + limit], 'total': len(matching)}
        return 200, {'X-Request-Id': 'rid-%d' % len(self.requests)}, json.dumps(body)

    @property
    def queries(self):
        return [dict(parse_qsl(query)) for _path, query, _headers in self.requests]
