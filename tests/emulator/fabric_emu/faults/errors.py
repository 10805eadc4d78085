# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Faults that answer with an error instead of the normal answer: ``status``, ``non_json``, ``echo_secret``."""

from __future__ import annotations

import typing as t

from ..answers import HTML_PAGE, IAM_UNAUTHORIZED, ControlError, Response, error_body, iam_error_body, json_bytes, status_phrase
from ..exchange import Exchange
from ..iam import password_in
from .base import Fault, Fields, check_raw_text, register

MAX_REPEATED_BODY = 64 * 1024 * 1024


@register
class StatusFault(Fault):
    """That status with its documented body (or ``body``, ``repeat`` times), ``reason`` on the status line."""

    kind = "status"
    default_status: t.ClassVar[int | None] = None

    def parse(self, fields: Fields) -> dict[str, t.Any]:
        spec: dict[str, t.Any] = {"status": fields.integer("status", self.default_status, 100, 599)}
        if fields.raw.get("retry_after") is not None:
            spec["retry_after"] = check_raw_text("retry_after", str(fields.raw["retry_after"]))
        for name in ("body", "content_type", "reason"):
            value = fields.string(name)
            if value is not None:
                spec[name] = value
        if "content_type" in spec:
            check_raw_text("content_type", spec["content_type"])
        if "reason" in spec:
            check_raw_text("reason", spec["reason"])
        repeat = fields.integer("repeat", 1, 1)
        if repeat != 1:
            if len(spec.get("body", "x" * 256).encode("utf-8")) * repeat > MAX_REPEATED_BODY:
                raise ControlError(400, "'body' times 'repeat' must stay under %d bytes" % MAX_REPEATED_BODY)
            spec["repeat"] = repeat
        return spec

    def respond(self, exchange: Exchange) -> Response:
        spec = self.spec
        status = spec["status"]
        headers = [("Retry-After", spec["retry_after"])] if "retry_after" in spec else []
        response = self.error_response(exchange, status, headers)
        if "repeat" in spec:
            response.body = response.body_bytes() * spec["repeat"]
        response.reason = spec.get("reason")
        return response

    def error_response(self, exchange: Exchange, status: int, headers: list[tuple[str, str]]) -> Response:
        spec = self.spec
        if "body" in spec:
            return Response(status, spec["body"], spec.get("content_type", "application/json"), headers)
        if exchange.is_iam:
            obj = IAM_UNAUTHORIZED if status == 401 else iam_error_body(status, "http status %d" % status)
        else:
            obj = error_body(status)
        return Response(status, json_bytes(obj), spec.get("content_type", "application/json"), headers)


@register
class NonJsonFault(StatusFault):
    """An nginx-style HTML error page."""

    kind = "non_json"
    default_status = 502

    def error_response(self, exchange: Exchange, status: int, headers: list[tuple[str, str]]) -> Response:
        spec = self.spec
        body = spec.get("body", HTML_PAGE.format(code=status, phrase=status_phrase(status, "Error")))
        return Response(status, body, spec.get("content_type", "text/html"), headers)


@register
class EchoSecretFault(Fault):
    """An error whose messages quote back every credential the request carried, as a careless service would."""

    kind = "echo_secret"

    def parse(self, fields: Fields) -> dict[str, t.Any]:
        return {"status": fields.integer("status", 401, 100, 599)}

    def respond(self, exchange: Exchange) -> Response:
        status = self.spec["status"]
        quoted = ["%s: %s" % (name, exchange.headers[name]) for name in ("X-Auth-Token", "Authorization", "X-Security-Token")
                  if exchange.headers.get(name) is not None]
        if exchange.is_iam:
            password = password_in(exchange.body)
            if password is not None:
                quoted.append("password: %s" % password)
        carried = "; ".join(quoted) if quoted else "no credentials"
        message = "The request was refused; it carried %s" % carried
        body: dict[str, t.Any] = {"error_code": "APIG.1002", "error_msg": message,
                                  "solution_msg": "Check the credentials you sent (%s)" % carried}
        if exchange.is_iam:
            body["error"] = {"code": status, "message": message, "title": status_phrase(status, "Error")}
        return Response(status, json_bytes(body))
