# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""SDK-HMAC-SHA256: the emulator's own signer and verifier, written from the algorithm description in the
spec (independent of the collection's plugins, so that each checks the other)."""

from __future__ import annotations

import calendar
import hashlib
import hmac
import re
import time
import typing as t
from urllib.parse import quote, unquote

SIGN_ALGORITHM = "SDK-HMAC-SHA256"
SDK_DATE_RE = re.compile(r"[0-9]{8}T[0-9]{6}Z\Z", re.ASCII)
SDK_DATE_FORMAT = "%Y%m%dT%H%M%SZ"
MAX_SKEW_SECONDS = 15 * 60

Pairs = t.Sequence[t.Tuple[str, str]]


class SignatureError(Exception):
    """The request's signature is refused; ``canonical`` is what the emulator computed, if it got that far."""

    def __init__(self, reason: str, canonical: str | None = None) -> None:
        Exception.__init__(self, reason)
        self.reason = reason
        self.canonical = canonical


def _encode(value: str) -> str:
    """Percent-encode everything except the unreserved characters."""
    return quote(value, safe="~")


def canonical_uri(path: str) -> str:
    """Decode each segment once, re-encode it, and end with ``/``."""
    uri = "/".join(_encode(unquote(segment)) for segment in path.split("/"))
    if not uri.endswith("/"):
        uri += "/"
    return uri


def canonical_query(pairs: Pairs) -> str:
    """``pairs`` are decoded (key, value) pairs; sorted, encoded, joined."""
    return "&".join("%s=%s" % (_encode(k), _encode(v)) for k, v in sorted(pairs))


def canonical_request(method: str, path: str, query_pairs: Pairs, headers: t.Mapping[str, str],
                      signed_headers: t.Sequence[str], body_hash: str) -> str:
    """Build the canonical request.

    ``headers`` maps lower-case names to values; ``signed_headers`` is the list
    of lower-case names in the order they are signed.
    """
    canonical_headers = "".join("%s:%s\n" % (name, headers.get(name, "").strip()) for name in signed_headers)
    return "\n".join((
        method.upper(),
        canonical_uri(path),
        canonical_query(query_pairs),
        canonical_headers,
        ";".join(signed_headers),
        body_hash,
    ))


def string_to_sign(sdk_date: str, canonical: str) -> str:
    return "%s\n%s\n%s" % (SIGN_ALGORITHM, sdk_date, hashlib.sha256(canonical.encode("utf-8")).hexdigest())


def _hmac_hex(secret_key: str, message: str) -> str:
    return hmac.new(secret_key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def compute_authorization(access_key: str, secret_key: str, method: str, path: str, query_pairs: Pairs,
                          headers: t.Mapping[str, str], body: bytes | str = b"") -> str:
    """Sign every header in ``headers`` (names without ``_``); return the Authorization value."""
    lowered = {name.lower(): value for name, value in headers.items() if "_" not in name}
    signed = sorted(lowered)
    if isinstance(body, str):
        body = body.encode("utf-8")
    canonical = canonical_request(method, path, query_pairs, lowered, signed, hashlib.sha256(body).hexdigest())
    signature = _hmac_hex(secret_key, string_to_sign(lowered.get("x-sdk-date", ""), canonical))
    return "%s Access=%s, SignedHeaders=%s, Signature=%s" % (SIGN_ALGORITHM, access_key, ";".join(signed), signature)


def is_signature(authorization: str) -> bool:
    """Whether an ``Authorization`` value claims to be an SDK-HMAC-SHA256 signature (``Basic ...`` is not)."""
    return authorization.strip().startswith(SIGN_ALGORITHM + " ")


def parse_authorization(value: str) -> dict[str, str] | None:
    """Return a dict with Access, SignedHeaders, Signature, or None if malformed."""
    if not value.startswith(SIGN_ALGORITHM + " "):
        return None
    fields = {}
    for part in value[len(SIGN_ALGORITHM) + 1:].split(","):
        key, sep, val = part.strip().partition("=")
        if not sep:
            return None
        fields[key.strip()] = val.strip()
    if not all(fields.get(k) for k in ("Access", "SignedHeaders", "Signature")):
        return None
    return fields


class Verifier:
    """Checks a received request's signature the way the API gateway does."""

    def __init__(self, credentials: dict[str, str], project_id: str | None, security_tokens: frozenset[str] | None,
                 clock: t.Callable[[], float]) -> None:
        self.credentials = credentials
        self.project_id = project_id
        self.security_tokens = security_tokens
        self.clock = clock

    def verify(self, method: str, path: str, query: Pairs, header_items: t.Iterable[tuple[str, str]],
               body: bytes, authorization: str) -> None:
        fields = parse_authorization(authorization)
        if fields is None:
            raise SignatureError("authorization header is not a valid %s signature" % SIGN_ALGORITHM)
        secret_key = self.credentials.get(fields["Access"])
        if secret_key is None:
            raise SignatureError("access key %s not found" % fields["Access"])
        signed = [h.strip().lower() for h in fields["SignedHeaders"].split(";") if h.strip()]
        for required in ("host", "x-sdk-date"):
            if required not in signed:
                raise SignatureError("header %s must be signed" % required)
        received: dict[str, str] = {}
        for name, value in header_items:
            lname = name.lower()
            received[lname] = received[lname] + "," + value if lname in received else value
        sdk_date = self._check_date(received.get("x-sdk-date", "").strip())
        self._check_project(received.get("x-project-id"), signed)
        self._check_security_token(received.get("x-security-token"), signed)
        for name in signed:
            if name not in received:
                raise SignatureError("verify aksk signature fail (signed header %s not sent)" % name)
        content_hash = received.get("x-sdk-content-sha256", "").strip()
        body_hash = "UNSIGNED-PAYLOAD" if content_hash == "UNSIGNED-PAYLOAD" else hashlib.sha256(body).hexdigest()
        canonical = canonical_request(method, path, query, received, signed, body_hash)
        expected = _hmac_hex(secret_key, string_to_sign(sdk_date, canonical))
        if not hmac.compare_digest(expected, fields["Signature"].lower()):
            raise SignatureError("verify aksk signature fail", canonical)

    def _check_date(self, sdk_date: str) -> str:
        if not sdk_date:
            raise SignatureError("request expired: X-Sdk-Date header is missing")
        if not SDK_DATE_RE.match(sdk_date):
            raise SignatureError("request expired: X-Sdk-Date %r is not in YYYYMMDDTHHMMSSZ format" % sdk_date)
        try:
            signed_at = calendar.timegm(time.strptime(sdk_date, SDK_DATE_FORMAT))
        except ValueError:
            raise SignatureError("request expired: X-Sdk-Date %r is not a valid time" % sdk_date) from None
        now = self.clock()
        if abs(now - signed_at) > MAX_SKEW_SECONDS:
            raise SignatureError("request expired: X-Sdk-Date %s is more than 15 minutes from the server time %s"
                                 % (sdk_date, time.strftime(SDK_DATE_FORMAT, time.gmtime(now))))
        return sdk_date

    def _check_project(self, project: str | None, signed: list[str]) -> None:
        if project is None or not project.strip():
            raise SignatureError("X-Project-Id header is missing")
        if "x-project-id" not in signed:
            raise SignatureError("header x-project-id must be signed")
        if self.project_id is not None and project.strip() != self.project_id:
            raise SignatureError("project id %s does not match the credentials" % project.strip())

    def _check_security_token(self, security_token: str | None, signed: list[str]) -> None:
        if security_token is None:
            return
        if "x-security-token" not in signed:
            raise SignatureError("header x-security-token must be signed")
        if self.security_tokens is not None and security_token.strip() not in self.security_tokens:
            raise SignatureError("security token is invalid")
