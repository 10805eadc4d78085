# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The module's wait_status through its real entry point, HTTP mocked at the transport."""

from __future__ import annotations

import pytest
import responses

from ansible_collections.dataarts.fabric.tests.unit.plugins.module_runner import run_module
from ansible_collections.dataarts.fabric.tests.unit.plugins.fake_fabric import ENDPOINT, URL_PATTERN, FakeFabric

CONNECTION = dict(endpoint=ENDPOINT, auth_token='iam-token-x1', retries=0)
WAIT_KEYS = ('session_id', 'statuses', 'polls', 'found', 'final_status', 'reached', 'outcome')


def scripted(mock, statuses):
    """A workspace whose session sess-1 takes the statuses in turn, one per list request (the last stays)."""
    session = {'session_id': 'sess-1', 'status': statuses[0], 'endpoint_info': {'id': 'ep-1', 'name': 'ep one'}}
    fake = FakeFabric(mock, {'ws-1': [session, {'session_id': 'other', 'status': 'FAIL',
                                                'endpoint_info': {'id': 'ep-1', 'name': 'ep one'}}]})

    def next_status(_sessions, _query):
        session['status'] = statuses[min(len(fake.requests) - 1, len(statuses) - 1)]

    fake.before_page = next_status
    return fake


def wait_of(result):
    return {key: result['wait'][key] for key in WAIT_KEYS}


@pytest.mark.parametrize('check_mode', [False, True], ids=['run', 'check_mode'])
def test_waits_until_the_session_is_running(mock, capsys, check_mode):
    fake = scripted(mock, ['CREATING', 'CREATING', 'RUNNING'])
    result = run_module(capsys, workspace_id='ws-1', session_id='sess-1', wait_status=['RUNNING'],
                        wait_timeout=30, wait_sleep=0.01, _ansible_check_mode=check_mode, **CONNECTION)
    assert result['rc'] == 0 and result['changed'] is False
    assert wait_of(result) == dict(session_id='sess-1', statuses=['RUNNING'], polls=3, found=True,
                                   final_status='RUNNING', reached=True, outcome='reached')
    assert [s['status'] for s in result['sessions']] == ['RUNNING'] and result['total'] == 1
    assert [query['session_id'] for query in fake.queries] == ['sess-1'] * 3
    assert all('status' not in query for query in fake.queries)


def test_a_failed_session_ends_the_wait_early_naming_its_status(mock, capsys):
    scripted(mock, ['CREATING', 'FAIL'])
    result = run_module(capsys, workspace_id='ws-1', session_id='sess-1', wait_status='RUNNING',
                        wait_timeout=30, wait_sleep=0.01, **CONNECTION)
    assert result['rc'] == 1 and result['failed'] is True
    assert 'session sess-1 of workspace ws-1 is FAIL' in result['msg']
    assert wait_of(result) == dict(session_id='sess-1', statuses=['RUNNING'], polls=2, found=True,
                                   final_status='FAIL', reached=False, outcome='ended')
    assert 'status_code' not in result


def test_a_timeout_names_the_last_status_and_the_polls(mock, capsys):
    scripted(mock, ['WAITING'])
    result = run_module(capsys, workspace_id='ws-1', session_id='sess-1', wait_status=['RUNNING', 'CLOSED'],
                        wait_timeout=0.05, wait_sleep=0.01, **CONNECTION)
    assert result['failed'] is True
    assert 'did not reach RUNNING or CLOSED (wait_status) within 0.05 s (wait_timeout)' in result['msg']
    assert 'last status seen: WAITING' in result['msg']
    assert result['wait']['outcome'] == 'timed_out' and result['wait']['final_status'] == 'WAITING'
    polls = result['wait']['polls']  # one when the first poll alone outlasts the 0.05 s (a loaded machine)
    assert polls >= 1 and '%d poll%s every 0.01 s' % (polls, '' if polls == 1 else 's') in result['msg']


def test_a_failed_poll_fails_with_the_http_fields_and_the_wait(mock, capsys):
    mock.add(responses.GET, URL_PATTERN, status=401, json={'error_code': 'APIG.1002', 'error_msg': 'Incorrect token'},
             headers={'X-Request-Id': 'rid-401'})
    result = run_module(capsys, workspace_id='ws-1', session_id='sess-1', wait_status=['RUNNING'], **CONNECTION)
    assert result['failed'] is True and result['status_code'] == 401 and result['request_id'] == 'rid-401'
    assert result['msg'].startswith('could not poll session sess-1 of workspace ws-1 (poll 1 of at most 61): GET ')
    assert result['wait']['outcome'] == 'poll_failed' and result['wait']['polls'] == 1
    assert 'iam-token-x1' not in str(result)


@pytest.mark.parametrize('args, message', [
    (dict(wait_status=['RUNNING']), 'wait_status needs session_id'),
    (dict(wait_status=['RUNNING'], session_id='s', status=['RUNNING']), 'wait_status cannot be combined with status'),
    (dict(wait_status=['RUNNING'], session_id='s', count_only=True), 'wait_status cannot be combined with count_only'),
    (dict(wait_status=['RUNNING'], session_id='s', older_than='1h'), 'wait_status cannot be combined with older_than'),
    (dict(wait_status=[], session_id='s'), 'wait_status must name at least one status'),
    (dict(wait_status=['DONE'], session_id='s'), 'wait_status'),
    (dict(wait_status=['RUNNING'], session_id='s', wait_sleep=0), 'wait_sleep must be a number of seconds greater'),
    (dict(wait_status=['RUNNING'], session_id='s', wait_timeout=86401), 'wait_timeout must be a number of seconds'),
])
def test_wait_options_are_checked_before_any_request(mock, capsys, args, message):
    result = run_module(capsys, workspace_id='ws-1', **dict(CONNECTION, **args))
    assert result['failed'] is True and message in result['msg']
    assert len(mock.calls) == 0


def test_without_wait_status_there_is_no_wait_key(mock, capsys):
    FakeFabric(mock, {'ws-1': []})
    result = run_module(capsys, workspace_id='ws-1', session_id='sess-1', **CONNECTION)
    assert result['rc'] == 0 and 'wait' not in result
