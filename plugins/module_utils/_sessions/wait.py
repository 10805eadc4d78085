# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""The module's wait: one session polled until its status is one of those wanted.

The first poll starts at once; each next one ``sleep`` seconds after the previous one ended (never sooner:
after a slow or throttled poll no missed poll is made up), as long as it starts within ``timeout`` (and at most
POLLS_MAX polls), so slow answers shorten the wait rather than lengthen it. The wait ends early when the
session is in a status it never leaves (FAIL, CLOSED) that is not wanted, and at once when a poll fails or the
session comes without a status. A session listed with conflicting statuses in one poll (CONFLICTING) has
reached nothing: the wait goes on.
"""

from __future__ import annotations

import time
import typing as t
from dataclasses import dataclass, field

from .._config.checks import number
from .._config.schema import SESSION_STATUSES, WAIT_SLEEP_MAX, WAIT_TIMEOUT_MAX
from .._errors import FabricError
from .._text import SHOWN_CHARS, did_you_mean, shown
from .result import CONFLICTING, SessionListing

# Statuses a session never leaves.
END_STATUSES = ('FAIL', 'CLOSED')
POLLS_MAX = 10000
# Room for the rounding of timeout / sleep (0.3 / 0.1 is 2.9999999999999996).
_RATIO_SLACK = 1e-9

REACHED = 'reached'
ENDED = 'ended'
TIMED_OUT = 'timed_out'
NO_STATUS = 'no_status'
POLL_FAILED = 'poll_failed'


def _status_text(status: str | None) -> str:
    """A status as a message shows it: as it is when short and printable, else escaped and cut (it is the
    service's text, of any length and content)."""
    text = str(status)
    return text if text.isprintable() and len(text) <= SHOWN_CHARS else shown(status)


@dataclass(frozen=True)
class WaitSettings:
    workspace_id: str
    session_id: str
    statuses: tuple[str, ...]
    timeout: float
    sleep: float
    option: str = 'wait_status'  # the option that named the statuses, for the messages ('' for none)

    @property
    def max_polls(self) -> int:
        # compared before int(): timeout / sleep of a tiny sleep is inf
        return int(min(self.timeout / self.sleep + _RATIO_SLACK, POLLS_MAX - 1)) + 1

    @property
    def wanted(self) -> str:
        return ' or '.join(self.statuses)

    @property
    def session(self) -> str:
        return 'session %s of workspace %s' % (self.session_id, self.workspace_id)

    @property
    def named_by(self) -> str:
        return ' (%s)' % self.option if self.option else ''


def wait_settings(workspace_id: str, session_id: str | None, statuses: t.Sequence[str], timeout: float,
                  sleep: float, conflicts: t.Mapping[str, bool] | None = None) -> WaitSettings:
    """Checked settings, or a FabricError naming the option; ``conflicts`` names the options that are set and
    cannot be combined with a wait."""
    if session_id is None:
        raise FabricError('wait_status needs session_id: the wait polls that one session')
    if not statuses:
        raise FabricError('wait_status must name at least one status out of %s' % ', '.join(SESSION_STATUSES))
    unknown = [status for status in statuses if status not in SESSION_STATUSES]
    if unknown:
        raise FabricError('wait_status must name statuses out of %s, got %s%s'
                          % (', '.join(SESSION_STATUSES), ', '.join(map(str, unknown)),
                             did_you_mean(unknown[0], SESSION_STATUSES)))
    for name, is_set in (conflicts or {}).items():
        if is_set:
            raise FabricError('wait_status cannot be combined with %s: the wait reads the status of the session'
                              ' from its full listing' % name)
    timeout = float(number('wait_timeout', timeout, 0, WAIT_TIMEOUT_MAX, integer=False,
                           rule='a number of seconds, 0 or more, at most %d' % WAIT_TIMEOUT_MAX))
    sleep = float(number('wait_sleep', sleep, 0, WAIT_SLEEP_MAX, integer=False,
                         rule='a number of seconds greater than 0, at most %d' % WAIT_SLEEP_MAX))
    if sleep <= 0:
        raise FabricError('wait_sleep must be a number of seconds greater than 0, at most %d, got %s'
                          % (WAIT_SLEEP_MAX, sleep))
    if timeout / sleep > POLLS_MAX - 1 + _RATIO_SLACK:
        raise FabricError('wait_timeout %g with wait_sleep %g would make more than %d polls: raise wait_sleep to at'
                          ' least %g' % (timeout, sleep, POLLS_MAX, timeout / (POLLS_MAX - 1)))
    return WaitSettings(workspace_id, session_id, tuple(dict.fromkeys(statuses)), timeout, sleep)


@dataclass
class SessionWait:
    """Polls one session; what it saw stays readable (``as_result``) whether the wait succeeds or fails."""

    settings: WaitSettings
    sleep: t.Callable[[float], None] = time.sleep
    clock: t.Callable[[], float] = time.monotonic
    polls: int = 0
    found: bool = False
    present: bool = False
    final_status: str | None = None
    outcome: str | None = None
    elapsed: float = 0.0
    _start: float = field(default=0.0, repr=False)

    def run(self, poll: t.Callable[[], SessionListing]) -> SessionListing:
        """The listing of the poll that saw a wanted status; a FabricError for any other end."""
        self._start = self.clock()
        deadline = self._start + self.settings.timeout
        for index in range(self.settings.max_polls):
            if index:
                if self.clock() + self.settings.sleep > deadline:
                    break
                self.sleep(self.settings.sleep)
            listing = self._poll(poll)
            if self._done(listing):
                return listing
        raise self._end(TIMED_OUT, self._timeout_message())

    def _poll(self, poll: t.Callable[[], SessionListing]) -> SessionListing:
        self.polls += 1
        try:
            return poll()
        except FabricError as exc:
            self._finish(POLL_FAILED)
            raise exc.with_context(before='could not poll %s (poll %d of at most %d): ' % (
                self.settings.session, self.polls, self.settings.max_polls)) from None

    def _done(self, listing: SessionListing) -> bool:
        session = listing.sessions[0] if listing.sessions else None
        self.present = session is not None
        if session is None:
            return False
        self.found = True
        status = session.get('status')
        if status is None or status == '' or not isinstance(status, str):
            raise self._end(NO_STATUS, 'the API returned %s %s, so it cannot be waited for' % (
                self.settings.session, 'without a status' if status in (None, '')
                else 'with a status that is not a string (%s)' % type(status).__name__))
        self.final_status = status
        if status in self.settings.statuses:
            self._finish(REACHED)
            return True
        if status in END_STATUSES:
            raise self._end(ENDED, '%s is %s, a status it never leaves, so it will not reach %s%s; %s' % (
                self.settings.session, status, self.settings.wanted, self.settings.named_by, self._polls_made()))
        return False

    def _polls_made(self) -> str:
        return '%d poll%s every %g s' % (self.polls, '' if self.polls == 1 else 's', self.settings.sleep)

    def _timeout_message(self) -> str:
        if not self.found:
            seen = 'it was not found in the workspace'
        else:
            seen = 'last status seen: %s%s%s' % (
                _status_text(self.final_status), '' if self.present else ' (the last poll did not find it)',
                ' (the service listed it with different statuses in one poll)' if self.final_status == CONFLICTING
                else '')
        return '%s did not reach %s%s within %g s (wait_timeout), %s; %s' % (
            self.settings.session, self.settings.wanted, self.settings.named_by, self.settings.timeout,
            self._polls_made(), seen)

    def _finish(self, outcome: str) -> None:
        self.outcome = outcome
        self.elapsed = round(max(0.0, self.clock() - self._start), 3)

    def _end(self, outcome: str, message: str) -> FabricError:
        self._finish(outcome)
        return FabricError(message)

    def as_result(self) -> dict[str, t.Any]:
        return {
            'session_id': self.settings.session_id,
            'statuses': list(self.settings.statuses),
            'timeout': self.settings.timeout,
            'sleep': self.settings.sleep,
            'polls': self.polls,
            'found': self.found,
            'final_status': self.final_status,
            'reached': self.outcome == REACHED,
            'outcome': self.outcome,
            'elapsed': self.elapsed,
        }
