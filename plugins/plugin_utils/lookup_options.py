# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Controller-side glue between Ansible's plugin configuration and the shared client."""

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleLookupError
from ansible.plugins import AnsiblePlugin

from ansible_collections.dataarts.fabric.plugins.module_utils.errors import FabricError
from ansible_collections.dataarts.fabric.plugins.module_utils.options import OPTION_NAMES, normalize_params


def resolved_params(plugin: AnsiblePlugin, variables: t.Mapping[str, t.Any] | None, direct: dict[str, t.Any]):
    """The shared options as the module would see them: direct arguments, then variables, then environment,
    then defaults (Ansible's plugin configuration does the resolving and the type conversion)."""
    plugin.set_options(var_options=variables, direct=direct)
    return normalize_params({name: plugin.get_option(name) for name in OPTION_NAMES})


def lookup_error(exc: FabricError) -> AnsibleLookupError:
    return AnsibleLookupError(str(exc))
