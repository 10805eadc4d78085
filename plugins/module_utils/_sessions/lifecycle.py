# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""Show, close and create one session: the three calls of fabric_session and what their answers mean.

The vendor's pages document less of these calls than of the list, so each answer is read for what it surely
says and the session is read back where it does not say enough:
- show answers ``{session_id, status}``, or 404 for an unknown session; a 404 for an unknown workspace looks the
  same, so a 404 is checked with a listing of that one ID (which tells them apart);
- close answers 200 with no documented body (204 from the later API): any 2xx is taken, whatever its body.
  Closing a session that is already CLOSED is not documented: a refusal (400, 404 or 409) is read back, and a
  session that is then CLOSED, or gone, was already closed;
- create answers ``{session_id, status}``; a fuller session, or one without a status, is taken as well. The
  POST is never sent twice where the service may have acted on it (see FabricHttpClient.post_json).
"""

from __future__ import annotations

import math
import typing as t
from urllib.parse import quote

from .._config.schema import ID_PATTERN
from .._config.types import Query
from .._errors import FabricError
from .._http.client import FabricHttpClient, JsonResponse
from .._text import shown
from .listing import list_sessions
from .query import SessionQuery

# The create API's own wait_timeout (seconds): sent, it makes the creation asynchronous (the vendor's connector).
SERVICE_WAIT_MIN = 300
SERVICE_WAIT_MAX = 7200
# Refusals of a DELETE that may only mean "already closed": the session is read back before anything is said.
MAYBE_CLOSED_STATUSES = (400, 404, 409)
# Failures of a POST after which the service may have created the session all the same.
MAYBE_CREATED_STATUSES = (None, 408, 500, 502, 504)


def session_path(query: SessionQuery, session_id: str) -> str:
    return '%s/%s' % (query.path, quote(session_id, safe=''))


def _session_answer(answer: JsonResponse, method: str, session_id: str | None) -> dict[str, t.Any]:
    """A session object from an answer, with its ``session_id`` (the one asked for, where the answer has none)."""
    def malformed(problem: str) -> FabricError:
        return FabricError('%s %s answered with %s' % (method, answer.url, problem), status=200,
                           request_id=answer.request_id)

    body = answer.data
    if not isinstance(body, dict):
        raise malformed('an empty body' if body is None else 'a JSON %s, not a session object' % type(body).__name__)
    found = body.get('session_id')
    if found is None and session_id is not None:
        return dict(body, session_id=session_id)
    if not isinstance(found, str) or not ID_PATTERN.match(found):
        raise malformed('no usable session_id (%s)' % shown(found))
    if session_id is not None and found != session_id:
        raise malformed('another session, %s' % shown(found))
    return dict(body)


def listed_session(client: FabricHttpClient, query: SessionQuery, session_id: str) -> dict[str, t.Any] | None:
    """The session as the list shows it, or None; an unknown workspace fails, naming it."""
    by_id = SessionQuery(query.workspace_id, Query(session_id=session_id, max_results=1))
    found = list_sessions(client, by_id, concurrency=1).sessions
    return found[0] if found else None


def show_session(client: FabricHttpClient, query: SessionQuery, session_id: str) -> dict[str, t.Any] | None:
    """The session as the service shows it now, or None when the workspace has no such session."""
    try:
        answer = client.get_json(session_path(query, session_id))
    except FabricError as exc:
        if exc.status != 404:
            raise
        return listed_session(client, query, session_id)
    return _session_answer(answer, 'GET', session_id)


def close_session(client: FabricHttpClient, query: SessionQuery, session_id: str) -> bool:
    """Close one session: True when the service took the close, False when the session was closed (or gone)
    already."""
    try:
        client.delete_json(session_path(query, session_id))
    except FabricError as exc:
        if exc.status not in MAYBE_CLOSED_STATUSES:
            raise
        now = show_session(client, query, session_id)
        if now is None or now.get('status') == 'CLOSED':
            return False
        raise exc.with_context(after=' (the session is %s)' % shown(now.get('status'), repr_of=False)) from None
    return True


def service_wait(timeout: float) -> int:
    """The create API's wait_timeout for a wait of ``timeout`` seconds, within the range the API takes."""
    return int(min(max(math.ceil(timeout), SERVICE_WAIT_MIN), SERVICE_WAIT_MAX))


def create_session(client: FabricHttpClient, query: SessionQuery, endpoint_id: str,
                   lake_formation: t.Mapping[str, str], timeout: float) -> dict[str, t.Any]:
    """Ask for a new session on an endpoint: the answer, with its session_id (the status as answered, if any)."""
    body = {'endpoint_id': endpoint_id, 'lake_formation_config': dict(lake_formation),
            'wait_timeout': service_wait(timeout)}
    try:
        answer = client.post_json(query.path, body)
    except FabricError as exc:
        if exc.status not in MAYBE_CREATED_STATUSES:
            raise
        raise exc.with_context(after=(
            ' -- the service may have created the session all the same; the request was not sent again, as a second'
            ' one could create a second session: list the sessions of endpoint %s (status CREATING, WAITING or'
            ' RUNNING) before running the task again' % endpoint_id)) from None
    try:
        return _session_answer(answer, 'POST', None)
    except FabricError as exc:
        raise exc.with_context(after=': a session may have been created, list the sessions of endpoint %s to find'
                                     ' it' % endpoint_id) from None
