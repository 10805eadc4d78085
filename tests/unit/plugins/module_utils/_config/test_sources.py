# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Explicit beats environment beats files, a way to authenticate is taken whole from one level, a profile is
used or is an error, and every message says where a wrong value came from."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.dataarts.fabric.plugins.module_utils._config.loader import load_config
from ansible_collections.dataarts.fabric.plugins.module_utils._config.secrets import raw_secrets
from ansible_collections.dataarts.fabric.plugins.module_utils._errors import FabricError
from ansible_collections.dataarts.fabric.plugins.module_utils._redact import Redactor

ENDPOINT = 'https://fabric.example.test'
KOOCLI = {'current': 'work', 'profiles': [
    {'name': 'work', 'accessKeyId': 'KOOWORKAK0001', 'secretAccessKey': 'koo-work-sk', 'region': 'cn-north-4',
     'projectId': 'koo-work-project'},
    {'name': 'bad', 'accessKeyId': 'KOOBADAK0002', 'secretAccessKey': 'koo-bad-sk', 'region': 'Bad Region'},
]}
# One way to authenticate of each kind, as options and as environment variables.
WAYS = {
    'token': ({'auth_token': 'opt-token'}, {'DATAARTS_FABRIC_AUTH_TOKEN': 'env-token'}),
    'aksk': ({'access_key': 'OPTAK', 'secret_key': 'opt-sk', 'project_id': 'opt-project'},
             {'HUAWEICLOUD_SDK_AK': 'ENVAK', 'HUAWEICLOUD_SDK_SK': 'env-sk', 'HUAWEICLOUD_SDK_PROJECT_ID': 'env-project'}),
    'password': ({'username': 'opt-user', 'password': 'opt-pw', 'domain_name': 'opt-domain', 'project_name': 'p'},
                 {'HW_USER_NAME': 'env-user', 'HW_PASSWORD': 'env-pw', 'HW_DOMAIN_NAME': 'env-domain',
                  'HW_PROJECT_NAME': 'p'}),
}


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv('HOME', str(tmp_path))
    return tmp_path


def koocli(home, document=None):
    path = home / '.hcloud' / 'config.json'
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(document or KOOCLI))
    path.chmod(0o600)


def load(environ=None, **given):
    return load_config(dict({'endpoint': ENDPOINT, 'iam_endpoint': 'https://iam.example.test'}, **given),
                       environ=environ or {})


def refusal(environ=None, **given):
    with pytest.raises(FabricError) as caught:
        load(environ, **given)
    return str(caught.value)


def test_an_exported_token_gives_way_to_an_access_key_on_the_task():
    credentials = load({'DATAARTS_FABRIC_AUTH_TOKEN': 'env-token'}, **WAYS['aksk'][0]).connection.credentials
    assert (credentials.kind, credentials.access_key, credentials.auth_token) == ('aksk', 'OPTAK', None)


def test_the_environment_way_is_taken_whole_and_its_companions_fill_in():
    environ = dict(WAYS['aksk'][1], HW_SECURITY_TOKEN='env-sts')
    credentials = load(environ).connection.credentials
    assert (credentials.access_key, credentials.security_token, credentials.project_id) == (
        'ENVAK', 'env-sts', 'env-project')
    # A temporary token of the environment belongs to the environment's key: it never joins a key of the task.
    given = dict(WAYS['aksk'][0])
    assert load(environ, **given).connection.credentials.security_token is None


def test_a_project_id_of_the_environment_completes_an_access_key_of_the_task():
    credentials = load({'HW_PROJECT_ID': 'env-project'}, access_key='OPTAK', secret_key='opt-sk').connection.credentials
    assert credentials.project_id == 'env-project'


@pytest.mark.parametrize('first,second', [('token', 'aksk'), ('token', 'password'), ('aksk', 'password')])
def test_two_ways_in_the_environment_conflict_and_name_their_variables(first, second):
    text = refusal(dict(WAYS[first][1], **WAYS[second][1]))
    assert 'are configured together' in text
    for variable in ('DATAARTS_FABRIC_AUTH_TOKEN', 'HUAWEICLOUD_SDK_AK', 'HW_USER_NAME'):
        assert (variable in text) == (variable in dict(WAYS[first][1], **WAYS[second][1]))
    for secret in ('env-token', 'env-sk', 'env-pw'):
        assert secret not in text


def test_half_a_way_on_the_task_says_the_environment_does_not_complete_it():
    text = refusal({'HW_SECRET_KEY': 'env-sk'}, access_key='OPTAK', project_id='p')
    assert 'secret_key is missing' in text and 'HW_SECRET_KEY is set in the environment' in text
    assert 'env-sk' not in text


def test_an_explicit_profile_beats_credentials_of_the_environment(home):
    koocli(home)
    credentials = load(dict(WAYS['token'][1]), profile='work').connection.credentials
    assert (credentials.kind, credentials.access_key, credentials.project_id) == (
        'aksk', 'KOOWORKAK0001', 'koo-work-project')


def test_a_profile_beside_credentials_at_the_same_level_is_an_error(home):
    koocli(home)
    text = refusal(profile='work', auth_token='opt-token')
    assert 'profile work and auth_token are both configured as options' in text and 'opt-token' not in text
    text = refusal({'HW_PROFILE': 'work', 'DATAARTS_FABRIC_AUTH_TOKEN': 'env-token'})
    assert 'profile work (from the environment variable HW_PROFILE) and auth_token (from the environment variable' \
        ' DATAARTS_FABRIC_AUTH_TOKEN) are both configured in the environment' in text and 'env-token' not in text


def test_a_profile_of_the_environment_gives_way_to_credentials_on_the_task(home):
    koocli(home)
    assert load({'HW_PROFILE': 'work'}, auth_token='opt-token').connection.credentials.kind == 'token'


@pytest.mark.parametrize('environ', [{}, {'DATAARTS_FABRIC_AUTH_TOKEN': 'env-token'}])
def test_a_named_profile_that_is_not_there_is_an_error_whatever_else_is_set(home, environ):
    assert 'profile nope: the KooCLI configuration file' in refusal(environ, profile='nope')
    koocli(home)
    assert 'profile nope is not in the KooCLI configuration file' in refusal(environ, profile='nope')


@pytest.mark.parametrize('environ,given,expected', [
    ({'HW_REGION_NAME': 'Bad_Region'}, {'endpoint': None, 'auth_token': 't'},
     'region (from the environment variable HW_REGION_NAME) must be a region name'),
    ({'DATAARTS_FABRIC_ENDPOINT': 'https://fabric.example.test/v1'}, {'endpoint': None, 'auth_token': 't'},
     'endpoint (from the environment variable DATAARTS_FABRIC_ENDPOINT) https://fabric.example.test/v1 ends in /v1'),
    ({'DATAARTS_FABRIC_TOKEN_CACHE': 'maybe'}, {'auth_token': 't'},
     "token_cache (from the environment variable DATAARTS_FABRIC_TOKEN_CACHE) must be true or false, got 'maybe'"),
    ({'HW_REGION_NAME': 'Bad_Region'}, {'endpoint': None, 'region': 'Also_Bad', 'auth_token': 't'},
     "region must be a region name such as cn-north-4 (lower-case letters, digits and hyphens), got 'Also_Bad'"),
])
def test_a_wrong_value_names_where_it_came_from(environ, given, expected):
    assert expected in refusal(environ, **given)


def test_a_wrong_value_of_a_file_names_the_file_and_profile(home):
    koocli(home)
    text = refusal(profile='bad', endpoint=None)
    assert "region (from the KooCLI profile bad in %s) must be a region name" % (home / '.hcloud' / 'config.json') in text


def test_a_secret_of_the_environment_with_a_control_character_names_the_variable_not_the_value():
    environ = {'HW_AUTH_TOKEN': 'tok\x1ben-secret'}
    text = Redactor(raw_secrets({}, environ)).text(refusal(environ))
    assert 'auth_token (from the environment variable HW_AUTH_TOKEN) must not contain control characters' in text
    assert 'secret' not in text


@pytest.mark.parametrize('environ,given,expected', [
    ({'DATAARTS_FABRIC_TOKEN_CACHE': 'false'}, {}, False),
    ({'DATAARTS_FABRIC_TOKEN_CACHE': 'no'}, {'token_cache': True}, True),
    ({'DATAARTS_FABRIC_TOKEN_CACHE': '  '}, {}, True),
    ({}, {}, True),
])
def test_token_cache_explicit_then_environment_then_default(environ, given, expected):
    assert load(environ, auth_token='t', **given).connection.token_cache is expected


LEVELS = st.sampled_from(['option', 'environment', None])


@settings(max_examples=200, deadline=None)
@given(placement=st.fixed_dictionaries({way: LEVELS for way in WAYS}))
def test_the_highest_level_with_a_way_decides_and_only_it_can_conflict(placement):
    given_values = {}
    environ = {}
    for way, level in placement.items():
        if level == 'option':
            given_values.update(WAYS[way][0])
        elif level == 'environment':
            environ.update(WAYS[way][1])
    top = 'option' if 'option' in placement.values() else 'environment' if 'environment' in placement.values() else None
    at_top = [way for way, level in placement.items() if level == top and top]
    try:
        credentials = load(environ, **given_values).connection.credentials
    except FabricError as exc:
        text = str(exc)
        assert len(at_top) != 1, text
        assert ('configured together' in text) if at_top else ('no credentials' in text)
        return
    assert at_top == [credentials.kind]
    chosen = WAYS[credentials.kind][0 if top == 'option' else 1]
    assert (credentials.auth_token or credentials.access_key or credentials.username) in chosen.values()


# Found by a hostile review of the loader: each case below failed before its fix.

@pytest.mark.parametrize('environ,given', [
    ({'DATAARTS_FABRIC_AUTH_TOKEN': 'tok en'}, WAYS['aksk'][0]),
    ({'HW_PASSWORD': 'pa\x01ss'}, {'auth_token': 'opt-token'}),
    ({'DATAARTS_FABRIC_TOKEN_CACHE': 'maybe'}, {'auth_token': 'opt-token', 'token_cache': True}),
])
def test_a_wrong_value_of_the_environment_that_is_not_used_does_not_matter(environ, given):
    assert load(environ, **given).connection.credentials.kind in ('aksk', 'token')


@pytest.mark.parametrize('option', ['endpoint', 'iam_endpoint'])
def test_a_url_the_library_cannot_parse_never_shows_its_user_credentials(option):
    given = {option: 'https://admin:S3cr3tPW@ho\u2100st.example.com'}
    given.update({'auth_token': 't'} if option == 'endpoint' else dict(WAYS['password'][0], auth_token=None))
    assert 'S3cr3tPW' not in refusal(**given) and '%s is not a valid URL' % option in refusal(**given)
    text = refusal({'DATAARTS_FABRIC_ENDPOINT': given['endpoint' if option == 'endpoint' else option]},
                   endpoint=None, auth_token='t') if option == 'endpoint' else ''
    assert 'S3cr3tPW' not in text


def test_a_lone_security_token_in_the_environment_configures_no_way_and_the_profile_is_read(home):
    koocli(home)
    credentials = load({'HW_SECURITY_TOKEN': 'stok'}).connection.credentials
    assert credentials.access_key == 'KOOWORKAK0001'
    assert credentials.security_token is None, "the environment's security token never joins a file's key"
    assert load({'HW_SECURITY_TOKEN': 'stok'}, profile='work').connection.credentials.security_token is None


def test_half_a_way_in_the_environment_names_its_variable():
    text = refusal({'HW_USER_NAME': 'bob'})
    assert 'password and domain_name are missing' in text
    assert 'username (from the environment variable HW_USER_NAME)' in text


def test_a_profile_of_the_environment_that_is_not_there_names_the_variable(home):
    koocli(home)
    assert 'profile (from the environment variable HW_PROFILE) old is not in the KooCLI' in refusal({'HW_PROFILE': 'old'})


def test_a_koocli_file_without_a_current_profile_leaves_the_sdk_file_its_turn(home):
    koocli(home, {'profiles': [{}]})
    sdk = home / '.huaweicloud' / 'credentials'
    sdk.parent.mkdir()
    sdk.write_text('[basic]\nak = SDKAK0000001\nsk = sdk-sk\nproject_id = sdk-project\n')
    sdk.chmod(0o600)
    assert load().connection.credentials.access_key == 'SDKAK0000001'


def test_a_profile_brings_its_own_project_over_an_exported_one(home):
    koocli(home)
    credentials = load({'HW_PROJECT_ID': 'env-project'}, profile='work').connection.credentials
    assert credentials.project_id == 'koo-work-project'
    assert load({}, profile='work', project_id='opt-project').connection.credentials.project_id == 'opt-project'


def test_special_files_are_named_as_such_and_never_read(home, tmp_path):
    import os
    fifo = tmp_path / 'fifo'
    os.mkfifo(fifo)
    assert 'ca_path %s is not a regular file' % fifo in refusal(auth_token='t', ca_path=str(fifo))
    assert 'is not a regular file' in refusal({'HW_SHARED_CONFIG_FILE': str(fifo)})
    assert '/dev/zero is not a regular file' in refusal({'HW_SHARED_CONFIG_FILE': '/dev/zero'})


def test_a_path_variable_with_control_characters_is_refused_without_echoing_it():
    text = refusal({'HW_SHARED_CONFIG_FILE': '/nope\x1b[2K\r\nfatal: [host]: OK'})
    assert 'HW_SHARED_CONFIG_FILE must be a path without control characters' in text and '\x1b' not in text
