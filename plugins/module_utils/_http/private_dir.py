# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""A directory of this user's own, reached without trusting what others could have planted on the way, and
the files in it.

The path is walked from ``/`` one component at a time, each opened relative to the one before with
``O_NOFOLLOW`` and checked through its descriptor: owned by root or this user, and not writable by group or
others (so that nobody else can rename, replace or plant anything in it), unless it has the sticky bit as
``/tmp`` has (then nobody can rename or remove what they do not own, and the next component must be root's or
this user's own like every other). A symbolic link on the way is
followed only when it is itself owned by root or this user (it then sits in a directory only they can write),
and its target is walked the same way. The directories this collection makes at the end of the path are
never links, must be this user's own, and get mode 0700 through their descriptor, never by path. Files are
opened with ``O_NOFOLLOW | O_NONBLOCK`` (a FIFO planted in place of a file cannot block) and used only when
they are regular files of this user that nobody else can open.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
import typing as t

LINKS_MAX = 16
COMPONENTS_MAX = 256
_CLOEXEC = getattr(os, 'O_CLOEXEC', 0)
_DIRECTORY_FLAGS = os.O_RDONLY | getattr(os, 'O_DIRECTORY', 0) | getattr(os, 'O_NOFOLLOW', 0) | _CLOEXEC
_FILE_FLAGS = getattr(os, 'O_NOFOLLOW', 0) | getattr(os, 'O_NONBLOCK', 0) | _CLOEXEC


class UnsafePath(Exception):
    """The directory or a file in it cannot be trusted (or reached); the message names the path, never a file
    name derived from a secret."""


def supported() -> bool:
    """Whether this platform can walk a path by descriptors without following links (POSIX can)."""
    return (hasattr(os, 'O_NOFOLLOW') and hasattr(os, 'geteuid') and os.open in os.supports_dir_fd
            and os.mkdir in os.supports_dir_fd and os.stat in os.supports_follow_symlinks)


def _trusted(status: os.stat_result, shown: str, own: bool = False) -> None:
    uid = os.geteuid()
    if status.st_uid != uid and (own or status.st_uid != 0):
        raise UnsafePath('%s is owned by another user (uid %d)' % (shown, status.st_uid))
    # A directory all can write with the sticky bit (/tmp) lets nobody rename or remove what they do not own:
    # it may be passed through, since what comes after it must be root's or this user's own.
    sticky = not own and stat.S_ISDIR(status.st_mode) and status.st_mode & stat.S_ISVTX
    if status.st_mode & (stat.S_IWGRP | stat.S_IWOTH) and not sticky:
        raise UnsafePath('%s can be written by other users (mode %s)' % (shown, oct(stat.S_IMODE(status.st_mode))))


def _open_child(parent: int, name: str, shown: str, create: bool) -> int | str:
    """The descriptor of directory ``name`` in ``parent``, or the target of a trusted link of that name."""
    try:
        return os.open(name, _DIRECTORY_FLAGS, dir_fd=parent)
    except FileNotFoundError:
        if not create:
            raise UnsafePath('%s does not exist' % shown) from None
        try:
            os.mkdir(name, 0o700, dir_fd=parent)
        except FileExistsError:
            pass  # made by a parallel task meanwhile: checked below as any other
        except OSError as exc:
            raise UnsafePath('cannot create %s: %s' % (shown, exc.strerror or exc)) from None
        return _open_child(parent, name, shown, False)
    except OSError as exc:
        if exc.errno not in (errno.ENOTDIR, errno.ELOOP):
            raise UnsafePath('cannot open %s: %s' % (shown, exc.strerror or exc)) from None
    status = os.stat(name, dir_fd=parent, follow_symlinks=False)
    if not stat.S_ISLNK(status.st_mode):
        raise UnsafePath('%s is not a directory' % shown)
    if status.st_uid not in (0, os.geteuid()):
        raise UnsafePath('%s is a symbolic link owned by another user (uid %d)' % (shown, status.st_uid))
    return os.readlink(name, dir_fd=parent)


def open_directory(base: str, own: t.Sequence[str]) -> int:
    """A descriptor of ``base``/``own``..., every component checked; ``base`` must be absolute and is made
    (mode 0700) where missing; the ``own`` directories are made where missing, must be real directories of
    this user, and the last one gets mode 0700. The caller closes it."""
    if not os.path.isabs(base):
        raise UnsafePath('%s is not an absolute path' % base)
    pending = [part for part in base.split('/') if part] + [None] + list(own)  # None: where base ends
    fd = os.open('/', _DIRECTORY_FLAGS)
    shown, links, steps, in_base = '/', 0, 0, True
    try:
        _trusted(os.fstat(fd), shown)
        while pending:
            steps += 1
            name = pending.pop(0)
            if name is None:
                in_base = False
                continue
            if steps > COMPONENTS_MAX:
                raise UnsafePath('too many components or links in %s' % base)
            if name == '.':
                continue
            shown = os.path.join(shown, name)
            child = _open_child(fd, name, shown, create=True)
            if isinstance(child, str):  # a link the user or root made
                links += 1
                if not in_base or links > LINKS_MAX:
                    raise UnsafePath('%s is a symbolic link' % shown if not in_base
                                     else 'too many symbolic links in %s' % base)
                pending[:0] = [part for part in child.split('/') if part]
                shown = os.path.dirname(shown)
                if child.startswith('/'):
                    os.close(fd)
                    fd = os.open('/', _DIRECTORY_FLAGS)
                    shown = '/'
                continue
            os.close(fd)
            fd = child
            _trusted(os.fstat(fd), shown, own=not in_base)
        if own and stat.S_IMODE(os.fstat(fd).st_mode) != 0o700:
            os.fchmod(fd, 0o700)  # through the descriptor: never through a link someone planted
        return fd
    except BaseException:
        os.close(fd)
        raise


def read_file(directory: int, name: str, limit: int, shown: str) -> bytes | None:
    """The content of a regular file of this user that only this user can open; None when there is none."""
    try:
        fd = os.open(name, os.O_RDONLY | _FILE_FLAGS, dir_fd=directory)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnsafePath('%s is a symbolic link' % shown) from None
        raise UnsafePath('cannot open %s: %s' % (shown, exc.strerror or exc)) from None
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise UnsafePath('%s is not a regular file' % shown)
        _trusted(status, shown, own=True)
        if status.st_mode & (stat.S_IRGRP | stat.S_IROTH):
            raise UnsafePath('%s can be read by other users (mode %s)' % (shown, oct(stat.S_IMODE(status.st_mode))))
        return os.read(fd, limit + 1)
    finally:
        os.close(fd)


def write_file(directory: int, name: str, data: bytes, replace: bool = True) -> bool:
    """Write ``data`` to a new file of mode 0600 and rename it to ``name`` (readers never see half a file).
    Without ``replace``, an existing ``name`` is kept: False then."""
    temporary = '.%s.tmp' % secrets.token_hex(8)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _FILE_FLAGS, 0o600, dir_fd=directory)
    try:
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
        if replace:
            os.replace(temporary, name, src_dir_fd=directory, dst_dir_fd=directory)
            return True
        try:
            os.link(temporary, name, src_dir_fd=directory, dst_dir_fd=directory, follow_symlinks=False)
            return True
        except FileExistsError:
            return False
    finally:
        try:
            os.unlink(temporary, dir_fd=directory)
        except OSError:
            pass  # renamed already


def open_lock_file(directory: int, name: str, shown: str) -> int:
    """A descriptor of the lock file ``name``, made where missing; it must be this user's regular file."""
    try:
        fd = os.open(name, os.O_RDWR | os.O_CREAT | _FILE_FLAGS, 0o600, dir_fd=directory)
    except OSError as exc:
        raise UnsafePath('cannot open %s: %s' % (shown, exc.strerror or exc)) from None
    status = os.fstat(fd)
    if not stat.S_ISREG(status.st_mode) or status.st_uid != os.geteuid():
        os.close(fd)
        raise UnsafePath('%s is not a regular file of this user' % shown)
    return fd


def remove(directory: int, name: str) -> None:
    try:
        os.unlink(name, dir_fd=directory)
    except OSError:
        pass
