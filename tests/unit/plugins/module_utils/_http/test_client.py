# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""POST and DELETE through the client: which failures send them again, against the emulator over real HTTP (and
``responses`` for the answers the emulator does not give)."""

from __future__ import annotations

import json
import socket

import pytest
import responses

from ansible_collections.dataarts.fabric.plugins.module_utils._errors import FabricError
from ansible_collections.dataarts.fabric.plugins.module_utils._http.identity import AkSkIdentity, TokenIdentity
from ansible_collections.dataarts.fabric.tests.emulator.fabric_emulator import FabricEmulator
from ansible_collections.dataarts.fabric.tests.unit.plugins.clients import make_client

SESSIONS = '/v1/workspaces/ws-demo/sessions'
CREATE = {'endpoint_id': 'ep-new', 'lake_formation_config': {'instance_id': 'lf-1', 'catalog': 'hive'},
          'wait_timeout': 300}


@pytest.fixture(scope='module')
def emulator():
    with FabricEmulator() as emu:
        yield emu


@pytest.fixture
def emu(emulator):
    emulator.reset()
    yield emulator


def client_for(url, retries=3, timeout=5.0, identity=None):
    return make_client(url, identity or TokenIdentity('emulator-token'), retries=retries, timeout=timeout,
                       backoff=0.01)


def posts(emu):
    return [entry for entry in emu.requests_log() if entry['method'] == 'POST']


def created(emu):
    return [s for s in emu.sessions('ws-demo') if s['endpoint_info']['id'] == 'ep-new']


@pytest.mark.parametrize('status', [408, 500, 502, 504])
def test_a_create_is_not_sent_again_after_an_answer_that_may_follow_the_creation(emu, status):
    emu.add_fault(kind='status', status=status, count=3, path=SESSIONS)
    with client_for(emu.url) as client, pytest.raises(FabricError) as caught:
        client.post_json(SESSIONS, CREATE)
    assert caught.value.status == status
    assert len(posts(emu)) == 1 and client.retry_warnings() == []


@pytest.mark.parametrize('status', [429, 503])
def test_a_create_turned_away_by_the_gateway_is_sent_again(emu, status):
    emu.add_fault(kind='status', status=status, count=2, path=SESSIONS)
    with client_for(emu.url) as client:
        answer = client.post_json(SESSIONS, CREATE)
        assert len(client.retry_warnings()) == 2
    assert answer.data['status'] == 'CREATING'
    assert len(posts(emu)) == 3 and len(created(emu)) == 1


def test_a_create_that_timed_out_is_not_sent_again(emu):
    emu.add_fault(kind='delay', seconds=1.5, count=3, path=SESSIONS)
    with client_for(emu.url, timeout=0.5) as client, pytest.raises(FabricError, match='timed out'):
        client.post_json(SESSIONS, CREATE)
    assert len(posts(emu)) == 1 and client.retry_warnings() == []


def test_a_create_whose_connection_dropped_is_not_sent_again(emu):
    emu.add_fault(kind='drop', count=3, path=SESSIONS)
    with client_for(emu.url) as client, pytest.raises(FabricError):
        client.post_json(SESSIONS, CREATE)
    assert len(posts(emu)) == 1


def test_a_create_that_found_no_server_is_sent_again():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
    with client_for('http://127.0.0.1:%d' % port, retries=2) as client:
        with pytest.raises(FabricError, match='connection refused'):
            client.post_json(SESSIONS, CREATE)
        assert len(client.retry_warnings()) == 2


def test_a_close_is_sent_again_like_a_read(emu):
    path = '%s/%s' % (SESSIONS, emu.sessions('ws-demo')[0]['session_id'])
    emu.add_fault(kind='status', status=500, count=1, path=path)
    with client_for(emu.url) as client:
        assert client.delete_json(path).data is None  # 200 with an empty body
    assert [entry['status'] for entry in emu.requests_log()] == [500, 200]


def test_a_signed_create_signs_its_body(emu):
    identity = AkSkIdentity('EMULATORAK', 'EMULATORSK', project_id='0a1b2c3d')
    with client_for(emu.url, identity=identity) as client:
        answer = client.post_json(SESSIONS, CREATE)
    assert answer.data['status'] == 'CREATING'
    assert emu.requests_log()[0]['headers']['Content-Type'] == 'application/json'


def test_a_signed_create_with_another_body_is_refused(emu, monkeypatch):
    identity = AkSkIdentity('EMULATORAK', 'EMULATORSK', project_id='0a1b2c3d')
    signed = identity.headers_for
    monkeypatch.setattr(identity, 'headers_for', lambda method, url, body=b'': signed(method, url, b'{}'))
    with client_for(emu.url, identity=identity, retries=0) as client, pytest.raises(FabricError) as caught:
        client.post_json(SESSIONS, CREATE)
    assert caught.value.status == 401 and caught.value.error_code == 'APIG.0301'


@pytest.mark.parametrize('status, body, data', [(200, '', None), (204, '', None), (200, '{}', {}),
                                                (202, '{"job_id": "x"}', {'job_id': 'x'})])
def test_every_success_of_a_close_is_taken_whatever_its_body(mock, status, body, data):
    mock.add(responses.DELETE, 'https://fabric.example.test%s/s-1' % SESSIONS, status=status, body=body)
    with client_for('https://fabric.example.test') as client:
        assert client.delete_json(SESSIONS + '/s-1').data == data


def test_a_read_with_an_empty_body_is_still_refused(mock):
    mock.add(responses.GET, 'https://fabric.example.test%s/s-1' % SESSIONS, status=200, body='')
    with client_for('https://fabric.example.test') as client, pytest.raises(FabricError, match='not JSON'):
        client.get_json(SESSIONS + '/s-1')


def test_the_create_body_is_sent_as_json(mock):
    mock.add(responses.POST, 'https://fabric.example.test%s' % SESSIONS, json={'session_id': 's-2'})
    with client_for('https://fabric.example.test') as client:
        client.post_json(SESSIONS, CREATE)
    request = mock.calls[0].request
    assert json.loads(request.body) == CREATE and request.headers['Content-Type'] == 'application/json'
