# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""README.md stays short and on the community's template: what the collection holds (all of it), the two
commands first with what they need, the statuses and a session as the module returns them, and links that lead
somewhere. The rest lives in the docsite."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from ansible_collections.dataarts.fabric.plugins.module_utils._config.schema import SESSION_STATUSES
from ansible_collections.dataarts.fabric.plugins.modules.fabric_session_info import RETURN

ROOT = Path(__file__).resolve().parents[3]
README = (ROOT / 'README.md').read_text(encoding='utf-8')
MAX_WORDS = 1500


def _section(title: str) -> str:
    return README.split('\n## %s\n' % title, 1)[1].split('\n## ', 1)[0]


def _content() -> list[tuple[str, str]]:
    """(kind, name) of every piece of content the collection ships."""
    found = [('module', path.stem) for path in (ROOT / 'plugins' / 'modules').glob('*.py')]
    found += [('lookup', path.stem) for path in (ROOT / 'plugins' / 'lookup').glob('*.py')]
    found += [('role', path.name) for path in (ROOT / 'roles').iterdir() if (path / 'tasks').is_dir()]
    event_sources = ROOT / 'extensions' / 'eda' / 'plugins' / 'event_source'
    found += [('event source', path.stem) for path in event_sources.glob('*.py')]
    return sorted((kind, name) for kind, name in found if name != '__init__')


CONTENT = _content()


def test_the_readme_stays_short():
    words = len(README.split())  # as `wc -w` counts them
    assert words <= MAX_WORDS, 'README.md has %d words; move detail to docs/docsite/rst/' % words


@pytest.mark.parametrize('kind, name', CONTENT, ids=['%s:%s' % item for item in CONTENT])
def test_the_content_table_lists_everything_shipped(kind, name):
    rows = re.findall(r'^\| ([a-z ]+) \| `dataarts\.fabric\.([a-z_]+)` \|', _section('Included content'), re.M)
    assert (kind, name) in rows


def test_the_content_table_lists_nothing_else():
    rows = re.findall(r'^\| ([a-z ]+) \| `dataarts\.fabric\.([a-z_]+)` \|', _section('Included content'), re.M)
    assert sorted(rows) == CONTENT


def test_what_the_commands_need_comes_before_them():
    before = README.split('```sh\nmake demo\n```', 1)[0]
    assert before.index('## Try it') < before.index('Python 3.12') and 'Python 3.11' in before
    assert 'GNU `make`' in before and 'package index' in before
    assert README.index('make demo') < README.index('## Installation')
    assert '```sh\nmake test\n```' in _section('Try it: `make demo` and `make test`')


def test_the_readme_says_whether_the_collection_is_on_galaxy():
    assert 'not published on Ansible Galaxy' in _section('Installation')


def test_the_statuses_are_the_modules():
    named = re.findall(r'`([A-Z]+)`', _section('Sessions').split('```', 1)[0])
    assert set(named) == set(SESSION_STATUSES)


def test_the_sample_session_has_the_shape_the_module_returns():
    sample = yaml.safe_load(_section('Sessions').split('```yaml\n', 1)[1].split('```', 1)[0])
    documented = yaml.safe_load(RETURN)['sessions']['sample'][0]
    assert [sorted(session) for session in sample['sessions']] == [sorted(documented)]
    assert sorted(sample['sessions'][0]['endpoint_info']) == sorted(documented['endpoint_info'])
    assert list(sample['counts']) == list(SESSION_STATUSES)
    assert sample['total'] == len(sample['sessions']) == sum(sample['counts'].values())


@pytest.mark.parametrize('command', ['ansible-doc dataarts.fabric.fabric_session_info',
                                     'ansible-doc -t lookup dataarts.fabric.fabric_sessions',
                                     'ansible-doc -t role dataarts.fabric.session_check'])
def test_the_reference_commands_are_shown(command):
    assert command in _section('Using the collection')


def test_the_template_sections_are_there_in_order():
    headings = re.findall(r'^## (.*)$', README, re.M)
    wanted = ['Communication', 'Contributing', 'Release notes', 'Licensing']
    assert headings[-4:] == wanted


def test_every_relative_link_leads_to_a_file():
    links = [link for link in re.findall(r'\]\(([^)#]+)\)', README) if '://' not in link]
    assert 'docs/docsite/rst/guide.rst' in links
    missing = [link for link in links if not (ROOT / link).exists()]
    assert not missing
