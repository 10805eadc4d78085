# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Start tests/emulator/fabric_emulator.py, wait until it answers, stop it: the one place that does this.

As a module (noxfile.py: the demo, the AWX job through ansible-runner, the demo from the built tarball)::

    with running(emulator_script, '--token', 'T') as url: ...

From a shell (emulator.sh of the integration targets starts the process itself, so that its EXIT trap
can stop it, and waits here)::

    python emulator_process.py wait URL_FILE PID      # prints the URL once /_emulator/health answers ok
"""

from __future__ import annotations

import contextlib
import json
import os
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

START_TIMEOUT = 15.0


class EmulatorError(Exception):
    pass


def _healthy(url: str) -> bool:
    # A readiness probe of our own loopback process: an emulator with a test certificate is probed unverified.
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context))
    try:
        with opener.open(url + '/_emulator/health', timeout=2) as response:
            return json.load(response).get('status') == 'ok'
    except (OSError, ValueError):
        return False


def wait_until_ready(url_file: Path, alive, timeout: float = START_TIMEOUT) -> str:
    """Wait (bounded) for the URL file and a healthy answer; ``alive()`` says whether the process still runs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        url = url_file.read_text(encoding='utf-8').strip().rstrip('/') if url_file.is_file() else ''
        if url and _healthy(url):
            return url
        if not alive():
            raise EmulatorError('the emulator exited before it answered')
        time.sleep(0.1)
    raise EmulatorError('the emulator did not answer within %d s' % timeout)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def running(script: Path, *args: str, python: str = sys.executable, lifetime: int = 600):
    """Run the emulator for the ``with`` block; yields its base URL."""
    with tempfile.TemporaryDirectory(prefix='fabric-emulator.') as tmp:
        url_file = Path(tmp) / 'url'
        with open(Path(tmp) / 'emulator.out', 'wb') as log:
            process = subprocess.Popen(
                [python, str(script), '--url-file', str(url_file), '--lifetime', str(lifetime), '--quiet'] + list(args),
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
            try:
                try:
                    url = wait_until_ready(url_file, lambda: process.poll() is None)
                except EmulatorError:
                    stop(process)
                    sys.stderr.write((Path(tmp) / 'emulator.out').read_text(encoding='utf-8', errors='replace'))
                    raise
                yield url
            finally:
                stop(process)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[0] != 'wait' or not argv[2].isdigit():
        sys.stderr.write(__doc__)
        return 2
    try:
        print(wait_until_ready(Path(argv[1]), lambda: _pid_alive(int(argv[2]))))
    except EmulatorError as exc:
        sys.stderr.write('setup_fabric_emulator: %s\n' % exc)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
