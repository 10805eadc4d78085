# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The version the collection reports (in its User-Agent) is the one galaxy.yml releases."""

from __future__ import annotations

from pathlib import Path

import yaml

from ansible_collections.dataarts.fabric.plugins.module_utils._version import COLLECTION_VERSION, user_agent

ROOT = Path(__file__).resolve().parents[4]


def _galaxy_version() -> str:
    galaxy = yaml.safe_load((ROOT / 'galaxy.yml').read_text(encoding='utf-8'))
    return str(galaxy['version'])


def test_the_code_carries_the_version_of_galaxy_yml():
    assert COLLECTION_VERSION == _galaxy_version()


def test_the_user_agent_names_that_version():
    assert user_agent('module') == 'ansible-dataarts-fabric/%s (module)' % _galaxy_version()
