# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""The API client: JSON from one endpoint with one identity, over one transport.

Reads (GET) and deletions (DELETE) are retried as the connection allows; a POST that creates is sent again only
where the service surely did not act on it (Transport.send says when).
"""

from __future__ import annotations

import contextlib
import json
import typing as t

from .._errors import FabricError
from .._redact import Redactor
from .._text import service_text
from .failures import error_from_response, explain_clock_skew, refused_credentials, unexpected_error, without_query
from .identity import Identity
from .json_body import JsonTooDeep
from .json_body import loads as bounded_loads
from .retry import RetryEvent
from .signer import canonical_query
from .body import request_id
from .transport import Transport

if t.TYPE_CHECKING:
    import requests


class JsonResponse(t.NamedTuple):
    data: t.Any
    request_id: t.Optional[str]
    url: str


class FabricHttpClient:
    """Calls the API with one identity over one transport. Safe to share between threads: the transport keeps
    at most ``concurrency`` requests in flight, fewer while the gateway throttles."""

    def __init__(self, transport: Transport, identity: Identity) -> None:
        self.transport = transport
        self.identity = identity
        self.base_url = transport.connection.base_url.rstrip('/')

    @property
    def redactor(self) -> Redactor:
        return self.transport.redactor

    @property
    def retry_events(self) -> list[RetryEvent]:
        return self.transport.retry_events

    @property
    def notes(self) -> list[str]:
        return self.transport.notes

    @property
    def in_flight(self) -> t.Any:
        return self.transport.in_flight

    @property
    def concurrency(self) -> int:
        return self.transport.connection.concurrency

    def retry_warnings(self, since: int = 0) -> list[str]:
        return self.transport.retry_warnings(since)

    def note(self, warning: str) -> None:
        self.transport.note(warning)

    @contextlib.contextmanager
    def call(self) -> t.Iterator['FabricHttpClient']:
        """One task or lookup call: a fresh retry budget and deadline (``total_timeout``)."""
        self._check_process()
        with self.transport.call():
            yield self

    def _check_process(self) -> None:
        """A forked child never uses the parent's connections (they would interleave both processes' bytes)."""
        if not self.transport.in_this_process():
            self.identity.after_fork()

    def __enter__(self) -> 'FabricHttpClient':
        return self

    def __exit__(self, *exc_info: t.Any) -> None:
        self.close()

    def close(self) -> None:
        self.transport.close()

    def url_for(self, path: str, query: t.Sequence[t.Tuple[str, str]] = ()) -> str:
        url = self.base_url + path
        return '%s?%s' % (url, canonical_query(query)) if query else url

    def get_json(self, path: str, query: t.Sequence[t.Tuple[str, str]] = ()) -> JsonResponse:
        return self._call('GET', self.url_for(path, query))

    def delete_json(self, path: str) -> JsonResponse:
        """DELETE, retried like a GET: deleting twice leaves what deleting once leaves (the caller reads the
        resource back rather than trusting the answer of a repeated request). An empty body is None."""
        return self._call('DELETE', self.url_for(path), empty_ok=True)

    def post_json(self, path: str, body: t.Mapping[str, t.Any]) -> JsonResponse:
        """POST of a JSON body that creates something: sent again only when the service surely did not act on it
        (HTTP 429 or 503, or no connection made), never after a timeout, a dropped connection or a 5xx, where a
        second request could create a second resource (see Transport.send). An empty body is None."""
        payload = json.dumps(body, separators=(',', ':'), sort_keys=True).encode('utf-8')
        return self._call('POST', self.url_for(path), payload, idempotent=False, empty_ok=True)

    def _call(self, method: str, url: str, payload: bytes | None = None, idempotent: bool = True,
              empty_ok: bool = False) -> JsonResponse:
        try:
            self._check_process()
            return self._request_json(method, url, payload, idempotent, empty_ok)
        except FabricError as exc:
            raise self.redactor.error(exc) from None
        except Exception as exc:  # nothing but a FabricError leaves the client
            raise self.redactor.error(unexpected_error(method, url, exc)) from None

    def _request_json(self, method: str, url: str, payload: bytes | None, idempotent: bool,
                      empty_ok: bool) -> JsonResponse:
        extra = {'Content-Type': 'application/json'} if payload is not None else {}
        with self.transport.in_flight:
            headers = dict(self.identity.headers_for(method, url, payload or b''), **extra)
            response, body = self.transport.send(method, url, headers, payload, idempotent=idempotent)
            # a 401 (or a 403 to a cached token) is the gateway's refusal before the service acted: sent again once
            if response.status_code in (401, 403) and self.identity.refresh(headers, response.status_code):
                headers = dict(self.identity.headers_for(method, url, payload or b''), **extra)
                response, body = self.transport.send(method, url, headers, payload, idempotent=idempotent)
        self.transport.in_flight.succeeded()
        try:
            answer = decode(method, response, body, url, 'endpoint', empty_ok)
        except FabricError as exc:
            raise self._explained(exc, headers) from None
        self.identity.accepted(headers)
        return answer

    def _explained(self, error: FabricError, sent_headers: t.Mapping[str, str]) -> FabricError:
        """A refusal with what it helps to know: the clock of a signature, where a token came from."""
        skewed = explain_clock_skew(error, sent_headers)
        if skewed is not error:
            return skewed
        origin = self.identity.origin(sent_headers) if error.status in (401, 403) else None
        if origin:
            error = error.with_context(after=' -- the request carried %s' % origin)
        credentials = self.transport.connection.credentials
        return refused_credentials(error, credentials.kind, credentials.origin)


def decode(method: str, response: 'requests.Response', body: bytes, url: str, option: str,
           empty_ok: bool = False) -> JsonResponse:
    """The JSON of a success (None for an empty body where ``empty_ok``); a FabricError naming the request for a
    redirect, an error answer or a body that is not JSON."""
    status, answer_id = response.status_code, request_id(response.headers)
    if 300 <= status < 400:
        location = service_text(response.headers.get('Location', '(no Location)'), 300)
        raise FabricError(
            '%s %s answered HTTP %s redirecting to %s: redirects are not followed (credentials would go'
            ' along); set the %s option to the final URL' % (method, without_query(url), status, location, option),
            status=status, request_id=answer_id)
    if not 200 <= status < 300:
        raise error_from_response(method, url, status, response.reason or '', body, answer_id)
    if empty_ok and not body.strip():
        return JsonResponse(None, answer_id, url)
    try:
        data = bounded_loads(body.decode('utf-8'))
    except JsonTooDeep as exc:
        raise FabricError('%s %s answered HTTP %s with a JSON body %s' % (method, url, status, exc),
                          status=status, request_id=answer_id) from None
    except ValueError:
        raise FabricError('%s %s answered HTTP %s with a body that is not JSON (%d bytes, Content-Type %s)' % (
            method, url, status, len(body), service_text(response.headers.get('Content-Type', 'unset'), 100)),
            status=status, request_id=answer_id) from None
    return JsonResponse(data, answer_id, url)
