# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A loopback HTTP server that answers with raw bytes a test scripts: whatever a broken gateway might send
(headers no HTTP library would write, bodies cut or trickled), and records what each request carried."""

from __future__ import annotations

import socket
import threading
import time
import typing as t


class Answer(t.NamedTuple):
    head: bytes  # status line and headers, without the blank line
    body: bytes = b''
    trickle: float = 0.0  # seconds between body bytes
    close: bool = True


def answer(status: int = 200, reason: str = 'OK', headers: t.Sequence[tuple[str, str]] = (), body: bytes = b'',
           content_length: str | None = None, trickle: float = 0.0) -> Answer:
    lines = ['HTTP/1.1 %d %s' % (status, reason)]
    lines += ['%s: %s' % pair for pair in headers]
    lines.append('Content-Length: %s' % (len(body) if content_length is None else content_length))
    lines.append('Connection: close')
    return Answer('\r\n'.join(lines).encode('latin-1', errors='replace'), body, trickle)


class ScriptedServer:
    """Serves ``answers`` in turn (the last one again when they run out), one connection per request."""

    def __init__(self, answers: t.Sequence[Answer]) -> None:
        self.answers = list(answers)
        self.requests: list[bytes] = []
        self._listener = socket.create_server(('127.0.0.1', 0))
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self.url = 'http://127.0.0.1:%d' % self.port
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> 'ScriptedServer':
        self._thread.start()
        return self

    def __exit__(self, *exc_info: t.Any) -> None:
        self._stop.set()
        self._thread.join(10)
        self._listener.close()

    def _serve(self) -> None:
        served = 0
        while not self._stop.is_set() and served < 10000:
            try:
                connection, _address = self._listener.accept()
            except socket.timeout:
                continue
            with connection:
                connection.settimeout(5)
                self.requests.append(_read_request(connection))
                scripted = self.answers[min(served, len(self.answers) - 1)]
                served += 1
                _send(connection, scripted, self._stop)


def _read_request(connection: socket.socket) -> bytes:
    data = b''
    try:
        while b'\r\n\r\n' not in data and len(data) < 65536:
            chunk = connection.recv(4096)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    return data


def _send(connection: socket.socket, scripted: Answer, stop: threading.Event) -> None:
    try:
        connection.sendall(scripted.head + b'\r\n\r\n')
        if not scripted.trickle:
            connection.sendall(scripted.body)
            return
        for index in range(len(scripted.body)):
            if stop.is_set():
                return
            connection.sendall(scripted.body[index:index + 1])
            time.sleep(scripted.trickle)
    except OSError:  # the client hung up
        pass
