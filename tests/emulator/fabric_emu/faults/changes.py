# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Faults that change the data: ``mutate`` and ``move_status`` (after an answer), ``transition`` (after some
answers)."""

from __future__ import annotations

import typing as t

from ..answers import ControlError
from ..data import STATUSES, WorkspaceStore
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


@register
class MoveStatusFault(Fault):
    """Answer normally, then move ``sessions`` sessions of status ``from`` to status ``to`` (the newest first, or
    with ``pick: oldest`` the oldest): sessions closing, or leaving the status a client is paging, while it pages.

    Taken by the list requests of its workspace, ``count`` of them (one move after each answer)."""

    kind = "move_status"

    def parse(self, fields: Fields) -> dict[str, t.Any]:
        if self.spec["workspace_id"] is None:
            raise ControlError(400, "a move_status fault needs 'workspace_id'")
        moved = {"from": fields.choice("from", STATUSES), "to": fields.choice("to", STATUSES)}
        pick = fields.raw.get("pick", "newest")
        if pick not in ("newest", "oldest"):
            raise ControlError(400, "'pick' must be newest or oldest")
        return dict(moved, sessions=fields.integer("sessions", 1, 1), pick=pick)

    def after_answer(self, store: WorkspaceStore) -> None:
        spec = self.spec
        ws = store.get(spec["workspace_id"])
        if ws is None:
            return
        order = range(len(ws.sessions) - 1, -1, -1) if spec["pick"] == "oldest" else range(len(ws.sessions))
        chosen = [i for i in order if ws.sessions[i].get("status") == spec["from"]][:spec["sessions"]]
        if chosen:
            sessions = list(ws.sessions)
            for i in chosen:
                sessions[i] = dict(sessions[i], status=spec["to"])
            ws.replace(sessions)  # lists are replaced, never changed in place: a page sliced earlier stays valid
