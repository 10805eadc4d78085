# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Real Python interpreters ahead of the pyenv shims on PATH.

pyenv's ``python3.X`` shims exit 127 unless that version is selected, and ansible-test (and nox) look
interpreters up by those names. This puts links to the real binaries (the newest patch release of each
minor version pyenv has, else /usr/bin or /usr/local/bin) in one folder and that folder first on PATH.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

MINORS = range(8, 15)


def _pyenv_versions() -> Path | None:
    try:
        root = subprocess.run(['pyenv', 'root'], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        root = os.path.expanduser('~/.pyenv')
    versions = Path(root) / 'versions'
    return versions if versions.is_dir() else None


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r'\d+', path.parent.parent.name))


def find_python(version: str) -> Path | None:
    """The real interpreter of ``version`` (for example ``3.12``), or None."""
    versions = _pyenv_versions()
    if versions is not None:
        found = [path for path in versions.glob('%s.*/bin/python%s' % (version, version))
                 if re.fullmatch(r'\d+\.\d+\.\d+', path.parent.parent.name)]
        if found:
            return max(found, key=_version_key)
    for folder in ('/usr/local/bin', '/usr/bin'):
        candidate = Path(folder) / ('python%s' % version)
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def put_real_pythons_on_path(links: Path) -> None:
    """Link every Python 3.8+ found into ``links`` and put ``links`` first on this process's PATH."""
    links.mkdir(parents=True, exist_ok=True)
    for minor in MINORS:
        name = 'python3.%d' % minor
        link = links / name
        real = find_python('3.%d' % minor)
        if link.is_symlink() or link.exists():
            if real is not None and os.readlink(link) == str(real):
                continue
            link.unlink()
        if real is not None:
            link.symlink_to(real)
    entries = [entry for entry in os.environ.get('PATH', '').split(os.pathsep) if entry and entry != str(links)]
    os.environ['PATH'] = os.pathsep.join([str(links)] + entries)


def have_python(version: str) -> bool:
    return shutil.which('python%s' % version) is not None and find_python(version) is not None
