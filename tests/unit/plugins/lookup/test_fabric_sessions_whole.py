# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The lookup warns about a listing that is not whole, naming both numbers; its counts say complete; it takes
endpoint_name. Loaded through Ansible's lookup loader, against the in-process emulator."""

from __future__ import annotations

import sys

import pytest

from ansible.errors import AnsibleLookupError
from ansible.plugins.loader import lookup_loader

from ansible_collections.dataarts.fabric.tests.emulator.fabric_emulator import FabricEmulator

TOKEN = 'lookup-whole-token'
PROD = '0d3e5a10-1111-4e2a-9c1d-000000000001'


@pytest.fixture(scope='module')
def emulator():
    with FabricEmulator(tokens=[TOKEN]) as emu:
        yield emu


@pytest.fixture
def emu(emulator):
    emulator.reset()
    return emulator


@pytest.fixture
def lookup():
    return lookup_loader.get('dataarts.fabric.fabric_sessions')


@pytest.fixture
def warnings(lookup, monkeypatch):
    said = []
    monkeypatch.setattr(sys.modules[type(lookup).__module__].display, 'warning', said.append)
    return said


def run(lookup, emu, terms, **options):
    return lookup.run(terms, variables={}, endpoint=emu.url, auth_token=TOKEN, retries=0, **options)


def test_a_listing_that_is_not_whole_is_a_warning_naming_both_numbers(lookup, emu, warnings):
    emu.add_fault(kind='lie_total', workspace_id='ws-demo', total=45, count=10)
    result = run(lookup, emu, ['ws-demo'])
    assert len(result) == 40
    assert [w for w in warnings if 'not whole' in w] == [
        'the session list of workspace ws-demo is not whole: the service counts 45 sessions but its pages held 40'
        ' (5 not seen): its pages ended before the service\'s total (sessions may have been closed while it was'
        ' listed, or the service counts what it does not list)']


def test_counts_say_complete(lookup, emu, warnings):
    [counts] = run(lookup, emu, ['ws-demo'], count_only=True)
    assert (counts['complete'], counts['missing'], counts['total']) == (True, 0, 40)


def test_endpoint_name_is_resolved_once_per_workspace_of_the_call(lookup, emu, warnings):
    result = run(lookup, emu, ['ws-demo', 'ws-demo'], endpoint_name='Fabric Prod.eu')
    mine = [dict(s, workspace_id='ws-demo') for s in emu.sessions('ws-demo') if s['endpoint_info']['id'] == PROD]
    assert result == mine + mine and warnings == []
    assert len([entry for entry in emu.requests_log() if entry['path'].endswith('/endpoints')]) == 1


def test_an_endpoint_name_of_several_endpoints_fails(lookup, emu, warnings):
    with pytest.raises(AnsibleLookupError, match='2 SQL endpoints of workspace ws-demo are named adhoc-analytics_01'):
        run(lookup, emu, ['ws-demo'], endpoint_name='adhoc-analytics_01')
