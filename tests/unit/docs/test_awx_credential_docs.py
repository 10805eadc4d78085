# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The user guide describes the AWX credential type of docs/awx/ as its files define it: every field (and which
are secret), and a copy of the fields and of the injected variables."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]
AWX = ROOT / 'docs' / 'awx'


def _load(name: str) -> dict:
    return yaml.safe_load((AWX / name).read_text(encoding='utf-8'))


FIELDS = _load('credential-type-inputs.yml')['fields']
INJECTED = _load('credential-type-injectors.yml')['env']


def _guide_awx_section() -> str:
    text = (ROOT / 'docs' / 'docsite' / 'rst' / 'guide.rst').read_text(encoding='utf-8')
    return text.split('\nAWX and Automation Platform\n---', 1)[1].split('\nExecution environment\n', 1)[0]


def _guide_yaml_block_after(marker: str) -> dict:
    """The first ``.. code-block:: yaml`` after ``marker`` in the guide, parsed."""
    text = (ROOT / 'docs' / 'docsite' / 'rst' / 'guide.rst').read_text(encoding='utf-8')
    after = text.split(marker, 1)[1].split('.. code-block:: yaml\n', 1)[1]
    block = re.match(r'\n((?:  .*\n|\n)+)', after).group(1)
    return yaml.safe_load(block)


def test_the_guide_names_every_field_and_every_secret_one():
    section = _guide_awx_section()
    fields_sentence = section.split('Its fields', 1)[1].split('(secret:', 1)
    named = re.findall(r'``([a-z_]+)``', fields_sentence[0])
    secret = re.findall(r'``([a-z_]+)``', fields_sentence[1].split(')', 1)[0])
    assert named == [field['id'] for field in FIELDS]
    assert secret == [field['id'] for field in FIELDS if field.get('secret')]


def test_the_guide_copies_every_field():
    copied = _guide_yaml_block_after('``docs/awx/credential-type-inputs.yml``')
    keys = ('id', 'type', 'label', 'secret')
    assert copied['fields'] == [{key: field[key] for key in keys if key in field} for field in FIELDS]
    assert copied['required'] == _load('credential-type-inputs.yml')['required']


def test_the_guide_copies_every_injected_variable():
    copied = _guide_yaml_block_after('``docs/awx/credential-type-injectors.yml``')
    assert copied == {'env': INJECTED}
