# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Controller-side glue between Ansible's plugin configuration and the shared loader and client."""

from __future__ import annotations

import atexit
import contextlib
import typing as t

from ansible.errors import AnsibleLookupError
from ansible.plugins import AnsiblePlugin

from ansible_collections.dataarts.fabric.plugins.module_utils._config.options import CONNECTION_OPTIONS, OPTION_NAMES
from ansible_collections.dataarts.fabric.plugins.module_utils._errors import FabricError
from ansible_collections.dataarts.fabric.plugins.module_utils._faces import ClientCache
from ansible_collections.dataarts.fabric.plugins.module_utils._text import did_you_mean
from ansible_collections.dataarts.fabric.plugins.module_utils._version import user_agent

# The clients of this controller process (bounded; the least recently used is closed). Kept in memory only.
CLIENTS = ClientCache(user_agent('lookup'))
atexit.register(CLIENTS.close)
_LOOKUP_VARIABLES = tuple(option.lookup_var for option in CONNECTION_OPTIONS)


def raw_options(plugin: AnsiblePlugin, variables: t.Mapping[str, t.Any] | None, direct: dict[str, t.Any]
                ) -> dict[str, t.Any]:
    """The values given explicitly, as the module gets them: direct arguments, then fabric_* variables (Ansible's
    plugin configuration resolves and converts those two); the loader adds the environment and the files."""
    _refuse_unknown(direct)
    plugin.set_options(var_options=_rendered_variables(plugin, variables), direct=direct)
    return {name: plugin.get_option(name) for name in OPTION_NAMES}


def _refuse_unknown(direct: t.Mapping[str, t.Any]) -> None:
    """A misspelt keyword (stauts='FAIL') would otherwise be ignored, and the lookup return every session."""
    unknown = sorted(name for name in direct if name not in OPTION_NAMES)
    if unknown:
        hints = ['%s%s' % (name, did_you_mean(name, OPTION_NAMES)) for name in unknown]
        plural = 's' if len(unknown) > 1 else ''
        raise FabricError('unknown keyword argument%s of the lookup: %s' % (plural, ', '.join(hints)))


def _rendered_variables(plugin: AnsiblePlugin, variables: t.Mapping[str, t.Any] | None) -> dict[str, t.Any]:
    """The fabric_* variables, rendered: a lookup receives task variables unrendered (a variable holding
    "{{ vault_token }}" would otherwise reach the API as that literal text)."""
    templar = getattr(plugin, '_templar', None)
    found = {name: (variables or {})[name] for name in _LOOKUP_VARIABLES if name in (variables or {})}
    return {name: templar.template(value) for name, value in found.items()} if templar is not None else found


@contextlib.contextmanager
def lookup_error() -> t.Iterator[None]:
    """A FabricError raised inside (scrubbed already by the call) becomes AnsibleLookupError."""
    try:
        yield
    except FabricError as exc:
        raise AnsibleLookupError(str(exc)) from None
