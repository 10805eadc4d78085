# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The token cache between two local users: what one plants where the other's cache path passes is never
used, followed or chmodded; the victim's task still works (asking IAM) and says why the cache is not used.
Each user's steps run in a child process with that user's IDs (root only)."""

from __future__ import annotations

import datetime
import json
import os
import stat

import pytest

from ansible_collections.dataarts.fabric.plugins.module_utils._http.token_cache import TokenCache
from ansible_collections.dataarts.fabric.tests.emulator.fabric_emulator import FabricEmulator
from ansible_collections.dataarts.fabric.tests.unit.plugins.module_utils._http.test_token_cache import one_task
from ansible_collections.dataarts.fabric.tests.unit.plugins.two_users import (
    ATTACKER,
    VICTIM,
    as_user,
    needs_root,
    shared_tree,
)

pytestmark = needs_root
PARTS = ('https://iam.example.test', 'domain', 'victim', None, 'cn-north-4', 'victims-password')
LATER = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=2)


def victim_cache(base):
    """The victim's cache: what it loads after storing its own token, and what it warned."""
    warnings = []
    cache = TokenCache(PARTS, environ={'XDG_CACHE_HOME': base, 'HOME': '/nonexistent'}, warn=warnings.append)
    before = cache.load()
    cache.store('victims-token', LATER)
    return before, cache.load(), warnings


def plant_tree(shared, victim_dir):
    """The attacker's cache tree in the shared directory: open to all, with a token of the attacker's in
    every file name it can guess, and the last directory a link to a directory of the victim."""
    top = os.path.join(shared, 'cache')
    os.makedirs(os.path.join(top, 'dataarts.fabric'))
    for path in (top, os.path.join(top, 'dataarts.fabric')):
        os.chmod(path, 0o777)
    os.symlink(victim_dir, os.path.join(top, 'dataarts.fabric', 'tokens'))


def test_a_tree_planted_by_another_user_is_never_used_nor_chmodded():
    with shared_tree() as (shared, home):
        project = os.path.join(home, 'project')
        as_user(VICTIM, os.mkdir, project, 0o755)
        as_user(ATTACKER, plant_tree, shared, project)
        before, after, warnings = as_user(VICTIM, victim_cache, os.path.join(shared, 'cache'))
        assert before is None and after is None
        assert stat.S_IMODE(os.stat(project).st_mode) == 0o755 and os.listdir(project) == []
    assert warnings == ['the IAM token cache is not used: %s is owned by another user (uid %d); every task asks'
                        ' IAM for a token' % (os.path.join(shared, 'cache'), ATTACKER)]
    assert 'victims' not in warnings[0]


def test_a_link_planted_in_place_of_the_cache_home_is_not_followed():
    with shared_tree() as (shared, home):
        cache_home = os.path.join(home, 'cache')
        as_user(VICTIM, os.mkdir, cache_home, 0o700)
        as_user(ATTACKER, os.symlink, cache_home, os.path.join(shared, 'cache'))
        before, after, warnings = as_user(VICTIM, victim_cache, os.path.join(shared, 'cache'))
        assert before is None and after is None and os.listdir(cache_home) == []
    assert 'is a symbolic link owned by another user (uid %d)' % ATTACKER in warnings[0]


def _attacker_reads(directory):
    found = {}
    for name in os.listdir(directory):
        try:
            with open(os.path.join(directory, name), 'rb') as handle:
                found[name] = handle.read()
        except OSError as exc:
            found[name] = exc.errno
    return found


def test_the_victims_own_cache_in_a_shared_directory_works_and_others_cannot_read_it():
    with shared_tree() as (shared, home):
        before, after, warnings = as_user(VICTIM, victim_cache, os.path.join(shared, 'mine'))
        assert before is None and after == ('victims-token', LATER) and warnings == []
        tokens = os.path.join(shared, 'mine', 'dataarts.fabric', 'tokens')
        with pytest.raises(AssertionError, match='Permission denied'):
            as_user(ATTACKER, _attacker_reads, tokens)
        assert {os.stat(os.path.join(tokens, name)).st_uid for name in os.listdir(tokens)} == {VICTIM}


def _victims_task(url, base):
    os.environ['XDG_CACHE_HOME'] = base
    warnings = []
    one_task(type('Emu', (), {'url': url})(), warnings)
    return warnings


def test_the_victims_task_still_works_and_says_why_the_cache_is_not_used():
    with FabricEmulator() as emu, shared_tree() as (shared, home):
        as_user(ATTACKER, os.makedirs, os.path.join(shared, 'cache', 'dataarts.fabric', 'tokens'), 0o777)
        planted = os.path.join(shared, 'cache', 'dataarts.fabric', 'tokens', 'entry.json')
        as_user(ATTACKER, lambda: open(planted, 'w').write(json.dumps({'token': 'attackers-token',
                                                                      'expires_at': LATER.isoformat()})))
        warnings = as_user(VICTIM, _victims_task, emu.url, os.path.join(shared, 'cache'))
        assert emu.token_stats()['issued'] == 1
    assert [warning for warning in warnings if 'token cache' in warning] == [
        'the IAM token cache is not used: %s is owned by another user (uid %d); every task asks IAM for a token'
        % (os.path.join(shared, 'cache'), ATTACKER)]
