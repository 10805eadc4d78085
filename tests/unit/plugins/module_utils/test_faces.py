# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Resources sized by settings, not by input: the lookup's clients are bounded and closed when evicted, so a
loop over 130 connection settings runs under a limit of open files; running out of file descriptors is an
error of its own, said plainly and never retried. The limits apply to a forked child only."""

from __future__ import annotations

import os
import resource
import threading

import pytest

from ansible_collections.dataarts.fabric.plugins.module_utils._config.types import Query
from ansible_collections.dataarts.fabric.plugins.module_utils._errors import FabricError
from ansible_collections.dataarts.fabric.plugins.module_utils._faces import CLIENTS_MAX, ClientCache, run_call
from ansible_collections.dataarts.fabric.plugins.module_utils._http.client import FabricHttpClient
from ansible_collections.dataarts.fabric.plugins.module_utils._http.deadline import WATCHDOG
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.listing import run_queries
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.query import SessionQuery
from ansible_collections.dataarts.fabric.tests.emulator.fabric_emulator import FabricEmulator
from ansible_collections.dataarts.fabric.tests.unit.plugins.clients import make_connection
from ansible_collections.dataarts.fabric.tests.unit.plugins.fake_fabric import ENDPOINT
from ansible_collections.dataarts.fabric.tests.unit.plugins.two_users import in_child

SETTINGS = 130


@pytest.fixture(scope='module')
def emulator():
    with FabricEmulator() as emu:
        yield emu


def open_files():
    return len(os.listdir('/proc/self/fd'))


def lookup_call(url, clients, timeout, retries=0):
    """What one call of the lookup does, with connection settings of its own."""
    raw = {'endpoint': url, 'auth_token': 'emulator-token', 'timeout': timeout, 'retries': retries}

    def work(config, client):
        return run_queries(client, [SessionQuery.for_workspace('ws-demo', Query())], lambda warning: None)

    return run_call(raw, 'test', work, lambda warning: None, clients)


def _loop_under_a_file_limit(url):
    limit = min(128, open_files() + 64)  # fewer than the settings: one socket kept per client would run out
    resource.setrlimit(resource.RLIMIT_NOFILE, (limit, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
    clients = ClientCache('test')
    peak = 0
    for index in range(SETTINGS):
        [listing] = lookup_call(url, clients, timeout=5 + index / 10)
        assert listing.sessions
        peak = max(peak, open_files())
    clients.close()
    return limit, peak


@pytest.mark.skipif(not os.path.isdir('/proc/self/fd'), reason='counts open files in /proc')
def test_a_loop_over_130_settings_runs_under_a_limit_of_open_files(emulator):
    limit, peak = in_child(_loop_under_a_file_limit, emulator.url)
    assert peak < limit


def test_the_least_recently_used_client_is_closed_when_evicted(emulator):
    clients = ClientCache('test')
    closed = []

    def call(timeout):
        lookup_call(emulator.url, clients, timeout=timeout)
        for client in clients._clients.values():
            if not hasattr(client, 'timeout_seen'):
                client.timeout_seen = client.transport.connection.timeout
                client.transport.close = lambda seen=client.timeout_seen: closed.append(seen)

    for timeout in range(5, 5 + CLIENTS_MAX):
        call(timeout)
    call(5)  # used again: the client of timeout 6 is now the least recently used
    assert closed == []
    call(100)
    assert closed == [6] and len(clients._clients) == CLIENTS_MAX
    clients.close()
    assert sorted(closed) == [5, 6] + list(range(7, 5 + CLIENTS_MAX)) + [100] and not clients._clients


def _request_without_descriptors(url):
    held = []
    resource.setrlimit(resource.RLIMIT_NOFILE, (open_files() + 16, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
    try:
        while True:
            held.append(os.open(os.devnull, os.O_RDONLY))
    except OSError:
        pass
    clients = ClientCache('test')
    try:
        lookup_call(url, clients, timeout=5, retries=3)
    except FabricError as exc:
        client = next(iter(clients._clients.values()))
        return str(exc), len(client.retry_events)
    finally:
        for fd in held:
            os.close(fd)
    return 'no error', 0


def test_running_out_of_file_descriptors_is_said_plainly_and_not_retried(emulator):
    emulator.clear_log()
    message, retries = in_child(_request_without_descriptors, emulator.url)
    assert 'no file descriptor left' in message and 'ulimit -n' in message
    assert retries == 0 and emulator.requests_log() == []


def test_a_thread_that_cannot_start_for_a_request_is_said_plainly_and_not_retried(emulator, monkeypatch):
    start = threading.Thread.start

    def refuse(thread):
        if thread.name == 'fabric-request-deadline':
            raise RuntimeError("can't start new thread")
        start(thread)

    monkeypatch.setattr(threading.Thread, 'start', refuse)
    monkeypatch.setattr(WATCHDOG, '_pid', None)  # as in a new process: the watchdog thread is started anew
    emulator.clear_log()
    clients = ClientCache('test')
    with pytest.raises(FabricError) as caught:
        lookup_call(emulator.url, clients, timeout=5, retries=3)
    assert 'could not start a thread' in str(caught.value) and 'limit of threads' in str(caught.value)
    assert next(iter(clients._clients.values())).retry_events == [] and emulator.requests_log() == []
    assert WATCHDOG._pid != os.getpid()  # the next request starts the watchdog again
    monkeypatch.undo()
    clients.close()


def test_the_cache_keeps_at_most_its_size_and_closes_what_it_evicts(monkeypatch):
    closed = []

    def record(client):
        closed.append(client)

    monkeypatch.setattr(FabricHttpClient, 'close', record)
    cache = ClientCache('test')
    made = [cache.get(make_connection(ENDPOINT, timeout=1 + index)) for index in range(CLIENTS_MAX + 6)]
    assert len(cache._clients) == CLIENTS_MAX and closed == made[:6]  # the least recently used, closed
    cache.close()
    assert not cache._clients and sorted(map(id, closed)) == sorted(map(id, made))


def test_the_same_connection_gets_the_same_client():
    cache = ClientCache('test')
    assert cache.get(make_connection(ENDPOINT)) is cache.get(make_connection(ENDPOINT))
    cache.close()


def test_a_failure_leaves_scrubbed_of_the_secrets_in_use_from_options_and_the_environment(monkeypatch):
    monkeypatch.setenv('HTTPS_PROXY', 'http://user:env-Pr0xy-pass@127.0.0.1:3128')

    def work(config, client):
        raise FabricError('saw %s and %s' % (config.connection.credentials.auth_token, 'env-Pr0xy-pass'))

    with pytest.raises(FabricError) as caught:
        run_call({'endpoint': 'https://fabric.example.test', 'auth_token': 'raw-T0ken-123'}, 'test', work,
                 lambda warning: None)
    assert 'raw-T0ken-123' not in str(caught.value) and 'env-Pr0xy-pass' not in str(caught.value)


def test_a_load_that_fails_is_scrubbed_before_any_client(monkeypatch):
    with pytest.raises(FabricError) as caught:
        run_call({'endpoint': 'ftp://x', 'auth_token': 'raw-T0ken-123'}, 'test', lambda c, k: None, print)
    assert 'endpoint must be an http:// or https:// URL' in str(caught.value)
