# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""state=present: keep a RUNNING session on an endpoint, or create one and wait until it is RUNNING.

The read (one request: the newest RUNNING session of the endpoint) and the creation are one call of the client;
the wait then polls the new session as fabric_session_info's wait does, each poll a call of its own.
"""

from __future__ import annotations

import dataclasses
import typing as t

from .._config.types import Query
from .._errors import FabricError
from .._http.client import FabricHttpClient
from .executor import CallExecutor
from .lifecycle import create_session, listed_session
from .lifecycle_settings import LifecycleSettings
from .listing import list_sessions
from .report import Change, Outcome
from .query import SessionQuery
from .result import SessionListing
from .wait import SessionWait


def running_session(client: FabricHttpClient, settings: LifecycleSettings,
                    executor: CallExecutor) -> dict[str, t.Any] | None:
    """The newest RUNNING session of the endpoint (the list comes newest first), or None."""
    query = SessionQuery(settings.workspace_id, Query(statuses=('RUNNING',), endpoint_id=settings.endpoint_id,
                                                      max_results=1))
    listing = list_sessions(client, query, executor=executor)
    for warning in listing.warnings:
        client.note(warning)
    if listing.sessions:
        return listing.sessions[0]
    if listing.partial:
        raise FabricError('refusing to create a session on endpoint %s of workspace %s: the listing of its RUNNING'
                          ' sessions is known to be partial, so one may be running already'
                          % (settings.endpoint_id, settings.workspace_id))
    return None


def keep_or_create(client: FabricHttpClient, settings: LifecycleSettings, outcome: Outcome,
                   executor: CallExecutor) -> SessionWait | None:
    """Keep or create (in check mode, say so); the wait for a session created, to run next (None when none is)."""
    running = running_session(client, settings, executor)
    if running is not None:
        outcome.add(Change(running.get('session_id'), running, running, 'RUNNING', False))
        return None
    if outcome.check_mode:
        outcome.add(Change(None, None, None, 'RUNNING', True))
        return None
    created = create_session(client, settings.query, t.cast(str, settings.endpoint_id),
                             t.cast(dict, settings.lake_formation), t.cast(t.Any, settings.wait).timeout)
    outcome.add(Change(created['session_id'], None, created, 'RUNNING', True))
    return SessionWait(dataclasses.replace(t.cast(t.Any, settings.wait), session_id=created['session_id']))


def wait_until_running(client: FabricHttpClient, settings: LifecycleSettings, outcome: Outcome,
                       wait: SessionWait) -> None:
    """Poll the new session until it is RUNNING; the outcome shows it as the last poll saw it, also on failure."""
    session_id = wait.settings.session_id

    def poll() -> SessionListing:
        with client.call():
            found = listed_session(client, settings.query, session_id)
        if found is not None:
            outcome.seen_after(session_id, found)
        return SessionListing(sessions=[found] if found is not None else [])

    try:
        wait.run(poll)
    except FabricError as exc:
        raise exc.with_context(before='created session %s on endpoint %s, but it is not RUNNING: ' % (
            session_id, settings.endpoint_id)) from None
