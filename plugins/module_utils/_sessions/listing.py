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

from .._http.client import FabricHttpClient
from .age import old_enough, unreadable_warning
from .counts import Counter
from .executor import CallExecutor, run_plans
from .pager import Pager
from .query import SessionQuery
from .result import SessionListing, unique


class _Workspace:
    """The plans of one workspace: a count, or one pager per status (merged in the order given)."""

    def __init__(self, client: FabricHttpClient, query: SessionQuery, concurrency: int) -> None:
        self.query = query
        self.counter = Counter(client, query) if query.query.count_only else None
        # With older_than, max_results counts the sessions old enough: the pages are read uncapped.
        paged = query if query.query.older_than is None else dataclasses.replace(
            query, query=dataclasses.replace(query.query, max_results=None))
        self.pagers = [] if self.counter is not None else [
            Pager(client, paged, status, concurrency) for status in query.query.statuses]

    @property
    def plans(self) -> list[t.Any]:
        return [self.counter] if self.counter is not None else list(self.pagers)

    @property
    def done(self) -> bool:
        return all(plan.done for plan in self.plans)

    def listing(self) -> SessionListing:
        if self.counter is not None:
            return self.counter.listing()
        listings = [pager.listing() for pager in self.pagers]
        merged = SessionListing(total=sum(listing.total for listing in listings))
        sessions: t.Iterable[dict[str, t.Any]] = (s for listing in listings for s in listing.sessions)
        merged.warnings = [warning for listing in listings for warning in listing.warnings]
        merged.partial = any(listing.partial for listing in listings)
        if self.query.query.older_than is not None:  # the total is then the number of sessions old enough
            selected = old_enough(sessions, self.query.query.older_than, datetime.datetime.now(datetime.timezone.utc))
            sessions = unique(selected.kept, None)
            merged.total = len(sessions)
            if selected.unreadable:
                merged.warnings.append(unreadable_warning(selected.unreadable, 'workspace %s' % self.query.workspace_id))
        merged.sessions = unique(sessions, self.query.query.max_results)
        return merged


def list_sessions(client: FabricHttpClient, query: SessionQuery, concurrency: int | None = None,
                  executor: CallExecutor | None = None) -> SessionListing:
    """Every status of one workspace in a call already started (``client.call()``), with ``concurrency`` requests
    in flight (the connection's when not given), on the call's ``executor`` when given (else one of its own)."""
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
) -> list[SessionListing]:
    """What the module and the lookup both do once the configuration is loaded: list (or count) every
    workspace as one call (one retry budget, one deadline, one executor of ``concurrency`` threads); results in
    the order given.

    Warnings (retries made, lists that changed while read) go to ``warn``, scrubbed, also when the listing
    fails.
    """
    first_event, first_note = len(client.retry_events), len(client.notes)
    workspaces = [_Workspace(client, query, client.concurrency) for query in queries]
    try:
        with client.call(), CallExecutor(client.concurrency) as executor:
            run_plans(executor, [plan for workspace in workspaces for plan in workspace.plans])
        return [workspace.listing() for workspace in workspaces]
    finally:
        for warning in client.notes[first_note:] + client.retry_warnings(since=first_event):
            warn(warning)
        for workspace in workspaces:
            if workspace.done:
                for warning in workspace.listing().warnings:
                    warn(client.redactor.text(warning))
