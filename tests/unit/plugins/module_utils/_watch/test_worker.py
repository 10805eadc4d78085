# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A blocking call awaited in a daemon thread: its result or its error comes back, and a cancelled await
returns at once without waiting for the call (which nothing then waits for, not even the exit)."""

from __future__ import annotations

import asyncio
import threading

import pytest

from ansible_collections.dataarts.fabric.plugins.module_utils._errors import FabricError
from ansible_collections.dataarts.fabric.plugins.module_utils._watch.worker import THREAD_NAME, in_daemon_thread


def test_the_result_and_the_error_come_back():
    def fails():
        raise FabricError('boom')

    async def scenario():
        result = await in_daemon_thread(lambda a, b: a + b, 2, 3)
        with pytest.raises(FabricError, match='boom'):
            await in_daemon_thread(fails)
        return result

    assert asyncio.run(scenario()) == 5


def test_a_cancelled_await_returns_at_once_and_the_thread_is_a_daemon():
    release = threading.Event()
    started = threading.Event()
    threads = []

    def blocks():
        threads.append(threading.current_thread())
        started.set()
        release.wait(60)
        return 'late'

    async def scenario():
        task = asyncio.create_task(in_daemon_thread(blocks))
        while not started.is_set():
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(scenario())  # returned while the call still blocks; the closed loop gets no late result
    assert threads[0].daemon and threads[0].name == THREAD_NAME and threads[0].is_alive()
    release.set()
    threads[0].join(10)
    assert not threads[0].is_alive()


def test_an_exit_raised_in_the_call_reaches_the_awaiting_task():
    def exits():
        raise SystemExit(3)

    async def scenario():
        with pytest.raises(SystemExit):
            await in_daemon_thread(exits)

    asyncio.run(scenario())
