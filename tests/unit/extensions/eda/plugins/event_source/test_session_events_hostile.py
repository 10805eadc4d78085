# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The event source under hostile conditions: a gateway that holds a poll while the source is cancelled, a
gateway failing every other poll for 30 workspaces, sessions closing faster than they can be looked up, and
warnings of the token cache."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import textwrap

import pytest

from ansible_collections.dataarts.fabric.plugins.module_utils._errors import FabricError
from ansible_collections.dataarts.fabric.plugins.module_utils._watch.poll import PollResult
from ansible_collections.dataarts.fabric.tests.unit.extensions.eda.plugins.event_source.test_session_events import (
    PLUGIN,
    SOURCE,
    TOKEN,
    WAIT,
    WS,
    emu,
    source_args,
    start_watch,
    stop,
)

__all__ = ['emu']  # the fixture, used by name

CANCEL_IN_A_PROCESS = textwrap.dedent('''
    import asyncio, json, runpy, sys, urllib.request
    source = runpy.run_path(sys.argv[1])
    url = sys.argv[2]

    async def go():
        args = {'endpoint': url, 'auth_token': sys.argv[3], 'workspace_id': sys.argv[4], 'retries': 0,
                'timeout': 300}
        task = asyncio.create_task(source['main'](asyncio.Queue(), args))
        while not json.load(urllib.request.urlopen(url + '/_emulator/log'))['requests']:
            await asyncio.sleep(0.05)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            print('cancelled', flush=True)

    asyncio.run(go())
''')


def test_a_cancelled_source_does_not_outlive_its_cancellation(emu):
    emu.add_fault(kind='delay', seconds=600)  # the gateway holds the poll far longer than the test waits
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join(path for path in sys.path if path))
    process = subprocess.Popen([sys.executable, '-c', CANCEL_IN_A_PROCESS, str(PLUGIN), emu.url, TOKEN, WS],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment)
    try:
        out, err = process.communicate(timeout=WAIT)  # a bound against hanging: the request would take 300 s
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail('the process outlived the cancellation of the source')
    assert process.returncode == 0 and out.strip() == b'cancelled', err


def flapping_fetch(polls):
    """Every workspace's polls fail and work in turn, as through a gateway failing every other request."""
    def fetch(client, workspace_id, query, previous, warn, names=None):
        polls[workspace_id] = polls.get(workspace_id, 0) + 1
        if polls[workspace_id] % 2:
            raise FabricError('GET /v1/workspaces/%s/sessions failed: HTTP 502 Bad Gateway' % workspace_id,
                              status=502)
        return PollResult([], {})
    return fetch


def test_a_gateway_failing_every_other_poll_gives_one_event_per_workspace(emu, monkeypatch):
    workspaces = ['ws-%02d' % number for number in range(30)]
    polls = {}
    monkeypatch.setitem(SOURCE, 'fetch', flapping_fetch(polls))

    async def scenario():
        queue, task, client = await start_watch(emu, workspace_id=workspaces)
        for _tick in range(int(WAIT / 0.05)):
            if len(polls) == 30 and min(polls.values()) >= 12:
                break
            await asyncio.sleep(0.05)
        await stop(task, client)
        return [queue.get_nowait() for _event in range(queue.qsize())]

    events = asyncio.run(scenario())
    assert min(polls.values()) >= 12
    assert sorted((event['type'], event['workspace_id']) for event in events) == [
        ('poll_failed', workspace) for workspace in workspaces]


def test_sessions_closing_faster_than_they_are_looked_up_are_dropped_with_a_warning(emu, monkeypatch, caplog):
    polls = []

    def fetch(client, workspace_id, query, previous, warn, names=None):
        polls.append(1)
        listed = [{'session_id': 's-%d-%d' % (len(polls), number), 'status': 'RUNNING'} for number in range(100)]
        return PollResult(listed, {})  # every session of the last poll left, none could be looked up

    monkeypatch.setitem(SOURCE, 'fetch', fetch)

    async def scenario():
        queue, task, client = await start_watch(emu)
        for _tick in range(int(WAIT / 0.05)):
            if len(polls) >= 5:
                break
            await asyncio.sleep(0.05)
        await stop(task, client)

    with caplog.at_level(logging.WARNING, logger='dataarts.fabric.session_events'):
        asyncio.run(scenario())
    dropped = [record.getMessage() for record in caplog.records if 'dropped without an event' in record.getMessage()]
    assert dropped and dropped[0].startswith('workspace %s: 100 sessions left the listing faster than they can be'
                                             ' asked for (20 per poll, at most 200 waiting)' % WS)


def test_token_cache_warnings_are_logged(emu, monkeypatch, caplog, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv('XDG_CACHE_HOME', 'relative-cache')
    args = source_args(emu, auth_token=None, username='emulator-user', password='emulator-password',
                       domain_name='emulator-domain', project_name='cn-north-4', iam_endpoint=emu.url)

    expected = ("the IAM token cache is not used: XDG_CACHE_HOME is not an absolute path ('relative-cache');"
                " every task asks IAM for a token")

    async def scenario():
        task = asyncio.create_task(SOURCE['main'](asyncio.Queue(), args))
        # The poll logs its warnings when it ends, from its own thread: wait for them (bounded), not for a
        # number of requests, which a loaded machine can reach well before the poll ends.
        for _tick in range(int(WAIT / 0.05)):
            if any(record.getMessage() == expected for record in caplog.records):
                break
            await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    with caplog.at_level(logging.WARNING, logger='dataarts.fabric.session_events'):
        asyncio.run(scenario())
    messages = [record.getMessage() for record in caplog.records]
    assert expected in messages
    assert not any('emulator-password' in message for message in messages) and os.listdir(tmp_path) == []
