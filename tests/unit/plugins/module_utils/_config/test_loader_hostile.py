# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Inputs a play can get wrong, refused by the loader before any request, naming the option and the rule
and never the value of a secret; secrets with white space around them work."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ansible_collections.dataarts.fabric.plugins.module_utils._config.loader import load_config
from ansible_collections.dataarts.fabric.plugins.module_utils._config.secrets import SECRET_OPTIONS
from ansible_collections.dataarts.fabric.plugins.module_utils._errors import FabricError
from ansible_collections.dataarts.fabric.plugins.module_utils._redact import Redactor
from ansible_collections.dataarts.fabric.plugins.module_utils._config.options import ALL_OPTIONS


@pytest.fixture(autouse=True)
def empty_home(tmp_path, monkeypatch):
    monkeypatch.setenv('HOME', str(tmp_path))
    for name in ('HTTPS_PROXY', 'HTTP_PROXY', 'https_proxy', 'http_proxy', 'ALL_PROXY', 'all_proxy'):
        monkeypatch.delenv(name, raising=False)


def raw(**given):
    values = {option.name: option.default for option in ALL_OPTIONS}
    values.update(endpoint='https://fabric.example.test', auth_token='t0ken-value')
    values.update(given)
    return values


def refused(**given):
    with pytest.raises(FabricError) as caught:
        load_config(raw(**given), environ={})
    return str(caught.value)


# A secret that is a piece of the message's own words ('ca_p' in 'ca_path') is no leak: such examples are
# skipped by comparing with the message a placeholder secret of the same length gets.
PLACEHOLDER = 'Q'


def coincides(forms, message_for_placeholder):
    return any(form in message_for_placeholder for form in forms)


def every_form(secret):
    return {secret, repr(secret)[1:-1], json.dumps(secret)[1:-1], quote(secret, safe=''), secret.strip()} - {''}


AUTH = {
    'auth_token': {},
    'secret_key': {'auth_token': None, 'access_key': 'AKEXAMPLE', 'project_id': 'P1'},
    'security_token': {'auth_token': None, 'access_key': 'AKEXAMPLE', 'secret_key': 'sk-value', 'project_id': 'P1'},
    'password': {'auth_token': None, 'username': 'u', 'domain_name': 'd', 'project_name': 'cn-north-4',
                 'iam_endpoint': 'https://iam.example.test'},
}
secret_text = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=4, max_size=40)
control = st.sampled_from(['\n', '\r\n', '\t', '\x00', '\x1b[2J', '\x7f', '\u2028'])


@settings(max_examples=150, deadline=None)
@given(option=st.sampled_from(sorted(AUTH)), secret=secret_text, before=st.sampled_from(['', ' ', '\n', '\t ']),
       after=st.sampled_from(['', '\n', ' \r\n', '\t']))
def test_white_space_around_a_secret_is_stripped(option, secret, before, after):
    config = load_config(raw(**dict(AUTH[option], **{option: before + secret + after})), environ={})
    assert getattr(config.connection.credentials, option) == secret


@settings(max_examples=150, deadline=None)
@given(option=st.sampled_from(sorted(AUTH)), head=secret_text, inner=control, tail=secret_text)
def test_control_characters_inside_a_secret_are_refused_without_echoing_it(option, head, inner, tail):
    secret = head + inner + tail
    forms = every_form(secret) | {head, tail}
    neutral = PLACEHOLDER * len(head) + inner + PLACEHOLDER * len(tail)
    assume(not coincides(forms, refused(**dict(AUTH[option], **{option: neutral}))))
    message = refused(**dict(AUTH[option], **{option: secret}))
    assert option in message and 'control characters' in message
    for form in forms:
        assert form not in message


@settings(max_examples=100, deadline=None)
@given(secret=secret_text, where=st.sampled_from(['endpoint', 'region', 'page_size', 'proxy', 'ca_path']))
def test_no_refusal_shows_a_secret_configured_beside_it(secret, where):
    def message_with(secret_key):
        bad = {'endpoint': 'http://[::1', 'region': 'Bad_Region', 'page_size': True,
               'proxy': 'ftp://u:%s@proxy' % secret_key, 'ca_path': '/nonexistent/ca.pem'}[where]
        return refused(auth_token=None, access_key='AKEXAMPLE', secret_key=secret_key, **{where: bad})

    neutral = message_with(PLACEHOLDER * len(secret))
    assume(not coincides(every_form(secret), neutral))
    message = message_with(secret)
    assert Redactor([secret]).text(message) == message, 'the message held the secret'
    assert message == neutral, 'the message depends on the secret'


@pytest.mark.parametrize('given,message', [
    ({'endpoint_id': ''}, "endpoint_id is empty: give an ID"),
    ({'session_id': '  '}, "session_id is empty: give an ID"),
    ({'status': ['RUNNING', '']}, 'status holds an empty entry'),
])
def test_blank_filters_are_refused_and_point_to_omit(given, message):
    text = refused(**given)
    assert message in text and 'omit' in text


@pytest.mark.parametrize('given,message', [
    ({'endpoint': 'http://[::1'}, 'endpoint is not a valid URL'),
    ({'endpoint': 'https://fabric.example.test\n'}, None),
    ({'endpoint': 'https://fabric.example.test\t/x'}, 'endpoint must not contain control characters'),
    ({'endpoint': 'https://fabric.example.test /x'}, 'endpoint must be a URL without white space'),
    ({'endpoint': 'https://fabric.example.test:99999'}, 'endpoint is not a valid URL (Port out of range'),
    ({'endpoint': 'https://fabric.example.test/v1'}, 'without /v1'),
    ({'endpoint': 'https://fabric.-b\u00fccher.example'},
     'endpoint has a host name that cannot be written in IDNA form (Label must not start or end with a hyphen)'),
    ({'iam_endpoint': 'https://iam.\u00fc\u00fc..example', 'auth_token': None, 'username': 'u', 'password': 'p',
      'domain_name': 'd', 'project_name': 'cn-north-4'}, 'iam_endpoint has a host name that cannot be written'),
    ({'timeout': float('inf')}, 'timeout must be a number of seconds greater than 0'),
    ({'timeout': float('nan')}, 'timeout must be a number of seconds greater than 0'),
    ({'total_timeout': -1.0}, 'total_timeout must be a number of seconds greater than 0'),
    ({'page_size': True}, 'page_size must be an integer, got True'),
    ({'concurrency': 2.5}, 'concurrency must be an integer'),
    ({'retries': False}, 'retries must be an integer'),
    ({'validate_certs': 'yes please'}, 'validate_certs must be true or false'),
    ({'ca_path': '/nonexistent/ca.pem'}, 'ca_path /nonexistent/ca.pem does not exist'),
    ({'proxy': 'http://[::1'}, 'proxy must be an http:// or https:// URL'),
    ({'auth_token': 'tok\u00e9n'}, 'auth_token must be printable ASCII without spaces'),
    ({'auth_token': 'two words'}, 'auth_token must be printable ASCII without spaces'),
])
def test_values_are_refused_before_any_request(given, message):
    if message is None:  # surrounding white space is stripped: the endpoint works
        assert load_config(raw(**given), environ={}).connection.base_url == 'https://fabric.example.test'
        return
    assert message in refused(**given)


def test_a_ca_path_that_is_a_directory_or_no_bundle_is_refused(tmp_path):
    assert 'is a directory' in refused(ca_path=str(tmp_path))
    not_a_bundle = tmp_path / 'ca.pem'
    not_a_bundle.write_text('not a certificate\n')
    text = refused(ca_path=str(not_a_bundle))
    assert 'holds no PEM CA certificate' in text and 'validate_certs' not in text


def test_plain_http_to_loopback_through_a_proxy_is_refused(monkeypatch):
    monkeypatch.setenv('HTTP_PROXY', 'http://user:pr0xy-pass@127.0.0.1:3128')
    monkeypatch.setenv('NO_PROXY', '')
    text = refused(endpoint='http://127.0.0.1:8080')
    assert 'through a proxy' in text and 'pr0xy-pass' not in text
    monkeypatch.setenv('NO_PROXY', '127.0.0.1')
    assert load_config(raw(endpoint='http://127.0.0.1:8080'), environ={}).connection.base_url == 'http://127.0.0.1:8080'


def test_a_proxy_option_with_a_password_is_a_secret_of_the_connection():
    connection = load_config(raw(proxy='http://user:pa%24%24word@127.0.0.1:3128'), environ={}).connection
    assert 'pa$$word' in connection.secrets() and 'pa%24%24word' in connection.secrets()
    assert 'pa$$word' not in repr(connection) and 'pa%24%24word' not in repr(connection)


def test_every_secret_option_is_no_log():
    assert set(SECRET_OPTIONS) == {'auth_token', 'secret_key', 'security_token', 'password', 'proxy'}


def test_repr_of_the_configuration_holds_no_secret():
    config = load_config(raw(auth_token='s3cr3t-t0ken', proxy='http://u:pr0xy@127.0.0.1:1'), environ={})
    assert 's3cr3t-t0ken' not in repr(config) and 'pr0xy' not in repr(config)


def test_all_proxy_counts_as_a_proxy_for_plain_http(monkeypatch):
    monkeypatch.setenv('ALL_PROXY', 'http://127.0.0.1:3128')
    assert 'through a proxy' in refused(endpoint='http://127.0.0.1:8080')


@pytest.mark.parametrize('name', ['retries', 'page_size', 'concurrency', 'max_results', 'timeout', 'total_timeout',
                                  'retry_backoff'])
def test_a_huge_integer_is_refused_not_a_crash(name):
    message = refused(**{name: 10 ** 400})
    assert message.startswith(name) and len(message) < 300


def test_a_long_wrong_value_is_shown_cut():
    message = refused(endpoint_id='e' * 1000000)
    assert 'endpoint_id must be' in message and len(message) < 300 and '(1000002 characters)' in message


def test_proxy_passwords_from_the_environment_are_secrets_of_the_client(monkeypatch):
    from ansible_collections.dataarts.fabric.plugins.module_utils._http.factory import open_client
    monkeypatch.setenv('HTTPS_PROXY', 'http://alice:Pr0xy-PASSWORD-42@127.0.0.1:3128')
    client = open_client(load_config(raw(), environ={}).connection, 'test')
    text = client.redactor.text('407: Pr0xy-PASSWORD-42 refused (Basic YWxpY2U6UHIweHktUEFTU1dPUkQtNDI=)')
    assert 'Pr0xy' not in text and 'YWxpY2U6UHIweHktUEFTU1dPUkQtNDI=' not in text


@pytest.mark.parametrize('option', ['endpoint', 'iam_endpoint'])
def test_a_non_ascii_host_is_kept_in_its_idna_form(option):
    given = {option: 'https://Fabric.B\u00fccher.example:8443/'}
    if option == 'iam_endpoint':
        given.update(auth_token=None, username='u', password='p', domain_name='d', project_name='cn-north-4')
    connection = load_config(raw(**given), environ={}).connection
    url = connection.base_url if option == 'endpoint' else connection.iam_url
    assert url == 'https://fabric.xn--bcher-kva.example:8443'
