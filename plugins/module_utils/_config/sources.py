# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""Where each option's value comes from, and which source's way to authenticate is used.

Three levels, highest first: options given explicitly (task, ``module_defaults``, lookup keywords and
``fabric_*`` variables, event source arguments), the environment (each option's variables in the table's
order), and the credential files. Other options take the first level that sets them. The way to
authenticate is taken whole from the highest level that configures one: a token exported for another tool
never mixes with an access key given on the task. A ``profile`` is a way to authenticate of its own level.
Only two ways at the same level conflict.
"""

from __future__ import annotations

import re
import typing as t
from dataclasses import dataclass
from urllib.parse import urlsplit

from .._errors import FabricError
from .files import FileValues, values_from_files
from .options import ALL_OPTIONS
from .schema import AUTH_CHOICES

# The options one way to authenticate is made of; a level that sets any of them (or profile) gives the way.
AUTH_WAY_OPTIONS = tuple(dict.fromkeys(name for _label, names in AUTH_CHOICES for name in names)) + ('security_token',)
OPTION = 'option'
# A host label that names a region, as in the derived fabric.{region}.{cloud}: cn-north-4, eu-west-101.
REGION_LABEL = re.compile(r'\A[a-z]{2}(?:-[a-z]+)+-[0-9]+\Z')
ENVIRONMENT = 'environment'
FILE = 'file'


@dataclass(frozen=True)
class Origin:
    level: str  # OPTION, ENVIRONMENT or FILE
    where: str = ''  # the environment variable, or the file (and profile)

    def phrase(self) -> str:
        if self.level == ENVIRONMENT:
            return 'from the environment variable %s' % self.where
        if self.level == FILE:
            return 'from %s' % self.where
        return 'from the option'


@dataclass(frozen=True)
class Sourced:
    """Every option's value (None when no source sets it), where it came from, and what the files said."""

    values: dict[str, t.Any]
    origins: dict[str, Origin]
    auth_level: str | None
    ignored: dict[str, str]  # option -> environment variable of a way to authenticate the options override

    def origin_note(self, name: str) -> str:
        origin = self.origins.get(name)
        return '' if origin is None or origin.level == OPTION else ' (%s)' % origin.phrase()

    def noted(self, error: FabricError) -> FabricError:
        """The error with where the value came from, when its message starts with an option set another way."""
        name = error.message.split(' ', 1)[0].rstrip(',:')
        return with_origin(error, name, self.origins.get(name))


def with_origin(error: FabricError, name: str, origin: Origin | None) -> FabricError:
    if origin is None or origin.level == OPTION or error.message[len(name):len(name) + 1] not in (' ', ',') \
            or not error.message.startswith(name) or error.message.startswith(name + ' (from '):
        return error
    return FabricError('%s (%s)%s' % (name, origin.phrase(), error.message[len(name):]), error.status,
                       error.error_code, error.error_msg, error.solution_msg, error.request_id)


Normalize = t.Callable[[str, t.Any], t.Any]
# Options that configure a way to authenticate by themselves; security_token only completes AK/SK.
WAY_MAKERS = tuple(name for name in AUTH_WAY_OPTIONS if name != 'security_token') + ('profile',)


def _environment_texts(environ: t.Mapping[str, str]) -> dict[str, tuple[str, Origin]]:
    """The first variable of each option that is set and not blank (checked only once it is used)."""
    found = {}
    for option in ALL_OPTIONS:
        for variable in option.env:
            text = environ.get(variable)
            if text is not None and text.strip():
                found[option.name] = (text, Origin(ENVIRONMENT, variable))
                break
    return found


def _adopt(name: str, value: t.Any, origin: Origin, normalize: Normalize) -> t.Any:
    try:
        return normalize(name, value)
    except FabricError as exc:
        raise with_origin(exc, name, origin) from None


def _configures_a_way(names: t.Iterable[str]) -> bool:
    return any(name in WAY_MAKERS for name in names)


def _refuse_profile_beside_credentials(given: t.Iterable[str], profile: str, where: str,
                                       describe: t.Callable[[str], str]) -> None:
    credentials = [name for name in given if name in AUTH_WAY_OPTIONS]
    if credentials:
        raise FabricError('profile %s%s and %s are both configured %s: a profile is a way to authenticate of its own;'
                          ' configure either the profile or the credentials' % (
                              profile, describe('profile')[len('profile'):],
                              ', '.join(describe(name) for name in credentials), where))


def resolve_sources(explicit: t.Mapping[str, t.Any], environ: t.Mapping[str, str], normalize: Normalize,
                    warn: t.Callable[[str], None]) -> Sourced:
    """``explicit`` holds normalized option values (None for not given); environment values are normalized
    with ``normalize(name, text)`` when they are used, so they obey the same rules as options."""
    environment = _environment_texts(environ)
    values: dict[str, t.Any] = {}
    origins: dict[str, Origin] = {}
    for name, value in explicit.items():
        if value is not None:
            values[name], origins[name] = value, Origin(OPTION)

    def describe(name: str) -> str:
        return '%s (%s)' % (name, environment[name][1].phrase()) if name in environment else name

    if _configures_a_way(values):
        auth_level = OPTION
        if values.get('profile') is not None:
            _refuse_profile_beside_credentials(values, values['profile'], 'as options', lambda name: name)
    elif _configures_a_way(environment):
        auth_level = ENVIRONMENT
        if 'profile' in environment:
            profile = _adopt('profile', environment['profile'][0], environment['profile'][1], normalize)
            _refuse_profile_beside_credentials(environment, profile, 'in the environment', describe)
    else:
        auth_level = None
    ignored = {}
    for name, (text, origin) in environment.items():
        if name in values:
            continue
        if auth_level == OPTION and name in AUTH_WAY_OPTIONS + ('profile',):
            ignored[name] = origin.where
            continue
        values[name], origins[name] = _adopt(name, text, origin, normalize), origin
    files = _from_files(environ, values, origins, auth_level, warn)
    if files is not None and files.values:
        for name in AUTH_WAY_OPTIONS:  # the file's key comes whole: a security token of the environment stays out
            if origins.get(name, Origin(OPTION)).level == ENVIRONMENT:
                ignored[name] = origins.pop(name).where
                values[name] = None
        # A profile's project comes with its key, and its region with its project (a project ID belongs to
        # one region): a project ID or region exported for another account or region never goes with them.
        # An option still wins.
        whole = ('project_id', 'region') if 'project_id' in files.values else ('project_id',)
        replaced = {}
        for name, value in files.values.items():
            from_environment = origins.get(name, Origin(OPTION)).level == ENVIRONMENT and name in whole
            if values.get(name) is None or from_environment:
                if from_environment:
                    replaced[name] = (values[name], origins[name])
                origin = Origin(FILE, files.source)
                values[name], origins[name] = _adopt(name, value, origin, normalize), origin
        _warn_on_a_split(files, values, origins, replaced, warn)
        auth_level = auth_level or FILE
    return Sourced(values={option.name: values.get(option.name) for option in ALL_OPTIONS}, origins=origins,
                   auth_level=auth_level, ignored=ignored)


def _warn_on_a_split(files: FileValues, values: t.Mapping[str, t.Any], origins: t.Mapping[str, Origin],
                     replaced: t.Mapping[str, tuple[t.Any, Origin]], warn: t.Callable[[str], None]) -> None:
    """Say when the project of a profile may go to another region than the profile's own."""
    region = files.values.get('region')
    if origins.get('project_id', Origin(OPTION)).level != FILE or not region:
        return
    if 'region' in replaced and replaced['region'][0] != values.get('region'):
        old_value, old_origin = replaced['region']
        warn('region %s (%s) is not used: the project ID of %s belongs to its region %s, which is used (set the'
             ' region as an option to override it)' % (old_value, old_origin.phrase(), files.source, region))
    if values.get('region') is not None and values['region'] != region:
        used = values['region']
        warn('region %s (%s) is not the region %s of %s, whose project ID is used: requests go to %s with a project'
             ' of %s, which the API refuses unless the project exists there; set project_id for %s, or use the'
             ' profile\'s region' % (used, origins['region'].phrase(), region, files.source, used, region, used))
    endpoint = values.get('endpoint')
    host = (urlsplit(endpoint).hostname or '') if isinstance(endpoint, str) else ''
    labels = host.split('.')
    if len(labels) > 2 and labels[0] in ('fabric', 'iam') and labels[1] != region and REGION_LABEL.match(labels[1]):
        other, where = labels[1], origins['endpoint'].phrase()
        warn('endpoint %s (%s) is in region %s, not the region %s of %s, whose project ID is used: set project_id'
             ' for %s, or use the profile\'s region' % (endpoint, where, other, region, files.source, other))


def _from_files(environ: t.Mapping[str, str], values: t.Mapping[str, t.Any], origins: t.Mapping[str, Origin],
                auth_level: str | None, warn: t.Callable[[str], None]) -> FileValues | None:
    """A profile named at the level that gives the way to authenticate is read, and must be there; with no way
    configured at all, the current KooCLI profile or the SDK credentials file are tried."""
    profile = values.get('profile')
    if profile is None and auth_level is not None:
        return None
    try:
        return values_from_files(environ, profile, warn)
    except FabricError as exc:
        raise with_origin(exc, 'profile', origins.get('profile')) from None
