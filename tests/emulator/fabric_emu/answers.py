# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the emulator answers: the response object, the two error types and the vendor's error bodies."""

from __future__ import annotations

import http
import json
import os
import typing as t

BAD_REQUEST_PREFIX = "failed to read http request, please check your input, code: 400, "
TYPE_MISMATCH = "reason: Type mismatch., cause: TypeMismatchException"

STATUS_BODIES: dict[int, dict[str, t.Any]] = {
    400: {"error_code": "common.01000001", "error_msg": BAD_REQUEST_PREFIX + "reason: Bad request., cause: BadRequestException"},
    401: {"error_code": "APIG.1002", "error_msg": "Incorrect token or token resolution failed"},
    403: {
        "error": {"code": "403", "message": "X-Auth-Token is invalid in the request", "title": "Forbidden"},
        "error_code": 403,
        "error_msg": "X-Auth-Token is invalid in the request",
        "title": "Forbidden",
    },
    404: {"error_code": "common.01000001", "error_msg": "response status exception, code: 404"},
    408: {"error_code": "common.00000408", "error_msg": "timeout exception occurred"},
    429: {"error_code": "APIG.1015", "error_msg": "The API request frequency exceeds the limit"},
    500: {"error_code": "common.00000500", "error_msg": "internal error"},
    502: {"error_code": "APIG.0202", "error_msg": "Backend unavailable"},
    503: {"error_code": "APIG.0203", "error_msg": "Service unavailable, please try again later"},
    504: {"error_code": "APIG.0201", "error_msg": "Backend timeout"},
}

METHOD_NOT_ALLOWED = {"error_code": "common.01000001", "error_msg": "response status exception, code: 405"}

HTML_PAGE = (
    "<html>\r\n<head><title>{code} {phrase}</title></head>\r\n<body>\r\n"
    "<center><h1>{code} {phrase}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)

IAM_UNAUTHORIZED = {"error": {"code": 401, "message": "The username or password is wrong.", "title": "Unauthorized"}}


class Response:
    """One answer. ``header_overrides`` (name -> raw value, or None to leave the header out) win over
    every header the server writes itself; ``reason`` replaces the status line's phrase."""

    __slots__ = ("status", "body", "content_type", "headers", "truncate", "drop", "reason", "header_overrides",
                 "trickle_interval")

    def __init__(self, status: int, body: bytes | str = b"", content_type: str | None = "application/json",
                 headers: list[tuple[str, str]] | None = None) -> None:
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = headers or []
        self.truncate = False
        self.drop = False
        self.reason: str | None = None
        self.header_overrides: dict[str, str | None] = {}
        self.trickle_interval: float | None = None

    def body_bytes(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


class ApiError(Exception):
    """An error answer of the emulated API (status and JSON body)."""

    def __init__(self, status: int, body: dict[str, t.Any]) -> None:
        Exception.__init__(self, status)
        self.status = status
        self.body = body


class ControlError(Exception):
    """A refused control API call (or an invalid in-process call)."""

    def __init__(self, status: int, message: str) -> None:
        Exception.__init__(self, message)
        self.status = status
        self.message = message


def status_phrase(status: int, unknown: str) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return unknown


def json_bytes(obj: t.Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def json_response(status: int, obj: t.Any, headers: list[tuple[str, str]] | None = None) -> Response:
    return Response(status, json_bytes(obj), headers=headers)


def error_body(status: int) -> dict[str, t.Any]:
    """The documented body of an API error status, or a generic one."""
    return STATUS_BODIES.get(status) or {"error_code": "common.%08d" % status, "error_msg": "http status %d" % status}


def bad_request(reason: str) -> ApiError:
    return ApiError(400, {"error_code": "common.01000001", "error_msg": BAD_REQUEST_PREFIX + reason})


def signature_refused(reason: str) -> ApiError:
    return ApiError(401, {"error_code": "APIG.0301", "error_msg": "Incorrect IAM authentication information: " + reason})


def iam_error_body(status: int, message: str, title: str | None = None) -> dict[str, t.Any]:
    """IAM's error shape: ``{"error": {"code": <int>, "message": ..., "title": ...}}``."""
    return {"error": {"code": status, "message": message, "title": title or status_phrase(status, "Error")}}


def iam_bad_request(message: str) -> ApiError:
    return ApiError(400, iam_error_body(400, message, "Bad Request"))


def new_request_id() -> str:
    return os.urandom(16).hex()


def is_int(value: t.Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: t.Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
