# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""SQL endpoints by name: ``GET /v1/workspaces/{workspace_id}/endpoints`` (ListEndpoints), paged like the sessions.

A name is matched exactly, on the client, among the SQL endpoints of every visibility (the caller's own and other
owners' PUBLIC ones): the service's ``name`` filter is a substring match, and it refuses ``.``, spaces and most
letters outside ASCII and Chinese, so a name holding them is looked for over every page of the SQL endpoints.
No match, or more than one, is an error that names what was found. A name is resolved once per workspace and run.
"""

from __future__ import annotations

import difflib
import re
import typing as t
from urllib.parse import quote

from .._errors import FabricError
from .._http.client import FabricHttpClient
from .._text import service_text
from .executor import CallExecutor, run_plans
from .outcome import Listed, listed
from .page import Page, entry_key, parse_page
from .pager import Pager

ENDPOINTS_PATH = '/v1/workspaces/%s/endpoints'
SQL_TYPE = 'sql'
VISIBILITY = 'ALL'
# What the service's name filter takes (its documented characters: Chinese, letters, digits, _ and -).
NAME_FILTER = re.compile(r'\A[A-Za-z0-9_\u4e00-\u9fa5-]+\Z')
SHOWN_NAMES = 5


class EndpointSource:
    """The SQL endpoints of one workspace, of every visibility (a PageSource), narrowed by the service's name filter
    when the name is one it takes."""

    list_name = 'endpoints'
    noun = 'SQL endpoints'

    def __init__(self, client: FabricHttpClient, workspace_id: str, name: str | None = None) -> None:
        self.client, self.workspace_id, self.name = client, workspace_id, name
        self.base_url = client.base_url
        self.name_filter = name if name is not None and NAME_FILTER.match(name) else None
        self.where = 'workspace %s' % workspace_id + (' (name holding %s)' % self.name_filter
                                                      if self.name_filter else '')

    def query_pairs(self, offset: int, limit: int) -> list[tuple[str, str]]:
        pairs = [('limit', str(limit)), ('offset', str(offset)), ('type', SQL_TYPE), ('visibility', VISIBILITY)]
        return pairs + ([('name', self.name_filter)] if self.name_filter else [])

    def fetch(self, offset: int, limit: int) -> Page:
        path = ENDPOINTS_PATH % quote(self.workspace_id, safe='')
        try:
            return parse_page(self.client.get_json(path, self.query_pairs(offset, limit)), 'endpoints',
                              'endpoint list')
        except FabricError as exc:
            if exc.status != 404:
                raise
            raise exc.with_context(after=' -- check workspace_id %s' % self.workspace_id) from None

    def matches(self, entry: dict[str, t.Any]) -> bool:
        kind = entry.get('type', SQL_TYPE)  # asked for with type=sql: one without a type is taken as one
        return isinstance(kind, str) and kind.lower() == SQL_TYPE

    def key(self, entry: dict[str, t.Any]) -> t.Hashable:
        return entry_key(entry, 'id')


def endpoint_pager(client: FabricHttpClient, workspace_id: str, name: str | None, page_size: int) -> Pager:
    return Pager(EndpointSource(client, workspace_id, name), page_size, None, client.concurrency)


def named(entries: t.Iterable[dict[str, t.Any]], name: str | None) -> list[dict[str, t.Any]]:
    """The entries whose name is exactly ``name`` (every entry when None)."""
    return [entry for entry in entries if name is None or entry.get('name') == name]


def list_endpoints(client: FabricHttpClient, workspace_id: str, name: str | None, page_size: int,
                   warn: t.Callable[[str], None]) -> Listed:
    """Every SQL endpoint of a workspace (only those named exactly ``name`` when given), as one call; its warnings
    (retries, a list that is not whole) go to ``warn``, scrubbed, also when the listing fails."""
    first_event, first_note = len(client.retry_events), len(client.notes)
    pager = endpoint_pager(client, workspace_id, name, page_size)
    try:
        with client.call(), CallExecutor(client.concurrency) as executor:
            run_plans(executor, [pager])
    finally:
        for warning in client.notes[first_note:] + client.retry_warnings(since=first_event):
            warn(warning)
    found = listed(pager)
    for warning in found.warnings:
        warn(client.redactor.text(warning))
    found.entries = named(found.entries, name)
    return found


def _candidate(entry: dict[str, t.Any]) -> str:
    owner = entry.get('owner')
    owned = ', owner %s' % service_text(owner, 100) if owner not in (None, '') else ''
    return '%s (visibility %s%s)' % (service_text(entry.get('id'), 100), service_text(entry.get('visibility'), 40),
                                     owned)


def resolve(workspace_id: str, name: str, listing: Listed) -> str:
    """The ID of the one SQL endpoint named ``name``; a FabricError naming what was found otherwise."""
    matches = named(listing.entries, name)
    if len(matches) == 1 and isinstance(matches[0].get('id'), str) and matches[0]['id']:
        return t.cast(str, matches[0]['id'])
    if len(matches) > 1:
        raise FabricError('%d SQL endpoints of workspace %s are named %s: %s; set endpoint_id to the one meant'
                          % (len(matches), workspace_id, service_text(name, 300),
                             ', '.join(_candidate(entry) for entry in matches)))
    if matches:
        raise FabricError('the SQL endpoint named %s in workspace %s has no usable id: %s'
                          % (service_text(name, 300), workspace_id, service_text(matches[0].get('id'), 100)))
    names = [entry['name'] for entry in listing.entries if isinstance(entry.get('name'), str)]
    close = difflib.get_close_matches(name, names, n=SHOWN_NAMES, cutoff=0.5) or names[:SHOWN_NAMES]
    raise FabricError('no SQL endpoint of workspace %s is named %s (names are matched exactly, case included)%s%s'
                      % (workspace_id, service_text(name, 300),
                         '; SQL endpoints with names like it: %s' % ', '.join(service_text(one, 100) for one in close)
                         if close else '; the service lists %d SQL endpoints there' % len(listing.entries),
                         '' if listing.complete else '; %s' % '; '.join(listing.warnings[:1])))


class EndpointNames:
    """The endpoint names of a run resolved to IDs, once per workspace and name."""

    def __init__(self) -> None:
        self.ids: dict[tuple[str, str], str] = {}

    def resolve_all(self, client: FabricHttpClient, executor: CallExecutor,
                    wanted: t.Iterable[tuple[str, str, int]]) -> list[str]:
        """List the SQL endpoints of every workspace whose name is not resolved yet (side by side, on the call's
        executor, ``page_size`` at a time), and resolve them; the first name that fails raises. The warnings of
        the endpoint lists."""
        todo = {(workspace_id, name): size for workspace_id, name, size in wanted if (workspace_id, name) not in self.ids}
        pagers = [endpoint_pager(client, workspace_id, name, size) for (workspace_id, name), size in todo.items()]
        run_plans(executor, pagers)
        warnings = []
        for (workspace_id, name), pager in zip(todo, pagers):
            found = listed(pager)
            self.ids[(workspace_id, name)] = resolve(workspace_id, name, found)
            warnings.extend(found.warnings)
        return warnings

    def endpoint_id(self, workspace_id: str, name: str) -> str:
        return self.ids[(workspace_id, name)]
