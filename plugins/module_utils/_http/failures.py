# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""Failures as messages: an error response, or a request that got no usable response, becomes a
FabricError that names the request and says what to check.
"""

from __future__ import annotations

import datetime
import errno
import re
import socket
import ssl
import typing as t
from urllib.parse import urlsplit, urlunsplit

from .._errors import FabricError
from .._text import SERVICE_TEXT_CHARS, SHORT_FIELD_CHARS, escape_controls, service_text
from .json_body import loads as bounded_loads
from .signer import DATE_FORMAT, DATE_HEADER

try:
    import requests
    from urllib3.exceptions import NewConnectionError, ReadTimeoutError
except ImportError:  # the faces report the missing library themselves
    pass

BODY_EXCERPT_CHARS = 200
# What an excerpt is taken from: the rest of a body is never looked at, so the work stays small and linear.
BODY_SCAN_BYTES = 4096


def _text_field(value: t.Any, limit: int = SERVICE_TEXT_CHARS) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    return service_text(value, limit)


def _code_field(value: t.Any) -> str | int | None:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10 ** 12:
        return value
    return _text_field(value, SHORT_FIELD_CHARS)


def _fields_from_json(body: t.Any) -> tuple[str | int | None, str | None, str | None]:
    """error_code, error_msg and solution_msg from either documented body shape."""
    if not isinstance(body, dict):
        return None, None, None
    nested: dict[str, t.Any] = body['error'] if isinstance(body.get('error'), dict) else {}
    code = _code_field(body.get('error_code', nested.get('code')))
    message = _text_field(body.get('error_msg')) or _text_field(nested.get('message')) or _text_field(body.get('message'))
    return code, message, _text_field(body.get('solution_msg'))


def _strip_tags(text: str) -> str:
    """Markup reduced to its text in one pass (a regex over unclosed '<' runs would be quadratic)."""
    out: list[str] = []
    inside = False
    for char in text:
        if char == '<':
            inside = True
            out.append(' ')
        elif char == '>' and inside:
            inside = False
        elif not inside:
            out.append(char)
    return ''.join(out)


def body_excerpt(body: bytes) -> str:
    """A short readable excerpt of a body that is not a usable error object: only its head is read."""
    text = body[:BODY_SCAN_BYTES].decode('utf-8', errors='replace')
    text = ' '.join(_strip_tags(text).split())
    if len(text) > BODY_EXCERPT_CHARS or len(body) > BODY_SCAN_BYTES:
        text = text[:BODY_EXCERPT_CHARS] + '...'
    return escape_controls(text)


def _parse(body: bytes) -> t.Any:
    try:
        text = body.decode('utf-8')
        return bounded_loads(text) if text.strip() else None
    except ValueError:  # not UTF-8, not JSON, or nested too deeply
        return None


def error_from_response(
    method: str,
    url: str,
    status: int,
    reason: str,
    body: bytes,
    request_id: str | None,
) -> FabricError:
    """Build the error for a non-success response, whatever its body holds."""
    parsed = _parse(body)
    error_code, error_msg, solution_msg = _fields_from_json(parsed)
    reason = service_text(reason, SHORT_FIELD_CHARS)
    head = '%s %s failed: HTTP %s%s' % (method, url, status, (' %s' % reason) if reason else '')
    if error_msg:
        message = '%s: %s' % (head, error_msg)
    elif not body.strip():
        message = '%s with an empty body' % head
    elif parsed is None:
        message = '%s with a body that is not JSON: %s' % (head, body_excerpt(body))
    else:
        message = '%s with an unrecognised error body: %s' % (head, body_excerpt(body))
    return FabricError(
        message,
        status=status,
        error_code=error_code,
        error_msg=error_msg,
        solution_msg=solution_msg,
        request_id=request_id,
    )


EXPIRED_SIGNATURE_CODE = re.compile(r'\AAPIGW?\.0301\Z')
TLS_NOT_SPOKEN = frozenset(('WRONG_VERSION_NUMBER', 'RECORD_LAYER_FAILURE', 'UNKNOWN_PROTOCOL', 'HTTP_REQUEST',
                            'PACKET_LENGTH_TOO_LONG', 'UNEXPECTED_RECORD'))
UNTRUSTED_ISSUER_CODES = frozenset((2, 18, 19, 20, 21))
HOSTNAME_MISMATCH_CODE = 62
EXPIRED_CERTIFICATE_CODE = 10


def without_query(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, '', ''))


def path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(('', '', parts.path, parts.query, ''))


def causes(exc: BaseException) -> t.Iterator[BaseException]:
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


def out_of_resources(error: BaseException) -> bool:
    """Whether the process ran out of file descriptors: retrying cannot help, and saying so is the fix."""
    return any(isinstance(cause, OSError) and cause.errno in (errno.EMFILE, errno.ENFILE) for cause in causes(error))


def never_connected(error: BaseException) -> bool:
    """Whether a request failed before a connection was made (refused, or timed out connecting): then not one
    byte of it reached the service."""
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return True
    return any(isinstance(cause, (ConnectionRefusedError, NewConnectionError)) for cause in causes(error))


def cause_in_words(error: BaseException, timed_out: bool = False) -> str:
    """What ended an attempt that got no response, in the words of a retry warning."""
    found = list(causes(error))
    if timed_out or any(isinstance(cause, (socket.timeout, ReadTimeoutError)) for cause in found):
        return 'a timeout'
    if any(isinstance(cause, ConnectionRefusedError) for cause in found):
        return 'connection refused'
    if any(isinstance(cause, ConnectionResetError) for cause in found):
        return 'connection reset'
    return 'a dropped connection'


def explain_clock_skew(error: FabricError, sent_headers: t.Mapping[str, str]) -> FabricError:
    """The gateway's 'request expired' answer to a signed request, said as what it nearly always is."""
    signed_at = sent_headers.get(DATE_HEADER)
    expired = error.status == 401 and bool(EXPIRED_SIGNATURE_CODE.match(str(error.error_code or ''))) and (
        'expire' in (error.error_msg or '').lower())
    if not (signed_at and expired):
        return error
    return error.with_context(after=(
        ' -- the request was signed at %s UTC by this host\'s clock (X-Sdk-Date %s) and the gateway accepts'
        ' signatures only within 15 minutes of its own clock: check the clock of the host running the task'
        ' (clock skew, NTP)' % (datetime.datetime.strptime(signed_at, DATE_FORMAT).strftime('%Y-%m-%d %H:%M:%S'),
                                signed_at)))


def refused_credentials(error: FabricError, kind: str, origin: str) -> FabricError:
    """A 401 of the API, said with the credentials it refused and what usually causes it."""
    if error.status != 401 or not origin:
        return error
    if kind == 'aksk':
        hint = ('the API refused the signature made with %s: check that the access key and the secret key belong'
                ' together and to this account, and the clock of this host (a signature is accepted only within'
                ' 15 minutes of the gateway\'s clock)' % origin)
    elif kind == 'password':
        hint = ('the API refused the IAM token issued for %s, even after asking IAM for a new one: check that the'
                ' token\'s project is the workspace\'s' % origin)
    else:
        hint = ('the API refused %s: IAM tokens are valid for 24 hours; get a new one (or let the collection get'
                ' them with username and password)' % origin)
    return error.with_context(after=' -- ' + hint)


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


def transport_error(exc: Exception, method: str, url: str, timeout: float, option: str = 'endpoint',
                    connect_timeout: float | None = None, check: str | None = None) -> FabricError:
    """A plain message for a request that got no usable response; the URL is shown without its query. ``check``
    says what to check when the host cannot be resolved (the option, or the region it was derived from)."""
    where = '%s %s' % (method, without_query(url))
    host = urlsplit(url).netloc
    found = list(causes(exc))
    innermost = service_text(found[-1], 300)
    if out_of_resources(exc):
        return FabricError('%s failed: this process has no file descriptor left to open a connection (too many'
                           ' open files): raise its limit (ulimit -n) or lower forks and concurrency' % where)
    if isinstance(exc, requests.exceptions.ProxyError):
        return FabricError('%s failed at the proxy (set by the proxy option or HTTPS_PROXY/HTTP_PROXY): %s'
                           % (where, innermost))
    tls = _tls_problem(found, host, option)
    if tls or isinstance(exc, requests.exceptions.SSLError):
        return FabricError('%s failed: %s' % (where, tls or 'TLS failed with %s (%s)' % (host, innermost)))
    if any(isinstance(cause, (requests.exceptions.ReadTimeout, ReadTimeoutError)) for cause in found):
        return timeout_error(timeout, where)
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return FabricError('%s failed: timed out after %s connecting to %s (connect_timeout)'
                           % (where, _seconds(connect_timeout or timeout), host))
    if any(isinstance(cause, socket.gaierror) for cause in found):
        return FabricError('%s failed: could not resolve the host name of %s (DNS lookup failed): check %s'
                           % (where, host, check or option))
    if any(isinstance(cause, ConnectionRefusedError) for cause in found):
        return FabricError('%s failed: connection refused by %s: nothing is listening there' % (where, host))
    if any(isinstance(cause, NewConnectionError) for cause in found):
        return FabricError('%s failed: could not connect to %s: %s' % (where, host, innermost))
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return FabricError('the response to %s was cut off before its end (truncated body)' % where)
    return FabricError('%s failed without a response: %s' % (where, innermost))


def cancelled_error(method: str, url: str) -> FabricError:
    return FabricError('%s %s was cancelled: the caller is stopping' % (method, without_query(url)))


def past_deadline_error(method: str, url: str, total_timeout: float) -> FabricError:
    return FabricError('%s %s: this call ran out of its total_timeout of %s (every page, status and retry'
                       ' included)' % (method, without_query(url), _seconds(total_timeout)))


def unexpected_error(method: str, url: str, exc: BaseException) -> FabricError:
    if isinstance(exc, RuntimeError) and "can't start new thread" in str(exc):
        return FabricError('%s %s failed: could not start a thread (%s): this process is at its limit of threads or'
                           ' processes; lower concurrency or forks' % (method, without_query(url), exc))
    return FabricError('%s %s failed: %s: %s' % (method, without_query(url), type(exc).__name__,
                                                 service_text(exc, 300)))
