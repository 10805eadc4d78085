# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The steps of noxfile.py's demo session that leave something for the user: the venv .venv/demo, the collection
installed in .venv/demo/collections, the ansible.cfg that points ansible at it, and the next steps it prints.

The venv is the user's, not a nox one (.nox/ is test machinery): `source .venv/demo/bin/activate` and
`export ANSIBLE_CONFIG=$PWD/.venv/demo/ansible.cfg` make `ansible`, `ansible-playbook` and `ansible-doc` find
dataarts.fabric. The demo page of the docsite (docs/docsite/rst/demo.rst) shows the same commands as
demo-next-steps.txt (tests/unit/docs checks it).

Two `make demo` at once (two terminals) both work: ``prepared`` holds .venv/demo/.lock, exclusively while it
changes the venv or the installed collection, shared while a demo runs. A demo finds everything up to date under
the shared lock (the same requirements, and a freshly built tarball whose FILES.json is the installed one's) and
runs beside the other; otherwise it waits until no demo runs, changes what is out of date, and runs. A new
collection is installed beside the old one and moved into place, so .venv/demo/collections is never half there.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tarfile
import tempfile
import time
import typing as t
from pathlib import Path

if t.TYPE_CHECKING:
    import nox

NEXT_STEPS = Path(__file__).resolve().parent / 'demo-next-steps.txt'
CONFIG_HEADER = '''\
# Written by `make demo` (noxfile.py, session demo); it writes this file again on every run.
# export ANSIBLE_CONFIG=$PWD/.venv/demo/ansible.cfg makes ansible, ansible-playbook and ansible-doc use it.
'''
LOCK_WAIT_SECONDS = 900
INSTALLED = Path('ansible_collections') / 'dataarts' / 'fabric'


class DemoError(Exception):
    pass


def _lock(handle: t.IO[str], kind: int, what: str) -> None:
    """Take the lock (fcntl.LOCK_SH or LOCK_EX), saying once that it waits, and for how long at most."""
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    said = False
    while True:
        try:
            fcntl.flock(handle, kind | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise DemoError('another make demo still holds %s after %d s; stop it, or wait and try again'
                                % (handle.name, LOCK_WAIT_SECONDS)) from None
            if not said:
                print('make demo: another make demo is %s; waiting for it (at most %d s)' % (what, LOCK_WAIT_SECONDS),
                      flush=True)
                said = True
            time.sleep(0.5)


def _wanted(requirements: list[Path]) -> str:
    return ''.join(path.read_text(encoding='utf-8') for path in requirements)


def _venv_ready(venv: Path, requirements: list[Path]) -> bool:
    stamp = venv / '.installed'
    return (venv / 'bin' / 'python').is_file() and stamp.is_file() and stamp.read_text(encoding='utf-8') == _wanted(
        requirements)


def make_venv(session: nox.Session, venv: Path, python: Path, requirements: list[Path]) -> Path:
    """``venv`` made with ``python`` and the pinned ``requirements`` installed (again only when they changed);
    returns its bin folder. Call it holding the lock exclusively."""
    if not (venv / 'bin' / 'python').is_file():
        session.run(str(python), '-m', 'venv', str(venv), external=True)
    if not _venv_ready(venv, requirements):
        args = [arg for path in requirements for arg in ('-r', str(path))]
        session.run(str(venv / 'bin' / 'python'), '-m', 'pip', 'install', '--quiet', '--disable-pip-version-check',
                    *args, external=True)
        (venv / '.installed').write_text(_wanted(requirements), encoding='utf-8')
    return venv / 'bin'


def _files_json(tarball: Path) -> bytes:
    with tarfile.open(tarball) as archive:
        member = archive.extractfile('FILES.json')
        return member.read() if member else b''


def _build(session: nox.Session, root: Path, bin_dir: Path, out: Path) -> Path:
    session.run(str(bin_dir / 'ansible-galaxy'), 'collection', 'build', '--output-path', str(out), str(root),
                external=True, silent=True)
    return next(out.glob('*.tar.gz'))


def _install(session: nox.Session, bin_dir: Path, tarball: Path, collections: Path) -> None:
    """Install the tarball beside ``collections``, then move it into place (the old one out of the way first)."""
    new = Path(tempfile.mkdtemp(prefix='.collections-new-%d-' % os.getpid(), dir=collections.parent))
    session.run(str(bin_dir / 'ansible-galaxy'), 'collection', 'install', '--offline', '-p', str(new), str(tarball),
                external=True, env={'ANSIBLE_COLLECTIONS_PATH': str(new)})
    old = collections.parent / ('.collections-old-%d-x' % os.getpid())
    if collections.exists():
        collections.rename(old)
    new.rename(collections)
    shutil.rmtree(old, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_leftovers(venv: Path) -> None:
    """What a demo that was interrupted left (its build, a half-made install): the name holds its PID. A demo that
    still runs (waiting for the lock, say) keeps its own."""
    for pattern in ('.build-*', '.collections-new-*', '.collections-old-*'):
        for path in venv.glob(pattern):
            pid = path.name.split('-')[-2] if path.name.count('-') >= 2 else ''
            if not pid.isdigit() or not _alive(int(pid)):
                shutil.rmtree(path, ignore_errors=True)


def write_config(path: Path, collections: Path, inventory: Path) -> Path:
    """An ansible.cfg with the collection path and the inventory (localhost, with the Python that runs ansible)."""
    text = CONFIG_HEADER + '[defaults]\ncollections_path = %s\ninventory = %s\n' % (collections, inventory)
    if not path.is_file() or path.read_text(encoding='utf-8') != text:
        tmp = path.with_name('.%s.%d' % (path.name, os.getpid()))
        tmp.write_text(text, encoding='utf-8')
        tmp.replace(path)
    return path


def _installed_is(collections: Path, tarball: Path) -> bool:
    installed = collections / INSTALLED / 'FILES.json'
    return installed.is_file() and installed.read_bytes() == _files_json(tarball)


@contextlib.contextmanager
def prepared(session: nox.Session, venv: Path, python: Path, requirements: list[Path], root: Path,
             inventory: Path) -> t.Iterator[tuple[Path, Path]]:
    """(bin folder, ansible.cfg) of .venv/demo with the collection of ``root`` installed; the lock is held shared
    until the block ends, so no other demo changes the venv under it."""
    venv.mkdir(parents=True, exist_ok=True)
    collections = venv / 'collections'
    with open(venv / '.lock', 'a+', encoding='utf-8') as lock, \
            tempfile.TemporaryDirectory(prefix='.build-%d-' % os.getpid(), dir=venv) as scratch:
        _lock(lock, fcntl.LOCK_SH, 'updating .venv/demo')
        tarball = _build(session, root, venv / 'bin', Path(scratch)) if _venv_ready(venv, requirements) else None
        if tarball is None or not _installed_is(collections, tarball):
            fcntl.flock(lock, fcntl.LOCK_UN)
            _lock(lock, fcntl.LOCK_EX, 'using .venv/demo (this one updates it next)')
            _remove_leftovers(venv)
            bin_dir = make_venv(session, venv, python, requirements)
            tarball = tarball or _build(session, root, bin_dir, Path(scratch))
            if not _installed_is(collections, tarball):  # the other demo may have installed it meanwhile
                _install(session, bin_dir, tarball, collections)
            fcntl.flock(lock, fcntl.LOCK_SH)  # from here on only using it
        yield venv / 'bin', write_config(venv / 'ansible.cfg', collections, inventory)
