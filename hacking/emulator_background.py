# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""`make emulator` and `make emulator-stop`: one emulator left running in the background, to try things by hand.

    python hacking/emulator_background.py start DIR [fabric_emulator.py options]
    python hacking/emulator_background.py stop DIR

``start`` runs tests/emulator/fabric_emulator.py in a session of its own (so that it outlives make), waits until it
answers (emulator_process.py), writes its PID to DIR/pid (the emulator writes its URL to DIR/url) and says how to
use and stop it; while one runs, a second ``start`` starts nothing. ``stop`` sends SIGTERM to that PID, and only
when that process is still this emulator (its command line names DIR/url).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / 'tests' / 'integration' / 'targets' / 'setup_fabric_emulator'))

import emulator_process  # noqa: E402  # pylint: disable=wrong-import-position

EMULATOR = ROOT / 'tests' / 'emulator' / 'fabric_emulator.py'
LIFETIME_SECONDS = 3600
STOP_WAIT_SECONDS = 10


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


def start(state: Path, args: list[str]) -> int:
    pid = _running_pid(state)
    if pid is not None:
        print('The emulator already runs (pid %d) on %s; make emulator-stop stops it.'
              % (pid, (state / 'url').read_text(encoding='utf-8').strip()))
        return 0
    state.mkdir(parents=True, exist_ok=True)
    for name in ('url', 'pid'):
        (state / name).unlink(missing_ok=True)
    with open(state / 'emulator.log', 'wb') as log:
        process = subprocess.Popen(
            [sys.executable, str(EMULATOR), '--url-file', str(state / 'url'), '--lifetime', str(LIFETIME_SECONDS)]
            + args, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = emulator_process.wait_until_ready(state / 'url', lambda: process.poll() is None)
    except emulator_process.EmulatorError as exc:
        emulator_process.stop(process)
        sys.stderr.write('%s\n%s' % (exc, (state / 'emulator.log').read_text(encoding='utf-8', errors='replace')))
        return 1
    (state / 'pid').write_text('%d\n' % process.pid, encoding='utf-8')
    print('The emulator runs on %s (pid %d), token emulator-token; %s/url holds the URL.\n'
          'It stops by itself after %d minutes; make emulator-stop stops it now.'
          % (url, process.pid, state, LIFETIME_SECONDS // 60))
    return 0


def stop(state: Path) -> int:
    pid = _running_pid(state)
    if pid is None:
        print('No emulator started by make emulator is running.')
        return 0
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_WAIT_SECONDS
    while _running_pid(state) is not None and time.monotonic() < deadline:
        time.sleep(0.1)
    if _running_pid(state) is not None:
        sys.stderr.write('The emulator (pid %d) did not stop within %d s.\n' % (pid, STOP_WAIT_SECONDS))
        return 1
    (state / 'pid').unlink(missing_ok=True)
    print('The emulator (pid %d) stopped.' % pid)
    return 0


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == 'start':
        return start(Path(argv[1]), argv[2:])
    if len(argv) == 2 and argv[0] == 'stop':
        return stop(Path(argv[1]))
    sys.stderr.write(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
