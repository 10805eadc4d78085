# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Faults that change the data: ``mutate`` (after an answer) and ``transition`` (after some answers)."""

from __future__ import annotations

import typing as t

from ..answers import ControlError
from ..data import WorkspaceStore
from .base import Fault, Fields, register


@register
class MutateFault(Fault):
    """Answer normally, then remove ``remove`` sessions from the head and insert ``add`` new ones there."""

    kind = "mutate"

    def parse(self, fields: Fields) -> dict[str, t.Any]:
        if self.spec["workspace_id"] is None:
            raise ControlError(400, "a mutate fault needs 'workspace_id'")
        return {"add": fields.integer("add", 0), "remove": fields.integer("remove", 0)}

    def after_answer(self, store: WorkspaceStore) -> None:
        store.mutate(self.spec["workspace_id"], self.spec["add"], self.spec["remove"])


@register
class TransitionFault(Fault):
    """A session's status becomes ``to`` once ``after`` list requests of its workspace got a 200.

    Never taken by a request: the queue counts the answers and applies it (the session may come later)."""

    kind = "transition"
    scope = "passive"

    def parse(self, fields: Fields) -> dict[str, t.Any]:
        if (self.spec["workspace_id"] is None or not isinstance(fields.raw.get("session_id"), str)
                or not isinstance(fields.raw.get("to"), str)):
            raise ControlError(400, "a transition needs 'workspace_id', 'session_id' and 'to' strings")
        return {"session_id": fields.raw["session_id"], "to": fields.raw["to"], "after": fields.integer("after", 0)}

    def counts(self, ws_id: str) -> bool:
        """Count one 200 list answer of ``ws_id``; True if this transition is waiting for such answers."""
        if self.spec["workspace_id"] != ws_id or self.spec["after"] <= 0:
            return False
        self.spec["after"] -= 1
        return True

    def apply(self, store: WorkspaceStore, ws_id: str) -> bool:
        """True once done (the fault is then dropped)."""
        spec = self.spec
        if spec["workspace_id"] != ws_id or spec["after"] > 0:
            return False
        return store.set_status(ws_id, spec["session_id"], spec["to"])
