# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""IAM tokens kept between tasks, hosts, lookups and plays of one user on one machine.

Every task runs in a process of its own, so a token held in memory dies with the task; IAM tokens are valid
for 24 hours and IAM throttles token requests. One file per identity, of mode 0600, in a directory of mode
0700, ``dataarts.fabric/tokens`` under ``XDG_CACHE_HOME`` (an absolute path) or ``~/.cache``, reached and
read as private_dir.py says: a path or file that others could have planted or can read is not used, with a
warning, and the task asks IAM instead.

A file is named by an HMAC-SHA256, under a random key of 32 bytes kept in the same directory (file ``key``,
mode 0600), of everything that selects the token, the password included (so that a changed password never
reuses a token). Without the key a name reveals nothing, not even by trying a dictionary of passwords; the key
is as private as the tokens beside it, which are worth more. Names are never shown in messages.

Processes that find no token take a lock of the identity (``flock`` on a file beside it) before asking IAM,
and look again once they hold it: ten hosts starting at once make one exchange. The wait for the lock is
bounded; past it a process asks IAM itself.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import hmac
import json
import os
import time
import typing as t

from .._text import shown
from . import private_dir
from .private_dir import UnsafePath

try:
    import fcntl
except ImportError:  # not POSIX: no lock, each process asks IAM when it finds no token
    fcntl = None  # type: ignore[assignment]  # the module is optional

CACHE_SUBDIRECTORIES = ('dataarts.fabric', 'tokens')
KEY_FILE = 'key'
KEY_BYTES = 32
FILE_MAX_BYTES = 64 * 1024
USE_UNTIL_BEFORE_EXPIRY = datetime.timedelta(minutes=5)
LOCK_POLL_SECONDS = 0.05


def cache_base(environ: t.Mapping[str, str] | None = None) -> str:
    """The user's cache directory: ``XDG_CACHE_HOME``, else ``~/.cache``; UnsafePath when neither is an
    absolute path (a relative one would put tokens under the working directory, a checkout for instance)."""
    environ = os.environ if environ is None else environ
    xdg = environ.get('XDG_CACHE_HOME') or ''
    if xdg.strip():
        if not xdg.isprintable():
            raise UnsafePath('XDG_CACHE_HOME holds control characters')
        if not os.path.isabs(xdg):
            raise UnsafePath('XDG_CACHE_HOME is not an absolute path (%s)' % shown(xdg))
        return xdg
    home = environ.get('HOME')
    if home is None:
        try:
            import pwd
            home = pwd.getpwuid(os.geteuid()).pw_dir
        except (ImportError, KeyError, AttributeError):
            home = None
    if not home or not os.path.isabs(home) or os.path.realpath(home) == '/':
        raise UnsafePath('this user has no usable home directory (HOME is %s) and XDG_CACHE_HOME is not set'
                         % (shown(home) if home is not None else 'not set'))
    return os.path.join(home, '.cache')


def _canonical(parts: t.Sequence[str | None]) -> bytes:
    return json.dumps(list(parts), ensure_ascii=True).encode('ascii')


class TokenCache:
    """The cached token of one identity. Every failure to use the cache only costs an IAM request (and a
    warning, once per kind of failure)."""

    def __init__(self, parts: t.Sequence[str | None], base: str | None = None, environ: t.Mapping[str, str] | None = None,
                 warn: t.Callable[[str], None] | None = None, clock: t.Callable[[], datetime.datetime] | None = None,
                 lock_wait: float = 30.0, sleep: t.Callable[[float], t.Any] = time.sleep) -> None:
        self._parts = tuple(parts)
        self._warn = warn or (lambda message: None)
        self._clock = clock or (lambda: datetime.datetime.now(datetime.timezone.utc))
        self.lock_wait = lock_wait
        self._sleep = sleep
        self._warned: set[str] = set()
        self._name: str | None = None
        self.problem: str | None = None  # why the cache is not used, when it is not
        self.directory = ''
        try:
            if not private_dir.supported():
                raise UnsafePath('this platform cannot open files without following links')
            self.base = cache_base(environ) if base is None else base
            self.directory = os.path.join(self.base, *CACHE_SUBDIRECTORIES)
        except UnsafePath as exc:
            self._give_up(str(exc))

    def _give_up(self, why: str) -> None:
        if self.problem is None:
            self.problem = why
            self._say('the IAM token cache is not used: %s; every task asks IAM for a token' % why)

    def _say(self, message: str) -> None:
        if message not in self._warned:
            self._warned.add(message)
            self._warn(message)

    @contextlib.contextmanager
    def _opened(self) -> t.Iterator[int | None]:
        """The directory's descriptor, or None (with the reason given once) when it cannot be trusted."""
        if self.problem is not None:
            yield None
            return
        fd: int | None = None
        try:
            fd = private_dir.open_directory(self.base, CACHE_SUBDIRECTORIES)
            if self._name is None:
                self._name = self._file_name(fd)
        except (UnsafePath, OSError) as exc:
            reason = str(exc) if isinstance(exc, UnsafePath) else '%s: %s' % (self.directory, exc.strerror or exc)
            self._give_up(reason)
            if fd is not None:
                os.close(fd)
                fd = None
        try:
            yield fd
        finally:
            if fd is not None:
                os.close(fd)

    def _file_name(self, directory: int) -> str:
        """The keyed hash of the identity; the key is made on first use (by whichever task comes first)."""
        shown_key = os.path.join(self.directory, KEY_FILE)
        for _attempt in range(3):
            key = private_dir.read_file(directory, KEY_FILE, KEY_BYTES, shown_key)
            if key is not None and len(key) == KEY_BYTES:
                return hmac.new(key, _canonical(self._parts), hashlib.sha256).hexdigest()
            if key is not None:  # not a key: made anew (the tokens it named are orphaned, and expire)
                private_dir.remove(directory, KEY_FILE)
            private_dir.write_file(directory, KEY_FILE, os.urandom(KEY_BYTES), replace=False)
        raise UnsafePath('%s cannot be made' % shown_key)

    def load(self, refused: str | None = None) -> tuple[str, datetime.datetime] | None:
        """The token and its expiry, when a trustworthy entry is valid for more than 5 minutes (and is not
        ``refused``, a token the API refused)."""
        with self._opened() as directory:
            if directory is None:
                return None
            try:
                data = private_dir.read_file(directory, t.cast(str, self._name) + '.json', FILE_MAX_BYTES,
                                             'a token file in %s' % self.directory)
            except UnsafePath as exc:
                self._say('ignoring a cached IAM token: %s' % exc)
                return None
            except OSError:
                return None
            if data is None:
                return None
            entry = self._parse(data)
            if entry is None:
                private_dir.remove(directory, t.cast(str, self._name) + '.json')  # corrupt: replaced by the next store
                return None
        token, expires = entry
        if token == refused:
            return None
        return (token, expires) if expires - USE_UNTIL_BEFORE_EXPIRY > self._clock() else None

    @staticmethod
    def _parse(data: bytes) -> tuple[str, datetime.datetime] | None:
        if len(data) > FILE_MAX_BYTES:
            return None
        try:
            entry = json.loads(data.decode('utf-8'))
            token, expires = entry['token'], datetime.datetime.fromisoformat(entry['expires_at'])
        except (ValueError, TypeError, KeyError, RecursionError):
            return None
        if not isinstance(token, str) or not token or expires.tzinfo is None:
            return None
        return token, expires

    def store(self, token: str, expires: datetime.datetime | None) -> None:
        """Keep a token whose expiry is known and far enough ahead to be worth keeping."""
        try:
            if expires is None or expires - USE_UNTIL_BEFORE_EXPIRY <= self._clock():
                return
        except OverflowError:
            return
        data = json.dumps({'token': token, 'expires_at': expires.isoformat()}).encode('utf-8')
        with self._opened() as directory:
            if directory is None:
                return
            try:
                private_dir.write_file(directory, t.cast(str, self._name) + '.json', data)
            except OSError as exc:
                self._say('could not keep the IAM token for later tasks in %s: %s'
                          % (self.directory, exc.strerror or exc))

    def drop(self, token: str | None = None) -> None:
        """Forget the entry (only when it still holds ``token``, if given: another task may have replaced it)."""
        if token is not None:
            current = self.load()
            if current is None or current[0] != token:
                return
        with self._opened() as directory:
            if directory is not None:
                private_dir.remove(directory, t.cast(str, self._name) + '.json')

    @contextlib.contextmanager
    def exchange_lock(self) -> t.Iterator[bool]:
        """Held while this process asks IAM for the identity's token, so that the others wait and then take
        the token it stored. True when it is held; False after ``lock_wait`` seconds (or with no usable cache)."""
        if fcntl is None:
            yield False
            return
        with self._opened() as directory:
            fd = None
            if directory is not None:
                try:
                    fd = private_dir.open_lock_file(directory, t.cast(str, self._name) + '.lock',
                                                    'a lock file in %s' % self.directory)
                except UnsafePath as exc:
                    self._say('not waiting for other tasks to get the IAM token: %s' % exc)
        if fd is None:
            yield False
            return
        try:
            held = self._take(fd)
            if held is False:
                self._say('another task has been getting the IAM token for more than %g s: asking IAM as well'
                          % self.lock_wait)
            yield bool(held)
        finally:
            os.close(fd)  # releases the lock

    def _take(self, fd: int) -> bool | None:
        """True once the lock is held, False after ``lock_wait``, None when the caller is cancelled (a pause
        that returns true) or the lock cannot be taken."""
        waited = 0.0
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if waited >= self.lock_wait:
                    return False
                if self._sleep(LOCK_POLL_SECONDS):
                    return None
                waited += LOCK_POLL_SECONDS
            except OSError:
                return None
