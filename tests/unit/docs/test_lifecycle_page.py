# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The docsite page on fabric_session, the module's notes and the example playbook say the same things."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ansible_collections.dataarts.fabric.plugins.modules import fabric_session

ROOT = Path(__file__).resolve().parents[3]
PAGE = (ROOT / 'docs' / 'docsite' / 'rst' / 'lifecycle.rst').read_text(encoding='utf-8')
EXAMPLE = ROOT / 'examples' / 'close_stuck_sessions.yml'
ACTION = re.compile(r'DataArtsFabric:[a-zA-Z]+:[a-zA-Z]+')


def test_the_page_is_in_the_docsite():
    extra = yaml.safe_load((ROOT / 'docs' / 'docsite' / 'extra-docs.yml').read_text(encoding='utf-8'))
    assert 'lifecycle' in [page for section in extra['sections'] for page in section['toctree']]


def test_the_page_and_the_module_name_the_same_iam_actions():
    notes = ' '.join(yaml.safe_load(fabric_session.DOCUMENTATION)['notes'])
    assert set(ACTION.findall(PAGE)) == set(ACTION.findall(notes)) == {
        'DataArtsFabric:workspace:list', 'DataArtsFabric:endpoint:show', 'DataArtsFabric:workspace:showSqlSession',
        'DataArtsFabric:workspace:deleteSqlSession', 'DataArtsFabric:workspace:listSqlSessions',
        'DataArtsFabric:workspace:createSqlSession'}


def test_the_example_closes_what_the_page_says_and_tells_to_run_check_mode_first():
    text = EXAMPLE.read_text(encoding='utf-8')
    [play] = yaml.safe_load(text)
    close = play['tasks'][0]['dataarts.fabric.fabric_session']
    assert close['state'] == 'absent'
    assert (play['vars']['fabric_stuck_statuses'], play['vars']['fabric_stuck_for']) == (['WAITING', 'CREATING'], '30m')
    header = text.split('\n- name:', 1)[0]
    assert '--check --diff' in header and header.index('--check --diff') < header.index('without --check')
    assert 'examples/close_stuck_sessions.yml' in PAGE and '--check --diff' in PAGE
