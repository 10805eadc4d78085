# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""The result of listing one workspace, and the listings of a call: every workspace, status and page on the
call's one executor, merged in the order asked.
"""

from __future__ import annotations

import dataclasses
import datetime
import typing as t

from .._errors import FabricError
from .._http.client import FabricHttpClient
from .age import old_enough, unreadable_warning
from .counts import Counter
from .endpoints import EndpointNames
from .executor import CallExecutor, run_plans
from .outcome import listed
from .pager import Pager
from .query import SessionQuery
from .result import SessionListing, UniqueSessions, conflict_warning
from .source import SessionSource


def _session_listing(pager: Pager) -> SessionListing:
    found = listed(pager)
    return SessionListing(sessions=found.entries, total=found.total, warnings=found.warnings,
                          partial=not found.complete, missing=found.missing)


class _Workspace:
    """The plans of one workspace: a count, or one pager per status (merged in the order given)."""

    def __init__(self, client: FabricHttpClient, query: SessionQuery, concurrency: int) -> None:
        self.query = query
        asked = query.query
        if asked.endpoint_name is not None and asked.endpoint_id is None:
            raise FabricError('internal error: endpoint_name %s was not resolved before the listing'
                              % asked.endpoint_name)
        self.counter = Counter(client, query) if asked.count_only else None
        # With older_than, max_results counts the sessions old enough: the pages are read uncapped.
        cap = asked.max_results if asked.older_than is None else None
        self.pagers = [] if self.counter is not None else [
            Pager(SessionSource(client, query, status), asked.page_size, cap, concurrency)
            for status in asked.statuses]

    @property
    def plans(self) -> list[t.Any]:
        return [self.counter] if self.counter is not None else list(self.pagers)

    @property
    def done(self) -> bool:
        return all(plan.done for plan in self.plans)

    def listing(self) -> SessionListing:
        if self.counter is not None:
            return self.counter.listing()
        listings = [_session_listing(pager) for pager in self.pagers]
        sessions = UniqueSessions()
        for listing in listings:
            sessions.merge(listing)
        older_than = self.query.query.older_than
        merged = sessions.listing(self.query.query.max_results if older_than is None else None)
        merged.total = sum(listing.total for listing in listings)
        merged.warnings = [warning for listing in listings for warning in listing.warnings]
        warning = conflict_warning(merged.conflicts, 'workspace %s' % self.query.workspace_id)
        if warning:
            merged.warnings.append(warning)
        merged.partial = any(listing.partial for listing in listings)
        merged.missing = sum(listing.missing for listing in listings)
        if older_than is not None:  # the total is then the number of sessions old enough
            selected = old_enough(merged.sessions, older_than, datetime.datetime.now(datetime.timezone.utc))
            merged.sessions = selected.kept[:self.query.query.max_results]
            merged.total = len(selected.kept)
            if selected.unreadable:
                merged.warnings.append(unreadable_warning(selected.unreadable, 'workspace %s' % self.query.workspace_id))
        return merged


def with_endpoint_ids(queries: t.Sequence[SessionQuery], names: EndpointNames) -> list[SessionQuery]:
    """The queries with their endpoint_name resolved to endpoint_id (``names`` holds them resolved)."""
    return [query if query.query.endpoint_name is None else SessionQuery(query.workspace_id, dataclasses.replace(
        query.query, endpoint_id=names.endpoint_id(query.workspace_id, query.query.endpoint_name)))
        for query in queries]


def list_sessions(client: FabricHttpClient, query: SessionQuery, concurrency: int | None = None,
                  executor: CallExecutor | None = None) -> SessionListing:
    """Every status of one workspace in a call already started (``client.call()``), with ``concurrency`` requests
    in flight (the connection's when not given), on the call's ``executor`` when given (else one of its own). An
    endpoint_name must be resolved already (run_queries)."""
    concurrency = client.concurrency if concurrency is None else concurrency
    workspace = _Workspace(client, query, concurrency)
    if executor is not None:
        run_plans(executor, workspace.plans)
        return workspace.listing()
    with CallExecutor(concurrency) as own:
        run_plans(own, workspace.plans)
        return workspace.listing()


def run_queries(
    client: FabricHttpClient,
    queries: t.Sequence[SessionQuery],
    warn: t.Callable[[str], None],
    names: EndpointNames | None = None,
) -> list[SessionListing]:
    """What the module and the lookup both do once the configuration is loaded: list (or count) every
    workspace as one call (one retry budget, one deadline, one executor of ``concurrency`` threads); results in
    the order given. Endpoint names are resolved first, on the same executor, once per workspace for as long as
    ``names`` is kept (the run).

    Warnings (retries made, lists that changed while read, partial lists) go to ``warn``, scrubbed, also when
    the listing fails.
    """
    first_event, first_note = len(client.retry_events), len(client.notes)
    names = EndpointNames() if names is None else names
    workspaces: list[_Workspace] = []
    found: list[str] = []
    try:
        with client.call(), CallExecutor(client.concurrency) as executor:
            wanted = [(query.workspace_id, query.query.endpoint_name, query.query.page_size) for query in queries
                      if query.query.endpoint_name is not None]
            found = names.resolve_all(client, executor, wanted)
            workspaces = [_Workspace(client, query, client.concurrency) for query in with_endpoint_ids(queries, names)]
            run_plans(executor, [plan for workspace in workspaces for plan in workspace.plans])
        return [workspace.listing() for workspace in workspaces]
    finally:
        for warning in client.notes[first_note:] + client.retry_warnings(since=first_event):
            warn(warning)
        for warning in found:
            warn(client.redactor.text(warning))
        for workspace in workspaces:
            if workspace.done:
                for warning in workspace.listing().warnings:
                    warn(client.redactor.text(warning))
