# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""What a listing of one workspace returns: its sessions, the total, counts per status and the warnings.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field

from .._config.schema import SESSION_STATUSES
from .._text import SHORT_FIELD_CHARS, service_text
from .page import session_key

# The status of a session the service listed twice with different statuses: it is never decided on.
CONFLICTING = 'CONFLICTING'
CONFLICT_FIELD = 'conflicting_statuses'
# Conflicting sessions a warning names by ID; the rest are counted.
CONFLICTS_NAMED = 10


@dataclass
class SessionListing:
    sessions: list[dict[str, t.Any]] = field(default_factory=list)
    total: int = 0
    warnings: list[str] = field(default_factory=list)
    counted: dict[str, int] | None = None  # the service's totals, for count_only
    uncounted: int | None = None  # count_only without status: the total less the five statuses' totals
    conflicts: dict[t.Hashable, list[t.Any]] = field(default_factory=dict)  # session key -> statuses listed
    # True when the listing knows it is not whole (outcome.py): nothing may act on it in silence.
    partial: bool = False
    missing: int = 0  # sessions the service counts that the listing could not see (0 when it cannot tell)

    @property
    def counts(self) -> dict[str, int]:
        """Sessions per status: the five documented ones always, any other value as sent (or, for
        count_only, the service's total of each status queried). A session listed with conflicting statuses
        counts under each of them: a check of any of those statuses sees it."""
        if self.counted is not None:
            return dict(self.counted)
        counts = dict.fromkeys(SESSION_STATUSES, 0)
        for session in self.sessions:
            statuses = [session.get('status')]
            if self.conflicts and session.get('status') == CONFLICTING:
                statuses = self.conflicts.get(session_key(session), statuses)
            for status in statuses:
                key = status if isinstance(status, str) else str(status)
                counts[key] = counts.get(key, 0) + 1
        return counts

    def as_result(self) -> dict[str, t.Any]:
        result = {'sessions': self.sessions, 'total': self.total, 'counts': self.counts,
                  'complete': not self.partial, 'missing': self.missing}
        if self.uncounted is not None:
            result['uncounted'] = self.uncounted
        return result


class UniqueSessions:
    """Sessions in order, each ID (or, without one, each content) once.

    A session listed again with another status (it changed while it was listed, or the service contradicts
    itself) is never decided on: it stays at the place of its first copy with the status CONFLICTING and the
    statuses it was listed with in ``conflicting_statuses``.
    """

    def __init__(self) -> None:
        self.sessions: list[dict[str, t.Any]] = []
        self.conflicts: dict[t.Hashable, list[t.Any]] = {}
        self._at: dict[t.Hashable, int] = {}

    def add(self, session: dict[str, t.Any]) -> bool:
        """Keep ``session`` when its ID is new (True); mark the kept copy when the status disagrees."""
        key = session_key(session)
        at = self._at.get(key)
        if at is None:
            self._at[key] = len(self.sessions)
            self.sessions.append(session)
            return True
        kept, status = self.sessions[at], session.get('status')
        seen = self.conflicts.get(key)
        if seen is None:
            if kept.get('status') == status:
                return False
            seen = self.conflicts[key] = [kept.get('status')]
        if status not in seen:
            seen.append(status)
            self.sessions[at] = dict(kept, **{'status': CONFLICTING, CONFLICT_FIELD: list(seen)})
        return False

    def merge(self, listing: SessionListing) -> None:
        """Add the sessions of another listing, its conflicting ones with each status they were listed with."""
        for session in listing.sessions:
            statuses = listing.conflicts.get(session_key(session)) if session.get('status') == CONFLICTING else None
            if statuses is None:
                self.add(session)
                continue
            plain = {name: value for name, value in session.items() if name != CONFLICT_FIELD}
            for status in statuses:
                self.add(dict(plain, status=status))

    def listing(self, cap: int | None = None) -> SessionListing:
        """The sessions kept (at most ``cap``) and the conflicts among them."""
        sessions = self.sessions if cap is None else self.sessions[:cap]
        kept = {session_key(session) for session in sessions} if self.conflicts else set()
        return SessionListing(sessions=sessions,
                              conflicts={key: seen for key, seen in self.conflicts.items() if key in kept})


def conflict_warning(conflicts: t.Mapping[t.Hashable, t.Sequence[t.Any]], where: str) -> str | None:
    """The warning that names the sessions listed with conflicting statuses (the first CONFLICTS_NAMED)."""
    if not conflicts:
        return None

    def said(statuses: t.Sequence[t.Any]) -> str:  # the service's text: escaped and bounded
        words = [service_text(status, SHORT_FIELD_CHARS) for status in statuses[:CONFLICTS_NAMED]]
        return ' and '.join(words) + (' and %d more' % (len(statuses) - len(words)) if len(statuses) > len(words)
                                      else '')

    named = ['%s (%s)' % (service_text(key, SHORT_FIELD_CHARS), said(statuses))
             for key, statuses in list(conflicts.items())[:CONFLICTS_NAMED]]
    more = len(conflicts) - len(named)
    return ('the service listed %d session%s of %s more than once with different statuses: %s%s. They may have'
            ' changed while they were listed; each is returned once with status %s and the statuses listed in %s'
            ' (and counted under each), never as one of them' % (
                len(conflicts), '' if len(conflicts) == 1 else 's', where, ', '.join(named),
                ' and %d more' % more if more else '', CONFLICTING, CONFLICT_FIELD))
