# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Controller-side glue between Ansible's plugin configuration and the shared client."""

from __future__ import annotations

import atexit
import typing as t

from ansible.errors import AnsibleLookupError
from ansible.plugins import AnsiblePlugin

from ansible_collections.dataarts.fabric.plugins.module_utils._credential_files import resolve_params
from ansible_collections.dataarts.fabric.plugins.module_utils._errors import FabricError
from ansible_collections.dataarts.fabric.plugins.module_utils._option_table import CONNECTION_OPTIONS, OPTION_NAMES
from ansible_collections.dataarts.fabric.plugins.module_utils._transport import FabricHttpClient, open_client
from ansible_collections.dataarts.fabric.plugins.module_utils._version import user_agent

# Clients by connection options, so that the calls of one Ansible process share their connection pools.
# Kept in memory only; the key holds the credentials that select the client, never logged.
_CLIENTS: dict[tuple[t.Any, ...], FabricHttpClient] = {}
_CLIENT_KEYS = tuple(option.name for option in CONNECTION_OPTIONS) + ('concurrency',)
_LOOKUP_VARIABLES = tuple(option.lookup_var for option in CONNECTION_OPTIONS)


def resolved_params(plugin: AnsiblePlugin, variables: t.Mapping[str, t.Any] | None, direct: dict[str, t.Any]):
    """The shared options as the module would see them: direct arguments, then variables, then environment
    (Ansible's plugin configuration does that resolving and the type conversion), then credential files."""
    plugin.set_options(var_options=_rendered_variables(plugin, variables), direct=direct)
    return resolve_params({name: plugin.get_option(name) for name in OPTION_NAMES})


def _rendered_variables(plugin: AnsiblePlugin, variables: t.Mapping[str, t.Any] | None) -> dict[str, t.Any]:
    """The fabric_* variables, rendered: a lookup receives task variables unrendered (a variable holding
    "{{ vault_token }}" would otherwise reach the API as that literal text)."""
    templar = getattr(plugin, '_templar', None)
    found = {name: (variables or {})[name] for name in _LOOKUP_VARIABLES if name in (variables or {})}
    return {name: templar.template(value) for name, value in found.items()} if templar is not None else found


def lookup_error(exc: FabricError) -> AnsibleLookupError:
    return AnsibleLookupError(str(exc))


def shared_client(params: t.Mapping[str, t.Any]) -> FabricHttpClient:
    """The client for these (validated) connection options, made on first use."""
    key = tuple(params[name] for name in _CLIENT_KEYS)
    if key not in _CLIENTS:
        _CLIENTS[key] = open_client(params, user_agent('lookup'))
        atexit.register(_CLIENTS[key].close)
    return _CLIENTS[key]
