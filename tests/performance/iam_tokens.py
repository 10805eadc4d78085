# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""IAM requests per play with the password identity: with the token cache (a first and a second play) and
without it, counted by the emulator (``GET /_emulator/tokens``)."""

from __future__ import annotations

import typing as t
from pathlib import Path

from harness import IAM_USER, Bench, fmt_seconds, log, play, playbook_runner, table

MODULE_TASKS = 3
LOOKUP_TASKS = 2
WORKSPACES = ('ws-one', 'ws-100', 'ws-101')
LOOKUP_WORKSPACES = ('ws-one', 'ws-100')


def password_play(bench: Bench) -> list[dict[str, t.Any]]:
    """Three module tasks (connection in module_defaults) and two lookup calls (connection as keywords)."""
    connection = dict(IAM_USER, endpoint=bench.base, iam_endpoint=bench.base)
    keywords = ', '.join("%s='%s'" % item for item in sorted(connection.items()))
    tasks: list[dict[str, t.Any]] = [
        {'name': 'module task %d' % (index + 1),
         'dataarts.fabric.fabric_session_info': {'workspace_id': workspace, 'count_only': True},
         'register': 'counted', 'failed_when': 'counted.total is not defined'}
        for index, workspace in enumerate(WORKSPACES[:MODULE_TASKS])]
    tasks += [
        {'name': 'lookup %d' % (index + 1),
         'ansible.builtin.set_fact': {
             'fabric_count': "{{ query('dataarts.fabric.fabric_sessions', '%s', %s) | length }}" % (workspace, keywords)},
         'failed_when': 'fabric_count | int < 1'}
        for index, workspace in enumerate(LOOKUP_WORKSPACES[:LOOKUP_TASKS])]
    return play(tasks, module_defaults={'group/dataarts.fabric.fabric': connection})


def measure(bench: Bench) -> dict[str, t.Any]:
    plays = password_play(bench)
    cache_on = bench.workdir / 'xdg-cache-on'
    cache_off = bench.workdir / 'xdg-cache-off'
    cases = [
        ('first play, token cache on (an empty cache directory)', dict(bench.ansible_env, XDG_CACHE_HOME=str(cache_on))),
        ('second play, token cache on (the same cache directory)', dict(bench.ansible_env, XDG_CACHE_HOME=str(cache_on))),
        ('a play with `DATAARTS_FABRIC_TOKEN_CACHE=false`',
         dict(bench.ansible_env, XDG_CACHE_HOME=str(cache_off), DATAARTS_FABRIC_TOKEN_CACHE='false')),
    ]
    rows = []
    for index, (label, env) in enumerate(cases):
        runner = playbook_runner(bench, 'iam-%d' % index, plays, env=env)
        before = bench.emulator.tokens_issued()
        result = runner()
        issued = bench.emulator.tokens_issued() - before
        log('IAM, %s: %d token(s) issued, %.3f s' % (label, issued, result.seconds))
        rows.append({'label': label, 'issued': issued, 'seconds': result.seconds})
    return {'rows': rows, 'files_with_cache': cache_files(cache_on), 'files_without_cache': cache_files(cache_off)}


def cache_files(directory: Path) -> int:
    return sum(1 for path in directory.rglob('*') if path.is_file()) if directory.exists() else 0


def targets(results: dict[str, t.Any]) -> list[tuple[str, str, str, bool]]:
    first, second = results['rows'][0]['issued'], results['rows'][1]['issued']
    what = 'a play of %d module tasks and %d lookups with the password identity' % (MODULE_TASKS, LOOKUP_TASKS)
    return [('%s makes exactly one IAM request' % what, '== 1', '%d' % first, first == 1),
            ('a second such play while the token is valid makes none', '== 0', '%d' % second, second == 0)]


def render(results: dict[str, t.Any], latency_ms: float) -> list[str]:
    out = ['', '## IAM requests per play (password identity)', '',
           'One play of %d `fabric_session_info` tasks (`count_only`, connection in `module_defaults`) and %d'
           ' `set_fact` tasks of a lookup call (connection as keywords), `username`/`password` exchanged at the'
           ' emulator\'s IAM endpoint; `XDG_CACHE_HOME` is a temporary directory. Latency %g ms (IAM included).'
           % (MODULE_TASKS, LOOKUP_TASKS, latency_ms), '']
    out += table(['play', 'IAM tokens issued (emulator)', 'wall s (one run, noisy)'],
                 [[row['label'], str(row['issued']), fmt_seconds(row['seconds'])] for row in results['rows']])
    out += ['', 'Files in the cache directory afterwards: %d with the cache on, %d with it off.'
            % (results['files_with_cache'], results['files_without_cache'])]
    return out


METHOD = ('- IAM: each play runs once (the counts do not depend on the load); the figure is the difference of the'
          ' emulator\'s `GET /_emulator/tokens` `issued` before and after the play. The two plays with the cache'
          ' share one `XDG_CACHE_HOME`; the play without it uses another, empty one.')
