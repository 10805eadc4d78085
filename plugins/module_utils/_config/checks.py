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
import os
import ssl
import typing as t
from urllib.parse import urlsplit, urlunsplit

from .._errors import FabricError
from .._text import did_you_mean, shown
from .schema import (
    AGE_UNITS,
    CATALOG_PATTERN,
    CATALOG_RULE,
    CLOUD_PATTERN,
    ID_PATTERN,
    ID_RULE,
    INSTANCE_ID_PATTERN,
    INSTANCE_ID_RULE,
    OLDER_THAN_MAX,
    REGION_PATTERN,
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


def _has_control(text: str) -> bool:
    return not text.isprintable()


def string(name: str, value: t.Any) -> str | None:
    """A string option with surrounding white space removed; blank means unset; control characters inside
    are refused (they would end up in a header, a signature or a URL)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise FabricError('%s must be a string, got a %s' % (name, type(value).__name__))
    value = value.strip()
    if _has_control(value):
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


def _url_parts(option: str, url: str) -> t.Any:
    if any(char.isspace() for char in url) or _has_control(url):
        raise FabricError('%s must be a URL without white space or control characters' % option)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError for a port out of range or not a number
    except ValueError as exc:
        # the library's reason can quote the whole host part, user:password@ included
        reason = 'the value is not shown: it holds user credentials' if '@' in url else str(exc)
        raise FabricError('%s is not a valid URL (%s)' % (option, reason)) from None
    if parts.scheme not in ('http', 'https') or not parts.hostname:
        raise FabricError('%s must be an http:// or https:// URL with a host name, such as %s' % (
            option, 'http://proxy.example.com:3128' if option == 'proxy' else 'https://host.example.com'))
    return parts


def _proxied(url: str, proxy: str | None) -> bool:
    if proxy is not None:
        return True
    try:
        from requests.utils import get_environ_proxies
    except ImportError:  # the faces report the missing library themselves
        return False
    parts = urlsplit(url)
    try:
        proxies = get_environ_proxies(url)
    except Exception:  # an unreadable proxy setting is the transport's to report
        return False
    # the keys requests itself looks at (ALL_PROXY gives 'all')
    keys = (parts.scheme + '://' + (parts.hostname or ''), parts.scheme, 'all://' + (parts.hostname or ''), 'all')
    return any(proxies.get(key) for key in keys)


def _ascii_host(option: str, url: str, parts: t.Any) -> tuple[str, t.Any]:
    """A URL whose host name is not ASCII, in the IDNA form requests sends (``xn--`` labels): what is signed
    (the Host header of AK/SK), sent and shown then agree; a host that has no such form is refused."""
    host = parts.hostname
    if host.isascii():
        return url, parts
    try:
        try:
            import idna  # what requests itself encodes host names with
        except ImportError:
            ascii_host = host.encode('idna').decode('ascii')
        else:
            ascii_host = idna.encode(host, uts46=True).decode('ascii')
    except (UnicodeError, ValueError) as exc:  # idna.IDNAError is a UnicodeError
        raise FabricError('%s has a host name that cannot be written in IDNA form (%s), got %s: give the host\'s'
                          ' ASCII (xn--) name' % (option, exc, shown(host))) from None
    netloc = ascii_host if parts.port is None else '%s:%d' % (ascii_host, parts.port)
    url = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return url, urlsplit(url)


def checked_url(option: str, url: str, allow_plain_http: bool, proxy: str | None) -> str:
    parts = _url_parts(option, url)
    if parts.query or parts.fragment or parts.username or parts.password or '@' in parts.netloc:
        raise FabricError('%s must not hold a query, fragment or user credentials' % option)
    url, parts = _ascii_host(option, url, parts)
    url = url.rstrip('/')
    if option == 'endpoint' and parts.path.rstrip('/').lower().endswith(API_VERSION_SUFFIX):
        raise FabricError('endpoint %s ends in %s: the endpoint is the base URL of the service, without %s (the'
                          ' collection adds the API path itself)' % (url, API_VERSION_SUFFIX, API_VERSION_SUFFIX))
    if option == 'iam_endpoint' and url.lower().endswith(IAM_VERSION_SUFFIX):
        url = url[:-len(IAM_VERSION_SUFFIX)]
    if parts.scheme == 'http' and not allow_plain_http:
        if not is_loopback(parts.hostname):
            raise FabricError('%s %s uses plain http:// to a host that is not loopback, which would send'
                              ' credentials unencrypted: use https://, or set allow_plain_http to true' % (option, url))
        if _proxied(url, proxy):
            raise FabricError('%s %s uses plain http:// through a proxy (the proxy option or HTTP_PROXY), which'
                              ' would carry credentials unencrypted beyond this host: use https://, exclude the host'
                              ' with NO_PROXY, or set allow_plain_http to true' % (option, url))
    return url


def checked_proxy(proxy: str | None) -> str | None:
    if proxy is not None:
        try:
            _url_parts('proxy', proxy)
        except FabricError:
            raise FabricError('proxy must be an http:// or https:// URL with a host name, such as'
                              ' http://proxy.example.com:3128 (the value is not shown: it may hold a password)'
                              ) from None
    return proxy


def checked_ca_path(path: str | None) -> str | None:
    if path is None:
        return None
    path = os.path.expanduser(path)
    if not os.path.exists(path):
        raise FabricError('ca_path %s does not exist' % path)
    if os.path.isdir(path):
        raise FabricError('ca_path %s is a directory: give the PEM file of CA certificates' % path)
    if not os.path.isfile(path):  # a FIFO or a device would block or never end
        raise FabricError('ca_path %s is not a regular file: give the PEM file of CA certificates' % path)
    if not os.access(path, os.R_OK):
        raise FabricError('ca_path %s cannot be read by this user' % path)
    if os.path.getsize(path) > CA_BUNDLE_MAX_BYTES:
        raise FabricError('ca_path %s is larger than %d bytes: not a CA bundle' % (path, CA_BUNDLE_MAX_BYTES))
    try:
        ssl.create_default_context(cafile=path)
    except (ssl.SSLError, ValueError, OSError):
        raise FabricError('ca_path %s holds no PEM CA certificate: give the PEM file (-----BEGIN CERTIFICATE-----)'
                          ' of the CA that signed the endpoint\'s certificate' % path) from None
    return path


def check_names(values: t.Mapping[str, t.Any]) -> None:
    if values['region'] is not None and not REGION_PATTERN.match(values['region']):
        raise FabricError('region must be a region name such as cn-north-4 (lower-case letters, digits'
                          ' and hyphens), got %s' % shown(values['region']))
    if values['cloud'] is not None and not CLOUD_PATTERN.match(values['cloud'].lower()):
        raise FabricError('cloud must be a domain name such as myhuaweicloud.com, got %s' % shown(values['cloud']))
