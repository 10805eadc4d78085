# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The transport over real HTTP on 127.0.0.1, against the emulator running in-process."""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import socket
import subprocess

import pytest
import responses

from ansible_collections.dataarts.fabric.tests.unit.plugins.clients import make_client
from ansible_collections.dataarts.fabric.plugins.module_utils._http import body
from ansible_collections.dataarts.fabric.plugins.module_utils._http.identity import AkSkIdentity, TokenIdentity
from ansible_collections.dataarts.fabric.plugins.module_utils._config.loader import load_config
from ansible_collections.dataarts.fabric.plugins.module_utils._errors import FabricError
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.listing import list_sessions
from ansible_collections.dataarts.fabric.plugins.module_utils._http.retry import backoff, pause_before_retry
from ansible_collections.dataarts.fabric.plugins.module_utils._http.factory import open_client
from ansible_collections.dataarts.fabric.tests.emulator.fabric_emulator import FabricEmulator
from ansible_collections.dataarts.fabric.tests.unit.plugins.fake_fabric import load_connection, session_query

PATH = '/v1/workspaces/ws-101/sessions'
QUERY = [('limit', '100'), ('offset', '0')]


@pytest.fixture(scope='module')
def emulator():
    with FabricEmulator() as emu:
        yield emu


@pytest.fixture
def emu(emulator):
    emulator.reset()
    yield emulator


def client_for(emu, retries=3, timeout=5.0, identity=None, **kwargs):
    return make_client(emu.url, identity or TokenIdentity('emulator-token'), retries=retries, timeout=timeout,
                       backoff=0.01, **kwargs)


def statuses_seen(emu):
    return [entry['status'] for entry in emu.requests_log()]


@pytest.mark.parametrize('status', [408, 429, 500, 502, 503, 504])
def test_retryable_statuses_are_retried_and_reported(emu, status):
    emu.add_fault(kind='status', status=status, count=2)
    with client_for(emu) as client:
        response = client.get_json(PATH, QUERY)
        warnings = client.retry_warnings()
    assert len(response.data['sessions']) == 100
    assert statuses_seen(emu) == [status, status, 200]
    assert len(warnings) == 2
    assert warnings[0].startswith('retry 1 of 3 for GET %s?limit=100&offset=0 after HTTP %d (request id ' % (PATH, status))
    assert emu.requests_log()[0]['request_id'] in warnings[0]


@pytest.mark.parametrize('status', [400, 401, 403, 404])
def test_other_client_errors_are_never_retried(emu, status):
    emu.add_fault(kind='status', status=status, count=3)
    with client_for(emu) as client, pytest.raises(FabricError) as caught:
        client.get_json(PATH, QUERY)
    assert caught.value.status == status
    assert statuses_seen(emu) == [status]


def test_when_retries_run_out_the_last_answer_is_kept(emu):
    emu.add_fault(kind='status', status=429, count=5)
    with client_for(emu, retries=2) as client, pytest.raises(FabricError) as caught:
        client.get_json(PATH, QUERY)
    log = emu.requests_log()
    assert statuses_seen(emu) == [429, 429, 429]
    assert (caught.value.status, caught.value.error_code) == (429, 'APIG.1015')
    assert caught.value.error_msg and caught.value.request_id == log[-1]['request_id']


def test_retry_after_is_honoured(emu):
    emu.add_fault(kind='status', status=503, count=1, retry_after='1')
    with client_for(emu) as client:
        client.get_json(PATH, QUERY)
    first, second = emu.requests_log()
    assert second['time'] - first['time'] >= 0.9


def test_a_hostile_retry_after_is_capped():
    assert pause_before_retry(0.5, 1, 429, '86400') == 60


def test_backoff_grows_from_the_first_retry_with_jitter():
    waits = []
    for attempt in range(1, 6):
        waits.append(backoff(1.0, attempt))
        assert (2 ** (attempt - 1)) / 2 <= waits[-1] <= 2 ** (attempt - 1)
    assert waits[0] > 0


def test_dropped_connections_are_retried(emu):
    emu.add_fault(kind='drop', count=1)
    with client_for(emu) as client:
        assert len(client.get_json(PATH, QUERY).data['sessions']) == 100
        # The cause in words (how the drop reaches the client depends on the platform), not a class name.
        assert re.search(r'after (connection reset|a dropped connection)\Z', client.retry_warnings()[0])
    assert len(emu.requests_log()) == 2


def test_a_read_timeout_says_so_with_the_seconds_and_without_the_query(emu):
    emu.add_fault(kind='delay', seconds=2, count=3)
    with client_for(emu, retries=1, timeout=0.5) as client, pytest.raises(FabricError) as caught:
        client.get_json(PATH, QUERY)
    assert re.fullmatch(
        re.escape('timed out after 0.5 seconds waiting for a complete response from GET %s%s (timeout bounds'
                  ' connecting, the headers and the whole body) (gave up after 2 attempts in ' % (emu.url, PATH))
        + r'[0-9.]+' + re.escape(' s: retries 1, timeout 0.5 s, connect_timeout 0.5 s)'), str(caught.value))
    assert len(client.retry_warnings()) == 1


def test_a_truncated_body_fails_cleanly(emu):
    emu.add_fault(kind='truncate', count=1)
    with client_for(emu, retries=0) as client, pytest.raises(FabricError, match='truncated body'):
        client.get_json(PATH, QUERY)


def test_a_non_json_error_page_fails_cleanly(emu):
    emu.add_fault(kind='non_json', status=502, count=1)
    with client_for(emu, retries=0) as client, pytest.raises(FabricError) as caught:
        client.get_json(PATH, QUERY)
    assert 'HTTP 502' in str(caught.value) and 'not JSON' in str(caught.value)
    assert caught.value.request_id


def test_connection_refused_has_its_own_message():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
    with make_client('http://127.0.0.1:%d' % port, TokenIdentity('x'), retries=0) as client:
        with pytest.raises(FabricError, match=r'^GET http://127\.0\.0\.1:%d%s failed: connection refused by'
                                              r' 127\.0\.0\.1:%d' % (port, PATH, port)):
            client.get_json(PATH)


def test_dns_failure_has_its_own_message(monkeypatch):
    def no_dns(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, 'Name or service not known')

    monkeypatch.setattr(socket, 'getaddrinfo', no_dns)
    with make_client('https://fabric.nowhere.test', TokenIdentity('x'), retries=3, backoff=0) as client:
        with pytest.raises(FabricError, match=r'^GET https://fabric\.nowhere\.test%s failed: could not resolve the'
                                              r' host name of fabric\.nowhere\.test' % PATH):
            client.get_json(PATH)
        assert client.retry_warnings() == []  # a failed look-up is not retried


def test_a_host_derived_from_a_mistyped_region_names_the_region_and_the_closest_one(monkeypatch):
    def no_dns(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, 'Name or service not known')

    monkeypatch.setattr(socket, 'getaddrinfo', no_dns)
    monkeypatch.setenv('HW_REGION_NAME', 'cn-nort-4')
    connection = load_config({'auth_token': 'x', 'retries': 0}).connection
    with open_client(connection, 'test') as client, pytest.raises(FabricError) as caught:
        client.get_json(PATH)
    assert str(caught.value).endswith(
        'could not resolve the host name of fabric.cn-nort-4.myhuaweicloud.com (DNS lookup failed): check region'
        ' cn-nort-4 (from the environment variable HW_REGION_NAME), from which endpoint is derived (not a known'
        ' region: did you mean cn-north-4?)')


def test_a_refused_token_names_where_it_came_from_and_that_tokens_expire(emu, monkeypatch):
    monkeypatch.setenv('HW_AUTH_TOKEN', 'a-stale-token')
    with open_client(load_config({'endpoint': emu.url, 'retries': 0}).connection, 'test') as client:
        with pytest.raises(FabricError) as caught:
            client.get_json(PATH, QUERY)
    assert caught.value.status == 401
    assert str(caught.value).split('; error_code', maxsplit=1)[0].endswith(
        ' -- the API refused auth_token (from the environment variable HW_AUTH_TOKEN): IAM tokens are valid for 24'
        ' hours; get a new one (or let the collection get them with username and password)')
    assert 'a-stale-token' not in str(caught.value)


def test_a_refused_signature_names_the_keys_and_the_clock(emu):
    raw = {'endpoint': emu.url, 'retries': 0, 'access_key': 'WRONGAK', 'secret_key': 'wrong-secret', 'project_id': 'p1'}
    with open_client(load_config(raw).connection, 'test') as client, pytest.raises(FabricError) as caught:
        client.get_json(PATH, QUERY)
    message = str(caught.value)
    assert caught.value.status == 401 and 'wrong-secret' not in message
    assert ('the API refused the signature made with access_key, secret_key: check that the access key and the'
            ' secret key belong together') in message and "the gateway's clock" in message


def test_a_host_that_accepts_no_connection_fails_after_connect_timeout():
    """A listening socket whose accept queue is full: the next connection is never accepted (Linux drops the
    SYN), so only connect_timeout can end it."""
    server = socket.socket()
    server.bind(('127.0.0.1', 0))
    server.listen(0)
    fillers = []
    try:
        for _index in range(8):
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(server.getsockname())
            fillers.append(filler)
        url = 'http://127.0.0.1:%d' % server.getsockname()[1]
        with make_client(url, TokenIdentity('x'), retries=0, timeout=30, connect_timeout=0.3) as client:
            with pytest.raises(FabricError) as caught:
                client.get_json(PATH)
    finally:
        for filler in fillers:
            filler.close()
        server.close()
    assert 'timed out after 0.3 seconds connecting to 127.0.0.1' in str(caught.value)
    assert '(connect_timeout)' in str(caught.value)


def test_an_oversized_body_is_refused():
    with responses.RequestsMock() as mock:
        mock.add(responses.GET, 'https://fabric.example.test' + PATH, body=b' ' * (body.MAX_BODY_BYTES + 1))
        with make_client('https://fabric.example.test', TokenIdentity('x'), retries=0) as client:
            with pytest.raises(FabricError, match='body larger than 8388608 bytes'):
                client.get_json(PATH)


def test_the_emulator_accepts_our_signature_end_to_end(emu):
    identity = AkSkIdentity('EMULATORAK', 'EMULATORSK', project_id='proj-1', security_token='sts-token')
    with client_for(emu, identity=identity) as client:
        listing = list_sessions(client, session_query('ws-101'))
    assert len(listing.sessions) == 101
    assert [entry['auth'] for entry in emu.requests_log()] == ['aksk', 'aksk']


def test_a_wrong_secret_key_is_rejected_by_the_emulator(emu):
    with client_for(emu, identity=AkSkIdentity('EMULATORAK', 'WRONG', project_id='p')) as client:
        with pytest.raises(FabricError) as caught:
            client.get_json(PATH, QUERY)
    assert (caught.value.status, caught.value.error_code) == (401, 'APIG.0301')


def test_a_stale_signature_is_rejected_as_expired(emu):
    stale = AkSkIdentity('EMULATORAK', 'EMULATORSK', project_id='p', clock=lambda: datetime.datetime(
        2020, 1, 1, tzinfo=datetime.timezone.utc))
    with client_for(emu, identity=stale) as client, pytest.raises(FabricError, match='request expired'):
        client.get_json(PATH, QUERY)


@pytest.fixture(scope='module')
def tls_files(tmp_path_factory):
    if not shutil.which('openssl'):
        pytest.skip('openssl is needed to make a test certificate')
    folder = tmp_path_factory.mktemp('tls')
    cert, key = str(folder / 'cert.pem'), str(folder / 'key.pem')
    subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
                    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert],
                   check=True, capture_output=True)
    return cert, key


@pytest.fixture(scope='module')
def tls_emulator(tls_files):
    with FabricEmulator(certfile=tls_files[0], keyfile=tls_files[1]) as emu:
        yield emu


def test_an_unknown_ca_fails_tls_verification(tls_emulator):
    with client_for(tls_emulator, retries=0) as client, pytest.raises(FabricError) as caught:
        client.get_json(PATH, QUERY)
    assert str(caught.value).startswith('GET %s%s failed: the certificate of 127.0.0.1:%d is not signed by a CA this'
                                        ' host trusts' % (tls_emulator.url, PATH, tls_emulator.port))
    assert 'set ca_path' in str(caught.value)


def test_ca_path_trusts_a_private_ca_even_with_requests_ca_bundle_set(tls_emulator, tls_files, monkeypatch):
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', os.devnull)
    with client_for(tls_emulator, verify=tls_files[0]) as client:
        assert client.get_json(PATH, QUERY).data['total'] == 101


def test_validate_certs_false_wins_over_requests_ca_bundle(tls_emulator, monkeypatch):
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', os.devnull)
    with client_for(tls_emulator, verify=False) as client:
        assert client.get_json(PATH, QUERY).data['total'] == 101


def test_an_expired_signature_is_explained_as_clock_skew(emu):
    stale = AkSkIdentity('EMULATORAK', 'EMULATORSK', project_id='p', clock=lambda: datetime.datetime(
        2020, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc))
    with client_for(emu, identity=stale) as client, pytest.raises(FabricError) as caught:
        client.get_json(PATH, QUERY)
    text = str(caught.value)
    assert 'signed at 2020-01-02 03:04:05 UTC by this host\'s clock (X-Sdk-Date 20200102T030405Z)' in text
    assert 'clock skew' in text and caught.value.error_code == 'APIG.0301'


def test_other_401s_are_not_called_clock_skew(emu):
    with client_for(emu, identity=TokenIdentity('wrong-token')) as client, pytest.raises(FabricError) as caught:
        client.get_json(PATH, QUERY)
    assert caught.value.status == 401 and 'clock' not in str(caught.value)


def derived_params(**given):
    return load_connection(auth_token='emulator-token', retries=0, **given)


def test_the_derived_european_url_is_what_goes_to_the_proxy(emu):
    """The emulator is the proxy: it records the CONNECT target without any real host being contacted."""
    params = derived_params(region='eu-west-101', proxy=emu.url)
    with open_client(params, 'test') as client, pytest.raises(FabricError, match='failed at the proxy'):
        client.get_json(PATH, QUERY)
    [entry] = emu.requests_log()
    assert entry['method'] == 'CONNECT'
    assert 'fabric.eu-west-101.myhuaweicloud.eu:443' in json.dumps(entry)


def test_https_proxy_from_the_environment_is_used(emu, monkeypatch):
    monkeypatch.setenv('HTTPS_PROXY', emu.url)
    params = derived_params(region='ap-southeast-3', cloud='private.example')
    with open_client(params, 'test') as client, pytest.raises(FabricError, match='failed at the proxy'):
        client.get_json(PATH, QUERY)
    assert 'fabric.ap-southeast-3.private.example:443' in json.dumps(emu.requests_log())


def test_the_proxy_option_wins_over_the_environment(emu, monkeypatch):
    monkeypatch.setenv('HTTP_PROXY', 'http://127.0.0.1:9')  # nothing listens on the discard port
    monkeypatch.setenv('NO_PROXY', '')
    params = derived_params(endpoint='http://fabric.example.test', allow_plain_http=True, proxy=emu.url)
    with open_client(params, 'test') as client:
        assert client.get_json(PATH, QUERY).data['total'] == 101
    [entry] = emu.requests_log()
    assert entry['proxy_url'] == 'http://fabric.example.test%s?limit=100&offset=0' % PATH


def test_no_proxy_sends_loopback_traffic_direct(emu, monkeypatch):
    with FabricEmulator() as proxy:
        monkeypatch.setenv('HTTP_PROXY', proxy.url)
        monkeypatch.setenv('NO_PROXY', '127.0.0.1')
        with client_for(emu) as client:
            assert client.get_json(PATH, QUERY).data['total'] == 101
        assert proxy.requests_log() == [] and len(emu.requests_log()) == 1
        monkeypatch.setenv('NO_PROXY', '')
        with client_for(emu) as client:
            assert client.get_json(PATH, QUERY).data['total'] == 101
        assert proxy.requests_log()[0]['proxy_url'].startswith(emu.url + PATH)
