# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

from __future__ import annotations

COLLECTION_VERSION = '1.0.0'


def user_agent(plugin_kind: str) -> str:
    """The User-Agent of every request, so that gateway logs show which part of the collection sent it."""
    return 'ansible-dataarts-fabric/%s (%s)' % (COLLECTION_VERSION, plugin_kind)
