# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The lookup over many one-page workspaces: side by side (one call with every term) against one after the
other (a call per workspace, or concurrency 1), next to the round-trip bound of that many requests."""

from __future__ import annotations

import math
import typing as t

from harness import (
    DEFAULT_CONCURRENCY,
    TOKEN,
    Bench,
    BenchError,
    check_count,
    fmt_seconds,
    median,
    play,
    playbook_runner,
    repeat_timed,
    sessions_requests,
    spread,
    table,
    time_playbooks,
)

WORKSPACES = 50
SESSIONS_EACH = 10  # one page
MAX_BOUND_RATIO = 1.5


def workspace_ids() -> list[str]:
    return ['ws-many-%02d' % number for number in range(1, WORKSPACES + 1)]


def bound(latency: float, requests: int, concurrency: int) -> float:
    """Requests that need no first page: ``concurrency`` at a time."""
    return latency * math.ceil(requests / concurrency)


def in_process(bench: Bench, terms: list[str], concurrency: int, one_call: bool) -> t.Callable[[], None]:
    """What the lookup runs (``run_queries``), on a new client per run: every term in one call, or one call per
    term on the same client (as a loop of lookup calls in one process shares its client)."""
    from ansible_collections.dataarts.fabric.plugins.module_utils._config.loader import load_config
    from ansible_collections.dataarts.fabric.plugins.module_utils._http.factory import open_client
    from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.listing import run_queries
    from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.query import SessionQuery

    config = load_config({'endpoint': bench.base, 'auth_token': TOKEN, 'concurrency': concurrency}, environ={})
    queries = [SessionQuery.for_workspace(term, config.query) for term in terms]
    warnings: list[str] = []

    def run() -> None:
        with open_client(config.connection, 'benchmark') as client:
            if one_call:
                listings = run_queries(client, queries, warnings.append)
            else:
                listings = [listing for query in queries for listing in run_queries(client, [query], warnings.append)]
        if warnings:
            raise BenchError('the lookup warned: %s' % warnings[:3])
        check_count('run_queries over %d workspaces' % len(terms), sum(len(listing.sessions) for listing in listings),
                    len(terms) * SESSIONS_EACH)
    return run


def lookup_plays(bench: Bench, terms: list[str]) -> dict[str, list[dict[str, t.Any]]]:
    """The lookup plays, each with a baseline play of the same tasks without the lookup (what Ansible costs)."""
    connection = "endpoint='%s', auth_token='%s'" % (bench.base, TOKEN)
    expected = len(terms) * SESSIONS_EACH

    def one_call(count: str) -> list[dict[str, t.Any]]:
        return play([{'name': 'every workspace in one set_fact', 'ansible.builtin.set_fact': {'fabric_count': count},
                      'failed_when': 'fabric_count | int != %d' % expected}])

    def loop(count: str) -> list[dict[str, t.Any]]:
        return play([{'name': 'one set_fact per workspace', 'loop': '{{ bench_terms }}',
                      'ansible.builtin.set_fact': {'fabric_count': count},
                      'failed_when': 'fabric_count | int != %d' % SESSIONS_EACH}])

    plays = {
        'one set_fact, no lookup': one_call('{{ bench_terms | length * %d }}' % SESSIONS_EACH),
        'side by side': one_call("{{ query('dataarts.fabric.fabric_sessions', *bench_terms, %s) | length }}"
                                 % connection),
        'concurrency 1': one_call("{{ query('dataarts.fabric.fabric_sessions', *bench_terms, %s, concurrency=1)"
                                  " | length }}" % connection),
        'a loop of set_fact, no lookup': loop('{{ %d }}' % SESSIONS_EACH),
        'a call per workspace': loop("{{ query('dataarts.fabric.fabric_sessions', item, %s) | length }}" % connection),
    }
    for plays_of_one in plays.values():
        plays_of_one[0]['vars']['bench_terms'] = terms
    return plays


BASELINES = {'side by side': 'one set_fact, no lookup', 'concurrency 1': 'one set_fact, no lookup',
             'a call per workspace': 'a loop of set_fact, no lookup'}


def measure(bench: Bench) -> dict[str, t.Any]:
    terms = workspace_ids()
    for term in terms:
        bench.emulator.control('PUT', 'workspaces/' + term, {'count': SESSIONS_EACH})
    latency = bench.latency
    cases = [('one call, %d terms, concurrency %d (default)' % (len(terms), DEFAULT_CONCURRENCY), DEFAULT_CONCURRENCY,
              True, bound(latency, len(terms), DEFAULT_CONCURRENCY)),
             ('one call, %d terms, concurrency 8' % len(terms), 8, True, bound(latency, len(terms), 8)),
             ('one call, %d terms, concurrency 1' % len(terms), 1, True, bound(latency, len(terms), 1)),
             ('%d calls of one term, concurrency %d' % (len(terms), DEFAULT_CONCURRENCY), DEFAULT_CONCURRENCY, False,
              bound(latency, len(terms), 1))]
    in_process_rows = []
    for label, concurrency, one_call, case_bound in cases:
        run = in_process(bench, terms, concurrency, one_call)
        run()  # warm-up, untimed; also counts the requests
        bench.emulator.clear_log()
        run()
        requests = sessions_requests(bench.emulator.logged_requests(), terms)
        times = repeat_timed('run_queries, %s' % label, bench.repeat, run)
        in_process_rows.append({'label': label, 'times': times, 'bound': case_bound, 'requests': requests,
                                'side_by_side': one_call and concurrency > 1})
    plays = lookup_plays(bench, terms)
    runners = {name: playbook_runner(bench, 'many-%s' % name.replace(' ', '-'), plays[name]) for name in plays}
    return {'terms': len(terms), 'in_process': in_process_rows,
            'playbooks': time_playbooks('lookup over %d workspaces' % len(terms), runners, bench.repeat),
            'bounds': {'side by side': bound(latency, len(terms), DEFAULT_CONCURRENCY),
                       'concurrency 1': bound(latency, len(terms), 1),
                       'a call per workspace': bound(latency, len(terms), 1)}}


def targets(results: dict[str, t.Any]) -> list[tuple[str, str, str, bool]]:
    default = results['in_process'][0]
    ratio = median(default['times']) / default['bound']
    return [('lookup over %d one-page workspaces, one call at the default concurrency, within %.1fx of the round-trip'
             ' bound of %d requests' % (results['terms'], MAX_BOUND_RATIO, results['terms']),
             '<= %.2fx' % MAX_BOUND_RATIO, '%.2fx of the bound' % ratio, ratio <= MAX_BOUND_RATIO)]


def render(results: dict[str, t.Any], latency_ms: float) -> list[str]:
    terms = results['terms']
    out = ['', '## Many workspaces: the lookup side by side against one after the other', '',
           '%d workspaces of %d sessions (one page each), latency %g ms. Round-trip bound: latency x ceil(%d /'
           ' concurrency), and %d x latency for one after the other.' % (terms, SESSIONS_EACH, latency_ms, terms, terms),
           '']
    rows = []
    sequential = median(results['in_process'][-1]['times'])
    for row in results['in_process']:
        wall = median(row['times'])
        rows.append(['`run_queries` (what the lookup runs), ' + row['label'], fmt_seconds(wall), spread(row['times']),
                     str(row['requests']), fmt_seconds(row['bound']), '%.2fx' % (wall / row['bound']),
                     '%.1fx' % (sequential / wall)])
    out += table(['in-process', 'median s', 'min-max s', 'list requests', 'round-trip bound s', 'ratio to bound',
                  'speed-up vs a call per workspace'], rows)
    playbooks = results['playbooks']
    labels = {'one set_fact, no lookup': 'baseline: one `set_fact` of a constant (no lookup)',
              'side by side': "one `set_fact` of `query('dataarts.fabric.fabric_sessions', *terms)`, %d terms" % terms,
              'concurrency 1': 'the same with `concurrency=1`',
              'a loop of set_fact, no lookup': 'baseline: a `set_fact` of a constant looped over the %d terms' % terms,
              'a call per workspace': 'a `set_fact` of `query(...)` looped over the %d terms (%d calls)' % (terms, terms)}

    def lookup_cost(name: str) -> float:
        return median(playbooks[name].wall) - median(playbooks[BASELINES[name]].wall)

    loop = lookup_cost('a call per workspace')
    rows = []
    for name, label in labels.items():
        times = playbooks[name]
        row = [label, fmt_seconds(median(times.wall)), spread(times.wall), '%.2f' % median(times.cpu)]
        if name in BASELINES:
            cost = lookup_cost(name)
            row += ['%+.3f' % cost, fmt_seconds(results['bounds'][name]),
                    '%.1fx' % (loop / cost) if cost > 0 else 'n/a']
        else:
            row += ['', '', '']
        rows.append(row)
    out += ['']
    out += table(['whole ansible-playbook process', 'median s', 'min-max s', 'CPU s (median)',
                  'the lookup: minus its baseline s', 'round-trip bound s', 'speed-up vs the loop (lookup only)'], rows)
    return out


METHOD = ('- Many workspaces: the workspaces `ws-many-01` to `ws-many-50` are made through the control API before'
          ' the timing. In-process, `run_queries` (what the lookup calls) runs on a new `FabricHttpClient` per run;'
          ' the loop of one-term calls shares one client, as lookup calls in one process do; the request count is'
          ' from the emulator\'s log of one untimed run. The playbooks pass the terms as a list variable and run'
          ' interleaved; each lookup play has a baseline play of the same tasks with a constant instead of the'
          ' lookup (start-up, and for the loop the 50 task iterations), and "the lookup" is the difference of medians.')
