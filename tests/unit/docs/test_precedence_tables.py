# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The user guide keeps the one table of where options come from: it must say what the option table says,
every environment variable in its order of precedence. The README keeps no copy that could drift; it links to
the guide."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ansible_collections.dataarts.fabric.plugins.module_utils._config.options import ALL_OPTIONS

ROOT = Path(__file__).resolve().parents[3]
ENV_NAME = re.compile(r'\b(?:DATAARTS_FABRIC|HUAWEICLOUD_SDK|HW|ANSIBLE_HWC)_[A-Z_]+\b')
WITH_ENV = [option for option in ALL_OPTIONS if option.env]


def readme_rows():
    rows = {}
    for line in (ROOT / 'README.md').read_text(encoding='utf-8').splitlines():
        cells = [cell.strip() for cell in line.strip().strip('|').split('|')]
        if len(cells) == 3 and re.fullmatch(r'`[a-z_]+`', cells[0]):
            rows[cells[0].strip('`')] = ENV_NAME.findall(cells[1])
    return rows


def guide_rows():
    """Option name to the environment variables of its row, from every list-table of the guide."""
    text = (ROOT / 'docs' / 'docsite' / 'rst' / 'guide.rst').read_text(encoding='utf-8')
    rows = {}
    for table in re.findall(r'\.\. list-table::\n(.*?)(?=\n\S|\Z)', text, re.S):
        for row in table.split('\n  * - ')[1:]:
            cells = row.split('\n    - ')
            if len(cells) >= 2 and re.fullmatch(r'``[a-z_]+``', cells[0].strip()):
                rows[cells[0].strip().strip('`')] = ENV_NAME.findall(cells[1])
    return rows


def test_the_readme_leaves_the_table_to_the_guide():
    readme = (ROOT / 'README.md').read_text(encoding='utf-8')
    assert readme_rows() == {}
    assert '(docs/docsite/rst/guide.rst)' in readme


@pytest.mark.parametrize('option', WITH_ENV, ids=[option.name for option in WITH_ENV])
def test_the_guide_table_follows_the_option_table(option):
    assert guide_rows().get(option.name) == list(option.env)


@pytest.mark.parametrize('document', ['docs/docsite/rst/guide.rst', 'plugins/doc_fragments/connection.py'])
def test_every_document_states_the_rule_of_levels(document):
    """A way to authenticate is taken whole from one level: the old "first match wins, files last" rule is gone."""
    text = ' '.join((ROOT / document).read_text(encoding='utf-8').split())
    assert 'taken whole' in text
    assert 'first match wins' not in text and 'last resort' not in text
