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
import threading
import typing as t
from urllib.parse import parse_qsl, urlsplit

from . import _signer as signer


class Identity:
    kind = 'none'

    def headers_for(self, method: str, url: str, body: bytes = b'') -> dict[str, str]:
        raise NotImplementedError

    def refresh(self, sent_headers: t.Mapping[str, str]) -> bool:
        """After HTTP 401 for a request sent with ``sent_headers``: True when sending it again may succeed."""
        return False

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


class ExchangedTokenIdentity(Identity):
    """A token obtained from IAM on first use, shared by every request (and thread) of the client, renewed
    when it is about to expire or when the API rejects it."""

    kind = 'password'
    RENEW_BEFORE = datetime.timedelta(minutes=5)

    def __init__(
        self,
        exchange: t.Callable[[], tuple[str, datetime.datetime | None]],
        clock: t.Callable[[], datetime.datetime] | None = None,
    ) -> None:
        self._exchange = exchange
        self._clock = clock or (lambda: datetime.datetime.now(datetime.timezone.utc))
        self._token: str | None = None
        self._expires: datetime.datetime | None = None
        self._lock = threading.Lock()
        self.exchanges = 0

    def _current_token(self) -> str:
        with self._lock:
            expiring = self._expires is not None and self._expires - self.RENEW_BEFORE <= self._clock()
            if self._token is None or expiring:
                self._token, self._expires = self._exchange()
                self.exchanges += 1
            return self._token

    def headers_for(self, method: str, url: str, body: bytes = b'') -> dict[str, str]:
        return {'X-Auth-Token': self._current_token()}

    def refresh(self, sent_headers: t.Mapping[str, str]) -> bool:
        with self._lock:
            if self._token is not None and self._token == sent_headers.get('X-Auth-Token'):
                self._token = None  # unless another thread already replaced it
        return True


def password_auth_body(params: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    """The IAM request (Keystone v3 shape) exchanging a user's password for a project-scoped token."""
    project = {'id': params['project_id']} if params['project_id'] else {'name': params['project_name']}
    user = {'name': params['username'], 'password': params['password'], 'domain': {'name': params['domain_name']}}
    return {'auth': {'identity': {'methods': ['password'], 'password': {'user': user}},
                     'scope': {'project': project}}}


def parse_expiry(value: t.Any) -> datetime.datetime | None:
    """IAM's ``expires_at`` (``2025-07-23T08:42:39.123000Z``), or None when it cannot be read."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.datetime.fromisoformat(value.strip().replace('Z', '+00:00'))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.timezone.utc)


def identity_from_params(
    params: t.Mapping[str, t.Any],
    exchange: t.Callable[[], tuple[str, datetime.datetime | None]] | None = None,
) -> Identity:
    """The identity the (already validated) options describe; ``exchange`` fetches a token for a password."""
    if params['auth_token'] is not None:
        return TokenIdentity(params['auth_token'])
    if params['username'] is not None:
        if exchange is None:
            raise ValueError('a password identity needs a token exchange')
        return ExchangedTokenIdentity(exchange)
    return AkSkIdentity(
        params['access_key'],
        params['secret_key'],
        project_id=params['project_id'],
        security_token=params['security_token'],
    )
