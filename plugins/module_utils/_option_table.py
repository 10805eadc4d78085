# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one table of options.

Every option the module and the lookup share is declared once here. The table builds the module's
argument spec, the lookup's plugin documentation (with its ``env:`` and ``vars:`` entries) and the
shared doc fragments; :func:`validate_params` is the single cross-option check both plugins call, so
they fail with the same message.
"""

from __future__ import annotations

import ipaddress
import re
import typing as t
from dataclasses import dataclass
from urllib.parse import urlsplit

from ansible.module_utils.basic import env_fallback

from ._errors import FabricError

SESSION_STATUSES = ('RUNNING', 'CLOSED', 'WAITING', 'CREATING', 'FAIL')
ID_PATTERN = re.compile(r'\A[A-Za-z0-9-]{1,36}\Z')
ID_RULE = '1 to 36 characters, only letters, digits and hyphens'
REGION_PATTERN = re.compile(r'\A[a-z0-9]+(?:-[a-z0-9]+)*\Z')
PAGE_SIZE_MAX = 100
RETRIES_MAX = 10
CONCURRENCY_MAX = 16
BACKOFF_MAX_SECONDS = 30
RETRY_AFTER_MAX_SECONDS = 60
DERIVED_ENDPOINT = 'https://fabric.{region}.{cloud}'
DERIVED_IAM_ENDPOINT = 'https://iam.{region}.{cloud}'
DEFAULT_CLOUD = 'myhuaweicloud.com'
EUROPEAN_CLOUD = 'myhuaweicloud.eu'
EUROPEAN_REGION_PREFIX = 'eu-west-1'
CLOUD_PATTERN = re.compile(r'\A(?=.{1,253}\Z)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+\Z')
AUTH_CHOICES = (
    ('auth_token', ('auth_token',)),
    ('access_key and secret_key', ('access_key', 'secret_key')),
    ('username, password and domain_name', ('username', 'password', 'domain_name')),
)
AUTH_CHOICES_TEXT = '; '.join(label for label, names in AUTH_CHOICES)
LOOKUP_VAR_PREFIX = 'fabric_'


@dataclass(frozen=True)
class Option:
    name: str
    type: str
    description: t.Tuple[str, ...]
    default: t.Any = None
    env: t.Tuple[str, ...] = ()
    no_log: bool = False
    choices: t.Tuple[str, ...] = ()
    elements: t.Optional[str] = None

    @property
    def lookup_var(self) -> str:
        return LOOKUP_VAR_PREFIX + self.name


CONNECTION_OPTIONS = (
    Option(
        'endpoint', 'str',
        ('Base URL of the DataArts Fabric API, for example V(https://fabric.cn-north-4.myhuaweicloud.com).',
         'When not set, it is derived from O(region) as C(https://fabric.{region}.myhuaweicloud.com).',
         'One of O(endpoint) and O(region) is required.'),
        env=('DATAARTS_FABRIC_ENDPOINT',),
    ),
    Option(
        'region', 'str',
        ('Huawei Cloud region name, for example V(cn-north-4), used to derive O(endpoint) when that is not set.',),
        env=('HW_REGION_NAME', 'ANSIBLE_HWC_REGION'),
    ),
    Option(
        'cloud', 'str',
        ('Domain suffix of every URL derived from O(region): C(https://fabric.{region}.{cloud}) and'
         ' C(https://iam.{region}.{cloud}); set it for dedicated and private clouds.',
         'When not set, V(myhuaweicloud.eu) for the European site (regions whose name starts with V(eu-west-1),'
         ' such as V(eu-west-101)) and V(myhuaweicloud.com) everywhere else.'),
        env=('HW_CLOUD', 'ANSIBLE_HWC_CLOUD'),
    ),
    Option(
        'profile', 'str',
        ('Name of the KooCLI (C(hcloud)) profile to read from its configuration file, by default'
         ' C(~/.hcloud/config.json) (E(HW_SHARED_CONFIG_FILE) overrides the path). When not set, the file\'s'
         ' current profile.',
         'Files are the last resort: they are only read when neither options nor environment variables configure'
         ' credentials, and then also supply O(region), O(project_id) and O(security_token) where those are unset.',
         'After the KooCLI profile, the official SDK\'s credentials file C(~/.huaweicloud/credentials)'
         ' (E(HUAWEICLOUD_SDK_CREDENTIALS_FILE) overrides the path; section C([basic]), keys C(ak), C(sk),'
         ' C(security_token), C(project_id), C(iam_endpoint)) is read.',
         'Profiles that KooCLI stores encrypted cannot be read; store them unencrypted with'
         ' C(hcloud configure set --cli-auth-encrypt=false), or use environment variables.'),
        env=('HW_PROFILE',),
    ),
    Option(
        'auth_token', 'str',
        ('IAM token sent as the C(X-Auth-Token) header.',
         'One of the three ways to authenticate, with O(access_key) and O(secret_key), and with O(username),'
         ' O(password) and O(domain_name): configure exactly one.'),
        env=('DATAARTS_FABRIC_AUTH_TOKEN', 'HW_AUTH_TOKEN'), no_log=True,
    ),
    Option(
        'access_key', 'str',
        ('Access key ID (AK) used to sign every request with C(SDK-HMAC-SHA256), as the official SDKs do.',
         'Requires O(secret_key). One of the three ways to authenticate (see O(auth_token)).'),
        env=('HUAWEICLOUD_SDK_AK', 'HW_ACCESS_KEY', 'ANSIBLE_HWC_ACCESS_KEY'),
    ),
    Option(
        'secret_key', 'str',
        ('Secret access key (SK) paired with O(access_key). It signs requests and is never sent.',),
        env=('HUAWEICLOUD_SDK_SK', 'HW_SECRET_KEY', 'ANSIBLE_HWC_SECRET_KEY'), no_log=True,
    ),
    Option(
        'security_token', 'str',
        ('Security token of temporary AK/SK credentials, sent and signed as C(X-Security-Token).',
         'Only used with O(access_key) and O(secret_key).'),
        env=('HUAWEICLOUD_SDK_SECURITY_TOKEN', 'HW_SECURITY_TOKEN'), no_log=True,
    ),
    Option(
        'project_id', 'str',
        ('Project ID sent and signed as C(X-Project-Id) with AK/SK signing; with O(username) and O(password), the'
         ' project the token is scoped to.',
         'The API gateway rejects signed requests without it for project-level services such as this one.'),
        env=('HUAWEICLOUD_SDK_PROJECT_ID', 'HW_PROJECT_ID', 'ANSIBLE_HWC_PROJECT_ID'),
    ),
    Option(
        'username', 'str',
        ('Name of an IAM user whose password is exchanged for an IAM token at O(iam_endpoint).',
         'Requires O(password), O(domain_name), and O(project_id) or O(project_name) as the scope of the token.',
         'The token is fetched once per run and shared by every page, term and lookup call; when the API answers'
         ' HTTP 401 it is fetched again once.'),
        env=('DATAARTS_FABRIC_USERNAME', 'HW_USER_NAME'),
    ),
    Option(
        'password', 'str',
        ('Password of O(username). It is only sent to O(iam_endpoint), never logged.',),
        env=('DATAARTS_FABRIC_PASSWORD', 'HW_PASSWORD'), no_log=True,
    ),
    Option(
        'domain_name', 'str',
        ('Account (domain) name that O(username) belongs to.',),
        env=('DATAARTS_FABRIC_DOMAIN_NAME', 'HW_DOMAIN_NAME'),
    ),
    Option(
        'project_name', 'str',
        ('Project name, for example V(cn-north-4), scoping the token fetched with O(username) and O(password)'
         ' when O(project_id) is not set.',),
        env=('DATAARTS_FABRIC_PROJECT_NAME', 'HW_PROJECT_NAME'),
    ),
    Option(
        'iam_endpoint', 'str',
        ('Base URL of the IAM service that exchanges O(username) and O(password) for a token.',
         'When not set, it is derived from O(region) as C(https://iam.{region}.myhuaweicloud.com).'),
        env=('DATAARTS_FABRIC_IAM_ENDPOINT', 'HW_AUTH_URL'),
    ),
    Option(
        'validate_certs', 'bool',
        ('Whether to verify the TLS certificate of the endpoint.',
         'Set to V(false) only on trusted networks, for example against a local emulator with a self-signed certificate.'),
        default=True,
    ),
    Option(
        'ca_path', 'path',
        ('Path of a PEM file of CA certificates used to verify the endpoint instead of the system store.',),
    ),
    Option(
        'timeout', 'float',
        ('Seconds to wait for the connection and for each response before giving up.',),
        default=30,
    ),
    Option(
        'proxy', 'str',
        ('URL of the HTTP proxy for this task, for example V(http://proxy.example.com:3128), overriding'
         ' E(HTTPS_PROXY), E(HTTP_PROXY) and E(NO_PROXY).',
         'When not set, those environment variables apply the standard way.'),
    ),
    Option(
        'allow_plain_http', 'bool',
        ('Allow an O(endpoint) with plain C(http://) on a host other than the loopback interface.',
         'Credentials (a token, or signed requests that can be replayed) then cross the network unencrypted;'
         ' leave V(false) unless a trusted proxy on the path does TLS.',
         'Plain C(http://) to V(localhost), V(127.0.0.0/8) or V(::1) (for example the emulator) is always allowed.'),
        default=False,
    ),
    Option(
        'retries', 'int',
        ('How many times a request is retried after a connection error, a read timeout, or HTTP 408, 429, 500,'
         ' 502, 503 or 504, with exponential backoff and honouring C(Retry-After).',
         'Each retry is reported as a warning naming the status and the request ID.',
         'V(0) disables retries; at most %d.' % RETRIES_MAX),
        default=3,
    ),
    Option(
        'retry_backoff', 'float',
        ('Seconds of the first wait before a retry; each further retry waits up to twice as long (with random'
         ' jitter, at most %d seconds).' % BACKOFF_MAX_SECONDS,
         'A C(Retry-After) header sent with HTTP 429 or 503 is honoured instead, up to %d seconds.'
         % RETRY_AFTER_MAX_SECONDS),
        default=0.5,
    ),
)

QUERY_OPTIONS = (
    Option(
        'status', 'list',
        ('Only return sessions in these statuses. The API filters on one status per request, so each status'
         ' listed is one query and the results are merged in the order given.',
         'When not set, sessions in every status are returned.'),
        choices=SESSION_STATUSES, elements='str',
    ),
    Option(
        'endpoint_id', 'str',
        ('Only return sessions of this SQL endpoint (%s).' % ID_RULE,),
    ),
    Option(
        'session_id', 'str',
        ('Only return the session with this ID (%s).' % ID_RULE,),
    ),
    Option(
        'page_size', 'int',
        ('Sessions requested per API call (the C(limit) query parameter), 1 to %d.' % PAGE_SIZE_MAX,
         'Every page is fetched; this only changes how many requests that takes.'),
        default=PAGE_SIZE_MAX,
    ),
    Option(
        'concurrency', 'int',
        ('How many pages are fetched at the same time, over one pool of connections, once the first page has'
         ' told how many sessions there are; several statuses are also queried side by side.',
         'Fewer requests are kept in flight while the API gateway throttles with HTTP 429.',
         '1 to %d; V(1) fetches one page after the other.' % CONCURRENCY_MAX),
        default=4,
    ),
    Option(
        'max_results', 'int',
        ('Stop after this many sessions (per workspace). When not set, every matching session is returned.',),
    ),
)

ALL_OPTIONS = CONNECTION_OPTIONS + QUERY_OPTIONS
OPTION_NAMES = tuple(option.name for option in ALL_OPTIONS)


def _typed(option: Option) -> dict[str, t.Any]:
    """What the argument spec and the documentation both say of an option."""
    fields: dict[str, t.Any] = {'type': option.type}
    if option.default is not None:
        fields['default'] = option.default
    if option.choices:
        fields['choices'] = list(option.choices)
    if option.elements:
        fields['elements'] = option.elements
    return fields


def _argument(option: Option) -> dict[str, t.Any]:
    spec = dict(_typed(option), no_log=option.no_log)
    if option.env:
        spec['fallback'] = (env_fallback, list(option.env))
    return spec


def module_argument_spec(**extra: dict[str, t.Any]) -> dict[str, dict[str, t.Any]]:
    """The argument spec of a module: the shared options plus the module's own."""
    spec = {option.name: _argument(option) for option in ALL_OPTIONS}
    spec.update(extra)
    return spec


def _env_sentence(option: Option) -> str:
    if len(option.env) == 1:
        return 'When not set, the environment variable E(%s) is used.' % option.env[0]
    names = ', '.join('E(%s)' % name for name in option.env)
    return 'When not set, the first of the environment variables %s that is set is used.' % names


def _option_doc(option: Option, for_plugin: bool) -> dict[str, t.Any]:
    doc: dict[str, t.Any] = dict(description=list(option.description), **_typed(option))
    if option.env:
        doc['description'].append(_env_sentence(option))
        if for_plugin:
            # Ansible's plugin configuration lets the LAST entry set win; list them reversed so the first
            # name of the table wins, exactly as the module's env_fallback does.
            doc['env'] = [{'name': name} for name in reversed(option.env)]
    return doc


def option_docs(options: t.Iterable[Option], for_plugin: bool = False) -> dict[str, dict[str, t.Any]]:
    """Documentation entries for a doc fragment; ``for_plugin`` adds the lookup's ``env`` and ``vars``."""
    docs = {}
    for option in options:
        doc = _option_doc(option, for_plugin)
        if for_plugin and option in CONNECTION_OPTIONS:
            doc['vars'] = [{'name': option.lookup_var}]
        docs[option.name] = doc
    return docs


def _blank_to_none(value: t.Any) -> t.Any:
    return None if isinstance(value, str) and not value.strip() else value


def normalize_params(params: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    """The shared options with empty strings (an unset variable rendered as '') read as unset."""
    normalized = {name: _blank_to_none(params.get(name)) for name in OPTION_NAMES}
    if normalized['status']:
        normalized['status'] = list(dict.fromkeys(normalized['status']))
    return normalized


def check_id(option_name: str, value: t.Any) -> None:
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        raise FabricError('%s must be %s, got %r' % (option_name, ID_RULE, value))


def is_loopback(host: str) -> bool:
    if host.lower() == 'localhost':
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_url(option: str, url: str, allow_plain_http: bool) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ('http', 'https') or not parts.hostname:
        raise FabricError('%s must be an http:// or https:// URL with a host name, got %r' % (option, url))
    if parts.query or parts.fragment or parts.username or parts.password:
        raise FabricError('%s must not hold a query, fragment or user credentials' % option)
    if parts.scheme == 'http' and not allow_plain_http and not is_loopback(parts.hostname):
        raise FabricError('%s %s uses plain http:// to a host that is not loopback, which would send'
                          ' credentials unencrypted: use https://, or set allow_plain_http to true' % (option, url))


def auth_choice(params: t.Mapping[str, t.Any]) -> str:
    """The one way to authenticate the options configure; FabricError when none, several or half of one."""
    configured = [(label, names) for label, names in AUTH_CHOICES if any(params[name] is not None for name in names)]
    if not configured:
        raise FabricError('no credentials: configure one way to authenticate: %s (options or their environment'
                          ' variables)' % AUTH_CHOICES_TEXT)
    if len(configured) > 1:
        together = ' and '.join('[%s]' % label for label, names in configured)
        raise FabricError('%s are configured together (options or environment variables): configure exactly one'
                          ' way to authenticate: %s' % (together, AUTH_CHOICES_TEXT))
    label, names = configured[0]
    missing = [name for name in names if params[name] is None]
    if missing:
        raise FabricError('%s must be given together: %s missing' % (
            label, ' and '.join(missing) + (' is' if len(missing) == 1 else ' are')))
    return names[0]


def _check_proxy(proxy: str) -> None:
    parts = urlsplit(proxy)
    if parts.scheme not in ('http', 'https') or not parts.hostname:
        raise FabricError('proxy must be an http:// or https:// URL with a host name, such as'
                          ' http://proxy.example.com:3128')


def _check_auth(params: t.Mapping[str, t.Any]) -> None:
    choice = auth_choice(params)
    if params['security_token'] is not None and choice != 'access_key':
        raise FabricError('security_token is only used with access_key and secret_key')
    if choice == 'username':
        if params['project_id'] is None and params['project_name'] is None:
            raise FabricError('username and password need the scope of the token: set project_id or project_name')
        if params['iam_endpoint'] is not None:
            _check_url('iam_endpoint', params['iam_endpoint'], params['allow_plain_http'])
        elif params['region'] is None:
            raise FabricError('username and password need iam_endpoint or region (to derive the IAM endpoint)')


def _check_ranges(params: t.Mapping[str, t.Any]) -> None:
    if not 1 <= params['page_size'] <= PAGE_SIZE_MAX:
        raise FabricError('page_size must be between 1 and %d, got %s' % (PAGE_SIZE_MAX, params['page_size']))
    if not 1 <= params['concurrency'] <= CONCURRENCY_MAX:
        raise FabricError('concurrency must be between 1 and %d, got %s' % (CONCURRENCY_MAX, params['concurrency']))
    if params['max_results'] is not None and params['max_results'] < 1:
        raise FabricError('max_results must be at least 1, got %s' % params['max_results'])
    if not params['timeout'] > 0:
        raise FabricError('timeout must be a number of seconds greater than 0, got %s' % params['timeout'])
    if not 0 <= params['retries'] <= RETRIES_MAX:
        raise FabricError('retries must be between 0 and %d, got %s' % (RETRIES_MAX, params['retries']))
    if not 0 <= params['retry_backoff'] <= BACKOFF_MAX_SECONDS:
        raise FabricError('retry_backoff must be between 0 and %d seconds, got %s'
                          % (BACKOFF_MAX_SECONDS, params['retry_backoff']))


def _check_filters(params: t.Mapping[str, t.Any]) -> None:
    for status in params['status'] or ():
        if status not in SESSION_STATUSES:
            raise FabricError('status must be one or more of %s, got %r' % (', '.join(SESSION_STATUSES), status))
    for name in ('endpoint_id', 'session_id'):
        if params[name] is not None:
            check_id(name, params[name])


def validate_params(params: t.Mapping[str, t.Any]) -> None:
    """Every check that can be made before a request; raises FabricError naming the option and the rule."""
    if params['region'] is not None and not REGION_PATTERN.match(params['region']):
        raise FabricError('region must be a region name such as cn-north-4 (lower-case letters, digits'
                          ' and hyphens), got %r' % params['region'])
    if params['cloud'] is not None and not CLOUD_PATTERN.match(params['cloud'].lower()):
        raise FabricError('cloud must be a domain name such as myhuaweicloud.com, got %r' % params['cloud'])
    if params['proxy'] is not None:
        _check_proxy(params['proxy'])
    if params['endpoint'] is not None:
        _check_url('endpoint', params['endpoint'], params['allow_plain_http'])
    elif params['region'] is None:
        raise FabricError('either endpoint or region is required (or the DATAARTS_FABRIC_ENDPOINT or'
                          ' HW_REGION_NAME environment variable)')
    _check_auth(params)
    _check_ranges(params)
    _check_filters(params)


def cloud_domain(params: t.Mapping[str, t.Any]) -> str:
    if params['cloud'] is not None:
        return params['cloud'].lower()
    region = params['region'] or ''
    return EUROPEAN_CLOUD if region.startswith(EUROPEAN_REGION_PREFIX) else DEFAULT_CLOUD


def endpoint_url(params: t.Mapping[str, t.Any]) -> str:
    if params['endpoint'] is not None:
        return params['endpoint'].rstrip('/')
    return DERIVED_ENDPOINT.format(region=params['region'], cloud=cloud_domain(params))


def iam_endpoint_url(params: t.Mapping[str, t.Any]) -> str:
    if params['iam_endpoint'] is not None:
        return params['iam_endpoint'].rstrip('/')
    return DERIVED_IAM_ENDPOINT.format(region=params['region'], cloud=cloud_domain(params))
