# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""The typed configuration the loader builds: frozen, checked, and free of defaults of its own (every default
is the option table's, applied by the loader).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .options import default_of
from .secrets import proxy_secrets


@dataclass(frozen=True)
class Credentials:
    """One way to authenticate; ``repr()`` shows the kind and the non-secret names only."""

    kind: str  # 'token', 'aksk' or 'password'
    origin: str = field(default='', compare=False)  # the options used, and where each came from (for messages)
    auth_token: str | None = field(default=None, repr=False)
    access_key: str | None = None
    secret_key: str | None = field(default=None, repr=False)
    security_token: str | None = field(default=None, repr=False)
    project_id: str | None = None
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    domain_name: str | None = None
    project_name: str | None = None

    def secrets(self) -> tuple[str, ...]:
        return tuple(value for value in (self.auth_token, self.secret_key, self.security_token, self.password)
                     if value)


@dataclass(frozen=True)
class Connection:
    """How to reach the service: every field is set by the loader (the defaults are the option table's)."""

    base_url: str
    credentials: Credentials
    iam_url: str | None
    verify: bool | str
    proxy: str | None = field(repr=False)
    connect_timeout: float
    timeout: float
    total_timeout: float
    retries: int
    backoff: float
    concurrency: int
    token_cache: bool
    # what to check when the endpoint's or IAM's host cannot be reached (an option, or the region it came from)
    endpoint_origin: str = field(compare=False)
    iam_origin: str = field(compare=False)

    def secrets(self) -> tuple[str, ...]:
        return self.credentials.secrets() + tuple(proxy_secrets(self.proxy))


@dataclass(frozen=True)
class Query:
    """What to list in each workspace; ``statuses`` holds None for "every status", the filters None for
    "not filtered"."""

    statuses: tuple[str | None, ...] = (None,)
    endpoint_id: str | None = None
    session_id: str | None = None
    endpoint_name: str | None = None
    page_size: int = default_of('page_size')
    max_results: int | None = None
    count_only: bool = default_of('count_only')
    older_than: int | None = None  # seconds


@dataclass(frozen=True)
class Config:
    connection: Connection
    query: Query
    warnings: tuple[str, ...] = ()
