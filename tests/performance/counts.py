# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Counting without listing: ``count_only`` on a big workspace against an empty one and against a full listing,
and the role ``session_check`` (which counts) on a big workspace against an empty one. Emulator latency 0, so
that the difference is the work of the client and of Ansible, not the network."""

from __future__ import annotations

import typing as t

from harness import (
    TOKEN,
    Bench,
    PlaybookTimes,
    fmt_seconds,
    log,
    median,
    play,
    playbook_runner,
    sessions_requests,
    spread,
    table,
    thousands,
    time_playbooks,
)

EMPTY_WORKSPACE = 'ws-empty'
MAX_COUNT_REQUESTS = 6
MAX_COUNT_EXTRA_SECONDS = 0.3
# The rules of the role: the defaults (FAIL sessions fail it, which ws-100k holds, so it lists the first 20 of
# them for its message), and rules the big workspace passes (only counts are read).
ROLE_RULES = {
    'default rules (`fail_statuses: [FAIL]`)': {},
    'rules that pass (`fail_statuses: []`, `max_running: 1000000`)': {
        'session_check_fail_statuses': [], 'session_check_max_running': 1000000},
}


def module_play(bench: Bench, workspace: str, sessions: int, count_only: bool) -> list[dict[str, t.Any]]:
    options = {'workspace_id': workspace, 'endpoint': bench.base, 'auth_token': TOKEN}
    if count_only:
        options['count_only'] = True
        check = 'listing.total != %d or listing.sessions | length != 0' % sessions
    else:
        check = 'listing.sessions | default([]) | length != %d' % sessions
    return play([{'name': 'count' if count_only else 'list', 'dataarts.fabric.fabric_session_info': options,
                  'register': 'listing', 'failed_when': check}])


def role_play(bench: Bench, workspace: str, sessions: int, rules: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    """The role in a block; the play fails unless the role passed or failed as expected, with the right total."""
    should_fail = not rules and sessions > 0  # the generated workspaces of 10 sessions and more hold FAIL ones
    role_vars = dict({'session_check_workspace_id': workspace, 'session_check_endpoint': bench.base,
                      'session_check_auth_token': TOKEN}, **rules)
    return play([
        {'block': [{'name': 'check the workspace', 'ansible.builtin.include_role': {'name': 'dataarts.fabric.session_check'},
                    'vars': role_vars},
                   {'name': 'passed', 'ansible.builtin.set_fact': {'bench_outcome': 'passed'}}],
         'rescue': [{'name': 'failed', 'ansible.builtin.set_fact': {'bench_outcome': 'failed'}}]},
        {'name': 'the role answered as expected', 'ansible.builtin.assert': {'that': [
            "bench_outcome == '%s'" % ('failed' if should_fail else 'passed'),
            'session_check_result.total | int == %d' % sessions,
            'session_check_result.failed_rules == %s' % (['fail_statuses'] if should_fail else []),
        ]}},
    ])


def count_requests(bench: Bench, runner: t.Callable[[], t.Any], workspace: str) -> int:
    """Session list requests of one (untimed) run of the play, from the emulator's log."""
    bench.emulator.clear_log()
    runner()
    return sessions_requests(bench.emulator.logged_requests(), [workspace])


def measure(bench: Bench, big_workspace: str, big_sessions: int) -> dict[str, t.Any]:
    """At emulator latency 0: count_only big/empty (interleaved), a full listing of the big workspace, and the role
    big/empty for each set of rules (interleaved); requests counted from the emulator's log on an extra run."""
    previous_latency = bench.emulator.latency_ms
    bench.emulator.set_latency(0)
    try:
        count = {name: playbook_runner(bench, 'count-%s' % name, module_play(bench, workspace, sessions, True))
                 for name, workspace, sessions in (('big', big_workspace, big_sessions), ('empty', EMPTY_WORKSPACE, 0))}
        count_times = time_playbooks('count_only', count, bench.pair_repeat)
        listing = playbook_runner(bench, 'list-big', module_play(bench, big_workspace, big_sessions, False))
        listing_times = time_playbooks('full listing', {'big': listing}, bench.repeat)['big']
        requests = {'count big': count_requests(bench, count['big'], big_workspace),
                    'count empty': count_requests(bench, count['empty'], EMPTY_WORKSPACE),
                    'list big': count_requests(bench, listing, big_workspace)}
        roles = []
        for index, (label, rules) in enumerate(ROLE_RULES.items()):
            runners = {name: playbook_runner(bench, 'role-%d-%s' % (index, name), role_play(bench, workspace, sessions, rules))
                       for name, workspace, sessions in (('big', big_workspace, big_sessions),
                                                         ('empty', EMPTY_WORKSPACE, 0))}
            times = time_playbooks('role, %s' % label, runners, bench.pair_repeat)
            roles.append({'label': label, 'times': times,
                          'requests_big': count_requests(bench, runners['big'], big_workspace),
                          'requests_empty': count_requests(bench, runners['empty'], EMPTY_WORKSPACE)})
    finally:
        bench.emulator.set_latency(previous_latency)
    log('count_only requests: %s' % requests)
    return {'workspace': big_workspace, 'sessions': big_sessions, 'count': count_times, 'listing': listing_times,
            'requests': requests, 'roles': roles}


def extra_seconds(times: dict[str, PlaybookTimes]) -> float:
    return median(times['big'].wall) - median(times['empty'].wall)


def targets(results: dict[str, t.Any]) -> list[tuple[str, str, str, bool]]:
    where = '`count_only` on %s sessions' % thousands(results['sessions'])
    requests = results['requests']['count big']
    extra = extra_seconds(results['count'])
    return [
        ('%s: at most %d requests' % (where, MAX_COUNT_REQUESTS), '<= %d' % MAX_COUNT_REQUESTS,
         '%d requests' % requests, requests <= MAX_COUNT_REQUESTS),
        ('%s: the play less than %.1f s longer than against an empty workspace (latency 0)'
         % (where, MAX_COUNT_EXTRA_SECONDS), '< %.1f s' % MAX_COUNT_EXTRA_SECONDS, '%+.3f s' % extra,
         extra < MAX_COUNT_EXTRA_SECONDS),
    ]


def _row(label: str, times: PlaybookTimes, requests: int, reference: float | None = None) -> list[str]:
    wall = median(times.wall)
    return [label, str(len(times.wall)), fmt_seconds(wall), spread(times.wall), '%.2f' % median(times.cpu),
            str(requests), '' if reference is None else '%+.3f' % (wall - reference)]


def render(results: dict[str, t.Any]) -> list[str]:
    big, sessions = results['workspace'], thousands(results['sessions'])
    count, requests = results['count'], results['requests']
    empty_count = median(count['empty'].wall)
    header = ['play (one task, emulator latency 0)', 'runs', 'median s', 'min-max s', 'CPU s (median)',
              'list requests', 'vs the same against `%s` s' % EMPTY_WORKSPACE]
    out = ['', '## Counting without listing: `count_only` and the role (%s sessions, latency 0)' % sessions, '']
    out += table(header, [
        _row('`fabric_session_info` with `count_only: true` on `%s`' % EMPTY_WORKSPACE, count['empty'],
             requests['count empty']),
        _row('`fabric_session_info` with `count_only: true` on `%s`' % big, count['big'], requests['count big'],
             empty_count),
        _row('`fabric_session_info` listing every session of `%s`' % big, results['listing'], requests['list big'],
             empty_count),
    ])
    listing = median(results['listing'].wall)
    out += ['', '`count_only` on `%s` is %.1fx faster than listing it (%.3f s against %.3f s).'
            % (big, listing / median(count['big'].wall), median(count['big'].wall), listing), '']
    rows = []
    for role in results['roles']:
        empty = median(role['times']['empty'].wall)
        rows.append(_row('`dataarts.fabric.session_check`, %s, on `%s`' % (role['label'], EMPTY_WORKSPACE),
                         role['times']['empty'], role['requests_empty']))
        rows.append(_row('`dataarts.fabric.session_check`, %s, on `%s`' % (role['label'], big), role['times']['big'],
                         role['requests_big'], empty))
    out += table(['role play (emulator latency 0)'] + header[1:], rows)
    return out


def method(pair_repeat: int) -> str:
    return ('- Counting: the emulator latency is set to 0 for these plays (the target is stated without latency). The'
            ' plays against the big and the empty workspace run alternately, %d times each (`--pair-repeat`), and'
            ' their difference of medians is the figure; the full listing runs `--repeat` times. "list requests" are'
            ' the `GET /v1/workspaces/{id}/sessions` entries of the emulator\'s log (`GET /_emulator/log`) during one'
            ' more, untimed, run of the same play. The role play runs `dataarts.fabric.session_check` in a block and'
            ' fails unless the role passed or failed as expected (the generated workspace holds FAIL sessions, so the'
            ' default rules fail on it and list the first 20 of them for the message) with the right `total`.'
            % pair_repeat)
