# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The HTTP client every call goes through: one pooled requests.Session per process, TLS, a deadline per
request and per call, one retry budget per call, no redirects, bounded bodies, and every failure turned
into a scrubbed FabricError that names the request."""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import random
import re
import socket
import ssl
import threading
import time
import traceback
import typing as t
from urllib.parse import urlsplit, urlunsplit

from ._auth import Identity, identity_for, parse_expiry, password_auth_body
from ._bounded_json import JsonTooDeep
from ._bounded_json import loads as bounded_loads
from ._errors import SHORT_FIELD_CHARS, FabricError, Redactor, error_from_response, service_text
from ._option_table import BACKOFF_MAX_SECONDS, CONCURRENCY_MAX, RETRY_AFTER_MAX_SECONDS, TOTAL_TIMEOUT_FACTOR
from ._request_deadline import RequestWatch, WatchedAdapter, current_watch
from ._signer import DATE_FORMAT, DATE_HEADER, canonical_query
from ._token_cache import TokenCache, identity_key
from ._version import user_agent

from ._config import environment_proxy_secrets

if t.TYPE_CHECKING:
    from ._config import Connection

try:
    import requests
    import urllib3
    from urllib3.exceptions import InsecureRequestWarning, MaxRetryError, NewConnectionError, ReadTimeoutError
    from urllib3.util.retry import Retry
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR: str | None = traceback.format_exc()
    Retry = object  # type: ignore[misc,assignment]  # lets the module report the missing library itself
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None

RETRY_STATUSES = frozenset((408, 429, 500, 502, 503, 504))
IAM_TOKENS_PATH = '/v3/auth/tokens'
EXPIRED_SIGNATURE_CODE = re.compile(r'\AAPIGW?\.0301\Z')
DEFAULT_BACKOFF = 0.5
MAX_BODY_BYTES = 8 * 1024 * 1024
READ_CHUNK = 64 * 1024
CONTENT_LENGTH = re.compile(r'\A[0-9]{1,15}\Z')
TOKEN_MAX_CHARS = 32 * 1024
TLS_NOT_SPOKEN = frozenset(('WRONG_VERSION_NUMBER', 'RECORD_LAYER_FAILURE', 'UNKNOWN_PROTOCOL', 'HTTP_REQUEST',
                            'PACKET_LENGTH_TOO_LONG', 'UNEXPECTED_RECORD'))
UNTRUSTED_ISSUER_CODES = frozenset((2, 18, 19, 20, 21))
HOSTNAME_MISMATCH_CODE = 62
EXPIRED_CERTIFICATE_CODE = 10


class JsonResponse(t.NamedTuple):
    data: t.Any
    request_id: t.Optional[str]
    url: str


class RetryEvent(t.NamedTuple):
    method: str
    path: str
    status: t.Optional[int]
    request_id: t.Optional[str]
    error: t.Optional[str]
    attempt: int

    def describe(self, limit: int) -> str:
        cause = 'HTTP %s' % self.status if self.status else (self.error or 'a connection error')
        request = ' (request id %s)' % self.request_id if self.request_id else ''
        return 'retry %d of %d for %s %s after %s%s' % (self.attempt, limit, self.method, self.path, cause, request)


class RetryBudget:
    """The retries one call may make in all, shared by its threads."""

    def __init__(self, size: int) -> None:
        self.size = self.left = size
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            if self.left <= 0:
                return False
            self.left -= 1
            return True

    @property
    def used_up(self) -> bool:
        return self.left <= 0 < self.size


def _cause_in_words(error: BaseException | None) -> str | None:
    if error is None:
        return None
    watch = current_watch()
    if watch is not None and watch.expired:
        return 'a timeout'
    causes = list(_causes(error))
    if any(isinstance(cause, (socket.timeout, ReadTimeoutError)) for cause in causes):
        return 'a timeout'
    if any(isinstance(cause, ConnectionRefusedError) for cause in causes):
        return 'connection refused'
    if any(isinstance(cause, ConnectionResetError) for cause in causes):
        return 'connection reset'
    return 'a dropped connection'


def parse_retry_after(value: str) -> float | None:
    """Seconds to wait, capped; None (the backoff applies) for anything that is not a number of seconds or
    an HTTP date: a fraction, a negative number, text, or digits of another script."""
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(RETRY_AFTER_MAX_SECONDS if len(value) > 6 else min(int(value), RETRY_AFTER_MAX_SECONDS))
    try:
        from email.utils import parsedate_to_datetime
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    seconds = (when - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
    return min(max(seconds, 0.0), float(RETRY_AFTER_MAX_SECONDS))


class CallDeadline(Exception):
    """Raised inside urllib3's retry loop when waiting for the next attempt would outlast total_timeout."""


class ReportingRetry(Retry):  # type: ignore[misc,valid-type]
    """urllib3's Retry with the changes this collection needs, each for a reason urllib3 does not cover:

    - every retry is reported (status, request id) to ``on_retry``, so the play can warn about it;
    - all requests of one call draw on one :class:`RetryBudget`;
    - the backoff grows from the first retry (urllib3 retries the first time at once, which hammers a
      throttling gateway) and carries jitter, also on urllib3 1.26, which has no ``backoff_jitter``;
    - a ``Retry-After`` header is honoured but capped, and one that is no number of seconds is ignored
      (urllib3 raises on ``1.5`` or ``soon``, which would end the call);
    - a failed DNS look-up is not retried: it will not change within seconds.
    """

    on_retry: t.Optional[t.Callable[[RetryEvent], None]] = None
    budget: t.Optional[RetryBudget] = None

    def new(self, **kw: t.Any) -> 'ReportingRetry':
        retry = super().new(**kw)
        retry.on_retry = self.on_retry
        retry.budget = self.budget
        return retry

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):  # type: ignore[no-untyped-def]
        if error is not None and any(isinstance(cause, socket.gaierror) for cause in _causes(error)):
            raise MaxRetryError(_pool, url, error)
        retry = super().increment(method, url, response, error, _pool, _stacktrace)
        if self.budget is not None and not self.budget.take():
            raise MaxRetryError(_pool, url, error or 'the retry budget of this call is used up')
        if self.on_retry is not None:
            self.on_retry(RetryEvent(
                method=method or 'GET',
                path=_path_and_query(url or ''),
                status=response.status if response is not None else None,
                request_id=_request_id(response.headers) if response is not None else None,
                error=_cause_in_words(error),
                attempt=len(retry.history),
            ))
        return retry

    def get_backoff_time(self) -> float:
        if not self.history:
            return 0.0
        ceiling = min(BACKOFF_MAX_SECONDS, self.backoff_factor * 2 ** (len(self.history) - 1))
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    def parse_retry_after(self, retry_after: str) -> float:  # type: ignore[override]
        seconds = parse_retry_after(retry_after)
        return 0.0 if seconds is None else seconds

    def get_retry_after(self, response):  # type: ignore[no-untyped-def]
        value = response.headers.get('Retry-After')
        return None if value is None else parse_retry_after(value)

    def sleep(self, response=None):  # type: ignore[no-untyped-def]
        watch = current_watch()
        if watch is not None:
            watch.disarm()  # the pause between attempts is not part of an attempt's time
            left = watch.left()
            wait = (self.get_retry_after(response) if response is not None else None) or self.get_backoff_time()
            if left is not None and wait >= left:
                raise CallDeadline()
        super().sleep(response)


def retry_policy(
    retries: int,
    backoff: float = DEFAULT_BACKOFF,
    on_retry: t.Callable[[RetryEvent], None] | None = None,
    budget: RetryBudget | None = None,
) -> ReportingRetry:
    policy = ReportingRetry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        other=0,
        redirect=0,
        # POST is only the IAM token request: asking IAM again after a 5xx is harmless
        allowed_methods=frozenset(('GET', 'POST')),
        status_forcelist=RETRY_STATUSES,
        backoff_factor=backoff,
        respect_retry_after_header=True,
        raise_on_status=False,
        raise_on_redirect=False,
    )
    policy.on_retry = on_retry
    policy.budget = budget
    return policy


def _request_id(headers: t.Mapping[str, str]) -> str | None:
    value = headers.get('X-Request-Id')
    return service_text(value, SHORT_FIELD_CHARS) if value else None


def _path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(('', '', parts.path, parts.query, ''))


def _without_query(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, '', ''))


def _causes(exc: BaseException) -> t.Iterator[BaseException]:
    """The exception, what it wraps (urllib3 keeps the cause in ``reason`` or ``args``), and so on down."""
    seen: set[int] = set()
    pending: list[BaseException] = [exc]
    while pending and len(seen) < 64:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        for nested in (getattr(current, 'reason', None), current.__cause__, current.__context__, *current.args):
            if isinstance(nested, BaseException):
                pending.append(nested)


def explain_clock_skew(error: FabricError, sent_headers: t.Mapping[str, str]) -> FabricError:
    """The gateway's 'request expired' answer to a signed request, said as what it nearly always is."""
    signed_at = sent_headers.get(DATE_HEADER)
    expired = error.status == 401 and bool(EXPIRED_SIGNATURE_CODE.match(str(error.error_code or ''))) and (
        'expire' in (error.error_msg or '').lower())
    if not (signed_at and expired):
        return error
    error.message += (
        ' -- the request was signed at %s UTC by this host\'s clock (X-Sdk-Date %s) and the gateway accepts'
        ' signatures only within 15 minutes of its own clock: check the clock of the host running the task'
        ' (clock skew, NTP)' % (datetime.datetime.strptime(signed_at, DATE_FORMAT).strftime('%Y-%m-%d %H:%M:%S'),
                                signed_at))
    return error


def _seconds(value: float) -> str:
    return '%g second%s' % (value, '' if value == 1 else 's')


def _tls_problem(causes: list[BaseException], host: str, option: str) -> str | None:
    for cause in causes:
        if isinstance(cause, ssl.SSLCertVerificationError):
            code = getattr(cause, 'verify_code', None)
            said = service_text(getattr(cause, 'verify_message', None) or cause, 200)
            if code == HOSTNAME_MISMATCH_CODE or 'hostname mismatch' in said.lower():
                return ('the certificate of %s does not name that host (%s): set %s to a URL with a host name'
                        ' the certificate is issued for' % (host, said, option))
            if code == EXPIRED_CERTIFICATE_CODE:
                return 'the certificate of %s has expired (%s): the server must renew it' % (host, said)
            if code in UNTRUSTED_ISSUER_CODES:
                return ('the certificate of %s is not signed by a CA this host trusts (%s): set ca_path to the PEM'
                        ' file of the CA that signed it' % (host, said))
            return 'TLS verification of %s failed (%s)' % (host, said)
    for cause in causes:
        if isinstance(cause, ssl.SSLError) and getattr(cause, 'reason', None) in TLS_NOT_SPOKEN:
            return ('the server at %s did not answer TLS (%s): if it serves plain HTTP, %s must start with'
                    ' http://' % (host, cause.reason, option))
    return None


def timeout_error(seconds: float, request: str) -> FabricError:
    return FabricError('timed out after %s waiting for a complete response from %s (timeout bounds connecting, the'
                       ' headers and the whole body)' % (_seconds(seconds), request))


def transport_error(exc: Exception, method: str, url: str, timeout: float, option: str = 'endpoint') -> FabricError:
    """A plain message for a request that got no usable response; the URL is shown without its query."""
    where = '%s %s' % (method, _without_query(url))
    host = urlsplit(url).netloc
    causes = list(_causes(exc))
    innermost = service_text(causes[-1], 300)
    if isinstance(exc, requests.exceptions.ProxyError):
        return FabricError('%s failed at the proxy (set by the proxy option or HTTPS_PROXY/HTTP_PROXY): %s'
                           % (where, innermost))
    tls = _tls_problem(causes, host, option)
    if tls or isinstance(exc, requests.exceptions.SSLError):
        return FabricError('%s failed: %s' % (where, tls or 'TLS failed with %s (%s)' % (host, innermost)))
    if any(isinstance(cause, (requests.exceptions.ReadTimeout, ReadTimeoutError)) for cause in causes):
        return timeout_error(timeout, where)
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return FabricError('%s failed: timed out after %s connecting to %s' % (where, _seconds(timeout), host))
    if any(isinstance(cause, socket.gaierror) for cause in causes):
        return FabricError('%s failed: could not resolve the host name of %s (DNS lookup failed): check %s'
                           % (where, host, option))
    if any(isinstance(cause, ConnectionRefusedError) for cause in causes):
        return FabricError('%s failed: connection refused by %s: nothing is listening there' % (where, host))
    if any(isinstance(cause, NewConnectionError) for cause in causes):
        return FabricError('%s failed: could not connect to %s: %s' % (where, host, innermost))
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return FabricError('the response to %s was cut off before its end (truncated body)' % where)
    return FabricError('%s failed without a response: %s' % (where, innermost))


class AdaptiveLimit:
    """How many requests may be in flight: halved on every HTTP 429, grown back by one after a run of
    successes (additive increase, multiplicative decrease), never above the configured concurrency."""

    def __init__(self, maximum: int) -> None:
        self.maximum = self.current = max(1, maximum)
        self._in_flight = 0
        self._successes = 0
        self._changed = threading.Condition()

    def __enter__(self) -> 'AdaptiveLimit':
        with self._changed:
            self._changed.wait_for(lambda: self._in_flight < self.current)
            self._in_flight += 1
        return self

    def __exit__(self, *exc_info: t.Any) -> None:
        with self._changed:
            self._in_flight -= 1
            self._changed.notify_all()

    def throttled(self) -> None:
        with self._changed:
            self.current = max(1, self.current // 2)
            self._successes = 0

    def succeeded(self) -> None:
        with self._changed:
            self._successes += 1
            if self.current < self.maximum and self._successes >= 2 * self.current:
                self.current += 1
                self._successes = 0
                self._changed.notify_all()


class _NoNetrc:
    """requests reads ~/.netrc for any request without auth and sends what it finds as Basic auth, which
    replaces the signature; an auth object that changes nothing keeps it from looking."""

    def __call__(self, request: t.Any) -> t.Any:
        return request


class FabricHttpClient:
    """GETs JSON from one endpoint with one identity over one connection pool.

    ``retry_events`` collects every retry made, for the caller to report. The client is safe to share
    between threads; ``concurrency`` bounds the requests in flight, fewer while the gateway throttles. Used
    in a process other than the one that made it (a fork), it opens connections of its own there.
    """

    def __init__(
        self,
        base_url: str,
        identity: Identity,
        verify: bool | str = True,
        timeout: float = 30,
        retries: int = 3,
        backoff: float = DEFAULT_BACKOFF,
        user_agent: str = user_agent('client'),
        concurrency: int = 1,
        proxy: str | None = None,
        total_timeout: float | None = None,
        redactor: Redactor | None = None,
    ) -> None:
        self.base_url = base_url.rstrip('/')
        self.retries = retries
        self.retry_events: list[RetryEvent] = []
        self.notes: list[str] = []  # warnings other than retries, for the caller to report
        self.identity = identity
        self.redactor = redactor or Redactor()
        self._verify = verify
        self._timeout = timeout
        self._total_timeout = TOTAL_TIMEOUT_FACTOR * timeout if total_timeout is None else total_timeout
        self._backoff = backoff
        self._user_agent = user_agent
        self._concurrency = concurrency
        # An explicit proxy replaces HTTPS_PROXY/HTTP_PROXY/NO_PROXY for this client; None leaves them to requests.
        self._proxies = {'http': proxy, 'https': proxy} if proxy else None
        if verify is False:
            # The user turned verification off on purpose (validate_certs: false); a warning per request
            # on stderr would only bury the play's output.
            urllib3.disable_warnings(InsecureRequestWarning)
        self._start_call()
        self._open()

    def _open(self) -> None:
        self._pid = os.getpid()
        self.in_flight = AdaptiveLimit(self._concurrency)
        self._session = requests.Session()
        self._session.auth = _NoNetrc()
        policy = retry_policy(self.retries, self._backoff, on_retry=self._on_retry, budget=self._budget)
        adapter = WatchedAdapter(max_retries=policy, pool_connections=1, pool_maxsize=CONCURRENCY_MAX)
        self._session.mount('http://', adapter)
        self._session.mount('https://', adapter)
        self._session.headers.update({'User-Agent': self._user_agent, 'Accept': 'application/json'})

    def _check_process(self) -> None:
        """A forked child never uses the parent's connections (they would interleave both processes' bytes)."""
        if self._pid != os.getpid():
            self.identity.after_fork()
            self._open()

    def _start_call(self) -> None:
        self._deadline = time.monotonic() + self._total_timeout
        self._budget = RetryBudget(self.retries * (self._concurrency + 1))

    @contextlib.contextmanager
    def call(self) -> t.Iterator['FabricHttpClient']:
        """One task or lookup call: a fresh retry budget and deadline (``total_timeout``)."""
        self._check_process()
        self._start_call()
        self._open_policy()
        yield self

    def _open_policy(self) -> None:
        for adapter in self._session.adapters.values():
            adapter.max_retries.budget = self._budget

    def __enter__(self) -> 'FabricHttpClient':
        return self

    def __exit__(self, *exc_info: t.Any) -> None:
        self.close()

    def close(self) -> None:
        if self._pid == os.getpid():
            self._session.close()

    def _on_retry(self, event: RetryEvent) -> None:
        self.retry_events.append(event)
        if event.status == 429:
            self.in_flight.throttled()

    def retry_warnings(self, since: int = 0) -> list[str]:
        return [self.redactor.text(event.describe(self.retries)) for event in self.retry_events[since:]]

    def note(self, warning: str) -> None:
        self.notes.append(self.redactor.text(warning))

    def url_for(self, path: str, query: t.Sequence[t.Tuple[str, str]] = ()) -> str:
        url = self.base_url + path
        return '%s?%s' % (url, canonical_query(query)) if query else url

    def get_json(self, path: str, query: t.Sequence[t.Tuple[str, str]] = ()) -> JsonResponse:
        url = self.url_for(path, query)
        try:
            self._check_process()
            return self._get_json(url)
        except FabricError as exc:
            raise self.redactor.error(exc) from None
        except Exception as exc:  # nothing but a FabricError leaves the client
            raise self.redactor.error(_unexpected('GET', url, exc)) from None

    def _get_json(self, url: str) -> JsonResponse:
        with self.in_flight:
            headers = self.identity.headers_for('GET', url)
            response, body = self._send('GET', url, headers)
            if response.status_code == 401 and self.identity.refresh(headers):
                headers = self.identity.headers_for('GET', url)
                response, body = self._send('GET', url, headers)
        self.in_flight.succeeded()
        try:
            answer = _decode('GET', response, body, url, 'endpoint')
        except FabricError as exc:
            raise explain_clock_skew(exc, headers) from None
        self.identity.accepted(headers)
        return answer

    def fetch_iam_token(self, iam_url: str, auth_body: dict[str, t.Any]) -> tuple[str, datetime.datetime | None]:
        """POST the credentials to IAM; the token comes back in X-Subject-Token, its expiry in the body."""
        url = iam_url.rstrip('/') + IAM_TOKENS_PATH
        try:
            return self._fetch_iam_token(url, auth_body)
        except FabricError as exc:
            exc.message = 'getting a token from IAM (iam_endpoint %s) failed: %s' % (iam_url, exc.message)
            raise self.redactor.error(exc) from None
        except Exception as exc:
            raise self.redactor.error(_unexpected('POST', url, exc)) from None

    def _fetch_iam_token(self, url: str, auth_body: dict[str, t.Any]) -> tuple[str, datetime.datetime | None]:
        payload = json.dumps(auth_body).encode('utf-8')
        response, body = self._send('POST', url, {'Content-Type': 'application/json'}, payload, 'iam_endpoint')
        answer = _decode('POST', response, body, url, 'iam_endpoint')
        token = response.headers.get('X-Subject-Token')
        if not token:
            raise FabricError('POST %s answered HTTP %s without an X-Subject-Token header: no IAM token was issued'
                              % (url, response.status_code), status=response.status_code,
                              request_id=answer.request_id)
        self.redactor.add(token)
        if len(token) > TOKEN_MAX_CHARS or not (token.isascii() and token.isprintable()) or ' ' in token:
            raise FabricError('POST %s answered HTTP %s with an X-Subject-Token that cannot be sent back in a'
                              ' header (not printable ASCII, or longer than %d characters)'
                              % (url, response.status_code, TOKEN_MAX_CHARS),
                              status=response.status_code, request_id=answer.request_id)
        token_part = answer.data.get('token') if isinstance(answer.data, dict) else None
        expires = token_part.get('expires_at') if isinstance(token_part, dict) else None
        return token, parse_expiry(expires)

    def _past_deadline(self, method: str, url: str) -> FabricError:
        return _past_deadline_error(method, url, self._total_timeout)

    def _send(
        self, method: str, url: str, headers: dict[str, str], payload: bytes | None = None, option: str = 'endpoint',
    ) -> tuple['requests.Response', bytes]:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise self._past_deadline(method, url)
        seconds = min(self._timeout, left)
        with RequestWatch(seconds, self._deadline) as watch:
            try:
                # verify is passed on every call: a Session-level value loses to REQUESTS_CA_BUNDLE.
                response = self._session.request(
                    method, url, data=payload, headers=headers, proxies=self._proxies, timeout=seconds,
                    verify=self._verify, allow_redirects=False, stream=True)
                with response:
                    return response, _read_body(response, url)
            except FabricError:
                raise
            except CallDeadline:
                raise self._past_deadline(method, url) from None
            except Exception as exc:
                if watch.expired and time.monotonic() >= self._deadline:
                    raise self._past_deadline(method, url) from None
                if watch.expired:
                    raise timeout_error(seconds, '%s %s' % (method, _without_query(url))) from None
                if isinstance(exc, requests.exceptions.RequestException):
                    error = transport_error(exc, method, url, seconds, option)
                else:
                    error = _unexpected(method, url, exc)
                if self._budget.used_up:
                    error.message += ' (the retry budget of this call, %d retries, is used up)' % self._budget.size
                raise error from None


def _past_deadline_error(method: str, url: str, total_timeout: float) -> FabricError:
    return FabricError('%s %s: this call ran out of its total_timeout of %s (every page, status and retry'
                       ' included)' % (method, _without_query(url), _seconds(total_timeout)))


def _unexpected(method: str, url: str, exc: BaseException) -> FabricError:
    return FabricError('%s %s failed: %s: %s' % (method, _without_query(url), type(exc).__name__,
                                                 service_text(exc, 300)))


def _read_body(response: 'requests.Response', url: str) -> bytes:
    """The body, refused past MAX_BODY_BYTES: a page of 100 sessions is some 30 KB."""
    def too_large() -> FabricError:
        return FabricError('%s %s answered with a body larger than %d bytes, far beyond any page of sessions:'
                           ' refusing to read it' % (response.request.method, _without_query(url), MAX_BODY_BYTES),
                           status=response.status_code, request_id=_request_id(response.headers))

    announced = response.headers.get('Content-Length', '').strip()
    if CONTENT_LENGTH.match(announced) and int(announced) > MAX_BODY_BYTES:
        raise too_large()
    chunks, size = [], 0
    for chunk in response.iter_content(READ_CHUNK):
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise too_large()
        chunks.append(chunk)
    return b''.join(chunks)


def _decode(method: str, response: 'requests.Response', body: bytes, url: str, option: str) -> JsonResponse:
    status, request_id = response.status_code, _request_id(response.headers)
    if 300 <= status < 400:
        location = service_text(response.headers.get('Location', '(no Location)'), 300)
        raise FabricError(
            '%s %s answered HTTP %s redirecting to %s: redirects are not followed (credentials would go'
            ' along); set the %s option to the final URL' % (method, _without_query(url), status, location, option),
            status=status, request_id=request_id)
    if not 200 <= status < 300:
        raise error_from_response(method, url, status, response.reason or '', body, request_id)
    try:
        data = bounded_loads(body.decode('utf-8'))
    except JsonTooDeep as exc:
        raise FabricError('%s %s answered HTTP %s with a JSON body %s' % (method, url, status, exc),
                          status=status, request_id=request_id) from None
    except ValueError:
        raise FabricError('%s %s answered HTTP %s with a body that is not JSON (%d bytes, Content-Type %s)' % (
            method, url, status, len(body), service_text(response.headers.get('Content-Type', 'unset'), 100)),
            status=status, request_id=request_id) from None
    return JsonResponse(data, request_id, url)


def open_client(connection: 'Connection', agent: str) -> FabricHttpClient:
    """The client of a loaded configuration's connection part."""
    def exchange_password() -> tuple[str, datetime.datetime | None]:
        return client.fetch_iam_token(t.cast(str, connection.iam_url), password_auth_body(connection.credentials))

    def note(warning: str) -> None:  # the client is made below: this reaches it once it exists
        client.note(warning)

    credentials = connection.credentials
    cache = None
    if credentials.kind == 'password' and connection.token_cache:
        cache = TokenCache(identity_key(connection.iam_url, credentials.domain_name, credentials.username,
                                        credentials.project_id, credentials.project_name, credentials.password),
                           warn=note)
    client = FabricHttpClient(
        connection.base_url,
        identity_for(credentials, exchange_password, cache),
        verify=connection.verify,
        timeout=connection.timeout,
        retries=connection.retries,
        backoff=connection.backoff,
        user_agent=agent,
        concurrency=connection.concurrency,
        proxy=connection.proxy,
        total_timeout=connection.total_timeout,
        redactor=Redactor(connection.secrets() + tuple(environment_proxy_secrets())),
    )
    if cache is not None:
        client.identity.learn = client.redactor.add  # type: ignore[attr-defined]
    return client
