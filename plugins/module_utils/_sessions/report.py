# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""What fabric_session did (or, in check mode, would do) to each session: the result and the diff.

An Outcome is filled while the work goes on, so that a task failing partway still reports what was done.
"""

from __future__ import annotations

import dataclasses
import threading
import typing as t
from dataclasses import dataclass, field

# Sessions named in a message; the result lists every one.
NAMED_MAX = 20


@dataclass(frozen=True)
class Change:
    """One session: as read before (None: it did not exist), as read after (None: not read, as in check mode),
    the status the change aims at, and whether the service changed it."""

    session_id: str | None
    before: dict[str, t.Any] | None
    after: dict[str, t.Any] | None
    target: str
    changed: bool

    @property
    def shown(self) -> dict[str, t.Any] | None:
        return self.after if self.after is not None else self.before

    def key(self, new: str) -> str:
        return self.session_id if self.session_id is not None else new


def status_of(session: t.Mapping[str, t.Any] | None) -> t.Any:
    return None if session is None else session.get('status')


def named(ids: t.Sequence[t.Any]) -> str:
    """IDs for a message: at most NAMED_MAX, the rest counted."""
    if not ids:
        return 'none'
    text = ', '.join(str(session_id) for session_id in ids[:NAMED_MAX])
    return text + (' and %d more' % (len(ids) - NAMED_MAX) if len(ids) > NAMED_MAX else '')


@dataclass
class Outcome:
    """The changes of one task, in the order the sessions were listed (whatever order they finished in)."""

    check_mode: bool
    new_label: str = '(new session)'  # the key of a session check mode would create
    changes: list[Change] = field(default_factory=list)
    not_closed: list[str] = field(default_factory=list)
    _order: dict[t.Any, int] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def expect(self, session_ids: t.Iterable[t.Any]) -> None:
        """The order the changes are reported in."""
        self._order = {session_id: index for index, session_id in enumerate(session_ids)}

    def add(self, change: Change) -> None:
        with self._lock:
            self.changes.append(change)
            self.changes.sort(key=lambda each: self._order.get(each.session_id, len(self._order)))

    def seen_after(self, session_id: str, after: dict[str, t.Any]) -> None:
        """A later read of a session changed already (the polls of a new one)."""
        with self._lock:
            self.changes = [dataclasses.replace(change, after=after) if change.session_id == session_id else change
                            for change in self.changes]

    @property
    def changed(self) -> bool:
        return any(change.changed for change in self.changes)

    @property
    def closed(self) -> list[str]:
        return [t.cast(str, change.session_id) for change in self.changes if change.changed and change.target == 'CLOSED']

    def as_result(self, with_diff: bool) -> dict[str, t.Any]:
        result: dict[str, t.Any] = {
            'changed': self.changed,
            'sessions': [change.shown for change in self.changes if change.shown is not None],
        }
        if with_diff:
            result['diff'] = self.diff()
        return result

    def failure_fields(self) -> dict[str, t.Any]:
        """What a failed task reports besides its message: what it did before it failed."""
        fields = self.as_result(with_diff=False)
        if self.not_closed or self.closed:
            fields.update(closed=self.closed, not_closed=list(self.not_closed))
        return fields

    def diff(self) -> dict[str, t.Any]:
        """Each session's status before and after (in check mode, the status the change would give it)."""
        before = {change.key(self.new_label): status_of(change.before) for change in self.changes
                  if change.before is not None}
        after = {change.key(self.new_label): status_of(change.after) if change.after is not None else change.target
                 for change in self.changes}
        return {'before': {'sessions': before}, 'after': {'sessions': after}}
