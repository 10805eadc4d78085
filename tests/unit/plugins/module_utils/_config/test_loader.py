# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.dataarts.fabric.plugins.module_utils._config.loader import load_config
from ansible_collections.dataarts.fabric.plugins.module_utils._errors import FabricError
from ansible_collections.dataarts.fabric.plugins.module_utils._config.face_options import LIFECYCLE_OPTIONS
from ansible_collections.dataarts.fabric.plugins.module_utils._config.options import ALL_OPTIONS, CONNECTION_OPTIONS
from ansible_collections.dataarts.fabric.plugins.module_utils._config.specs import module_argument_spec, option_docs


@pytest.fixture(autouse=True)
def no_credential_files(tmp_path, monkeypatch):
    """A HOME without KooCLI or SDK files: the loader falls back on them when no credentials are given."""
    monkeypatch.setenv('HOME', str(tmp_path))


def params(**overrides):
    base = {option.name: option.default for option in ALL_OPTIONS}
    base.update(endpoint='https://fabric.example.test', auth_token='t0ken')
    base.update(overrides)
    return base


def validate_params(values):
    return load_config(values, environ={})


def connection(**overrides):
    return validate_params(params(**overrides)).connection


def error_for(**overrides):
    with pytest.raises(FabricError) as caught:
        validate_params(params(**overrides))
    return str(caught.value)


def test_valid_token_params_pass():
    validate_params(params())


def test_valid_password_params_pass():
    validate_params(params(auth_token=None, username='u', password='p', domain_name='d', project_name='cn-north-4',
                           region='cn-north-4'))


PASSWORD = dict(auth_token=None, username='u', password='p', domain_name='d', project_name='cn-north-4')


def test_iam_endpoint_is_derived_from_the_region():
    assert connection(region='cn-north-4', **PASSWORD).iam_url == 'https://iam.cn-north-4.myhuaweicloud.com'
    assert connection(iam_endpoint='https://iam.example.test/', **PASSWORD).iam_url == 'https://iam.example.test'


@pytest.mark.parametrize('given', ['https://iam.example.test/v3', 'https://iam.example.test/v3/',
                                   'https://iam.example.test'])
def test_iam_endpoint_with_or_without_v3(given):
    assert connection(iam_endpoint=given, **PASSWORD).iam_url == 'https://iam.example.test'


def test_valid_aksk_params_pass():
    validate_params(params(auth_token=None, access_key='AK', secret_key='SK', security_token='ST', project_id='p'))


@pytest.mark.parametrize('overrides,message', [
    ({'endpoint': None}, 'either endpoint or region is required'),
    ({'endpoint': 'fabric.example.test'}, 'endpoint must be an http:// or https:// URL'),
    ({'endpoint': 'ftp://fabric.example.test'}, 'endpoint must be an http:// or https:// URL'),
    ({'endpoint': 'https://fabric.example.test/?a=1'}, 'endpoint must not hold a query'),
    ({'endpoint': 'https://user:pw@fabric.example.test'}, 'endpoint must not hold a query, fragment or user'),
    ({'endpoint': None, 'region': 'cn-north-4/../x'}, 'region must be a region name'),
    ({'endpoint': None, 'region': 'evil.test#'}, 'region must be a region name'),
    ({'auth_token': None}, 'no credentials: configure one way to authenticate: auth_token; access_key and'
                           ' secret_key; username, password and domain_name (as options, environment variables or a KooCLI'
                           ' profile)'),
    ({'access_key': 'AK', 'secret_key': 'SK'}, '[auth_token] and [access_key and secret_key] are configured together'
                                               ': configure exactly one way to'
                                               ' authenticate: auth_token; access_key and secret_key; username,'
                                               ' password and domain_name'),
    ({'access_key': 'AK'}, '[auth_token] and [access_key and secret_key] are configured together'),
    ({'username': 'u'}, '[auth_token] and [username, password and domain_name] are configured together'),
    ({'auth_token': None, 'access_key': 'AK'}, 'access_key and secret_key must be given together: secret_key is'
                                               ' missing'),
    ({'auth_token': None, 'secret_key': 'SK'}, 'access_key and secret_key must be given together: access_key is'),
    ({'auth_token': None, 'username': 'u'}, 'username, password and domain_name must be given together: password'
                                            ' and domain_name are missing'),
    ({'auth_token': None, 'username': 'u', 'password': 'p', 'domain_name': 'd'},
     'username and password need the scope of the token: set project_id or project_name'),
    ({'auth_token': None, 'username': 'u', 'password': 'p', 'domain_name': 'd', 'project_name': 'cn-north-4'},
     'username and password need iam_endpoint or region'),
    ({'auth_token': None, 'username': 'u', 'password': 'p', 'domain_name': 'd', 'project_id': 'p1',
      'iam_endpoint': 'http://iam.example.test'}, 'iam_endpoint http://iam.example.test uses plain http://'),
    ({'auth_token': None, 'username': 'u', 'password': 'p', 'domain_name': 'd', 'project_id': 'p1',
      'security_token': 'st'}, 'security_token is only used with access_key and secret_key'),
    ({'region': 'Bad_Region'}, 'region must be a region name such as cn-north-4'),
    ({'cloud': 'evil.test/path'}, "cloud must be a domain name such as myhuaweicloud.com, got 'evil.test/path'"),
    ({'cloud': 'localhost'}, 'cloud must be a domain name'),
    ({'proxy': 'proxy.example.com:3128'}, 'proxy must be an http:// or https:// URL with a host name'),
    ({'security_token': 'ST'}, 'security_token is only used with access_key and secret_key'),
    ({'page_size': 0}, 'page_size must be between 1 and 100, got 0'),
    ({'page_size': 101}, 'page_size must be between 1 and 100, got 101'),
    ({'max_results': 0}, 'max_results must be at least 1, got 0'),
    ({'timeout': 0}, 'timeout must be a number of seconds greater than 0'),
    ({'retries': -1}, 'retries must be between 0 and 10'),
    ({'retries': 11}, 'retries must be between 0 and 10'),
    ({'retry_backoff': -1}, 'retry_backoff must be between 0 and 30 seconds, got -1'),
    ({'endpoint': 'http://fabric.example.test'}, 'endpoint http://fabric.example.test uses plain http:// to a host'
                                                 ' that is not loopback'),
    ({'endpoint': 'http://10.0.0.8:8080'}, 'set allow_plain_http to true'),
    ({'status': ['RUNNING', 'RUNINNG']}, "status must be one or more of RUNNING, CLOSED, WAITING, CREATING, FAIL, got"
                                         " 'RUNINNG'"),
    ({'endpoint_id': '../etc'}, "endpoint_id must be 1 to 36 characters, only letters, digits and hyphens, got"
                                " '../etc'"),
    ({'session_id': 'x' * 37}, 'session_id must be 1 to 36 characters'),
    ({'session_id': 'a b'}, 'session_id must be 1 to 36 characters'),
    ({'session_id': 'a%2Fb'}, 'session_id must be 1 to 36 characters'),
    ({'endpoint_id': 'ep-1', 'endpoint_name': 'Fabric Prod.eu'}, 'endpoint_id and endpoint_name are mutually exclusive'),
    ({'endpoint_name': '  '}, 'endpoint_name must not be empty'),
    ({'endpoint_name': 'a\nb'}, 'endpoint_name must not contain control characters'),
    ({'endpoint_name': 'x' * 256}, 'endpoint_name must be at most 255 characters, got 256'),
])
def test_bad_input_names_the_option_and_the_rule(overrides, message):
    assert message in error_for(**overrides)


@pytest.mark.parametrize('endpoint', ['http://127.0.0.1:8080', 'http://127.5.6.7', 'http://localhost:1', 'http://[::1]:9'])
def test_plain_http_to_loopback_is_allowed(endpoint):
    validate_params(params(endpoint=endpoint))


def test_plain_http_elsewhere_needs_the_explicit_opt_in():
    validate_params(params(endpoint='http://fabric.example.test', allow_plain_http=True))


def test_errors_never_echo_secrets():
    text = error_for(access_key='AK', secret_key='S3CRET', auth_token='T0KEN', security_token='ST0KEN',
                     password='PA55WORD')
    assert not any(secret in text for secret in ('S3CRET', 'T0KEN', 'ST0KEN', 'PA55WORD'))


def test_empty_connection_strings_count_as_unset():
    config = validate_params(params(auth_token='', access_key='AK', secret_key='SK', project_id='P1', region=' '))
    assert config.connection.credentials.kind == 'aksk'


def test_a_misspelt_status_is_named_with_the_closest_one():
    assert error_for(status=['FAIL', 'RUNING']).endswith("got 'RUNING' (did you mean RUNNING?)")
    assert error_for(status=['running']).endswith("got 'running' (did you mean RUNNING?)")
    assert error_for(status=['zzz']).endswith("got 'zzz'")


def test_repeated_statuses_are_queried_once():
    assert validate_params(params(status=['FAIL', 'RUNNING', 'FAIL'])).query.statuses == ('FAIL', 'RUNNING')


@pytest.mark.parametrize('region,cloud,fabric,iam', [
    ('cn-north-4', None, 'https://fabric.cn-north-4.myhuaweicloud.com', 'https://iam.cn-north-4.myhuaweicloud.com'),
    ('eu-west-101', None, 'https://fabric.eu-west-101.myhuaweicloud.eu', 'https://iam.eu-west-101.myhuaweicloud.eu'),
    ('eu-west-102', None, 'https://fabric.eu-west-102.myhuaweicloud.eu', 'https://iam.eu-west-102.myhuaweicloud.eu'),
    ('eu-west-0', None, 'https://fabric.eu-west-0.myhuaweicloud.com', 'https://iam.eu-west-0.myhuaweicloud.com'),
    ('my-region-1', 'Private.Cloud.Example', 'https://fabric.my-region-1.private.cloud.example',
     'https://iam.my-region-1.private.cloud.example'),
    ('eu-west-101', 'myhuaweicloud.com', 'https://fabric.eu-west-101.myhuaweicloud.com',
     'https://iam.eu-west-101.myhuaweicloud.com'),
])
def test_cloud_domain_and_the_european_rule(region, cloud, fabric, iam):
    derived = connection(endpoint=None, region=region, cloud=cloud, **PASSWORD)
    assert (derived.base_url, derived.iam_url) == (fabric, iam)


def test_endpoint_is_derived_from_the_region():
    assert connection(endpoint=None, region='cn-north-4').base_url == 'https://fabric.cn-north-4.myhuaweicloud.com'
    assert connection(endpoint='http://127.0.0.1:8080/').base_url == 'http://127.0.0.1:8080'


@pytest.fixture
def ca_file(tmp_path):
    import datetime
    import ipaddress
    pytest.importorskip('cryptography')
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'test CA')])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address('127.0.0.1'))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    path = tmp_path / 'ca.pem'
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(path)


@pytest.mark.parametrize('validate,use_ca,expected', [
    (True, False, True), (True, True, 'CA'), (False, True, False), (False, False, False)])
def test_verify_setting(validate, use_ca, expected, ca_file):
    verify = connection(validate_certs=validate, ca_path=ca_file if use_ca else None).verify
    assert verify == (ca_file if expected == 'CA' else expected)


def test_argument_spec_follows_the_table():
    spec = module_argument_spec()
    for option in ALL_OPTIONS:
        assert spec[option.name]['type'] == option.type
        # the loader applies the default of an option with environment variables, after reading them
        assert spec[option.name].get('default') == (None if option.env else option.default)
        assert spec[option.name]['no_log'] == option.no_log
        assert 'fallback' not in spec[option.name], 'the loader reads the environment, not Ansible'
    assert {name for name, entry in spec.items() if entry['no_log']} == {
        'auth_token', 'secret_key', 'security_token', 'password', 'proxy'}


def test_plugin_docs_name_the_variables_in_order_and_leave_them_to_the_loader():
    docs = option_docs(CONNECTION_OPTIONS, for_plugin=True)
    assert all('env' not in doc for doc in docs.values())
    assert docs['auth_token']['vars'] == [{'name': 'fabric_auth_token'}]
    assert 'E(HUAWEICLOUD_SDK_AK), E(HW_ACCESS_KEY), E(ANSIBLE_HWC_ACCESS_KEY)' in docs['access_key']['description'][-1]


def test_an_endpoint_name_is_kept_as_given_but_for_surrounding_white_space():
    query = validate_params(params(endpoint_name=' daten_M\u00fcller 2 ')).query
    assert (query.endpoint_name, query.endpoint_id) == ('daten_M\u00fcller 2', None)


def test_older_than_becomes_seconds_in_the_query():
    assert validate_params(params(older_than='30m')).query.older_than == 1800
    assert validate_params(params()).query.older_than is None


def test_older_than_cannot_be_combined_with_count_only():
    assert error_for(older_than='1h', count_only=True).startswith(
        'older_than cannot be combined with count_only: the service counts sessions, it cannot count them by age')


def test_a_dict_option_has_its_suboptions_in_the_spec_and_the_docs():
    [option] = [option for option in LIFECYCLE_OPTIONS if option.name == 'lake_formation_config']
    spec = module_argument_spec(option, shared=())
    assert spec == {'lake_formation_config': {'type': 'dict', 'no_log': False, 'options': {
        'instance_id': {'type': 'str', 'no_log': False}, 'catalog': {'type': 'str', 'no_log': False}}}}
    docs = option_docs([option])['lake_formation_config']
    assert sorted(docs['suboptions']) == ['catalog', 'instance_id']
    assert docs['suboptions']['catalog']['type'] == 'str'


def test_a_face_may_take_only_some_shared_options():
    spec = module_argument_spec(shared=CONNECTION_OPTIONS, workspace_id=dict(type='str'))
    assert 'count_only' not in spec and 'auth_token' in spec and 'workspace_id' in spec
