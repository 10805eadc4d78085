# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""JSON from the network, parsed with a bound on nesting.

The standard parser recurses once per level and raises RecursionError far down; what it does accept can
still be too deep for the code that later walks the result (Ansible's own result handling recurses too).
A session is three levels deep, so anything past MAX_DEPTH is refused as malformed.
"""

from __future__ import annotations

import json
import typing as t

MAX_DEPTH = 32


class JsonTooDeep(ValueError):
    pass


def _depth_exceeds(value: t.Any, limit: int) -> bool:
    """Iterative, so that checking a deep value cannot itself overflow the stack."""
    pending: list[tuple[t.Any, int]] = [(value, 1)]
    while pending:
        current, depth = pending.pop()
        if isinstance(current, dict):
            children: t.Iterable[t.Any] = current.values()
        elif isinstance(current, list):
            children = current
        else:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False


def loads(text: str, max_depth: int = MAX_DEPTH) -> t.Any:
    """Parse ``text``; ValueError when it is not JSON, JsonTooDeep when it nests deeper than ``max_depth``."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise JsonTooDeep('nested too deeply to parse') from None
    if _depth_exceeds(value, max_depth):
        raise JsonTooDeep('nested more than %d levels deep' % max_depth)
    return value
