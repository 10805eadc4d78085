# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The doc fragments are rendered from the option table: this fails when they drift apart."""

from __future__ import annotations

import pytest
import yaml

from ansible_collections.dataarts.fabric.plugins.doc_fragments import connection, session_filters
from ansible_collections.dataarts.fabric.plugins.module_utils._option_table import (
    CONNECTION_OPTIONS,
    QUERY_OPTIONS,
    option_docs,
)

STALE = 'stale doc fragment: run python hacking/update-doc-fragments.py'


@pytest.mark.parametrize('fragment,options,for_plugin', [
    (connection.ModuleDocFragment.DOCUMENTATION, CONNECTION_OPTIONS, False),
    (connection.ModuleDocFragment.PLUGINS, CONNECTION_OPTIONS, True),
    (session_filters.ModuleDocFragment.DOCUMENTATION, QUERY_OPTIONS, False),
], ids=['connection', 'connection.plugins', 'session_filters'])
def test_fragment_matches_the_option_table(fragment, options, for_plugin):
    assert yaml.safe_load(fragment)['options'] == option_docs(options, for_plugin=for_plugin), STALE
