# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""A blocking call awaited from the event loop in a daemon thread of its own, so that it can be abandoned:
a cancelled source returns at once, and the process never waits at exit for a request still in flight (the
transport's ``abort`` ends it too, by shutting its socket)."""

from __future__ import annotations

import asyncio
import threading
import typing as t

from .._errors import FabricError

R = t.TypeVar('R')
THREAD_NAME = 'fabric-session-events'


async def in_daemon_thread(function: t.Callable[..., R], *args: t.Any) -> R:
    loop = asyncio.get_running_loop()
    future: asyncio.Future[R] = loop.create_future()

    def deliver(outcome: tuple[bool, t.Any]) -> None:
        if future.done():  # the awaiting task was cancelled: nobody wants the outcome
            return
        if outcome[0]:
            future.set_result(outcome[1])
        else:
            future.set_exception(outcome[1])

    def run() -> None:
        try:
            outcome: tuple[bool, t.Any] = (True, function(*args))
        except BaseException as exc:  # handed to the awaiting task, which would otherwise wait for ever
            outcome = (False, exc)
        try:
            loop.call_soon_threadsafe(deliver, outcome)
        except RuntimeError:  # the loop is closed: nobody waits any more
            pass

    try:
        threading.Thread(target=run, name=THREAD_NAME, daemon=True).start()
    except RuntimeError as exc:  # "can't start new thread"
        raise FabricError('could not start a thread for the poll (%s): this process is at its limit of threads' % exc)
    return await future
