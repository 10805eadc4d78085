# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""How many requests of one client may be in flight while the gateway throttles.
"""

from __future__ import annotations

import threading
import typing as t


class AdaptiveLimit:
    """How many requests may be in flight: halved on every HTTP 429, grown back by one after a run of
    successes (additive increase, multiplicative decrease), never above the configured concurrency."""

    def __init__(self, maximum: int) -> None:
        self.maximum = self.current = max(1, maximum)
        self._in_flight = 0
        self._successes = 0
        self._changed = threading.Condition()

    def __enter__(self) -> 'AdaptiveLimit':
        with self._changed:
            self._changed.wait_for(lambda: self._in_flight < self.current)
            self._in_flight += 1
        return self

    def __exit__(self, *exc_info: t.Any) -> None:
        with self._changed:
            self._in_flight -= 1
            self._changed.notify_all()

    def throttled(self) -> None:
        with self._changed:
            self.current = max(1, self.current // 2)
            self._successes = 0

    def succeeded(self) -> None:
        with self._changed:
            self._successes += 1
            if self.current < self.maximum and self._successes >= 2 * self.current:
                self.current += 1
                self._successes = 0
                self._changed.notify_all()
