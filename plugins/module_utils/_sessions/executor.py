# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""The one executor of a call, and the loop that runs every plan of the call on it.

Workspaces, statuses and pages share one pool of at most ``concurrency`` threads: only requests run there.
The plans (what to ask next, what a page means) are driven from the calling thread, so a process holds at
most ``concurrency`` + 2 threads for a call (the pool, the caller, and the request-deadline watchdog),
whatever the number of workspaces and statuses, and no thread ever waits for another inside the pool.
"""

from __future__ import annotations

import typing as t
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from .._errors import FabricError

R = t.TypeVar('R')


class Plan(t.Protocol):
    """Work that asks for requests and takes their answers in an order of its own."""

    @property
    def done(self) -> bool:
        ...

    def next_request(self) -> t.Callable[[], t.Any] | None:
        """The next request it wants to make now (the caller submits it and hands the future back through
        ``started``), or None."""

    def started(self, future: 'Future[t.Any]') -> None:
        ...

    def advance(self) -> bool:
        """Take whatever answers have arrived, in the plan's order; True when it took any."""


class CallExecutor:
    """At most ``workers`` threads, started as needed; with one worker, requests run in the calling thread."""

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix='dataarts-fabric') \
            if self.workers > 1 else None

    def submit(self, function: t.Callable[[], R]) -> 'Future[R]':
        if self._pool is None:
            future: Future[R] = Future()
            try:
                future.set_result(function())
            except BaseException as exc:  # handed on by future.result(), as from a pool
                future.set_exception(exc)
            return future
        try:
            return self._pool.submit(function)
        except RuntimeError as exc:  # "can't start new thread": a process or container limit
            raise FabricError('could not start a thread for a request (%s): this process is at its limit of threads'
                              ' or processes; lower concurrency or forks' % exc) from None

    def __enter__(self) -> 'CallExecutor':
        return self

    def __exit__(self, *exc_info: t.Any) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)


def run_plans(executor: CallExecutor, plans: t.Sequence[Plan]) -> None:
    """Run every plan to its end, with at most ``executor.workers`` requests submitted and unfinished at any
    time, given out to the plans in turn. The first failure of any plan ends the run (and is raised)."""
    outstanding: set[Future[t.Any]] = set()
    active = [plan for plan in plans if not plan.done]
    try:
        while active:
            outstanding = {future for future in outstanding if not future.done()}
            submitted = _fill(executor, active, outstanding)
            advanced = False
            for plan in active:
                advanced = plan.advance() or advanced
            active = [plan for plan in active if not plan.done]
            if active and not submitted and not advanced:
                if not outstanding:
                    raise FabricError('internal error: a listing waits for an answer it never asked for')
                wait(outstanding, return_when=FIRST_COMPLETED)
    finally:
        for future in outstanding:
            future.cancel()


def _fill(executor: CallExecutor, active: t.Sequence[Plan], outstanding: set['Future[t.Any]']) -> bool:
    submitted = False
    progress = True
    while progress and len(outstanding) < executor.workers:
        progress = False
        for plan in active:
            if len(outstanding) >= executor.workers:
                break
            request = plan.next_request()
            if request is None:
                continue
            future = executor.submit(request)
            plan.started(future)
            outstanding.add(future)
            progress = submitted = True
    return submitted
