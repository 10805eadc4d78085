# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Faults of the connection and the timing: ``drop``, ``truncate``, ``delay``, ``trickle``, ``headers``."""

from __future__ import annotations

import typing as t

from ..answers import ControlError, Response
from ..exchange import Exchange
from .base import Fault, Fields, register

MAX_SECONDS = 3600


@register
class DropFault(Fault):
    """Close the connection without an answer."""

    kind = "drop"

    def respond(self, exchange: Exchange) -> Response:
        response = Response(0)
        response.drop = True
        return response


@register
class TruncateFault(Fault):
    """The normal answer, announcing its full length, with only half of the body; then close."""

    kind = "truncate"

    def finish(self, exchange: Exchange, response: Response) -> None:
        Fault.finish(self, exchange, response)
        response.truncate = True


@register
class DelayFault(Fault):
    """Wait, then answer normally."""

    kind = "delay"

    def parse(self, fields: Fields) -> dict[str, t.Any]:
        return {"seconds": fields.number("seconds", 1)}

    def delay_seconds(self) -> float:
        return float(self.spec["seconds"])


@register
class TrickleFault(Fault):
    """The normal answer, headers at once, then the body one byte per ``interval`` seconds."""

    kind = "trickle"

    def parse(self, fields: Fields) -> dict[str, t.Any]:
        interval = fields.number("interval", 1)
        if interval > MAX_SECONDS:
            raise ControlError(400, "'interval' must be at most %d seconds" % MAX_SECONDS)
        return {"interval": interval}

    def finish(self, exchange: Exchange, response: Response) -> None:
        Fault.finish(self, exchange, response)
        response.trickle_interval = float(self.spec["interval"])


@register
class HeadersFault(Fault):
    """The normal answer with the ``headers`` every fault kind accepts."""

    kind = "headers"
