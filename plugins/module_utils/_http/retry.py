# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""When a request is tried again, and after how long.

Retries are made by the transport's own loop, not by urllib3's ``Retry``: every retry must be reported (a
warning naming the status and the request ID), all requests of one call draw on one budget, the backoff
must grow from the first retry (urllib3 retries the first time at once, and its maintainers prefer a retry
loop of the caller's own for other strategies: https://github.com/urllib3/urllib3/issues/3375), a
``Retry-After`` is honoured but capped, one that is no number of seconds falls back to the backoff, and a
failed DNS look-up is never retried. requests is left with its default of no retries.
"""

from __future__ import annotations

import datetime
import random
import threading
import typing as t
from email.utils import parsedate_to_datetime

from .._config.schema import BACKOFF_MAX_SECONDS, RETRY_AFTER_MAX_SECONDS
from .failures import never_connected

RETRY_STATUSES = frozenset((408, 429, 500, 502, 503, 504))
# The answers that say a request was turned away before the service acted on it (throttled, or unavailable at
# the gateway): the only statuses after which a request that creates something is sent again. After 408, 500,
# 502 or 504 the service may have carried it out.
NOT_CARRIED_OUT_STATUSES = frozenset((429, 503))
# The statuses whose Retry-After header is honoured (as urllib3 does).
RETRY_AFTER_STATUSES = frozenset((413, 429, 503))


class RetryEvent(t.NamedTuple):
    method: str
    path: str
    status: t.Optional[int]
    request_id: t.Optional[str]
    error: t.Optional[str]
    attempt: int

    def describe(self, limit: int) -> str:
        cause = 'HTTP %s' % self.status if self.status else (self.error or 'a connection error')
        request = ' (request id %s)' % self.request_id if self.request_id else ''
        return 'retry %d of %d for %s %s after %s%s' % (self.attempt, limit, self.method, self.path, cause, request)


class RetryBudget:
    """The retries one call may make in all, shared by its threads."""

    def __init__(self, size: int) -> None:
        self.size = self.left = size
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            if self.left <= 0:
                return False
            self.left -= 1
            return True

    @property
    def used_up(self) -> bool:
        return self.left <= 0 < self.size


def not_carried_out(status: int | None, error: BaseException | None, timed_out: bool) -> bool:
    """Whether an attempt surely left the service untouched, so that sending it again cannot do a thing twice:
    a status of NOT_CARRIED_OUT_STATUSES, or a connection that was never made. A timeout, a dropped or reset
    connection, and every other status may come after the service acted."""
    if error is None:
        return status in NOT_CARRIED_OUT_STATUSES
    return not timed_out and never_connected(error)


def parse_retry_after(value: str) -> float | None:
    """Seconds to wait, capped; None (the backoff applies) for anything that is not a number of seconds or
    an HTTP date: a fraction, a negative number, text, or digits of another script."""
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(RETRY_AFTER_MAX_SECONDS if len(value) > 6 else min(int(value), RETRY_AFTER_MAX_SECONDS))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    seconds = (when - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
    return min(max(seconds, 0.0), float(RETRY_AFTER_MAX_SECONDS))


def backoff(factor: float, retry_number: int) -> float:
    """The pause before retry ``retry_number`` (1 for the first): up to ``factor`` times 2 ** (n - 1), at most
    BACKOFF_MAX_SECONDS, of which the upper half is random (jitter, so that parallel tasks spread out)."""
    ceiling = min(float(BACKOFF_MAX_SECONDS), factor * 2 ** min(retry_number - 1, 32))
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def pause_before_retry(factor: float, retry_number: int, status: int | None,
                       retry_after: str | None) -> float:
    """Seconds to wait before the next attempt: the answer's Retry-After where it is honoured and usable, else
    the backoff."""
    if status in RETRY_AFTER_STATUSES and retry_after is not None:
        asked = parse_retry_after(retry_after)
        if asked:
            return asked
    return backoff(factor, retry_number)
