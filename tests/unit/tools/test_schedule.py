# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""How `make test` runs its jobs two at a time (hacking/schedule.py): never two that need the same resource."""

from __future__ import annotations

import importlib.util
import pathlib
import sys
import threading
import time

import pytest
from hypothesis import given, settings, strategies as st

ROOT = pathlib.Path(__file__).resolve().parents[3]
SPEC = importlib.util.spec_from_file_location('fabric_schedule', str(ROOT / 'hacking' / 'schedule.py'))
schedule = importlib.util.module_from_spec(SPEC)
sys.modules[SPEC.name] = schedule  # dataclasses look their module up there
SPEC.loader.exec_module(schedule)

WAIT = 30  # seconds: only reached when the scheduler is broken (a test then fails instead of hanging)


def run_jobs(jobs, workers, on_error):
    """schedule.run_jobs in a thread of its own: a scheduler that deadlocks fails the test instead of hanging it."""
    raised: list[BaseException] = []

    def run() -> None:
        try:
            schedule.run_jobs(jobs, workers, on_error)
        except BaseException as error:  # pylint: disable=broad-exception-caught
            raised.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(WAIT)
    assert not thread.is_alive(), 'run_jobs did not return'
    if raised:
        raise raised[0]


class Recorder:
    """What ran, what ran at once, and which resources two running jobs ever held together."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running: dict[str, frozenset[str]] = {}
        self.ran: list[str] = []
        self.most_at_once = 0
        self.clashes: list[tuple[str, str]] = []
        self.errors: list[tuple[str, str]] = []

    def job(self, name: str, resources: frozenset[str], pause: float, fails: bool):
        def run() -> None:
            with self.lock:
                self.clashes.extend((name, other) for other, held in self.running.items() if held & resources)
                self.running[name] = resources
                self.ran.append(name)
                self.most_at_once = max(self.most_at_once, len(self.running))
            time.sleep(pause)
            with self.lock:
                del self.running[name]
            if fails:
                raise RuntimeError('job %s broke' % name)
        return schedule.Job(name, run, resources)

    def on_error(self, job, error: Exception) -> None:
        with self.lock:
            self.errors.append((job.name, str(error)))


JOBS = st.lists(st.tuples(st.frozensets(st.sampled_from(['core-2.16', 'core-2.19', 'sanity-venvs']), max_size=2),
                          st.sampled_from([0.0, 0.001, 0.003]), st.booleans()), max_size=12)


@settings(max_examples=60, deadline=None)
@given(specs=JOBS, workers=st.integers(1, 4))
def test_every_job_runs_once_and_no_two_share_a_resource(specs, workers):
    recorder = Recorder()
    jobs = [recorder.job('j%d' % index, resources, pause, fails)
            for index, (resources, pause, fails) in enumerate(specs)]
    run_jobs(jobs, workers, recorder.on_error)
    assert sorted(recorder.ran) == sorted(job.name for job in jobs)
    assert recorder.clashes == []
    assert recorder.most_at_once <= workers
    assert sorted(recorder.errors) == sorted(('j%d' % index, 'job j%d broke' % index)
                                             for index, (_r, _p, fails) in enumerate(specs) if fails)


def test_one_worker_keeps_the_order_given():
    recorder = Recorder()
    jobs = [recorder.job(name, frozenset(), 0.0, False) for name in ('sanity', 'integration', 'units', 'lint')]
    run_jobs(jobs, 1, recorder.on_error)
    assert recorder.ran == ['sanity', 'integration', 'units', 'lint']


def test_a_free_job_goes_ahead_of_one_that_waits_for_a_resource():
    """Worker 2 skips `second sanity` (the first holds its resource) and takes `lint`, then the first ends."""
    lint_started = threading.Event()
    order: list[str] = []

    def first_sanity() -> None:
        order.append('first sanity')
        assert lint_started.wait(WAIT), 'lint did not start while the first sanity step ran'

    def second_sanity() -> None:
        order.append('second sanity')

    def lint() -> None:
        order.append('lint')
        lint_started.set()

    sanity = frozenset({'sanity-venvs'})
    run_jobs([schedule.Job('first', first_sanity, sanity), schedule.Job('second', second_sanity, sanity),
              schedule.Job('lint', lint)], 2, lambda job, error: order.append('error %s' % job.name))
    assert order[-1] == 'second sanity'
    assert sorted(order) == ['first sanity', 'lint', 'second sanity']


def test_a_job_that_raises_frees_its_resources_for_the_next():
    errors: list[str] = []
    ran: list[str] = []

    def broken() -> None:
        raise OSError('no such file')

    core = frozenset({'core-2.21'})
    run_jobs([schedule.Job('broken', broken, core), schedule.Job('next', lambda: ran.append('next'), core)],
             2, lambda job, error: errors.append('%s: %s' % (job.name, error)))
    assert errors == ['broken: no such file']
    assert ran == ['next']


def test_a_job_that_exits_is_reported_and_the_others_run():
    errors: list[str] = []
    ran: list[str] = []

    def exits() -> None:
        raise SystemExit(3)

    run_jobs([schedule.Job('exits', exits), schedule.Job('next', lambda: ran.append('next'))], 1,
             lambda job, error: errors.append('%s: %r' % (job.name, error)))
    assert errors == ['exits: SystemExit(3)']
    assert ran == ['next']


def test_a_failure_that_cannot_be_recorded_is_not_a_success():
    """on_error itself fails (say, the results folder cannot be written): run_jobs raises, naming the job."""
    ran: list[str] = []

    def broken() -> None:
        raise OSError('no such file')

    def on_error(job, error) -> None:
        raise PermissionError('results folder')

    with pytest.raises(schedule.JobsLost, match='failures not recorded: broken'):
        run_jobs([schedule.Job('broken', broken), schedule.Job('next', lambda: ran.append('next'))], 1, on_error)
    assert ran == ['next']


def test_no_jobs_returns_at_once():
    run_jobs([], 2, lambda job, error: None)
