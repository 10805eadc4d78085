# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the ``offset`` of a list request counts in this emulator: records (the default), or pages.

The vendor's page does not say (sessions-api.md, section 1), so the emulator can play each reading, for the
sessions and the endpoints alike: ``records`` (records skipped), ``pages0`` (the index of a page of ``limit``
records, the first being 0), ``pages1`` (the number of a page, the first being 1; 0 is read as 1, as the
documented default offset of 0 must give the first page).
"""

from __future__ import annotations

from .answers import ControlError

OFFSET_MODES = ("records", "pages0", "pages1")


def check_mode(mode: object) -> str:
    if mode not in OFFSET_MODES:
        raise ControlError(400, "'offsets' must be one of %s" % ", ".join(OFFSET_MODES))
    return str(mode)


def record_start(mode: str, offset: int, limit: int) -> int:
    """The first record of the page that ``offset`` and ``limit`` ask for."""
    if mode == "pages0":
        return offset * limit
    if mode == "pages1":
        return max(offset - 1, 0) * limit
    return offset
