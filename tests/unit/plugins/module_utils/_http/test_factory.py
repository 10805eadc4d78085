# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The client's scrubber holds the secrets of the sources in use: the credentials, and the password of the
proxy requests goes through, not that of an environment proxy that NO_PROXY or the proxy option leaves unused."""

from __future__ import annotations

import pytest

from ansible_collections.dataarts.fabric.plugins.module_utils._http.factory import open_client
from ansible_collections.dataarts.fabric.tests.unit.plugins.fake_fabric import ENDPOINT, load_connection


def scrubbed_secrets(**given):
    with open_client(load_connection(endpoint=ENDPOINT, auth_token='t0ken-in-use', **given), 'test') as client:
        return set(client.redactor.secrets)


@pytest.mark.parametrize('variable', ['HTTPS_PROXY', 'https_proxy', 'ALL_PROXY'])
def test_the_password_of_the_environment_proxy_in_use_is_scrubbed(monkeypatch, variable):
    monkeypatch.setenv(variable, 'http://user:pw@proxy.example.test:3128')
    assert {'t0ken-in-use', 'pw'} <= scrubbed_secrets()


@pytest.mark.parametrize('no_proxy', ['fabric.example.test', '.example.test', '*'])
def test_the_password_of_a_proxy_no_proxy_leaves_unused_is_not(monkeypatch, no_proxy):
    monkeypatch.setenv('HTTPS_PROXY', 'http://user:pw@proxy.example.test:3128')
    monkeypatch.setenv('NO_PROXY', no_proxy)
    assert scrubbed_secrets() == {'t0ken-in-use'}


def test_the_proxy_option_replaces_the_environment_proxy_and_its_secrets(monkeypatch):
    monkeypatch.setenv('HTTPS_PROXY', 'http://user:pw@proxy.example.test:3128')
    secrets = scrubbed_secrets(proxy='http://other:0ther-pw@proxy.example.test:3128')
    assert 'pw' not in secrets and '0ther-pw' in secrets


def test_a_plain_http_proxy_variable_serves_only_plain_http_urls(monkeypatch):
    monkeypatch.setenv('HTTP_PROXY', 'http://user:pw@proxy.example.test:3128')
    assert scrubbed_secrets() == {'t0ken-in-use'}
