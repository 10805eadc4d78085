# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""SQL endpoints by name, against the emulator's ListEndpoints: an exact match among the SQL endpoints of every
visibility, the service's fuzzy name filter used only for the names it takes, every page read, none or several an
error naming what was found, resolved once per workspace and run before any session is listed."""

from __future__ import annotations

import pytest

from ansible_collections.dataarts.fabric.plugins.module_utils._config.types import Query
from ansible_collections.dataarts.fabric.plugins.module_utils._errors import FabricError
from ansible_collections.dataarts.fabric.plugins.module_utils._http.identity import TokenIdentity
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.endpoints import (
    EndpointNames,
    list_endpoints,
    resolve,
)
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.listing import run_queries
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.outcome import Listed
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.query import SessionQuery
from ansible_collections.dataarts.fabric.tests.emulator.fabric_emulator import FabricEmulator
from ansible_collections.dataarts.fabric.tests.unit.plugins.clients import make_client

PROD = '0d3e5a10-1111-4e2a-9c1d-000000000001'
MUELLER = '0d3e5a10-2222-4e2a-9c1d-000000000002'


@pytest.fixture(scope='module')
def emulator():
    with FabricEmulator() as emu:
        yield emu


@pytest.fixture
def emu(emulator):
    emulator.reset()
    return emulator


@pytest.fixture
def client(emu):
    with make_client(emu.url, TokenIdentity('emulator-token'), retries=0, concurrency=2) as fabric_client:
        yield fabric_client


def asked(emu, path_end):
    return [dict(entry['query']) for entry in emu.requests_log() if entry['path'].endswith(path_end)]


def sessions_of(emu, client, name, workspace='ws-demo', page_size=2, names=None):
    query = SessionQuery(workspace, Query(endpoint_name=name, page_size=page_size))
    warnings = []
    [listing] = run_queries(client, [query], warnings.append, names)
    return listing, warnings


@pytest.mark.parametrize('name,endpoint_id', [('Fabric Prod.eu', PROD), ('daten_M\u00fcller 2', MUELLER)])
def test_a_name_the_filter_refuses_is_matched_over_every_page_of_sql_endpoints(emu, client, name, endpoint_id):
    listing, warnings = sessions_of(emu, client, name)
    assert listing.sessions == [s for s in emu.sessions('ws-demo') if s['endpoint_info']['id'] == endpoint_id]
    assert warnings == [] and not listing.partial
    pages = asked(emu, '/endpoints')
    assert all('name' not in page and page['type'] == 'sql' and page['visibility'] == 'ALL' for page in pages)
    assert sorted(page['offset'] for page in pages) == ['0', '2', '4']  # 5 SQL endpoints, 2 a page: every page
    assert {page['endpoint_id'] for page in asked(emu, '/sessions')} == {endpoint_id}


def test_a_name_the_filter_takes_is_sent_and_still_matched_exactly(emu, client):
    emu.put_endpoints('ws-ep', [{'id': 'ep-short', 'name': 'etl_nightly'}, {'id': 'ep-long', 'name': 'etl_nightly_v2'},
                                {'id': 'ep-case', 'name': 'ETL_NIGHTLY'}])
    emu.put_workspace('ws-ep', sessions=[{'session_id': 's-1', 'endpoint_info': {'id': 'ep-short', 'name': 'x'}},
                                         {'session_id': 's-2', 'endpoint_info': {'id': 'ep-long', 'name': 'y'}}])
    listing, _warnings = sessions_of(emu, client, 'etl_nightly', workspace='ws-ep', page_size=100)
    assert [s['session_id'] for s in listing.sessions] == ['s-1']
    assert asked(emu, '/endpoints') == [{'limit': '100', 'name': 'etl_nightly', 'offset': '0', 'type': 'sql',
                                         'visibility': 'ALL'}]


def test_several_endpoints_of_the_name_fail_naming_each_id_and_visibility(emu, client):
    with pytest.raises(FabricError) as caught:
        sessions_of(emu, client, 'adhoc-analytics_01')
    message = str(caught.value)
    assert message.startswith('2 SQL endpoints of workspace ws-demo are named adhoc-analytics_01: ')
    assert '0d3e5a10-3333-4e2a-9c1d-000000000003 (visibility PRIVATE, owner emulator-user)' in message
    assert '0d3e5a10-4444-4e2a-9c1d-000000000004 (visibility PUBLIC, owner another-team)' in message
    assert 'set endpoint_id to the one meant' in message
    assert asked(emu, '/sessions') == []  # nothing listed before the name is resolved


def test_no_endpoint_of_the_name_fails_naming_it_and_the_names_like_it(emu, client):
    with pytest.raises(FabricError) as caught:
        sessions_of(emu, client, 'fabric prod.eu')
    assert str(caught.value) == (
        'no SQL endpoint of workspace ws-demo is named fabric prod.eu (names are matched exactly, case included);'
        ' SQL endpoints with names like it: Fabric Prod.eu')
    assert asked(emu, '/sessions') == []


def test_a_name_is_resolved_once_per_workspace_and_run(emu, client):
    names = EndpointNames()
    for _poll in range(3):
        sessions_of(emu, client, 'Fabric Prod.eu', names=names)
    assert len(asked(emu, '/endpoints')) == 3  # the three pages of the first poll, and nothing after
    emu.clear_log()
    sessions_of(emu, client, 'Fabric Prod.eu')  # another run
    assert len(asked(emu, '/endpoints')) == 3


def test_two_workspaces_resolve_side_by_side_before_any_session_is_listed(emu, client):
    emu.put_endpoints('ws-100', [{'id': 'ep-a', 'name': 'shared name'}])
    queries = [SessionQuery(workspace, Query(endpoint_name=name)) for workspace, name in
               [('ws-demo', 'Fabric Prod.eu'), ('ws-100', 'shared name'), ('ws-demo', 'Fabric Prod.eu')]]
    listings = run_queries(client, queries, lambda warning: None)
    assert [len(listing.sessions) for listing in listings][0] > 0 and listings[1].sessions == []
    paths = [entry['path'].rsplit('/', 1)[1] for entry in emu.requests_log()]
    assert paths.index('sessions') == paths.count('endpoints') == 2


def test_a_partial_endpoint_list_says_so_when_the_name_is_not_found():
    partial = Listed([{'id': 'a', 'name': 'other'}], 7, False, 6, ['the endpoint list of workspace ws is not whole'])
    with pytest.raises(FabricError, match='names like it: other; the endpoint list of workspace ws is not whole'):
        resolve('ws', 'mine', partial)


def test_the_endpoints_of_a_workspace_and_of_one_name(emu, client):
    warnings = []
    every = list_endpoints(client, 'ws-demo', None, 2, warnings.append)
    assert [entry['name'] for entry in every.entries] == [
        'daten_M\u00fcller 2', 'Fabric Prod.eu', 'adhoc-analytics_01', 'adhoc-analytics_01', 'archive 2024']
    assert (every.total, every.complete, every.missing, warnings) == (5, True, 0, [])
    named = list_endpoints(client, 'ws-demo', 'adhoc-analytics_01', 100, warnings.append)
    assert [entry['visibility'] for entry in named.entries] == ['PRIVATE', 'PUBLIC']
    assert list_endpoints(client, 'ws-demo', 'nothing', 100, warnings.append).entries == []
    with pytest.raises(FabricError, match='HTTP 404.*check workspace_id nope'):
        list_endpoints(client, 'nope', None, 100, warnings.append)
