# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Faults: one class per kind, registered by kind (``FAULT_TYPES``), and the queue."""

from __future__ import annotations

from . import errors, transport, changes, pages, iam_answers  # noqa: F401  (each module registers its kinds)
from .base import FAULT_TYPES, Fault, Fields, register
from .queue import FaultQueue, build_fault

__all__ = ["FAULT_TYPES", "Fault", "FaultQueue", "Fields", "build_fault", "register"]
