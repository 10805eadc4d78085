# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every file that hacking/generate.py writes is what it would write now, and the role takes blank values."""

from __future__ import annotations

import importlib.util
import pathlib
import re
import types

import pytest
import yaml

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.dataarts.fabric.plugins.filter import session_check

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


def test_the_documented_defaults_are_the_filter_s_defaults():
    """The role's own variables and their defaults live in the filter session_check_settings."""
    generated = set(GENERATOR.role_argument_entries(_option_table))
    own = {name: spec for name, spec in ROLE_SPEC.items() if name not in generated}
    assert list(own) == [PREFIX + key for key in session_check.DEFAULTS]
    for name, spec in own.items():
        assert session_check.DEFAULTS[name[len(PREFIX):]] == spec.get('default'), name


def test_the_role_s_own_variables_come_first_in_its_documentation():
    generated = set(GENERATOR.role_argument_entries(_option_table))
    names = list(ROLE_SPEC)
    assert names[:len(session_check.DEFAULTS)] == [PREFIX + key for key in session_check.DEFAULTS]
    assert set(names[len(session_check.DEFAULTS):]) == generated


def test_the_role_hands_every_variable_of_its_argument_spec_to_the_filter():
    """The typo check refuses any session_check_* variable that is not a key of what tasks/main.yml hands over."""
    tasks = yaml.safe_load((ROLE / 'tasks' / 'main.yml').read_text(encoding='utf-8'))
    handed = re.findall(r"'(session_check_[a-z_]+)':\s+(session_check_[a-z_]+) \| default\(none\)",
                        tasks[0]['vars']['_session_check_variables'])
    assert [key for key, _value in handed] == list(ROLE_SPEC)
    assert all(key == value for key, value in handed)
    assert 'session_check_result' not in ROLE_SPEC  # the role's output, allowed by the check itself
