# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""The rules of single values: IDs, numbers, durations, strings, statuses, URLs, the CA bundle. Each
raises a FabricError naming the option and the rule, never the value of a secret.
"""

from __future__ import annotations

import ipaddress
import math
import typing as t

from .._errors import FabricError
from .._text import did_you_mean, shown
from .schema import (
    AGE_UNITS,
    CATALOG_PATTERN,
    CATALOG_RULE,
    ID_PATTERN,
    ID_RULE,
    INSTANCE_ID_PATTERN,
    INSTANCE_ID_RULE,
    OLDER_THAN_MAX,
    SESSION_STATUSES,
)


# Sent in a header: printable ASCII without spaces, or the HTTP library refuses the value (and quotes it).
HEADER_OPTIONS = ('auth_token', 'access_key', 'security_token', 'project_id')
CA_BUNDLE_MAX_BYTES = 16 * 1024 * 1024
AGE_RULE = ('a whole number of seconds, or a whole number followed by %s (as ansible.builtin.find\'s age), such as'
            ' 1800 or 30m' % ', '.join(unit for unit, _seconds in AGE_UNITS))
AGE_DIGITS_MAX = 12
IAM_VERSION_SUFFIX = '/v3'
API_VERSION_SUFFIX = '/v1'
ENDPOINT_NAME_MAX = 255


def check_id(option_name: str, value: t.Any) -> str:
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        raise FabricError('%s must be %s, got %s' % (option_name, ID_RULE, shown(value)))
    return value


def is_loopback(host: str) -> bool:
    if host.lower() == 'localhost':
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def has_control(text: str) -> bool:
    return not text.isprintable()


def string(name: str, value: t.Any) -> str | None:
    """A string option with surrounding white space removed; blank means unset; control characters inside
    are refused (they would end up in a header, a signature or a URL)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise FabricError('%s must be a string, got a %s' % (name, type(value).__name__))
    value = value.strip()
    if has_control(value):
        raise FabricError('%s must not contain control characters (line breaks, tabs, escapes)' % name)
    if name in HEADER_OPTIONS and value and not (value.isascii() and ' ' not in value):
        raise FabricError('%s must be printable ASCII without spaces: it is sent in an HTTP header' % name)
    return value or None


def number(name: str, value: t.Any, minimum: float, maximum: float, integer: bool, rule: str = '') -> t.Any:
    """A finite number (never a boolean) in [minimum, maximum]; ``rule`` says the range in words."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (integer and not isinstance(value, int)):
        raise FabricError('%s must be %s, got %s' % (name, 'an integer' if integer else 'a number', shown(value)))
    # an int is compared as it is: math.isfinite() overflows on 10**400
    if (isinstance(value, float) and not math.isfinite(value)) or not minimum <= value <= maximum:
        raise FabricError('%s must be %s, got %s' % (name, rule or 'between %s and %s' % (minimum, maximum),
                                                     shown(value, repr_of=False)))
    return value


def seconds(name: str, value: t.Any, maximum: float) -> float:
    rule = 'a number of seconds greater than 0, at most %s' % maximum
    if number(name, value, 0, maximum, integer=False, rule=rule) == 0:
        raise FabricError('%s must be %s, got %s' % (name, rule, value))
    return float(value)


def bool_value(name: str, value: t.Any) -> bool:
    if not isinstance(value, bool):
        raise FabricError('%s must be true or false, got %s' % (name, shown(value)))
    return value


def filter_id(name: str, value: t.Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and not value.strip():
        raise FabricError('%s is empty: give an ID (%s), or leave the option out (omit) to not filter by it'
                          % (name, ID_RULE))
    return check_id(name, value)


def endpoint_name(value: t.Any) -> str | None:
    """A SQL endpoint's name: any text without control characters, surrounding white space removed; an empty
    value is refused rather than read as no filter."""
    if value is None:
        return None
    name = string('endpoint_name', value)
    if name is None:
        raise FabricError('endpoint_name must not be empty: leave the option out to list the sessions of every'
                          ' endpoint')
    if len(name) > ENDPOINT_NAME_MAX:
        raise FabricError('endpoint_name must be at most %d characters, got %d' % (ENDPOINT_NAME_MAX, len(name)))
    return name


def age(name: str, value: t.Any) -> int | None:
    """A duration in seconds: an integer, or a string of ASCII digits with an optional unit letter (s, m, h, d,
    w, either case). Blank is refused rather than read as no filter."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        seconds = value
    elif isinstance(value, str):
        text = value.strip().lower()
        if not text:
            raise FabricError('%s is empty: give %s, or leave the option out (omit) to not filter by age'
                              % (name, AGE_RULE))
        unit = dict(AGE_UNITS).get(text[-1]) if text[-1].isalpha() else 1
        digits = text[:-1] if text[-1].isalpha() else text
        if unit is None or not (digits.isascii() and digits.isdigit()) or len(digits) > AGE_DIGITS_MAX:
            raise FabricError('%s must be %s, got %s' % (name, AGE_RULE, shown(value)))
        seconds = int(digits) * unit
    else:
        raise FabricError('%s must be %s, got %s' % (name, AGE_RULE, shown(value)))
    if not 0 <= seconds <= OLDER_THAN_MAX:
        raise FabricError('%s must be %s, from 0 to %d seconds (a century), got %s'
                          % (name, AGE_RULE, OLDER_THAN_MAX, shown(value, repr_of=False)))
    return seconds


def lake_formation(name: str, value: t.Any) -> dict[str, str] | None:
    """The LakeFormation instance and catalog of a new session, each by the create API's rule."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise FabricError('%s must be a dictionary with instance_id and catalog, got a %s' % (name, type(value).__name__))
    checked = {}
    for key, pattern, rule in (('instance_id', INSTANCE_ID_PATTERN, INSTANCE_ID_RULE),
                               ('catalog', CATALOG_PATTERN, CATALOG_RULE)):
        field = value.get(key)
        if field is None:
            raise FabricError('%s.%s is required: %s' % (name, key, rule))
        if not isinstance(field, str) or not pattern.match(field):
            raise FabricError('%s.%s must be %s, got %s' % (name, key, rule, shown(field)))
        checked[key] = field
    return checked


def statuses(value: t.Any) -> tuple[str | None, ...]:
    if value is None:
        return (None,)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)):
        raise FabricError('status must be a list of statuses, got a %s' % type(value).__name__)
    if not value:
        return (None,)
    for status in value:
        if isinstance(status, str) and not status.strip():
            raise FabricError('status holds an empty entry: list statuses among %s, or leave the option out'
                              ' (omit) to list every status' % ', '.join(SESSION_STATUSES))
        if status not in SESSION_STATUSES:
            raise FabricError('status must be one or more of %s, got %s%s' % (
                ', '.join(SESSION_STATUSES), shown(status), did_you_mean(status, SESSION_STATUSES)))
    return tuple(dict.fromkeys(value))
