# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Two `make demo` at once (hacking/demo.py): neither changes .venv/demo under the other's run.

The nox session is replaced by one that makes the files the real commands make (a venv's python, a tarball with
its FILES.json, the installed FILES.json), so the test sees the lock and the install, not pip and ansible-galaxy.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import pathlib
import subprocess
import sys
import tarfile
import threading

ROOT = pathlib.Path(__file__).resolve().parents[3]
SPEC = importlib.util.spec_from_file_location('fabric_demo', str(ROOT / 'hacking' / 'demo.py'))
demo = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(demo)
INSTALLED = pathlib.Path('ansible_collections') / 'dataarts' / 'fabric' / 'FILES.json'


class FakeSession:
    """What session.run would leave behind; ``files`` is the FILES.json of the collection as it is now."""

    def __init__(self, files: str) -> None:
        self.files = files
        self.installs = 0

    def run(self, *args: str, **_kwargs) -> str:
        if args[1:3] == ('-m', 'venv'):
            (pathlib.Path(args[3]) / 'bin').mkdir(parents=True, exist_ok=True)
            (pathlib.Path(args[3]) / 'bin' / 'python').write_text('', encoding='utf-8')
        elif args[1:3] == ('collection', 'build'):
            data = self.files.encode()
            with tarfile.open(pathlib.Path(args[4]) / 'dataarts-fabric-1.0.0.tar.gz', 'w:gz') as archive:
                member = tarfile.TarInfo('FILES.json')
                member.size = len(data)
                archive.addfile(member, io.BytesIO(data))
        elif args[1:3] == ('collection', 'install'):
            self.installs += 1
            with tarfile.open(args[6]) as archive:
                text = archive.extractfile('FILES.json').read()
            target = pathlib.Path(args[5]) / INSTALLED
            target.parent.mkdir(parents=True)
            target.write_bytes(text)
        return ''


def _demo(tmp_path: pathlib.Path, session: FakeSession, inside, done: list) -> threading.Thread:
    requirements = tmp_path / 'requirements.txt'
    requirements.write_text('ansible-core==2.19.14\n', encoding='utf-8')

    def run() -> None:
        with demo.prepared(session, tmp_path / 'venv', pathlib.Path('/usr/bin/python3'), [requirements], ROOT,
                           tmp_path / 'inventory.yml') as (bin_dir, config):
            inside(bin_dir, config)
        done.append(True)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _installed(tmp_path: pathlib.Path) -> str:
    return (tmp_path / 'venv' / 'collections' / INSTALLED).read_text(encoding='utf-8')


def test_a_changed_collection_waits_until_the_running_demo_ends(tmp_path, capsys):
    first_in, first_may_end = threading.Event(), threading.Event()
    seen_by_first: list[str] = []
    done: list = []

    def first(_bin_dir, config):
        seen_by_first.append(_installed(tmp_path))
        first_in.set()
        first_may_end.wait(10)
        seen_by_first.append(_installed(tmp_path))  # still there, still the same, after the second one started
        assert 'collections_path = %s' % (tmp_path / 'venv' / 'collections') in config.read_text(encoding='utf-8')

    one = _demo(tmp_path, FakeSession(json.dumps({'files': ['v1']})), first, done)
    assert first_in.wait(10)
    second_saw: list[str] = []
    second_session = FakeSession(json.dumps({'files': ['v2']}))
    two = _demo(tmp_path, second_session, lambda *_: second_saw.append(_installed(tmp_path)), done)
    two.join(1.5)
    assert two.is_alive() and second_saw == []  # it waits: the first demo still runs
    first_may_end.set()
    one.join(10)
    two.join(10)
    assert done == [True, True]
    assert seen_by_first == [json.dumps({'files': ['v1']})] * 2
    assert second_saw == [json.dumps({'files': ['v2']})] and second_session.installs == 1
    assert 'make demo: another make demo is using .venv/demo' in capsys.readouterr().out
    assert not list((tmp_path / 'venv').glob('.collections-*')) and not list((tmp_path / 'venv').glob('.build-*'))


def test_an_unchanged_collection_runs_beside_the_running_demo(tmp_path):
    files = json.dumps({'files': ['same']})
    first_in, first_may_end = threading.Event(), threading.Event()
    done: list = []

    def first(_bin_dir, _config):
        first_in.set()
        first_may_end.wait(10)

    one = _demo(tmp_path, FakeSession(files), first, done)
    assert first_in.wait(10)
    second_session = FakeSession(files)
    two = _demo(tmp_path, second_session, lambda *_: None, done)
    two.join(10)
    assert not two.is_alive() and one.is_alive()  # the second demo ended while the first still ran
    assert second_session.installs == 0
    first_may_end.set()
    one.join(10)
    assert done == [True, True]
    assert _installed(tmp_path) == files


def test_only_what_an_ended_demo_left_is_removed(tmp_path):
    ended = subprocess.run([sys.executable, '-c', 'import os; print(os.getpid())'], capture_output=True, text=True,
                           check=True)
    mine = tmp_path / ('.build-%d-abc' % os.getpid())  # a demo that still runs (it may be waiting for the lock)
    left = [tmp_path / ('.build-%s-abc' % ended.stdout.strip()),
            tmp_path / ('.collections-new-%s-def' % ended.stdout.strip())]
    for path in [mine] + left:
        path.mkdir()
    demo._remove_leftovers(tmp_path)  # pylint: disable=protected-access
    assert mine.is_dir() and not any(path.exists() for path in left)
