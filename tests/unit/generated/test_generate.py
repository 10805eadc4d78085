# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every file that hacking/generate.py writes is what it would write now, and the role takes blank values."""

from __future__ import annotations

import importlib.util
import pathlib
import types

import pytest
import yaml

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator


ROOT = pathlib.Path(__file__).resolve().parents[3]
ROLE = ROOT / 'roles' / 'session_check'
PREFIX = 'session_check_'


def _load_generator() -> types.ModuleType:
    spec = importlib.util.spec_from_file_location('fabric_generate', str(ROOT / 'hacking' / 'generate.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GENERATOR = _load_generator()
_option_table, _option_notes = GENERATOR.load_table()
GENERATED = GENERATOR.generated_files(_option_table, _option_notes, str(ROOT))


def _yaml(path: pathlib.Path) -> dict:
    return yaml.safe_load(path.read_text(encoding='utf-8'))


ROLE_SPEC = _yaml(ROLE / 'meta' / 'argument_specs.yml')['argument_specs']['main']['options']


@pytest.mark.parametrize('path', sorted(GENERATED))
def test_generated_file_is_up_to_date(path):
    assert (ROOT / path).read_text(encoding='utf-8') == GENERATED[path], (
        '%s differs from the option table: run python hacking/generate.py' % path)


def test_the_role_passes_every_connection_option_and_the_fetch_tuning_ones():
    names = [option.name for option in _option_table.CONNECTION_OPTIONS] + ['page_size', 'concurrency']
    assert [name for name in ROLE_SPEC if name[len(PREFIX):] in names] == [PREFIX + name for name in names]
    assert {'allow_plain_http', 'retry_backoff'} <= set(names)


def test_secret_options_are_no_log_in_the_role():
    for option in _option_table.CONNECTION_OPTIONS:
        assert ROLE_SPEC[PREFIX + option.name].get('no_log', False) is option.no_log, option.name


@pytest.mark.parametrize('value', ['', None], ids=['empty', 'null'])
def test_every_optional_role_variable_passes_its_argument_spec_when_blank(value):
    optional = {name: spec for name, spec in ROLE_SPEC.items() if not spec.get('required')}
    for name, spec in optional.items():
        checked = {key: spec[key] for key in ('type', 'elements', 'choices', 'default', 'no_log') if key in spec}
        result = ArgumentSpecValidator({name: checked}).validate({name: value})
        assert not result.error_messages, (name, result.error_messages)


def test_role_defaults_match_the_documented_defaults():
    defaults = _yaml(ROLE / 'defaults' / 'main.yml')['_session_check_defaults']
    generated = set(GENERATOR.role_argument_entries(_option_table))
    own = {name: spec for name, spec in ROLE_SPEC.items() if name not in generated}
    assert sorted(PREFIX + key for key in defaults) == sorted(own)
    for name, spec in own.items():
        assert defaults[name[len(PREFIX):]] == spec.get('default'), name


def test_the_role_knows_exactly_the_variables_of_its_argument_spec():
    """The typo check of tasks/main.yml refuses any other session_check_* variable: its list is the spec's."""
    tasks = yaml.safe_load((ROLE / 'tasks' / 'main.yml').read_text(encoding='utf-8'))
    known = tasks[0]['vars']['_session_check_variables']
    assert known == list(ROLE_SPEC)
    assert 'session_check_result' not in known  # the role's output, allowed by the check itself
