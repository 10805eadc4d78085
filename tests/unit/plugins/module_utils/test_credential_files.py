# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every credential source and its precedence, with a temporary HOME holding the files."""

from __future__ import annotations

import json
import os

import pytest

from ansible_collections.dataarts.fabric.plugins.module_utils._credential_files import resolve_params
from ansible_collections.dataarts.fabric.plugins.module_utils._errors import FabricError
from ansible_collections.dataarts.fabric.plugins.module_utils._option_table import ALL_OPTIONS

KOOCLI = {'current': 'work', 'profiles': [
    {'name': 'work', 'mode': 'AKSK', 'accessKeyId': 'KOOWORKAK0001', 'secretAccessKey': 'koo-work-sk',
     'securityToken': '', 'region': 'cn-north-4', 'projectId': 'koo-work-project'},
    {'name': 'eu', 'mode': 'AKSK', 'accessKeyId': 'KOOEUAK00002', 'secretAccessKey': 'koo-eu-sk',
     'securityToken': 'koo-eu-sts', 'region': 'eu-west-101', 'projectId': 'koo-eu-project'},
    {'name': 'locked', 'mode': 'AKSK', 'accessKeyId': 'gAAAAABlq0c3rT+9x/Zm1Q==', 'secretAccessKey': 'gAAAAABlq0c3'},
]}
SDK_INI = '[basic]\nak = SDKFILEAK0003\nsk = sdk-file-sk\nproject_id = sdk-file-project\n' \
          'iam_endpoint = https://iam.example.test\n\n[global]\nak = GLOBALAK\nsk = global-sk\n'


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv('HOME', str(tmp_path))
    return tmp_path


def write(home, relative, text):
    path = home / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return str(path)


def raw(**given):
    values = {option.name: option.default for option in ALL_OPTIONS}
    values.update(given)
    return values


def test_without_files_nothing_is_added(home):
    assert resolve_params(raw(), environ={})['access_key'] is None


def test_the_current_koocli_profile_supplies_credentials_region_and_project(home):
    write(home, '.hcloud/config.json', json.dumps(KOOCLI))
    params = resolve_params(raw(), environ={})
    assert (params['access_key'], params['secret_key'], params['region'], params['project_id']) == (
        'KOOWORKAK0001', 'koo-work-sk', 'cn-north-4', 'koo-work-project')
    assert params['security_token'] is None


def test_a_named_profile_is_read_and_given_values_still_win(home):
    write(home, '.hcloud/config.json', json.dumps(KOOCLI))
    params = resolve_params(raw(profile='eu', region='eu-west-0'), environ={})
    assert (params['access_key'], params['security_token'], params['region']) == (
        'KOOEUAK00002', 'koo-eu-sts', 'eu-west-0')


def test_the_config_path_can_be_moved(home, tmp_path):
    path = write(home, 'elsewhere/koo.json', json.dumps(KOOCLI))
    params = resolve_params(raw(profile='eu'), environ={'HW_SHARED_CONFIG_FILE': path})
    assert params['access_key'] == 'KOOEUAK00002'


def test_an_encrypted_profile_says_how_to_store_it_readably(home):
    write(home, '.hcloud/config.json', json.dumps(KOOCLI))
    with pytest.raises(FabricError) as caught:
        resolve_params(raw(profile='locked'), environ={})
    assert 'encrypted' in str(caught.value)
    assert 'hcloud configure set --cli-auth-encrypt=false' in str(caught.value)
    assert 'gAAAAAB' not in str(caught.value)


@pytest.mark.parametrize('files,message', [
    ({}, 'profile nope: the KooCLI configuration file %s does not exist'),
    ({'.hcloud/config.json': json.dumps(KOOCLI)}, 'profile nope is not in the KooCLI configuration file %s'),
    ({'.hcloud/config.json': '{not json'}, 'the KooCLI configuration file %s is not valid JSON'),
])
def test_a_named_profile_that_cannot_be_read_is_an_error(home, files, message):
    for relative, text in files.items():
        write(home, relative, text)
    with pytest.raises(FabricError) as caught:
        resolve_params(raw(profile='nope'), environ={})
    expected = message % (home / '.hcloud' / 'config.json')
    assert expected in str(caught.value)


def test_the_sdk_credentials_file_basic_section_is_the_last_resort(home):
    write(home, '.huaweicloud/credentials', SDK_INI)
    params = resolve_params(raw(), environ={})
    assert (params['access_key'], params['secret_key'], params['project_id'], params['iam_endpoint']) == (
        'SDKFILEAK0003', 'sdk-file-sk', 'sdk-file-project', 'https://iam.example.test')


def test_koocli_comes_before_the_sdk_file(home):
    write(home, '.huaweicloud/credentials', SDK_INI)
    write(home, '.hcloud/config.json', json.dumps(KOOCLI))
    assert resolve_params(raw(), environ={})['access_key'] == 'KOOWORKAK0001'


def test_the_sdk_file_path_can_be_moved_and_must_exist_when_named(home):
    path = write(home, 'creds.ini', SDK_INI)
    assert resolve_params(raw(), environ={'HUAWEICLOUD_SDK_CREDENTIALS_FILE': path})['access_key'] == 'SDKFILEAK0003'
    with pytest.raises(FabricError, match='HUAWEICLOUD_SDK_CREDENTIALS_FILE names .* which does not exist'):
        resolve_params(raw(), environ={'HUAWEICLOUD_SDK_CREDENTIALS_FILE': os.path.join(str(home), 'missing')})


def test_an_sdk_file_with_half_a_key_pair_is_an_error(home):
    write(home, '.huaweicloud/credentials', '[basic]\nak = ONLYAK\n')
    with pytest.raises(FabricError, match=r'the \[basic\] section of .* needs both ak and sk'):
        resolve_params(raw(), environ={})


@pytest.mark.parametrize('given', [
    {'auth_token': 'token-from-option'},
    {'access_key': 'ENVAK', 'secret_key': 'env-sk'},
    {'username': 'u'},
])
def test_files_are_not_read_when_credentials_come_from_elsewhere(home, given):
    write(home, '.hcloud/config.json', json.dumps(KOOCLI))
    params = resolve_params(raw(**given), environ={})
    assert params['region'] is None and params['project_id'] is None
    assert params['access_key'] == given.get('access_key')
