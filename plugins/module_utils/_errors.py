# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The collection's one exception type, and the mapping of any error response onto it."""

from __future__ import annotations

import json
import re
import typing as t

BODY_EXCERPT_CHARS = 200


class FabricError(Exception):
    """Anything that stops a DataArts Fabric call: bad options, transport failures, API errors.

    ``status`` is the HTTP status when the service answered; the other fields are what its body and
    headers said. ``str()`` gives one readable line holding all of them.
    """

    def __init__(
        self,
        message: str,
        status: int | None = None,
        error_code: str | int | None = None,
        error_msg: str | None = None,
        solution_msg: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.error_code = error_code
        self.error_msg = error_msg
        self.solution_msg = solution_msg
        self.request_id = request_id

    def __str__(self) -> str:
        parts = [self.message]
        if self.error_code is not None:
            parts.append('error_code: %s' % self.error_code)
        if self.error_msg and self.error_msg not in self.message:
            parts.append('error_msg: %s' % self.error_msg)
        if self.solution_msg:
            parts.append('solution: %s' % self.solution_msg)
        if self.request_id:
            parts.append('request id: %s' % self.request_id)
        return '; '.join(parts)

    def details(self) -> dict[str, t.Any]:
        """The structured fields, for a module result or a lookup error."""
        return {
            'status_code': self.status,
            'error_code': self.error_code,
            'error_msg': self.error_msg,
            'solution_msg': self.solution_msg,
            'request_id': self.request_id,
        }


def _excerpt(text: str) -> str:
    text = re.sub(r'<[^>]*>', ' ', text)
    text = ' '.join(text.split())
    if len(text) > BODY_EXCERPT_CHARS:
        text = text[:BODY_EXCERPT_CHARS] + '...'
    return text


def _text_field(value: t.Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    return str(value)


def _fields_from_json(body: t.Any) -> tuple[str | int | None, str | None, str | None]:
    """error_code, error_msg and solution_msg from either documented body shape."""
    if not isinstance(body, dict):
        return None, None, None
    nested = body.get('error') if isinstance(body.get('error'), dict) else {}
    code = body.get('error_code', nested.get('code'))
    if not isinstance(code, (str, int)) or isinstance(code, bool):
        code = _text_field(code)
    message = _text_field(body.get('error_msg')) or _text_field(nested.get('message')) or _text_field(body.get('message'))
    return code, message, _text_field(body.get('solution_msg'))


def error_from_response(
    method: str,
    url: str,
    status: int,
    reason: str,
    body: bytes,
    request_id: str | None,
) -> FabricError:
    """Build the error for a non-success response, whatever its body holds."""
    text = body.decode('utf-8', errors='replace')
    try:
        parsed = json.loads(text) if text.strip() else None
    except ValueError:
        parsed = None
    error_code, error_msg, solution_msg = _fields_from_json(parsed)
    head = '%s %s failed: HTTP %s%s' % (method, url, status, (' %s' % reason) if reason else '')
    if error_msg:
        message = '%s: %s' % (head, error_msg)
    elif not text.strip():
        message = '%s with an empty body' % head
    elif parsed is None:
        message = '%s with a body that is not JSON: %s' % (head, _excerpt(text))
    else:
        message = '%s with an unrecognised error body: %s' % (head, _excerpt(text))
    return FabricError(
        message,
        status=status,
        error_code=error_code,
        error_msg=error_msg,
        solution_msg=solution_msg,
        request_id=request_id,
    )
