# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""Huawei Cloud ``SDK-HMAC-SHA256`` request signing, as pure functions.

Nothing here knows about HTTP libraries: callers pass the method, the path, the query pairs, the
headers that will be sent and the body, and get the ``Authorization`` value back.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import typing as t
from urllib.parse import quote, unquote

ALGORITHM = 'SDK-HMAC-SHA256'
DATE_HEADER = 'X-Sdk-Date'
DATE_FORMAT = '%Y%m%dT%H%M%SZ'

QueryPairs = t.Sequence[t.Tuple[str, str]]


def encode_component(value: str) -> str:
    """Percent-encode everything but the unreserved characters (space is ``%20``, ``/`` is ``%2F``)."""
    return quote(value, safe='~')


def canonical_uri(path: str) -> str:
    """Each segment of the decoded path encoded again, with the trailing slash the algorithm wants."""
    uri = '/'.join(encode_component(segment) for segment in unquote(path).split('/'))
    return uri if uri.endswith('/') else uri + '/'


def canonical_query(query: QueryPairs) -> str:
    """The sorted, encoded query; the same string is sent on the wire."""
    encoded = sorted((encode_component(str(key)), encode_component(str(value))) for key, value in query)
    return '&'.join('%s=%s' % pair for pair in encoded)


def signed_header_names(headers: t.Mapping[str, str]) -> list[str]:
    return sorted(name.lower() for name in headers if '_' not in name)


def canonical_request(method: str, path: str, query: QueryPairs, headers: t.Mapping[str, str], body: bytes) -> str:
    lowered = {name.lower(): str(value).strip() for name, value in headers.items()}
    names = signed_header_names(headers)
    canonical_headers = ''.join('%s:%s\n' % (name, lowered[name]) for name in names)
    return '\n'.join([
        method.upper(),
        canonical_uri(path),
        canonical_query(query),
        canonical_headers,
        ';'.join(names),
        hashlib.sha256(body).hexdigest(),
    ])


def string_to_sign(canonical: str, sdk_date: str) -> str:
    return '\n'.join([ALGORITHM, sdk_date, hashlib.sha256(canonical.encode('utf-8')).hexdigest()])


def authorization(
    method: str,
    path: str,
    query: QueryPairs,
    headers: t.Mapping[str, str],
    body: bytes,
    access_key: str,
    secret_key: str,
) -> str:
    """The ``Authorization`` header value; ``headers`` must already hold ``X-Sdk-Date`` and ``Host``."""
    sdk_date = next(value for name, value in headers.items() if name.lower() == DATE_HEADER.lower())
    to_sign = string_to_sign(canonical_request(method, path, query, headers, body), sdk_date)
    signature = hmac.new(secret_key.encode('utf-8'), to_sign.encode('utf-8'), hashlib.sha256).hexdigest()
    return '%s Access=%s, SignedHeaders=%s, Signature=%s' % (
        ALGORITHM, access_key, ';'.join(signed_header_names(headers)), signature)


def sdk_date(now: datetime.datetime | None = None) -> str:
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return now.astimezone(datetime.timezone.utc).strftime(DATE_FORMAT)
