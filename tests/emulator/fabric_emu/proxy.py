# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Requests sent to the emulator as to an HTTP proxy: the target forms and the ``Proxy-Authorization`` check."""

from __future__ import annotations

import base64
import binascii
import hmac
from urllib.parse import urlsplit

from .answers import Response, json_response

PROXY_REALM = "emulator"


def split_target(method: str, target: str) -> tuple[str, str, str | None]:
    """(path, raw query, proxy URL or None) of a request target in origin, absolute or authority form."""
    if method == "CONNECT":
        return target, "", None
    if target.lower().startswith(("http://", "https://")):
        parts = urlsplit(target)
        return parts.path or "/", parts.query, target
    path, _sep, raw_query = target.partition("?")
    return path.split("#", 1)[0], raw_query, None


class ProxyGate:
    """With credentials, proxy requests must carry ``Proxy-Authorization: Basic`` of exactly those."""

    def __init__(self, credentials: tuple[str, str] | None) -> None:
        if credentials is not None:
            if (not isinstance(credentials, (tuple, list)) or len(credentials) != 2
                    or not all(isinstance(x, str) for x in credentials) or not credentials[0] or ":" in credentials[0]):
                raise ValueError("proxy credentials must be (user, password) strings, the user non-empty without ':'")
            credentials = (credentials[0], credentials[1])
        self._expected = None if credentials is None else ("%s:%s" % credentials).encode("utf-8")

    @property
    def required(self) -> bool:
        return self._expected is not None

    def check(self, header: str | None) -> str:
        """``ok``, ``missing`` or ``wrong`` (never says which part was wrong)."""
        if header is None or not header.strip():
            return "missing"
        scheme, _sep, encoded = header.strip().partition(" ")
        if scheme.lower() != "basic":
            return "wrong"
        try:
            given = base64.b64decode(encoded.strip(), validate=True)
        except (binascii.Error, ValueError):
            return "wrong"
        return "ok" if self._expected is not None and hmac.compare_digest(given, self._expected) else "wrong"


def refusal() -> Response:
    return json_response(407, {"error_code": "emulator.407", "error_msg": "Proxy Authentication Required"},
                         [("Proxy-Authenticate", 'Basic realm="%s"' % PROXY_REALM)])
