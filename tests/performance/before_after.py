# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Issue 12's before/after: the figures of ``before_issue_12.json`` (the page this benchmark wrote before the
pager was rewritten) beside this run's. Only ratios compare well across runs on a shared machine."""

from __future__ import annotations

import json
import statistics
import typing as t

from harness import DEFAULT_CONCURRENCY, HERE, fmt_seconds, round_trip_bound, table, thousands

BEFORE_FILE = HERE / 'before_issue_12.json'


def load_before() -> dict[str, t.Any]:
    return json.loads(BEFORE_FILE.read_text(encoding='utf-8'))


def render(results: dict[str, t.Any]) -> list[str]:
    before = load_before()
    if before['sessions'] != results['sessions'] or before['latency_ms'] != results['latency_ms']:
        return ['', '## Before and after issue 12', '',
                'Not shown: the figures before were measured at %s sessions and %g ms, this run at %s and %g ms.'
                % (thousands(before['sessions']), before['latency_ms'], thousands(results['sessions']),
                   results['latency_ms'])]
    seq = statistics.median(results['sequential'])
    rows = []
    for concurrency, old in sorted(before['client'].items(), key=lambda item: int(item[0])):
        new = results['client'][int(concurrency)]
        median = statistics.median(new['times'])
        rows.append(['`list_sessions`, concurrency %s' % concurrency, fmt_seconds(old['median']), fmt_seconds(median),
                     '%.2fx' % old['ratio'], '%.2fx' % new['ratio'], '%.1fx' % old['speedup'], '%.1fx' % (seq / median)])
    seq_bound = round_trip_bound(results['latency_ms'] / 1000, results['sessions'], 1)
    rows.append(['sequential `requests` offset loop', fmt_seconds(before['sequential']['median']), fmt_seconds(seq),
                 '%.2fx' % before['sequential']['ratio'], '%.2fx' % (seq / seq_bound), '1.0x', '1.0x'])
    out = ['', '## Before and after issue 12 (the pager rewrite)', '',
           'Before: %s. After: this run. The in-process listing of %s sessions at %g ms:'
           % (before['source'], thousands(before['sessions']), before['latency_ms']), '']
    out += table(['what', 'median s before', 'median s after', 'ratio to bound before', 'ratio to bound after',
                  'speed-up vs sequential before', 'speed-up vs sequential after'], rows)
    playbook = results['playbooks']
    uri = statistics.median(playbook['uri'])
    rows = []
    for key, label in (('module', 'one `fabric_session_info` task'), ('lookup', 'one `set_fact` of the lookup')):
        old, median = before['playbooks'][key], statistics.median(playbook[key])
        rows.append(['playbook, %s (%s sessions)' % (label, thousands(before['sessions'])),
                     '%s s (uri loop / this %.1fx)' % (fmt_seconds(old['median']), old['uri_over_this']),
                     '%s s (uri loop / this %.1fx)' % (fmt_seconds(median), uri / median)])
    memory, old_memory = results['memory'], before['memory_100k']
    if memory['sessions'] == 100000:
        rows += [
            ['module process listing 100,000 sessions: peak RSS', '%.1f MB' % old_memory['max_rss_mb'],
             '%.1f MB' % (memory['max_rss_kb'] / 1024)],
            ['the same: wall time (round-trip bound %.2f s)' % round_trip_bound(
                results['latency_ms'] / 1000, memory['sessions'], DEFAULT_CONCURRENCY),
             '%.2f s' % old_memory['seconds'], '%.2f s' % memory['seconds']],
            ['the same listing in-process', '%.2f s' % old_memory['in_process_seconds'],
             '%.2f s' % memory['in_process_seconds']],
        ]
    out += ['']
    out += table(['measurement', 'before', 'after'], rows)
    return out
