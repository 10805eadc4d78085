# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Performance benchmark of the dataarts.fabric collection against the local emulator.

Measures, in one run:

1. the shared client (``list_sessions``) at concurrency 1, 4 and 8 against the round-trip bound;
2. a plain sequential ``requests`` offset loop (what a hand-written script does);
3. whole ``ansible-playbook`` processes: the module, the lookup, and an ``ansible.builtin.uri`` page loop;
4. the peak RSS of the module process listing 100,000 sessions, and the module's start-up cost.

Usage (see tests/performance/README.md)::

    python tests/performance/bench.py --output docs/performance.md

It uses the Python (and ansible-core, requests) it runs with, starts the emulator as a separate process,
sends traffic to 127.0.0.1 only, and exits non-zero only on errors, never because a target was missed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import typing as t
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EMULATOR = REPO / 'tests' / 'emulator' / 'fabric_emulator.py'
TOKEN = 'emulator-token'
PAGE_SIZE = 100
BENCH_WORKSPACE = 'ws-bench'
MEMORY_WORKSPACE = 'ws-100k'
MEMORY_WORKSPACE_QUICK = 'ws-10k'
STARTUP_WORKSPACE = 'ws-one'
STARTUP_REPEAT = 5
CONCURRENCIES = (1, 4, 8)
DEFAULT_CONCURRENCY = 4
# Environment variables that would change what the plugins or requests do (credential fallbacks, proxies).
SCRUBBED_PREFIXES = ('DATAARTS_FABRIC_', 'HUAWEICLOUD_SDK_', 'HW_', 'ANSIBLE_')
SCRUBBED_NAMES = ('http_proxy', 'https_proxy', 'all_proxy', 'no_proxy', 'requests_ca_bundle', 'curl_ca_bundle')

# Targets: (key, description, how the factor is computed, threshold, whether bigger is better)
TARGETS_TEXT = {
    'c8_bound': 'client at concurrency 8 within 1.5x of the round-trip bound',
    'c8_vs_seq': 'client at concurrency 8 at least 5x faster than the sequential requests loop',
    'c4_vs_seq': 'client at the default concurrency (4) at least 3x faster than the sequential requests loop',
    'module_vs_uri': 'playbook with the module at least 10x faster than the ansible.builtin.uri page loop',
    'rss': 'module peak RSS below 250 MB listing 100,000 sessions',
}


class BenchError(Exception):
    """A measurement could not be made (the emulator did not start, a listing came back wrong, ...)."""


def log(message: str) -> None:
    sys.stderr.write('[bench] %s\n' % message)
    sys.stderr.flush()


# -- set-up ------------------------------------------------------------------------------------------


def clean_environment() -> dict[str, str]:
    """os.environ without credential fallbacks, Ansible settings or proxies, loopback never proxied."""
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
        self.port_file = workdir / 'emulator.port'
        self.stderr_path = workdir / 'emulator.stderr'
        command = [sys.executable, str(EMULATOR), '--port-file', str(self.port_file), '--latency-ms', '%g' % latency_ms,
                   '--lifetime', '1800', '--quiet']
        for workspace, count in workspaces.items():
            command += ['--workspace', '%s=%d' % (workspace, count)]
        self.command = command
        with open(self.stderr_path, 'wb') as stderr:
            self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                            stderr=stderr, env=env)
        self.base_url = self._wait_until_listening()

    def _wait_until_listening(self) -> str:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError('the emulator exited with %s: %s' % (
                    self.process.returncode, self.stderr_path.read_text(errors='replace')[-2000:]))
            if self.port_file.exists():
                port = self.port_file.read_text().strip()
                if port.isdigit():
                    return 'http://127.0.0.1:%s' % port
            time.sleep(0.05)
        raise BenchError('the emulator did not write %s within 30 seconds' % self.port_file)

    def control(self, method: str, path: str, body: t.Any = None) -> t.Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base_url + '/_emulator/' + path, data=data, method=method,
                                         headers={'Content-Type': 'application/json'})
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(request, timeout=30) as response:
            return json.loads(response.read().decode())

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# -- measurements ------------------------------------------------------------------------------------


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


def client_listing(base_url: str, workspace: str, sessions: int, concurrency: int) -> t.Callable[[], None]:
    from ansible_collections.dataarts.fabric.plugins.module_utils._auth import TokenIdentity
    from ansible_collections.dataarts.fabric.plugins.module_utils._config import Query
    from ansible_collections.dataarts.fabric.plugins.module_utils._sessions import SessionQuery, list_sessions
    from ansible_collections.dataarts.fabric.plugins.module_utils._transport import FabricHttpClient

    def run() -> None:
        # A new client per run, as each module run makes: connections are opened inside the timing.
        with FabricHttpClient(base_url, TokenIdentity(TOKEN), concurrency=concurrency) as client:
            listing = list_sessions(client, SessionQuery(workspace, Query(page_size=PAGE_SIZE)), concurrency)
            if client.retry_events:
                raise BenchError('the client retried during the benchmark: %s' % client.retry_warnings())
        check_count('list_sessions at concurrency %d' % concurrency, len(listing.sessions), sessions)
        check_count('total at concurrency %d' % concurrency, listing.total, sessions)
    return run


def sequential_requests(base_url: str, workspace: str, sessions: int) -> t.Callable[[], None]:
    import requests

    def run() -> None:
        url = '%s/v1/workspaces/%s/sessions' % (base_url, workspace)
        found: list[dict[str, t.Any]] = []
        with requests.Session() as session:
            session.trust_env = False
            session.headers['X-Auth-Token'] = TOKEN
            offset, total = 0, None
            while total is None or offset < total:
                response = session.get(url, params={'limit': PAGE_SIZE, 'offset': offset}, timeout=30)
                response.raise_for_status()
                body = response.json()
                found.extend(body['sessions'])
                total = body['total']
                offset += PAGE_SIZE
                if not body['sessions']:
                    break
        check_count('the sequential requests loop', len(found), sessions)
    return run


def playbooks(base_url: str, workspace: str, sessions: int) -> dict[str, list[dict[str, t.Any]]]:
    """The plays, as JSON (which YAML reads): each checks the number of sessions it got."""
    pages_url = '%s/v1/workspaces/%s/sessions' % (base_url, workspace)

    def play(tasks: list[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
        return [{'name': 'bench', 'hosts': 'localhost', 'gather_facts': False,
                 'vars': {'ansible_python_interpreter': '{{ ansible_playbook_python }}'}, 'tasks': tasks}]

    uri_call = {'url': None, 'headers': {'X-Auth-Token': TOKEN}, 'return_content': False}
    return {
        'baseline': play([{'name': 'ping', 'ansible.builtin.ping': {}}]),
        'module': play([{
            'name': 'list with the module',
            'dataarts.fabric.fabric_session_info': {'workspace_id': workspace, 'endpoint': base_url, 'auth_token': TOKEN},
            'register': 'listing',
            'failed_when': 'listing.sessions | default([]) | length != %d' % sessions,
        }]),
        'lookup': play([{
            'name': 'count with the lookup',
            'ansible.builtin.set_fact': {
                'fabric_count': "{{ query('dataarts.fabric.fabric_sessions', '%s', endpoint='%s', auth_token='%s')"
                                ' | length }}' % (workspace, base_url, TOKEN)},
            'failed_when': 'fabric_count | int != %d' % sessions,
        }]),
        'uri': play([
            {'name': 'first page and total',
             'ansible.builtin.uri': dict(uri_call, url='%s?limit=%d&offset=0' % (pages_url, PAGE_SIZE)),
             'register': 'first'},
            {'name': 'every further page',
             'ansible.builtin.uri': dict(uri_call, url='%s?limit=%d&offset={{ item }}' % (pages_url, PAGE_SIZE)),
             'loop': '{{ range(%d, first.json.total, %d) | list }}' % (PAGE_SIZE, PAGE_SIZE),
             'register': 'pages'},
            {'name': 'merge the pages',
             'ansible.builtin.set_fact': {
                 'fabric_sessions': "{{ first.json.sessions + (pages.results | map(attribute='json')"
                                    " | map(attribute='sessions') | flatten(levels=1)) }}"},
             'failed_when': 'fabric_sessions | length != %d' % sessions},
        ]),
    }


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


def ansible_playbook_run(command: list[str], env: dict[str, str], cwd: Path, cpu: list[float]) -> t.Callable[[], None]:
    def run() -> None:
        result = run_process(command, env, cwd, cwd / 'playbook-output.txt')
        if result.returncode != 0:
            raise BenchError('%s exited with %d:\n%s' % (
                shlex.join(command), result.returncode, result.output.decode(errors='replace')[-4000:]))
        cpu.append(result.cpu_seconds)
    return run


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


def import_time(statement: str, env: dict[str, str], repeat: int) -> float:
    times = []
    for _index in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, '-c', statement], env=env, check=True, stdin=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# -- reporting ---------------------------------------------------------------------------------------


def first_line(path: str, key: str) -> str:
    try:
        with open(path, encoding='utf-8') as handle:
            for line in handle:
                if line.startswith(key):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return 'unknown'


def load_average() -> str:
    try:
        return ' '.join(Path('/proc/loadavg').read_text(encoding='ascii').split()[:3])
    except OSError:
        return 'unknown'


def machine() -> list[tuple[str, str]]:
    import ansible.release
    import requests
    import urllib3

    memory = first_line('/proc/meminfo', 'MemTotal')
    if memory.endswith('kB') and memory[:-2].strip().isdigit():
        memory = '%.1f GiB' % (int(memory[:-2]) / 1024 / 1024)
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count()
    return [
        ('CPU', first_line('/proc/cpuinfo', 'model name')),
        ('Cores', '%s logical (%s usable by this process)' % (os.cpu_count(), affinity)),
        ('Memory', memory),
        ('OS', platform.platform()),
        ('Python', '%s (%s)' % (platform.python_version(), platform.python_implementation())),
        ('ansible-core', ansible.release.__version__),
        ('requests / urllib3', '%s / %s' % (requests.__version__, urllib3.__version__)),
    ]


def fmt_seconds(value: float) -> str:
    return '%.3f' % value


def spread(times: list[float]) -> str:
    return '%.3f-%.3f' % (min(times), max(times))


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ['| ' + ' | '.join(header) + ' |', '|' + '|'.join('---' for _column in header) + '|']
    return lines + ['| ' + ' | '.join(row) + ' |' for row in rows]


def verdict(passed: bool) -> str:
    return 'PASS' if passed else 'MISS'


def evaluate_targets(results: dict[str, t.Any]) -> list[tuple[str, str, str, bool]]:
    """(target, threshold, measured factor, passed) for each target."""
    client, seq = results['client'], statistics.median(results['sequential'])
    c8, c4 = statistics.median(client[8]['times']), statistics.median(client[4]['times'])
    targets = [
        (TARGETS_TEXT['c8_bound'], '<= 1.50x', '%.2fx of the bound' % client[8]['ratio'], client[8]['ratio'] <= 1.5),
        (TARGETS_TEXT['c8_vs_seq'], '>= 5x', '%.1fx' % (seq / c8), seq / c8 >= 5),
        (TARGETS_TEXT['c4_vs_seq'], '>= 3x', '%.1fx' % (seq / c4), seq / c4 >= 3),
    ]
    playbook = results['playbooks']
    uri, module = statistics.median(playbook['uri']), statistics.median(playbook['module'])
    targets.append((TARGETS_TEXT['module_vs_uri'] + ' (%s sessions)' % format(results['sessions'], ','),
                    '>= 10x', '%.1fx' % (uri / module), uri / module >= 10))
    rss_mb = results['memory']['max_rss_kb'] / 1024
    targets.append((TARGETS_TEXT['rss'] + ('' if results['memory']['sessions'] == 100000 else
                                           ' (measured at %s sessions)' % format(results['memory']['sessions'], ',')),
                    '< 250 MB', '%.1f MB (%.2fx of the limit)' % (rss_mb, rss_mb / 250), rss_mb < 250))
    return targets


def render(results: dict[str, t.Any], command: str) -> str:
    latency, sessions, repeat = results['latency_ms'], results['sessions'], results['repeat']
    pages = pages_for(sessions)
    seq = results['sequential']
    out = [
        '# Performance',
        '',
        'Figures of `tests/performance/bench.py` against the local emulator (`tests/emulator/fabric_emulator.py`,'
        ' run as a separate process), written by the benchmark itself. Re-run it to refresh this page;'
        ' `tests/performance/README.md` describes the options.',
        '',
        'Command:',
        '',
        '```console',
        '$ ' + command,
        '```',
        '',
        'Emulator latency %g ms per API request; %s sessions (%d pages of %d); median of %d runs unless stated.'
        % (latency, format(sessions, ','), pages, PAGE_SIZE, repeat),
        '',
        '## Targets',
        '',
    ]
    out += table(['target', 'threshold', 'measured', 'result'],
                 [[name, threshold, measured, verdict(ok)] for name, threshold, measured, ok in results['targets']])
    out += ['', '## Listing in-process: the client against a sequential loop', '']
    rows = []
    seq_median = statistics.median(seq)
    for concurrency in CONCURRENCIES:
        entry = results['client'][concurrency]
        median = statistics.median(entry['times'])
        rows.append(['`list_sessions`, concurrency %d%s' % (concurrency, ' (default)' if concurrency == DEFAULT_CONCURRENCY else ''),
                     fmt_seconds(median), spread(entry['times']), fmt_seconds(entry['bound']), '%.2fx' % entry['ratio'],
                     '%.1fx' % (seq_median / median)])
    seq_bound = round_trip_bound(latency / 1000, sessions, 1)
    rows.append(['sequential `requests` offset loop, one Session', fmt_seconds(seq_median), spread(seq), fmt_seconds(seq_bound),
                 '%.2fx' % (seq_median / seq_bound), '1.0x'])
    out += table(['what', 'median s', 'min-max s', 'round-trip bound s', 'ratio to bound', 'speed-up vs sequential'], rows)
    playbook = results['playbooks']
    uri_median = statistics.median(playbook['uri'])
    out += ['', '## End to end: whole `ansible-playbook` processes (%s sessions)' % format(sessions, ','), '']
    labels = [
        ('baseline', 'one `ansible.builtin.ping` task (start-up of ansible-playbook, for reference)'),
        ('module', 'one `dataarts.fabric.fabric_session_info` task'),
        ('lookup', "one `set_fact` of `query('dataarts.fabric.fabric_sessions', ...) \\| length`"),
        ('uri', '`ansible.builtin.uri`: first page, a loop over the other %d pages, a `set_fact` merging them'
         % (pages - 1)),
    ]
    rows = []
    for key, label in labels:
        times = playbook[key]
        median = statistics.median(times)
        cpu = statistics.median(results['playbooks_cpu'][key])
        rows.append([label, str(len(times)), fmt_seconds(median), spread(times), '%.1fx' % (uri_median / median), '%.2f' % cpu])
    out += table(['playbook', 'runs', 'median s', 'min-max s', 'uri loop / this', 'CPU s (user+sys, median)'], rows)
    memory, startup = results['memory'], results['startup']
    out += [
        '',
        '## The module process: peak memory and start-up',
        '',
    ]
    out += table(['measurement', 'value'], [
        ['peak RSS (max RSS) of the module process listing `%s` (%s sessions, default concurrency)'
         % (memory['workspace'], format(memory['sessions'], ',')), '%.1f MB' % (memory['max_rss_kb'] / 1024)],
        ['wall time of that process', '%.2f s (round-trip bound %.2f s)' % (
            memory['seconds'], round_trip_bound(latency / 1000, memory['sessions'], DEFAULT_CONCURRENCY))],
        ['the same listing in-process (`list_sessions`, concurrency %d, no Ansible around it)' % DEFAULT_CONCURRENCY,
         '%.2f s' % memory['in_process_seconds']],
        ['size of the module\'s JSON result on stdout', '%.1f MB' % (memory['output_bytes'] / 1024 / 1024)],
        ['peak RSS of `ansible.builtin.ping` run the same way', '%.1f MB' % (startup['ping_rss_kb'] / 1024)],
        ['peak RSS of the module listing `%s` (1 session)' % STARTUP_WORKSPACE,
         '%.1f MB' % (startup['module_rss_kb'] / 1024)],
        ['start-up: the module listing `%s` (1 session, emulator latency 0), whole process' % STARTUP_WORKSPACE,
         '%.3f s' % startup['module_seconds']],
        ['start-up: `ansible.builtin.ping` run the same way, whole process', '%.3f s' % startup['ping_seconds']],
        ['difference (the module\'s own start-up and one request)', '%+.3f s' % (startup['module_seconds'] - startup['ping_seconds'])],
        ['`python -c "import ...fabric_session_info"`', '%.3f s' % startup['import_module']],
        ['`python -c "import ansible.module_utils.basic"`', '%.3f s' % startup['import_basic']],
        ['`python -c "pass"`', '%.3f s' % startup['import_nothing']],
    ])
    out += ['', '## Machine', '']
    out += table(['', ''], [[name, value] for name, value in results['machine']] + [
        ['Load average (1, 5, 15 min) at start / end', '%s / %s' % (results['load_start'], results['load_end'])]])
    out += [
        '',
        '## Method',
        '',
        '- The emulator runs as its own process (so it does not share the GIL with the client) on 127.0.0.1, started'
        ' with `--latency-ms %g --workspace %s=%d --quiet`; it sleeps that long in every API request.'
        ' Every listing is checked to return all sessions (and no retry to have happened); a wrong count is an error.'
        % (latency, BENCH_WORKSPACE, sessions),
        '- Round-trip bound: `latency x (1 + ceil((pages - 1) / concurrency))`: the first page tells the total, the'
        ' other pages go out `concurrency` at a time. It ignores transfer and parsing, so a ratio of 1.0x is'
        ' unreachable; the ratio shows what the client adds on top of the latency.',
        '- In-process listing: `FabricHttpClient(endpoint, TokenIdentity(...), concurrency=N)` and'
        ' `list_sessions(client, SessionQuery(workspace, Query(page_size=100)), N)`, a new client (new connections) per run,'
        ' timed with `time.perf_counter()` in the benchmark\'s own process. The sequential loop is a `requests.Session`'
        ' asking `limit=100&offset=...` one page after the other until `offset >= total`.',
        '- Playbooks: `ansible-playbook -i localhost, -c local` with `ansible_python_interpreter` set to the Python the'
        ' benchmark runs with, `gather_facts: false`, default settings otherwise (an empty `ANSIBLE_CONFIG`,'
        ' `ANSIBLE_COLLECTIONS_PATH` pointing at a temporary `ansible_collections/dataarts/fabric` symlink to this'
        ' repository), each timed as a whole process. Each play fails unless it got every session.'
        ' CPU s is the user+sys time of the ansible-playbook process plus the processes it waited for (the module'
        ' runs), from `os.wait4()`: less sensitive than the wall time to other load on the machine (see the load'
        ' average below).'
        ' The uri loop ran %d time(s)%s.' % (
            len(playbook['uri']),
            '' if len(playbook['uri']) == repeat else ' only (it is slow; `--uri-repeat` sets how many)'),
        '- Memory: the module file run as Ansible runs a module, `python fabric_session_info.py args.json` with'
        ' `{"ANSIBLE_MODULE_ARGS": {...}}` and `PYTHONPATH` reaching `ansible_collections`, its max RSS read with'
        ' `os.wait4()` (the rusage of that one child) by a small launcher process (a child\'s max RSS starts at'
        ' the size of the process that forked it, so the benchmark does not fork the measured processes itself).'
        ' Wall times of processes are measured by the same launcher. Start-up is the median of %d runs of the same against `%s`'
        ' with the emulator latency set to 0, next to `ansible/modules/ping.py` run the same way; import times are'
        ' the median of %d `python -c` processes.' % (STARTUP_REPEAT, STARTUP_WORKSPACE, STARTUP_REPEAT),
        '- The benchmark exits non-zero only when a measurement fails, never for a missed target.',
        '',
    ]
    return '\n'.join(out)


# -- main --------------------------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--latency-ms', type=float, default=20, help='emulator latency per API request (default 20)')
    parser.add_argument('--sessions', type=int, help='sessions in the benchmark workspace (default 10000; 1000 with --quick)')
    parser.add_argument('--repeat', type=int, help='runs per measurement, the median is reported (default 3; 1 with --quick)')
    parser.add_argument('--uri-repeat', type=int, default=1,
                        help='runs of the slow ansible.builtin.uri playbook, at most --repeat (default 1)')
    parser.add_argument('--output', type=Path, help='write the markdown report here (for example docs/performance.md)')
    parser.add_argument('--quick', action='store_true',
                        help='smoke run: 1000 sessions, one run each, memory measured on ws-10k instead of ws-100k')
    args = parser.parse_args(argv)
    if args.sessions is None:
        args.sessions = 1000 if args.quick else 10000
    if args.repeat is None:
        args.repeat = 1 if args.quick else 3
    if args.sessions < 1 or args.repeat < 1 or args.uri_repeat < 1 or args.latency_ms < 0:
        parser.error('--sessions, --repeat and --uri-repeat must be at least 1, --latency-ms at least 0')
    return args


def display_command(argv: list[str]) -> str:
    script = Path(sys.argv[0]).resolve()
    try:
        shown = str(script.relative_to(REPO))
    except ValueError:
        shown = str(script)
    return shlex.join(['python', shown] + argv)


def measure(args: argparse.Namespace, workdir: Path) -> dict[str, t.Any]:
    env = clean_environment()
    collections = collection_root(workdir)
    sys.path.insert(0, str(collections))
    os.environ.update({'NO_PROXY': env['NO_PROXY'], 'no_proxy': env['no_proxy']})
    for name in list(os.environ):
        if name.lower() in SCRUBBED_NAMES[:3]:
            del os.environ[name]
    config = workdir / 'ansible.cfg'
    config.write_text('')
    ansible_env = dict(env, ANSIBLE_COLLECTIONS_PATH=str(collections), ANSIBLE_CONFIG=str(config),
                       ANSIBLE_HOME=str(workdir / 'ansible-home'), ANSIBLE_LOCAL_TEMP=str(workdir / 'ansible-tmp'),
                       ANSIBLE_REMOTE_TMP=str(workdir / 'ansible-remote-tmp'),
                       ANSIBLE_NOCOLOR='1')
    module_env = dict(env, PYTHONPATH=os.pathsep.join([str(collections)] + ([env['PYTHONPATH']] if env.get('PYTHONPATH') else [])))
    ansible_playbook = find_ansible_playbook()
    memory_workspace = MEMORY_WORKSPACE_QUICK if args.quick else MEMORY_WORKSPACE
    latency = args.latency_ms / 1000
    results: dict[str, t.Any] = {'latency_ms': args.latency_ms, 'sessions': args.sessions, 'repeat': args.repeat,
                                 'machine': machine(), 'load_start': load_average()}
    log('load average %s on %s CPUs' % (results['load_start'], os.cpu_count()))

    log('starting the emulator')
    emulator = Emulator(workdir, args.latency_ms, {BENCH_WORKSPACE: args.sessions}, env)
    try:
        base = emulator.base_url
        log('emulator at %s: %s' % (base, json.dumps(emulator.control('GET', 'workspaces'))[:300]))
        # Generate the workspaces before anything is timed (the emulator builds them on first access).
        sequential_requests(base, STARTUP_WORKSPACE, 1)()

        log('client listing, %d sessions' % args.sessions)
        client: dict[int, dict[str, t.Any]] = {}
        client_listing(base, BENCH_WORKSPACE, args.sessions, DEFAULT_CONCURRENCY)()  # warm-up, untimed
        for concurrency in CONCURRENCIES:
            times = repeat_timed('client c=%d' % concurrency, args.repeat,
                                 client_listing(base, BENCH_WORKSPACE, args.sessions, concurrency))
            bound = round_trip_bound(latency, args.sessions, concurrency)
            client[concurrency] = {'times': times, 'bound': bound,
                                   'ratio': statistics.median(times) / bound if bound else float('nan')}
        results['client'] = client
        results['sequential'] = repeat_timed('sequential requests', args.repeat,
                                             sequential_requests(base, BENCH_WORKSPACE, args.sessions))

        log('playbooks')
        playbook_times: dict[str, list[float]] = {}
        playbook_cpu: dict[str, list[float]] = {}
        for name, play in playbooks(base, BENCH_WORKSPACE, args.sessions).items():
            path = workdir / ('%s.yml' % name)
            path.write_text(json.dumps(play, indent=2))
            command = [sys.executable, ansible_playbook, '-i', 'localhost,', '-c', 'local', str(path)]
            repeat = min(args.repeat, args.uri_repeat) if name == 'uri' else args.repeat
            cpu: list[float] = []
            playbook_times[name] = repeat_timed('playbook ' + name, repeat, ansible_playbook_run(command, ansible_env, workdir, cpu))
            playbook_cpu[name] = cpu
        results['playbooks'] = playbook_times
        results['playbooks_cpu'] = playbook_cpu

        log('module memory, %s' % memory_workspace)
        module_file = collections / 'ansible_collections' / 'dataarts' / 'fabric' / 'plugins' / 'modules' / 'fabric_session_info.py'
        module_args = {'workspace_id': memory_workspace, 'endpoint': base, 'auth_token': TOKEN}
        run = run_module_file(module_file, module_args, module_env, workdir)
        result = module_result(run)
        expected = result.get('total')
        check_count('the module on %s' % memory_workspace, len(result.get('sessions', [])), expected)
        results['memory'] = {'workspace': memory_workspace, 'sessions': expected, 'max_rss_kb': run.max_rss_kb,
                             'seconds': run.seconds, 'output_bytes': len(run.output)}
        log('module peak RSS %.1f MB, %.2f s' % (run.max_rss_kb / 1024, run.seconds))
        # The same listing without Ansible around it: what the module adds is start-up and returning the result.
        results['memory']['in_process_seconds'] = repeat_timed(
            'client c=%d on %s' % (DEFAULT_CONCURRENCY, memory_workspace), 1,
            client_listing(base, memory_workspace, expected, DEFAULT_CONCURRENCY))[0]

        log('module start-up')
        emulator.control('POST', 'latency', {'ms': 0})
        import ansible.modules.ping
        # A copy: run from its own folder, ping.py would put ansible/modules (copy.py, tempfile.py) first on sys.path.
        ping_file = workdir / 'bare-module' / 'ping.py'
        ping_file.parent.mkdir()
        shutil.copyfile(ansible.modules.ping.__file__, ping_file)
        startup_args = dict(module_args, workspace_id=STARTUP_WORKSPACE)
        module_runs = [run_module_file(module_file, startup_args, module_env, workdir) for _index in range(STARTUP_REPEAT)]
        for module_run in module_runs:
            check_count('the module on %s' % STARTUP_WORKSPACE, len(module_result(module_run)['sessions']), 1)
        ping_runs = [run_module_file(ping_file, {}, module_env, workdir) for _index in range(STARTUP_REPEAT)]
        for ping_run in ping_runs:
            if module_result(ping_run).get('ping') != 'pong':
                raise BenchError('ansible.builtin.ping did not answer pong')
        results['startup'] = {
            'module_seconds': statistics.median(r.seconds for r in module_runs),
            'module_rss_kb': statistics.median(r.max_rss_kb for r in module_runs),
            'ping_seconds': statistics.median(r.seconds for r in ping_runs),
            'ping_rss_kb': statistics.median(r.max_rss_kb for r in ping_runs),
            'import_module': import_time('import ansible_collections.dataarts.fabric.plugins.modules.fabric_session_info',
                                         module_env, STARTUP_REPEAT),
            'import_basic': import_time('import ansible.module_utils.basic', module_env, STARTUP_REPEAT),
            'import_nothing': import_time('pass', module_env, STARTUP_REPEAT),
        }
        emulator.control('POST', 'latency', {'ms': args.latency_ms})
    finally:
        emulator.stop()
    results['load_end'] = load_average()
    results['targets'] = evaluate_targets(results)
    return results


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    started = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory(prefix='fabric-bench-') as workdir:
            results = measure(args, Path(workdir))
    except BenchError as exc:
        log('error: %s' % exc)
        return 1
    report = render(results, display_command(argv))
    sys.stdout.write(report)
    sys.stdout.write('\n')
    for name, threshold, measured, passed in results['targets']:
        log('%s: %s (%s, needs %s)' % (verdict(passed), name, measured, threshold))
    if args.output:
        output = args.output if args.output.is_absolute() else Path.cwd() / args.output
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(report)
        log('wrote %s' % output)
    log('benchmark took %.0f s' % (time.perf_counter() - started))
    return 0


if __name__ == '__main__':
    sys.exit(main())
