# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""The one loader: option values given explicitly (module params, plugin options, event source arguments),
the environment and the credential files become a frozen, typed :class:`Config` (see sources.py for which
source wins).

Every normalisation, check and derivation happens here, once, before any request, and every error names
the option and the rule, never the value of a secret. Nothing downstream reads a raw params dict.
"""

from __future__ import annotations

import os
import typing as t

from .._errors import FabricError
from .._redact import Redactor
from .checks import (
    age,
    bool_value,
    endpoint_name,
    filter_id,
    number,
    seconds,
    statuses,
    string,
)
from .._text import shown
from .options import ALL_OPTIONS, OPTION_NAMES
from .origins import credentials_origin, url_origin
from .schema import (
    AUTH_CHOICES,
    AUTH_CHOICES_TEXT,
    BACKOFF_MAX_SECONDS,
    CONCURRENCY_MAX,
    DEFAULT_CLOUD,
    DERIVED_ENDPOINT,
    DERIVED_IAM_ENDPOINT,
    EUROPEAN_CLOUD,
    EUROPEAN_REGION_PREFIX,
    PAGE_SIZE_MAX,
    RETRIES_MAX,
    TIMEOUT_MAX_SECONDS,
    TOTAL_TIMEOUT_FACTOR,
    TOTAL_TIMEOUT_MAX_SECONDS,
)
from .secrets import raw_secrets
from .sources import Sourced, resolve_sources
from .types import Config, Connection, Credentials, Query
from .url_checks import check_names, checked_ca_path, checked_proxy, checked_url

try:
    from ansible.module_utils.parsing.convert_bool import boolean
except ImportError:  # pragma: no cover -- ansible-core always has it
    boolean = None


OPTIONS_BY_NAME = {option.name: option for option in ALL_OPTIONS}
FILTER_OPTIONS = ('endpoint_id', 'session_id')


def _normalized(name: str, value: t.Any) -> t.Any:
    """One value as the loader keeps it: strings stripped (blank is unset), text of an environment variable
    converted to the option's type."""
    option = OPTIONS_BY_NAME[name]
    if name == 'status':
        return statuses(value)
    if name in FILTER_OPTIONS:
        return filter_id(name, value)
    if name == 'endpoint_name':
        return endpoint_name(value)
    if name == 'older_than':
        return age(name, value)
    if option.type in ('str', 'path'):
        return string(name, value)
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


def _cloud_domain(values: t.Mapping[str, t.Any]) -> str:
    if values['cloud'] is not None:
        return values['cloud'].lower()
    region = values['region'] or ''
    return EUROPEAN_CLOUD if region.startswith(EUROPEAN_REGION_PREFIX) else DEFAULT_CLOUD


def _base_url(values: t.Mapping[str, t.Any], proxy: str | None) -> str:
    if values['endpoint'] is not None:
        return checked_url('endpoint', values['endpoint'], values['allow_plain_http'], proxy)
    if values['region'] is None:
        raise FabricError('either endpoint or region is required (or one of their environment variables %s, or the'
                          ' region of a KooCLI profile)' % ', '.join(OPTIONS_BY_NAME['endpoint'].env
                                                                     + OPTIONS_BY_NAME['region'].env))
    return DERIVED_ENDPOINT.format(region=values['region'], cloud=_cloud_domain(values))


def _iam_url(values: t.Mapping[str, t.Any], proxy: str | None) -> str:
    if values['iam_endpoint'] is not None:
        return checked_url('iam_endpoint', values['iam_endpoint'], values['allow_plain_http'], proxy)
    if values['region'] is None:
        raise FabricError('username and password need iam_endpoint or region (to derive the IAM endpoint)')
    return DERIVED_IAM_ENDPOINT.format(region=values['region'], cloud=_cloud_domain(values))


def _credentials(values: t.Mapping[str, t.Any], sourced: Sourced | None = None) -> Credentials:
    choice = auth_choice(values, sourced)
    if values['security_token'] is not None and choice != 'access_key':
        raise FabricError('security_token is only used with access_key and secret_key')
    names = next(names for _label, names in AUTH_CHOICES if names[0] == choice)
    origin = credentials_origin(names, sourced)
    if choice == 'auth_token':
        return Credentials('token', origin=origin, auth_token=values['auth_token'])
    if choice == 'access_key':
        if values['project_id'] is None:
            raise FabricError('access_key and secret_key need project_id: signed requests carry it as X-Project-Id,'
                              ' and the API gateway refuses them without it; set project_id (or one of its'
                              ' environment variables %s)' % ', '.join(OPTIONS_BY_NAME['project_id'].env))
        return Credentials('aksk', origin=origin, access_key=values['access_key'], secret_key=values['secret_key'],
                           security_token=values['security_token'], project_id=values['project_id'])
    if values['project_id'] is None and values['project_name'] is None:
        raise FabricError('username and password need the scope of the token: set project_id or project_name')
    return Credentials('password', origin=origin, username=values['username'], password=values['password'],
                       domain_name=values['domain_name'], project_id=values['project_id'],
                       project_name=values['project_name'])


def _connection(values: t.Mapping[str, t.Any], sourced: Sourced | None = None) -> Connection:
    check_names(values)
    proxy = checked_proxy(values['proxy'])
    values = dict(values, allow_plain_http=bool_value('allow_plain_http', values['allow_plain_http']))
    base_url = _base_url(values, proxy)
    credentials = _credentials(values, sourced)
    iam_url = _iam_url(values, proxy) if credentials.kind == 'password' else None
    timeout = seconds('timeout', values['timeout'], TIMEOUT_MAX_SECONDS)
    connect_timeout = min(seconds('connect_timeout', values['connect_timeout'], TIMEOUT_MAX_SECONDS), timeout)
    total = TOTAL_TIMEOUT_FACTOR * timeout
    if values['total_timeout'] is not None:
        total = seconds('total_timeout', values['total_timeout'], TOTAL_TIMEOUT_MAX_SECONDS)
    verify: bool | str = checked_ca_path(values['ca_path']) or True
    if not bool_value('validate_certs', values['validate_certs']):
        verify = False
    return Connection(
        base_url=base_url,
        credentials=credentials,
        iam_url=iam_url,
        verify=verify,
        proxy=proxy,
        connect_timeout=connect_timeout,
        timeout=timeout,
        total_timeout=min(total, TOTAL_TIMEOUT_MAX_SECONDS),
        retries=number('retries', values['retries'], 0, RETRIES_MAX, integer=True),
        backoff=float(number('retry_backoff', values['retry_backoff'], 0, BACKOFF_MAX_SECONDS, integer=False,
                             rule='between 0 and %d seconds' % BACKOFF_MAX_SECONDS)),
        concurrency=number('concurrency', values['concurrency'], 1, CONCURRENCY_MAX, integer=True),
        token_cache=bool_value('token_cache', values['token_cache']),
        endpoint_origin=url_origin('endpoint', values, sourced),
        iam_origin=url_origin('iam_endpoint', values, sourced) if iam_url else 'iam_endpoint',
    )


def _query(values: t.Mapping[str, t.Any]) -> Query:
    if values['endpoint_id'] is not None and values['endpoint_name'] is not None:
        raise FabricError('endpoint_id and endpoint_name are mutually exclusive: give one of them')
    max_results = values['max_results']
    if max_results is not None:
        max_results = number('max_results', max_results, 1, 10 ** 9, integer=True, rule='at least 1')
    count_only = bool_value('count_only', values['count_only'])
    if count_only and values['older_than'] is not None:
        raise FabricError('older_than cannot be combined with count_only: the service counts sessions, it cannot'
                          ' count them by age; list them (without count_only) to select them by age')
    return Query(
        statuses=values['status'],
        endpoint_id=values['endpoint_id'],
        session_id=values['session_id'],
        endpoint_name=values['endpoint_name'],
        page_size=number('page_size', values['page_size'], 1, PAGE_SIZE_MAX, integer=True),
        max_results=max_results,
        count_only=count_only,
        older_than=values['older_than'],
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


def load_scrubbed(raw: t.Mapping[str, t.Any], environ: t.Mapping[str, str] | None = None
                  ) -> tuple[Config, Redactor]:
    """The configuration and the scrubber of every secret the raw values and the environment hold; a
    FabricError that fails the load is scrubbed by it already."""
    redactor = Redactor(raw_secrets(raw, environ))
    try:
        return load_config(raw, environ), redactor
    except FabricError as exc:
        raise redactor.error(exc) from None
