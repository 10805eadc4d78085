# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The event source loaded by its path, as ansible-rulebook loads it, against the in-process emulator."""

from __future__ import annotations

import asyncio
import dataclasses
import importlib.util
import threading
from pathlib import Path

import pytest

from ansible_collections.dataarts.fabric.plugins.module_utils._errors import FabricError
from ansible_collections.dataarts.fabric.plugins.module_utils._watch.settings import (
    source_argument_spec,
    watch_settings,
)
from ansible_collections.dataarts.fabric.tests.emulator.fabric_emulator import FabricEmulator
from ansible_collections.dataarts.fabric.tests.unit.plugins.module_runner import run_module

PLUGIN = Path(__file__).resolve().parents[6] / 'extensions' / 'eda' / 'plugins' / 'event_source' / 'session_events.py'


def load_by_path():
    # ansible-rulebook runs the file with runpy.run_path; under Ansible's test collection loader, whose path hook
    # claims every path, the same is loading it from its file location
    spec = importlib.util.spec_from_file_location('session_events_by_path', PLUGIN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return vars(module)


SOURCE = load_by_path()
TOKEN = 'source-token-5b1e'
WS = 'ws-src'
WAIT = 20  # seconds an expected event may take to come: a bound against hanging, not a timing assertion


@pytest.fixture
def emu():
    with FabricEmulator(tokens=[TOKEN]) as emulator:
        emulator.put_workspace(WS, sessions=[{'session_id': 'a', 'status': 'RUNNING'},
                                             {'session_id': 'old', 'status': 'CLOSED'}])
        yield emulator


def source_args(emu, **extra):
    return dict({'endpoint': emu.url, 'auth_token': TOKEN, 'workspace_id': WS, 'retries': 0, 'timeout': 5}, **extra)


async def start_watch(emu, **extra):
    """The source's loop with a short interval (the argument itself is at least one second)."""
    settings = dataclasses.replace(watch_settings(source_args(emu, **extra)), interval=0.05)
    queue = asyncio.Queue()
    client = SOURCE['open_client'](settings.config.connection, 'test')
    task = asyncio.create_task(SOURCE['_Watch'](queue, client, settings).run())
    return queue, task, client


async def stop(task, client):
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    client.transport.abort()
    client.close()


async def next_event(queue):
    return await asyncio.wait_for(queue.get(), WAIT)


def brief(event):
    session = event.get('session') or {}
    return event['type'], session.get('session_id'), session.get('status'), event.get('previous_status')


def test_changes_become_events_in_order(emu):
    async def scenario():
        queue, task, client = await start_watch(emu, announce_existing=True)
        seen = [brief(await next_event(queue))]
        emu.add_session(WS, {'session_id': 'n', 'status': 'CREATING'})
        seen.append(brief(await next_event(queue)))
        emu.add_fault(kind='transition', workspace_id=WS, session_id='n', to='RUNNING')
        seen.append(brief(await next_event(queue)))
        emu.add_fault(kind='transition', workspace_id=WS, session_id='a', to='CLOSED')
        seen.append(brief(await next_event(queue)))
        emu.put_workspace(WS, sessions=[session for session in emu.sessions(WS) if session['session_id'] != 'n'])
        seen.append(brief(await next_event(queue)))
        await stop(task, client)
        return seen, queue.qsize()

    seen, left = asyncio.run(scenario())
    assert seen == [
        ('session_new', 'a', 'RUNNING', None),
        ('session_new', 'n', 'CREATING', None),
        ('session_status_changed', 'n', 'RUNNING', 'CREATING'),
        ('session_status_changed', 'a', 'CLOSED', 'RUNNING'),
        ('session_gone', 'n', 'RUNNING', 'RUNNING'),
    ]
    assert left == 0


def test_without_announce_existing_the_first_poll_is_silent(emu):
    async def scenario():
        queue, task, client = await start_watch(emu)
        emu.add_fault(kind='transition', workspace_id=WS, session_id='a', to='FAIL', after=4)
        event = await next_event(queue)
        await stop(task, client)
        return event

    assert brief(asyncio.run(scenario())) == ('session_status_changed', 'a', 'FAIL', 'RUNNING')


def test_a_failure_streak_is_one_event_and_recovery_one_event_without_secrets(emu):
    async def scenario():
        queue, task, client = await start_watch(emu)
        emu.add_fault(kind='echo_secret', status=401, count=1000)
        failed = await next_event(queue)
        # the streak goes on (the source backs off and polls again) without more events
        while len([entry for entry in emu.requests_log()
                   if entry['status'] == 401 and ['status', 'RUNNING'] in entry['query']]) < 3:
            await asyncio.sleep(0.05)
        assert queue.empty()
        emu.clear_faults()
        recovered = await next_event(queue)
        await stop(task, client)
        return failed, recovered

    failed, recovered = asyncio.run(scenario())
    assert set(failed) == {'type', 'workspace_id', 'error', 'status_code'}
    assert (failed['type'], failed['workspace_id'], failed['status_code']) == ('poll_failed', WS, 401)
    assert 'HTTP 401' in failed['error'] and TOKEN not in failed['error']
    assert recovered['type'] == 'poll_recovered' and recovered['workspace_id'] == WS
    assert recovered['failed_polls'] >= 3 and set(recovered) == {'type', 'workspace_id', 'failed_polls'}


def test_each_workspace_has_its_own_streak(emu):
    async def scenario():
        queue, task, client = await start_watch(emu, workspace_id=[WS, 'ws-missing', WS])
        failed = await next_event(queue)
        emu.add_session(WS, {'session_id': 'n', 'status': 'WAITING'})
        change = await next_event(queue)
        await stop(task, client)
        return failed, change

    failed, change = asyncio.run(scenario())
    assert (failed['type'], failed['workspace_id'], failed['status_code']) == ('poll_failed', 'ws-missing', 404)
    assert brief(change) == ('session_new', 'n', 'WAITING', None) and change['workspace_id'] == WS


def test_cancelling_during_a_poll_ends_it_at_once(emu):
    async def scenario():
        emu.add_fault(kind='delay', seconds=600)  # the gateway holds the request far longer than the test waits
        queue = asyncio.Queue()
        task = asyncio.create_task(SOURCE['main'](queue, source_args(emu, timeout=300)))
        while not emu.requests_log():
            await asyncio.sleep(0.02)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return queue

    queue = asyncio.run(scenario())
    assert queue.empty()
    for thread in threading.enumerate():
        if thread.name.startswith('fabric-session-events'):
            thread.join(WAIT)  # its socket was shut: it ends now, not when the gateway answers or the timeout
            assert not thread.is_alive()
    requests = len(emu.requests_log())
    assert requests <= 4  # the statuses of the one poll that was running, no further poll


@pytest.mark.parametrize('extra', [
    {'page_size': 500},
    {'access_key': 'AK'},
    {'status': ['BOGUS']},
    {'endpoint': None},
    {'endpoint': 'http://fabric.example.com'},
    {'retries': 'many'},
    {'workspace_id': 'a/b'},
])
def test_invalid_arguments_fail_at_start_with_the_modules_message(emu, capsys, extra):
    args = source_args(emu, **extra)
    module_args = dict(args, workspace_id=args['workspace_id'])
    expected = run_module(capsys, **{name: value for name, value in module_args.items() if value is not None})
    assert expected['failed'] is True
    with pytest.raises(FabricError) as failed:
        asyncio.run(SOURCE['main'](asyncio.Queue(), args))
    assert str(failed.value) == expected['msg']
    assert emu.requests_log() == []


def test_unsupported_and_source_only_arguments(emu):
    with pytest.raises(FabricError, match=r'^Unsupported parameters for \(dataarts.fabric.session_events\) event '
                                          r'source: max_results\. Supported parameters include: '):
        watch_settings(source_args(emu, max_results=5))
    with pytest.raises(FabricError, match=r'^Unsupported parameters .* source: older_than\. '):
        watch_settings(source_args(emu, older_than='1h'))
    for interval in (0, 0.5, 86401, 'soon'):
        with pytest.raises(FabricError, match='interval'):
            watch_settings(source_args(emu, interval=interval))
    with pytest.raises(FabricError, match='workspace_id must name at least one workspace'):
        watch_settings(source_args(emu, workspace_id=[]))


def test_a_misspelt_argument_is_named_with_the_closest_one(emu):
    with pytest.raises(FabricError) as caught:
        watch_settings(source_args(emu, intervall=5, anounce_existing=True))
    assert str(caught.value).endswith('; anounce_existing (did you mean announce_existing?)'
                                      '; intervall (did you mean interval?)')


def test_defaults_lists_and_the_rulebook_own_argument(emu):
    settings = watch_settings(dict(source_args(emu, workspace_id=['w1', 'w2', 'w1']), eda_feedback_queue=object()))
    assert settings.workspace_ids == ('w1', 'w2')
    assert (settings.interval, settings.announce_existing) == (60.0, False)
    settings = watch_settings(source_args(emu, interval='5', announce_existing='yes'))
    assert (settings.interval, settings.announce_existing, settings.workspace_ids) == (5.0, True, (WS,))


def test_environment_supplies_the_connection_and_the_first_name_wins(monkeypatch):
    monkeypatch.setenv('DATAARTS_FABRIC_ENDPOINT', 'https://fabric.example.com')
    monkeypatch.setenv('HUAWEICLOUD_SDK_AK', 'SDK-AK')
    monkeypatch.setenv('HW_ACCESS_KEY', 'TF-AK')
    monkeypatch.setenv('HW_SECRET_KEY', 'TF-SK')
    monkeypatch.setenv('HW_PROJECT_ID', 'proj')
    connection = watch_settings({'workspace_id': WS}).config.connection
    assert connection.base_url == 'https://fabric.example.com'
    assert (connection.credentials.access_key, connection.credentials.secret_key) == ('SDK-AK', 'TF-SK')


def test_secrets_stay_out_of_argument_errors(monkeypatch):
    monkeypatch.setenv('DATAARTS_FABRIC_PASSWORD', 'pa55-w0rd-x')
    with pytest.raises(FabricError) as failed:
        watch_settings({'workspace_id': WS, 'endpoint': 'https://fabric.example.com', 'username': 'u',
                        'domain_name': 'd', 'proxy': 'http://user:pr0xy-pw@:bad'})
    assert 'pa55-w0rd-x' not in str(failed.value) and 'pr0xy-pw' not in str(failed.value)


def test_every_argument_is_documented():
    documentation = SOURCE['DOCUMENTATION']
    for name in source_argument_spec():
        assert 'C(%s)' % name in documentation or '  %s:\n' % name in documentation, name


def test_an_endpoint_name_is_resolved_once_and_narrows_the_watch(emu):
    emu.put_endpoints(WS, [{'id': 'ep-prod', 'name': 'Prod.eu'}, {'id': 'ep-other', 'name': 'Prod.eu', 'type': 'ray'}])
    emu.put_workspace(WS, sessions=[
        {'session_id': 'mine', 'status': 'RUNNING', 'endpoint_info': {'id': 'ep-prod', 'name': 'Prod.eu'}},
        {'session_id': 'theirs', 'status': 'RUNNING', 'endpoint_info': {'id': 'ep-x', 'name': 'x'}}])

    async def scenario():
        queue, task, client = await start_watch(emu, endpoint_name='Prod.eu', announce_existing=True)
        first = brief(await next_event(queue))
        emu.add_session(WS, {'session_id': 'new', 'status': 'WAITING',
                             'endpoint_info': {'id': 'ep-prod', 'name': 'Prod.eu'}})
        second = brief(await next_event(queue))
        await stop(task, client)
        return first, second

    assert asyncio.run(scenario()) == (('session_new', 'mine', 'RUNNING', None), ('session_new', 'new', 'WAITING', None))
    endpoint_requests = [entry for entry in emu.requests_log() if entry['path'].endswith('/endpoints')]
    session_requests = [entry for entry in emu.requests_log() if entry['path'].endswith('/sessions')]
    assert len(endpoint_requests) == 1 and len(session_requests) >= 8  # 4 statuses, at least two polls
    assert all(['endpoint_id', 'ep-prod'] in entry['query'] for entry in session_requests)


def test_an_endpoint_name_that_matches_nothing_is_a_failed_poll(emu):
    async def scenario():
        queue, task, client = await start_watch(emu, endpoint_name='nope')
        event = await next_event(queue)
        await stop(task, client)
        return event

    event = asyncio.run(scenario())
    assert event['type'] == 'poll_failed' and 'no SQL endpoint of workspace ws-src is named nope' in event['error']


def test_a_listing_that_is_not_whole_is_logged_with_both_numbers(emu, caplog):
    emu.add_fault(kind='lie_total', workspace_id=WS, total=50, count=1000)

    async def scenario():
        queue, task, client = await start_watch(emu, status=['RUNNING'])
        while not [record for record in caplog.records if 'not whole' in record.getMessage()]:
            await asyncio.sleep(0.05)
        await stop(task, client)
        return queue.qsize()

    with caplog.at_level('WARNING', logger='dataarts.fabric.session_events'):
        assert asyncio.run(scenario()) == 0  # no event from what a partial listing missed
    warning = next(record.getMessage() for record in caplog.records if 'not whole' in record.getMessage())
    assert warning.startswith('the session list of workspace ws-src (status RUNNING) is not whole: the service counts'
                              ' 50 sessions but its pages held 1 (49 not seen)')
