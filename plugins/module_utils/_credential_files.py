# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Credentials users already keep in files: KooCLI's profiles and the official SDK's credentials file.

Files are the last source: options come first, then the collection's own environment variables, then
each ecosystem's. A file is only read when none of those configures credentials, and then fills every
option still unset that it knows (it never overrides a value given another way).
"""

from __future__ import annotations

import configparser
import json
import os
import re
import typing as t

from ._errors import FabricError
from ._option_table import AUTH_CHOICES, normalize_params

KOOCLI_CONFIG_ENV = 'HW_SHARED_CONFIG_FILE'
KOOCLI_CONFIG_DEFAULT = os.path.join('~', '.hcloud', 'config.json')
SDK_CREDENTIALS_ENV = 'HUAWEICLOUD_SDK_CREDENTIALS_FILE'
SDK_CREDENTIALS_DEFAULT = os.path.join('~', '.huaweicloud', 'credentials')
SDK_SECTION = 'basic'
UNENCRYPT_HINT = 'hcloud configure set --cli-auth-encrypt=false'
# A plain access key ID: upper-case letters and digits. KooCLI's encrypted values are long base64 text.
PLAIN_ACCESS_KEY = re.compile(r'\A[A-Z0-9]{8,64}\Z')

KOOCLI_FIELDS = {'access_key': 'accessKeyId', 'secret_key': 'secretAccessKey', 'security_token': 'securityToken',
                 'project_id': 'projectId', 'region': 'region'}
SDK_FIELDS = {'access_key': 'ak', 'secret_key': 'sk', 'security_token': 'security_token',
              'project_id': 'project_id', 'iam_endpoint': 'iam_endpoint'}


def _path(environ: t.Mapping[str, str], variable: str, default: str) -> tuple[str, bool]:
    """The file's path, and whether the user named it (then it must exist)."""
    named = environ.get(variable)
    return os.path.expanduser(named or default), bool(named)


def _read(path: str) -> str:
    try:
        with open(path, encoding='utf-8') as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise FabricError('cannot read %s: %s' % (path, getattr(exc, 'strerror', None) or exc)) from None


def koocli_profile(environ: t.Mapping[str, str], profile: str | None) -> dict[str, str]:
    """The option values of a KooCLI profile: the one named, else the file's current one."""
    path, named = _path(environ, KOOCLI_CONFIG_ENV, KOOCLI_CONFIG_DEFAULT)
    if not os.path.isfile(path):
        if named:
            raise FabricError('%s names %s, which does not exist' % (KOOCLI_CONFIG_ENV, path))
        if profile:
            raise FabricError('profile %s: the KooCLI configuration file %s does not exist' % (profile, path))
        return {}
    try:
        config = json.loads(_read(path))
    except ValueError:
        raise FabricError('the KooCLI configuration file %s is not valid JSON' % path) from None
    wanted = profile or (config.get('current') if isinstance(config, dict) else None)
    profiles = config.get('profiles') if isinstance(config, dict) else None
    found = [p for p in profiles or [] if isinstance(p, dict) and p.get('name') == wanted]
    if not found:
        if profile:
            raise FabricError('profile %s is not in the KooCLI configuration file %s' % (profile, path))
        return {}
    values = {option: str(found[0][key]) for option, key in KOOCLI_FIELDS.items() if found[0].get(key)}
    if not PLAIN_ACCESS_KEY.match(values.get('access_key', '')) or 'secret_key' not in values:
        raise FabricError('profile %s in %s holds no readable AK/SK: KooCLI stores credentials encrypted by default,'
                          ' and encrypted profiles cannot be read. Store them unencrypted with `%s`, or set'
                          ' access_key and secret_key another way' % (wanted, path, UNENCRYPT_HINT))
    return values


def sdk_credentials(environ: t.Mapping[str, str]) -> dict[str, str]:
    """The option values of the SDK credentials file's [basic] section (AK/SK for project-level services)."""
    path, named = _path(environ, SDK_CREDENTIALS_ENV, SDK_CREDENTIALS_DEFAULT)
    if not os.path.isfile(path):
        if named:
            raise FabricError('%s names %s, which does not exist' % (SDK_CREDENTIALS_ENV, path))
        return {}
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(_read(path), source=path)
    except configparser.Error:
        raise FabricError('the SDK credentials file %s is not a valid INI file' % path) from None
    if not parser.has_section(SDK_SECTION):
        return {}
    section = parser[SDK_SECTION]
    values = {option: section[key].strip() for option, key in SDK_FIELDS.items() if section.get(key, '').strip()}
    if not {'access_key', 'secret_key'} <= set(values):
        raise FabricError('the [%s] section of %s needs both ak and sk' % (SDK_SECTION, path))
    return values


def _credentials_configured(params: t.Mapping[str, t.Any]) -> bool:
    return any(params[name] is not None for _label, names in AUTH_CHOICES for name in names)


def resolve_params(raw: t.Mapping[str, t.Any], environ: t.Mapping[str, str] | None = None) -> dict[str, t.Any]:
    """The options after every source: given values and environment variables (already in ``raw``, resolved
    by Ansible), then, when those configure no credentials, a KooCLI profile or the SDK credentials file."""
    params = normalize_params(raw)
    if _credentials_configured(params):
        return params
    environ = os.environ if environ is None else environ
    from_file = koocli_profile(environ, params['profile']) or sdk_credentials(environ)
    for option, value in from_file.items():
        if params[option] is None:
            params[option] = value
    return params
