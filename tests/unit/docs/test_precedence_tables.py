# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The README and the user guide each keep one table of where options come from: both must say what the
option table says, every environment variable in its order of precedence."""

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
    text = (ROOT / 'docs' / 'docsite' / 'rst' / 'guide.rst').read_text(encoding='utf-8')
    rows = {}
    for names, variables in re.findall(r'\n  \* - ((?:``[a-z_]+``(?:, )?)+)\n    - (.*?)(?=\n  \* - |\n\n)', text, re.S):
        for index, name in enumerate(re.findall(r'``([a-z_]+)``', names)):
            found = ENV_NAME.findall(variables)
            # a row of several options lists each option's variables joined by '/', in the options' order
            groups = re.split(r',\s*(?=``(?:DATAARTS|HUAWEICLOUD|HW|ANSIBLE_HWC))', variables)
            rows[name] = ENV_NAME.findall(groups[index]) if len(groups) > 1 and ',' in names else found
    return rows


@pytest.mark.parametrize('option', WITH_ENV, ids=[option.name for option in WITH_ENV])
def test_the_readme_table_follows_the_option_table(option):
    assert readme_rows().get(option.name) == list(option.env)


@pytest.mark.parametrize('option', WITH_ENV, ids=[option.name for option in WITH_ENV])
def test_the_guide_table_follows_the_option_table(option):
    assert guide_rows().get(option.name) == list(option.env)


@pytest.mark.parametrize('document', ['README.md', 'docs/docsite/rst/guide.rst', 'plugins/doc_fragments/connection.py'])
def test_every_document_states_the_rule_of_levels(document):
    """A way to authenticate is taken whole from one level: the old "first match wins, files last" rule is gone."""
    text = ' '.join((ROOT / document).read_text(encoding='utf-8').split())
    assert 'taken whole' in text
    assert 'first match wins' not in text and 'last resort' not in text
