# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""The one scrubber: every text that leaves the collection (messages, warnings, results, events) passes
through a Redactor that removes the secrets of the call in every written form, and URL credentials.
"""

from __future__ import annotations

import collections
import html
import json
import re
import typing as t
from urllib.parse import quote, quote_plus

from ._errors import FabricError
from ._text import CUT_MARK, escape_controls


REDACTED = '********'


# Secrets up to this length are also matched character by character in any mix of escapes; longer ones (IAM
# tokens run to kilobytes) by their whole written forms, which keeps the work per message small.
PATTERN_MAX_CHARS = 512


ESCAPE_MARKERS = ('%', '\\', '&#', '+')


PREFIX_MIN_CHARS = 4


# Secrets this short are removed only where they stand as secrets (see Redactor).
SHORT_SECRET_MAX_CHARS = 3


# Issued tokens a scrubber keeps removing, the latest ones.
ISSUED_MAX = 16


# Names after which a value stands as a secret (options, environment variables, headers, JSON keys): a word of
# up to 64 name characters that holds one of these.
_SECRET_WORD = re.compile(r'password|passwd|secret|token|authorization|credential|\Ask\Z', re.IGNORECASE)
# The word, then quotes, white space, ':' or '=', and an authentication scheme. Nothing the word may hold can
# start the separator, so the match is linear: it is tried once per word, never inside one.
_NAMED = r'((?<![A-Za-z0-9_.-])(?P<name>[A-Za-z0-9_.-]{1,64})["\']?[ \t]*[:=][ \t]*["\']?(?:(?:Basic|Bearer)[ \t]+)?)'
# What may follow a value that stands alone.
_VALUE_END = r'(?=$|[\s"\',;&)}\]])'


CUT_MARKS_MAX = 8


_SCHEME_CHARS = frozenset('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-')


_USERINFO_STOP = frozenset('/?#@ \t\r\n"\'<>')


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


def _standing_pattern(secrets: t.Iterable[str]) -> t.Pattern[str]:
    """The short secrets, in every written form, where they are the value of a name (group 1 is what comes before
    the value); ``_standing`` keeps those whose name is not a secret's."""
    forms = sorted({form for secret in secrets for form in _forms(secret)}, key=len, reverse=True)
    return re.compile(r'%s(?:%s)%s' % (_NAMED, '|'.join(re.escape(form) for form in forms), _VALUE_END),
                      re.IGNORECASE)


def _standing(match: t.Match[str]) -> str:
    return match.group(1) + REDACTED if _SECRET_WORD.search(match.group('name')) else match.group(0)


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

    The longest forms go first, so that a secret that contains another is removed whole. A secret of at most
    SHORT_SECRET_MAX_CHARS characters is removed only where it stands as a secret (the value after a name such
    as ``password``, ``X-Auth-Token`` or ``Authorization: Basic``; URL credentials are removed whatever they
    are): removed wherever its characters occur, it would mangle any text (``HTTP 4********4``) and the pattern
    of stars would give it away. Tokens issued while the process runs (``learn``) are kept scrubbed up to
    ISSUED_MAX of them, the oldest dropped first: a process that runs for days renews its token many times.
    """

    def __init__(self, secrets: t.Iterable[str | None] = ()) -> None:
        self._configured: dict[str, None] = {}
        self._issued: collections.OrderedDict[str, None] = collections.OrderedDict()
        self._forms: list[str] = []
        self._patterns: list[t.Pattern[str]] = []
        self._short: t.Pattern[str] | None = None
        self._secrets: tuple[str, ...] = ()
        self._others: list[Redactor] = []
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str | None) -> None:
        """A secret of the call's input (an option, the environment, a file), removed for as long as it lives."""
        if secret and secret not in self._configured:
            self._configured[secret] = None
            self._rebuild()

    def learn(self, token: str | None) -> None:
        """A token issued while the process runs; only the ISSUED_MAX latest are kept."""
        if not token or token in self._configured:
            return
        if token in self._issued:
            self._issued.move_to_end(token)
            return
        self._issued[token] = None
        while len(self._issued) > ISSUED_MAX:
            self._issued.popitem(last=False)
        self._rebuild()

    @property
    def secrets(self) -> tuple[str, ...]:
        """What this scrubber removes (its own secrets, not those of scrubbers it includes)."""
        return self._secrets

    def _rebuild(self) -> None:
        self._secrets = tuple(self._configured) + tuple(self._issued)
        long_ones = [secret for secret in self._secrets if len(secret) > SHORT_SECRET_MAX_CHARS]
        short_ones = [secret for secret in self._secrets if len(secret) <= SHORT_SECRET_MAX_CHARS]
        self._forms = sorted({form for secret in long_ones for form in _forms(secret)}, key=len, reverse=True)
        self._patterns = [_pattern(secret) for secret in long_ones if len(secret) <= PATTERN_MAX_CHARS]
        self._short = _standing_pattern(short_ones) if short_ones else None

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
        if self._short is not None:
            text = self._short.sub(_standing, text)
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
        """A new error with every text field of ``error`` scrubbed."""
        return error.replace(**{name: self.value(getattr(error, name))
                                for name in ('message', 'error_code', 'error_msg', 'solution_msg', 'request_id')})
