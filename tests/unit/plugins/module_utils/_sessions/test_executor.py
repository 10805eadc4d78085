# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One executor per call: threads bounded by concurrency whatever the workspaces and statuses, plans run to
their end with at most ``workers`` requests unfinished, and a thread that cannot start is a FabricError."""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.dataarts.fabric.plugins.module_utils._errors import FabricError
from ansible_collections.dataarts.fabric.plugins.module_utils._http.identity import TokenIdentity
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.executor import CallExecutor, run_plans
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.listing import run_queries
from ansible_collections.dataarts.fabric.tests.unit.plugins.clients import make_client
from ansible_collections.dataarts.fabric.tests.unit.plugins.fake_fabric import (
    ENDPOINT,
    STATUSES,
    FakeFabric,
    make_sessions,
    session_query,
)


def peak_threads(mock, workspaces, concurrency, page_size=10):
    """The most threads this process held while a call listed every status of ``workspaces``."""
    fake = FakeFabric(mock, {name: make_sessions(25) for name in workspaces})
    seen = []
    fake.before_page = lambda sessions, query: seen.append(threading.active_count())
    queries = [session_query(name, statuses=STATUSES, page_size=page_size) for name in workspaces]
    with make_client(ENDPOINT, TokenIdentity('t'), retries=0, concurrency=concurrency) as client:
        before = threading.active_count()
        listings = run_queries(client, queries, lambda warning: None)
    assert [listing.total for listing in listings] == [25] * len(workspaces)
    return max(seen) - before


@pytest.mark.parametrize('workspaces,concurrency', [(4, 4), (16, 16), (30, 2), (1, 1)])
def test_a_call_holds_at_most_concurrency_threads_besides_the_caller_and_the_watchdog(
        mock, workspaces, concurrency):
    extra = peak_threads(mock, ['ws-%d' % index for index in range(workspaces)], concurrency)
    # the pool's threads, and the request-deadline watchdog when this process starts it
    assert extra <= concurrency + 1


def test_a_thread_that_cannot_start_is_a_fabric_error(mock, monkeypatch):
    FakeFabric(mock, {'ws-%d' % index: make_sessions(250) for index in range(3)})
    start = threading.Thread.start

    def refuse(thread):
        if thread.name.startswith('dataarts-fabric'):
            raise RuntimeError("can't start new thread")
        start(thread)

    monkeypatch.setattr(threading.Thread, 'start', refuse)
    queries = [session_query('ws-%d' % index, statuses=STATUSES) for index in range(3)]
    with make_client(ENDPOINT, TokenIdentity('t'), retries=0, concurrency=4) as client:
        with pytest.raises(FabricError, match='could not start a thread for a request'):
            run_queries(client, queries, lambda warning: None)


class CountingPlan:
    """Asks for ``requests`` requests, at most ``window`` at a time, and takes the answers in order."""

    def __init__(self, requests, window, gauge):
        self.requests, self.window, self.gauge = requests, window, gauge
        self.asked, self.taken = 0, []
        self.futures = []

    @property
    def done(self):
        return len(self.taken) == self.requests

    def next_request(self):
        if self.asked >= self.requests or len(self.futures) - len(self.taken) >= self.window:
            return None
        number = self.asked
        self.asked += 1
        return lambda: self.gauge(number)

    def started(self, future: Future) -> None:
        self.futures.append(future)

    def advance(self):
        took = False
        while len(self.taken) < len(self.futures) and self.futures[len(self.taken)].done():
            self.taken.append(self.futures[len(self.taken)].result())
            took = True
        return took


class Gauge:
    def __init__(self):
        self.lock = threading.Lock()
        self.now = self.peak = 0

    def __call__(self, number):
        with self.lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
        time.sleep(0.001)
        with self.lock:
            self.now -= 1
        return number


@settings(max_examples=60, deadline=None)
@given(plans=st.lists(st.tuples(st.integers(0, 12), st.integers(1, 5)), max_size=8), workers=st.integers(1, 5))
def test_every_plan_runs_to_its_end_within_the_workers(plans, workers):
    gauge = Gauge()
    made = [CountingPlan(requests, window, gauge) for requests, window in plans]
    with CallExecutor(workers) as executor:
        run_plans(executor, made)
    assert all(plan.taken == list(range(plan.requests)) for plan in made)
    assert gauge.peak <= workers


def test_the_first_failure_ends_the_run():
    def fail():
        raise FabricError('GET x failed')

    class Failing(CountingPlan):
        def next_request(self):
            request = super().next_request()
            return None if request is None else fail

    with CallExecutor(3) as executor, pytest.raises(FabricError, match='GET x failed'):
        run_plans(executor, [Failing(5, 2, Gauge()), CountingPlan(5, 2, Gauge())])
