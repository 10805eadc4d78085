# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The rules of single values added for fabric_session: older_than's duration and lake_formation_config."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ansible_collections.dataarts.fabric.plugins.module_utils._config.checks import age, lake_formation
from ansible_collections.dataarts.fabric.plugins.module_utils._config.schema import OLDER_THAN_MAX
from ansible_collections.dataarts.fabric.plugins.module_utils._errors import FabricError


@pytest.mark.parametrize('value, seconds', [
    (1800, 1800), ('1800', 1800), ('30m', 1800), ('30M', 1800), (' 2h ', 7200), ('1d', 86400), ('1w', 604800),
    ('45s', 45), (0, 0), ('0m', 0), (None, None),
])
def test_older_than_reads_seconds_or_a_number_and_a_unit_as_find_does(value, seconds):
    assert age('older_than', value) == seconds


@pytest.mark.parametrize('value', ['30x', 'm', '1.5h', '-5', -5, '30 m', '1e3', True, 2.5, [30], '\u0663\u0660m',
                                   '1' * 13, OLDER_THAN_MAX + 1, '5300w'])
def test_older_than_refuses_anything_else_naming_the_rule(value):
    with pytest.raises(FabricError, match=r'^older_than must be a whole number of seconds, or a whole number followed'
                                          r' by s, m, h, d, w'):
        age('older_than', value)


@pytest.mark.parametrize('value', ['', '   '])
def test_a_blank_older_than_is_refused_not_read_as_no_filter(value):
    with pytest.raises(FabricError, match='older_than is empty: .* leave the option out'):
        age('older_than', value)


@given(st.integers(min_value=0, max_value=10 ** 6),
       st.sampled_from([('s', 1), ('m', 60), ('h', 3600), ('d', 86400), ('w', 604800)]))
def test_every_unit_multiplies_up_to_a_century(number, unit):
    letter, factor = unit
    if number * factor <= OLDER_THAN_MAX:
        assert age('older_than', '%d%s' % (number, letter)) == number * factor
    else:
        with pytest.raises(FabricError, match='from 0 to %d seconds' % OLDER_THAN_MAX):
            age('older_than', '%d%s' % (number, letter))


def test_lake_formation_config_takes_an_instance_and_a_catalog():
    assert lake_formation('lfc', {'instance_id': 'lf-1', 'catalog': 'hive_catalog-2'}) == {
        'instance_id': 'lf-1', 'catalog': 'hive_catalog-2'}
    assert lake_formation('lfc', None) is None


@pytest.mark.parametrize('value, message', [
    ({'catalog': 'c'}, 'lfc.instance_id is required: 1 to 64 characters'),
    ({'instance_id': 'i'}, 'lfc.catalog is required: 1 to 255 characters'),
    ({'instance_id': 'i_1', 'catalog': 'c'}, "lfc.instance_id must be 1 to 64 characters, only letters, digits and"
                                             " hyphens, got 'i_1'"),
    ({'instance_id': 'i' * 65, 'catalog': 'c'}, 'lfc.instance_id must be 1 to 64'),
    ({'instance_id': 'i', 'catalog': 'a.b'}, "lfc.catalog must be 1 to 255 characters, only letters, digits,"
                                             " underscores and hyphens, got 'a.b'"),
    ({'instance_id': 'i', 'catalog': 5}, 'lfc.catalog must be'),
    ('lf-1', 'lfc must be a dictionary with instance_id and catalog, got a str'),
])
def test_lake_formation_config_names_the_field_and_the_rule(value, message):
    with pytest.raises(FabricError) as caught:
        lake_formation('lfc', value)
    assert str(caught.value).startswith(message)
