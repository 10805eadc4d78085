# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""The identities a request can carry, behind one small interface.

An identity turns (method, URL, body) into the headers that authenticate the request. Secrets stay
inside the identity: ``repr()`` never shows them.
"""

from __future__ import annotations

import datetime
import threading
import typing as t
from urllib.parse import parse_qsl, urlsplit

from .._errors import FabricError
from . import signer

if t.TYPE_CHECKING:
    from .token_cache import TokenCache


class Identity:
    kind = 'none'

    def headers_for(self, method: str, url: str, body: bytes = b'') -> dict[str, str]:
        raise NotImplementedError

    def refresh(self, sent_headers: t.Mapping[str, str], status: int = 401) -> bool:
        """After HTTP 401 (or 403) for a request sent with ``sent_headers``: True when sending it again with
        other credentials may succeed."""
        return False

    def origin(self, sent_headers: t.Mapping[str, str]) -> str | None:
        """Where the credentials of a refused request came from, when that helps to read the refusal."""
        return None

    def accepted(self, sent_headers: t.Mapping[str, str]) -> None:
        """The API accepted a request sent with ``sent_headers``."""

    def after_fork(self) -> None:
        """Called in a forked child before the identity is used there."""

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
        host = parts.netloc.rpartition('@')[2]
        if not host.isascii():  # the loader gives the IDNA form: a Unicode Host would be signed but not sent
            raise FabricError('cannot sign a request to %s: its host name is not ASCII; use its IDNA (xn--) form'
                              % host)
        headers = {
            'Host': host,
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
    """A token obtained from IAM (or the token cache) on first use, shared by every request (and thread) of the
    client.

    It is renewed ahead of its expiry when IAM gave it a usable lifetime; a token that IAM issued already
    expired, or about to, is used as it is (asking again would only get the same). After HTTP 401 the token
    is renewed once, and after HTTP 403 too when it came from the cache (IAM tokens carry the user's roles as
    they were when issued: a role granted since is missing from a cached token); a token the API refused is
    never taken from the cache again. When the renewed token is refused too, before the API accepted it, it is
    not renewed again: one refusal costs at most one IAM request, never one per page.
    """

    kind = 'password'
    RENEW_BEFORE = datetime.timedelta(minutes=5)

    def __init__(
        self,
        exchange: t.Callable[[], tuple[str, datetime.datetime | None]],
        clock: t.Callable[[], datetime.datetime] | None = None,
        cache: 'TokenCache | None' = None,
        learn: t.Callable[[str], None] | None = None,
        note: t.Callable[[str], None] | None = None,
    ) -> None:
        self._exchange = exchange
        self._clock = clock or (lambda: datetime.datetime.now(datetime.timezone.utc))
        self._cache = cache
        self._learn = learn or (lambda token: None)  # told every token it uses from the cache (the scrubber)
        self._note = note or (lambda message: None)
        self._token: str | None = None
        self._expires: datetime.datetime | None = None
        self._from_cache = False
        self._refused: str | None = None  # the last token the API refused
        self._renew_at: datetime.datetime | None = None
        self._renewed_after_refusal = False
        self._lock = threading.Lock()

    def after_fork(self) -> None:
        self._lock = threading.Lock()

    def _cached_or_issued(self) -> tuple[str, datetime.datetime | None, bool]:
        """A token: the cache's, else one IAM issues (asked for by one process at a time; the others wait and
        take what it stored). True with a token of the cache."""
        cache = self._cache
        if cache is None:
            return self._exchange() + (False,)
        cached = cache.load(refused=self._refused)
        if cached is None:
            with cache.exchange_lock():
                cached = cache.load(refused=self._refused)  # stored meanwhile by the process that held the lock
                if cached is None:
                    token, expires = self._exchange()
                    cache.store(token, expires)
                    return token, expires, False
        self._learn(cached[0])
        return cached[0], cached[1], True

    def _fetch(self) -> None:
        self._token, self._expires, self._from_cache = self._cached_or_issued()
        self._renew_at = None
        if self._expires is not None:
            try:
                renew_at = self._expires - self.RENEW_BEFORE
            except OverflowError:  # an expiry in year 1
                renew_at = None
            if renew_at is not None and renew_at > self._clock():
                self._renew_at = renew_at

    def _current_token(self) -> str:
        with self._lock:
            if self._token is None or (self._renew_at is not None and self._renew_at <= self._clock()):
                self._fetch()
            return t.cast(str, self._token)

    def headers_for(self, method: str, url: str, body: bytes = b'') -> dict[str, str]:
        return {'X-Auth-Token': self._current_token()}

    def accepted(self, sent_headers: t.Mapping[str, str]) -> None:
        if self._renewed_after_refusal and sent_headers.get('X-Auth-Token') == self._token:
            with self._lock:
                self._renewed_after_refusal = False

    def refresh(self, sent_headers: t.Mapping[str, str], status: int = 401) -> bool:
        with self._lock:
            if self._token is None or self._token != sent_headers.get('X-Auth-Token'):
                return True  # another thread already replaced it: send again with the new one
            if self._renewed_after_refusal or (status != 401 and not self._from_cache):
                return False
            self._renewed_after_refusal = True
            self._refused = self._token
            if self._cache is not None:
                self._cache.drop(self._token)
            if status != 401:
                self._note('the API answered HTTP %d to the IAM token from the token cache (%s): asking IAM for a'
                           ' new token once, in case the roles of the user changed since it was issued'
                           % (status, self._cache.directory if self._cache is not None else ''))
            self._token = None
            return True

    def origin(self, sent_headers: t.Mapping[str, str]) -> str | None:
        with self._lock:
            if sent_headers.get('X-Auth-Token') != self._token or self._token is None:
                return None
            if self._from_cache:
                return 'an IAM token from the token cache (%s, valid until %s)' % (
                    self._cache.directory if self._cache is not None else '', _utc(self._expires))
            if self._refused is not None:
                return 'a new IAM token, asked for after the API refused the one before'
            return 'an IAM token issued by IAM for this task'


def _utc(moment: datetime.datetime | None) -> str:
    if moment is None:
        return 'an unknown time'
    try:
        return moment.astimezone(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')
    except (OverflowError, ValueError):
        return 'an unreadable time'
