# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The module through its real entry point: arguments in, JSON result out, HTTP mocked at the transport."""

from __future__ import annotations

import json

import pytest
import responses


from ansible_collections.dataarts.fabric.tests.unit.plugins.module_runner import run_module
from ansible_collections.dataarts.fabric.tests.unit.plugins.fake_fabric import (
    ENDPOINT,
    URL_PATTERN,
    FakeFabric,
    make_sessions,
)

SECRETS = {'auth_token': 'T0KEN-VALUE', 'secret_key': 'SK-VALUE', 'security_token': 'ST-VALUE'}


def test_lists_every_session_with_total_and_counts(mock, capsys):
    sessions = make_sessions(230)
    fake = FakeFabric(mock, {'ws-1': sessions})
    result = run_module(capsys, endpoint=ENDPOINT, auth_token='iam-token-x1', workspace_id='ws-1')
    assert result['rc'] == 0 and result['changed'] is False
    assert result['sessions'] == sessions
    assert result['total'] == 230
    assert result['counts'] == {'RUNNING': 46, 'CLOSED': 46, 'WAITING': 46, 'CREATING': 46, 'FAIL': 46}
    assert len(fake.requests) == 3


def test_no_sessions_is_an_empty_list(mock, capsys):
    FakeFabric(mock, {'ws-1': []})
    result = run_module(capsys, endpoint=ENDPOINT, auth_token='iam-token-x1', workspace_id='ws-1', status=['FAIL'])
    assert (result['sessions'], result['total'], result['counts']['FAIL']) == ([], 0, 0)


def test_check_mode_lists_the_same(mock, capsys):
    FakeFabric(mock, {'ws-1': make_sessions(3)})
    result = run_module(capsys, endpoint=ENDPOINT, auth_token='iam-token-x1', workspace_id='ws-1', _ansible_check_mode=True)
    assert result['rc'] == 0 and result['changed'] is False and len(result['sessions']) == 3


def test_environment_supplies_connection_and_first_name_wins(mock, capsys, monkeypatch):
    fake = FakeFabric(mock, {'ws-1': make_sessions(1)})
    monkeypatch.setenv('DATAARTS_FABRIC_ENDPOINT', ENDPOINT)
    monkeypatch.setenv('HUAWEICLOUD_SDK_AK', 'SDK-AK')
    monkeypatch.setenv('HW_ACCESS_KEY', 'TF-AK')
    monkeypatch.setenv('HW_SECRET_KEY', 'TF-SK')
    monkeypatch.setenv('HW_PROJECT_ID', 'proj')
    result = run_module(capsys, workspace_id='ws-1')
    assert result['rc'] == 0
    headers = fake.requests[0][2]
    assert 'Access=SDK-AK,' in headers['Authorization'] and headers['X-Project-Id'] == 'proj'


def test_service_error_fails_with_every_field(mock, capsys):
    body = {'error_code': 'APIG.1002', 'error_msg': 'Incorrect token or token resolution failed'}
    mock.add(responses.GET, URL_PATTERN, status=401, json=body, headers={'X-Request-Id': 'rid-401'})
    result = run_module(capsys, endpoint=ENDPOINT, auth_token='iam-token-x1', workspace_id='ws-1', retries=0)
    assert result['rc'] == 1 and result['failed'] is True
    assert (result['status_code'], result['error_code'], result['error_msg'], result['request_id']) == (
        401, 'APIG.1002', 'Incorrect token or token resolution failed', 'rid-401')
    for fragment in ('HTTP 401', 'APIG.1002', 'Incorrect token', 'rid-401'):
        assert fragment in result['msg']


@pytest.mark.parametrize('args,message', [
    ({'workspace_id': 'a/b'}, 'workspace_id must be 1 to 36 characters, only letters, digits and hyphens'),
    ({'workspace_id': 'ws', 'page_size': 500}, 'page_size must be between 1 and 100, got 500'),
    ({'workspace_id': 'ws', 'access_key': 'AK'}, '[auth_token] and [access_key and secret_key] are configured together'),
    ({'workspace_id': 'ws', 'status': ['BOGUS']}, 'status'),
])
def test_bad_input_fails_before_any_request(mock, capsys, args, message):
    result = run_module(capsys, endpoint=ENDPOINT, auth_token='iam-token-x1', **args)
    assert result['failed'] is True and message in result['msg']
    assert len(mock.calls) == 0


def test_secrets_stay_out_of_the_result(mock, capsys):
    mock.add(responses.GET, URL_PATTERN, status=403, json={'error_code': 403, 'error_msg': 'denied'})
    result = run_module(capsys, endpoint=ENDPOINT, access_key='AK', project_id='p', retries=0, workspace_id='ws',
                        **{k: v for k, v in SECRETS.items() if k != 'auth_token'})
    text = json.dumps(result)
    assert result['failed'] is True
    assert not any(secret in text for secret in SECRETS.values())


def test_retries_become_warnings_naming_status_and_request_id(mock, capsys):
    mock.add(responses.GET, URL_PATTERN, status=503, json={'error_code': 'APIG.0203', 'error_msg': 'busy'},
             headers={'X-Request-Id': 'rid-503'})
    mock.add(responses.GET, URL_PATTERN, json={'sessions': [], 'total': 0})
    result = run_module(capsys, endpoint=ENDPOINT, auth_token='iam-token-x1', workspace_id='ws-1', retry_backoff=0)
    assert result['rc'] == 0
    # ansible-core 2.19 reports warnings as structured events, older cores as strings
    warnings = [w['event']['msg'] if isinstance(w, dict) else w for w in result['warnings']]
    assert warnings == [
        'retry 1 of 3 for GET /v1/workspaces/ws-1/sessions?limit=100&offset=0 after HTTP 503 (request id rid-503)']


@pytest.mark.parametrize('environment,expected_header', [
    ({'HW_AUTH_TOKEN': 'terraform-token'}, ('X-Auth-Token', 'terraform-token')),
    ({'DATAARTS_FABRIC_AUTH_TOKEN': 'own-token', 'HW_AUTH_TOKEN': 'terraform-token'}, ('X-Auth-Token', 'own-token')),
    ({'ANSIBLE_HWC_ACCESS_KEY': 'OLDHWCAK', 'ANSIBLE_HWC_SECRET_KEY': 'old-sk', 'ANSIBLE_HWC_PROJECT_ID': 'old-p'},
     ('X-Project-Id', 'old-p')),
    ({'HW_ACCESS_KEY': 'TFAK', 'ANSIBLE_HWC_ACCESS_KEY': 'OLDHWCAK', 'HW_SECRET_KEY': 'tf-sk', 'HW_PROJECT_ID': 'tf-p'},
     ('X-Project-Id', 'tf-p')),
])
def test_every_ecosystem_name_is_honoured_in_order(mock, capsys, monkeypatch, environment, expected_header):
    fake = FakeFabric(mock, {'ws-1': make_sessions(1)})
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    result = run_module(capsys, endpoint=ENDPOINT, workspace_id='ws-1')
    assert result['rc'] == 0
    headers = fake.requests[0][2]
    assert headers[expected_header[0]] == expected_header[1]
    if 'HW_ACCESS_KEY' in environment:
        assert 'Access=TFAK,' in headers['Authorization']


def test_a_koocli_profile_in_home_is_used_by_the_module(mock, capsys, tmp_path):
    (tmp_path / '.hcloud').mkdir()
    (tmp_path / '.hcloud' / 'config.json').write_text(json.dumps({'current': 'default', 'profiles': [
        {'name': 'default', 'accessKeyId': 'KOOAK0000001', 'secretAccessKey': 'koo-sk', 'projectId': 'koo-p',
         'region': 'cn-north-4'}]}))
    fake = FakeFabric(mock, {'ws-1': make_sessions(1)})
    result = run_module(capsys, endpoint=ENDPOINT, workspace_id='ws-1')
    assert result['rc'] == 0
    assert 'Access=KOOAK0000001,' in fake.requests[0][2]['Authorization']
    assert fake.requests[0][2]['X-Project-Id'] == 'koo-p'
