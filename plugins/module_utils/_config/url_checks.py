# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""The rules of URLs: the endpoints (scheme, host, no credentials, plain http only to loopback), the proxy, the CA
bundle, and the names a URL is derived from (region, cloud). Each raises a FabricError naming the option.
"""

from __future__ import annotations

import os
import ssl
import typing as t
from urllib.parse import urlsplit, urlunsplit

from .._errors import FabricError
from .._text import shown
from .checks import API_VERSION_SUFFIX, CA_BUNDLE_MAX_BYTES, IAM_VERSION_SUFFIX, has_control, is_loopback
from .schema import CLOUD_PATTERN, REGION_PATTERN


def _url_parts(option: str, url: str) -> t.Any:
    if any(char.isspace() for char in url) or has_control(url):
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
