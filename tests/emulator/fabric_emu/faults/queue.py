# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The queue of pending faults. Not thread-safe on its own: the emulator calls it with its lock held."""

from __future__ import annotations

import typing as t

from ..answers import ControlError
from ..data import WorkspaceStore
from .base import FAULT_TYPES, Fault
from .changes import TransitionFault


def build_fault(raw: t.Any) -> Fault:
    if not isinstance(raw, dict):
        raise ControlError(400, "a fault must be a JSON object")
    kind = raw.get("kind")
    cls = FAULT_TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise ControlError(400, "fault 'kind' must be one of %s" % ", ".join(FAULT_TYPES))
    return cls(raw)


class FaultQueue:
    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._last_id = 0

    def add(self, raws: t.Any, store: WorkspaceStore) -> list[dict[str, t.Any]]:
        """Queue one fault (dict) or several (list), all or none; returns what was queued."""
        if isinstance(raws, dict):
            raws = [raws]
        if not isinstance(raws, list) or not raws:
            raise ControlError(400, "expected a JSON object or a non-empty list of objects")
        built = [build_fault(raw) for raw in raws]
        queued = []
        for fault in built:
            self._last_id += 1
            fault.spec["id"] = self._last_id
            self._faults.append(fault)
            queued.append(dict(fault.spec))
            if isinstance(fault, TransitionFault):
                self.apply_transitions(store, fault.spec["workspace_id"])
        return queued

    def specs(self) -> list[dict[str, t.Any]]:
        return [dict(f.spec) for f in self._faults]

    def clear(self) -> None:
        self._faults = []

    def take(self, ws_id: str | None, path: str, is_iam: bool) -> Fault | None:
        """One use of the first pending fault that matches the request."""
        for fault in self._faults:
            if fault.matches(ws_id, path, is_iam):
                fault.spec["count"] -= 1
                if fault.spec["count"] <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    def _transitions(self) -> list[TransitionFault]:
        return [f for f in self._faults if isinstance(f, TransitionFault)]

    def apply_transitions(self, store: WorkspaceStore, ws_id: str) -> None:
        for fault in self._transitions():
            if fault.apply(store, ws_id):
                self._faults.remove(fault)

    def count_list_answer(self, store: WorkspaceStore, ws_id: str) -> None:
        """A list request of ``ws_id`` was answered with 200."""
        counted = [fault.counts(ws_id) for fault in self._transitions()]
        if any(counted):
            self.apply_transitions(store, ws_id)
