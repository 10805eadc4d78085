# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Controller-side glue between Ansible's plugin configuration and the shared loader and client."""

from __future__ import annotations

import atexit
import contextlib
import difflib
import os
import typing as t

from ansible.errors import AnsibleLookupError
from ansible.plugins import AnsiblePlugin

from ansible_collections.dataarts.fabric.plugins.module_utils._config import (
    Config,
    Connection,
    load_config,
    raw_secrets,
)
from ansible_collections.dataarts.fabric.plugins.module_utils._errors import FabricError, Redactor
from ansible_collections.dataarts.fabric.plugins.module_utils._option_table import CONNECTION_OPTIONS, OPTION_NAMES
from ansible_collections.dataarts.fabric.plugins.module_utils._transport import FabricHttpClient, open_client
from ansible_collections.dataarts.fabric.plugins.module_utils._version import user_agent

# Clients by process and frozen connection configuration, so that the calls of one Ansible process share
# their connection pools while a forked worker never uses its parent's. Kept in memory only.
_CLIENTS: dict[tuple[int, Connection], FabricHttpClient] = {}
_LOOKUP_VARIABLES = tuple(option.lookup_var for option in CONNECTION_OPTIONS)


def resolved_config(plugin: AnsiblePlugin, variables: t.Mapping[str, t.Any] | None, direct: dict[str, t.Any],
                    redactor: Redactor) -> Config:
    """The configuration as the module would load it: direct arguments, then fabric_* variables (Ansible's
    plugin configuration resolves and converts those two), then, in the loader, the environment and the files."""
    _refuse_unknown(direct)
    plugin.set_options(var_options=_rendered_variables(plugin, variables), direct=direct)
    raw = {name: plugin.get_option(name) for name in OPTION_NAMES}
    for secret in raw_secrets(raw):
        redactor.add(secret)
    return load_config(raw)


def _refuse_unknown(direct: t.Mapping[str, t.Any]) -> None:
    """A misspelt keyword (stauts='FAIL') would otherwise be ignored, and the lookup return every session."""
    unknown = sorted(name for name in direct if name not in OPTION_NAMES)
    if unknown:
        hints = []
        for name in unknown:
            close = difflib.get_close_matches(name, OPTION_NAMES, n=1)
            hints.append('%s%s' % (name, ' (did you mean %s?)' % close[0] if close else ''))
        plural = 's' if len(unknown) > 1 else ''
        raise FabricError('unknown keyword argument%s of the lookup: %s' % (plural, ', '.join(hints)))


def _rendered_variables(plugin: AnsiblePlugin, variables: t.Mapping[str, t.Any] | None) -> dict[str, t.Any]:
    """The fabric_* variables, rendered: a lookup receives task variables unrendered (a variable holding
    "{{ vault_token }}" would otherwise reach the API as that literal text)."""
    templar = getattr(plugin, '_templar', None)
    found = {name: (variables or {})[name] for name in _LOOKUP_VARIABLES if name in (variables or {})}
    return {name: templar.template(value) for name, value in found.items()} if templar is not None else found


@contextlib.contextmanager
def lookup_error() -> t.Iterator[Redactor]:
    """FabricError raised inside becomes AnsibleLookupError, scrubbed of every secret the call knew."""
    redactor = Redactor()
    try:
        yield redactor
    except FabricError as exc:
        raise AnsibleLookupError(str(redactor.error(exc))) from None


def shared_client(connection: Connection) -> FabricHttpClient:
    """The client for this connection in this process, made on first use."""
    key = (os.getpid(), connection)
    if key not in _CLIENTS:
        _CLIENTS[key] = open_client(connection, user_agent('lookup'))
        atexit.register(_CLIENTS[key].close)
    return _CLIENTS[key]
