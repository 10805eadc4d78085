# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The lookup loaded through Ansible's real lookup loader, HTTP mocked at the transport."""

from __future__ import annotations


import pytest
import responses

from ansible.errors import AnsibleLookupError
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import lookup_loader
from ansible.template import Templar

try:  # ansible-core 2.19 and later: variables are plain data unless marked as templates
    from ansible.template import trust_as_template
except ImportError:
    def trust_as_template(value):
        return value

from ansible_collections.dataarts.fabric.tests.unit.plugins.module_runner import run_module
from ansible_collections.dataarts.fabric.plugins.plugin_utils import lookup_options
from ansible_collections.dataarts.fabric.tests.unit.plugins.fake_fabric import (
    ENDPOINT,
    URL_PATTERN,
    FakeFabric,
    make_sessions,
)

TOKEN = 'iam-token-x1'


@pytest.fixture
def lookup():
    return lookup_loader.get('dataarts.fabric.fabric_sessions')


def test_terms_are_workspaces_and_sessions_come_back_flat_with_their_workspace(mock, lookup):
    one, two = make_sessions(3), make_sessions(120)
    fake = FakeFabric(mock, {'ws-a': one, 'ws-b': two})
    result = lookup.run(['ws-a', 'ws-b'], variables={}, endpoint=ENDPOINT, auth_token=TOKEN)
    assert result == [dict(s, workspace_id='ws-a') for s in one] + [dict(s, workspace_id='ws-b') for s in two]
    assert len(fake.requests) == 3


def test_filters_are_passed_like_the_module(mock, lookup):
    fake = FakeFabric(mock, {'ws-a': make_sessions(40)})
    result = lookup.run(['ws-a'], variables={}, endpoint=ENDPOINT, auth_token=TOKEN,
                        status=['CLOSED', 'FAIL'], max_results=10, page_size=4)
    assert [s['status'] for s in result] == ['CLOSED'] * 8 + ['FAIL'] * 2
    first_pages = [q for q in fake.queries if q['offset'] == '0']
    assert sorted(first_pages, key=lambda q: q['status']) == [
        {'limit': '4', 'offset': '0', 'status': 'CLOSED'}, {'limit': '4', 'offset': '0', 'status': 'FAIL'}]


def test_older_than_selects_by_create_time_like_the_module(mock, lookup):
    sessions = make_sessions(3)  # created on 2025-07-22, long before any run of these tests
    sessions.append(dict(sessions[0], session_id='far-ahead', create_time='2999-01-01T00:00:00.000+00:00'))
    FakeFabric(mock, {'ws-a': sessions})
    result = lookup.run(['ws-a'], variables={}, endpoint=ENDPOINT, auth_token=TOKEN, older_than='1d')
    assert [s['session_id'] for s in result] == [s['session_id'] for s in sessions[:3]]
    with pytest.raises(AnsibleLookupError, match='older_than must be a whole number of seconds'):
        lookup.run(['ws-a'], variables={}, endpoint=ENDPOINT, auth_token=TOKEN, older_than='a day')


def test_connection_options_come_from_variables(mock, lookup):
    fake = FakeFabric(mock, {'ws-a': make_sessions(2)})
    result = lookup.run(['ws-a'], variables={'fabric_endpoint': ENDPOINT, 'fabric_auth_token': TOKEN})
    assert len(result) == 2
    assert fake.requests[0][2]['X-Auth-Token'] == TOKEN


def test_keyword_arguments_win_over_variables(mock, lookup):
    fake = FakeFabric(mock, {'ws-a': make_sessions(1)})
    lookup.run(['ws-a'], variables={'fabric_endpoint': 'https://wrong.test', 'fabric_auth_token': 'var-token'},
               endpoint=ENDPOINT, auth_token=TOKEN)
    assert fake.requests[0][2]['X-Auth-Token'] == TOKEN


def test_environment_precedence_matches_the_module(mock, lookup, monkeypatch, capsys):
    fake = FakeFabric(mock, {'ws-a': make_sessions(1)})
    for name, value in {'DATAARTS_FABRIC_ENDPOINT': ENDPOINT, 'HUAWEICLOUD_SDK_AK': 'SDK-AK', 'HW_ACCESS_KEY': 'TF-AK',
                        'HUAWEICLOUD_SDK_SK': 'SDK-SK', 'HW_SECRET_KEY': 'TF-SK', 'HW_PROJECT_ID': 'tf-proj'}.items():
        monkeypatch.setenv(name, value)
    lookup.run(['ws-a'], variables={})
    assert run_module(capsys, workspace_id='ws-a')['total'] == 1
    lookup_headers, module_headers = fake.requests[0][2], fake.requests[1][2]
    for headers in (lookup_headers, module_headers):
        assert headers['Authorization'].startswith('SDK-HMAC-SHA256 Access=SDK-AK,')
        assert headers['X-Project-Id'] == 'tf-proj'


BAD_INPUTS = [
    ({'page_size': 0}, 'page_size must be between 1 and 100, got 0'),
    ({'access_key': 'AK', 'secret_key': 'SK'}, '[auth_token] and [access_key and secret_key] are configured together'),
    ({'endpoint': 'fabric.example.test'}, 'endpoint must be an http:// or https:// URL'),
    ({'session_id': '../x'}, 'session_id must be 1 to 36 characters'),
    ({'max_results': 0}, 'max_results must be at least 1'),
]


@pytest.mark.parametrize('args,message', BAD_INPUTS)
def test_bad_input_gives_the_module_message_before_any_request(mock, lookup, capsys, args, message):
    options = dict({'endpoint': ENDPOINT, 'auth_token': TOKEN}, **args)
    with pytest.raises(AnsibleLookupError) as caught:
        lookup.run(['ws-a'], variables={}, **options)
    module_message = run_module(capsys, workspace_id='ws-a', **options)['msg']
    assert message in str(caught.value)
    assert str(caught.value) == module_message
    assert len(mock.calls) == 0


def test_an_invalid_term_is_refused_before_any_request(mock, lookup):
    FakeFabric(mock, {'ws-a': make_sessions(1)})
    with pytest.raises(AnsibleLookupError, match="workspace_id must be 1 to 36 characters.*'bad/term'"):
        lookup.run(['ws-a', 'bad/term'], variables={}, endpoint=ENDPOINT, auth_token=TOKEN)
    assert len(mock.calls) == 0


def test_service_errors_keep_status_code_and_request_id_without_secrets(mock, lookup):
    mock.add(responses.GET, URL_PATTERN, status=403, headers={'X-Request-Id': 'rid-403'}, json={
        'error': {'code': '403', 'message': 'X-Auth-Token is invalid in the request', 'title': 'Forbidden'},
        'error_code': 403, 'error_msg': 'X-Auth-Token is invalid in the request', 'title': 'Forbidden'})
    with pytest.raises(AnsibleLookupError) as caught:
        lookup.run(['ws-a'], variables={}, endpoint=ENDPOINT, auth_token=TOKEN, retries=0)
    text = str(caught.value)
    for fragment in ('HTTP 403', 'error_code: 403', 'X-Auth-Token is invalid in the request', 'rid-403'):
        assert fragment in text
    assert TOKEN not in text


def test_calls_with_the_same_connection_share_one_client(mock, lookup):
    FakeFabric(mock, {'ws-a': make_sessions(2), 'ws-b': make_sessions(3)})
    lookup_options.CLIENTS.close()
    assert len(lookup.run(['ws-a'], variables={}, endpoint=ENDPOINT, auth_token=TOKEN)) == 2
    assert len(lookup.run(['ws-b'], variables={}, endpoint=ENDPOINT, auth_token=TOKEN, status=['FAIL'])) == 0
    assert len(lookup_options.CLIENTS._clients) == 1
    lookup.run(['ws-a'], variables={}, endpoint=ENDPOINT, auth_token='another-token')
    assert len(lookup_options.CLIENTS._clients) == 2


def test_variables_holding_templates_are_rendered(mock):
    fake = FakeFabric(mock, {'ws-a': make_sessions(1)})
    # As a playbook's variables are: trusted templates, which a lookup receives unrendered.
    variables = {'vault_token': TOKEN, 'fabric_auth_token': trust_as_template('{{ vault_token }}'),
                 'fabric_endpoint': ENDPOINT}
    loader = DataLoader()
    templating_lookup = lookup_loader.get('dataarts.fabric.fabric_sessions', loader=loader,
                                          templar=Templar(loader=loader, variables=variables))
    assert len(templating_lookup.run(['ws-a'], variables=variables)) == 1
    assert fake.requests[0][2]['X-Auth-Token'] == TOKEN


@pytest.mark.parametrize('keyword,hint', [('stauts', 'stauts (did you mean status?)'), ('zzz', 'zzz')])
def test_a_misspelt_keyword_fails_naming_the_closest_option(mock, lookup, keyword, hint):
    with pytest.raises(AnsibleLookupError) as caught:
        lookup.run(['ws-a'], variables={}, endpoint=ENDPOINT, auth_token=TOKEN, **{keyword: 'FAIL'})
    assert 'unknown keyword argument of the lookup: %s' % hint in str(caught.value)
    assert len(mock.calls) == 0


@pytest.mark.parametrize('terms', [[], ()])
def test_no_workspace_fails_naming_the_fix_instead_of_an_empty_list(mock, lookup, terms):
    # query('dataarts.fabric.fabric_sessions') or an empty *workspace_ids: [] would read as "no session anywhere".
    with pytest.raises(AnsibleLookupError) as caught:
        lookup.run(terms, variables={}, endpoint=ENDPOINT, auth_token=TOKEN)
    assert 'give one or more workspace IDs as terms' in str(caught.value)
    assert "query('dataarts.fabric.fabric_sessions', 'my-workspace-id'" in str(caught.value)
    assert len(mock.calls) == 0
