# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The identities a request can carry, behind one small interface.

An identity turns (method, URL, body) into the headers that authenticate the request. Secrets stay
inside the identity: ``repr()`` never shows them.
"""

from __future__ import annotations

import datetime
import typing as t
from urllib.parse import parse_qsl, urlsplit

from . import signer


class Identity:
    kind = 'none'

    def headers_for(self, method: str, url: str, body: bytes = b'') -> dict[str, str]:
        raise NotImplementedError

    def __repr__(self) -> str:
        return '<%s identity>' % self.kind


class TokenIdentity(Identity):
    kind = 'token'

    def __init__(self, token: str) -> None:
        self._token = token

    def headers_for(self, method: str, url: str, body: bytes = b'') -> dict[str, str]:
        return {'X-Auth-Token': self._token}


class AkSkIdentity(Identity):
    """AK/SK signing; every header it returns is signed and must be sent unchanged."""

    kind = 'aksk'

    def __init__(
        self,
        access_key: str,
        secret_key: str,
        project_id: str | None = None,
        security_token: str | None = None,
        clock: t.Callable[[], datetime.datetime] | None = None,
    ) -> None:
        self.access_key = access_key
        self._secret_key = secret_key
        self.project_id = project_id
        self._security_token = security_token
        self._clock = clock or (lambda: datetime.datetime.now(datetime.timezone.utc))

    def headers_for(self, method: str, url: str, body: bytes = b'') -> dict[str, str]:
        parts = urlsplit(url)
        headers = {
            'Host': parts.netloc.rpartition('@')[2],
            signer.DATE_HEADER: signer.sdk_date(self._clock()),
        }
        if self.project_id:
            headers['X-Project-Id'] = self.project_id
        if self._security_token:
            headers['X-Security-Token'] = self._security_token
        query = parse_qsl(parts.query, keep_blank_values=True)
        headers['Authorization'] = signer.authorization(
            method, parts.path, query, headers, body, self.access_key, self._secret_key)
        return headers


def identity_from_params(params: t.Mapping[str, t.Any]) -> Identity:
    """The identity the (already validated) options describe."""
    if params['auth_token'] is not None:
        return TokenIdentity(params['auth_token'])
    return AkSkIdentity(
        params['access_key'],
        params['secret_key'],
        project_id=params['project_id'],
        security_token=params['security_token'],
    )
