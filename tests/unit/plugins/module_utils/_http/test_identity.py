# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A token from the cache that the API refuses with 403 (the user's roles changed since it was issued) is
replaced once by a fresh one; a fresh token's 403 is the user's permissions, reported at once; refusals say
where the token came from. AK/SK signs the Host that is sent: a non-ASCII host in its IDNA form."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
import responses

from ansible_collections.dataarts.fabric.plugins.module_utils._errors import FabricError
from ansible_collections.dataarts.fabric.plugins.module_utils._http.factory import open_client
from ansible_collections.dataarts.fabric.plugins.module_utils._http.identity import AkSkIdentity
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.listing import list_sessions
from ansible_collections.dataarts.fabric.tests.emulator.fabric_emulator import compute_authorization
from ansible_collections.dataarts.fabric.tests.unit.plugins.fake_fabric import URL_PATTERN, load_connection, session_query
from ansible_collections.dataarts.fabric.tests.unit.plugins.module_utils._http.test_iam_password import (
    FakeIam,
    password_params,
)

FORBIDDEN = {'error_code': 'DLM.0403', 'error_msg': 'The user has no permission'}
EMPTY = {'sessions': [], 'total': 0}


class FakeApi:
    """The sessions API answering the statuses queued, one per request (an empty list for 200)."""

    def __init__(self, mock):
        self.answers = []
        mock.add_callback(responses.GET, URL_PATTERN, callback=self._serve)

    def _serve(self, _request):
        status = self.answers.pop(0)
        return status, {}, json.dumps(EMPTY if status == 200 else FORBIDDEN)


def task(api, *answers):
    """One task: a new client (the cache is shared), the API answering ``answers`` in turn."""
    api.answers[:] = answers
    with open_client(password_params(), 'test') as client:
        return list_sessions(client, session_query('ws')), client.notes


def sent_tokens(mock):
    return [call.request.headers.get('X-Auth-Token') for call in mock.calls if call.request.method == 'GET']


def test_a_403_to_a_cached_token_is_retried_once_with_a_fresh_token(mock):
    iam, api = FakeIam(mock), FakeApi(mock)
    task(api, 200)  # fills the cache
    listing, notes = task(api, 403, 200)
    assert listing.total == 0 and len(iam.bodies) == 2
    assert sent_tokens(mock) == ['iam-token-1', 'iam-token-1', 'iam-token-2']
    assert len(notes) == 1 and notes[0].startswith('the API answered HTTP 403 to the IAM token from the token cache')
    _listing, _notes = task(api, 200)  # the fresh token replaced the refused one in the cache
    assert sent_tokens(mock)[-1] == 'iam-token-2' and len(iam.bodies) == 2


def test_a_403_to_a_fresh_token_is_the_users_permissions_and_is_not_retried(mock):
    iam, api = FakeIam(mock), FakeApi(mock)
    with pytest.raises(FabricError) as caught:
        task(api, 403)
    assert len(iam.bodies) == 1 and sent_tokens(mock) == ['iam-token-1']
    assert caught.value.status == 403
    assert caught.value.message.endswith(
        '-- the request carried an IAM token issued by IAM for this task')


def test_a_403_to_the_fresh_token_after_a_cached_one_is_reported_once(mock):
    iam, api = FakeIam(mock), FakeApi(mock)
    task(api, 200)
    with pytest.raises(FabricError) as caught:
        task(api, 403, 403)
    assert len(iam.bodies) == 2 and sent_tokens(mock)[1:] == ['iam-token-1', 'iam-token-2']
    assert caught.value.message.endswith(
        '-- the request carried a new IAM token, asked for after the API refused the one before')


def test_an_api_refusal_names_the_cache_when_the_token_came_from_it(mock, tmp_path):
    FakeIam(mock)
    task(FakeApi(mock), 200)
    with open_client(password_params(), 'test') as client:
        headers = client.identity.headers_for('GET', 'https://x')
        assert client.identity.origin(headers).startswith('an IAM token from the token cache (%s' % (
            tmp_path / '.cache' / 'dataarts.fabric' / 'tokens'))
        assert 'valid until 2999-01-01 00:00 UTC' in client.identity.origin(headers)


def test_a_non_ascii_host_is_signed_and_sent_in_its_idna_form(mock):
    seen = []

    def serve(request):
        parts = urlsplit(request.url)
        headers = {name: request.headers[name] for name in ('Host', 'X-Sdk-Date', 'X-Project-Id')}
        expected = compute_authorization('AKEXAMPLE', 'sk-s3cret', 'GET', parts.path, parse_qsl(parts.query), headers)
        seen.append((parts.netloc, request.headers['Host'], request.headers['Authorization'] == expected))
        return 200, {}, json.dumps(EMPTY)

    mock.add_callback(responses.GET, re.compile(r'https://fabric\.xn--bcher-kva\.example/.*'), callback=serve)
    connection = load_connection(endpoint='https://fabric.bücher.example', access_key='AKEXAMPLE',
                                 secret_key='sk-s3cret', project_id='p-1')
    assert connection.base_url == 'https://fabric.xn--bcher-kva.example'
    with open_client(connection, 'test') as client:
        list_sessions(client, session_query('ws'))
    assert seen == [('fabric.xn--bcher-kva.example', 'fabric.xn--bcher-kva.example', True)]


def test_a_unicode_host_is_refused_before_any_request_when_signing():
    with pytest.raises(FabricError, match='cannot sign a request to fabric.bücher.example: its host name is not'):
        AkSkIdentity('AK', 'SK', 'p-1').headers_for('GET', 'https://fabric.bücher.example/v1/x')
