# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The IAM token cache: one IAM request per identity while the token is valid (also for ten processes at
once), files only the user can open, names that reveal nothing of the password, corrupt or foreign files
never trusted, parallel writers never seen half-written."""

from __future__ import annotations

import datetime
import hashlib
import json
import multiprocessing
import os
import stat

import pytest

from ansible_collections.dataarts.fabric.plugins.module_utils._config.loader import load_config
from ansible_collections.dataarts.fabric.plugins.module_utils._config.types import Query
from ansible_collections.dataarts.fabric.plugins.module_utils._config.options import ALL_OPTIONS
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.listing import run_queries
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.query import SessionQuery
from ansible_collections.dataarts.fabric.plugins.module_utils._http.token_cache import KEY_FILE, TokenCache
from ansible_collections.dataarts.fabric.plugins.module_utils._http.factory import open_client
from ansible_collections.dataarts.fabric.tests.emulator.fabric_emulator import FabricEmulator

NOW = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=datetime.timezone.utc)
PASSWORD = 'emulator-password'
PARTS = ('https://iam.example.test', 'domain', 'user', None, 'cn-north-4', PASSWORD)


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path / 'cache'))
    return tmp_path / 'cache' / 'dataarts.fabric' / 'tokens'


@pytest.fixture(scope='module')
def emulator():
    with FabricEmulator() as emu:
        yield emu


def password_connection(emu, **given):
    values = {option.name: option.default for option in ALL_OPTIONS}
    values.update(endpoint=emu.url, iam_endpoint=emu.url, username='emulator-user', password=PASSWORD,
                  domain_name='emulator-domain', project_name='cn-north-4', retries=0)
    values.update(given)
    return load_config(values, environ={}).connection


def one_task(emu, warnings=None, **given):
    """What one module run does: a new client, one listing."""
    with open_client(password_connection(emu, **given), 'test') as client:
        run_queries(client, [SessionQuery.for_workspace('ws-demo', Query())],
                    (warnings if warnings is not None else []).append)


def entries(directory):
    return sorted(path for path in directory.iterdir() if path.name.endswith('.json'))


def test_five_tasks_ask_iam_once_in_private_files(emulator, cache_home):
    emulator.reset()
    warnings = []
    for _task in range(5):
        one_task(emulator, warnings)
    assert emulator.token_stats()['issued'] == 1 and warnings == []
    [entry] = entries(cache_home)
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600 and stat.S_IMODE(cache_home.stat().st_mode) == 0o700
    assert stat.S_IMODE((cache_home / KEY_FILE).stat().st_mode) == 0o600
    assert PASSWORD not in entry.name and PASSWORD not in entry.read_text()


def test_the_cache_can_be_turned_off(emulator, cache_home):
    emulator.reset()
    for _task in range(3):
        one_task(emulator, token_cache=False)
    assert emulator.token_stats()['issued'] == 3 and not cache_home.exists()


def test_a_rejected_cached_token_is_dropped_and_fetched_again_once(emulator, cache_home):
    emulator.reset()
    one_task(emulator)
    emulator.expire_tokens()
    one_task(emulator)
    assert emulator.token_stats()['issued'] == 2
    one_task(emulator)
    assert emulator.token_stats()['issued'] == 2


def _task_in_a_process(url, results):
    emu = type('Emu', (), {'url': url})()
    try:
        one_task(emu)
    except Exception as exc:  # reported to the parent
        results.put(repr(exc))
    else:
        results.put('ok')


def test_ten_processes_with_an_empty_cache_make_one_exchange(emulator, cache_home):
    emulator.reset()
    emulator.set_latency(300)  # every process finds the cache empty before the first exchange ends
    context = multiprocessing.get_context('fork')
    results = context.Queue()
    tasks = [context.Process(target=_task_in_a_process, args=(emulator.url, results)) for _index in range(10)]
    try:
        for task in tasks:
            task.start()
        outcomes = [results.get(timeout=120) for _task in tasks]
        for task in tasks:
            task.join(60)
    finally:
        emulator.set_latency(0)
    assert outcomes == ['ok'] * 10
    assert emulator.token_stats()['issued'] == 1


def cache_for(base, **kwargs):
    kwargs.setdefault('clock', lambda: NOW)
    return TokenCache(PARTS, base=str(base), **kwargs)


def test_names_are_keyed_hashes_that_a_dictionary_cannot_reverse(tmp_path):
    cache_for(tmp_path / 'one').store('tok', NOW + datetime.timedelta(hours=1))
    cache_for(tmp_path / 'two').store('tok', NOW + datetime.timedelta(hours=1))
    [one] = entries(tmp_path / 'one' / 'dataarts.fabric' / 'tokens')
    [two] = entries(tmp_path / 'two' / 'dataarts.fabric' / 'tokens')
    assert one.name != two.name  # another key, another name: the name depends on more than the identity
    dictionary = ['password', 'letmein', PASSWORD, 'Passw0rd!']
    for guess in dictionary:
        for joined in ('\0'.join(part or '' for part in PARTS[:-1] + (guess,)) + '\0',
                       json.dumps(list(PARTS[:-1]) + [guess])):
            assert hashlib.sha256(joined.encode()).hexdigest() + '.json' not in (one.name, two.name)


def test_a_changed_password_never_reuses_a_token(tmp_path):
    cache_for(tmp_path).store('tok', NOW + datetime.timedelta(hours=1))
    other = TokenCache(PARTS[:-1] + ('changed',), base=str(tmp_path), clock=lambda: NOW)
    assert other.load() is None and cache_for(tmp_path).load()[0] == 'tok'


def test_a_token_is_used_until_five_minutes_before_it_expires(tmp_path):
    cache = cache_for(tmp_path)
    cache.store('tok-1', NOW + datetime.timedelta(minutes=6))
    assert cache.load() == ('tok-1', NOW + datetime.timedelta(minutes=6))
    cache.store('tok-2', NOW + datetime.timedelta(minutes=4))  # not worth keeping: the old entry stays
    assert cache.load()[0] == 'tok-1'
    assert cache_for(tmp_path, clock=lambda: NOW + datetime.timedelta(minutes=2)).load() is None


def test_a_refused_token_is_never_taken_from_the_cache_again(tmp_path):
    cache = cache_for(tmp_path)
    cache.store('tok-1', NOW + datetime.timedelta(hours=1))
    assert cache.load(refused='tok-1') is None and cache.load(refused='tok-0')[0] == 'tok-1'


def entry_path(tmp_path, cache):
    cache.load()  # names the entry (the key is made on first use)
    return os.path.join(cache.directory, cache._name + '.json')


@pytest.mark.parametrize('content', [b'', b'{', b'[]', b'{"token": 5, "expires_at": "x"}',
                                     b'{"token": "t", "expires_at": "2999-01-01T00:00:00"}', b'\xff' * 10,
                                     b'[' * 100000])
def test_a_corrupt_entry_is_ignored_and_replaced(tmp_path, content):
    cache = cache_for(tmp_path)
    path = entry_path(tmp_path, cache)
    with open(path, 'wb') as handle:
        handle.write(content)
    os.chmod(path, 0o600)
    assert cache.load() is None
    cache.store('tok-new', NOW + datetime.timedelta(hours=1))
    assert cache.load()[0] == 'tok-new'


def test_an_entry_others_can_open_is_ignored_with_a_warning_that_names_no_file(tmp_path):
    warnings = []
    cache = cache_for(tmp_path, warn=warnings.append)
    cache.store('tok-1', NOW + datetime.timedelta(hours=1))
    path = entry_path(tmp_path, cache)
    os.chmod(path, 0o644)
    assert cache.load() is None
    [warning] = warnings
    assert cache.directory in warning and 'other users' in warning
    assert 'tok-1' not in warning and os.path.basename(path) not in warning


def test_a_fifo_in_place_of_the_entry_does_not_block(tmp_path):
    warnings = []
    cache = cache_for(tmp_path, warn=warnings.append)
    path = entry_path(tmp_path, cache)
    os.mkfifo(path, 0o600)
    assert cache.load() is None and 'not a regular file' in warnings[0]
    cache.store('tok-1', NOW + datetime.timedelta(hours=1))  # replaces it
    assert cache.load()[0] == 'tok-1'


def test_a_link_in_place_of_the_entry_is_not_followed(tmp_path):
    target = tmp_path / 'elsewhere.json'
    target.write_text(json.dumps({'token': 'planted', 'expires_at': '2999-01-01T00:00:00+00:00'}))
    target.chmod(0o600)
    cache = cache_for(tmp_path)
    os.symlink(str(target), entry_path(tmp_path, cache))
    assert cache.load() is None


def test_a_relative_cache_home_keeps_nothing_and_says_why(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    warnings = []
    cache = TokenCache(PARTS, environ={'XDG_CACHE_HOME': 'cache', 'HOME': str(tmp_path)}, warn=warnings.append)
    cache.store('tok-1', datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1))
    assert cache.load() is None and list(tmp_path.iterdir()) == []
    assert warnings == ["the IAM token cache is not used: XDG_CACHE_HOME is not an absolute path ('cache');"
                        " every task asks IAM for a token"]


@pytest.mark.parametrize('home', ['', 'relative/home', '/'])
def test_no_usable_home_keeps_nothing_and_says_why(tmp_path, monkeypatch, home):
    monkeypatch.chdir(tmp_path)
    warnings = []
    cache = TokenCache(PARTS, environ={'HOME': home}, warn=warnings.append)
    cache.store('tok-1', datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1))
    assert cache.load() is None and list(tmp_path.iterdir()) == []
    assert len(warnings) == 1 and 'no usable home directory' in warnings[0]


def test_a_lock_held_elsewhere_is_waited_for_a_bounded_time(tmp_path):
    import fcntl
    warnings, slept = [], []
    cache = cache_for(tmp_path, warn=warnings.append, lock_wait=2.0, sleep=slept.append)
    cache.load()
    fd = os.open(os.path.join(cache.directory, cache._name + '.lock'), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # another process asking IAM, for ever
        with cache.exchange_lock() as held:
            assert held is False
    finally:
        os.close(fd)
    assert 1.9 <= sum(slept) <= 2.1 and 'asking IAM as well' in warnings[0]
    with cache.exchange_lock() as held:
        assert held is True


def test_a_cancelled_caller_stops_waiting_for_the_lock_at_once(tmp_path):
    import fcntl
    warnings, slept = [], []
    cache = cache_for(tmp_path, warn=warnings.append, lock_wait=30.0, sleep=lambda s: slept.append(s) or True)
    cache.load()
    fd = os.open(os.path.join(cache.directory, cache._name + '.lock'), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with cache.exchange_lock() as held:
            assert held is False
    finally:
        os.close(fd)
    assert len(slept) == 1 and warnings == []


def _writer(base, index, rounds):
    cache = cache_for(base)
    for round_ in range(rounds):
        cache.store('tok-%d-%d' % (index, round_), NOW + datetime.timedelta(hours=1))


def test_parallel_writers_never_leave_half_a_file(tmp_path):
    reader = cache_for(tmp_path)
    reader.load()
    context = multiprocessing.get_context('fork')
    writers = [context.Process(target=_writer, args=(str(tmp_path), index, 200)) for index in range(4)]
    for writer in writers:
        writer.start()
    seen = set()
    for _read in range(500):
        entry = reader.load()
        if entry is not None:
            seen.add(entry[0])
    for writer in writers:
        writer.join(60)
    assert all(writer.exitcode == 0 for writer in writers)
    assert reader.load() is not None and all(token.startswith('tok-') for token in seen)
    assert sorted(os.listdir(reader.directory)) == sorted([reader._name + '.json', KEY_FILE])


def test_a_cache_home_with_control_characters_keeps_nothing(tmp_path):
    warnings = []
    cache = TokenCache(PARTS, environ={'XDG_CACHE_HOME': str(tmp_path / 'cache\n')}, warn=warnings.append)
    assert cache.load() is None and list(tmp_path.iterdir()) == []
    assert warnings == ['the IAM token cache is not used: XDG_CACHE_HOME holds control characters; every task asks'
                        ' IAM for a token']
