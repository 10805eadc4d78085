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
from .page import session_key


@dataclass
class SessionListing:
    sessions: list[dict[str, t.Any]] = field(default_factory=list)
    total: int = 0
    warnings: list[str] = field(default_factory=list)
    counted: dict[str, int] | None = None  # the service's totals, for count_only
    uncounted: int | None = None  # count_only without status: the total less the five statuses' totals
    partial: bool = False  # known to miss sessions of the query: nothing may be decided on it

    @property
    def counts(self) -> dict[str, int]:
        """Sessions per status: the five documented ones always, any other value as sent (or, for
        count_only, the service's total of each status queried)."""
        if self.counted is not None:
            return dict(self.counted)
        counts = dict.fromkeys(SESSION_STATUSES, 0)
        for session in self.sessions:
            status = session.get('status')
            key = status if isinstance(status, str) else str(status)
            counts[key] = counts.get(key, 0) + 1
        return counts

    def as_result(self) -> dict[str, t.Any]:
        result = {'sessions': self.sessions, 'total': self.total, 'counts': self.counts}
        if self.uncounted is not None:
            result['uncounted'] = self.uncounted
        return result


def unique(sessions: t.Iterable[dict[str, t.Any]], cap: int | None) -> list[dict[str, t.Any]]:
    """Sessions in order, each ID (or, without one, each content) once, at most ``cap`` of them."""
    seen: set[t.Hashable] = set()
    unique: list[dict[str, t.Any]] = []
    for session in sessions:
        if cap is not None and len(unique) >= cap:
            break
        key = session_key(session)
        if key not in seen:
            seen.add(key)
            unique.append(session)
    return unique
