# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""An answer's body read within a bound, and its request ID as messages show it.
"""

from __future__ import annotations

import typing as t

from .._errors import FabricError
from .._text import SHORT_FIELD_CHARS, service_text
from .failures import without_query

if t.TYPE_CHECKING:
    import requests


MAX_BODY_BYTES = 8 * 1024 * 1024
READ_CHUNK = 64 * 1024


def request_id(headers: t.Mapping[str, str]) -> str | None:
    value = headers.get('X-Request-Id')
    return service_text(value, SHORT_FIELD_CHARS) if value else None


def read_body(response: 'requests.Response', url: str) -> bytes:
    """The body, refused past MAX_BODY_BYTES: a page of 100 sessions is some 30 KB."""
    def too_large() -> FabricError:
        return FabricError('%s %s answered with a body larger than %d bytes, far beyond any page of sessions:'
                           ' refusing to read it' % (response.request.method, without_query(url), MAX_BODY_BYTES),
                           status=response.status_code, request_id=request_id(response.headers))

    announced = response.headers.get('Content-Length', '').strip()
    if announced.isascii() and announced.isdigit() and len(announced) < 16 and int(announced) > MAX_BODY_BYTES:
        raise too_large()
    chunks, size = [], 0
    for chunk in response.iter_content(READ_CHUNK):
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise too_large()
        chunks.append(chunk)
    return b''.join(chunks)
