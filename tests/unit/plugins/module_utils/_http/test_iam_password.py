# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Username/password exchanged for an IAM token: fetched once, shared, renewed once after HTTP 401."""

from __future__ import annotations

import datetime
import json

import pytest
import responses

from ansible_collections.dataarts.fabric.plugins.module_utils._http.identity import ExchangedTokenIdentity
from ansible_collections.dataarts.fabric.plugins.module_utils._errors import FabricError
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.listing import list_sessions
from ansible_collections.dataarts.fabric.plugins.module_utils._http.factory import open_client
from ansible_collections.dataarts.fabric.tests.unit.plugins.fake_fabric import (
    ENDPOINT,
    URL_PATTERN,
    FakeFabric,
    load_connection,
    make_sessions,
    session_query,
)

IAM_URL = 'https://iam.example.test/v3/auth/tokens'
PASSWORD = 'Pa55-w0rd!'


def password_params(**overrides):
    values = dict(endpoint=ENDPOINT, iam_endpoint='https://iam.example.test', username='robot', password=PASSWORD,
                  domain_name='acme', project_name='cn-north-4', retries=0, concurrency=4)
    values.update(overrides)
    return load_connection(**values)


class FakeIam:
    def __init__(self, mock, statuses=(201,)):
        self.bodies, self.statuses = [], list(statuses)
        mock.add_callback(responses.POST, IAM_URL, callback=self._serve)

    def _serve(self, request):
        self.bodies.append(json.loads(request.body))
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        if status != 201:
            return status, {'X-Request-Id': 'iam-rid'}, json.dumps(
                {'error': {'code': 401, 'message': 'The username or password is wrong.', 'title': 'Unauthorized'}})
        token = 'iam-token-%d' % len(self.bodies)
        return 201, {'X-Subject-Token': token, 'X-Request-Id': 'iam-ok'}, json.dumps(
            {'token': {'expires_at': '2999-01-01T00:00:00.000000Z', 'methods': ['password']}})


def test_one_token_serves_every_page_and_is_scoped_as_asked(mock):
    iam = FakeIam(mock)
    fake = FakeFabric(mock, {'ws': make_sessions(450)})
    with open_client(password_params(), 'test') as client:
        listing = list_sessions(client, session_query('ws'), concurrency=4)
    assert len(listing.sessions) == 450
    assert iam.bodies == [{'auth': {
        'identity': {'methods': ['password'],
                     'password': {'user': {'name': 'robot', 'password': PASSWORD, 'domain': {'name': 'acme'}}}},
        'scope': {'project': {'name': 'cn-north-4'}}}}]
    assert {headers['X-Auth-Token'] for _path, _query, headers in fake.requests} == {'iam-token-1'}


def test_project_id_wins_as_the_scope(mock):
    iam = FakeIam(mock)
    FakeFabric(mock, {'ws': []})
    with open_client(password_params(project_id='0123abc'), 'test') as client:
        list_sessions(client, session_query('ws'))
    assert iam.bodies[0]['auth']['scope'] == {'project': {'id': '0123abc'}}


def test_a_401_fetches_a_new_token_once_and_succeeds(mock):
    iam = FakeIam(mock)
    mock.add(responses.GET, URL_PATTERN, status=401, json={'error_code': 'APIG.1002', 'error_msg': 'expired'})
    mock.add(responses.GET, URL_PATTERN, json={'sessions': [], 'total': 0})
    with open_client(password_params(), 'test') as client:
        assert list_sessions(client, session_query('ws')).total == 0
    assert [call.request.headers.get('X-Auth-Token') for call in mock.calls if call.request.method == 'GET'] == [
        'iam-token-1', 'iam-token-2']
    assert len(iam.bodies) == 2


def test_a_second_401_is_reported(mock):
    FakeIam(mock)
    mock.add(responses.GET, URL_PATTERN, status=401, headers={'X-Request-Id': 'rid-401'},
             json={'error_code': 'APIG.1002', 'error_msg': 'Incorrect token or token resolution failed'})
    with open_client(password_params(), 'test') as client, pytest.raises(FabricError) as caught:
        list_sessions(client, session_query('ws'))
    assert (caught.value.status, caught.value.error_code, caught.value.request_id) == (401, 'APIG.1002', 'rid-401')
    assert len([call for call in mock.calls if call.request.method == 'GET']) == 2


def test_a_wrong_password_fails_with_the_iam_error_and_no_secret(mock):
    FakeIam(mock, statuses=(401,))
    with open_client(password_params(), 'test') as client, pytest.raises(FabricError) as caught:
        list_sessions(client, session_query('ws'))
    assert caught.value.status == 401 and caught.value.error_msg == 'The username or password is wrong.'
    assert caught.value.request_id == 'iam-rid'
    assert str(caught.value).startswith('getting a token from IAM (iam_endpoint https://iam.example.test) failed:'
                                        ' POST %s failed: HTTP 401' % IAM_URL)
    assert PASSWORD not in str(caught.value)


def test_an_answer_without_a_token_is_an_error(mock):
    mock.add(responses.POST, IAM_URL, status=201, json={'token': {}})
    with open_client(password_params(), 'test') as client, pytest.raises(FabricError, match='without an X-Subject'):
        list_sessions(client, session_query('ws'))


def test_a_token_about_to_expire_is_renewed_before_use():
    now = [datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)]
    start = now[0]
    tokens = iter([('first', start + datetime.timedelta(hours=24)), ('second', start + datetime.timedelta(hours=48))])
    asked = []
    identity = ExchangedTokenIdentity(lambda: asked.append(1) or next(tokens), clock=lambda: now[0])
    assert identity.headers_for('GET', 'https://x') == {'X-Auth-Token': 'first'}
    now[0] = start + datetime.timedelta(hours=23, minutes=57)  # three minutes before it expires
    assert identity.headers_for('GET', 'https://x') == {'X-Auth-Token': 'second'}
    assert identity.headers_for('GET', 'https://x') == {'X-Auth-Token': 'second'}
    assert len(asked) == 2


def test_a_token_issued_about_to_expire_is_used_as_it_is():
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    tokens = iter([('first', now + datetime.timedelta(minutes=3)), ('second', now + datetime.timedelta(hours=24))])
    asked = []
    identity = ExchangedTokenIdentity(lambda: asked.append(1) or next(tokens), clock=lambda: now)
    assert identity.headers_for('GET', 'https://x') == {'X-Auth-Token': 'first'}
    assert identity.headers_for('GET', 'https://x') == {'X-Auth-Token': 'first'}
    assert len(asked) == 1


def test_a_refresh_after_another_thread_renewed_keeps_the_new_token():
    tokens = iter([('first', None), ('second', None)])
    asked = []
    identity = ExchangedTokenIdentity(lambda: asked.append(1) or next(tokens))
    stale = identity.headers_for('GET', 'https://x')
    assert identity.refresh(stale) is True
    fresh = identity.headers_for('GET', 'https://x')
    assert identity.refresh(stale) is True  # a late 401 for the old token
    assert identity.headers_for('GET', 'https://x') == fresh == {'X-Auth-Token': 'second'}
    assert len(asked) == 2


def test_an_iam_503_is_retried_like_the_api(mock):
    iam = FakeIam(mock, statuses=(503, 201))
    FakeFabric(mock, {'ws': make_sessions(3)})
    with open_client(password_params(retries=2, retry_backoff=0), 'test') as client:
        listing = list_sessions(client, session_query('ws'))
        warnings = client.retry_warnings()
    assert len(listing.sessions) == 3 and len(iam.bodies) == 2
    assert warnings == ['retry 1 of 2 for POST /v3/auth/tokens after HTTP 503 (request id iam-rid)']
