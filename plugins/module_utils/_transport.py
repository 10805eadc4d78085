# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The HTTP client every call goes through: one pooled requests.Session, TLS, timeouts, retries,
no redirects, and every failure turned into a FabricError that names what went wrong."""

from __future__ import annotations

import datetime
import json
import random
import re
import socket
import threading
import traceback
import typing as t
from urllib.parse import urlsplit, urlunsplit

from ._auth import Identity, identity_from_params, parse_expiry, password_auth_body
from ._errors import FabricError, error_from_response
from ._option_table import BACKOFF_MAX_SECONDS, CONCURRENCY_MAX, RETRY_AFTER_MAX_SECONDS, endpoint_url, iam_endpoint_url
from ._signer import DATE_FORMAT, DATE_HEADER, canonical_query
from ._version import user_agent

try:
    import requests
    from requests.adapters import HTTPAdapter
    import urllib3
    from urllib3.exceptions import InsecureRequestWarning, NewConnectionError, ReadTimeoutError
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


class ReportingRetry(Retry):  # type: ignore[misc,valid-type]
    """urllib3's Retry with three changes, each for a reason urllib3 does not cover:

    - every retry is reported (status, request id) to ``on_retry``, so the play can warn about it;
    - the backoff grows from the first retry (urllib3 retries the first time at once, which hammers a
      throttling gateway) and carries jitter, also on urllib3 1.26, which has no ``backoff_jitter``;
    - a ``Retry-After`` header is honoured but capped, so a hostile value cannot stall a play for hours.
    """

    on_retry: t.Optional[t.Callable[[RetryEvent], None]] = None

    def new(self, **kw: t.Any) -> 'ReportingRetry':
        retry = super().new(**kw)
        retry.on_retry = self.on_retry
        return retry

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):  # type: ignore[no-untyped-def]
        retry = super().increment(method, url, response, error, _pool, _stacktrace)
        if self.on_retry is not None:
            self.on_retry(RetryEvent(
                method=method or 'GET',
                path=_path_and_query(url or ''),
                status=response.status if response is not None else None,
                request_id=response.headers.get('X-Request-Id') if response is not None else None,
                error=type(error).__name__ if error is not None else None,
                attempt=len(retry.history),
            ))
        return retry

    def get_backoff_time(self) -> float:
        if not self.history:
            return 0.0
        ceiling = min(BACKOFF_MAX_SECONDS, self.backoff_factor * 2 ** (len(self.history) - 1))
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    def get_retry_after(self, response):  # type: ignore[no-untyped-def]
        seconds = super().get_retry_after(response)
        return None if seconds is None else min(seconds, RETRY_AFTER_MAX_SECONDS)


def retry_policy(
    retries: int,
    backoff: float = DEFAULT_BACKOFF,
    on_retry: t.Callable[[RetryEvent], None] | None = None,
) -> ReportingRetry:
    policy = ReportingRetry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        other=0,
        redirect=0,
        allowed_methods=frozenset(('GET',)),
        status_forcelist=RETRY_STATUSES,
        backoff_factor=backoff,
        respect_retry_after_header=True,
        raise_on_status=False,
        raise_on_redirect=False,
    )
    policy.on_retry = on_retry
    return policy


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
    while pending:
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


def transport_error(exc: Exception, method: str, url: str, timeout: float) -> FabricError:
    """A plain message for a request that got no usable response; the URL is shown without its query."""
    where = _without_query(url)
    host = urlsplit(url).netloc
    causes = list(_causes(exc))
    innermost = causes[-1]
    if isinstance(exc, requests.exceptions.ProxyError):
        return FabricError('%s %s failed at the proxy (set by the proxy option or HTTPS_PROXY/HTTP_PROXY): %s'
                           % (method, where, innermost))
    if isinstance(exc, requests.exceptions.SSLError):
        return FabricError('TLS verification of %s failed (%s): set ca_path to the CA bundle that signed its'
                           ' certificate, or validate_certs to false on a trusted network' % (host, innermost))
    if any(isinstance(cause, (requests.exceptions.ReadTimeout, ReadTimeoutError)) for cause in causes):
        return FabricError('timed out after %s waiting for a response from %s %s' % (_seconds(timeout), method, where))
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return FabricError('timed out after %s connecting to %s' % (_seconds(timeout), host))
    if any(isinstance(cause, socket.gaierror) for cause in causes):
        return FabricError('could not resolve the host name of %s (DNS lookup failed)' % host)
    if any(isinstance(cause, ConnectionRefusedError) for cause in causes):
        return FabricError('connection refused by %s: nothing is listening there' % host)
    if any(isinstance(cause, NewConnectionError) for cause in causes):
        return FabricError('could not connect to %s: %s' % (host, innermost))
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return FabricError('the response to %s %s was cut off before its end (truncated body)' % (method, where))
    return FabricError('%s %s failed without a response: %s' % (method, where, innermost))


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


class FabricHttpClient:
    """GETs JSON from one endpoint with one identity over one connection pool.

    ``retry_events`` collects every retry made, for the caller to report. The client is safe to share
    between threads; ``concurrency`` bounds the requests in flight, fewer while the gateway throttles.
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
    ) -> None:
        self.base_url = base_url.rstrip('/')
        self.retries = retries
        self.retry_events: list[RetryEvent] = []
        self.identity = identity
        self._verify = verify
        self._timeout = timeout
        # An explicit proxy replaces HTTPS_PROXY/HTTP_PROXY/NO_PROXY for this client; None leaves them to requests.
        self._proxies = {'http': proxy, 'https': proxy} if proxy else None
        if verify is False:
            # The user turned verification off on purpose (validate_certs: false); a warning per request
            # on stderr would only bury the play's output.
            urllib3.disable_warnings(InsecureRequestWarning)
        self._session = requests.Session()
        self.in_flight = AdaptiveLimit(concurrency)
        policy = retry_policy(retries, backoff, on_retry=self._on_retry)
        adapter = HTTPAdapter(max_retries=policy, pool_connections=1, pool_maxsize=CONCURRENCY_MAX)
        self._session.mount('http://', adapter)
        self._session.mount('https://', adapter)
        self._session.headers.update({'User-Agent': user_agent, 'Accept': 'application/json'})

    def __enter__(self) -> 'FabricHttpClient':
        return self

    def __exit__(self, *exc_info: t.Any) -> None:
        self.close()

    def close(self) -> None:
        self._session.close()

    def _on_retry(self, event: RetryEvent) -> None:
        self.retry_events.append(event)
        if event.status == 429:
            self.in_flight.throttled()

    def retry_warnings(self, since: int = 0) -> list[str]:
        return [event.describe(self.retries) for event in self.retry_events[since:]]

    def url_for(self, path: str, query: t.Sequence[t.Tuple[str, str]] = ()) -> str:
        url = self.base_url + path
        return '%s?%s' % (url, canonical_query(query)) if query else url

    def get_json(self, path: str, query: t.Sequence[t.Tuple[str, str]] = ()) -> JsonResponse:
        url = self.url_for(path, query)
        with self.in_flight:
            headers = self.identity.headers_for('GET', url)
            response, body = self._send('GET', url, headers)
            if response.status_code == 401 and self.identity.refresh(headers):
                headers = self.identity.headers_for('GET', url)
                response, body = self._send('GET', url, headers)
        self.in_flight.succeeded()
        try:
            return _decode('GET', response, body, url)
        except FabricError as exc:
            raise explain_clock_skew(exc, headers) from None

    def fetch_iam_token(self, iam_url: str, auth_body: dict[str, t.Any]) -> tuple[str, t.Any]:
        """POST the credentials to IAM; the token comes back in X-Subject-Token, its expiry in the body."""
        url = iam_url.rstrip('/') + IAM_TOKENS_PATH
        payload = json.dumps(auth_body).encode('utf-8')
        response, body = self._send('POST', url, {'Content-Type': 'application/json'}, payload)
        answer = _decode('POST', response, body, url)
        token = response.headers.get('X-Subject-Token')
        if not token:
            raise FabricError('POST %s answered HTTP %s without an X-Subject-Token header: no IAM token was issued'
                              % (url, response.status_code), status=response.status_code,
                              request_id=answer.request_id)
        expires = answer.data.get('token', {}).get('expires_at') if isinstance(answer.data, dict) else None
        return token, parse_expiry(expires)

    def _send(
        self, method: str, url: str, headers: dict[str, str], payload: bytes | None = None,
    ) -> tuple['requests.Response', bytes]:
        try:
            # verify is passed on every call: a Session-level value loses to REQUESTS_CA_BUNDLE.
            response = self._session.request(
                method,
                url,
                data=payload,
                headers=headers,
                proxies=self._proxies,
                timeout=self._timeout,
                verify=self._verify,
                allow_redirects=False,
                stream=True,
            )
            with response:
                return response, _read_body(response, url)
        except requests.exceptions.RequestException as exc:
            raise transport_error(exc, method, url, self._timeout) from None


def _read_body(response: 'requests.Response', url: str) -> bytes:
    """The body, refused past MAX_BODY_BYTES: a page of 100 sessions is some 30 KB."""
    def too_large() -> FabricError:
        return FabricError('%s %s answered with a body larger than %d bytes, far beyond any page of sessions:'
                           ' refusing to read it' % (response.request.method, _without_query(url), MAX_BODY_BYTES),
                           status=response.status_code, request_id=response.headers.get('X-Request-Id'))

    announced = response.headers.get('Content-Length', '')
    if announced.isdigit() and int(announced) > MAX_BODY_BYTES:
        raise too_large()
    chunks, size = [], 0
    for chunk in response.iter_content(READ_CHUNK):
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise too_large()
        chunks.append(chunk)
    return b''.join(chunks)


def _decode(method: str, response: 'requests.Response', body: bytes, url: str) -> JsonResponse:
    status, request_id = response.status_code, response.headers.get('X-Request-Id')
    if 300 <= status < 400:
        raise FabricError(
            '%s %s answered HTTP %s redirecting to %s: redirects are not followed (credentials would go'
            ' along); set the endpoint option to the final URL' % (
                method, _without_query(url), status, response.headers.get('Location', '(no Location)')),
            status=status, request_id=request_id)
    if not 200 <= status < 300:
        raise error_from_response(method, url, status, response.reason or '', body, request_id)
    try:
        data = json.loads(body.decode('utf-8'))
    except ValueError:
        raise FabricError('%s %s answered HTTP %s with a body that is not JSON (%d bytes, Content-Type %s)' % (
            method, url, status, len(body), response.headers.get('Content-Type', 'unset')),
            status=status, request_id=request_id) from None
    return JsonResponse(data, request_id, url)


def verify_setting(params: t.Mapping[str, t.Any]) -> bool | str:
    if not params['validate_certs']:
        return False
    return params['ca_path'] or True


def open_client(params: t.Mapping[str, t.Any], agent: str) -> FabricHttpClient:
    """A client for validated, normalized options (see options.validate_params)."""
    def exchange_password() -> tuple[str, t.Any]:
        return client.fetch_iam_token(iam_endpoint_url(params), password_auth_body(params))

    client = FabricHttpClient(
        endpoint_url(params),
        identity_from_params(params, exchange_password),
        verify=verify_setting(params),
        timeout=params['timeout'],
        retries=params['retries'],
        backoff=params['retry_backoff'],
        user_agent=agent,
        concurrency=params['concurrency'],
        proxy=params['proxy'],
    )
    return client
