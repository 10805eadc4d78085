# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The IAM token cache: one IAM request per identity while the token is valid, files only the user can
open, corrupt or foreign files never trusted, parallel writers never seen half-written."""

from __future__ import annotations

import datetime
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
from ansible_collections.dataarts.fabric.plugins.module_utils._http.token_cache import TokenCache, identity_key
from ansible_collections.dataarts.fabric.plugins.module_utils._http.factory import open_client
from ansible_collections.dataarts.fabric.tests.emulator.fabric_emulator import FabricEmulator

NOW = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=datetime.timezone.utc)
PASSWORD = 'emulator-password'


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


def test_five_tasks_ask_iam_once_and_a_second_play_not_at_all(emulator, cache_home):
    emulator.reset()
    for _task in range(5):
        one_task(emulator)
    assert emulator.token_stats()['issued'] == 1
    [entry] = list(cache_home.iterdir())
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600 and stat.S_IMODE(cache_home.stat().st_mode) == 0o700
    assert PASSWORD not in entry.name and PASSWORD not in entry.read_text()


def test_the_cache_can_be_turned_off(emulator, cache_home):
    emulator.reset()
    for _task in range(3):
        one_task(emulator, token_cache=False)
    assert emulator.token_stats()['issued'] == 3 and not cache_home.exists()


def test_a_changed_password_never_reuses_a_token(emulator, cache_home):
    assert identity_key('iam', 'd', 'u', None, 'p', 'one') != identity_key('iam', 'd', 'u', None, 'p', 'two')


def test_a_rejected_cached_token_is_dropped_and_fetched_again_once(emulator, cache_home):
    emulator.reset()
    one_task(emulator)
    emulator.expire_tokens()
    one_task(emulator)
    assert emulator.token_stats()['issued'] == 2
    one_task(emulator)
    assert emulator.token_stats()['issued'] == 2


def cache_for(directory, **kwargs):
    return TokenCache('k' * 64, directory=str(directory), clock=lambda: NOW, **kwargs)


def test_a_token_is_used_until_five_minutes_before_it_expires(tmp_path):
    cache = cache_for(tmp_path)
    cache.store('tok-1', NOW + datetime.timedelta(minutes=6))
    assert cache.load() == ('tok-1', NOW + datetime.timedelta(minutes=6))
    cache.store('tok-2', NOW + datetime.timedelta(minutes=4))  # not worth keeping: the old entry stays
    assert cache.load()[0] == 'tok-1'
    assert TokenCache('k' * 64, directory=str(tmp_path), clock=lambda: NOW + datetime.timedelta(minutes=2)).load() is None


@pytest.mark.parametrize('content', [b'', b'{', b'[]', b'{"token": 5, "expires_at": "x"}',
                                     b'{"token": "t", "expires_at": "2999-01-01T00:00:00"}', b'\xff' * 10,
                                     b'[' * 100000])
def test_a_corrupt_entry_is_ignored_and_replaced(tmp_path, content):
    cache = cache_for(tmp_path)
    os.chmod(tmp_path, 0o700)
    path = tmp_path / ('k' * 64 + '.json')
    path.write_bytes(content)
    path.chmod(0o600)
    assert cache.load() is None
    cache.store('tok-new', NOW + datetime.timedelta(hours=1))
    assert cache.load()[0] == 'tok-new'


def test_an_entry_others_can_open_is_ignored_with_a_warning(tmp_path):
    warnings = []
    cache = cache_for(tmp_path, warn=warnings.append)
    cache.store('tok-1', NOW + datetime.timedelta(hours=1))
    os.chmod(cache.path, 0o644)
    assert cache.load() is None
    assert warnings and cache.path in warnings[0] and 'tok-1' not in warnings[0]


def test_a_link_in_place_of_the_entry_is_not_followed(tmp_path):
    target = tmp_path / 'elsewhere.json'
    target.write_text(json.dumps({'token': 'planted', 'expires_at': '2999-01-01T00:00:00+00:00'}))
    target.chmod(0o600)
    cache = cache_for(tmp_path)
    os.symlink(str(target), cache.path)
    assert cache.load() is None


def _writer(directory, index, rounds):
    cache = TokenCache('k' * 64, directory=directory, clock=lambda: NOW)
    for round_ in range(rounds):
        cache.store('tok-%d-%d' % (index, round_), NOW + datetime.timedelta(hours=1))


def test_parallel_writers_never_leave_half_a_file(tmp_path):
    context = multiprocessing.get_context('fork')
    writers = [context.Process(target=_writer, args=(str(tmp_path), index, 200)) for index in range(4)]
    for writer in writers:
        writer.start()
    reader = cache_for(tmp_path)
    seen = set()
    for _read in range(500):
        entry = reader.load()
        if entry is not None:
            seen.add(entry[0])
    for writer in writers:
        writer.join(60)
    assert all(writer.exitcode == 0 for writer in writers)
    assert reader.load() is not None and all(token.startswith('tok-') for token in seen)
    assert [p.name for p in tmp_path.iterdir()] == ['k' * 64 + '.json']
