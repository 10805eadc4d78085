# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""The client of a loaded connection: its transport, its identity (with the IAM exchange and the token cache
where the credentials are a password), and its scrubber.
"""

from __future__ import annotations

import typing as t

from .._config.secrets import proxy_secrets
from .._config.types import Connection, Credentials
from .._redact import Redactor
from .client import FabricHttpClient
from .iam import IamExchange
from .identity import AkSkIdentity, ExchangedTokenIdentity, Identity, TokenIdentity
from .token_cache import TokenCache
from .transport import Transport

try:
    import requests
except ImportError:  # the faces report the missing library themselves
    pass


def proxies_in_use(connection: Connection) -> list[str]:
    """The proxies requests sends the connection's requests through: the proxy option, else the environment's
    proxy for each URL (API, IAM) that NO_PROXY does not exempt, as requests picks it."""
    if connection.proxy:
        return [connection.proxy]
    found = []
    for url in (connection.base_url, connection.iam_url):
        if url:
            proxy = requests.utils.select_proxy(url, requests.utils.get_environ_proxies(url))
            if proxy:
                found.append(proxy)
    return found


def identity_for(credentials: Credentials, transport: Transport, connection: Connection) -> Identity:
    """The identity of the configured credentials; a password is exchanged at IAM over ``transport``."""
    if credentials.kind == 'token':
        return TokenIdentity(t.cast(str, credentials.auth_token))
    if credentials.kind == 'password':
        cache = None
        if connection.token_cache:
            # the IAM endpoint, the user and the scope select the token; the password is there so that a
            # changed password never reuses a token
            cache = TokenCache((connection.iam_url, credentials.domain_name, credentials.username,
                                credentials.project_id, credentials.project_name, credentials.password),
                               warn=transport.note, lock_wait=connection.timeout, sleep=transport.pause)
        exchange = IamExchange(transport, t.cast(str, connection.iam_url), credentials)
        return ExchangedTokenIdentity(exchange, cache=cache, learn=transport.redactor.learn, note=transport.note)
    return AkSkIdentity(
        t.cast(str, credentials.access_key),
        t.cast(str, credentials.secret_key),
        project_id=credentials.project_id,
        security_token=credentials.security_token,
    )


def open_client(connection: Connection, agent: str) -> FabricHttpClient:
    """The client of a loaded configuration's connection part."""
    # the secrets of the sources in use: an environment proxy that NO_PROXY (or the proxy option) leaves unused
    # is never contacted, so its password can be in no message
    redactor = Redactor(connection.secrets() + tuple(secret for proxy in proxies_in_use(connection)
                                                     for secret in proxy_secrets(proxy)))
    transport = Transport(connection, redactor, agent)
    return FabricHttpClient(transport, identity_for(connection.credentials, transport, connection))
