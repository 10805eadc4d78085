# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the offset counts: told apart from the answers, at no extra request against a service counting records and
at most two against one counting pages, learnt once per service (base URL and list) for the rest of the run.
Counted against the emulator, which can count offsets in records or in pages from 0 or 1."""

from __future__ import annotations

import pytest

from ansible_collections.dataarts.fabric.plugins.module_utils._config.types import Query
from ansible_collections.dataarts.fabric.plugins.module_utils._http.identity import TokenIdentity
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions import offsets
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.listing import run_queries
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.query import SessionQuery
from ansible_collections.dataarts.fabric.tests.emulator.fabric_emulator import FabricEmulator
from ansible_collections.dataarts.fabric.tests.unit.plugins.clients import make_client

MODES = {'records': offsets.RECORDS, 'pages0': offsets.PAGES_FROM_0, 'pages1': offsets.PAGES_FROM_1}
SIZES = {'ws-3': 3, 'ws-251': 251, 'ws-10000': 10000}
# Requests of the first listing of each size, and of any listing once the service is known.
FIRST = {'records': [1, 3, 100], 'pages0': [1, 4, 101], 'pages1': [1, 5, 102]}
KNOWN = [1, 3, 100]


@pytest.fixture(scope='module')
def emu():
    with FabricEmulator(workspaces=SIZES) as emulator:
        yield emulator


def requests_for(emu, client, workspace, **query):
    emu.clear_log()
    warnings = []
    [listing] = run_queries(client, [SessionQuery(workspace, Query(**query))], warnings.append)
    return listing, warnings, [dict(entry['query']) for entry in emu.requests_log()]


@pytest.mark.parametrize('mode', MODES)
def test_requests_per_listing_against_records_and_pages(emu, mode):
    emu.set_offsets(mode)
    with make_client(emu.url, TokenIdentity('emulator-token'), retries=0) as client:
        first, known = [], []
        for workspace, count in SIZES.items():
            offsets.forget()
            listing, warnings, asked = requests_for(emu, client, workspace)
            assert len(listing.sessions) == count and not listing.partial and warnings == []
            assert listing.sessions == emu.sessions(workspace)
            first.append(len(asked))
        assert offsets.learnt(emu.url, 'sessions') == MODES[mode]
        for workspace, count in SIZES.items():
            listing, warnings, asked = requests_for(emu, client, workspace)
            assert len(listing.sessions) == count and not listing.partial
            known.append(len(asked))
    assert first == FIRST[mode] and known == KNOWN


def test_a_listing_that_fits_one_page_asks_once_and_learns_nothing(emu):
    emu.set_offsets('pages1')
    with make_client(emu.url, TokenIdentity('emulator-token'), retries=0) as client:
        listing, _warnings, asked = requests_for(emu, client, 'ws-demo')
    assert len(listing.sessions) == 40 and asked == [{'limit': '100', 'offset': '0'}]
    assert offsets.learnt(emu.url, 'sessions') is None


@pytest.mark.parametrize('mode', MODES)
def test_page_numbers_are_told_apart_with_small_pages_and_max_results(emu, mode):
    emu.set_offsets(mode)
    with make_client(emu.url, TokenIdentity('emulator-token'), retries=0, concurrency=3) as client:
        listing, warnings, _asked = requests_for(emu, client, 'ws-251', page_size=7, max_results=200)
    assert listing.sessions == emu.sessions('ws-251')[:200] and warnings == [] and not listing.partial


def test_the_offset_of_the_page_to_ask():
    assert [offsets.offset_param(kind, 200, 100) for kind in (None, *offsets.KINDS)] == [200, 200, 2, 3]
    assert offsets.last_page(251, 100) == 200 and offsets.last_page(100, 100) == 0
    assert offsets.last_page(10 ** 12, 100) == offsets.MAX_OFFSET  # never past the API's largest offset
    assert offsets.kinds_fitting(200, 100, 251, 51) == (offsets.RECORDS,)
    assert offsets.kinds_fitting(200, 100, 251, 0) == (offsets.PAGES_FROM_0, offsets.PAGES_FROM_1)


@pytest.mark.parametrize('first,second,kind', [
    (['a', 'b', 'c', 'd'], ['e', 'f', 'g', 'h'], offsets.PAGES_FROM_0),
    (['a', 'b', 'c', 'd'], ['a', 'b', 'c', 'd'], offsets.PAGES_FROM_1),
    (['a', 'b', 'c', 'd'], ['b', 'c', 'd', 'e'], offsets.RECORDS),
    (['a', 'b', 'c', 'd'], ['x', 'a', 'b', 'c'], offsets.PAGES_FROM_1),  # one created before the answer
    (['a', 'b', 'c', 'd'], [], None),
])
def test_what_offset_one_tells(first, second, kind):
    assert offsets.kind_from_second_page(first, second) == kind


def test_the_memo_is_per_service_and_list_and_bounded():
    offsets.learn('https://a.test', 'sessions', offsets.PAGES_FROM_1)
    assert offsets.learnt('https://a.test', 'sessions') == offsets.PAGES_FROM_1
    assert offsets.learnt('https://a.test', 'endpoints') is None
    assert offsets.learnt('https://b.test', 'sessions') is None
    for index in range(offsets.MEMO_SIZE):
        offsets.learn('https://other-%d.test' % index, 'sessions', offsets.RECORDS)
    assert offsets.learnt('https://a.test', 'sessions') is None  # the least recently used went first
