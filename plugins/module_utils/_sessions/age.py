# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""older_than: the sessions created at least so long ago, by their ``create_time``.

The API cannot filter by age, so the sessions are selected after they are listed. A ``create_time`` is read only
when it is an ISO 8601 date and time with a UTC offset (``2025-07-22T08:42:39.000+00:00``, or ``Z``): one
without an offset could be any of 26 hours, and one that cannot be read never makes a session old enough (a
session is never closed for an age nobody knows); the warning names those sessions.
"""

from __future__ import annotations

import datetime
import re
import typing as t

from .._text import shown

# Date, time, optional fraction, then a UTC offset: fromisoformat of older Pythons reads no more than this.
_ISO_WITH_OFFSET = re.compile(r'\A(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})\Z',
                              re.ASCII)
# Sessions named in one warning; the rest are counted.
NAMED_MAX = 10


def created_at(value: t.Any) -> datetime.datetime | None:
    """The moment a ``create_time`` names, or None when it cannot be read."""
    if not isinstance(value, str):
        return None
    match = _ISO_WITH_OFFSET.match(value.strip())
    if match is None:
        return None
    day, clock, fraction, offset = match.groups()
    offset = '+00:00' if offset == 'Z' else offset if ':' in offset else offset[:3] + ':' + offset[3:]
    micro = '.' + (fraction + '00000')[:6] if fraction else ''
    try:
        return datetime.datetime.fromisoformat('%sT%s%s%s' % (day, clock, micro, offset))
    except ValueError:  # a month 13, an hour 25, an offset of 24 hours or more
        return None


class AgeFilter(t.NamedTuple):
    kept: list[dict[str, t.Any]]
    unreadable: list[dict[str, t.Any]]


def old_enough(sessions: t.Iterable[dict[str, t.Any]], seconds: int, now: datetime.datetime) -> AgeFilter:
    """The sessions created ``seconds`` or more before ``now`` (in their order), and those whose ``create_time``
    cannot be read."""
    limit = now - datetime.timedelta(seconds=seconds)
    kept, unreadable = [], []
    for session in sessions:
        created = created_at(session.get('create_time'))
        if created is None:
            unreadable.append(session)
        elif created <= limit:
            kept.append(session)
    return AgeFilter(kept, unreadable)


def unreadable_warning(unreadable: t.Sequence[dict[str, t.Any]], where: str) -> str:
    named = ', '.join('%s (create_time %s)' % (shown(session.get('session_id')), shown(session.get('create_time')))
                      for session in unreadable[:NAMED_MAX])
    more = ' and %d more' % (len(unreadable) - NAMED_MAX) if len(unreadable) > NAMED_MAX else ''
    return ('%d session%s of %s ha%s a create_time that cannot be read as an ISO 8601 time with a UTC offset, so'
            ' older_than does not select %s: %s%s' % (
                len(unreadable), '' if len(unreadable) == 1 else 's', where, 's' if len(unreadable) == 1 else 've',
                'it' if len(unreadable) == 1 else 'them', named, more))
