# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""count_only: the service's total for each status, from one request for one session each (a plan of
executor.py).
"""

from __future__ import annotations

import functools
import typing as t
from concurrent.futures import Future

from .._config.schema import SESSION_STATUSES
from .._http.client import FabricHttpClient
from .page import Page, fetch_page
from .query import SessionQuery
from .result import SessionListing


class Counter:
    """The service's total for each status queried (every documented one when none is given, and then the
    unfiltered total as well)."""

    def __init__(self, client: FabricHttpClient, query: SessionQuery) -> None:
        self.client, self.query = client, query
        self.statuses = [status for status in query.query.statuses if status is not None] or list(SESSION_STATUSES)
        self.asked: list[str | None] = list(self.statuses) + ([None] if query.query.statuses == (None,) else [])
        self._futures: list[Future[Page]] = []
        self._results: list[tuple[int, bool]] = []

    @property
    def done(self) -> bool:
        return len(self._results) == len(self.asked)

    def next_request(self) -> t.Callable[[], Page] | None:
        if len(self._futures) == len(self.asked):
            return None
        status = self.asked[len(self._futures)]
        return functools.partial(fetch_page, self.client, self.query, status, 0, 1)

    def started(self, future: 'Future[Page]') -> None:
        self._futures.append(future)

    def advance(self) -> bool:
        took = False
        while len(self._results) < len(self._futures) and self._futures[len(self._results)].done():
            status = self.asked[len(self._results)]
            sessions, total = self._futures[len(self._results)].result()
            self._results.append((total, any(not self.query.matches(session, status) for session in sessions[:1])))
            took = True
        return took

    def listing(self) -> SessionListing:
        results = self._results
        totals = {status: total for status, (total, _mismatched) in zip(self.statuses, results)}
        listing = SessionListing(counted=totals)
        counted = sum(totals.values())
        listing.total = results[-1][0] if self.asked[-1] is None else counted
        where = 'workspace %s' % self.query.workspace_id
        if any(mismatched for _total, mismatched in results):
            listing.warnings.append('the service answered a count of %s with a session that does not match the'
                                    ' filters asked: it may ignore a filter, so the counts may not be filtered' % where)
        if self.asked[-1] is None:
            listing.uncounted = max(0, listing.total - counted)
            if listing.uncounted:
                listing.warnings.append(
                    'the service counts %d sessions in %s but %d in the five documented statuses: %d are in other'
                    ' statuses (see uncounted)' % (listing.total, where, counted, listing.uncounted))
            elif listing.total < counted:
                listing.warnings.append(
                    'the service counts %d sessions in %s in all but %d in the five documented statuses together:'
                    ' its counts disagree (sessions may have changed between the requests); uncounted is 0'
                    % (listing.total, where, counted))
        return listing
