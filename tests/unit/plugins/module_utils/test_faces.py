# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one way a face runs a call, and the bounded cache of clients a long-lived process keeps."""

from __future__ import annotations

import pytest

from ansible_collections.dataarts.fabric.plugins.module_utils._errors import FabricError
from ansible_collections.dataarts.fabric.plugins.module_utils._faces import CLIENTS_MAX, ClientCache, run_call
from ansible_collections.dataarts.fabric.plugins.module_utils._http.client import FabricHttpClient
from ansible_collections.dataarts.fabric.tests.unit.plugins.clients import make_connection
from ansible_collections.dataarts.fabric.tests.unit.plugins.fake_fabric import ENDPOINT


def test_the_cache_keeps_at_most_its_size_and_closes_what_it_evicts(monkeypatch):
    closed = []
    monkeypatch.setattr(FabricHttpClient, 'close', lambda client: closed.append(client))
    cache = ClientCache('test')
    made = [cache.get(make_connection(ENDPOINT, timeout=1 + index)) for index in range(CLIENTS_MAX + 6)]
    assert len(cache._clients) == CLIENTS_MAX and closed == made[:6]  # the least recently used, closed
    cache.close()
    assert not cache._clients and sorted(map(id, closed)) == sorted(map(id, made))


def test_the_same_connection_gets_the_same_client():
    cache = ClientCache('test')
    assert cache.get(make_connection(ENDPOINT)) is cache.get(make_connection(ENDPOINT))
    cache.close()


def test_a_failure_leaves_scrubbed_of_the_raw_secrets_and_the_environment(monkeypatch):
    monkeypatch.setenv('HW_PASSWORD', 'env-Pa55word')

    def work(config, client):
        raise FabricError('saw %s and %s' % (config.connection.credentials.auth_token, 'env-Pa55word'))

    with pytest.raises(FabricError) as caught:
        run_call({'endpoint': ENDPOINT, 'auth_token': 'raw-T0ken-123'}, 'test', work, lambda warning: None)
    assert 'raw-T0ken-123' not in str(caught.value) and 'env-Pa55word' not in str(caught.value)


def test_a_load_that_fails_is_scrubbed_before_any_client(monkeypatch):
    with pytest.raises(FabricError) as caught:
        run_call({'endpoint': 'ftp://x', 'auth_token': 'raw-T0ken-123'}, 'test', lambda c, k: None, print)
    assert 'endpoint must be an http:// or https:// URL' in str(caught.value)
