# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""state=present against the emulator: a RUNNING session kept, else one created and waited for; a creation that
ends FAIL or does not end in time fails naming the new session and its last status."""

from __future__ import annotations

import pytest

from ansible_collections.dataarts.fabric.plugins.module_utils._config.types import Query
from ansible_collections.dataarts.fabric.plugins.module_utils._errors import FabricError
from ansible_collections.dataarts.fabric.plugins.module_utils._http.identity import TokenIdentity
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions import keeping
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.act import run_lifecycle
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.lifecycle_settings import lifecycle_settings
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.report import Outcome
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.result import SessionListing
from ansible_collections.dataarts.fabric.tests.emulator.fabric_emulator import FabricEmulator
from ansible_collections.dataarts.fabric.tests.unit.plugins.clients import make_client

CONFIG = {'instance_id': 'lf-1', 'catalog': 'hive'}


@pytest.fixture(scope='module')
def emulator():
    with FabricEmulator() as emu:
        yield emu


@pytest.fixture
def emu(emulator):
    emulator.reset()
    emulator.put_workspace('ws', sessions=[
        {'session_id': 'old-run', 'status': 'RUNNING', 'create_time': '2025-07-01T00:00:00.000+00:00',
         'endpoint_info': {'id': 'ep-1', 'name': 'one'}},
        {'session_id': 'new-run', 'status': 'RUNNING', 'create_time': '2025-07-02T00:00:00.000+00:00',
         'endpoint_info': {'id': 'ep-1', 'name': 'one'}},
        {'session_id': 'stuck', 'status': 'CREATING', 'endpoint_info': {'id': 'ep-2', 'name': 'two'}}])
    yield emulator


def present(emu, check_mode=False, endpoint_id='ep-2', wait_timeout=30, wait_sleep=0.01):
    settings = lifecycle_settings(dict(state='present', workspace_id='ws', lake_formation_config=CONFIG,
                                       wait_timeout=wait_timeout, wait_sleep=wait_sleep), Query(endpoint_id=endpoint_id))
    outcome = Outcome(check_mode=check_mode)
    warnings = []
    with make_client(emu.url, TokenIdentity('emulator-token'), retries=0) as client:
        try:
            run_lifecycle(client, settings, outcome, warnings.append)
        except FabricError as exc:
            return outcome, exc
    return outcome, None


def requests(emu):
    return [(entry['method'], entry['raw_query']) for entry in emu.requests_log()]


def test_the_newest_running_session_is_kept_with_one_request(emu):
    outcome, error = present(emu, endpoint_id='ep-1')
    assert error is None and not outcome.changed
    assert [change.session_id for change in outcome.changes] == ['new-run']
    assert requests(emu) == [('GET', 'endpoint_id=ep-1&limit=1&offset=0&status=RUNNING')]


def test_without_a_running_session_one_is_created_and_waited_for(emu):
    outcome, error = present(emu)
    assert error is None and outcome.changed
    [change] = outcome.changes
    assert change.before is None and change.after['status'] == 'RUNNING'
    assert change.after['endpoint_info'] == {'id': 'ep-2', 'name': 'two'} and 'create_time' in change.after
    methods = [method for method, _query in requests(emu)]
    assert methods == ['GET', 'POST', 'GET', 'GET']  # read, create, two polls (CREATING, then RUNNING)
    assert emu.sessions('ws')[0]['session_id'] == change.session_id


def test_check_mode_reports_a_creation_and_sends_no_post(emu):
    outcome, error = present(emu, check_mode=True)
    assert error is None and outcome.changed
    assert outcome.diff() == {'before': {'sessions': {}}, 'after': {'sessions': {'(new session)': 'RUNNING'}}}
    assert [method for method, _query in requests(emu)] == ['GET']


def test_a_creation_that_ends_fail_names_the_new_session_and_its_status(emu):
    emu.configure_lifecycle({'fail_endpoints': ['ep-2']})
    outcome, error = present(emu)
    session_id = outcome.changes[0].session_id
    assert str(error).startswith('created session %s on endpoint ep-2, but it is not RUNNING: session %s of'
                                 ' workspace ws is FAIL, a status it never leaves' % (session_id, session_id))
    assert outcome.changed and outcome.changes[0].after['status'] == 'FAIL'


def test_a_creation_that_does_not_end_in_time_names_its_last_status(emu):
    emu.configure_lifecycle({'creation_reads': 1000})
    outcome, error = present(emu, wait_timeout=0.05, wait_sleep=0.02)
    session_id = outcome.changes[0].session_id
    assert str(error).startswith('created session %s on endpoint ep-2, but it is not RUNNING: session %s of'
                                 ' workspace ws did not reach RUNNING within 0.05 s (wait_timeout)'
                                 % (session_id, session_id))
    assert str(error).endswith('last status seen: CREATING')
    assert '(wait_status)' not in str(error)


def test_past_the_session_limit_the_new_session_waits_and_the_task_says_so(emu):
    emu.configure_lifecycle({'session_limit': 2, 'creation_reads': 1000})
    outcome, error = present(emu, wait_timeout=0)
    assert 'last status seen: WAITING' in str(error)
    assert outcome.changes[0].after['status'] == 'WAITING'


def test_a_partial_listing_with_no_running_session_creates_nothing(emu, monkeypatch):
    monkeypatch.setattr(keeping, 'list_sessions', lambda *args, **kwargs: SessionListing(partial=True, total=3))
    outcome, error = present(emu)
    assert 'refusing to create a session on endpoint ep-2 of workspace ws' in str(error)
    assert emu.requests_log() == [] and outcome.changes == []
