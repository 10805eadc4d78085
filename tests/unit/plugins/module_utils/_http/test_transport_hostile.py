# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The transport against answers outside the contract, sent raw over loopback: whatever comes back, the
client ends with a page or with a FabricError that names the request, is short, and holds no control
characters and no secret."""

from __future__ import annotations

import json
import threading
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.dataarts.fabric.tests.unit.plugins.clients import make_client
from ansible_collections.dataarts.fabric.plugins.module_utils._http.identity import TokenIdentity
from ansible_collections.dataarts.fabric.plugins.module_utils._errors import FabricError
from ansible_collections.dataarts.fabric.plugins.module_utils._redact import Redactor
from ansible_collections.dataarts.fabric.plugins.module_utils._http.retry import parse_retry_after
from ansible_collections.dataarts.fabric.tests.emulator.fabric_emulator import FabricEmulator
from ansible_collections.dataarts.fabric.tests.unit.plugins.scripted_server import ScriptedServer, answer

TOKEN = 'tok-3xample-s3cret'
PATH = '/v1/workspaces/ws-1/sessions'
QUERY = [('limit', '100'), ('offset', '0')]
PAGE = json.dumps({'sessions': [], 'total': 0}).encode()
MESSAGE_LIMIT = 12000


def client_for(server, **kwargs):
    kwargs.setdefault('retries', 0)
    kwargs.setdefault('timeout', 5)
    return make_client(server.url, TokenIdentity(TOKEN), backoff=0, redactor=Redactor([TOKEN]), **kwargs)


def failure(server, **kwargs):
    with client_for(server, **kwargs) as client, pytest.raises(FabricError) as caught:
        client.get_json(PATH, QUERY)
    return caught.value


def assert_clean(error):
    text = str(error)
    assert ('GET %s' % server_path_hint()) in text or 'GET http://127.0.0.1' in text
    assert len(text) < MESSAGE_LIMIT
    assert text.isprintable()
    assert TOKEN not in text


def server_path_hint():
    return PATH


nested = st.integers(40, 200000).map(lambda depth: b'[' * depth + b']' * depth)
bodies = st.one_of(
    st.just(b''), st.binary(max_size=300), st.just(b'<html>' + b'<' * 200000),
    nested, nested.map(lambda inner: b'{"error_code": "X", "error_msg": ' + inner + b'}'),
    st.text(max_size=200).map(lambda text: json.dumps({'error_code': 'E.1', 'error_msg': text}).encode()),
    st.just(json.dumps({'error_msg': 'x' * 100000}).encode()),
)
odd_header_values = st.one_of(
    st.just('1.5'), st.just('-5'), st.just('soon'), st.just('9' * 3000), st.just('\u0661\u0662\u0663'),
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255), max_size=30))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(status=st.sampled_from([200, 400, 401, 403, 404, 429, 500, 502, 503]), body=bodies,
       retry_after=odd_header_values, request_id=st.text(max_size=60), length=st.sampled_from([None, '9' * 5000, '\u0661\u0662']))
def test_any_raw_answer_ends_as_a_page_or_a_clean_error(status, body, retry_after, request_id, length):
    headers = [('Retry-After', retry_after), ('X-Request-Id', request_id + '\x1b[2J')]
    with ScriptedServer([answer(status, 'Reason\x1b]0;owned\x07', headers, body, content_length=length)]) as server:
        with client_for(server) as client:
            try:
                client.get_json(PATH, QUERY)
            except FabricError as error:
                assert_clean(error)
                if length is None and status != 200:
                    assert error.status == status
                assert error.request_id is None or error.request_id.isprintable()


def test_a_500_with_a_deeply_nested_body_keeps_its_status():
    body = b'{"error_msg": ' + b'[' * 100000 + b']' * 100000 + b'}'
    with ScriptedServer([answer(500, 'Internal Server Error', [('X-Request-Id', 'rid-1')], body)]) as server:
        error = failure(server)
    assert (error.status, error.request_id) == (500, 'rid-1')
    assert_clean(error)


def test_a_page_nested_a_million_deep_is_a_clean_error():
    body = b'[' * 1000000 + b']' * 1000000
    with ScriptedServer([answer(200, 'OK', [], body)]) as server:
        error = failure(server)
    assert error.status == 200 and 'nested' in str(error)


def test_megabytes_of_markup_are_excerpted_quickly():
    with ScriptedServer([answer(502, 'Bad Gateway', [], b'<' * (7 * 1024 * 1024))]) as server:
        error = failure(server)
    assert error.status == 502 and len(str(error)) < 1000


def test_error_text_is_kept_to_its_documented_length_and_marked_as_cut():
    body = json.dumps({'error_code': 'E', 'error_msg': 'm' * 50000, 'solution_msg': 's' * 50000}).encode()
    with ScriptedServer([answer(400, 'Bad Request', [], body)]) as server:
        error = failure(server)
    assert error.error_msg.startswith('m' * 4096) and 'cut: 50000 characters' in error.error_msg
    assert len(error.solution_msg) < 4200


@pytest.mark.parametrize('retry_after', ['1.5', '-5', 'soon', '9' * 40, '\u0661'])
def test_an_odd_retry_after_is_not_fatal(retry_after):
    pauses = []
    # the pause is recorded, not slept (the transport's own pause waits on the wall clock): a Retry-After of
    # 40 digits is honoured as the 60 s cap, the others are not usable and leave the backoff (0 here)
    answers = [answer(503, 'Service Unavailable', [('Retry-After', retry_after)], b'{}'), answer(200, 'OK', [], PAGE)]
    with ScriptedServer(answers) as server, client_for(server, retries=1, sleep=pauses.append) as client:
        assert client.get_json(PATH, QUERY).data == {'sessions': [], 'total': 0}
        assert len(client.retry_events) == 1
    assert pauses == [60.0 if retry_after == '9' * 40 else 0.0]


@pytest.mark.parametrize('value,expected', [('3', 3.0), ('1.5', None), ('-5', None), ('soon', None),
                                            ('9' * 30, 60.0), ('\u0661\u0662', None), ('', None)])
def test_retry_after_values(value, expected):
    assert parse_retry_after(value) == expected


def test_timeout_bounds_the_whole_body_not_each_read():
    """A body trickled at one byte every 0.2 s would take 8 s; a 1 s timeout must end it."""
    with ScriptedServer([answer(200, 'OK', [], b' ' * 40 + PAGE, trickle=0.2)]) as server:
        error = failure(server, timeout=1)
    assert 'timed out after 1 second' in str(error) and 'whole body' in str(error)


def test_the_retries_of_one_call_share_one_budget():
    """retries=1 with concurrency 1: a budget of 2 retries for the whole call, whatever the pages."""
    with ScriptedServer([answer(503, 'Service Unavailable', [], b'{}')]) as server:
        with client_for(server, retries=1, concurrency=1) as client:
            with client.call():
                for _page in range(2):
                    with pytest.raises(FabricError):
                        client.get_json(PATH, QUERY)
                with pytest.raises(FabricError) as caught:
                    client.get_json(PATH, QUERY)
        assert len(client.retry_events) == 2 and len(server.requests) == 5
    assert caught.value.status == 503


def test_netrc_is_never_read(tmp_path, monkeypatch):
    netrc = tmp_path / '.netrc'
    netrc.write_text('machine 127.0.0.1 login someone password netrc-pa55\n')
    netrc.chmod(0o600)
    monkeypatch.setenv('HOME', str(tmp_path))
    monkeypatch.setenv('NETRC', str(netrc))
    with ScriptedServer([answer(200, 'OK', [], PAGE)]) as server, client_for(server) as client:
        client.get_json(PATH, QUERY)
    [request] = server.requests
    assert b'authorization:' not in request.lower() and b'x-auth-token: ' + TOKEN.encode() in request.lower()


@pytest.mark.parametrize('form', [TOKEN, repr(TOKEN), json.dumps(TOKEN), TOKEN.replace('-', '%2D')])
def test_a_secret_quoted_back_by_the_service_is_removed(form):
    body = json.dumps({'error_code': 'APIG.1002', 'error_msg': 'bad token %s' % form,
                       'solution_msg': 'do not send %s' % form}).encode()
    with ScriptedServer([answer(401, 'Unauthorized %s' % form, [('X-Request-Id', form)], body)]) as server:
        error = failure(server)
    every_field = json.dumps([str(error), error.details()])
    assert TOKEN not in every_field and TOKEN.replace('-', '%2D') not in every_field


def test_a_redirect_is_not_followed_and_names_the_option():
    with ScriptedServer([answer(302, 'Found', [('Location', 'https://elsewhere.test/\x1b[31m')], b'')]) as server:
        error = failure(server)
    assert error.status == 302 and 'set the endpoint option' in str(error) and str(error).isprintable()


def test_total_timeout_bounds_retries_and_their_waits():
    """A 503 asking to come back in 4 s, with total_timeout 1: the call ends instead of sleeping past it."""
    answers = [answer(503, 'Service Unavailable', [('Retry-After', '4')], b'{}')]
    with ScriptedServer(answers) as server:
        error = failure(server, retries=2, timeout=1, total_timeout=1)
        assert len(server.requests) == 1
    assert 'ran out of its total_timeout of 1 second' in str(error)


def test_total_timeout_cuts_an_attempt_that_would_outlast_it():
    with ScriptedServer([answer(200, 'OK', [], b' ' * 40 + PAGE, trickle=0.2)]) as server:
        error = failure(server, retries=3, timeout=30, total_timeout=1)
    assert 'total_timeout of 1 second' in str(error) or 'timed out after' in str(error)
    assert len(server.requests) <= 2


def test_a_proxy_that_refuses_the_tunnel_is_not_asked_again():
    """A refused CONNECT is the proxy's answer: retrying it only repeats it (a proxy that is down is retried)."""
    with ScriptedServer([answer(405, 'Method Not Allowed', [], b'')]) as proxy:
        with make_client('https://fabric.example.test', TokenIdentity(TOKEN), retries=3, backoff=0,
                         proxy=proxy.url) as client, pytest.raises(FabricError) as caught:
            client.get_json(PATH, QUERY)
        assert len(proxy.requests) == 1 and proxy.requests[0].startswith(b'CONNECT fabric.example.test:443')
    assert 'failed at the proxy' in str(caught.value) and client.retry_events == []


@pytest.mark.parametrize('fault', [{'kind': 'delay', 'seconds': 600},  # a request held by the gateway
                                   {'kind': 'status', 'status': 429, 'retry_after': '600'}])  # a pause to retry
def test_an_abort_from_another_thread_ends_the_request_at_once(fault):
    with FabricEmulator(tokens=[TOKEN]) as emu:
        emu.add_fault(**fault)
        client = make_client(emu.url, TokenIdentity(TOKEN), retries=3, timeout=300, total_timeout=900, backoff=0)
        outcome = []
        caller = threading.Thread(target=lambda: outcome.append(_outcome(client)))
        caller.start()
        while not emu.requests_log():
            time.sleep(0.02)
        client.transport.abort()
        caller.join(30)  # a bound against hanging: the gateway would answer after 600 s
        assert not caller.is_alive()
        assert outcome == ['GET %s/v1/workspaces/ws-1/sessions was cancelled: the caller is stopping' % emu.url]
        assert len(emu.requests_log()) == 1 and _outcome(client).endswith('was cancelled: the caller is stopping')
        client.close()


def _outcome(client):
    try:
        client.get_json(PATH, QUERY)
    except FabricError as exc:
        return str(exc)
    return 'answered'
