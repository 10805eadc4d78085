# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The collection's one exception type, the mapping of any error response onto it, and the one scrubber
that every text leaving the client passes through."""

from __future__ import annotations

import html
import json
import re
import typing as t
from urllib.parse import quote, quote_plus

from ._bounded_json import loads as bounded_loads

BODY_EXCERPT_CHARS = 200
# What an excerpt is taken from: the rest of a body is never looked at, so the work stays small and linear.
BODY_SCAN_BYTES = 4096
# The documented length of error_msg and solution_msg; longer service text is cut and marked.
SERVICE_TEXT_CHARS = 4096
SHORT_FIELD_CHARS = 128
REDACTED = '********'
# Secrets up to this length are also matched character by character in any mix of escapes; longer ones (IAM
# tokens run to kilobytes) by their whole written forms, which keeps the work per message small.
PATTERN_MAX_CHARS = 512
ESCAPE_MARKERS = ('%', '\\', '&#', '+')
PREFIX_MIN_CHARS = 4
CUT_MARKS_MAX = 8
CUT_MARK = ' [cut: %d characters in all]'
# Characters that move the cursor, clear the screen or reorder text on a terminal.
_BIDI_CONTROLS = frozenset('\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069')
_SCHEME_CHARS = frozenset('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-')
_USERINFO_STOP = frozenset('/?#@ \t\r\n"\'<>')


class FabricError(Exception):
    """Anything that stops a DataArts Fabric call: bad options, transport failures, API errors.

    ``status`` is the HTTP status when the service answered; the other fields are what its body and
    headers said. ``str()`` gives one readable line holding all of them.
    """

    def __init__(
        self,
        message: str,
        status: int | None = None,
        error_code: str | int | None = None,
        error_msg: str | None = None,
        solution_msg: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.error_code = error_code
        self.error_msg = error_msg
        self.solution_msg = solution_msg
        self.request_id = request_id

    def __str__(self) -> str:
        parts = [self.message]
        if self.error_code is not None:
            parts.append('error_code: %s' % self.error_code)
        if self.error_msg and self.error_msg not in self.message:
            parts.append('error_msg: %s' % self.error_msg)
        if self.solution_msg:
            parts.append('solution: %s' % self.solution_msg)
        if self.request_id:
            parts.append('request id: %s' % self.request_id)
        return '; '.join(parts)

    def details(self) -> dict[str, t.Any]:
        """The structured fields, for a module result or a lookup error: the HTTP ones only when the service
        answered."""
        if self.status is None:
            return {}
        return {
            'status_code': self.status,
            'error_code': self.error_code,
            'error_msg': self.error_msg,
            'solution_msg': self.solution_msg,
            'request_id': self.request_id,
        }


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + CUT_MARK % len(text)


def escape_controls(text: str) -> str:
    """Control characters (and bidirectional overrides) shown as escapes, so that service text cannot
    clear a terminal, retitle a window or start a fake line of Ansible output."""
    if text.isprintable():
        return text
    return ''.join(
        char if char.isprintable() and char not in _BIDI_CONTROLS or char == ' ' else
        ('\\x%02x' % ord(char) if ord(char) < 0x100 else '\\u%04x' % ord(char))
        for char in text)


def service_text(value: t.Any, limit: int = SERVICE_TEXT_CHARS) -> str:
    """Text that came from the service, made safe to show: bounded first, then escaped."""
    text = value if isinstance(value, str) else str(value)
    return escape_controls(cut(text, limit))


def _forms(secret: str) -> set[str]:
    """The ways a secret can be written in a message: as is, and escaped by repr, JSON, URLs and HTML."""
    forms = {secret, repr(secret)[1:-1], json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1],
             quote(secret, safe=''), quote_plus(secret, safe=''), html.escape(secret), escape_controls(secret)}
    return {form for form in forms if form}


def _char_pattern(char: str) -> str:
    """A character as itself or in any escape a message may carry it in: percent-encoded (any case, also
    where no encoding was needed), a JSON or Python escape, or an HTML character reference."""
    code = ord(char)
    ways = [char, ''.join('%%%02X' % byte for byte in char.encode('utf-8')),
            ('\\u%04x' % code) if code < 0x10000 else ('\\U%08x' % code), '&#%d;' % code, '&#x%x;' % code]
    if code < 0x100:
        ways.append('\\x%02x' % code)
    if char == ' ':
        ways.append('+')
    return '(?:%s)' % '|'.join(re.escape(way) for way in ways)


def _pattern(secret: str) -> t.Pattern[str]:
    # case-blind: hexadecimal escapes come in either case (a case variant of the secret is removed too)
    return re.compile(''.join(_char_pattern(char) for char in secret), re.IGNORECASE)


def strip_userinfo(text: str) -> str:
    """``scheme://user:password@host`` written as ``scheme://********@host``, in one linear pass."""
    out: list[str] = []
    position = 0
    while True:
        found = text.find('://', position)
        if found < 0:
            break
        start = found
        while start > 0 and found - start < 32 and text[start - 1] in _SCHEME_CHARS:
            start -= 1
        end = found + 3
        while end < len(text) and text[end] not in _USERINFO_STOP:
            end += 1
        if start < found and end < len(text) and text[end] == '@' and end > found + 3:
            out.append(text[position:found + 3])
            out.append(REDACTED)
            position = end
        else:
            out.append(text[position:found + 3])
            position = found + 3
    out.append(text[position:])
    return ''.join(out)


class Redactor:
    """Removes every configured and issued secret, in every written form, and URL credentials from text.

    The longest forms go first, so that a secret that contains another is removed whole.
    """

    def __init__(self, secrets: t.Iterable[str | None] = ()) -> None:
        self._forms: list[str] = []
        self._patterns: list[t.Pattern[str]] = []
        self._secrets: set[str] = set()
        self._others: list[Redactor] = []
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str | None) -> None:
        if secret and secret not in self._secrets:
            self._secrets.add(secret)
            self._forms = sorted(set(self._forms) | _forms(secret), key=len, reverse=True)
            if len(secret) <= PATTERN_MAX_CHARS:
                self._patterns.append(_pattern(secret))

    def include(self, other: 'Redactor') -> None:
        """Also remove what ``other`` removes (the secrets it knows, and those it learns later, such as
        tokens IAM issues)."""
        self._others.append(other)

    def text(self, text: str) -> str:
        for other in self._others:
            text = other.text(text)
        for form in self._forms:
            if form in text:
                text = text.replace(form, REDACTED)
        if any(marker in text for marker in ESCAPE_MARKERS):  # else the written forms above were enough
            for pattern in self._patterns:
                text = pattern.sub(REDACTED, text)
        return self._cut_prefixes(strip_userinfo(text))

    def _cut_prefixes(self, text: str) -> str:
        """Service text is cut to its documented length before it gets here: a secret that stood across the cut
        is only a prefix now, which no written form matches. Any prefix of 4 or more characters of a secret
        right before a cut is removed. The marks looked at are bounded (the service can write '...' itself), and
        only places where the secret's first characters stand are compared."""
        marks: list[int] = []
        for mark in (CUT_MARK.split('%', maxsplit=1)[0], '...'):  # the cuts this collection makes end a field
            position = text.rfind(mark)
            found = 0
            while position >= 0 and found < CUT_MARKS_MAX:
                marks.append(position)
                found += 1
                position = text.rfind(mark, 0, position)
        for position in sorted(marks, reverse=True):  # from the end, so earlier positions stay valid
            for secret in self._secrets:
                start = self._prefix_start(text, position, secret)
                if start is not None:
                    text = text[:start] + REDACTED + text[position:]
                    break
        return text

    @staticmethod
    def _prefix_start(text: str, end: int, secret: str) -> int | None:
        """Where the longest prefix of ``secret`` that ends at ``end`` starts, if one of 4 or more characters does."""
        head = secret[:PREFIX_MIN_CHARS]
        if len(secret) <= PREFIX_MIN_CHARS:
            return None
        candidate = text.find(head, max(0, end - len(secret) + 1), end)
        while 0 <= candidate <= end - PREFIX_MIN_CHARS:
            if secret.startswith(text[candidate:end]):
                return candidate
            candidate = text.find(head, candidate + 1, end)
        return None

    def value(self, value: t.Any) -> t.Any:
        return self.text(value) if isinstance(value, str) else value

    def error(self, error: FabricError) -> FabricError:
        """The error with every text field scrubbed (in place, so that its type and traceback stay)."""
        for name in ('message', 'error_code', 'error_msg', 'solution_msg', 'request_id'):
            setattr(error, name, self.value(getattr(error, name)))
        error.args = (error.message,)
        return error


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
    nested = body.get('error') if isinstance(body.get('error'), dict) else {}
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
