# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The AWX credential type in docs/awx/ injects exactly what the module and the lookup read.

Each input field is named after a connection option of the option table (the table that builds the module's
argument spec and the lookup's ``env:`` entries), each injected environment variable is one of that option's
variables, and a field is secret exactly when the option is ``no_log``.
"""

from __future__ import annotations

import os
import re

import pytest
import yaml

from ansible_collections.dataarts.fabric.plugins.module_utils._config.loader import load_config
from ansible_collections.dataarts.fabric.plugins.module_utils._config.types import Credentials
from ansible_collections.dataarts.fabric.plugins.module_utils._errors import FabricError
from ansible_collections.dataarts.fabric.plugins.module_utils._config.options import ALL_OPTIONS, CONNECTION_OPTIONS

DOCS = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'docs', 'awx')
OPTIONS = {option.name: option for option in CONNECTION_OPTIONS}
FIELD_TEMPLATE = re.compile(r'\A\{\{\s*(\w+)\s*\}\}\Z')


def _load(name):
    with open(os.path.join(DOCS, name), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope='module')
def fields():
    inputs = _load('credential-type-inputs.yml')
    assert set(inputs) <= {'fields', 'required'}
    return {field['id']: field for field in inputs['fields']}


@pytest.fixture(scope='module')
def injected():
    injectors = _load('credential-type-injectors.yml')
    assert set(injectors) == {'env'}, 'only environment variables are injected'
    return injectors['env']


def _field_of(template):
    match = FIELD_TEMPLATE.match(template)
    assert match, 'injector value %r is not a single "{{ field }}"' % template
    return match.group(1)


def test_every_field_is_a_connection_option(fields):
    assert fields
    for field_id, field in fields.items():
        assert field_id in OPTIONS, 'field %s is not a connection option of the collection' % field_id
        assert field['type'] == 'string'
        assert field.get('label')


def test_every_injected_variable_is_read_for_its_option(fields, injected):
    assert injected
    for variable, template in injected.items():
        field_id = _field_of(template)
        assert field_id in fields, '%s injects the unknown field %s' % (variable, field_id)
        option = OPTIONS[field_id]
        assert variable in option.env, '%s is not an environment variable of option %s (%s)' % (
            variable, option.name, ', '.join(option.env) or 'none')


def test_every_field_is_injected_once(fields, injected):
    used = [_field_of(template) for template in injected.values()]
    assert sorted(used) == sorted(fields), 'each field is injected exactly once'


def test_injected_variable_is_the_first_one_read(injected):
    # The module and the lookup use the first variable of the table that is set; injecting the first one
    # means an older variable name set in the execution environment cannot win over the credential.
    for variable, template in injected.items():
        assert OPTIONS[_field_of(template)].env[0] == variable


def test_secret_fields_are_exactly_the_no_log_options(fields):
    for field_id, field in fields.items():
        assert bool(field.get('secret', False)) is OPTIONS[field_id].no_log, field_id
        if OPTIONS[field_id].no_log:
            assert field['secret'] is True


def test_the_documented_credential_covers_both_ways_to_authenticate(fields):
    assert {'endpoint', 'region', 'auth_token', 'access_key', 'secret_key', 'security_token', 'project_id'} <= set(fields)


def test_an_empty_field_reads_as_not_set(fields, tmp_path, monkeypatch):
    # AWX injects an empty string for a field left empty; the collection must read it as unset.
    monkeypatch.setenv('HOME', str(tmp_path))  # no credential files to fall back on
    raw = {option.name: option.default for option in ALL_OPTIONS}
    raw.update({name: '' for name in fields})
    with pytest.raises(FabricError, match='either endpoint or region is required'):
        load_config(raw, environ={})
    raw.update(endpoint='https://fabric.example.test', auth_token='t0ken')
    connection = load_config(raw, environ={}).connection
    assert connection.credentials == Credentials('token', auth_token='t0ken')
    assert connection.base_url == 'https://fabric.example.test'
