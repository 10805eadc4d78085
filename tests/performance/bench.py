# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Performance benchmark of the dataarts.fabric collection against the local emulator.

Measures, in one run:

1. the shared client (``list_sessions``) at concurrency 1, 4 and 8 against the round-trip bound, and issue
   12's figures before and after;
2. a plain sequential ``requests`` offset loop (what a hand-written script does);
3. whole ``ansible-playbook`` processes: the module, the lookup, and an ``ansible.builtin.uri`` page loop;
4. the floor: a play whose module returns the same sessions from a file (``floor.py``);
5. ``count_only`` and the role ``session_check`` on a big workspace against an empty one (``counts.py``);
6. the lookup over 50 workspaces side by side against one after the other (``many_workspaces.py``);
7. IAM requests per play with and without the token cache (``iam_tokens.py``);
8. the peak RSS of the module process listing 100,000 sessions, and the module's start-up cost.

Usage (see tests/performance/README.md)::

    python tests/performance/bench.py --output docs/performance.md

It uses the Python (and ansible-core, requests) it runs with, starts the emulator as a separate process,
sends traffic to 127.0.0.1 only, and exits non-zero only on errors, never because a target was missed.
"""

from __future__ import annotations

import argparse
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
from pathlib import Path

import before_after
import counts
import floor
import iam_tokens
import many_workspaces
from harness import (
    DEFAULT_CONCURRENCY,
    PAGE_SIZE,
    REPO,
    TOKEN,
    Bench,
    BenchError,
    Emulator,
    ProcessRun,
    check_count,
    clean_environment,
    collection_root,
    find_ansible_playbook,
    fmt_seconds,
    log,
    module_result,
    pages_for,
    play,
    playbook_runner,
    repeat_timed,
    round_trip_bound,
    run_module_file,
    spread,
    table,
    thousands,
    verdict,
)

BENCH_WORKSPACE = 'ws-bench'
MEMORY_WORKSPACE = 'ws-100k'
MEMORY_WORKSPACE_QUICK = 'ws-10k'
STARTUP_WORKSPACE = 'ws-one'
STARTUP_REPEAT = 5
CONCURRENCIES = (1, 4, 8)

# Targets: (key, description, how the factor is computed, threshold, whether bigger is better)
TARGETS_TEXT = {
    'c8_bound': 'client at concurrency 8 within 1.5x of the round-trip bound',
    'c8_vs_seq': 'client at concurrency 8 at least 5x faster than the sequential requests loop',
    'c4_vs_seq': 'client at the default concurrency (4) at least 3x faster than the sequential requests loop',
    'module_vs_uri': 'playbook with the module at least 10x faster than the ansible.builtin.uri page loop',
    'rss': 'module peak RSS below 250 MB listing 100,000 sessions',
}


# -- measurements ------------------------------------------------------------------------------------


def client_listing(base_url: str, workspace: str, sessions: int, concurrency: int) -> t.Callable[[], None]:
    from ansible_collections.dataarts.fabric.plugins.module_utils._config.loader import load_config
    from ansible_collections.dataarts.fabric.plugins.module_utils._http.factory import open_client
    from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.listing import list_sessions
    from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.query import SessionQuery

    config = load_config({'endpoint': base_url, 'auth_token': TOKEN, 'concurrency': concurrency,
                          'page_size': PAGE_SIZE}, environ={})

    def run() -> None:
        # A new client per run, as each module run makes: connections are opened inside the timing.
        with open_client(config.connection, 'benchmark') as client, client.call():
            listing = list_sessions(client, SessionQuery(workspace, config.query))
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
    targets.append((TARGETS_TEXT['module_vs_uri'] + ' (%s sessions)' % thousands(results['sessions']),
                    '>= 10x', '%.1fx' % (uri / module), uri / module >= 10))
    rss_mb = results['memory']['max_rss_kb'] / 1024
    targets.append((TARGETS_TEXT['rss'] + ('' if results['memory']['sessions'] == 100000 else
                                           ' (measured at %s sessions)' % thousands(results['memory']['sessions'])),
                    '< 250 MB', '%.1f MB (%.2fx of the limit)' % (rss_mb, rss_mb / 250), rss_mb < 250))
    targets += counts.targets(results['counts'])
    targets += many_workspaces.targets(results['many_workspaces'])
    targets += iam_tokens.targets(results['iam'])
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
        % (latency, thousands(sessions), pages, PAGE_SIZE, repeat),
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
    out += before_after.render(results)
    playbook = results['playbooks']
    uri_median = statistics.median(playbook['uri'])
    out += ['', '## End to end: whole `ansible-playbook` processes (%s sessions)' % thousands(sessions), '']
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
    out += floor.render(results['floor'], latency, memory)
    out += counts.render(results['counts'])
    out += many_workspaces.render(results['many_workspaces'], latency)
    out += iam_tokens.render(results['iam'], latency)
    out += [
        '',
        '## The module process: peak memory and start-up',
        '',
    ]
    out += table(['measurement', 'value'], [
        ['peak RSS (max RSS) of the module process listing `%s` (%s sessions, default concurrency)'
         % (memory['workspace'], thousands(memory['sessions'])), '%.1f MB' % (memory['max_rss_kb'] / 1024)],
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
        '- In-process listing: `open_client(load_config({endpoint, auth_token, concurrency: N}).connection)` and'
        ' `list_sessions(client, SessionQuery(workspace, config.query))`, a new client (new connections) per run,'
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
        floor.METHOD,
        counts.method(results['pair_repeat']),
        many_workspaces.METHOD,
        iam_tokens.METHOD,
        '- Every process the benchmark starts has `XDG_CACHE_HOME` in a temporary directory, so that none reads or'
        ' writes the user\'s own token cache.',
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
    parser.add_argument('--pair-repeat', type=int,
                        help='runs of each play of a compared pair (count_only and the role, big against empty workspace),'
                             ' interleaved (default 5; 1 with --quick)')
    parser.add_argument('--uri-repeat', type=int, default=1,
                        help='runs of the slow ansible.builtin.uri playbook, at most --repeat (default 1)')
    parser.add_argument('--output', type=Path, help='write the markdown report here (for example docs/performance.md)')
    parser.add_argument('--quick', action='store_true',
                        help='smoke run: 1000 sessions, one run each, ws-10k instead of ws-100k (memory, floor, counts)')
    args = parser.parse_args(argv)
    if args.sessions is None:
        args.sessions = 1000 if args.quick else 10000
    if args.repeat is None:
        args.repeat = 1 if args.quick else 3
    if args.pair_repeat is None:
        args.pair_repeat = 1 if args.quick else 5
    if min(args.sessions, args.repeat, args.pair_repeat, args.uri_repeat) < 1 or args.latency_ms < 0:
        parser.error('--sessions, --repeat, --pair-repeat and --uri-repeat must be at least 1, --latency-ms at least 0')
    return args


def display_command(argv: list[str]) -> str:
    script = Path(sys.argv[0]).resolve()
    try:
        shown = str(script.relative_to(REPO))
    except ValueError:
        shown = str(script)
    return shlex.join(['python', shown] + argv)


def prepare(args: argparse.Namespace, workdir: Path, emulator: Emulator, env: dict[str, str], collections: Path) -> Bench:
    config = workdir / 'ansible.cfg'
    config.write_text('')
    ansible_env = dict(env, ANSIBLE_COLLECTIONS_PATH=str(collections), ANSIBLE_CONFIG=str(config),
                       ANSIBLE_HOME=str(workdir / 'ansible-home'), ANSIBLE_LOCAL_TEMP=str(workdir / 'ansible-tmp'),
                       ANSIBLE_REMOTE_TMP=str(workdir / 'ansible-remote-tmp'),
                       ANSIBLE_NOCOLOR='1')
    module_env = dict(env, PYTHONPATH=os.pathsep.join([str(collections)] + ([env['PYTHONPATH']] if env.get('PYTHONPATH') else [])))
    return Bench(workdir=workdir, collections=collections, emulator=emulator, ansible_playbook=find_ansible_playbook(),
                 env=env, ansible_env=ansible_env, module_env=module_env, latency_ms=args.latency_ms,
                 repeat=args.repeat, pair_repeat=args.pair_repeat, quick=args.quick)


def measure_client(bench: Bench, sessions: int) -> dict[str, t.Any]:
    log('client listing, %d sessions' % sessions)
    client: dict[int, dict[str, t.Any]] = {}
    client_listing(bench.base, BENCH_WORKSPACE, sessions, DEFAULT_CONCURRENCY)()  # warm-up, untimed
    for concurrency in CONCURRENCIES:
        times = repeat_timed('client c=%d' % concurrency, bench.repeat,
                             client_listing(bench.base, BENCH_WORKSPACE, sessions, concurrency))
        bound = round_trip_bound(bench.latency, sessions, concurrency)
        client[concurrency] = {'times': times, 'bound': bound,
                               'ratio': statistics.median(times) / bound if bound else float('nan')}
    return client


def measure_playbooks(bench: Bench, sessions: int, uri_repeat: int) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    log('playbooks')
    wall: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    for name, plays in playbooks(bench.base, BENCH_WORKSPACE, sessions).items():
        runner = playbook_runner(bench, name, plays)
        repeat = min(bench.repeat, uri_repeat) if name == 'uri' else bench.repeat
        runs: list[ProcessRun] = []
        wall[name] = repeat_timed('playbook ' + name, repeat, lambda runner=runner, runs=runs: runs.append(runner()))
        cpu[name] = [run.cpu_seconds for run in runs]
    return wall, cpu


def module_file(bench: Bench) -> Path:
    return bench.collections / 'ansible_collections' / 'dataarts' / 'fabric' / 'plugins' / 'modules' / 'fabric_session_info.py'


def measure_memory(bench: Bench, workspace: str) -> dict[str, t.Any]:
    log('module memory, %s' % workspace)
    module_args = {'workspace_id': workspace, 'endpoint': bench.base, 'auth_token': TOKEN}
    run = run_module_file(module_file(bench), module_args, bench.module_env, bench.workdir)
    result = module_result(run)
    expected = result.get('total')
    check_count('the module on %s' % workspace, len(result.get('sessions', [])), expected)
    memory = {'workspace': workspace, 'sessions': expected, 'max_rss_kb': run.max_rss_kb,
              'seconds': run.seconds, 'output_bytes': len(run.output)}
    log('module peak RSS %.1f MB, %.2f s' % (run.max_rss_kb / 1024, run.seconds))
    # The same listing without Ansible around it: what the module adds is start-up and returning the result.
    memory['in_process_seconds'] = repeat_timed(
        'client c=%d on %s' % (DEFAULT_CONCURRENCY, workspace), 1,
        client_listing(bench.base, workspace, expected, DEFAULT_CONCURRENCY))[0]
    return memory


def measure_startup(bench: Bench) -> dict[str, t.Any]:
    """At emulator latency 0: the module against ws-one, ansible.builtin.ping, and import times."""
    log('module start-up')
    previous_latency = bench.emulator.latency_ms
    bench.emulator.set_latency(0)
    try:
        import ansible.modules.ping
        # A copy: run from its own folder, ping.py would put ansible/modules (copy.py, tempfile.py) first on sys.path.
        ping_file = bench.workdir / 'bare-module' / 'ping.py'
        ping_file.parent.mkdir()
        shutil.copyfile(ansible.modules.ping.__file__, ping_file)
        startup_args = {'workspace_id': STARTUP_WORKSPACE, 'endpoint': bench.base, 'auth_token': TOKEN}
        module_runs = [run_module_file(module_file(bench), startup_args, bench.module_env, bench.workdir)
                       for _index in range(STARTUP_REPEAT)]
        for module_run in module_runs:
            check_count('the module on %s' % STARTUP_WORKSPACE, len(module_result(module_run)['sessions']), 1)
        ping_runs = [run_module_file(ping_file, {}, bench.module_env, bench.workdir) for _index in range(STARTUP_REPEAT)]
        for ping_run in ping_runs:
            if module_result(ping_run).get('ping') != 'pong':
                raise BenchError('ansible.builtin.ping did not answer pong')
    finally:
        bench.emulator.set_latency(previous_latency)
    module_env = bench.module_env
    return {
        'module_seconds': statistics.median(r.seconds for r in module_runs),
        'module_rss_kb': statistics.median(r.max_rss_kb for r in module_runs),
        'ping_seconds': statistics.median(r.seconds for r in ping_runs),
        'ping_rss_kb': statistics.median(r.max_rss_kb for r in ping_runs),
        'import_module': import_time('import ansible_collections.dataarts.fabric.plugins.modules.fabric_session_info',
                                     module_env, STARTUP_REPEAT),
        'import_basic': import_time('import ansible.module_utils.basic', module_env, STARTUP_REPEAT),
        'import_nothing': import_time('pass', module_env, STARTUP_REPEAT),
    }


def measure(args: argparse.Namespace, workdir: Path) -> dict[str, t.Any]:
    env = clean_environment()
    # No process of the benchmark reads or writes the user's own token cache.
    env['XDG_CACHE_HOME'] = str(workdir / 'xdg-cache')
    collections = collection_root(workdir)
    sys.path.insert(0, str(collections))
    os.environ.update({'NO_PROXY': env['NO_PROXY'], 'no_proxy': env['no_proxy']})
    for name in list(os.environ):
        if name.lower() in ('http_proxy', 'https_proxy', 'all_proxy'):
            del os.environ[name]
    big_workspace = MEMORY_WORKSPACE_QUICK if args.quick else MEMORY_WORKSPACE
    results: dict[str, t.Any] = {'latency_ms': args.latency_ms, 'sessions': args.sessions, 'repeat': args.repeat,
                                 'pair_repeat': args.pair_repeat, 'machine': machine(), 'load_start': load_average()}
    log('load average %s on %s CPUs' % (results['load_start'], os.cpu_count()))

    log('starting the emulator')
    emulator = Emulator(workdir, args.latency_ms, {BENCH_WORKSPACE: args.sessions}, env)
    try:
        bench = prepare(args, workdir, emulator, env, collections)
        log('emulator at %s: %s' % (bench.base, str(emulator.control('GET', 'workspaces'))[:300]))
        # Generate the workspaces before anything is timed (the emulator builds them on first access).
        sequential_requests(bench.base, STARTUP_WORKSPACE, 1)()
        big_sessions = len(emulator.sessions(big_workspace))

        results['client'] = measure_client(bench, args.sessions)
        results['sequential'] = repeat_timed('sequential requests', args.repeat,
                                             sequential_requests(bench.base, BENCH_WORKSPACE, args.sessions))
        results['playbooks'], results['playbooks_cpu'] = measure_playbooks(bench, args.sessions, args.uri_repeat)
        results['memory'] = measure_memory(bench, big_workspace)
        floor_sizes = [(BENCH_WORKSPACE, args.sessions)] + ([(big_workspace, big_sessions)]
                                                            if big_sessions != args.sessions else [])
        results['floor'] = floor.measure(bench, floor_sizes)
        results['many_workspaces'] = many_workspaces.measure(bench)
        results['iam'] = iam_tokens.measure(bench)
        results['startup'] = measure_startup(bench)
        results['counts'] = counts.measure(bench, big_workspace, big_sessions)
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
