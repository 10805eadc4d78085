# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The module says whether its listing is whole (complete, missing, a warning naming both numbers), lists whole
against a service counting pages, and takes endpoint_name: against the in-process emulator."""

from __future__ import annotations

import pytest

from ansible_collections.dataarts.fabric.tests.emulator.fabric_emulator import FabricEmulator
from ansible_collections.dataarts.fabric.tests.unit.plugins.module_runner import run_module

PROD = '0d3e5a10-1111-4e2a-9c1d-000000000001'


@pytest.fixture(scope='module')
def emulator():
    with FabricEmulator(workspaces={'ws-437': 437}) as emu:
        yield emu


@pytest.fixture
def emu(emulator):
    emulator.reset()
    return emulator


def module(capsys, emu, **args):
    result = run_module(capsys, endpoint=emu.url, auth_token='emulator-token', retries=0, **args)
    result['warnings'] = [w['event']['msg'] if isinstance(w, dict) else w for w in result.get('warnings', [])]
    return result


@pytest.mark.parametrize('mode', ['records', 'pages0', 'pages1'])
def test_every_session_whatever_the_offset_counts(capsys, emu, mode):
    emu.set_offsets(mode)
    result = module(capsys, emu, workspace_id='ws-437')
    assert result['sessions'] == emu.sessions('ws-437')
    assert (result['total'], result['complete'], result['missing'], result['warnings']) == (437, True, 0, [])


def test_a_listing_that_is_not_whole_says_so_naming_both_numbers(capsys, emu):
    emu.add_fault(kind='lie_total', workspace_id='ws-demo', total=500, count=10)
    result = module(capsys, emu, workspace_id='ws-demo')
    assert result['rc'] == 0 and len(result['sessions']) == 40
    assert (result['complete'], result['missing']) == (False, 460)
    assert [w for w in result['warnings'] if 'not whole' in w] == [
        'the session list of workspace ws-demo is not whole: the service counts 500 sessions but its pages held 40'
        ' (460 not seen): its pages ended before the service\'s total (sessions may have been closed while it was'
        ' listed, or the service counts what it does not list)']


def test_a_status_closing_while_it_is_paged_is_read_again(capsys, emu):
    running = [s for s in emu.sessions('ws-437') if s['status'] == 'RUNNING']
    emu.add_fault(kind='move_status', workspace_id='ws-437', **{'from': 'RUNNING', 'to': 'CLOSED'})
    result = module(capsys, emu, workspace_id='ws-437', status=['RUNNING'], page_size=50)
    assert result['sessions'] == running[1:] and result['complete'] and result['warnings'] == []


def test_count_only_is_whole_by_definition(capsys, emu):
    emu.add_fault(kind='lie_total', workspace_id='ws-demo', total=500, count=10)
    result = module(capsys, emu, workspace_id='ws-demo', count_only=True)
    assert (result['complete'], result['missing'], result['sessions']) == (True, 0, [])


def test_sessions_of_an_endpoint_by_name(capsys, emu):
    result = module(capsys, emu, workspace_id='ws-demo', endpoint_name='Fabric Prod.eu')
    assert result['sessions'] == [s for s in emu.sessions('ws-demo') if s['endpoint_info']['id'] == PROD]
    paths = [entry['path'] for entry in emu.requests_log()]
    assert paths[0].endswith('/endpoints') and paths[-1].endswith('/sessions')


@pytest.mark.parametrize('args,message', [
    ({'endpoint_name': 'nope'}, 'no SQL endpoint of workspace ws-demo is named nope'),
    ({'endpoint_name': 'adhoc-analytics_01'}, '(visibility PUBLIC, owner another-team)'),
    ({'endpoint_name': 'x', 'endpoint_id': 'ep-1'}, 'endpoint_id and endpoint_name are mutually exclusive'),
])
def test_an_endpoint_name_that_does_not_name_one_endpoint_fails(capsys, emu, args, message):
    result = module(capsys, emu, workspace_id='ws-demo', **args)
    assert result['failed'] is True and message in result['msg']
    assert not [entry for entry in emu.requests_log() if entry['path'].endswith('/sessions')]


def test_the_wait_resolves_the_name_once(capsys, emu):
    emu.add_session('ws-demo', {'session_id': 'waited', 'status': 'CREATING',
                                'endpoint_info': {'id': PROD, 'name': 'Fabric Prod.eu'}})
    emu.add_fault(kind='transition', workspace_id='ws-demo', session_id='waited', to='RUNNING', after=2)
    result = module(capsys, emu, workspace_id='ws-demo', session_id='waited', endpoint_name='Fabric Prod.eu',
                    wait_status=['RUNNING'], wait_sleep=0.01, wait_timeout=30)
    assert result['wait']['reached'] and result['wait']['polls'] == 3
    paths = [entry['path'].rsplit('/', 1)[1] for entry in emu.requests_log()]
    assert paths == ['endpoints', 'sessions', 'sessions', 'sessions']
