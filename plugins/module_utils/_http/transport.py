# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""How one request reaches the service: one pooled requests.Session per process, TLS and proxies as the
connection says, no redirects, a deadline per attempt and per call, one retry budget per call, bodies read
within a bound, and every failure a FabricError that names the request.

Both the API client and the IAM token exchange send through it, so they share the call's budget and deadline.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
import traceback
import typing as t

from .._config.schema import CONCURRENCY_MAX
from .._config.types import Connection
from .._errors import FabricError
from .._redact import Redactor
from .deadline import InFlight, RequestWatch, WatchedAdapter
from .failures import (
    cancelled_error,
    cause_in_words,
    causes,
    out_of_resources,
    past_deadline_error,
    path_and_query,
    timeout_error,
    transport_error,
    unexpected_error,
    without_query,
)
from .body import read_body, request_id
from .limiter import AdaptiveLimit
from .retry import RETRY_STATUSES, RetryBudget, RetryEvent, not_carried_out, pause_before_retry

try:
    import requests
    import urllib3
    from urllib3.exceptions import InsecureRequestWarning
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR: str | None = traceback.format_exc()
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None

# Warnings kept for the caller to report: a call that retries a thousand times has said enough.
WARNINGS_MAX = 1000


class _NoNetrc:
    """requests reads ~/.netrc for any request without auth and sends what it finds as Basic auth, which
    replaces the signature; an auth object that changes nothing keeps it from looking."""

    def __call__(self, request: t.Any) -> t.Any:
        return request


class _Attempt(t.NamedTuple):
    response: t.Optional['requests.Response']
    body: bytes
    error: t.Optional[Exception]
    timed_out: bool


class Transport:
    """Sends requests for one connection. Safe to share between threads; used in a process other than the one
    that made it (a fork), it opens connections of its own there."""

    def __init__(self, connection: Connection, redactor: Redactor, user_agent: str,
                 sleep: t.Callable[[float], t.Any] | None = None) -> None:
        self.connection = connection
        self.redactor = redactor
        self.retry_events: list[RetryEvent] = []
        self.notes: list[str] = []  # warnings other than retries, for the caller to report
        self._user_agent = user_agent
        self._sleep = sleep  # None: the pause before a retry waits on the cancellation, which ends it
        # An explicit proxy replaces HTTPS_PROXY/HTTP_PROXY/NO_PROXY; None leaves them to requests.
        self._proxies = {'http': connection.proxy, 'https': connection.proxy} if connection.proxy else None
        if connection.verify is False:
            # The user turned verification off on purpose (validate_certs: false); a warning per request
            # on stderr would only bury the play's output.
            urllib3.disable_warnings(InsecureRequestWarning)
        self.start_call()
        self._open()

    def _open(self) -> None:
        self._pid = os.getpid()
        self._lock = threading.Lock()  # a fork may have copied the parent's lock while it was held
        self.watches = InFlight()
        self.in_flight = AdaptiveLimit(self.connection.concurrency)
        self._session = requests.Session()
        self._session.auth = _NoNetrc()
        adapter = WatchedAdapter(pool_connections=1, pool_maxsize=CONCURRENCY_MAX)
        self._session.mount('http://', adapter)
        self._session.mount('https://', adapter)
        self._session.headers.update({'User-Agent': self._user_agent, 'Accept': 'application/json'})

    def in_this_process(self) -> bool:
        """False in a forked child until it has opened connections of its own (then True again)."""
        if self._pid == os.getpid():
            return True
        self._open()
        return False

    def start_call(self) -> None:
        """A fresh retry budget and deadline (``total_timeout``) for the next task or lookup call."""
        self._deadline = time.monotonic() + self.connection.total_timeout
        self.budget = RetryBudget(self.connection.retries * (self.connection.concurrency + 1))

    @contextlib.contextmanager
    def call(self) -> t.Iterator['Transport']:
        self.in_this_process()
        self.start_call()
        yield self

    def close(self) -> None:
        if self._pid == os.getpid():
            self._session.close()

    def pause(self, seconds: float) -> bool:
        """Wait ``seconds``, or less when the call is cancelled meanwhile: True then."""
        return self.watches.cancelled.wait(seconds)

    def abort(self) -> None:
        """End every request in flight at once (their sockets are shut) and refuse new ones: for a caller that
        is cancelled (the event source), which must not outlive its cancellation by a request's time limit."""
        self.watches.abort()

    def note(self, warning: str) -> None:
        with self._lock:
            if len(self.notes) < WARNINGS_MAX:
                self.notes.append(self.redactor.text(warning))

    def retry_warnings(self, since: int = 0) -> list[str]:
        return [self.redactor.text(event.describe(self.connection.retries)) for event in self.retry_events[since:]]

    def forget_warnings(self) -> None:
        """For a caller that runs for days (the event source): what was reported is dropped."""
        with self._lock:
            del self.retry_events[:]
            del self.notes[:]

    def send(self, method: str, url: str, headers: t.Mapping[str, str], payload: bytes | None = None,
             option: str = 'endpoint', idempotent: bool = True) -> tuple['requests.Response', bytes]:
        """The response and its whole body, after the retries the connection allows; a FabricError otherwise.

        A request that is not ``idempotent`` (one that creates something) is sent again only when the service
        surely did not act on it: HTTP 429 or 503 (the gateway refused it), or no connection was made. After a
        timeout, a dropped connection or any other status it may have been carried out, so it is not repeated.
        """
        retry_number = 0
        started = time.monotonic()
        while True:
            if self.watches.cancelled.is_set():
                raise cancelled_error(method, url)
            left = self._deadline - time.monotonic()
            if left <= 0:
                raise past_deadline_error(method, url, self.connection.total_timeout)
            seconds = min(self.connection.timeout, left)
            attempt = self._attempt(method, url, headers, payload, seconds)
            if self.watches.cancelled.is_set():
                raise cancelled_error(method, url)
            status = attempt.response.status_code if attempt.response is not None else None
            if attempt.error is None and status not in RETRY_STATUSES:
                return t.cast('requests.Response', attempt.response), attempt.body
            failure = self._failure(method, url, attempt, seconds, option)
            if retry_number >= self.connection.retries or not self._may_retry(attempt) or not (
                    idempotent or not_carried_out(status, attempt.error, attempt.timed_out)):
                if failure is None:  # a retryable status, with no retry left: the caller maps it
                    return t.cast('requests.Response', attempt.response), attempt.body
                raise failure if not retry_number else failure.with_context(after=self._spent(retry_number, started))
            if not self.budget.take():
                if failure is None:
                    return t.cast('requests.Response', attempt.response), attempt.body
                raise failure.with_context(after=' (the retry budget of this call, %d retries, is used up)'
                                           % self.budget.size)
            retry_number += 1
            self._record(method, url, attempt, retry_number)
            pause = pause_before_retry(self.connection.backoff, retry_number, status,
                                       attempt.response.headers.get('Retry-After') if attempt.response is not None
                                       else None)
            if pause >= self._deadline - time.monotonic():
                raise past_deadline_error(method, url, self.connection.total_timeout)
            (self._sleep or self.pause)(pause)

    def _spent(self, retries: int, started: float) -> str:
        return (' (gave up after %d attempts in %.1f s: retries %d, timeout %g s, connect_timeout %g s)'
                % (retries + 1, time.monotonic() - started, self.connection.retries, self.connection.timeout,
                   self.connection.connect_timeout))

    def _attempt(self, method: str, url: str, headers: t.Mapping[str, str], payload: bytes | None,
                 seconds: float) -> _Attempt:
        with RequestWatch(seconds, self._deadline) as watch, self.watches.watching(watch):
            try:
                # verify is passed on every call: a Session-level value loses to REQUESTS_CA_BUNDLE.
                response = self._session.request(
                    method, url, data=payload, headers=dict(headers), proxies=self._proxies,
                    timeout=(min(self.connection.connect_timeout, seconds), seconds), verify=self.connection.verify,
                    allow_redirects=False, stream=True)
            except Exception as exc:  # every failure becomes a FabricError in _failure
                return _Attempt(None, b'', exc, watch.expired)
            with response:
                if response.status_code in RETRY_STATUSES:
                    return _Attempt(response, self._body_or_nothing(response, url), None, False)
                try:
                    return _Attempt(response, read_body(response, url), None, False)
                except FabricError:
                    raise
                except Exception as exc:
                    if watch.expired and time.monotonic() >= self._deadline:
                        raise past_deadline_error(method, url, self.connection.total_timeout) from None
                    if watch.expired:
                        raise timeout_error(seconds, '%s %s' % (method, without_query(url))) from None
                    raise self._mapped(exc, method, url, seconds, 'endpoint') from None

    @staticmethod
    def _body_or_nothing(response: 'requests.Response', url: str) -> bytes:
        """The body of an answer that may be retried: it is only shown if no retry is left."""
        try:
            return read_body(response, url)
        except Exception:  # the status says enough
            return b''

    def _may_retry(self, attempt: _Attempt) -> bool:
        if attempt.error is None:
            return True  # a status of RETRY_STATUSES
        if attempt.timed_out:
            return True
        error = attempt.error
        if not isinstance(error, requests.exceptions.RequestException) or out_of_resources(error):
            return False
        if isinstance(error, (requests.exceptions.SSLError, requests.exceptions.InvalidURL,
                              requests.exceptions.InvalidHeader)):
            return False
        found = list(causes(error))
        # a failed DNS look-up will not change within seconds
        if any(isinstance(cause, socket.gaierror) for cause in found):
            return False
        if isinstance(error, requests.exceptions.ProxyError):
            # the proxy answered (a refused CONNECT is an answer, as urllib3 also sees it): only a proxy that
            # could not be reached may be tried again
            return any(isinstance(cause, (ConnectionRefusedError, ConnectionResetError, socket.timeout))
                       for cause in found)
        return isinstance(error, (requests.exceptions.ConnectionError, requests.exceptions.Timeout))

    def _failure(self, method: str, url: str, attempt: _Attempt, seconds: float, option: str) -> FabricError | None:
        if attempt.error is None:
            return None
        if attempt.timed_out and time.monotonic() >= self._deadline:
            return past_deadline_error(method, url, self.connection.total_timeout)
        if attempt.timed_out:
            return timeout_error(seconds, '%s %s' % (method, without_query(url)))
        return self._mapped(attempt.error, method, url, seconds, option)

    def _mapped(self, exc: Exception, method: str, url: str, seconds: float, option: str) -> FabricError:
        if isinstance(exc, requests.exceptions.RequestException):
            check = self.connection.iam_origin if option == 'iam_endpoint' else self.connection.endpoint_origin
            return transport_error(exc, method, url, seconds, option, self.connection.connect_timeout, check)
        return unexpected_error(method, url, exc)

    def _record(self, method: str, url: str, attempt: _Attempt, retry_number: int) -> None:
        response = attempt.response
        event = RetryEvent(
            method=method,
            path=path_and_query(url),
            status=response.status_code if response is not None else None,
            request_id=request_id(response.headers) if response is not None else None,
            error=cause_in_words(attempt.error, attempt.timed_out) if attempt.error is not None else None,
            attempt=retry_number,
        )
        with self._lock:
            if len(self.retry_events) < WARNINGS_MAX:
                self.retry_events.append(event)
        if event.status == 429:
            self.in_flight.throttled()
