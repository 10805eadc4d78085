# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""A deadline for a whole request: connecting, the headers and the body.

requests and urllib3 only bound each socket operation ("timeout is not a time limit on the entire response
download", https://requests.readthedocs.io/en/latest/user/advanced/#timeouts): a server that trickles one byte
a second never trips a read timeout. Here each attempt of a request is watched; when its time is up, one
watchdog thread per process shuts the attempt's socket down, which ends whatever read is blocked on it.

urllib3 offers no hook that hands out the socket of a request before its headers are read, so this is the one
place that reaches into it: the adapter's pool managers make their pools with connection classes that tell
the current watch which connection an attempt uses (``pool_classes_by_scheme``, the attribute urllib3's own
PoolManager reads).
"""

from __future__ import annotations

import contextlib
import heapq
import os
import socket
import threading
import time
import typing as t

try:
    from requests.adapters import HTTPAdapter
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
except ImportError:  # the faces report the missing library themselves; the classes below are then never used
    HTTPAdapter = HTTPConnection = HTTPSConnection = HTTPConnectionPool = HTTPSConnectionPool = object  # type: ignore[misc,assignment]  # stand-ins

_CURRENT = threading.local()


class RequestWatch:
    """The deadline of one request made by this thread; each attempt (retry) gets ``seconds`` anew."""

    def __init__(self, seconds: float, deadline: float | None = None) -> None:
        self.seconds = seconds
        self.deadline = deadline  # time.monotonic() at which the whole call must end, retries included
        self.expired = False
        self.aborted = False
        self._connection: t.Any = None
        self._socket: t.Any = None
        self._generation = 0
        self._lock = threading.Lock()

    def __enter__(self) -> 'RequestWatch':
        _CURRENT.watch = self
        return self

    def __exit__(self, *exc_info: t.Any) -> None:
        self.disarm()
        _CURRENT.watch = None

    def arm(self, connection: t.Any) -> None:
        with self._lock:
            self._generation += 1
            self._connection = connection
            self._socket = None
            self.expired = self.aborted
            generation = self._generation
        when = time.monotonic() + self.seconds
        WATCHDOG.schedule(when if self.deadline is None else min(when, self.deadline), self, generation)

    def left(self) -> float | None:
        """Seconds left of the call, or None when it has no deadline."""
        return None if self.deadline is None else self.deadline - time.monotonic()

    def attach(self, sock: t.Any) -> None:
        """The attempt's socket, once connected: http.client drops it from the connection when the server
        says it will close, while the response still reads from it."""
        if sock is not None:
            with self._lock:
                self._socket = sock
                aborted = self.aborted
            if aborted:
                _shut(sock)

    def disarm(self) -> None:
        with self._lock:
            self._generation += 1
            self._connection = self._socket = None

    def fire(self, generation: int) -> None:
        with self._lock:
            if generation != self._generation:
                return
            self.expired = True
            sock = getattr(self._connection, 'sock', None) or self._socket
        _shut(sock)

    def abort(self) -> None:
        """End the attempt now, and any socket it gets from here on (the caller was cancelled)."""
        with self._lock:
            self.aborted = self.expired = True
            sock = getattr(self._connection, 'sock', None) or self._socket
        _shut(sock)


def _shut(sock: t.Any) -> None:
    if sock is not None:
        try:
            # the plain socket's shutdown, also for a TLS socket: it ends a blocked read in the other thread
            socket.socket.shutdown(sock, socket.SHUT_RDWR)
        except OSError:
            pass


class InFlight:
    """The watches of one transport's attempts in flight, so that a caller that is cancelled ends them all."""

    def __init__(self) -> None:
        self.cancelled = threading.Event()
        self._lock = threading.Lock()
        self._watches: set[RequestWatch] = set()

    @contextlib.contextmanager
    def watching(self, watch: RequestWatch) -> t.Iterator[None]:
        with self._lock:
            self._watches.add(watch)
        if self.cancelled.is_set():
            watch.abort()  # cancelled after the caller last looked
        try:
            yield
        finally:
            with self._lock:
                self._watches.discard(watch)

    def abort(self) -> None:
        self.cancelled.set()
        with self._lock:
            watches = list(self._watches)
        for watch in watches:
            watch.abort()


def current_watch() -> RequestWatch | None:
    return getattr(_CURRENT, 'watch', None)


class _Watchdog:
    """One daemon thread per process that fires the watches whose time is up."""

    def __init__(self) -> None:
        self._pid: int | None = None
        self._lock = threading.Condition()
        self._due: list[tuple[float, int, RequestWatch, int]] = []
        self._sequence = 0

    def schedule(self, when: float, watch: RequestWatch, generation: int) -> None:
        if self._pid != os.getpid():  # first use, or a forked child: the parent's thread is not here
            lock: threading.Condition = threading.Condition()
            due: list[tuple[float, int, RequestWatch, int]] = []
            # started first: a thread that cannot start (a limit of threads) leaves the next request to try again
            threading.Thread(target=self._run, args=(lock, due), name='fabric-request-deadline', daemon=True).start()
            self._pid, self._lock, self._due = os.getpid(), lock, due
        with self._lock:
            self._sequence += 1
            heapq.heappush(self._due, (when, self._sequence, watch, generation))
            self._lock.notify()

    @staticmethod
    def _run(lock: threading.Condition, due: list[tuple[float, int, RequestWatch, int]]) -> None:
        while True:
            with lock:
                while not due or due[0][0] > time.monotonic():
                    lock.wait(None if not due else max(0.0, due[0][0] - time.monotonic()))
                _when, _sequence, watch, generation = heapq.heappop(due)
            watch.fire(generation)


WATCHDOG = _Watchdog()


class _WatchedConnection:
    def request(self, *args: t.Any, **kwargs: t.Any) -> t.Any:
        watch = current_watch()
        if watch is not None:
            watch.arm(self)
        result = super().request(*args, **kwargs)  # type: ignore[misc]  # a mixin: the class it is mixed into has it
        if watch is not None:
            watch.attach(getattr(self, 'sock', None))
        return result

    def getresponse(self, *args: t.Any, **kwargs: t.Any) -> t.Any:
        watch = current_watch()
        if watch is not None:
            watch.attach(getattr(self, 'sock', None))
        return super().getresponse(*args, **kwargs)  # type: ignore[misc]  # a mixin: the class it is mixed into has it


class _WatchedHTTPConnection(_WatchedConnection, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_WatchedConnection, HTTPSConnection):
    pass


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_POOLS = {'http': _WatchedHTTPPool, 'https': _WatchedHTTPSPool}


class WatchedAdapter(HTTPAdapter):
    """requests' adapter whose connections (direct or through a proxy) report to the current watch."""

    def init_poolmanager(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: t.Any) -> t.Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = _POOLS
        return manager
