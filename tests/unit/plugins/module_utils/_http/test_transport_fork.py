# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A client made before a fork (as the lookup's cached client is when it ran in the controller's main
process) is used by forked workers side by side: each must get its own answers."""

from __future__ import annotations

import json
import multiprocessing
import os

import pytest

from ansible_collections.dataarts.fabric.tests.unit.plugins.clients import make_client
from ansible_collections.dataarts.fabric.plugins.module_utils._http.identity import TokenIdentity
from ansible_collections.dataarts.fabric.plugins.module_utils._config.types import Query
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.listing import list_sessions
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.query import SessionQuery
from ansible_collections.dataarts.fabric.tests.emulator.fabric_emulator import FabricEmulator

WORKSPACES = ['ws-fork-%d' % index for index in range(4)]


def _child(client, workspace, results):
    try:
        owners = set()
        for _round in range(15):
            listing = list_sessions(client, SessionQuery(workspace, Query(page_size=7)), concurrency=2)
            owners.update(session['session_id'].split('.')[0] for session in listing.sessions)
            owners.add('count=%d' % len(listing.sessions))
        results.put((workspace, sorted(owners), client.transport._pid == os.getpid()))
    except Exception as exc:  # reported to the parent, which fails the test
        results.put((workspace, ['error: %s' % exc], False))


@pytest.mark.skipif(not hasattr(os, 'fork'), reason='needs fork')
def test_forked_workers_never_share_the_parents_connections():
    with FabricEmulator() as emulator:
        for workspace in WORKSPACES:
            emulator.put_workspace(workspace, sessions=[
                {'session_id': '%s.%d' % (workspace, index), 'status': 'RUNNING'} for index in range(30)])
        client = make_client(emulator.url, TokenIdentity('emulator-token'), retries=0, concurrency=2)
        assert len(list_sessions(client, SessionQuery(WORKSPACES[0], Query(page_size=7))).sessions) == 30
        context = multiprocessing.get_context('fork')
        results = context.Queue()
        workers = [context.Process(target=_child, args=(client, workspace, results)) for workspace in WORKSPACES]
        for worker in workers:
            worker.start()
        answers = [results.get(timeout=120) for _worker in workers]
        for worker in workers:
            worker.join(60)
        client.close()
    assert sorted(answers) == sorted((workspace, sorted([workspace, 'count=30']), True) for workspace in WORKSPACES)
    assert json.dumps(answers)  # plain data came back from every worker
