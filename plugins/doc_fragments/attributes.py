# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# The attributes the modules share. A module's own entry for an attribute is merged over the fragment's (its keys
# win), so a module can say more about, say, check mode without repeating the rest.

from __future__ import annotations


class ModuleDocFragment:

    # Every module of the collection: the action group.
    DOCUMENTATION = r"""
options: {}
attributes:
  action_group:
    support: full
    membership:
      - dataarts.fabric.fabric
    description: Use C(group/dataarts.fabric.fabric) in C(module_defaults) to set the connection options once for
      every module of the collection.
"""

    # A module that only reads.
    INFO_MODULE = r"""
options: {}
attributes:
  check_mode:
    support: full
    description: The module only reads; it behaves the same in check mode.
  diff_mode:
    support: none
    description: The module changes nothing, so there is no diff.
"""
