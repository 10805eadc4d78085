# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The doc fragments are rendered from the option table and its notes: this fails when they drift apart.

tests/unit/generated/test_generate.py compares the files byte for byte; these tests say what differs.
"""

from __future__ import annotations

import importlib.util
import pathlib
import re

import pytest
import yaml

from ansible_collections.dataarts.fabric.plugins.doc_fragments import connection, session_filters
from ansible_collections.dataarts.fabric.plugins.module_utils._config.options import CONNECTION_OPTIONS, QUERY_OPTIONS
from ansible_collections.dataarts.fabric.plugins.module_utils._config.specs import option_docs

STALE = 'stale doc fragment: run python hacking/generate.py'


def _option_notes():
    path = pathlib.Path(__file__).resolve().parents[4] / 'hacking' / 'option_notes.py'
    spec = importlib.util.spec_from_file_location('fabric_option_notes', str(path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


NOTES, REQUIREMENTS = _option_notes().NOTES, _option_notes().REQUIREMENTS
CONNECTION_FRAGMENTS = [connection.ModuleDocFragment.DOCUMENTATION, connection.ModuleDocFragment.PLUGINS]


@pytest.mark.parametrize('fragment,options,for_plugin', [
    (connection.ModuleDocFragment.DOCUMENTATION, CONNECTION_OPTIONS, False),
    (connection.ModuleDocFragment.PLUGINS, CONNECTION_OPTIONS, True),
    (session_filters.ModuleDocFragment.DOCUMENTATION, QUERY_OPTIONS, False),
], ids=['connection', 'connection.plugins', 'session_filters'])
def test_fragment_matches_the_option_table(fragment, options, for_plugin):
    assert yaml.safe_load(fragment)['options'] == option_docs(options, for_plugin=for_plugin), STALE


@pytest.mark.parametrize('fragment', CONNECTION_FRAGMENTS, ids=['connection', 'connection.plugins'])
def test_fragment_notes_and_requirements_match_the_notes(fragment):
    doc = yaml.safe_load(fragment)
    assert (doc['notes'], doc['requirements']) == (list(NOTES), list(REQUIREMENTS)), STALE


def test_notes_name_only_connection_options():
    names = {option.name for option in CONNECTION_OPTIONS}
    referenced = set(re.findall(r'O\(([a-z_]+)', ' '.join(NOTES)))
    assert referenced and referenced <= names, sorted(referenced - names)
