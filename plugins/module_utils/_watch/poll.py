# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""One poll of a watched workspace (blocking: the event source runs it in an executor).

The cost of a poll is bounded: one listing per watched status (one request per page of that status) and
at most LOOKUPS_PER_POLL_MAX requests for sessions that left the listing. Without a ``status`` filter the
watched statuses are those a session can still leave: CLOSED sessions, the history that only grows, are
never listed; a session that left the listing is asked for by ID, which tells CLOSED (a status change)
from deleted (gone).
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, replace

from .._config.schema import ID_PATTERN, SESSION_STATUSES
from .._config.types import Query
from .._http.client import FabricHttpClient
from .._sessions.endpoints import EndpointNames
from .._sessions.executor import CallExecutor
from .._sessions.listing import list_sessions
from .._sessions.query import SessionQuery
from .._sessions.result import SessionListing
from .changes import Snapshot, vanished

FINAL_STATUS = 'CLOSED'
LIVE_STATUSES = tuple(status for status in SESSION_STATUSES if status != FINAL_STATUS)
LOOKUPS_PER_POLL_MAX = 20
# Sessions that left the listing and wait to be looked up: ten polls' worth; older ones are dropped.
VANISHED_BACKLOG_MAX = 10 * LOOKUPS_PER_POLL_MAX


def watched_statuses(query: Query) -> tuple[str, ...]:
    """The statuses listed at every poll: those of the ``status`` filter, or every status but CLOSED."""
    if query.statuses == (None,):
        return LIVE_STATUSES
    return tuple(status for status in query.statuses if status is not None)


@dataclass(frozen=True)
class PollResult:
    sessions: list[dict[str, t.Any]]
    looked_up: dict[str, dict[str, t.Any] | None]


def _look_up(client: FabricHttpClient, workspace_id: str, query: Query, session_id: str) -> dict[str, t.Any] | None:
    if not ID_PATTERN.match(session_id):
        return None  # the API refuses such an ID in a query: nothing can be learnt of it any more
    by_id = SessionQuery(workspace_id, replace(query, statuses=(None,), session_id=session_id, max_results=1))
    found = list_sessions(client, by_id).sessions
    return found[0] if found else None


def fetch(
    client: FabricHttpClient,
    workspace_id: str,
    query: Query,
    previous: Snapshot | None,
    warn: t.Callable[[str], None],
    names: EndpointNames | None = None,
) -> PollResult:
    """The watched sessions of a workspace and the sessions that left them since ``previous``, in one call
    of the client (one retry budget, one deadline). Retry and listing warnings go to ``warn``, scrubbed; a listing
    that is not whole says so there, with the service's count and what it held. An endpoint_name is resolved
    once for as long as ``names`` is kept (the source's run)."""
    listings: list[SessionListing] = []
    looked_up: dict[str, dict[str, t.Any] | None] = {}
    found: list[str] = []
    try:
        with client.call():
            if query.endpoint_name is not None:
                names = EndpointNames() if names is None else names
                with CallExecutor(client.concurrency) as executor:
                    found = names.resolve_all(client, executor, [(workspace_id, query.endpoint_name, query.page_size)])
                query = replace(query, endpoint_id=names.endpoint_id(workspace_id, query.endpoint_name))
            listing_query = SessionQuery(workspace_id, replace(query, statuses=watched_statuses(query),
                                                               session_id=None, max_results=None))
            listings.append(list_sessions(client, listing_query))
            for session_id in vanished(previous, listings[0].sessions)[:LOOKUPS_PER_POLL_MAX]:
                looked_up[session_id] = _look_up(client, workspace_id, query, session_id)
    finally:
        for warning in client.notes + client.retry_warnings():
            warn(warning)
        # a source runs for days: the client's record of retries must not grow with it
        client.transport.forget_warnings()
        for warning in found:
            warn(client.redactor.text(warning))
        for listing in listings:
            for warning in listing.warnings:
                warn(client.redactor.text(warning))
    return PollResult(listings[0].sessions, looked_up)
