# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""Credentials users already keep in files: KooCLI's profiles and the official SDK's credentials file.

Files are the last source: options come first, then environment variables. A file is read when a profile
is named, or when neither options nor environment variables configure a way to authenticate; it then fills
every option still unset that it knows, and its project ID over one from the environment (it comes with the
file's key); an option given explicitly always wins.
"""

from __future__ import annotations

import configparser
import json
import os
import re
import stat
import typing as t
from dataclasses import dataclass, field

from .._errors import FabricError

KOOCLI_CONFIG_ENV = 'HW_SHARED_CONFIG_FILE'
KOOCLI_CONFIG_DEFAULT = os.path.join('~', '.hcloud', 'config.json')
SDK_CREDENTIALS_ENV = 'HUAWEICLOUD_SDK_CREDENTIALS_FILE'
SDK_CREDENTIALS_DEFAULT = os.path.join('~', '.huaweicloud', 'credentials')
SDK_SECTION = 'basic'
# Either file is a few hundred bytes; anything far larger is not one (and is not read whole).
FILE_MAX_BYTES = 1024 * 1024
UNENCRYPT_HINT = 'hcloud configure set --cli-auth-encrypt=false'
# A plain access key ID: upper-case letters and digits. KooCLI's encrypted values are long base64 text.
PLAIN_ACCESS_KEY = re.compile(r'\A[A-Z0-9]{8,64}\Z')

KOOCLI_FIELDS = {'access_key': 'accessKeyId', 'secret_key': 'secretAccessKey', 'security_token': 'securityToken',
                 'project_id': 'projectId', 'region': 'region'}
SDK_FIELDS = {'access_key': 'ak', 'secret_key': 'sk', 'security_token': 'security_token',
              'project_id': 'project_id', 'iam_endpoint': 'iam_endpoint'}


@dataclass(frozen=True)
class FileValues:
    """What a file configures, and the file (and profile) as messages name it."""

    values: dict[str, str] = field(default_factory=dict)
    source: str = ''


def _path(environ: t.Mapping[str, str], variable: str, default: str) -> tuple[str, bool]:
    """The file's path, and whether the user named it (then it must exist)."""
    named = (environ.get(variable) or '').strip()
    if not named.isprintable():  # it is shown in messages: never a line break or an escape sequence
        raise FabricError('%s must be a path without control characters' % variable)
    return os.path.expanduser(named or default), bool(named)


def _present(path: str, named_by: str | None) -> bool:
    """Whether the file is there to read; a path that names a directory, or a missing file the user named,
    is an error."""
    if os.path.isdir(path):
        raise FabricError('%s is a directory, not a credentials file%s' % (
            path, ' (named by %s)' % named_by if named_by else ''))
    if os.path.isfile(path):
        return True
    if os.path.exists(path):  # a FIFO or a device: reading it could block or never end
        raise FabricError('%s is not a regular file, not a credentials file%s' % (
            path, ' (named by %s)' % named_by if named_by else ''))
    if named_by:
        raise FabricError('%s names %s, which does not exist' % (named_by, path))
    return False


def _read(path: str, warn: t.Callable[[str], None]) -> str:
    try:
        with open(path, 'rb') as handle:
            mode = os.fstat(handle.fileno()).st_mode
            data = handle.read(FILE_MAX_BYTES + 1)
    except OSError as exc:
        raise FabricError('cannot read %s: %s' % (path, exc.strerror or exc)) from None
    if len(data) > FILE_MAX_BYTES:
        raise FabricError('%s is larger than %d bytes: not a credentials file' % (path, FILE_MAX_BYTES))
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        warn('the credentials file %s can be read or written by other users (mode %s): restrict it with'
             ' chmod 600 %s' % (path, oct(stat.S_IMODE(mode)), path))
    try:
        return data.decode('utf-8-sig')
    except UnicodeDecodeError:
        raise FabricError('cannot read %s: it is not UTF-8 text' % path) from None


def _text_values(found: t.Mapping[str, t.Any], fields: t.Mapping[str, str]) -> dict[str, str]:
    """The option values of a file's entry; only non-blank strings count (any other JSON value is ignored)."""
    return {option: found[key].strip() for option, key in fields.items()
            if isinstance(found.get(key), str) and found[key].strip()}


def koocli_profile(environ: t.Mapping[str, str], profile: str | None,
                   warn: t.Callable[[str], None] = lambda message: None) -> FileValues:
    """The option values of a KooCLI profile: the one named, else the file's current one."""
    path, named = _path(environ, KOOCLI_CONFIG_ENV, KOOCLI_CONFIG_DEFAULT)
    if not _present(path, KOOCLI_CONFIG_ENV if named else None):
        if profile:
            raise FabricError('profile %s: the KooCLI configuration file %s does not exist' % (profile, path))
        return FileValues()
    try:
        config = json.loads(_read(path, warn))
    except (ValueError, RecursionError):
        raise FabricError('the KooCLI configuration file %s is not valid JSON' % path) from None
    if not isinstance(config, dict):
        raise FabricError('the KooCLI configuration file %s holds no object with "profiles"' % path)
    current = config.get('current') if isinstance(config.get('current'), str) else None
    wanted = profile or current
    profiles: list[t.Any] = config['profiles'] if isinstance(config.get('profiles'), list) else []
    found = [p for p in profiles if isinstance(p, dict) and wanted and p.get('name') == wanted]
    if not found:
        if profile:
            raise FabricError('profile %s is not in the KooCLI configuration file %s' % (profile, path))
        return FileValues()
    values = _text_values(found[0], KOOCLI_FIELDS)
    if not profile and 'access_key' not in values and 'secret_key' not in values:
        return FileValues()  # a current profile of another mode (no AK/SK at all): the SDK file may still have them
    if not PLAIN_ACCESS_KEY.match(values.get('access_key', '')) or 'secret_key' not in values:
        raise FabricError('profile %s in %s holds no readable AK/SK: KooCLI stores credentials encrypted by default,'
                          ' and encrypted profiles cannot be read. Store them unencrypted with `%s`, or set'
                          ' access_key and secret_key another way' % (wanted, path, UNENCRYPT_HINT))
    return FileValues(values, 'the KooCLI profile %s in %s' % (wanted, path))


def sdk_credentials(environ: t.Mapping[str, str],
                    warn: t.Callable[[str], None] = lambda message: None) -> FileValues:
    """The option values of the SDK credentials file's [basic] section (AK/SK for project-level services)."""
    path, named = _path(environ, SDK_CREDENTIALS_ENV, SDK_CREDENTIALS_DEFAULT)
    if not _present(path, SDK_CREDENTIALS_ENV if named else None):
        return FileValues()
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(_read(path, warn), source=path)
    except configparser.Error:
        raise FabricError('the SDK credentials file %s is not a valid INI file' % path) from None
    if not parser.has_section(SDK_SECTION):
        return FileValues()
    values = _text_values(dict(parser[SDK_SECTION]), SDK_FIELDS)
    if not {'access_key', 'secret_key'} <= set(values):
        raise FabricError('the [%s] section of %s needs both ak and sk' % (SDK_SECTION, path))
    return FileValues(values, 'the [%s] section of %s' % (SDK_SECTION, path))


def values_from_files(environ: t.Mapping[str, str], profile: str | None,
                      warn: t.Callable[[str], None]) -> FileValues:
    """What the files configure: the KooCLI profile (the one named, which must exist, else the current one),
    else the SDK credentials file. The caller fills only options still unset."""
    found = koocli_profile(environ, profile, warn)
    return found if found.values else sdk_credentials(environ, warn)
