# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""The IAM password exchange: a user's password for a project-scoped token (Keystone v3 shape).
"""

from __future__ import annotations

import datetime
import json
import typing as t

from .._config.types import Credentials
from .._errors import FabricError
from .client import decode
from .failures import unexpected_error
from .transport import Transport

IAM_TOKENS_PATH = '/v3/auth/tokens'
TOKEN_MAX_CHARS = 32 * 1024


def password_auth_body(credentials: Credentials) -> dict[str, t.Any]:
    """The IAM request exchanging a user's password for a project-scoped token."""
    project = {'id': credentials.project_id} if credentials.project_id else {'name': credentials.project_name}
    user = {'name': credentials.username, 'password': credentials.password,
            'domain': {'name': credentials.domain_name}}
    return {'auth': {'identity': {'methods': ['password'], 'password': {'user': user}},
                     'scope': {'project': project}}}


def parse_expiry(value: t.Any) -> datetime.datetime | None:
    """IAM's ``expires_at`` (``2025-07-23T08:42:39.123000Z``), or None when it cannot be read."""
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        parsed = datetime.datetime.fromisoformat(value.strip().replace('Z', '+00:00'))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.timezone.utc)


class IamExchange:
    """Asks IAM for a token over the call's transport (its budget and deadline)."""

    def __init__(self, transport: Transport, iam_url: str, credentials: Credentials) -> None:
        self.transport = transport
        self.iam_url = iam_url.rstrip('/')
        self._credentials = credentials

    def __call__(self) -> tuple[str, datetime.datetime | None]:
        """The token (from X-Subject-Token) and its expiry (from the body), or a FabricError naming IAM."""
        url = self.iam_url + IAM_TOKENS_PATH
        try:
            return self._exchange(url)
        except FabricError as exc:
            raise self.transport.redactor.error(exc.with_context(
                before='getting a token from IAM (iam_endpoint %s) failed: ' % self.iam_url)) from None
        except Exception as exc:
            raise self.transport.redactor.error(unexpected_error('POST', url, exc)) from None

    def _exchange(self, url: str) -> tuple[str, datetime.datetime | None]:
        payload = json.dumps(password_auth_body(self._credentials)).encode('utf-8')
        response, body = self.transport.send('POST', url, {'Content-Type': 'application/json'}, payload,
                                             'iam_endpoint')
        answer = decode('POST', response, body, url, 'iam_endpoint')
        token = response.headers.get('X-Subject-Token')
        if not token:
            raise FabricError('POST %s answered HTTP %s without an X-Subject-Token header: no IAM token was issued'
                              % (url, response.status_code), status=response.status_code,
                              request_id=answer.request_id)
        self.transport.redactor.learn(token)
        if len(token) > TOKEN_MAX_CHARS or not (token.isascii() and token.isprintable()) or ' ' in token:
            raise FabricError('POST %s answered HTTP %s with an X-Subject-Token that cannot be sent back in a'
                              ' header (not printable ASCII, or longer than %d characters)'
                              % (url, response.status_code, TOKEN_MAX_CHARS),
                              status=response.status_code, request_id=answer.request_id)
        token_part = answer.data.get('token') if isinstance(answer.data, dict) else None
        expires = token_part.get('expires_at') if isinstance(token_part, dict) else None
        return token, parse_expiry(expires)
