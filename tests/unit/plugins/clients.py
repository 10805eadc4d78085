# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Clients for tests of the HTTP and session layers: a connection as the loader builds it from the option
table's defaults (plus the options a test sets), with an identity and a scrubber of the test's choosing."""

from __future__ import annotations

import dataclasses
import typing as t

from ansible_collections.dataarts.fabric.plugins.module_utils._config.loader import load_config
from ansible_collections.dataarts.fabric.plugins.module_utils._config.types import Connection
from ansible_collections.dataarts.fabric.plugins.module_utils._http.client import FabricHttpClient
from ansible_collections.dataarts.fabric.plugins.module_utils._http.identity import Identity
from ansible_collections.dataarts.fabric.plugins.module_utils._http.transport import Transport
from ansible_collections.dataarts.fabric.plugins.module_utils._redact import Redactor
from ansible_collections.dataarts.fabric.plugins.module_utils._version import user_agent as agent_of

# Test keyword -> option name, where they differ.
OPTION_NAMES = {'backoff': 'retry_backoff'}
# Connection fields that are not options of their own.
FIELDS = ('verify',)


def make_connection(base_url: str, **settings: t.Any) -> Connection:
    """The connection the loader makes of ``endpoint: base_url`` and ``settings`` (options such as retries,
    timeout, total_timeout, concurrency, proxy, backoff), with no environment and no files."""
    fields = {name: settings.pop(name) for name in FIELDS if name in settings}
    raw = {OPTION_NAMES.get(name, name): value for name, value in settings.items()}
    raw.update(endpoint=base_url, auth_token='not-sent-by-these-tests', allow_plain_http=True)
    return dataclasses.replace(load_config(raw, environ={}).connection, **fields)


def make_client(base_url: str, identity: Identity, redactor: Redactor | None = None, user_agent: str = agent_of('client'),
                sleep: t.Callable[[float], None] | None = None, **settings: t.Any) -> FabricHttpClient:
    extra = {} if sleep is None else {'sleep': sleep}
    transport = Transport(make_connection(base_url, **settings), redactor or Redactor(), user_agent, **extra)
    return FabricHttpClient(transport, identity)
