# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run the nox sessions of one or more steps, keep going when one fails, then print the closing line.

    python hacking/run_tests.py STEP...      STEP: sanity, units, integration, lint (test = all four)

nox reports a session as passed or failed; `make test` needs test cases and one closing line
``tests: N passed, N failed, N skipped``. So this runs each session on its own (``nox -s NAME``), times it,
and records a result folder for it under build/test-results: the ansible-test sessions write their junit
files themselves, every other session counts as one test case. CORES="2.16 2.21" limits the ansible-test
sessions to those ansible-core lines.

Each step of each core line is a job of its own (``nox -s ansible-test-2.19 -- integration``), and so is each
session that does not use ansible-test (the event source under ansible-rulebook, the lint sessions). They run
two at a time (JOBS, default 2: the machine's two cores; JOBS=1 runs one after the other and shows the output
as it comes), as hacking/schedule.py allows: never two steps of one core line, never two sanity steps.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path

import pythons
import results
import schedule
import test_matrix

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(os.environ.get('RESULTS_DIR', ROOT / 'build' / 'test-results'))
LOGS = ROOT / 'build' / 'logs'
# `lint` is antsibull-nox's meta session: it runs `typing` (mypy, .mypy.ini) and `antsibull-nox-config` first.
LINT_SESSIONS = ('ansible-lint', 'docs-check', 'extra-checks', 'lint', 'build-import-check', 'release-checks',
                 'awx-job', 'docsite')
# How much of a failed session's log its test case keeps: mypy reports every error with a few lines of context.
FAILURE_LINES = {'lint': 600}
SESSIONS_WITH_OWN_RESULTS = ('release-checks',)
# galaxy-importer findings are log lines such as "WARNING: ..." that do not fail the import.
IMPORTER_FINDING = re.compile(r'^\s*(WARNING|ERROR)\b', re.MULTILINE)
ALIAS_GROUPS = ('disabled', 'unsupported', 'unstable')
# How many jobs run at once; with more than one, a job's output is shown whole when it ends.
JOBS = int(os.environ.get('JOBS') or 2)
TIMINGS_LOCK = threading.Lock()
PRINT_LOCK = threading.Lock()
CPU_SECONDS: list[float] = []  # of every session run, for the total that `make test` prints


def run_session(name: str, posargs: list[str] | None = None, echo: str = 'live', log_name: str | None = None
                ) -> tuple[int, str]:
    """``nox -s NAME -- POSARGS``, its output in build/logs/LOG_NAME.log.

    ``echo``: 'live' copies the output to stdout as it comes, 'after' all of it at once when the session ends
    (two sessions at once then do not interleave their lines), 'no' leaves it in the log.
    """
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / ('%s.log' % (log_name or name))
    start = time.monotonic()
    command = [sys.executable, '-m', 'nox', '--no-color', '-s', name] + (['--'] + posargs if posargs else [])
    shown = ' '.join(['nox'] + command[3:])
    say('=== %s%s' % (shown, '' if echo == 'live' else ' (log: %s)' % log.relative_to(ROOT)))
    with open(log, 'w', encoding='utf-8') as handle:
        process = subprocess.Popen(command, cwd=ROOT,
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True, errors='replace')
        try:
            for line in process.stdout:
                if echo == 'live':
                    sys.stdout.write(line)
                handle.write(line)
        except Exception:
            # This runner failed (say, the log could not be written), not the session: the session still ends
            # before its core line is handed to the next job.
            for _line in process.stdout:
                pass
            raise
        finally:
            # wait4, not wait: its resource usage covers the session and every process it waited for, which is
            # the CPU time the session cost whatever else shares the machine.
            _pid, status, usage = os.wait4(process.pid, 0)
            rc = process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.monotonic() - start
    cpu = usage.ru_utime + usage.ru_stime
    with TIMINGS_LOCK:
        CPU_SECONDS.append(cpu)
        if not name.startswith('ansible-test-'):  # those write a line per ansible-test run themselves
            with open(RESULTS / 'timings.txt', 'a', encoding='utf-8') as timings:
                timings.write('%-58s %6.0f s  exit %d  (CPU %.0f s)\n' % (
                    ' '.join([name] + (posargs or [])), seconds, rc, cpu))
    text = log.read_text(encoding='utf-8', errors='replace')
    ended = '=== %s: exit %d after %.0f s (CPU %.0f s)' % (shown, rc, seconds, cpu)
    say('%s\n%s' % (text.rstrip('\n'), ended) if echo == 'after' else ended)
    return rc, text


def say(text: str) -> None:
    """Print whole: lines from two jobs at once never mix."""
    with PRINT_LOCK:
        print(text, flush=True)


def tail(text: str, lines: int = 60) -> str:
    return '\n'.join(text.splitlines()[-lines:])


def record_session(name: str, rc: int, log: str) -> None:
    """One test case for a session that writes no junit files of its own."""
    failure = None if rc == 0 else 'nox session %s exited %d:\n%s' % (name, rc, tail(log, FAILURE_LINES.get(name, 60)))
    if name == 'build-import-check' and failure is None:
        findings = [line for line in log.splitlines() if IMPORTER_FINDING.match(line)]
        if findings:
            failure = 'galaxy-importer reported:\n%s' % '\n'.join(findings)
    results.write_cases(RESULTS / ('lint-%s' % name), 'lint', [(name, failure, None)], 0)


def record_ansible_test_session(steps: list[str], core: str, rc: int, log: str) -> None:
    """A session that failed before any ansible-test run recorded a failure (say, an install) is one failed case."""
    labels = [run[0] for step in steps for run in test_matrix.STEPS[step].get(core, [])]
    recorded = any((RESULTS / label / 'rc').is_file() and (RESULTS / label / 'rc').read_text().strip() != '0'
                   for label in labels)
    if rc != 0 and not recorded:
        results.write_cases(RESULTS / ('%s-%s-session' % (steps[0], core)), steps[0],
                            [('session', 'nox session exited %d:\n%s' % (rc, tail(log)), None)], 0)


def guard_no_ignore_files() -> None:
    ignores = sorted(str(path.relative_to(ROOT)) for path in (ROOT / 'tests' / 'sanity').glob('ignore-*.txt'))
    failure = 'ignore files are not allowed: %s' % ' '.join(ignores) if ignores else None
    results.write_cases(RESULTS / 'sanity-no-ignore-files', 'sanity', [('no-ignore-files', failure, None)], 0)


def record_targets_left_out() -> None:
    """Integration targets that ansible-test leaves out by alias count as skipped tests."""
    cases = []
    for aliases in sorted((ROOT / 'tests' / 'integration' / 'targets').glob('*/aliases')):
        words = set(aliases.read_text(encoding='utf-8').split())
        group = next((group for group in ALIAS_GROUPS if group in words), None)
        if group is not None:
            cases.append((aliases.parent.name, None, 'alias %s' % group))
    if cases:
        results.write_cases(RESULTS / 'integration-skipped-targets', 'integration', cases, 0)


def ensure_shellcheck() -> None:
    """Without shellcheck, ansible-test skips its sanity test with a warning: install Debian's when we may."""
    if shutil.which('shellcheck') or os.geteuid() != 0 or not shutil.which('apt-get'):
        return
    env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
    quiet = {'stdin': subprocess.DEVNULL, 'stdout': subprocess.DEVNULL, 'stderr': subprocess.DEVNULL, 'env': env}
    if subprocess.call(['apt-get', 'install', '-y', '-qq', 'shellcheck'], **quiet) != 0:
        subprocess.call(['apt-get', 'update', '-qq'], **quiet)
        subprocess.call(['apt-get', 'install', '-y', '-qq', 'shellcheck'], **quiet)
    print('shellcheck: %s' % (shutil.which('shellcheck') or 'could not be installed; ansible-test will skip it'))


def ansible_test_jobs(steps: list[str], cores: list[str], echo: str) -> list[schedule.Job]:
    """One job per step and core line: all sanity steps first (they cannot overlap), then the rest."""
    jobs = []
    for step in [step for step in ('sanity', 'integration', 'units') if step in steps]:
        for core in [core for core in test_matrix.CONTROLLER_PYTHON if core in cores]:
            if core in test_matrix.STEPS[step]:
                # A core line's steps share its nox venv and ansible-test output folder; sanity steps share
                # ansible-test's sanity venvs in ~/.ansible/test/venv, which it creates without a lock.
                needs = {'core-%s' % core} | ({'sanity-venvs'} if step == 'sanity' else set())
                jobs.append(schedule.Job('%s %s' % (step, core), functools.partial(run_ansible_test, step, core, echo),
                                         frozenset(needs)))
    return jobs


def run_ansible_test(step: str, core: str, echo: str) -> None:
    name = test_matrix.session_name(core)
    rc, log = run_session(name, [step], echo=echo, log_name='%s-%s' % (name, step))
    record_ansible_test_session([step], core, rc, log)


def run_lint_session(name: str) -> None:
    rc, log = run_session(name, echo='live' if JOBS == 1 else 'no')
    if name not in SESSIONS_WITH_OWN_RESULTS or not (RESULTS / 'lint-release' / 'rc').is_file():
        record_session(name, rc, log)


def run_rulebook_test() -> None:
    """The event source under ansible-rulebook (not ansible-test: it runs in ansible-rulebook's Python)."""
    run_dir = RESULTS / 'integration-eda'
    rc, log = run_session('eda-rulebook', ['--junit', str(run_dir / 'junit.xml')],
                          echo='live' if JOBS == 1 else 'no')
    if (run_dir / 'junit.xml').is_file():
        results.write_rc(run_dir, rc)
    else:
        failure = None if rc == 0 else 'nox session eda-rulebook exited %d:\n%s' % (rc, tail(log))
        results.write_cases(run_dir, 'integration', [('eda-rulebook', failure, None)], rc)


def job_crashed(job: schedule.Job, error: BaseException) -> None:
    """A crash of this runner must not pass for success: it becomes a failed test case."""
    failure = ''.join(traceback.format_exception(type(error), error, error.__traceback__))
    say(failure)
    results.write_cases(RESULTS / ('%s-runner' % job.name.replace(' ', '-')), job.name.split()[0],
                        [(job.name, failure, None)], 1)


def main(argv: list[str]) -> int:
    steps = ['sanity', 'units', 'integration', 'lint'] if argv in (['test'], []) else argv
    unknown = [step for step in steps if step not in ('sanity', 'units', 'integration', 'lint')]
    if unknown:
        sys.stderr.write(__doc__)
        return 2
    cores = os.environ.get('CORES', '').split() or list(test_matrix.CONTROLLER_PYTHON)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / 'timings.txt').unlink(missing_ok=True)
    start = time.monotonic()
    for step in steps:
        for stale in RESULTS.glob('%s-*' % step):
            shutil.rmtree(stale)
    if 'sanity' in steps:
        ensure_shellcheck()  # before anything else may run apt-get (the rulebook test installs Java when missing)
        guard_no_ignore_files()
    if 'integration' in steps:
        record_targets_left_out()
    # Every noxfile.py load links the interpreters into .venv/python-links: done once here, before two nox
    # processes could race to create the same link.
    pythons.put_real_pythons_on_path(ROOT / '.venv' / 'python-links')
    jobs = ansible_test_jobs(steps, cores, 'live' if JOBS == 1 else 'after')
    # The sessions that do not run ansible-test share nothing with the others (their own venvs, ports, folders).
    if 'integration' in steps:
        jobs.append(schedule.Job('integration eda-rulebook', run_rulebook_test))
    if 'lint' in steps:
        jobs.extend(schedule.Job('lint %s' % name, functools.partial(run_lint_session, name)) for name in LINT_SESSIONS)
    schedule.run_jobs(jobs, JOBS, job_crashed)
    print('timings (%s):' % ' '.join(steps))
    print((RESULTS / 'timings.txt').read_text(encoding='utf-8'), end='')
    print('%s: %.0f s (CPU %.0f s)' % (' '.join(steps), time.monotonic() - start, sum(CPU_SECONDS)))
    return results.summarize(RESULTS, tuple('%s-' % step for step in steps))


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
