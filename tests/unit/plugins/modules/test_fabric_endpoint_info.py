# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""fabric_endpoint_info through its entry point, against the in-process emulator."""

from __future__ import annotations

import pytest

from ansible_collections.dataarts.fabric.plugins.modules import fabric_endpoint_info
from ansible_collections.dataarts.fabric.tests.emulator.fabric_emulator import FabricEmulator
from ansible_collections.dataarts.fabric.tests.unit.plugins.module_runner import run_main


@pytest.fixture(scope='module')
def emulator():
    with FabricEmulator(tokens=['t0ken-ep']) as emu:
        yield emu


@pytest.fixture
def emu(emulator):
    emulator.reset()
    return emulator


def endpoint_info(capsys, emu, **args):
    result = run_main(capsys, fabric_endpoint_info.main, endpoint=emu.url, auth_token='t0ken-ep', retries=0, **args)
    result['warnings'] = [w['event']['msg'] if isinstance(w, dict) else w for w in result.get('warnings', [])]
    return result


def test_every_sql_endpoint_with_its_status_over_every_page(capsys, emu):
    result = endpoint_info(capsys, emu, workspace_id='ws-demo', page_size=2)
    assert result['rc'] == 0 and result['changed'] is False
    assert [(e['name'], e['status'], e['visibility']) for e in result['endpoints']] == [
        ('daten_M\u00fcller 2', 'RUNNING', 'PRIVATE'), ('Fabric Prod.eu', 'RUNNING', 'PRIVATE'),
        ('adhoc-analytics_01', 'RUNNING', 'PRIVATE'), ('adhoc-analytics_01', 'RUNNING', 'PUBLIC'),
        ('archive 2024', 'INACTIVE', 'PRIVATE')]
    assert (result['total'], result['complete'], result['missing'], result['warnings']) == (5, True, 0, [])
    assert len(emu.requests_log()) == 3


@pytest.mark.parametrize('name,ids', [
    ('Fabric Prod.eu', ['0d3e5a10-1111-4e2a-9c1d-000000000001']),
    ('adhoc-analytics_01', ['0d3e5a10-3333-4e2a-9c1d-000000000003', '0d3e5a10-4444-4e2a-9c1d-000000000004']),
    ('archive', []),
])
def test_endpoint_name_narrows_to_the_exact_name(capsys, emu, name, ids):
    result = endpoint_info(capsys, emu, workspace_id='ws-demo', endpoint_name=name)
    assert result['rc'] == 0 and [e['id'] for e in result['endpoints']] == ids


def test_pages_counted_from_one(capsys, emu):
    emu.set_offsets('pages1')
    emu.put_endpoints('ws-ep', [{'name': 'ep %d' % index} for index in range(23)])
    result = endpoint_info(capsys, emu, workspace_id='ws-ep', page_size=5)
    assert [e['name'] for e in result['endpoints']] == ['ep %d' % index for index in range(23)]
    assert result['complete'] and result['warnings'] == []


@pytest.mark.parametrize('args,message', [
    ({'workspace_id': 'nope'}, 'HTTP 404'),
    ({'workspace_id': 'a/b'}, 'workspace_id must be 1 to 36 characters'),
    ({'workspace_id': 'ws-demo', 'page_size': 0}, 'page_size must be between 1 and 100'),
    ({'workspace_id': 'ws-demo', 'status': ['RUNNING']}, 'Unsupported parameters'),
])
def test_failures(capsys, emu, args, message):
    result = endpoint_info(capsys, emu, **args)
    assert result['failed'] is True and message in result['msg']
    assert 't0ken-ep' not in str(result)
