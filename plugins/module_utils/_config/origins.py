# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""Where the endpoint and the credentials came from, said the way a failure message needs it: a refused token
names its variable, a host that does not resolve names the region it was derived from (and the closest known
region when that one is not known)."""

from __future__ import annotations

import difflib
import typing as t

from .sources import Sourced

# Huawei Cloud region names, for "did you mean" only: a region not listed here is still used as given.
KNOWN_REGIONS = (
    'af-north-1', 'af-south-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4',
    'ap-southeast-5', 'cn-east-2', 'cn-east-3', 'cn-east-4', 'cn-east-5', 'cn-north-1', 'cn-north-2', 'cn-north-4',
    'cn-north-9', 'cn-south-1', 'cn-south-2', 'cn-south-4', 'cn-southwest-2', 'eu-west-0', 'eu-west-101',
    'la-north-2', 'la-south-2', 'me-east-1', 'my-kualalumpur-1', 'na-mexico-1', 'ru-moscow-1', 'ru-northwest-2',
    'sa-brazil-1', 'tr-west-1',
)


def _from(name: str, sourced: Sourced | None) -> str:
    return '%s%s' % (name, sourced.origin_note(name) if sourced is not None else '')


def closest_region(region: str) -> str | None:
    """The known region closest to an unknown one, or None (for a known one, or nothing close)."""
    if region in KNOWN_REGIONS:
        return None
    found = difflib.get_close_matches(region, KNOWN_REGIONS, n=1, cutoff=0.75)
    return found[0] if found else None


def url_origin(option: str, values: t.Mapping[str, t.Any], sourced: Sourced | None) -> str:
    """What to check when the host of ``option`` (endpoint or iam_endpoint) cannot be reached."""
    if values[option] is not None:
        return _from(option, sourced)
    region = values['region']
    said = 'region %s%s, from which %s is derived' % (
        region, sourced.origin_note('region') if sourced is not None else '', option)
    closest = closest_region(region)
    return said + (' (not a known region: did you mean %s?)' % closest if closest else '')


def credentials_origin(names: t.Sequence[str], sourced: Sourced | None) -> str:
    """The options of the way to authenticate in use, each with where it came from."""
    return ', '.join(_from(name, sourced) for name in names)
