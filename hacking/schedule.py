# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run jobs on a few threads, never two jobs that need the same resource at the same time.

`make test` (hacking/run_tests.py) has more than two cores' worth of work in steps that may not overlap freely:
two steps of one core line share its nox venv and its ansible-test output folder, and two sanity steps share
ansible-test's cache of sanity venvs (~/.ansible/test/venv), which ansible-test fills without a lock. Each job
names what it needs; a free worker takes the first job, in the order given, whose resources no running job
holds. A job that raises is handed to ``on_error`` and the others go on.
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


def run_jobs(jobs: Sequence[Job], workers: int, on_error: Callable[[Job, Exception], None]) -> None:
    """Run every job once on at most ``workers`` threads; return when all have ended."""
    pending = list(jobs)
    held: set[str] = set()
    changed = threading.Condition()

    def take() -> Job | None:
        with changed:
            while pending:
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
            except Exception as error:  # pylint: disable=broad-exception-caught
                on_error(job, error)
            finally:
                with changed:
                    held.difference_update(job.resources)
                    changed.notify_all()

    threads = [threading.Thread(target=work, name='jobs-%d' % number)
               for number in range(max(1, min(workers, len(pending))))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
