# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What `make demo` prints as next steps (hacking/demo-next-steps.txt) is what the demo page of the docsite shows
after the demo, every make target the docs name exists, and every role variable the docs name is one the role has."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
README = (ROOT / 'README.md').read_text(encoding='utf-8')
DEMO_PAGE = (ROOT / 'docs' / 'docsite' / 'rst' / 'demo.rst').read_text(encoding='utf-8')
NEXT_STEPS = (ROOT / 'hacking' / 'demo-next-steps.txt').read_text(encoding='utf-8')
COMMANDS = [line.strip() for line in NEXT_STEPS.splitlines() if line.startswith('    ') and line.strip()]
CONSOLE_LINE = re.compile(r'^  \$ (.*)$', re.M)
# a name after a dot is a plugin's (dataarts.fabric.session_check_settings), not a variable
ROLE_VARIABLE = re.compile(r'(?<![\w.])session_check_[a-z_]+\b')
DOCS_NAMING_ROLE_VARIABLES = ('README.md', 'docs/docsite/rst/guide.rst', 'roles/session_check/README.md',
                              'examples/demo.yml')


def _demo_page_commands() -> set[str]:
    return {re.sub(r'\s+#\s.*$', '', line).strip() for line in CONSOLE_LINE.findall(DEMO_PAGE)}


def test_the_next_steps_are_commands():
    assert len(COMMANDS) >= 10
    assert 'ansible-doc -t role dataarts.fabric.session_check' in COMMANDS


@pytest.mark.parametrize('command', COMMANDS)
def test_the_demo_page_shows_each_next_step(command):
    assert command in _demo_page_commands()


def test_every_make_target_named_is_in_the_makefile():
    makefile = (ROOT / 'Makefile').read_text(encoding='utf-8')
    targets = {name for names in re.findall(r'^([a-z][a-z -]*):', makefile, re.M) for name in names.split()}
    docs = ''.join((ROOT / 'docs' / 'docsite' / 'rst' / name).read_text(encoding='utf-8')
                   for name in ('guide.rst', 'development.rst'))
    named = set(re.findall(r'\bmake ([a-z][a-z-]*)', NEXT_STEPS + README + DEMO_PAGE + docs))
    assert {'demo', 'test', 'emulator', 'emulator-stop'} <= named
    assert named <= targets


@pytest.mark.parametrize('document', DOCS_NAMING_ROLE_VARIABLES)
def test_every_role_variable_named_exists(document):
    spec = yaml.safe_load((ROOT / 'roles' / 'session_check' / 'meta' / 'argument_specs.yml').read_text(encoding='utf-8'))
    known = set(spec['argument_specs']['main']['options']) | {'session_check_result'}
    text = (ROOT / document).read_text(encoding='utf-8')
    # the docs show the role's refusal of a misspelt variable: that one name is the example of a typo
    text = re.sub(r'session_check_[a-z_]+ is not a variable of the role', '', text)
    named = set(ROLE_VARIABLE.findall(text))
    assert named
    assert named <= known, 'not variables of the role: %s' % ', '.join(sorted(named - known))
