# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one loader: option values given explicitly (module params, plugin options, event source arguments),
the environment and the credential files become a frozen, typed :class:`Config` (see _value_sources for
which source wins).

Every normalisation, check and derivation happens here, once, before any request, and every error names
the option and the rule, never the value of a secret. Nothing downstream reads a raw params dict.
"""

from __future__ import annotations

import base64
import ipaddress
import math
import os
import ssl
import typing as t
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from ._errors import FabricError
from ._option_table import (
    ALL_OPTIONS,
    AUTH_CHOICES,
    AUTH_CHOICES_TEXT,
    BACKOFF_MAX_SECONDS,
    CLOUD_PATTERN,
    CONCURRENCY_MAX,
    DEFAULT_CLOUD,
    DERIVED_ENDPOINT,
    DERIVED_IAM_ENDPOINT,
    EUROPEAN_CLOUD,
    EUROPEAN_REGION_PREFIX,
    ID_PATTERN,
    ID_RULE,
    OPTION_NAMES,
    PAGE_SIZE_MAX,
    REGION_PATTERN,
    RETRIES_MAX,
    SESSION_STATUSES,
    TIMEOUT_MAX_SECONDS,
    TOTAL_TIMEOUT_FACTOR,
    TOTAL_TIMEOUT_MAX_SECONDS,
)
from ._value_sources import Sourced, resolve_sources

try:
    from ansible.module_utils.parsing.convert_bool import boolean
except ImportError:  # pragma: no cover -- ansible-core always has it
    boolean = None

try:
    from requests.utils import get_environ_proxies
except ImportError:  # the module reports the missing library itself
    get_environ_proxies = None

SECRET_OPTIONS = tuple(option.name for option in ALL_OPTIONS if option.no_log)
OPTIONS_BY_NAME = {option.name: option for option in ALL_OPTIONS}
# Sent in a header: printable ASCII without spaces, or the HTTP library refuses the value (and quotes it).
HEADER_OPTIONS = ('auth_token', 'access_key', 'security_token', 'project_id')
FILTER_OPTIONS = ('endpoint_id', 'session_id')
CA_BUNDLE_MAX_BYTES = 16 * 1024 * 1024
IAM_VERSION_SUFFIX = '/v3'
API_VERSION_SUFFIX = '/v1'


@dataclass(frozen=True)
class Credentials:
    """One way to authenticate; ``repr()`` shows the kind and the non-secret names only."""

    kind: str  # 'token', 'aksk' or 'password'
    auth_token: str | None = field(default=None, repr=False)
    access_key: str | None = None
    secret_key: str | None = field(default=None, repr=False)
    security_token: str | None = field(default=None, repr=False)
    project_id: str | None = None
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    domain_name: str | None = None
    project_name: str | None = None

    def secrets(self) -> tuple[str, ...]:
        return tuple(value for value in (self.auth_token, self.secret_key, self.security_token, self.password)
                     if value)


@dataclass(frozen=True)
class Connection:
    base_url: str
    credentials: Credentials
    iam_url: str | None = None
    verify: bool | str = True
    proxy: str | None = field(default=None, repr=False)
    timeout: float = 30
    total_timeout: float = 600
    retries: int = 3
    backoff: float = 0.5
    concurrency: int = 4
    token_cache: bool = True

    def secrets(self) -> tuple[str, ...]:
        return self.credentials.secrets() + tuple(proxy_secrets(self.proxy))


@dataclass(frozen=True)
class Query:
    """What to list in each workspace; ``statuses`` holds None for "every status"."""

    statuses: tuple[str | None, ...] = (None,)
    endpoint_id: str | None = None
    session_id: str | None = None
    page_size: int = PAGE_SIZE_MAX
    max_results: int | None = None
    count_only: bool = False


@dataclass(frozen=True)
class Config:
    connection: Connection
    query: Query
    warnings: tuple[str, ...] = ()


PROXY_VARIABLES = ('HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy')


def proxy_secrets(proxy: str | None) -> list[str]:
    """The password of a proxy URL, as written and decoded, and the Basic credentials made from it."""
    if not proxy:
        return []
    try:
        parts = urlsplit(proxy.strip())
        user, password = parts.username, parts.password
    except ValueError:
        return []
    if not password:
        return []
    basic = base64.b64encode(('%s:%s' % (unquote(user or ''), unquote(password))).encode('utf-8')).decode('ascii')
    return [password, unquote(password), basic]


def environment_proxy_secrets(environ: t.Mapping[str, str] | None = None) -> list[str]:
    environ = os.environ if environ is None else environ
    return [secret for name in PROXY_VARIABLES for secret in proxy_secrets(environ.get(name))]


def raw_secrets(raw: t.Mapping[str, t.Any], environ: t.Mapping[str, str] | None = None) -> list[str]:
    """Every secret the raw options and the environment hold, for scrubbing messages of a load that failed."""
    environ = os.environ if environ is None else environ
    found = [raw.get(name) for name in SECRET_OPTIONS if isinstance(raw.get(name), str)]
    found += [environ.get(variable) for option in ALL_OPTIONS if option.no_log for variable in option.env
              if isinstance(environ.get(variable), str)]
    found += [value.strip() for value in found]
    found += environment_proxy_secrets(environ)
    found += proxy_secrets(raw.get('proxy') if isinstance(raw.get('proxy'), str) else None)
    return [value for value in found if value]


SHOWN_CHARS = 60


def shown(value: t.Any, repr_of: bool = True) -> str:
    """A wrong value as a message shows it: escaped, and cut, however long it was."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10 ** SHOWN_CHARS:
        return 'an integer of more than %d digits' % SHOWN_CHARS
    text = repr(value) if repr_of else str(value)
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + '... (%d characters)' % len(text)


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


def _string(name: str, value: t.Any) -> str | None:
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


def _number(name: str, value: t.Any, minimum: float, maximum: float, integer: bool, rule: str = '') -> t.Any:
    """A finite number (never a boolean) in [minimum, maximum]; ``rule`` says the range in words."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (integer and not isinstance(value, int)):
        raise FabricError('%s must be %s, got %s' % (name, 'an integer' if integer else 'a number', shown(value)))
    # an int is compared as it is: math.isfinite() overflows on 10**400
    if (isinstance(value, float) and not math.isfinite(value)) or not minimum <= value <= maximum:
        raise FabricError('%s must be %s, got %s' % (name, rule or 'between %s and %s' % (minimum, maximum),
                                                     shown(value, repr_of=False)))
    return value


def _seconds(name: str, value: t.Any, maximum: float) -> float:
    rule = 'a number of seconds greater than 0, at most %s' % maximum
    if _number(name, value, 0, maximum, integer=False, rule=rule) == 0:
        raise FabricError('%s must be %s, got %s' % (name, rule, value))
    return float(value)


def _normalized(name: str, value: t.Any) -> t.Any:
    """One value as the loader keeps it: strings stripped (blank is unset), text of an environment variable
    converted to the option's type."""
    option = OPTIONS_BY_NAME[name]
    if name == 'status':
        return _statuses(value)
    if name in FILTER_OPTIONS:
        return _filter(name, value)
    if option.type in ('str', 'path'):
        return _string(name, value)
    if isinstance(value, str) and option.type in ('bool', 'int', 'float'):
        return _from_text(name, option.type, value.strip())
    return value


def _from_text(name: str, kind: str, text: str) -> t.Any:
    try:
        if kind == 'bool':
            return boolean(text, strict=True)
        return int(text) if kind == 'int' else float(text)
    except (TypeError, ValueError):
        raise FabricError('%s must be %s, got %s' % (
            name, {'bool': 'true or false', 'int': 'an integer', 'float': 'a number'}[kind], shown(text))) from None


def _with_defaults(values: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    return {option.name: _normalized(option.name, option.default) if values.get(option.name) is None
            else values[option.name] for option in ALL_OPTIONS}


def _filter(name: str, value: t.Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and not value.strip():
        raise FabricError('%s is empty: give an ID (%s), or leave the option out (omit) to not filter by it'
                          % (name, ID_RULE))
    return check_id(name, value)


def _statuses(value: t.Any) -> tuple[str | None, ...]:
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
            raise FabricError('status must be one or more of %s, got %s' % (', '.join(SESSION_STATUSES), shown(status)))
    return tuple(dict.fromkeys(value))


def auth_choice(values: t.Mapping[str, t.Any], sourced: Sourced | None = None) -> str:
    """The one way to authenticate the options configure; FabricError when none, several or half of one."""
    def named(label: str, names: t.Iterable[str]) -> str:
        notes = ['%s%s' % (name, sourced.origin_note(name)) for name in names if sourced and sourced.origin_note(name)]
        return '[%s]' % label if not notes else '[%s: %s]' % (label, ', '.join(notes))

    def ignored(names: t.Iterable[str]) -> str:
        variables = [sourced.ignored[name] for name in names if sourced and name in sourced.ignored]
        if not variables:
            return ''
        return (' (%s %s set in the environment, but a way to authenticate given as options is taken from the'
                ' options alone)' % (', '.join(variables), 'is' if len(variables) == 1 else 'are'))

    configured = [(label, names) for label, names in AUTH_CHOICES if any(values[name] is not None for name in names)]
    if not configured:
        raise FabricError('no credentials: configure one way to authenticate: %s (as options, environment variables'
                          ' or a KooCLI profile)%s' % (AUTH_CHOICES_TEXT, ignored(sourced.ignored if sourced else ())))
    if len(configured) > 1:
        together = ' and '.join(named(label, [name for name in names if values[name] is not None])
                                for label, names in configured)
        raise FabricError('%s are configured together: configure exactly one way to authenticate: %s'
                          % (together, AUTH_CHOICES_TEXT))
    label, names = configured[0]
    missing = [name for name in names if values[name] is None]
    if missing:
        given = [name for name in names if values[name] is not None]
        notes = [name + sourced.origin_note(name) for name in given if sourced and sourced.origin_note(name)]
        raise FabricError('%s must be given together: %s missing%s%s' % (
            label, ' and '.join(missing) + (' is' if len(missing) == 1 else ' are'), ignored(missing),
            ' (given: %s)' % ', '.join(notes) if notes else ''))
    return names[0]


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
    if get_environ_proxies is None:
        return False
    parts = urlsplit(url)
    try:
        proxies = get_environ_proxies(url)
    except Exception:  # an unreadable proxy setting is the transport's to report
        return False
    # the keys requests itself looks at (ALL_PROXY gives 'all')
    keys = (parts.scheme + '://' + (parts.hostname or ''), parts.scheme, 'all://' + (parts.hostname or ''), 'all')
    return any(proxies.get(key) for key in keys)


def _checked_url(option: str, url: str, allow_plain_http: bool, proxy: str | None) -> str:
    parts = _url_parts(option, url)
    if parts.query or parts.fragment or parts.username or parts.password or '@' in parts.netloc:
        raise FabricError('%s must not hold a query, fragment or user credentials' % option)
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


def _checked_proxy(proxy: str | None) -> str | None:
    if proxy is not None:
        try:
            _url_parts('proxy', proxy)
        except FabricError:
            raise FabricError('proxy must be an http:// or https:// URL with a host name, such as'
                              ' http://proxy.example.com:3128 (the value is not shown: it may hold a password)'
                              ) from None
    return proxy


def _checked_ca_path(path: str | None) -> str | None:
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


def _cloud_domain(values: t.Mapping[str, t.Any]) -> str:
    if values['cloud'] is not None:
        return values['cloud'].lower()
    region = values['region'] or ''
    return EUROPEAN_CLOUD if region.startswith(EUROPEAN_REGION_PREFIX) else DEFAULT_CLOUD


def _base_url(values: t.Mapping[str, t.Any], proxy: str | None) -> str:
    if values['endpoint'] is not None:
        return _checked_url('endpoint', values['endpoint'], values['allow_plain_http'], proxy)
    if values['region'] is None:
        raise FabricError('either endpoint or region is required (or one of their environment variables %s, or the'
                          ' region of a KooCLI profile)' % ', '.join(OPTIONS_BY_NAME['endpoint'].env
                                                                     + OPTIONS_BY_NAME['region'].env))
    return DERIVED_ENDPOINT.format(region=values['region'], cloud=_cloud_domain(values))


def _iam_url(values: t.Mapping[str, t.Any], proxy: str | None) -> str:
    if values['iam_endpoint'] is not None:
        return _checked_url('iam_endpoint', values['iam_endpoint'], values['allow_plain_http'], proxy)
    if values['region'] is None:
        raise FabricError('username and password need iam_endpoint or region (to derive the IAM endpoint)')
    return DERIVED_IAM_ENDPOINT.format(region=values['region'], cloud=_cloud_domain(values))


def _credentials(values: t.Mapping[str, t.Any], sourced: Sourced | None = None) -> Credentials:
    choice = auth_choice(values, sourced)
    if values['security_token'] is not None and choice != 'access_key':
        raise FabricError('security_token is only used with access_key and secret_key')
    if choice == 'auth_token':
        return Credentials('token', auth_token=values['auth_token'])
    if choice == 'access_key':
        if values['project_id'] is None:
            raise FabricError('access_key and secret_key need project_id: signed requests carry it as X-Project-Id,'
                              ' and the API gateway refuses them without it; set project_id (or one of its'
                              ' environment variables %s)' % ', '.join(OPTIONS_BY_NAME['project_id'].env))
        return Credentials('aksk', access_key=values['access_key'], secret_key=values['secret_key'],
                           security_token=values['security_token'], project_id=values['project_id'])
    if values['project_id'] is None and values['project_name'] is None:
        raise FabricError('username and password need the scope of the token: set project_id or project_name')
    return Credentials('password', username=values['username'], password=values['password'],
                       domain_name=values['domain_name'], project_id=values['project_id'],
                       project_name=values['project_name'])


def _check_names(values: t.Mapping[str, t.Any]) -> None:
    if values['region'] is not None and not REGION_PATTERN.match(values['region']):
        raise FabricError('region must be a region name such as cn-north-4 (lower-case letters, digits'
                          ' and hyphens), got %s' % shown(values['region']))
    if values['cloud'] is not None and not CLOUD_PATTERN.match(values['cloud'].lower()):
        raise FabricError('cloud must be a domain name such as myhuaweicloud.com, got %s' % shown(values['cloud']))


def _bool(name: str, value: t.Any) -> bool:
    if not isinstance(value, bool):
        raise FabricError('%s must be true or false, got %s' % (name, shown(value)))
    return value


def _connection(values: t.Mapping[str, t.Any], sourced: Sourced | None = None) -> Connection:
    _check_names(values)
    proxy = _checked_proxy(values['proxy'])
    values = dict(values, allow_plain_http=_bool('allow_plain_http', values['allow_plain_http']))
    base_url = _base_url(values, proxy)
    credentials = _credentials(values, sourced)
    iam_url = _iam_url(values, proxy) if credentials.kind == 'password' else None
    timeout = _seconds('timeout', values['timeout'], TIMEOUT_MAX_SECONDS)
    total = TOTAL_TIMEOUT_FACTOR * timeout
    if values['total_timeout'] is not None:
        total = _seconds('total_timeout', values['total_timeout'], TOTAL_TIMEOUT_MAX_SECONDS)
    verify: bool | str = _checked_ca_path(values['ca_path']) or True
    if not _bool('validate_certs', values['validate_certs']):
        verify = False
    return Connection(
        base_url=base_url,
        credentials=credentials,
        iam_url=iam_url,
        verify=verify,
        proxy=proxy,
        timeout=timeout,
        total_timeout=min(total, TOTAL_TIMEOUT_MAX_SECONDS),
        retries=_number('retries', values['retries'], 0, RETRIES_MAX, integer=True),
        backoff=float(_number('retry_backoff', values['retry_backoff'], 0, BACKOFF_MAX_SECONDS, integer=False,
                              rule='between 0 and %d seconds' % BACKOFF_MAX_SECONDS)),
        concurrency=_number('concurrency', values['concurrency'], 1, CONCURRENCY_MAX, integer=True),
        token_cache=_bool('token_cache', values['token_cache']),
    )


def _query(values: t.Mapping[str, t.Any]) -> Query:
    max_results = values['max_results']
    if max_results is not None:
        max_results = _number('max_results', max_results, 1, 10 ** 9, integer=True, rule='at least 1')
    return Query(
        statuses=values['status'],
        endpoint_id=values['endpoint_id'],
        session_id=values['session_id'],
        page_size=_number('page_size', values['page_size'], 1, PAGE_SIZE_MAX, integer=True),
        max_results=max_results,
        count_only=_bool('count_only', values['count_only']),
    )


def load_config(raw: t.Mapping[str, t.Any], environ: t.Mapping[str, str] | None = None) -> Config:
    """The typed configuration, or a FabricError naming the option, where its value came from and the rule.

    ``raw`` holds the values given explicitly; None (or a blank string) is not given.
    """
    environ = os.environ if environ is None else environ
    explicit = {name: None if raw.get(name) is None else _normalized(name, raw.get(name)) for name in OPTION_NAMES}
    warnings: list[str] = []
    sourced = resolve_sources(explicit, environ, _normalized, warnings.append)
    values = _with_defaults(sourced.values)
    try:
        return Config(connection=_connection(values, sourced), query=_query(values), warnings=tuple(warnings))
    except FabricError as exc:
        raise sourced.noted(exc) from None
