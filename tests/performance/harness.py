# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Plumbing shared by the benchmark's measurements: the emulator process, measured child processes,
playbook runs, timing loops and markdown tables. Nothing here measures anything on its own."""

from __future__ import annotations

import json
import math
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import time
import typing as t
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / 'tests' / 'integration' / 'targets' / 'setup_fabric_emulator'))
import emulator_process  # noqa: E402  (the one start, wait and stop of the emulator)
EMULATOR = REPO / 'tests' / 'emulator' / 'fabric_emulator.py'
HERE = Path(__file__).resolve().parent
TOKEN = 'emulator-token'
PAGE_SIZE = 100
DEFAULT_CONCURRENCY = 4
# The emulator's default IAM user (tests/emulator/README.md); throw-away values, known to every test.
IAM_USER = {'username': 'emulator-user', 'password': 'emulator-password', 'domain_name': 'emulator-domain',
            'project_name': 'cn-north-4'}
# Environment variables that would change what the plugins or requests do (credential fallbacks, proxies).
SCRUBBED_PREFIXES = ('DATAARTS_FABRIC_', 'HUAWEICLOUD_SDK_', 'HW_', 'ANSIBLE_', 'XDG_CACHE_HOME')
SCRUBBED_NAMES = ('http_proxy', 'https_proxy', 'all_proxy', 'no_proxy', 'requests_ca_bundle', 'curl_ca_bundle')


class BenchError(Exception):
    """A measurement could not be made (the emulator did not start, a listing came back wrong, ...)."""


def log(message: str) -> None:
    sys.stderr.write('[bench] %s\n' % message)
    sys.stderr.flush()


# -- set-up ------------------------------------------------------------------------------------------


def clean_environment() -> dict[str, str]:
    """os.environ without credential fallbacks, Ansible settings, a token cache or proxies; loopback never
    proxied."""
    env = {name: value for name, value in os.environ.items()
           if not name.upper().startswith(SCRUBBED_PREFIXES) and name.lower() not in SCRUBBED_NAMES}
    env['NO_PROXY'] = env['no_proxy'] = '127.0.0.1,localhost'
    return env


def collection_root(workdir: Path) -> Path:
    """A directory holding ansible_collections/dataarts/fabric -> the repository root."""
    root = workdir / 'collections'
    namespace = root / 'ansible_collections' / 'dataarts'
    namespace.mkdir(parents=True)
    (namespace / 'fabric').symlink_to(REPO, target_is_directory=True)
    return root


def find_ansible_playbook() -> str:
    beside = Path(sys.executable).parent / 'ansible-playbook'
    if beside.is_file():
        return str(beside)
    found = shutil.which('ansible-playbook')
    if not found:
        raise BenchError('ansible-playbook was found neither next to %s nor on PATH' % sys.executable)
    return found


class Emulator:
    """The emulator as a separate process (its own GIL), stopped on exit."""

    def __init__(self, workdir: Path, latency_ms: float, workspaces: dict[str, int], env: dict[str, str]) -> None:
        url_file = workdir / 'emulator.url'
        self.stderr_path = workdir / 'emulator.stderr'
        self.latency_ms = latency_ms
        command = [sys.executable, str(EMULATOR), '--url-file', str(url_file), '--latency-ms', '%g' % latency_ms,
                   '--lifetime', '3600', '--quiet']
        for workspace, count in workspaces.items():
            command += ['--workspace', '%s=%d' % (workspace, count)]
        self.command = command
        with open(self.stderr_path, 'wb') as stderr:
            self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                            stderr=stderr, env=env)
        try:
            self.base_url = emulator_process.wait_until_ready(url_file, lambda: self.process.poll() is None, timeout=30)
        except emulator_process.EmulatorError as exc:
            self.stop()
            raise BenchError('%s: %s' % (exc, self.stderr_path.read_text(errors='replace')[-2000:])) from None

    def control(self, method: str, path: str, body: t.Any = None) -> t.Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base_url + '/_emulator/' + path, data=data, method=method,
                                         headers={'Content-Type': 'application/json'})
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(request, timeout=60) as response:
            return json.loads(response.read().decode())

    def set_latency(self, latency_ms: float) -> None:
        self.control('POST', 'latency', {'ms': latency_ms})
        self.latency_ms = latency_ms

    def sessions(self, workspace: str) -> list[dict[str, t.Any]]:
        return self.control('GET', 'workspaces/' + workspace)['sessions']

    def tokens_issued(self) -> int:
        return int(self.control('GET', 'tokens')['issued'])

    def clear_log(self) -> None:
        self.control('DELETE', 'log')

    def logged_requests(self) -> list[dict[str, t.Any]]:
        return self.control('GET', 'log')['requests']

    def stop(self) -> None:
        emulator_process.stop(self.process)


def sessions_requests(requests: list[dict[str, t.Any]], workspaces: t.Collection[str] | None = None) -> int:
    """How many logged requests were session list calls (of these workspaces, when given)."""
    prefix, suffix = '/v1/workspaces/', '/sessions'
    count = 0
    for entry in requests:
        path = entry.get('path') or ''
        if path.startswith(prefix) and path.endswith(suffix):
            if workspaces is None or path[len(prefix):-len(suffix)] in workspaces:
                count += 1
    return count


@dataclass
class Bench:
    """What every group of measurements needs: the settings of the run and the prepared environment."""

    workdir: Path
    collections: Path
    emulator: Emulator
    ansible_playbook: str
    env: dict[str, str]
    ansible_env: dict[str, str]
    module_env: dict[str, str]
    latency_ms: float
    repeat: int
    pair_repeat: int
    quick: bool
    notes: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        return self.emulator.base_url

    @property
    def latency(self) -> float:
        return self.latency_ms / 1000


# -- measured processes ------------------------------------------------------------------------------


class ProcessRun(t.NamedTuple):
    seconds: float
    cpu_seconds: float
    max_rss_kb: int
    returncode: int
    output: bytes


# Runs one command and reports its wall time and rusage. It is a separate, small process on purpose: a child's
# max RSS starts from the RSS of the process that forked it (Linux keeps the high-water mark across exec), so a
# child forked by the benchmark itself, grown by the in-process listings, would inherit the benchmark's size.
LAUNCHER = """
import json, os, subprocess, sys, time
report, command = sys.argv[1], json.loads(sys.argv[2])
start = time.perf_counter()
process = subprocess.Popen(command, stdin=subprocess.DEVNULL)
_pid, status, usage = os.wait4(process.pid, 0)
seconds = time.perf_counter() - start
with open(report, 'w', encoding='utf-8') as handle:
    json.dump({'seconds': seconds, 'cpu_seconds': usage.ru_utime + usage.ru_stime, 'max_rss_kb': usage.ru_maxrss,
               'returncode': os.waitstatus_to_exitcode(status)}, handle)
"""


def run_process(command: list[str], env: dict[str, str], cwd: Path, output_path: Path) -> ProcessRun:
    """Run one process (through LAUNCHER), output (stdout and stderr) to a file; its wall time, CPU time
    (user + sys, with the children it waited for) and max RSS, from os.wait4 on that one process."""
    report = cwd / 'launcher-report.json'
    with open(output_path, 'wb') as out:
        launcher = subprocess.run([sys.executable, '-c', LAUNCHER, str(report), json.dumps(command)], env=env,
                                  cwd=str(cwd), stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                  check=False)
    output = output_path.read_bytes()
    if launcher.returncode != 0 or not report.exists():
        raise BenchError('could not run %s: %s' % (shlex.join(command), output.decode(errors='replace')[-2000:]))
    measured = json.loads(report.read_text(encoding='utf-8'))
    report.unlink()
    return ProcessRun(measured['seconds'], measured['cpu_seconds'], measured['max_rss_kb'], measured['returncode'],
                      output)


def run_module_file(module_file: Path, args: dict[str, t.Any], env: dict[str, str], workdir: Path) -> ProcessRun:
    """Run a module file as its own process, as Ansible does (args JSON file as argv[1])."""
    args_file = workdir / 'module-args.json'
    args_file.write_text(json.dumps({'ANSIBLE_MODULE_ARGS': args}))
    run = run_process([sys.executable, str(module_file), str(args_file)], env, workdir, workdir / 'module-output.json')
    if run.returncode != 0:
        raise BenchError('%s exited with %d: %s' % (module_file.name, run.returncode,
                                                    run.output.decode(errors='replace')[-2000:]))
    return run


def module_result(run: ProcessRun) -> dict[str, t.Any]:
    try:
        result = json.loads(run.output)
    except ValueError:
        raise BenchError('the module printed something that is not JSON: %r' % run.output[:500]) from None
    if result.get('failed'):
        raise BenchError('the module failed: %s' % result.get('msg'))
    return result


# -- playbooks ---------------------------------------------------------------------------------------


def play(tasks: list[dict[str, t.Any]], **keywords: t.Any) -> list[dict[str, t.Any]]:
    """One play on localhost as JSON (which YAML reads), run with the benchmark's own Python."""
    return [dict({'name': 'bench', 'hosts': 'localhost', 'gather_facts': False,
                  'vars': {'ansible_python_interpreter': '{{ ansible_playbook_python }}'}, 'tasks': tasks}, **keywords)]


class PlaybookTimes(t.NamedTuple):
    wall: list[float]
    cpu: list[float]


def playbook_runner(bench: Bench, name: str, plays: list[dict[str, t.Any]], env: dict[str, str] | None = None,
                    extra_args: t.Sequence[str] = ()) -> t.Callable[[], ProcessRun]:
    """A function that runs the play as a whole ansible-playbook process and fails unless it succeeded."""
    path = bench.workdir / ('%s.yml' % name)
    path.write_text(json.dumps(plays, indent=2))
    command = [sys.executable, bench.ansible_playbook, '-i', 'localhost,', '-c', 'local'] + list(extra_args) + [str(path)]

    def run() -> ProcessRun:
        result = run_process(command, env or bench.ansible_env, bench.workdir, bench.workdir / 'playbook-output.txt')
        if result.returncode != 0:
            raise BenchError('playbook %s exited with %d:\n%s' % (
                name, result.returncode, result.output.decode(errors='replace')[-4000:]))
        return result
    return run


def time_playbooks(label: str, runners: dict[str, t.Callable[[], ProcessRun]], repeat: int) -> dict[str, PlaybookTimes]:
    """Every playbook ``repeat`` times, interleaved (a, b, a, b, ...), so that a change of the machine's load
    during the measurement weighs on each about equally."""
    times = {name: PlaybookTimes([], []) for name in runners}
    for index in range(repeat):
        for name, runner in runners.items():
            result = runner()
            times[name].wall.append(result.seconds)
            times[name].cpu.append(result.cpu_seconds)
            log('%s %s: run %d/%d %.3f s (CPU %.2f s)' % (label, name, index + 1, repeat, result.seconds,
                                                          result.cpu_seconds))
    return times


# -- timing and bounds -------------------------------------------------------------------------------


def pages_for(sessions: int) -> int:
    return max(1, math.ceil(sessions / PAGE_SIZE))


def round_trip_bound(latency: float, sessions: int, concurrency: int) -> float:
    """latency x (1 + ceil((pages - 1) / concurrency)): the first page, then full waves of pages."""
    return latency * (1 + math.ceil((pages_for(sessions) - 1) / concurrency))


def repeat_timed(label: str, repeat: int, run: t.Callable[[], None]) -> list[float]:
    times = []
    for index in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
        log('%s: run %d/%d %.3f s' % (label, index + 1, repeat, times[-1]))
    return times


def check_count(what: str, got: int, expected: int) -> None:
    if got != expected:
        raise BenchError('%s returned %d sessions, expected %d' % (what, got, expected))


# -- reporting ---------------------------------------------------------------------------------------


def fmt_seconds(value: float) -> str:
    return '%.3f' % value


def spread(times: t.Sequence[float]) -> str:
    return '%.3f-%.3f' % (min(times), max(times))


def median(values: t.Iterable[float]) -> float:
    return statistics.median(list(values))


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ['| ' + ' | '.join(header) + ' |', '|' + '|'.join('---' for _column in header) + '|']
    return lines + ['| ' + ' | '.join(row) + ' |' for row in rows]


def verdict(passed: bool) -> str:
    return 'PASS' if passed else 'MISS'


def thousands(number: int) -> str:
    return format(number, ',')
