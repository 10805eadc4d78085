# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import datetime
import json
import os

import pytest

from ansible_collections.dataarts.fabric.plugins.module_utils._http import signer
from ansible_collections.dataarts.fabric.plugins.module_utils._http.identity import AkSkIdentity, TokenIdentity

# A copy of the vectors the official SDK's signer produced (shared/spec/signing-vectors.json).
with open(os.path.join(os.path.dirname(__file__), 'fixtures', 'signing-vectors.json')) as _f:
    VECTORS = json.load(_f)['vectors']


def _args(vector):
    return vector['method'], vector['path'], vector['query'], vector['headers'], vector['body'].encode()


def test_the_fixture_holds_every_published_vector():
    assert [v['name'] for v in VECTORS] == ['basic', 'no-content-type', 'security-token']


@pytest.mark.parametrize('vector', VECTORS, ids=[v['name'] for v in VECTORS])
def test_canonical_request_matches_the_sdk(vector):
    assert signer.canonical_request(*_args(vector)) == vector['canonical_request']


STS_VECTORS = [v for v in VECTORS if 'string_to_sign' in v]  # not every vector publishes it


@pytest.mark.parametrize('vector', STS_VECTORS, ids=[v['name'] for v in STS_VECTORS])
def test_string_to_sign_matches_the_sdk(vector):
    canonical = signer.canonical_request(*_args(vector))
    assert signer.string_to_sign(canonical, vector['headers']['X-Sdk-Date']) == vector['string_to_sign']


@pytest.mark.parametrize('vector', VECTORS, ids=[v['name'] for v in VECTORS])
def test_authorization_matches_the_sdk(vector):
    auth = signer.authorization(*_args(vector), vector['access_key'], vector['secret_key'])
    assert auth == vector['authorization']


# The client sends no Content-Type on a GET, so the identity is checked against the vectors without one.
WIRE_VECTORS = [v for v in VECTORS if 'Content-Type' not in v['headers']]


@pytest.mark.parametrize('vector', WIRE_VECTORS, ids=[v['name'] for v in WIRE_VECTORS])
def test_identity_signs_the_wire_url_like_the_sdk(vector):
    """The identity, given the URL the client sends, yields the vector's Authorization and headers."""
    headers = vector['headers']
    identity = AkSkIdentity(
        vector['access_key'], vector['secret_key'],
        project_id=headers['X-Project-Id'], security_token=headers.get('X-Security-Token'),
        clock=lambda: datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc))
    url = 'https://%s%s?%s' % (headers['Host'], vector['path'], signer.canonical_query(vector['query']))
    sent = identity.headers_for(vector['method'], url)
    assert sent['Authorization'] == vector['authorization']
    assert {k: v for k, v in sent.items() if k != 'Authorization'} == headers


def test_canonical_uri_reencodes_each_segment_and_adds_the_trailing_slash():
    assert signer.canonical_uri('/v1/workspaces/a%20b/sessions') == '/v1/workspaces/a%20b/sessions/'
    assert signer.canonical_uri('/v1/x*y/') == '/v1/x%2Ay/'


def test_canonical_query_sorts_and_encodes_like_the_sdk():
    query = [('b', 'x y'), ('a', 'p/q*r~s'), ('a', '1')]
    assert signer.canonical_query(query) == 'a=1&a=p%2Fq%2Ar~s&b=x%20y'


def test_headers_with_underscores_are_not_signed():
    assert signer.signed_header_names({'Host': 'h', 'X_Custom': '1', 'X-Sdk-Date': 'd'}) == ['host', 'x-sdk-date']


def test_identity_signs_host_with_port_and_drops_user_info():
    identity = AkSkIdentity('AK', 'SK', project_id='p')
    headers = identity.headers_for('GET', 'http://user@127.0.0.1:8443/v1/workspaces/w/sessions?limit=1')
    assert headers['Host'] == '127.0.0.1:8443'
    assert 'SignedHeaders=host;x-project-id;x-sdk-date,' in headers['Authorization']


def test_identities_never_show_their_secrets():
    shown = repr(AkSkIdentity('AK', 'S3CRET', security_token='T0KEN')) + repr(TokenIdentity('T0KEN'))
    assert 'S3CRET' not in shown and 'T0KEN' not in shown
