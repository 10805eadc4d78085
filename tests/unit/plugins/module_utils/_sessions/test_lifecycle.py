# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Show, close and create one session: both plausible answers where the vendor is silent, against the emulator
(``responses`` for the answers it never gives)."""

from __future__ import annotations

import pytest
import responses

from ansible_collections.dataarts.fabric.plugins.module_utils._errors import FabricError
from ansible_collections.dataarts.fabric.plugins.module_utils._http.identity import TokenIdentity
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.lifecycle import (
    close_session,
    create_session,
    service_wait,
    show_session,
)
from ansible_collections.dataarts.fabric.tests.emulator.fabric_emulator import FabricEmulator
from ansible_collections.dataarts.fabric.tests.unit.plugins.clients import make_client
from ansible_collections.dataarts.fabric.tests.unit.plugins.fake_fabric import session_query

CONFIG = {'instance_id': 'lf-1', 'catalog': 'hive'}
FAKE = 'https://fabric.example.test/v1/workspaces/ws/sessions'


@pytest.fixture(scope='module')
def emulator():
    with FabricEmulator() as emu:
        yield emu


@pytest.fixture
def emu(emulator):
    emulator.reset()
    emulator.put_workspace('ws', sessions=[
        {'session_id': 'run-1', 'status': 'RUNNING', 'endpoint_info': {'id': 'ep-1', 'name': 'one'}},
        {'session_id': 'closed-1', 'status': 'CLOSED', 'endpoint_info': {'id': 'ep-1', 'name': 'one'}}])
    yield emulator


def client_of(url, retries=0):
    return make_client(url, TokenIdentity('emulator-token'), retries=retries, backoff=0.01)


def calls(emu):
    return [(entry['method'], entry['path'].rsplit('/', 1)[-1], entry['status']) for entry in emu.requests_log()]


def test_show_answers_the_session(emu):
    with client_of(emu.url) as client, client.call():
        assert show_session(client, session_query('ws'), 'run-1') == {'session_id': 'run-1', 'status': 'RUNNING'}


def test_an_unknown_session_is_told_apart_from_an_unknown_workspace_by_a_listing(emu):
    with client_of(emu.url) as client, client.call():
        assert show_session(client, session_query('ws'), 'nobody') is None
        with pytest.raises(FabricError, match='check workspace_id ws-none') as caught:
            show_session(client, session_query('ws-none'), 'run-1')
    assert caught.value.status == 404
    assert calls(emu) == [('GET', 'nobody', 404), ('GET', 'sessions', 200), ('GET', 'run-1', 404),
                          ('GET', 'sessions', 404)]


def test_close_takes_the_close_and_reads_nothing_more(emu):
    with client_of(emu.url) as client, client.call():
        assert close_session(client, session_query('ws'), 'run-1') is True
    assert calls(emu) == [('DELETE', 'run-1', 200)]
    assert emu.sessions('ws')[0]['status'] == 'CLOSED'


@pytest.mark.parametrize('answer', ['ok', 'error'])
def test_closing_a_closed_session_is_no_change_whichever_way_the_service_answers(emu, answer):
    emu.configure_lifecycle({'closed_answer': answer})
    with client_of(emu.url) as client, client.call():
        changed = close_session(client, session_query('ws'), 'closed-1')
    # "ok": the service took it (nothing tells the two apart); "error": read back, it is CLOSED already
    assert changed is (answer == 'ok')
    assert calls(emu)[-1] == (('DELETE', 'closed-1', 200) if answer == 'ok' else ('GET', 'closed-1', 200))


def test_closing_an_unknown_session_is_no_change(emu):
    with client_of(emu.url) as client, client.call():
        assert close_session(client, session_query('ws'), 'nobody') is False


@pytest.mark.parametrize('status', [400, 409])
def test_a_refused_close_of_a_session_still_open_fails_saying_its_status(mock, status):
    mock.add(responses.DELETE, FAKE + '/run-1', status=status, json={'error_code': 'X.1', 'error_msg': 'busy'})
    mock.add(responses.GET, FAKE + '/run-1', json={'session_id': 'run-1', 'status': 'RUNNING'})
    with client_of('https://fabric.example.test') as client, client.call(), pytest.raises(FabricError) as caught:
        close_session(client, session_query('ws'), 'run-1')
    assert caught.value.status == status and str(caught.value).startswith('DELETE https://fabric.example.test')
    assert '(the session is RUNNING)' in str(caught.value)


@pytest.mark.parametrize('answer', ['short', 'full'])
def test_create_takes_the_documented_answer_or_a_whole_session(emu, answer):
    emu.configure_lifecycle({'create_answer': answer})
    with client_of(emu.url) as client, client.call():
        created = create_session(client, session_query('ws'), 'ep-1', CONFIG, 60)
    assert created['status'] == 'CREATING' and created['session_id'] in [s['session_id'] for s in emu.sessions('ws')]
    assert ('endpoint_info' in created) is (answer == 'full')


@pytest.mark.parametrize('body', [{'session_id': 'new-1'}, {'session_id': 'new-1', 'status': 'WAITING', 'x': 1}])
def test_create_takes_an_answer_without_a_status_or_with_more_fields(mock, body):
    mock.add(responses.POST, FAKE, json=body)
    with client_of('https://fabric.example.test') as client, client.call():
        assert create_session(client, session_query('ws'), 'ep-1', CONFIG, 60) == body


@pytest.mark.parametrize('body, problem', [({}, "no usable session_id (None)"), ({'session_id': 'a/b'}, "'a/b'"),
                                           ([], 'a JSON list'), (None, 'an empty body')])
def test_a_create_answer_without_a_session_id_says_a_session_may_exist(mock, body, problem):
    mock.add(responses.POST, FAKE, body='' if body is None else None, json=body if body is not None else None)
    with client_of('https://fabric.example.test') as client, client.call(), pytest.raises(FabricError) as caught:
        create_session(client, session_query('ws'), 'ep-1', CONFIG, 60)
    assert problem in str(caught.value)
    assert 'a session may have been created, list the sessions of endpoint ep-1' in str(caught.value)


@pytest.mark.parametrize('status, maybe', [(500, True), (504, True), (400, False), (403, False)])
def test_a_failed_create_says_whether_a_session_may_exist_all_the_same(emu, status, maybe):
    emu.add_fault(kind='status', status=status, path='/v1/workspaces/ws/sessions')
    with client_of(emu.url, retries=3) as client, client.call(), pytest.raises(FabricError) as caught:
        create_session(client, session_query('ws'), 'ep-1', CONFIG, 60)
    assert ('may have created the session all the same' in str(caught.value)) is maybe
    assert [entry['method'] for entry in emu.requests_log()] == ['POST']


@pytest.mark.parametrize('timeout, sent', [(0, 300), (60, 300), (600.5, 601), (86400, 7200)])
def test_the_services_own_wait_timeout_stays_in_its_range(timeout, sent):
    assert service_wait(timeout) == sent
