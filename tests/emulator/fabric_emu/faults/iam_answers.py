# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Faults of the IAM token endpoint only: ``iam_body``, ``iam_expires_at``. Both issue a real token."""

from __future__ import annotations

import typing as t

from ..answers import ControlError, Response
from ..exchange import Exchange
from .base import Fault, Fields, register


@register
class IamBodyFault(Fault):
    """This raw body, and (with ``token``) a valid, accepted ``X-Subject-Token``; no credentials checked."""

    kind = "iam_body"
    scope = "iam"

    def parse(self, fields: Fields) -> dict[str, t.Any]:
        return {"body": fields.string("body") or "", "status": fields.integer("status", 201, 100, 599),
                "token": fields.boolean("token", True)}

    def respond(self, exchange: Exchange) -> Response:
        headers = []
        if self.spec["token"]:
            headers.append(("X-Subject-Token", exchange.tokens.issue(exchange.tokens.clock())))
        return Response(self.spec["status"], self.spec["body"], headers=headers)


@register
class IamExpiresAtFault(Fault):
    """The normal login, with a real token valid for the usual TTL, but this ``expires_at`` in the body."""

    kind = "iam_expires_at"
    scope = "iam"

    def parse(self, fields: Fields) -> dict[str, t.Any]:
        value = fields.string("expires_at")
        if value is None:
            raise ControlError(400, "an iam_expires_at fault needs an 'expires_at' string")
        return {"expires_at": value}

    def shape_iam_token(self, token: dict[str, t.Any]) -> None:
        token["expires_at"] = self.spec["expires_at"]
