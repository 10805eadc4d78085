# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""Failed polls of one workspace, reported with hysteresis: ``poll_failed`` once when polls start failing,
``poll_recovered`` once RECOVERY_POLLS polls in a row have worked, nothing in between. A gateway that fails
every other poll gives one ``poll_failed`` and no pair of events per two polls. The pause before the next
poll grows with the failures in a row."""

from __future__ import annotations

from dataclasses import dataclass

from .changes import Event, poll_failed_event, poll_recovered_event

BACKOFF_INTERVALS_MAX = 10
RECOVERY_POLLS = 3


@dataclass
class PollStreak:
    workspace_id: str
    failures: int = 0  # failed polls in a row
    failed_polls: int = 0  # failed polls since poll_failed
    working: int = 0  # polls in a row that worked since the last failure
    failing: bool = False  # poll_failed was put and poll_recovered not yet

    def failed(self, error: str, status_code: int | None = None) -> list[Event]:
        """``poll_failed`` when polls start failing; nothing while they have not recovered."""
        self.failures += 1
        self.failed_polls += 1
        self.working = 0
        if self.failing:
            return []
        self.failing = True
        return [poll_failed_event(self.workspace_id, error, status_code)]

    def succeeded(self) -> list[Event]:
        """``poll_recovered`` on the RECOVERY_POLLS-th poll in a row that worked after failures; nothing
        otherwise."""
        self.failures = 0
        if not self.failing:
            return []
        self.working += 1
        if self.working < RECOVERY_POLLS:
            return []
        failed_polls = self.failed_polls
        self.failing, self.failed_polls, self.working = False, 0, 0
        return [poll_recovered_event(self.workspace_id, failed_polls)]

    @property
    def intervals_to_wait(self) -> int:
        """Intervals until the next poll: 1, then 1, 2, 4, 8 and at most 10 after consecutive failures."""
        if self.failures == 0:
            return 1
        return min(2 ** (self.failures - 1), BACKOFF_INTERVALS_MAX)
