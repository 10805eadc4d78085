# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""Text shown to the user, made safe and small: service text bounded and escaped, wrong values cut.
"""

from __future__ import annotations

import difflib
import typing as t


# The documented length of error_msg and solution_msg; longer service text is cut and marked.
SERVICE_TEXT_CHARS = 4096


SHORT_FIELD_CHARS = 128


CUT_MARK = ' [cut: %d characters in all]'


# Characters that move the cursor, clear the screen or reorder text on a terminal.
_BIDI_CONTROLS = frozenset('\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069')


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


SHOWN_CHARS = 60


def shown(value: t.Any, repr_of: bool = True) -> str:
    """A wrong value as a message shows it: escaped, and cut, however long it was."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10 ** SHOWN_CHARS:
        return 'an integer of more than %d digits' % SHOWN_CHARS
    text = repr(value) if repr_of else str(value)
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + '... (%d characters)' % len(text)


def did_you_mean(word: t.Any, choices: t.Iterable[str]) -> str:
    """`` (did you mean X?)`` for a word close to one of ``choices``, else nothing."""
    if not isinstance(word, str) or len(word) > SHOWN_CHARS:
        return ''
    close = difflib.get_close_matches(word, list(choices), n=1) or difflib.get_close_matches(
        word.upper(), list(choices), n=1)
    return ' (did you mean %s?)' % close[0] if close else ''
