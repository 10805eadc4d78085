# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.dataarts.fabric.plugins.module_utils._config.loader import load_config
from ansible_collections.dataarts.fabric.plugins.module_utils._config.types import Query
from ansible_collections.dataarts.fabric.plugins.module_utils._errors import FabricError
from ansible_collections.dataarts.fabric.plugins.module_utils._watch.poll import (
    LOOKUPS_PER_POLL_MAX,
    fetch,
    watched_statuses,
)
from ansible_collections.dataarts.fabric.plugins.module_utils._http.factory import open_client
from ansible_collections.dataarts.fabric.tests.emulator.fabric_emulator import FabricEmulator

TOKEN = 'watch-token'


@pytest.fixture
def emu():
    with FabricEmulator(tokens=[TOKEN]) as emulator:
        yield emulator


@pytest.fixture
def client(emu):
    config = load_config({'endpoint': emu.url, 'auth_token': TOKEN, 'retries': 0, 'timeout': 5, 'validate_certs': True,
                          'allow_plain_http': False, 'retry_backoff': 0.1, 'page_size': 100, 'concurrency': 2}, {})
    with open_client(config.connection, 'test') as opened:
        yield opened


def list_requests(emu):
    return [dict(entry['query']) for entry in emu.requests_log() if entry['path'].endswith('/sessions')]


def test_watched_statuses():
    assert watched_statuses(Query()) == ('RUNNING', 'WAITING', 'CREATING', 'FAIL')
    assert watched_statuses(Query(statuses=('FAIL', 'CLOSED'))) == ('FAIL', 'CLOSED')


def test_closed_history_is_never_listed_and_a_vanished_session_is_asked_for_by_id(emu, client):
    history = [{'session_id': 'old-%d' % number, 'status': 'CLOSED'} for number in range(300)]
    emu.put_workspace('ws-w', sessions=[{'session_id': 'live', 'status': 'RUNNING'}] + history)
    first = fetch(client, 'ws-w', Query(), None, print)
    assert [session['session_id'] for session in first.sessions] == ['live']
    assert first.looked_up == {}
    assert sorted(request.get('status') for request in list_requests(emu)) == ['CREATING', 'FAIL', 'RUNNING', 'WAITING']

    emu.clear_log()
    emu.add_fault(kind='transition', workspace_id='ws-w', session_id='live', to='CLOSED')
    second = fetch(client, 'ws-w', Query(), {'live': 'RUNNING'}, print)
    assert second.sessions == []
    assert second.looked_up['live']['status'] == 'CLOSED'
    lookups = [request for request in list_requests(emu) if 'session_id' in request]
    assert lookups == [{'session_id': 'live', 'limit': '1', 'offset': '0'}]
    assert len(list_requests(emu)) == 5


def test_lookups_per_poll_are_capped(emu, client):
    emu.put_workspace('ws-w', sessions=[{'session_id': 'keep', 'status': 'RUNNING'}])
    previous = {'gone-%d' % number: 'RUNNING' for number in range(LOOKUPS_PER_POLL_MAX + 5)}
    result = fetch(client, 'ws-w', Query(), previous, print)
    assert len(result.looked_up) == LOOKUPS_PER_POLL_MAX
    assert set(result.looked_up.values()) == {None}
    assert len(list_requests(emu)) == 4 + LOOKUPS_PER_POLL_MAX


def test_a_failed_poll_raises_and_the_retry_record_does_not_grow(emu):
    config = load_config({'endpoint': emu.url, 'auth_token': TOKEN, 'retries': 2, 'retry_backoff': 0.01,
                          'timeout': 5, 'validate_certs': True, 'allow_plain_http': False, 'page_size': 100,
                          'concurrency': 1}, {})
    emu.put_workspace('ws-w', sessions=[])
    warnings = []
    with open_client(config.connection, 'test') as client:
        emu.add_fault(kind='status', status=503, count=100)
        with pytest.raises(FabricError) as failed:
            fetch(client, 'ws-w', Query(statuses=('RUNNING',)), None, warnings.append)
        assert failed.value.status == 503
        assert client.retry_events == []
    assert len(warnings) == 2 and all('HTTP 503' in warning for warning in warnings)
