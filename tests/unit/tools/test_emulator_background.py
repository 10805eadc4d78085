# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""`make emulator` and `make emulator-stop` (hacking/emulator_background.py) from two terminals at once, with a
lifetime of their own, and after the emulator stopped by itself."""

from __future__ import annotations

import pathlib
import socket
import subprocess
import sys
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
SCRIPT = ROOT / 'hacking' / 'emulator_background.py'


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT)] + list(args), capture_output=True, text=True, timeout=60,
                          check=False)


def _emulators(state: pathlib.Path) -> list[int]:
    """The emulators whose command line names this state folder's URL file."""
    found = []
    for proc in pathlib.Path('/proc').iterdir():
        try:
            command = (proc / 'cmdline').read_bytes().split(b'\0')
        except OSError:
            continue
        if proc.name.isdigit() and str(state / 'url').encode() in command and b'--url-file' in command:
            found.append(int(proc.name))
    return found


@pytest.fixture
def state(tmp_path):
    folder = tmp_path / 'emulator'
    yield folder
    _run('stop', str(folder))


def test_two_starts_at_once_start_one_emulator_that_stop_stops(state):
    starts = [subprocess.Popen([sys.executable, str(SCRIPT), 'start', str(state)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True) for _start in range(3)]
    outputs = [start.communicate(timeout=60)[0] for start in starts]
    assert [start.returncode for start in starts] == [0, 0, 0]
    assert sum('The emulator runs on' in output for output in outputs) == 1
    assert sum('The emulator already runs' in output for output in outputs) == 2
    assert len(_emulators(state)) == 1
    stopped = _run('stop', str(state))
    assert stopped.returncode == 0 and 'stopped' in stopped.stdout
    assert _emulators(state) == []
    assert not (state / 'url').exists()


def test_the_message_says_the_lifetime_given(state):
    started = _run('start', str(state), '--lifetime', '600')
    assert 'It stops by itself after 10 minutes' in started.stdout, started.stderr


def test_an_emulator_that_stopped_by_itself_leaves_no_url_file(state):
    started = _run('start', str(state), '--lifetime', '1')
    assert 'It stops by itself after 1 s' in started.stdout, started.stderr
    deadline = time.monotonic() + 15
    while _emulators(state) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _emulators(state) == []
    assert not (state / 'url').exists()
    assert 'No emulator started by make emulator is running.' in _run('stop', str(state)).stdout


def test_a_url_file_left_by_a_killed_emulator_is_removed_by_stop(state):
    state.mkdir()
    (state / 'url').write_text('http://127.0.0.1:1\n', encoding='utf-8')
    (state / 'pid').write_text('999999999\n', encoding='utf-8')
    stopped = _run('stop', str(state))
    assert 'No emulator started by make emulator is running (removed the URL file it left' in stopped.stdout
    assert not (state / 'url').exists() and not (state / 'pid').exists()


def test_a_taken_port_is_named(state):
    with socket.socket() as taken:
        taken.bind(('127.0.0.1', 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = _run('start', str(state), '--port', str(port))
    assert started.returncode == 1
    assert 'port %d is taken: give another --port, or none for a free one' % port in started.stderr
