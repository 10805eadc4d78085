# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The IAM token endpoint ``POST /v3/auth/tokens`` (password method) and the tokens it issues."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import threading
import time
import typing as t

from .answers import IAM_UNAUTHORIZED, ApiError, Response, iam_bad_request, iam_error_body, json_response

IAM_TOKENS_PATH = "/v3/auth/tokens"
DEFAULT_USER = ("emulator-user", "emulator-password", "emulator-domain")
DEFAULT_TOKEN_TTL = 86400
ISSUED_TOKEN_PREFIX = "MIIemu"
MAX_ISSUED_TOKENS = 100000

Users = t.Dict[t.Tuple[str, str], str]


def normalize_users(users: t.Iterable[t.Any]) -> Users:
    """``{(domain, name): password}`` from tuples ``(name, password, domain)`` or dicts."""
    table = {}
    for user in users:
        if isinstance(user, dict):
            user = (user.get("name"), user.get("password"), user.get("domain"))
        if not isinstance(user, (tuple, list)) or len(user) != 3 or not all(isinstance(x, str) for x in user):
            raise ValueError("a user must be (name, password, domain) strings")
        name, password, domain = user
        if not name or not domain:
            raise ValueError("a user needs a non-empty name and domain")
        table[(domain, name)] = password
    return table


def derived_id(*parts: str) -> str:
    """A stable 32-hex id for a user, domain or project name."""
    return hashlib.sha256(("fabric-emulator:" + "\x00".join(parts)).encode("utf-8")).hexdigest()[:32]


def iam_time(epoch: float) -> str:
    """IAM's time format: ``2025-07-22T08:42:39.123000Z``."""
    whole = int(epoch // 1)
    micros = int(round((epoch - whole) * 1000000))
    if micros >= 1000000:
        whole, micros = whole + 1, micros - 1000000
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)) + ".%06dZ" % micros


class TokenStore:
    """Issued tokens and their expiry (on the emulator's clock); the values never leave this object."""

    def __init__(self, ttl: float, clock: t.Callable[[], float]) -> None:
        self.ttl = ttl
        self.clock = clock
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._expiry: dict[str, float] = {}
            self._issued_count = 0

    def issue(self, now: float) -> str:
        token = ISSUED_TOKEN_PREFIX + os.urandom(20).hex()
        with self._lock:
            self._expiry[token] = now + self.ttl
            self._issued_count += 1
            if len(self._expiry) > MAX_ISSUED_TOKENS:
                live = {tok: e for tok, e in self._expiry.items() if e > now}
                while len(live) > MAX_ISSUED_TOKENS:
                    del live[next(iter(live))]
                self._expiry = live
        return token

    def is_valid(self, token: str) -> bool:
        with self._lock:
            expiry = self._expiry.get(token)
        return expiry is not None and self.clock() < expiry

    def expire_all(self) -> int:
        """Expire every token issued so far; returns how many were still valid."""
        now = self.clock()
        with self._lock:
            valid = sum(1 for e in self._expiry.values() if e > now)
            self._expiry = dict.fromkeys(self._expiry, float("-inf"))
        return valid

    def stats(self) -> dict[str, int]:
        now = self.clock()
        with self._lock:
            return {"issued": self._issued_count, "valid": sum(1 for e in self._expiry.values() if e > now)}


class PasswordLogin:
    """Validates the Keystone v3 password body (never echoing it) and answers with a fresh token."""

    def __init__(self, users: Users, tokens: TokenStore, project_id: str | None) -> None:
        self.users = users
        self.tokens = tokens
        self.project_id = project_id

    def answer(self, method: str, body: bytes,
               adjust_token: t.Callable[[dict[str, t.Any]], None] | None = None) -> Response:
        try:
            if method != "POST":
                raise ApiError(405, iam_error_body(405, "The method is not allowed for the requested URL."))
            return self._login(body, adjust_token)
        except ApiError as err:
            headers = [("Allow", "POST")] if err.status == 405 else None
            return json_response(err.status, err.body, headers)

    def _login(self, body: bytes, adjust_token: t.Callable[[dict[str, t.Any]], None] | None) -> Response:
        name, secret, domain_name, project_id, project_name = _read_login(body)
        stored = self.users.get((domain_name, name))
        if stored is None or not hmac.compare_digest(stored.encode("utf-8"), secret.encode("utf-8")):
            raise ApiError(401, IAM_UNAUTHORIZED)
        now = self.tokens.clock()
        token = self.tokens.issue(now)
        domain_obj = {"name": domain_name, "id": derived_id("domain", domain_name)}
        project_obj: dict[str, t.Any] = {}
        if project_id is not None:
            project_obj["id"] = project_id
        else:
            project_obj["id"] = self.project_id or derived_id("project", t.cast(str, project_name))
        if project_name is not None:
            project_obj["name"] = project_name
        project_obj["domain"] = dict(domain_obj)
        token_obj = {
            "expires_at": iam_time(now + self.tokens.ttl),
            "issued_at": iam_time(now),
            "methods": ["password"],
            "user": {"name": name, "id": derived_id("user", domain_name, name), "domain": dict(domain_obj),
                     "password_expires_at": ""},
            "project": project_obj,
        }
        if adjust_token is not None:
            adjust_token(token_obj)
        return json_response(201, {"token": token_obj}, [("X-Subject-Token", token)])


def _member(obj: dict, key: str, where: str, kind: type = dict) -> t.Any:
    value = obj.get(key)
    if value is None:
        raise iam_bad_request("%s is required." % where)
    if not isinstance(value, kind):
        raise iam_bad_request("%s must be %s." % (where, "an object" if kind is dict else "a string"))
    return value


def _read_login(body: bytes) -> tuple[str, str, str, str | None, str | None]:
    """(user name, password, domain name, project id, project name) of a valid body; 400 otherwise."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise iam_bad_request("The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise iam_bad_request("The request body must be a JSON object.")
    auth = _member(data, "auth", "auth")
    identity = _member(auth, "identity", "auth.identity")
    methods = identity.get("methods")
    if not isinstance(methods, list) or not methods:
        raise iam_bad_request("auth.identity.methods is required (a non-empty list).")
    if methods != ["password"]:
        raise iam_bad_request('auth.identity.methods: only ["password"] is supported.')
    password = _member(identity, "password", "auth.identity.password")
    user = _member(password, "user", "auth.identity.password.user")
    name = _member(user, "name", "auth.identity.password.user.name", str)
    secret = _member(user, "password", "auth.identity.password.user.password", str)
    domain = _member(user, "domain", "auth.identity.password.user.domain")
    domain_name = _member(domain, "name", "auth.identity.password.user.domain.name", str)
    if not name or not domain_name:
        raise iam_bad_request("auth.identity.password.user.name and domain.name must not be empty.")
    scope = auth.get("scope")
    if scope is None:
        raise iam_bad_request("auth.scope is required (a project id or name).")
    if not isinstance(scope, dict):
        raise iam_bad_request("auth.scope must be an object.")
    project = scope.get("project")
    if not isinstance(project, dict):
        raise iam_bad_request("auth.scope.project is required (a project id or name).")
    project_id = project.get("id")
    project_name = project.get("name")
    for value, where in ((project_id, "id"), (project_name, "name")):
        if value is not None and (not isinstance(value, str) or not value):
            raise iam_bad_request("auth.scope.project.%s must be a non-empty string." % where)
    if project_id is None and project_name is None:
        raise iam_bad_request("auth.scope.project needs an id or a name.")
    return name, secret, domain_name, project_id, project_name


def password_in(body: bytes) -> str | None:
    """The password a login body carries, if it has one where IAM expects it (for ``echo_secret``)."""
    try:
        data = json.loads(body.decode("utf-8"))
        value = data["auth"]["identity"]["password"]["user"]["password"]
    except (UnicodeDecodeError, ValueError, KeyError, TypeError):
        return None
    return value if isinstance(value, str) else None
