# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The floor of a listing: a play whose module returns the same sessions from a file, with no network, against
the play with ``dataarts.fabric.fabric_session_info``; the listing shown as floor plus round-trip bound."""

from __future__ import annotations

import json
import typing as t

from harness import (
    DEFAULT_CONCURRENCY,
    HERE,
    TOKEN,
    Bench,
    check_count,
    fmt_seconds,
    log,
    median,
    module_result,
    play,
    playbook_runner,
    round_trip_bound,
    run_module_file,
    spread,
    table,
    thousands,
    time_playbooks,
)

LIBRARY = HERE / 'library'
FLOOR_MODULE = 'fabric_sessions_from_file'


def floor_plays(bench: Bench, workspace: str, sessions: int, sessions_file: str) -> dict[str, list[dict[str, t.Any]]]:
    check = 'listing.sessions | default([]) | length != %d' % sessions
    return {
        'floor': play([{'name': 'the same sessions from a file', FLOOR_MODULE: {'path': sessions_file},
                        'register': 'listing', 'failed_when': check}]),
        'module': play([{'name': 'list with the module',
                         'dataarts.fabric.fabric_session_info': {'workspace_id': workspace, 'endpoint': bench.base,
                                                                 'auth_token': TOKEN},
                         'register': 'listing', 'failed_when': check}]),
    }


def measure(bench: Bench, workspaces: list[tuple[str, int]]) -> dict[str, t.Any]:
    """For each (workspace, sessions): the floor play and the module play, interleaved; and the peak RSS of
    the floor module run on its own for the largest workspace."""
    sizes = []
    for workspace, sessions in workspaces:
        sessions_file = bench.workdir / ('floor-%s.json' % workspace)
        listed = bench.emulator.sessions(workspace)
        check_count('the emulator\'s control API for %s' % workspace, len(listed), sessions)
        sessions_file.write_text(json.dumps(listed))
        plays = floor_plays(bench, workspace, sessions, str(sessions_file))
        runners = {name: playbook_runner(bench, 'floor-%s-%s' % (name, workspace), plays[name],
                                         extra_args=['-M', str(LIBRARY)])
                   for name in plays}
        times = time_playbooks('floor %s' % workspace, runners, bench.repeat)
        sizes.append({'workspace': workspace, 'sessions': sessions,
                      'bound': round_trip_bound(bench.latency, sessions, DEFAULT_CONCURRENCY),
                      'floor': times['floor'], 'module': times['module'], 'file': sessions_file})
    largest = max(sizes, key=lambda size: size['sessions'])
    run = run_module_file(LIBRARY / (FLOOR_MODULE + '.py'), {'path': str(largest['file'])}, bench.module_env,
                          bench.workdir)
    check_count('the floor module', len(module_result(run)['sessions']), largest['sessions'])
    log('floor module peak RSS %.1f MB on %s' % (run.max_rss_kb / 1024, largest['workspace']))
    for size in sizes:
        size['file'].unlink()
        del size['file']
    return {'sizes': sizes, 'rss': {'workspace': largest['workspace'], 'sessions': largest['sessions'],
                                    'max_rss_kb': run.max_rss_kb, 'seconds': run.seconds,
                                    'output_bytes': len(run.output)}}


def render(results: dict[str, t.Any], latency_ms: float, module_memory: dict[str, t.Any]) -> list[str]:
    out = ['', '## The floor: listing as floor plus round-trip bound', '',
           'The floor is a play whose one task is a do-nothing module (`tests/performance/library/%s.py`, test-only)'
           ' that returns the same sessions, `total` and `counts` from a JSON file, with no network: what Ansible'
           ' costs to start a module and carry that many sessions back. Latency %g ms, default concurrency (%d).'
           % (FLOOR_MODULE, latency_ms, DEFAULT_CONCURRENCY), '']
    rows = []
    for size in results['sizes']:
        floor, module = median(size['floor'].wall), median(size['module'].wall)
        expected = floor + size['bound']
        rows.append([
            thousands(size['sessions']), str(len(size['floor'].wall)),
            '%s (%s)' % (fmt_seconds(floor), spread(size['floor'].wall)), fmt_seconds(size['bound']),
            fmt_seconds(expected), '%s (%s)' % (fmt_seconds(module), spread(size['module'].wall)),
            '%.2fx' % (module / expected), '%+.3f' % (module - expected),
            '%.2f / %.2f' % (median(size['floor'].cpu), median(size['module'].cpu)),
        ])
    out += table(['sessions', 'runs', 'floor play s (min-max)', 'round-trip bound s', 'floor + bound s',
                  'module play s (min-max)', 'module / (floor + bound)', 'module - (floor + bound) s',
                  'CPU s floor / module (median)'], rows)
    rss = results['rss']
    out += ['']
    memory_rows = [['peak RSS of the floor module returning %s sessions from a file (run as Ansible runs a module)'
                    % thousands(rss['sessions']), '%.1f MB' % (rss['max_rss_kb'] / 1024)],
                   ['wall time of that process', '%.2f s' % rss['seconds']],
                   ['size of its JSON result on stdout', '%.1f MB' % (rss['output_bytes'] / 1024 / 1024)]]
    if module_memory.get('sessions') == rss['sessions']:
        memory_rows.append(['peak RSS of `fabric_session_info` listing the same sessions (below)',
                            '%.1f MB (%.2fx the floor)' % (module_memory['max_rss_kb'] / 1024,
                                                           module_memory['max_rss_kb'] / rss['max_rss_kb'])])
    out += table(['floor module process', 'value'], memory_rows)
    return out


METHOD = ('- Floor: the floor play and the module play are run alternately (floor, module, floor, ...) so that a'
          ' change of load weighs on both; the sessions file is the workspace as the emulator\'s control API returns'
          ' it, written before the timing; the floor play runs with `-M tests/performance/library`. The listing is'
          ' expected to cost the floor plus the round-trip bound; the last columns show what it costs on top.')
