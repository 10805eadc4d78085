# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""What changed in a workspace between two polls, as the events of the ``session_events`` source.

Pure functions: a snapshot (session ID -> status, the only state the source keeps), the sessions one poll
listed and the sessions looked up by ID go in; events and the next snapshot come out.
"""

from __future__ import annotations

import typing as t

SESSION_NEW = 'session_new'
SESSION_STATUS_CHANGED = 'session_status_changed'
SESSION_GONE = 'session_gone'
POLL_FAILED = 'poll_failed'
POLL_RECOVERED = 'poll_recovered'

Snapshot = t.Dict[str, t.Any]
Event = t.Dict[str, t.Any]


def session_event(kind: str, workspace_id: str, session: t.Mapping[str, t.Any], previous_status: t.Any) -> Event:
    """A change event: exactly ``type``, ``workspace_id``, ``session`` (as sent) and ``previous_status``."""
    return {'type': kind, 'workspace_id': workspace_id, 'session': dict(session), 'previous_status': previous_status}


def poll_failed_event(workspace_id: str, error: str, status_code: int | None) -> Event:
    return {'type': POLL_FAILED, 'workspace_id': workspace_id, 'error': error, 'status_code': status_code}


def poll_recovered_event(workspace_id: str, failed_polls: int) -> Event:
    return {'type': POLL_RECOVERED, 'workspace_id': workspace_id, 'failed_polls': failed_polls}


def session_key(session: t.Mapping[str, t.Any]) -> str | None:
    """The ID a session is tracked by; None for a session without a usable one (it cannot be followed)."""
    key = session.get('session_id')
    return key if isinstance(key, str) and key else None


def snapshot_of(sessions: t.Iterable[t.Mapping[str, t.Any]]) -> Snapshot:
    return {key: session.get('status') for session in sessions if (key := session_key(session)) is not None}


def vanished(previous: Snapshot | None, sessions: t.Iterable[t.Mapping[str, t.Any]]) -> list[str]:
    """IDs of the previous snapshot that the new listing lacks, in the order they were first seen."""
    if not previous:
        return []
    listed = snapshot_of(sessions)
    return [key for key in previous if key not in listed]


def changes(
    workspace_id: str,
    previous: Snapshot | None,
    sessions: t.Sequence[t.Mapping[str, t.Any]],
    looked_up: t.Mapping[str, t.Mapping[str, t.Any] | None],
    watched_statuses: t.Collection[t.Any],
    announce_existing: bool = False,
) -> tuple[list[Event], Snapshot]:
    """The events of one poll and the next snapshot.

    ``previous`` is None before the first successful poll: its sessions are the baseline, announced as
    ``session_new`` only with ``announce_existing``. ``looked_up`` holds, for sessions that vanished from
    the listing and were asked for by ID, the session the service still has, or None when it has none.
    A vanished session not looked up (yet) keeps its last status and causes no event; it comes first in the
    next snapshot, so that the sessions that have waited longest are looked up first (see ``trim_backlog``).
    """
    events: list[Event] = []
    current: Snapshot = {}
    pending: Snapshot = {}
    for session in sessions:
        key = session_key(session)
        if key is None or key in current:
            continue
        status = session.get('status')
        current[key] = status
        if previous is None:
            if announce_existing:
                events.append(session_event(SESSION_NEW, workspace_id, session, None))
        elif key not in previous:
            events.append(session_event(SESSION_NEW, workspace_id, session, None))
        elif previous[key] != status:
            events.append(session_event(SESSION_STATUS_CHANGED, workspace_id, session, previous[key]))
    for key in vanished(previous, sessions):
        last_status = t.cast(Snapshot, previous)[key]
        if key not in looked_up:
            pending[key] = last_status
            continue
        found = looked_up[key]
        if found is None:
            events.append(session_event(SESSION_GONE, workspace_id, {'session_id': key, 'status': last_status},
                                        last_status))
            continue
        status = found.get('status')
        if status != last_status:
            events.append(session_event(SESSION_STATUS_CHANGED, workspace_id, found, last_status))
        if status in watched_statuses:
            current[key] = status
    return events, {**pending, **current}


def trim_backlog(snapshot: Snapshot, sessions: t.Iterable[t.Mapping[str, t.Any]],
                 limit: int) -> tuple[Snapshot, list[str]]:
    """The snapshot with at most ``limit`` sessions that left the listing and are still to be looked up, and
    the IDs dropped to keep it so (the oldest first): sessions that close faster than they can be looked up
    must not pile up without bound, nor their events lag without bound."""
    backlog = vanished(snapshot, sessions)
    dropped = backlog[:max(0, len(backlog) - limit)]
    if not dropped:
        return snapshot, []
    gone = set(dropped)
    return {key: status for key, status in snapshot.items() if key not in gone}, dropped
