# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""Failed polls of one workspace: one event per streak of failures, a growing pause, one event on recovery."""

from __future__ import annotations

from dataclasses import dataclass

from .changes import Event, poll_failed_event, poll_recovered_event

BACKOFF_INTERVALS_MAX = 10


@dataclass
class PollStreak:
    workspace_id: str
    failures: int = 0

    def failed(self, error: str, status_code: int | None = None) -> list[Event]:
        """``poll_failed`` for the first failure of a streak; nothing for the ones that follow."""
        self.failures += 1
        return [poll_failed_event(self.workspace_id, error, status_code)] if self.failures == 1 else []

    def succeeded(self) -> list[Event]:
        """``poll_recovered`` when a streak of failures ends; nothing otherwise."""
        failures, self.failures = self.failures, 0
        return [poll_recovered_event(self.workspace_id, failures)] if failures else []

    @property
    def intervals_to_wait(self) -> int:
        """Intervals until the next poll: 1, then 1, 2, 4, 8 and at most 10 after consecutive failures."""
        if self.failures == 0:
            return 1
        return min(2 ** (self.failures - 1), BACKOFF_INTERVALS_MAX)
