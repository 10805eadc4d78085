# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""`make emulator` and `make emulator-stop`: one emulator left running in the background, to try things by hand.

    python hacking/emulator_background.py start DIR [fabric_emulator.py options]
    python hacking/emulator_background.py stop DIR

``start`` runs tests/emulator/fabric_emulator.py in a session of its own (so that it outlives make), waits until it
answers (emulator_process.py), writes its PID to DIR/pid (the emulator writes its URL to DIR/url) and says how to
use and stop it; while one runs, a second ``start`` starts nothing. The options are the emulator's (checked by its
own parser before anything starts): ``--port 8080`` for a fixed port, ``--lifetime SECONDS`` instead of an hour
(``0``: until stopped). ``stop`` sends SIGTERM to that PID, and only when that process is still this emulator (its
command line names DIR/url).

Both hold DIR/.lock while they look and act, so two ``make emulator`` at once start one emulator (the second says
it runs), and ``make emulator-stop`` stops it. An emulator removes DIR/url when it stops, on its own (its lifetime
ended) or told to; a URL file or PID file left by an emulator that was killed is removed by the next start or stop.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import subprocess
import sys
import time
import typing as t
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / 'tests' / 'integration' / 'targets' / 'setup_fabric_emulator'), str(ROOT / 'tests' / 'emulator')]

import emulator_process  # noqa: E402  # pylint: disable=wrong-import-position
from fabric_emulator import build_parser  # noqa: E402  # pylint: disable=wrong-import-position

EMULATOR = ROOT / 'tests' / 'emulator' / 'fabric_emulator.py'
LIFETIME_SECONDS = 3600
STOP_WAIT_SECONDS = 10
LOCK_WAIT_SECONDS = emulator_process.START_TIMEOUT + STOP_WAIT_SECONDS + 5


@contextlib.contextmanager
def _locked(state: Path) -> t.Iterator[None]:
    """DIR/.lock held exclusively (waiting at most LOCK_WAIT_SECONDS for another start or stop)."""
    state.mkdir(parents=True, exist_ok=True)
    with open(state / '.lock', 'a+', encoding='utf-8') as handle:
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise OSError('another make emulator or make emulator-stop still holds %s' % handle.name) from None
                time.sleep(0.1)
        yield


def _running_pid(state: Path) -> int | None:
    """The PID in ``state``/pid when that process is still an emulator, else None."""
    try:
        pid = int((state / 'pid').read_text(encoding='utf-8').strip())
        command = Path('/proc/%d/cmdline' % pid).read_bytes()
    except (OSError, ValueError):
        return None
    # this emulator, not another one that got the PID: its own URL file is on its command line
    mine = EMULATOR.name.encode() in command and str(state / 'url').encode() in command.split(b'\0')
    return pid if mine else None


def _remove_stale(state: Path) -> bool:
    """Remove the URL and PID files of an emulator that no longer runs; whether there was a URL file."""
    stale = (state / 'url').exists()
    for name in ('url', 'pid'):
        (state / name).unlink(missing_ok=True)
    return stale


def _duration(seconds: float) -> str:
    if seconds % 3600 == 0:
        return '%d hour%s' % (seconds // 3600, '' if seconds == 3600 else 's')
    if seconds % 60 == 0:
        return '%d minute%s' % (seconds // 60, '' if seconds == 60 else 's')
    return '%g s' % seconds


def start(state: Path, args: list[str]) -> int:
    command = ['--url-file', str(state / 'url'), '--lifetime', str(LIFETIME_SECONDS)] + args
    options = build_parser().parse_args(command)  # a wrong option stops here, with the emulator's own message
    with _locked(state):
        pid = _running_pid(state)
        if pid is not None:
            print('The emulator already runs (pid %d) on %s; make emulator-stop stops it.'
                  % (pid, (state / 'url').read_text(encoding='utf-8').strip()))
            return 0
        _remove_stale(state)
        with open(state / 'emulator.log', 'wb') as log:
            process = subprocess.Popen([sys.executable, str(EMULATOR)] + command, stdin=subprocess.DEVNULL,
                                       stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            url = emulator_process.wait_until_ready(state / 'url', lambda: process.poll() is None)
        except emulator_process.EmulatorError as exc:
            emulator_process.stop(process)
            log_text = (state / 'emulator.log').read_text(encoding='utf-8', errors='replace')
            hint = ('port %d is taken: give another --port, or none for a free one\n' % options.port
                    if options.port and 'Address already in use' in log_text else '')
            sys.stderr.write('%s\n%s%s' % (exc, log_text, hint))
            return 1
        (state / 'pid').write_text('%d\n' % process.pid, encoding='utf-8')
    ends = ('It runs until make emulator-stop stops it.' if not options.lifetime else
            'It stops by itself after %s (removing %s/url); make emulator-stop stops it now.'
            % (_duration(options.lifetime), state))
    print('The emulator runs on %s (pid %d), token emulator-token; %s/url holds the URL.\n%s'
          % (url, process.pid, state, ends))
    return 0


def stop(state: Path) -> int:
    with _locked(state):
        pid = _running_pid(state)
        if pid is None:
            stale = _remove_stale(state)
            print('No emulator started by make emulator is running%s.'
                  % (' (removed the URL file it left in %s)' % state if stale else ''))
            return 0
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_WAIT_SECONDS
        while _running_pid(state) is not None and time.monotonic() < deadline:
            time.sleep(0.1)
        if _running_pid(state) is not None:
            sys.stderr.write('The emulator (pid %d) did not stop within %d s.\n' % (pid, STOP_WAIT_SECONDS))
            return 1
        _remove_stale(state)
    print('The emulator (pid %d) stopped.' % pid)
    return 0


def main(argv: list[str]) -> int:
    try:
        if len(argv) >= 2 and argv[0] == 'start':
            return start(Path(argv[1]), argv[2:])
        if len(argv) == 2 and argv[0] == 'stop':
            return stop(Path(argv[1]))
    except OSError as exc:
        sys.stderr.write('%s\n' % exc)
        return 1
    sys.stderr.write(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
