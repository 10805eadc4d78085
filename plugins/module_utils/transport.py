# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The HTTP client every call goes through: one pooled requests.Session, TLS, timeouts, retries,
no redirects, and every failure turned into a FabricError that names what went wrong."""

from __future__ import annotations

import json
import traceback
import typing as t
from urllib.parse import urlsplit, urlunsplit

from .auth import Identity, identity_from_params
from .errors import FabricError, error_from_response
from .options import endpoint_url
from .signer import canonical_query
from .version import user_agent

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.exceptions import NameResolutionError, NewConnectionError, ReadTimeoutError
    from urllib3.util.retry import Retry
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR: str | None = traceback.format_exc()
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None

RETRY_STATUSES = frozenset((408, 429, 500, 502, 503, 504))
BACKOFF_FACTOR = 0.5
BACKOFF_MAX = 30.0
RETRY_AFTER_MAX = 60.0
POOL_SIZE = 16


class JsonResponse(t.NamedTuple):
    data: t.Any
    request_id: t.Optional[str]
    url: str


if HAS_REQUESTS:
    class CappedRetry(Retry):
        """urllib3's Retry, except that a Retry-After header cannot stall a play for longer than a minute."""

        def get_retry_after(self, response):  # type: ignore[no-untyped-def]
            seconds = super().get_retry_after(response)
            return None if seconds is None else min(seconds, RETRY_AFTER_MAX)


def retry_policy(retries: int) -> 'Retry':
    return CappedRetry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        other=0,
        redirect=0,
        allowed_methods=frozenset(('GET',)),
        status_forcelist=RETRY_STATUSES,
        backoff_factor=BACKOFF_FACTOR,
        respect_retry_after_header=True,
        raise_on_status=False,
        raise_on_redirect=False,
    )


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


def transport_error(exc: Exception, url: str, timeout: float) -> FabricError:
    """A plain message for a request that got no usable response."""
    where = _without_query(url)
    host = urlsplit(url).netloc
    causes = list(_causes(exc))
    if isinstance(exc, requests.exceptions.SSLError):
        return FabricError('TLS verification of %s failed (%s): set ca_path to the CA bundle that signed its'
                           ' certificate, or validate_certs to false on a trusted network' % (host, causes[-1]))
    if any(isinstance(cause, (requests.exceptions.ReadTimeout, ReadTimeoutError)) for cause in causes):
        return FabricError('timed out after %s seconds waiting for a response from GET %s' % (timeout, where))
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return FabricError('timed out after %s seconds connecting to %s' % (timeout, host))
    if any(isinstance(cause, NameResolutionError) for cause in causes):
        return FabricError('could not resolve the host name of %s' % host)
    if any(isinstance(cause, NewConnectionError) for cause in causes):
        return FabricError('could not connect to %s: %s' % (host, causes[-1]))
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return FabricError('the response from GET %s ended early (truncated body): %s' % (where, causes[-1]))
    return FabricError('GET %s failed without a response: %s' % (where, causes[-1]))


class FabricHttpClient:
    """GETs JSON from one endpoint with one identity over one connection pool."""

    def __init__(
        self,
        base_url: str,
        identity: Identity,
        verify: bool | str = True,
        timeout: float = 30,
        retries: int = 3,
        user_agent: str = user_agent('client'),
    ) -> None:
        self.base_url = base_url.rstrip('/')
        self._identity = identity
        self._verify = verify
        self._timeout = timeout
        self._session = requests.Session()
        adapter = HTTPAdapter(max_retries=retry_policy(retries), pool_connections=1, pool_maxsize=POOL_SIZE)
        self._session.mount('http://', adapter)
        self._session.mount('https://', adapter)
        self._session.headers.update({'User-Agent': user_agent, 'Accept': 'application/json'})

    def __enter__(self) -> 'FabricHttpClient':
        return self

    def __exit__(self, *exc_info: t.Any) -> None:
        self.close()

    def close(self) -> None:
        self._session.close()

    def url_for(self, path: str, query: t.Sequence[t.Tuple[str, str]] = ()) -> str:
        url = self.base_url + path
        return '%s?%s' % (url, canonical_query(query)) if query else url

    def get_json(self, path: str, query: t.Sequence[t.Tuple[str, str]] = ()) -> JsonResponse:
        url = self.url_for(path, query)
        try:
            # verify is passed on every call: a Session-level value loses to REQUESTS_CA_BUNDLE.
            response = self._session.get(
                url,
                headers=self._identity.headers_for('GET', url),
                timeout=self._timeout,
                verify=self._verify,
                allow_redirects=False,
            )
        except requests.exceptions.RequestException as exc:
            raise transport_error(exc, url, self._timeout) from None
        return self._decode(response, url)

    @staticmethod
    def _decode(response: 'requests.Response', url: str) -> JsonResponse:
        request_id = response.headers.get('X-Request-Id')
        if response.is_redirect or 300 <= response.status_code < 400:
            raise FabricError(
                'GET %s answered HTTP %s redirecting to %s: redirects are not followed (credentials would go'
                ' along); set endpoint to the final URL' % (
                    _without_query(url), response.status_code, response.headers.get('Location', '(no Location)')),
                status=response.status_code, request_id=request_id)
        if not 200 <= response.status_code < 300:
            raise error_from_response('GET', url, response.status_code, response.reason or '', response.content,
                                      request_id)
        try:
            data = json.loads(response.content.decode('utf-8'))
        except ValueError:
            raise FabricError('GET %s answered HTTP %s with a body that is not JSON (%s bytes, Content-Type %s)' % (
                url, response.status_code, len(response.content), response.headers.get('Content-Type', 'unset')),
                status=response.status_code, request_id=request_id) from None
        return JsonResponse(data, request_id, url)


def verify_setting(params: t.Mapping[str, t.Any]) -> bool | str:
    if not params['validate_certs']:
        return False
    return params['ca_path'] or True


def open_client(params: t.Mapping[str, t.Any], agent: str) -> FabricHttpClient:
    """A client for validated, normalized options (see options.validate_params)."""
    return FabricHttpClient(
        endpoint_url(params),
        identity_from_params(params),
        verify=verify_setting(params),
        timeout=params['timeout'],
        retries=params['retries'],
        user_agent=agent,
    )
