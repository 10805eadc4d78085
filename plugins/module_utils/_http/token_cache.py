# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""IAM tokens kept between tasks, hosts, lookups and plays of one user on one machine.

Every task runs in a process of its own, so a token held in memory dies with the task; IAM tokens are
valid for 24 hours and IAM throttles token requests. One file per identity, of mode 0600, in a directory
of mode 0700 under the user's cache directory, named by a hash of everything that selects the token
(the password included, so that a changed password never reuses a token). Files are written to a
temporary name and renamed, so that parallel tasks never read half a file. A file that is not the
user's own, or that others can open, is ignored with a warning; a corrupt one is replaced.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import stat
import tempfile
import typing as t

CACHE_SUBDIRECTORY = os.path.join('dataarts.fabric', 'tokens')
FILE_MAX_BYTES = 64 * 1024
USE_UNTIL_BEFORE_EXPIRY = datetime.timedelta(minutes=5)


def cache_directory(environ: t.Mapping[str, str] | None = None) -> str:
    environ = os.environ if environ is None else environ
    base = (environ.get('XDG_CACHE_HOME') or '').strip() or os.path.join(os.path.expanduser('~'), '.cache')
    return os.path.join(base, CACHE_SUBDIRECTORY)


def identity_key(*parts: str | None) -> str:
    """The file name of an identity: a hash of its parts, so that no part (the password) is readable."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update((part or '').encode('utf-8', errors='surrogatepass'))
        digest.update(b'\0')
    return digest.hexdigest()


class TokenCache:
    """The cached token of one identity. Every failure to read or write the cache only costs an IAM request."""

    def __init__(self, key: str, directory: str | None = None, warn: t.Callable[[str], None] | None = None,
                 clock: t.Callable[[], datetime.datetime] | None = None) -> None:
        self.directory = directory or cache_directory()
        self.path = os.path.join(self.directory, key + '.json')
        self._warn = warn or (lambda message: None)
        self._clock = clock or (lambda: datetime.datetime.now(datetime.timezone.utc))

    def load(self) -> tuple[str, datetime.datetime] | None:
        """The token and its expiry, when a trustworthy entry is valid for more than 5 minutes."""
        try:
            fd = os.open(self.path, os.O_RDONLY | getattr(os, 'O_NOFOLLOW', 0))
        except OSError:
            return None
        try:
            status = os.fstat(fd)
            if not self._trustworthy(status):
                return None
            data = os.read(fd, FILE_MAX_BYTES + 1)
        except OSError:
            return None
        finally:
            os.close(fd)
        entry = self._parse(data)
        if entry is None:
            self.drop()  # corrupt: replaced by the next store
            return None
        token, expires = entry
        return (token, expires) if expires - USE_UNTIL_BEFORE_EXPIRY > self._clock() else None

    def _trustworthy(self, status: os.stat_result) -> bool:
        if not stat.S_ISREG(status.st_mode):
            return False
        if hasattr(os, 'getuid') and status.st_uid != os.getuid():
            self._warn('ignoring the cached IAM token %s: it is not owned by this user' % self.path)
            return False
        if status.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            self._warn('ignoring the cached IAM token %s: other users can read or write it (mode %s)'
                       % (self.path, oct(stat.S_IMODE(status.st_mode))))
            return False
        return True

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
        try:
            self._ensure_directory()
            fd, temporary = tempfile.mkstemp(dir=self.directory, prefix='.token-', suffix='.tmp')
            try:
                with os.fdopen(fd, 'w', encoding='utf-8') as handle:
                    json.dump({'token': token, 'expires_at': expires.isoformat()}, handle)
                os.replace(temporary, self.path)
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError as exc:
            self._warn('could not keep the IAM token for later tasks in %s: %s' % (self.directory,
                                                                                   exc.strerror or exc))

    def _ensure_directory(self) -> None:
        os.makedirs(self.directory, mode=0o700, exist_ok=True)
        status = os.stat(self.directory)
        if stat.S_IMODE(status.st_mode) != 0o700 and (not hasattr(os, 'getuid') or status.st_uid == os.getuid()):
            os.chmod(self.directory, 0o700)

    def drop(self, token: str | None = None) -> None:
        """Forget the entry (only when it still holds ``token``, if given: another task may have replaced it)."""
        if token is not None:
            current = self.load()
            if current is None or current[0] != token:
                return
        try:
            os.unlink(self.path)
        except OSError:
            pass
