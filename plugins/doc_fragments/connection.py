# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# The connection options' documentation is generated from the option table in
# plugins/module_utils/options.py, the same table that builds the module's argument spec and the
# lookup's options, so the three cannot drift apart. JSON is valid YAML.

from __future__ import annotations

import json

from ansible_collections.dataarts.fabric.plugins.module_utils.options import CONNECTION_OPTIONS, option_docs

_REQUIREMENTS = ['requests >= 2.25 (on the host that runs the module or lookup)']
_NOTES = [
    'Authenticate with exactly one of O(auth_token), or O(access_key) and O(secret_key) (AK/SK request'
    ' signing, optionally with O(security_token) for temporary credentials).',
    'Secrets are never logged, put in a URL or shown in an error message.',
]


class ModuleDocFragment:

    # For modules: the environment variables are read on the managed host.
    DOCUMENTATION = json.dumps({
        'options': option_docs(CONNECTION_OPTIONS),
        'requirements': _REQUIREMENTS,
        'notes': _NOTES,
    })

    # For lookup plugins: the same options, also settable through variables, read on the controller.
    PLUGINS = json.dumps({
        'options': option_docs(CONNECTION_OPTIONS, for_plugin=True),
        'requirements': _REQUIREMENTS,
        'notes': _NOTES,
    })
