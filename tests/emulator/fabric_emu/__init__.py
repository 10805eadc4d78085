# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Local emulator of the DataArts Fabric SQL session list API, split by concern (see ``README.md`` beside
the package): ``data``, ``signing``, ``iam``, ``faults``, ``control``, ``server``/``emulator``, ``cli``."""

from __future__ import annotations

from .cli import build_parser, main
from .data import STATUSES, generate_sessions
from .emulator import DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, DEFAULT_TOKEN, FabricEmulator
from .faults import FAULT_TYPES
from .iam import DEFAULT_TOKEN_TTL, DEFAULT_USER, IAM_TOKENS_PATH
from .server import VERSION
from .signing import canonical_request, compute_authorization, string_to_sign

__all__ = [
    "DEFAULT_ACCESS_KEY",
    "DEFAULT_SECRET_KEY",
    "DEFAULT_TOKEN",
    "DEFAULT_TOKEN_TTL",
    "DEFAULT_USER",
    "FAULT_TYPES",
    "FabricEmulator",
    "IAM_TOKENS_PATH",
    "STATUSES",
    "VERSION",
    "build_parser",
    "canonical_request",
    "compute_authorization",
    "generate_sessions",
    "main",
    "string_to_sign",
]
