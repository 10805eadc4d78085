# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# The session filters shared by the module and the lookup, generated from the option table in
# plugins/module_utils/options.py. JSON is valid YAML.

from __future__ import annotations

import json

from ansible_collections.dataarts.fabric.plugins.module_utils.options import QUERY_OPTIONS, option_docs


class ModuleDocFragment:

    DOCUMENTATION = json.dumps({'options': option_docs(QUERY_OPTIONS)})
