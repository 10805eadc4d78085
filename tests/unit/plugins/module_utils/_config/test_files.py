# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every credential source and its precedence, with a temporary HOME holding the files."""

from __future__ import annotations

import json
import os

import pytest

from ansible_collections.dataarts.fabric.plugins.module_utils._config.loader import load_config
from ansible_collections.dataarts.fabric.plugins.module_utils._config.files import values_from_files
from ansible_collections.dataarts.fabric.plugins.module_utils._errors import FabricError
from ansible_collections.dataarts.fabric.plugins.module_utils._config.options import ALL_OPTIONS

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


def credentials(**given):
    """The credentials the loader ends up with, with the file paths of ``environ`` (default: HOME's)."""
    return load(**given).connection.credentials


def load(environ=None, **given):
    return load_config(raw(**given), environ={} if environ is None else environ)


def load_error(environ=None, **given):
    with pytest.raises(FabricError) as caught:
        load(environ, **given)
    return str(caught.value)


def test_without_files_nothing_is_added(home):
    assert 'no credentials: configure one way to authenticate' in load_error(endpoint='https://fabric.example.test')


def test_the_current_koocli_profile_supplies_credentials_region_and_project(home):
    write(home, '.hcloud/config.json', json.dumps(KOOCLI))
    connection = load().connection
    found = connection.credentials
    assert (found.access_key, found.secret_key, connection.base_url, found.project_id) == (
        'KOOWORKAK0001', 'koo-work-sk', 'https://fabric.cn-north-4.myhuaweicloud.com', 'koo-work-project')
    assert found.security_token is None


def test_a_named_profile_is_read_and_given_values_still_win(home):
    write(home, '.hcloud/config.json', json.dumps(KOOCLI))
    connection = load(profile='eu', region='eu-west-0').connection
    assert (connection.credentials.access_key, connection.credentials.security_token, connection.base_url) == (
        'KOOEUAK00002', 'koo-eu-sts', 'https://fabric.eu-west-0.myhuaweicloud.com')


def test_the_config_path_can_be_moved(home, tmp_path):
    path = write(home, 'elsewhere/koo.json', json.dumps(KOOCLI))
    assert credentials(profile='eu', environ={'HW_SHARED_CONFIG_FILE': path}).access_key == 'KOOEUAK00002'


def test_an_encrypted_profile_says_how_to_store_it_readably(home):
    write(home, '.hcloud/config.json', json.dumps(KOOCLI))
    text = load_error(profile='locked')
    assert 'encrypted' in text
    assert 'hcloud configure set --cli-auth-encrypt=false' in text
    assert 'gAAAAAB' not in text


@pytest.mark.parametrize('files,message', [
    ({}, 'profile nope: the KooCLI configuration file %s does not exist'),
    ({'.hcloud/config.json': json.dumps(KOOCLI)}, 'profile nope is not in the KooCLI configuration file %s'),
    ({'.hcloud/config.json': '{not json'}, 'the KooCLI configuration file %s is not valid JSON'),
])
def test_a_named_profile_that_cannot_be_read_is_an_error(home, files, message):
    for relative, text in files.items():
        write(home, relative, text)
    expected = message % (home / '.hcloud' / 'config.json')
    assert expected in load_error(profile='nope')


def test_the_sdk_credentials_file_basic_section_is_the_last_resort(home):
    write(home, '.huaweicloud/credentials', SDK_INI)
    found = credentials(endpoint='https://fabric.example.test')
    assert (found.access_key, found.secret_key, found.project_id) == (
        'SDKFILEAK0003', 'sdk-file-sk', 'sdk-file-project')
    # The loader uses an IAM endpoint only for a password; the file's value is still read.
    found = values_from_files({}, None, lambda message: None)
    assert found.values['iam_endpoint'] == 'https://iam.example.test'
    assert found.source == 'the [basic] section of %s' % (home / '.huaweicloud' / 'credentials')


def test_koocli_comes_before_the_sdk_file(home):
    write(home, '.huaweicloud/credentials', SDK_INI)
    write(home, '.hcloud/config.json', json.dumps(KOOCLI))
    assert credentials().access_key == 'KOOWORKAK0001'


def test_the_sdk_file_path_can_be_moved_and_must_exist_when_named(home):
    path = write(home, 'creds.ini', SDK_INI)
    endpoint = 'https://fabric.example.test'
    assert credentials(endpoint=endpoint, environ={'HUAWEICLOUD_SDK_CREDENTIALS_FILE': path}).access_key == \
        'SDKFILEAK0003'
    with pytest.raises(FabricError, match='HUAWEICLOUD_SDK_CREDENTIALS_FILE names .* which does not exist'):
        load(endpoint=endpoint, environ={'HUAWEICLOUD_SDK_CREDENTIALS_FILE': os.path.join(str(home), 'missing')})


def test_an_sdk_file_with_half_a_key_pair_is_an_error(home):
    write(home, '.huaweicloud/credentials', '[basic]\nak = ONLYAK\n')
    with pytest.raises(FabricError, match=r'the \[basic\] section of .* needs both ak and sk'):
        load(endpoint='https://fabric.example.test')


@pytest.mark.parametrize('given', [
    {'auth_token': 'token-from-option'},
    {'access_key': 'ENVAK', 'secret_key': 'env-sk'},
    {'username': 'u'},
])
def test_files_are_not_read_when_credentials_come_from_elsewhere(home, given):
    write(home, '.hcloud/config.json', json.dumps(KOOCLI))
    # No region came from the profile: nothing derives the endpoint.
    assert 'either endpoint or region is required' in load_error(**given)
    if 'username' in given:  # half a password: the profile's AK/SK did not join in
        text = load_error(endpoint='https://fabric.example.test', **given)
        assert 'username, password and domain_name must be given together' in text
        assert 'configured together' not in text
        return
    if 'access_key' in given:  # the profile's project ID did not join in either
        assert 'access_key and secret_key need project_id' in load_error(endpoint='https://fabric.example.test', **given)
        return
    found = credentials(endpoint='https://fabric.example.test', **given)
    assert found.project_id is None and found.kind == 'token'


def test_a_huge_file_is_refused_without_reading_it_whole(home):
    path = home / '.hcloud' / 'config.json'
    path.parent.mkdir(parents=True)
    with open(path, 'wb') as handle:  # sparse: 2.5 GB without using the disk
        handle.truncate(2500 * 1024 * 1024)
    path.chmod(0o600)
    assert 'is larger than 1048576 bytes: not a credentials file' in load_error()


@pytest.mark.parametrize('text', ['{"profiles": 5}', '[1, 2]', '{"current": 7, "profiles": [5, null, {"name": 3}]}',
                                  '"just a string"', '{"current": "work", "profiles": {"work": {}}}'])
def test_any_json_shape_is_handled(home, text):
    path = write(home, '.hcloud/config.json', text)
    os.chmod(path, 0o600)
    message = load_error(endpoint='https://fabric.example.test')
    assert 'no credentials' in message or 'holds no object with "profiles"' in message


def test_a_utf8_bom_is_accepted(home):
    path = home / '.hcloud' / 'config.json'
    path.parent.mkdir(parents=True)
    path.write_bytes(b'\xef\xbb\xbf' + json.dumps(KOOCLI).encode())
    path.chmod(0o600)
    assert credentials().access_key == 'KOOWORKAK0001'


def test_a_directory_is_named_as_a_directory(home):
    (home / '.hcloud' / 'config.json').mkdir(parents=True)
    assert 'is a directory, not a credentials file' in load_error()


def test_a_file_others_can_read_gets_a_warning_naming_it(home):
    path = write(home, '.huaweicloud/credentials', SDK_INI)
    os.chmod(path, 0o644)
    config = load(endpoint='https://fabric.example.test')
    assert config.connection.credentials.access_key == 'SDKFILEAK0003'
    assert [w for w in config.warnings if path in w and 'chmod 600' in w]
    os.chmod(path, 0o600)
    assert load(endpoint='https://fabric.example.test').warnings == ()
