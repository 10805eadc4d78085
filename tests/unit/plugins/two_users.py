# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Steps run in a child process: as another user, for tests of what one local user can do to another (root
forks a child that switches to the user's IDs), or with limits of its own (open files). The child runs one
function and hands its result (or its exception, as text) back."""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
import tempfile
import traceback
import typing as t

import pytest

VICTIM = 65534  # nobody
ATTACKER = 65533
needs_root = pytest.mark.skipif(not hasattr(os, 'geteuid') or os.geteuid() != 0,
                                reason='switching between users needs root')


def as_user(uid: int, function: t.Callable[..., t.Any], *args: t.Any, environ: dict[str, str] | None = None) -> t.Any:
    """``function(*args)`` run in a child process with user and group ID ``uid``; its result."""
    return in_child(function, *args, uid=uid, environ=environ)


def in_child(function: t.Callable[..., t.Any], *args: t.Any, uid: int | None = None,
             environ: dict[str, str] | None = None) -> t.Any:
    """``function(*args)`` run in a forked child (as ``uid`` when given); its result."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        status = 0
        try:
            os.close(read_end)
            try:
                if uid is not None:
                    os.setgroups([])
                    os.setgid(uid)
                    os.setuid(uid)
                if environ is not None:
                    os.environ.clear()
                    os.environ.update(environ)
                outcome = ('ok', function(*args))
            except BaseException as exc:  # handed to the parent as text
                try:
                    outcome = ('error', traceback.format_exc())
                except BaseException:  # the source of a frame cannot be read as this user
                    outcome = ('error', repr(exc))
            try:
                data = pickle.dumps(outcome)
            except Exception:  # a result that does not pickle
                data = pickle.dumps(('error', 'unpicklable result: %r' % (outcome,)))
            while data:
                data = data[os.write(write_end, data):]
        except BaseException:
            status = 1
        finally:
            os._exit(status)
    os.close(write_end)
    with os.fdopen(read_end, 'rb') as pipe:
        data = pipe.read()
    _pid, status = os.waitpid(pid, 0)
    assert status == 0 and data, 'the child (uid %s) failed' % uid
    kind, value = pickle.loads(data)
    if kind == 'error':
        raise AssertionError('in the child (uid %s): %s' % (uid, value))
    return value


@contextlib.contextmanager
def shared_tree() -> t.Iterator[tuple[str, str]]:
    """A tree every user can reach: a shared directory of mode 1777 (as /tmp) and the victim's home."""
    root = tempfile.mkdtemp(prefix='fabric-two-users-', dir='/tmp')
    try:
        os.chmod(root, 0o755)
        shared = os.path.join(root, 'shared')
        os.mkdir(shared)
        os.chmod(shared, 0o1777)
        home = os.path.join(root, 'victim')
        os.mkdir(home, 0o755)
        os.chown(home, VICTIM, VICTIM)
        yield shared, home
    finally:
        shutil.rmtree(root, ignore_errors=True)
