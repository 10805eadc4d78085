# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The private directory: every component checked without following links, files opened without blocking and
used only when regular and private. Tests that need two users run their steps in children that switch to
other user IDs (root only)."""

from __future__ import annotations

import os
import stat

import pytest

from ansible_collections.dataarts.fabric.plugins.module_utils._http import private_dir
from ansible_collections.dataarts.fabric.plugins.module_utils._http.private_dir import UnsafePath
from ansible_collections.dataarts.fabric.tests.unit.plugins.two_users import (
    ATTACKER,
    VICTIM,
    as_user,
    needs_root,
    shared_tree,
)

OWN = ('dataarts.fabric', 'tokens')


def open_and_close(base, own=OWN):
    os.close(private_dir.open_directory(base, own))
    return os.path.join(base, *own)


def test_a_missing_path_is_made_private(tmp_path):
    made = open_and_close(str(tmp_path / 'cache'))
    assert stat.S_IMODE(os.stat(made).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(tmp_path / 'cache' / 'dataarts.fabric').st_mode) == 0o700


def test_a_relative_base_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UnsafePath, match='not an absolute path'):
        open_and_close('cache')
    assert list(tmp_path.iterdir()) == []


def test_a_directory_others_can_write_is_refused_and_left_as_it_is(tmp_path):
    base = tmp_path / 'cache'
    (base / 'dataarts.fabric').mkdir(parents=True)
    (base / 'dataarts.fabric').chmod(0o777)
    with pytest.raises(UnsafePath, match=r'dataarts.fabric can be written by other users \(mode 0o777\)'):
        open_and_close(str(base))
    assert stat.S_IMODE((base / 'dataarts.fabric').stat().st_mode) == 0o777


def test_the_last_directory_of_the_user_gets_0700_through_its_descriptor(tmp_path):
    tokens = tmp_path / 'cache' / 'dataarts.fabric' / 'tokens'
    tokens.mkdir(parents=True, mode=0o700)
    tokens.chmod(0o755)
    open_and_close(str(tmp_path / 'cache'))
    assert stat.S_IMODE(tokens.stat().st_mode) == 0o700


def test_a_link_of_the_user_on_the_way_is_followed_and_one_at_the_end_is_not(tmp_path):
    (tmp_path / 'real').mkdir()
    os.symlink(str(tmp_path / 'real'), str(tmp_path / 'cache'))
    open_and_close(str(tmp_path / 'cache'))
    assert (tmp_path / 'real' / 'dataarts.fabric' / 'tokens').is_dir()
    elsewhere = tmp_path / 'elsewhere'
    elsewhere.mkdir(mode=0o755)
    (tmp_path / 'other' / 'dataarts.fabric').mkdir(parents=True, mode=0o700)
    os.symlink(str(elsewhere), str(tmp_path / 'other' / 'dataarts.fabric' / 'tokens'))
    with pytest.raises(UnsafePath, match='tokens is a symbolic link'):
        open_and_close(str(tmp_path / 'other'))
    assert stat.S_IMODE(elsewhere.stat().st_mode) == 0o755  # never chmodded through the link


def test_a_file_in_place_of_a_directory_is_refused(tmp_path):
    (tmp_path / 'cache').write_text('')
    with pytest.raises(UnsafePath, match='cache is not a directory'):
        open_and_close(str(tmp_path / 'cache'))


def test_a_loop_of_links_ends(tmp_path):
    os.symlink(str(tmp_path / 'b'), str(tmp_path / 'a'))
    os.symlink(str(tmp_path / 'a'), str(tmp_path / 'b'))
    with pytest.raises(UnsafePath, match='too many'):
        open_and_close(str(tmp_path / 'a'))


@pytest.fixture
def directory(tmp_path):
    fd = private_dir.open_directory(str(tmp_path), ('own',))
    yield tmp_path / 'own', fd
    os.close(fd)


def test_a_fifo_in_place_of_a_file_is_refused_without_blocking(directory):
    path, fd = directory
    os.mkfifo(str(path / 'entry'), 0o600)
    with pytest.raises(UnsafePath, match='is not a regular file'):
        private_dir.read_file(fd, 'entry', 100, 'the entry')


def test_a_fifo_in_place_of_a_lock_is_refused_without_blocking(directory):
    path, fd = directory
    os.mkfifo(str(path / 'entry.lock'), 0o600)
    with pytest.raises(UnsafePath, match='not a regular file of this user'):
        private_dir.open_lock_file(fd, 'entry.lock', 'the lock')


def test_a_link_in_place_of_a_file_is_not_followed(directory):
    path, fd = directory
    (path / 'target').write_text('planted')
    (path / 'target').chmod(0o600)
    os.symlink(str(path / 'target'), str(path / 'entry'))
    with pytest.raises(UnsafePath, match='the entry is a symbolic link'):
        private_dir.read_file(fd, 'entry', 100, 'the entry')


def test_a_file_others_can_read_is_refused(directory):
    path, fd = directory
    (path / 'entry').write_text('x')
    (path / 'entry').chmod(0o640)
    with pytest.raises(UnsafePath, match=r'can be read by other users \(mode 0o640\)'):
        private_dir.read_file(fd, 'entry', 100, 'the entry')


def test_files_are_written_whole_with_mode_0600_and_kept_when_asked(directory):
    path, fd = directory
    assert private_dir.write_file(fd, 'entry', b'one')
    assert not private_dir.write_file(fd, 'entry', b'two', replace=False)
    assert private_dir.read_file(fd, 'entry', 100, 'the entry') == b'one'
    assert private_dir.write_file(fd, 'entry', b'three')
    assert private_dir.read_file(fd, 'entry', 100, 'the entry') == b'three'
    assert stat.S_IMODE((path / 'entry').stat().st_mode) == 0o600 and sorted(os.listdir(path)) == ['entry']


def test_a_fifo_is_replaced_by_a_write(directory):
    path, fd = directory
    os.mkfifo(str(path / 'entry'), 0o600)
    private_dir.write_file(fd, 'entry', b'data')
    assert private_dir.read_file(fd, 'entry', 100, 'the entry') == b'data'


# Two users: an attacker who plants things where the victim's cache path passes, and the victim.

def _victim_opens(base):
    try:
        open_and_close(base)
    except UnsafePath as exc:
        return str(exc)
    return None


@needs_root
def test_a_directory_planted_by_another_user_is_refused(tmp_path):
    with shared_tree() as (shared, victim_home):
        as_user(ATTACKER, os.makedirs, os.path.join(shared, 'cache', 'dataarts.fabric', 'tokens'), 0o777)
        refusal = as_user(VICTIM, _victim_opens, os.path.join(shared, 'cache'))
    assert refusal == '%s is owned by another user (uid %d)' % (os.path.join(shared, 'cache'), ATTACKER)


@needs_root
def test_a_link_planted_by_another_user_is_not_followed_and_nothing_is_chmodded(tmp_path):
    with shared_tree() as (shared, victim_home):
        project = os.path.join(victim_home, 'project')
        as_user(VICTIM, os.mkdir, project, 0o755)
        as_user(ATTACKER, os.symlink, project, os.path.join(shared, 'cache'))
        refusal = as_user(VICTIM, _victim_opens, os.path.join(shared, 'cache'))
        assert refusal == '%s is a symbolic link owned by another user (uid %d)' % (
            os.path.join(shared, 'cache'), ATTACKER)
        assert stat.S_IMODE(os.stat(project).st_mode) == 0o755 and os.listdir(project) == []


@needs_root
def test_the_victims_own_directory_in_a_sticky_shared_one_is_used(tmp_path):
    with shared_tree() as (shared, victim_home):
        assert as_user(VICTIM, _victim_opens, os.path.join(shared, 'mine')) is None
        assert os.stat(os.path.join(shared, 'mine', 'dataarts.fabric', 'tokens')).st_uid == VICTIM
