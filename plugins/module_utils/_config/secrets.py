# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""The secrets a call's input holds, for the scrubber: option values marked no_log, their environment
variables, and the credentials of proxy URLs.
"""

from __future__ import annotations

import base64
import os
import typing as t
from urllib.parse import unquote, urlsplit

from .options import ALL_OPTIONS


SECRET_OPTIONS = tuple(option.name for option in ALL_OPTIONS if option.no_log)
PROXY_VARIABLES = ('HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy')


def proxy_secrets(proxy: str | None) -> list[str]:
    """The password of a proxy URL, as written and decoded, and the Basic credentials made from it."""
    if not proxy:
        return []
    try:
        parts = urlsplit(proxy.strip())
        user, password = parts.username, parts.password
    except ValueError:
        return []
    if not password:
        return []
    basic = base64.b64encode(('%s:%s' % (unquote(user or ''), unquote(password))).encode('utf-8')).decode('ascii')
    return [password, unquote(password), basic]


def environment_proxy_secrets(environ: t.Mapping[str, str] | None = None) -> list[str]:
    environ = os.environ if environ is None else environ
    return [secret for name in PROXY_VARIABLES for secret in proxy_secrets(environ.get(name))]


def raw_secrets(raw: t.Mapping[str, t.Any], environ: t.Mapping[str, str] | None = None) -> list[str]:
    """Every secret the raw options and the environment hold, for scrubbing messages of a load that failed."""
    environ = os.environ if environ is None else environ
    found: list[str] = [raw[name] for name in SECRET_OPTIONS if isinstance(raw.get(name), str)]
    found += [environ[variable] for option in ALL_OPTIONS if option.no_log for variable in option.env
              if isinstance(environ.get(variable), str)]
    found += [value.strip() for value in found]
    found += environment_proxy_secrets(environ)
    found += proxy_secrets(raw.get('proxy') if isinstance(raw.get('proxy'), str) else None)
    return [value for value in found if value]
