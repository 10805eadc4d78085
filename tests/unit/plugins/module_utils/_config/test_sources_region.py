# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A profile's project comes whole with its key, and its region with its project: an exported region never
sends the profile's project to another region's endpoint; an option still wins, with a warning of the split."""

from __future__ import annotations

import pytest

from ansible_collections.dataarts.fabric.tests.unit.plugins.module_utils._config.test_sources import KOOCLI, koocli
from ansible_collections.dataarts.fabric.plugins.module_utils._config.loader import load_config


@pytest.fixture(autouse=True)
def profile(tmp_path, monkeypatch):
    monkeypatch.setenv('HOME', str(tmp_path))
    koocli(tmp_path)
    return 'the KooCLI profile work in %s' % (tmp_path / '.hcloud' / 'config.json')


def test_an_exported_region_gives_way_to_the_profiles_and_says_so(profile):
    config = load_config({}, environ={'HW_REGION_NAME': 'cn-east-3'})
    assert config.connection.base_url == 'https://fabric.cn-north-4.myhuaweicloud.com'
    assert config.connection.credentials.project_id == 'koo-work-project'
    assert config.warnings == ('region cn-east-3 (from the environment variable HW_REGION_NAME) is not used: the'
                               ' project ID of %s belongs to its region cn-north-4, which is used (set the region as an'
                               ' option to override it)' % profile,)


def test_a_region_option_wins_and_the_split_is_warned(profile):
    config = load_config({'region': 'cn-east-3'}, environ={})
    assert config.connection.base_url == 'https://fabric.cn-east-3.myhuaweicloud.com'
    [warning] = config.warnings
    assert warning.startswith('region cn-east-3 (from the option) is not the region cn-north-4 of %s, whose project'
                              ' ID is used: requests go to cn-east-3 with a project of cn-north-4' % profile)


@pytest.mark.parametrize('endpoint, warned', [
    ('https://fabric.cn-east-3.myhuaweicloud.com', True),
    ('https://fabric.cn-north-4.myhuaweicloud.com', False),
    ('https://fabric.example.test', False),  # a host that names no region: nothing to compare
])
def test_an_endpoint_of_another_region_is_warned(profile, endpoint, warned):
    config = load_config({}, environ={'DATAARTS_FABRIC_ENDPOINT': endpoint})
    assert config.connection.base_url == endpoint
    assert bool(config.warnings) is warned
    if warned:
        assert config.warnings[0].startswith('endpoint %s (from the environment variable DATAARTS_FABRIC_ENDPOINT) is'
                                             ' in region cn-east-3, not the region cn-north-4 of %s' % (endpoint, profile))


def test_the_profiles_own_region_and_project_together_are_silent(profile):
    config = load_config({}, environ={'HW_REGION_NAME': 'cn-north-4'})
    assert config.warnings == () and config.connection.base_url == 'https://fabric.cn-north-4.myhuaweicloud.com'


def test_a_profile_without_a_project_leaves_the_exported_region_alone(tmp_path):
    koocli(tmp_path, {'current': 'work', 'profiles': [dict(KOOCLI['profiles'][0], projectId='')]})
    config = load_config({}, environ={'HW_REGION_NAME': 'cn-east-3', 'HW_PROJECT_ID': 'env-project'})
    assert config.connection.base_url == 'https://fabric.cn-east-3.myhuaweicloud.com' and config.warnings == ()
