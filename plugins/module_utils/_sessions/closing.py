# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""state=absent: close one session, or every session a listing selects, reading before and after each close.

The closes of a listing run as one plan on the call's executor: at most ``concurrency`` side by side. After the
first failure no further close is started (a refusal such as a missing permission would only repeat); those
already started finish, and the failure names the sessions closed and those not closed.
"""

from __future__ import annotations

import collections
import functools
import typing as t
from concurrent.futures import Future

from .._config.schema import ID_PATTERN
from .._errors import FabricError
from .._http.client import FabricHttpClient
from .executor import CallExecutor, run_plans
from .lifecycle import close_session, show_session
from .listing import list_sessions
from .report import Change, Outcome, named
from .query import SessionQuery


def _usable_id(session_id: t.Any) -> bool:
    return isinstance(session_id, str) and bool(ID_PATTERN.match(session_id))


def _after_close(client: FabricHttpClient, query: SessionQuery, before: dict[str, t.Any]) -> Change:
    """Close a session and read it back. A session the service no longer shows afterwards is given as it was,
    with the status CLOSED."""
    session_id = before['session_id']
    changed = close_session(client, query, session_id)
    after = show_session(client, query, session_id)
    return Change(session_id, before, dict(before, **after) if after is not None else dict(before, status='CLOSED'),
                  'CLOSED', changed)


def close_one(client: FabricHttpClient, query: SessionQuery, session_id: str, outcome: Outcome) -> None:
    """Close one session unless it is CLOSED or unknown (then it is absent already: no DELETE)."""
    before = show_session(client, query, session_id)
    if before is None:
        return
    if before.get('status') == 'CLOSED':
        outcome.add(Change(session_id, before, before, 'CLOSED', False))
    elif outcome.check_mode:
        outcome.add(Change(session_id, before, None, 'CLOSED', True))
    else:
        outcome.add(_after_close(client, query, before))


class ClosePlan:
    """Closes sessions side by side (a plan of executor.py); stops starting new ones after the first failure."""

    def __init__(self, client: FabricHttpClient, query: SessionQuery, sessions: t.Sequence[dict[str, t.Any]],
                 outcome: Outcome) -> None:
        self.client, self.query, self.outcome = client, query, outcome
        self.waiting = collections.deque(sessions)
        self.running: list[tuple[dict[str, t.Any], Future[Change]]] = []
        self.failed: list[tuple[dict[str, t.Any], FabricError]] = []
        self._asked: dict[str, t.Any] | None = None

    @property
    def done(self) -> bool:
        return not self.running and (not self.waiting or bool(self.failed))

    def next_request(self) -> t.Callable[[], Change] | None:
        if self.failed or not self.waiting:
            return None
        self._asked = self.waiting.popleft()
        return functools.partial(_after_close, self.client, self.query, self._asked)

    def started(self, future: 'Future[Change]') -> None:
        self.running.append((t.cast(dict, self._asked), future))

    def advance(self) -> bool:
        finished = [(session, future) for session, future in self.running if future.done()]
        for session, future in finished:
            self.running.remove((session, future))
            error = future.exception()
            if error is None:
                self.outcome.add(future.result())
            elif isinstance(error, FabricError):
                self.failed.append((session, error))
            else:
                raise error
        return bool(finished)


def close_matching(client: FabricHttpClient, query: SessionQuery, outcome: Outcome, executor: CallExecutor) -> None:
    """Close every session the query lists (CLOSED ones are absent already), on the call's executor."""
    listing = list_sessions(client, query, executor=executor)
    for warning in listing.warnings:
        client.note(warning)
    if listing.partial:
        raise FabricError('refusing to close sessions of workspace %s: its listing is known to be partial (%d'
                          ' sessions read), so the sessions it missed could not be told apart from those to keep'
                          % (query.workspace_id, len(listing.sessions)))
    open_sessions = [session for session in listing.sessions if session.get('status') != 'CLOSED']
    targets = [session for session in open_sessions if _usable_id(session.get('session_id'))]
    if len(targets) < len(open_sessions):
        client.note('%d sessions of workspace %s were listed without a usable session_id: they cannot be closed'
                    % (len(open_sessions) - len(targets), query.workspace_id))
    outcome.expect(session.get('session_id') for session in targets)
    if outcome.check_mode:
        for session in targets:
            outcome.add(Change(session.get('session_id'), session, None, 'CLOSED', True))
        return
    plan = ClosePlan(client, query, targets, outcome)
    run_plans(executor, [plan])
    if plan.failed:
        first_session, first_error = plan.failed[0]
        failed = [session.get('session_id') for session, _error in plan.failed]
        untried = [session.get('session_id') for session in plan.waiting]
        outcome.not_closed = [str(session_id) for session_id in failed + untried]
        raise first_error.with_context(before=(
            'closed %d of %d sessions of workspace %s (%s); not closed: %s, and %s not tried after that failure (%s).'
            ' The close of %s failed: ' % (len(outcome.closed), len(targets), query.workspace_id, named(outcome.closed),
                                           named(failed), len(untried), named(untried), first_session.get('session_id'))
        ))
