# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fixtures shared by the plugin tests."""

from __future__ import annotations

import pytest
import responses

from ansible_collections.dataarts.fabric.plugins.module_utils._config.options import ALL_OPTIONS
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions import offsets

# Every variable the collection, requests or the credential files read: none may leak in from the machine.
ENV_NAMES = tuple(name for option in ALL_OPTIONS for name in option.env) + (
    'HW_SHARED_CONFIG_FILE', 'HUAWEICLOUD_SDK_CREDENTIALS_FILE', 'HTTPS_PROXY', 'HTTP_PROXY', 'https_proxy',
    'http_proxy', 'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy', 'REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE', 'NETRC',
    'XDG_CACHE_HOME')


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    """No credential of the machine running the tests leaks in: no variables, and a HOME without files."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv('HOME', str(tmp_path))


@pytest.fixture(autouse=True)
def fresh_offsets():
    """Each test is a run of its own: what a listing learnt of a service's offsets is not carried over."""
    offsets.forget()
    yield
    offsets.forget()


@pytest.fixture
def mock():
    """HTTP mocked at the transport level; requests nobody registered fail the test."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps
