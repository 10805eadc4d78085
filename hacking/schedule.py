# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run jobs on a few threads, never two jobs that need the same resource at the same time.

`make test` (hacking/run_tests.py) has more than two cores' worth of work in steps that may not overlap freely:
two steps of one core line share its nox venv and its ansible-test output folder, and two sanity steps share
ansible-test's cache of sanity venvs (~/.ansible/test/venv), which ansible-test fills without a lock. Each job
names what it needs; a free worker takes the first job, in the order given, whose resources no running job
holds. A job that raises is handed to ``on_error`` and the others go on; a job that could not be run or
reported makes ``run_jobs`` raise, so that it cannot pass for a success. Ctrl-C starts no further job.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable, Sequence


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[], None]
    resources: frozenset[str] = frozenset()


class JobsLost(RuntimeError):
    """Jobs that never ran, or whose failure could not be reported."""


def run_jobs(jobs: Sequence[Job], workers: int, on_error: Callable[[Job, BaseException], None]) -> None:
    """Run every job once on at most ``workers`` threads; return when all have ended."""
    pending = list(jobs)
    held: set[str] = set()
    lost: list[str] = []
    stopping = False
    changed = threading.Condition()

    def take() -> Job | None:
        with changed:
            while pending and not stopping:
                for index, job in enumerate(pending):
                    if not job.resources & held:
                        del pending[index]
                        held.update(job.resources)
                        return job
                # Every job left waits for a resource that a running job holds: it frees it when it ends.
                changed.wait()
            return None

    def work() -> None:
        while True:
            job = take()
            if job is None:
                return
            try:
                job.run()
            except BaseException as error:  # pylint: disable=broad-exception-caught
                # SystemExit too: a job's end is reported, never taken for the worker's.
                try:
                    on_error(job, error)
                except Exception:  # pylint: disable=broad-exception-caught
                    with changed:
                        lost.append(job.name)
            finally:
                with changed:
                    held.difference_update(job.resources)
                    changed.notify_all()

    threads = [threading.Thread(target=work, name='jobs-%d' % number, daemon=True)
               for number in range(max(1, min(workers, len(pending))))]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            thread.join()
    except KeyboardInterrupt:
        with changed:
            stopping = True
            changed.notify_all()
        raise
    if lost or pending:
        raise JobsLost('jobs not run: %s; failures not recorded: %s' % (
            ', '.join(job.name for job in pending) or 'none', ', '.join(lost) or 'none'))
