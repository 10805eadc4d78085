# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""fabric_session through its real entry point against the emulator: results, diff, check mode, failures."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.dataarts.fabric.plugins.modules import fabric_session
from ansible_collections.dataarts.fabric.tests.emulator.fabric_emulator import FabricEmulator
from ansible_collections.dataarts.fabric.tests.unit.plugins.module_runner import run_module

TOKEN = 'emulator-token'
CONFIG = {'instance_id': 'lf-1', 'catalog': 'hive'}


@pytest.fixture(scope='module')
def emulator():
    with FabricEmulator() as emu:
        yield emu


def ago(minutes):
    moment = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=minutes)
    return moment.strftime('%Y-%m-%dT%H:%M:%S.000+00:00')


@pytest.fixture
def emu(emulator):
    emulator.reset()
    emulator.put_workspace('ws', sessions=[
        {'session_id': 'fresh', 'status': 'WAITING', 'create_time': ago(5)},
        {'session_id': 'stuck', 'status': 'WAITING', 'create_time': ago(45)},
        {'session_id': 'stuck-too', 'status': 'CREATING', 'create_time': ago(50)},
        {'session_id': 'busy', 'status': 'RUNNING', 'create_time': ago(90),
         'endpoint_info': {'id': 'ep-1', 'name': 'one'}},
        {'session_id': 'gone', 'status': 'CLOSED', 'create_time': ago(120)},
        {'session_id': 'no-time', 'status': 'WAITING', 'create_time': 'sometime'}])
    yield emulator


def run(capsys, emu, **args):
    return run_module(capsys, module=fabric_session, endpoint=emu.url, auth_token=TOKEN, workspace_id='ws',
                      retries=0, **args)


def statuses(emu):
    return {session['session_id']: session['status'] for session in emu.sessions('ws')}


def methods(emu):
    return [entry['method'] for entry in emu.requests_log()]


def test_closing_one_session_twice_changes_it_once(capsys, emu):
    first = run(capsys, emu, state='absent', session_id='busy', _ansible_diff=True)
    assert first['rc'] == 0 and first['changed'] is True
    assert first['sessions'] == [{'session_id': 'busy', 'status': 'CLOSED'}]
    assert first['diff'] == {'before': {'sessions': {'busy': 'RUNNING'}}, 'after': {'sessions': {'busy': 'CLOSED'}}}
    emu.clear_log()
    again = run(capsys, emu, state='absent', session_id='busy')
    assert again['changed'] is False and methods(emu) == ['GET']


def test_check_mode_says_what_would_be_closed_and_sends_no_delete(capsys, emu):
    result = run(capsys, emu, state='absent', status=['WAITING', 'CREATING'], older_than='30m',
                 _ansible_check_mode=True, _ansible_diff=True)
    assert result['changed'] is True
    assert [s['session_id'] for s in result['sessions']] == ['stuck', 'stuck-too']
    assert result['diff']['after'] == {'sessions': {'stuck': 'CLOSED', 'stuck-too': 'CLOSED'}}
    assert set(methods(emu)) == {'GET'} and statuses(emu)['stuck'] == 'WAITING'
    warnings = [w['event']['msg'] if isinstance(w, dict) else w for w in result['warnings']]
    assert any("'no-time'" in warning for warning in warnings)


def test_closing_by_status_and_age_leaves_the_young_and_the_unreadable(capsys, emu):
    result = run(capsys, emu, state='absent', status=['WAITING', 'CREATING'], older_than=1800)
    assert result['changed'] is True
    assert [(s['session_id'], s['status']) for s in result['sessions']] == [('stuck', 'CLOSED'), ('stuck-too', 'CLOSED')]
    assert statuses(emu) == {'fresh': 'WAITING', 'stuck': 'CLOSED', 'stuck-too': 'CLOSED', 'busy': 'RUNNING',
                             'gone': 'CLOSED', 'no-time': 'WAITING'}
    assert methods(emu).count('DELETE') == 2


def test_closing_by_endpoint_without_a_status_closes_every_open_session_of_it(capsys, emu):
    result = run(capsys, emu, state='absent', endpoint_id='ep-1')
    assert [s['session_id'] for s in result['sessions']] == ['busy'] and result['changed'] is True
    queried = [entry['raw_query'] for entry in emu.requests_log() if entry['method'] == 'GET' and entry['raw_query']]
    assert sorted(q.rsplit('status=', 1)[1] for q in queried) == ['CREATING', 'FAIL', 'RUNNING', 'WAITING']


def test_keep_or_create(capsys, emu):
    kept = run(capsys, emu, endpoint_id='ep-1', lake_formation_config=CONFIG)
    assert kept['changed'] is False and [s['session_id'] for s in kept['sessions']] == ['busy']
    created = run(capsys, emu, endpoint_id='ep-2', lake_formation_config=CONFIG, wait_timeout=30, wait_sleep=0.01,
                  _ansible_diff=True)
    [session] = created['sessions']
    assert created['changed'] is True and session['status'] == 'RUNNING'
    assert created['diff'] == {'before': {'sessions': {}}, 'after': {'sessions': {session['session_id']: 'RUNNING'}}}
    again = run(capsys, emu, endpoint_id='ep-2', lake_formation_config=CONFIG)
    assert again['changed'] is False and again['sessions'][0]['session_id'] == session['session_id']


def test_a_failed_creation_fails_the_task_naming_the_session(capsys, emu):
    emu.configure_lifecycle({'fail_endpoints': ['ep-9']})
    result = run(capsys, emu, endpoint_id='ep-9', lake_formation_config=CONFIG, wait_timeout=30, wait_sleep=0.01)
    [session] = result['sessions']
    assert result['failed'] is True and result['changed'] is True and session['status'] == 'FAIL'
    assert result['msg'].startswith('created session %s on endpoint ep-9, but it is not RUNNING' % session['session_id'])


def test_a_failure_partway_reports_closed_and_not_closed(capsys, emu):
    emu.add_fault(kind='status', status=403, path='/v1/workspaces/ws/sessions/stuck-too')
    result = run(capsys, emu, state='absent', status=['WAITING', 'CREATING'], older_than='30m', concurrency=1)
    assert result['failed'] is True and result['changed'] is True
    assert (result['closed'], result['not_closed'], result['status_code']) == (['stuck'], ['stuck-too'], 403)
    assert result['msg'].startswith('closed 1 of 2 sessions of workspace ws (stuck); not closed: stuck-too, and 0')
    assert TOKEN not in str(result)


@pytest.mark.parametrize('args, message', [
    (dict(state='absent'), 'state=absent without session_id closes every session that matches the filters'),
    (dict(state='absent', older_than='soon'), 'older_than must be a whole number of seconds'),
    (dict(state='present', endpoint_id='ep-1'), 'state=present needs lake_formation_config'),
    (dict(state='absent', count_only=True), 'module: count_only. Supported parameters include'),
    (dict(state='absent', max_results=1), 'module: max_results. Supported parameters include'),
])
def test_options_are_checked_before_any_request(capsys, emu, args, message):
    result = run(capsys, emu, **args)
    assert result['failed'] is True and message in result['msg']
    assert emu.requests_log() == []
