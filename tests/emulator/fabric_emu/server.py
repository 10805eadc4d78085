# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""HTTP plumbing: the loopback-only threading server and the handler that reads requests and writes
answers byte for byte (fault headers and reason phrases raw, trickled bodies)."""

from __future__ import annotations

import email.utils
import ipaddress
import select
import socket
import socketserver
import ssl
import threading
import typing as t
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .answers import Response, json_response, new_request_id, status_phrase

VERSION = "1.0.0"
MAX_BODY = 16 * 1024 * 1024
MAX_REQUEST_LINE = 65536
_FRAMING_HEADERS = ("content-length", "transfer-encoding")


def check_loopback(host: str) -> None:
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, None)
        except socket.gaierror:
            raise ValueError("cannot resolve host %r" % host) from None
        addresses = [ipaddress.ip_address(str(info[4][0]).split("%", maxsplit=1)[0]) for info in infos]
    if not addresses or not all(a.is_loopback for a in addresses):
        raise ValueError("refusing to listen on non-loopback address %r" % host)


def _wire(text: str) -> bytes:
    """Latin-1 when it can be (what HTTP clients decode with), else the UTF-8 bytes of the raw text."""
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], handler: type[Handler], emulator: t.Any,
                 ssl_context: ssl.SSLContext | None = None) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.emulator = emulator
        self.ssl_context = ssl_context
        self.open_sockets: set[socket.socket] = set()
        self.sockets_lock = threading.Lock()
        ThreadingHTTPServer.__init__(self, address, handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind would call getfqdn(), which can be slow offline.
        socketserver.TCPServer.server_bind(self)
        self.server_name = self.server_address[0]
        self.server_port = self.server_address[1]

    def get_request(self) -> tuple[socket.socket, t.Any]:
        sock, addr = self.socket.accept()
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        if self.ssl_context is not None:
            sock = self.ssl_context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        with self.sockets_lock:
            self.open_sockets.add(sock)
        return sock, addr

    def finish_request(self, request: t.Any, client_address: t.Any) -> None:
        if isinstance(request, ssl.SSLSocket):
            try:
                request.settimeout(10)
                request.do_handshake()
                request.settimeout(None)
            except (OSError, ValueError):
                return
        ThreadingHTTPServer.finish_request(self, request, client_address)

    def shutdown_request(self, request: t.Any) -> None:
        with self.sockets_lock:
            self.open_sockets.discard(request)
        ThreadingHTTPServer.shutdown_request(self, request)

    def handle_error(self, request: t.Any, client_address: t.Any) -> None:
        if self.emulator.verbose:
            ThreadingHTTPServer.handle_error(self, request, client_address)

    def close_open_sockets(self) -> None:
        with self.sockets_lock:
            sockets = list(self.open_sockets)
            self.open_sockets.clear()
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except (OSError, ValueError):
                pass


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fabric-emulator/" + VERSION
    sys_version = ""
    server: Server

    def handle_one_request(self) -> None:
        try:
            self.raw_requestline = self.rfile.readline(MAX_REQUEST_LINE + 1)
            if len(self.raw_requestline) > MAX_REQUEST_LINE:
                self.requestline = ""
                self.request_version = ""
                self.command = ""
                self.send_error(414)
                return
            if not self.raw_requestline:
                self.close_connection = True
                return
            if not self.parse_request():
                return
            self.server.emulator.dispatch(self)
        except (OSError, ValueError, ssl.SSLError):
            self.close_connection = True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # Used by parse_request for malformed requests: answer in JSON too.
        body = {"error_code": "common.01000001",
                "error_msg": "failed to read http request, code: %d, reason: %s" % (code, message or "")}
        self.close_connection = True
        try:
            self.write_response(json_response(code, body), new_request_id())
        except OSError:
            pass

    def log_message(self, format: str, *args: t.Any) -> None:  # pylint: disable=redefined-builtin
        if self.server.emulator.verbose:
            BaseHTTPRequestHandler.log_message(self, format, *args)

    def read_body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return self._read_chunked()
        if length:
            n = int(length)
            if n < 0 or n > MAX_BODY:
                raise ValueError("bad content-length")
            return self.rfile.read(n)
        return b""

    def _read_chunked(self) -> bytes:
        chunks = []
        size = 0
        while True:
            line = self.rfile.readline(1024)
            try:
                n = int(line.split(b";")[0].strip(), 16)
            except ValueError:
                raise ValueError("bad chunk") from None
            if n == 0:
                for _trailer in range(1000):
                    if self.rfile.readline(MAX_REQUEST_LINE + 1) in (b"\r\n", b"\n", b""):
                        break
                return b"".join(chunks)
            size += n
            if size > MAX_BODY:
                raise ValueError("body too large")
            chunks.append(self.rfile.read(n))
            self.rfile.readline(3)

    def drop_connection(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except (OSError, ValueError):
            pass

    def write_response(self, resp: Response, request_id: str, head: bool = False,
                       entry: dict[str, t.Any] | None = None) -> None:
        body = resp.body_bytes()
        headers: list[tuple[str, str]] = [
            ("Server", self.server_version),
            ("Date", email.utils.formatdate(usegmt=True)),
        ]
        if resp.content_type is not None:
            headers.append(("Content-Type", resp.content_type))
        headers.append(("Content-Length", "%d" % len(body)))
        headers.append(("X-Request-Id", request_id))
        headers.extend(resp.headers)
        overridden = {name.lower() for name in resp.header_overrides}
        # A lying Content-Length (or Transfer-Encoding) leaves the connection unusable after the body.
        if self.close_connection or resp.truncate or overridden.intersection(_FRAMING_HEADERS):
            self.close_connection = True
            headers.append(("Connection", "close"))
        headers = _override(headers, resp.header_overrides)
        reason = resp.reason if resp.reason is not None else status_phrase(resp.status, "Unknown")
        head_bytes = b"\r\n".join([_wire("HTTP/1.1 %d %s" % (resp.status, reason))]
                                  + [_wire("%s: %s" % pair) for pair in headers]) + b"\r\n\r\n"
        if head:
            body = b""
        elif resp.truncate:
            body = body[:len(body) // 2]
        if resp.trickle_interval is not None and body:
            self.wfile.write(head_bytes)
            self._trickle(body, resp.trickle_interval, entry)
        else:
            self.wfile.write(head_bytes + body)
        if self.server.emulator.verbose:
            self.log_request(resp.status, len(body))

    def _trickle(self, body: bytes, interval: float, entry: dict[str, t.Any] | None) -> None:
        """One byte, then a pause, until the body is sent, the client goes away or the emulator stops."""
        outcome = "done"
        sent = 0
        stopping = self.server.emulator.stopping
        for index in range(len(body)):
            if stopping.is_set():
                outcome = "shutdown"
                break
            try:
                self.wfile.write(body[index:index + 1])
            except OSError:
                outcome = "disconnected"
                break
            sent += 1
            if index + 1 < len(body) and self._client_gone(interval):
                outcome = "disconnected"
                break
        if outcome != "done":
            self.close_connection = True
        if entry is not None:
            entry["trickle"] = {"sent": sent, "size": len(body), "outcome": outcome}

    def _client_gone(self, timeout: float) -> bool:
        """Wait ``timeout`` seconds; True as soon as the client closes its end."""
        if isinstance(self.connection, ssl.SSLSocket):
            self.server.emulator.stopping.wait(timeout)
            return False
        try:
            readable, _w, _x = select.select([self.connection], [], [], timeout)
            if readable and self.connection.recv(1, socket.MSG_PEEK) == b"":
                return True
        except (OSError, ValueError):
            return True
        if readable:  # the client sent more (a pipelined request): still pause
            self.server.emulator.stopping.wait(timeout)
        return False


def _override(headers: list[tuple[str, str]], overrides: dict[str, str | None]) -> list[tuple[str, str]]:
    """Each override replaces every header of its name (in the place of the first), or is added at the end."""
    if not overrides:
        return headers
    by_name = {name.lower(): (name, value) for name, value in overrides.items()}
    out: list[tuple[str, str]] = []
    placed = set()
    for name, value in headers:
        lname = name.lower()
        if lname not in by_name:
            out.append((name, value))
        elif lname not in placed:
            placed.add(lname)
            new_name, new_value = by_name[lname]
            if new_value is not None:
                out.append((new_name, new_value))
    for lname, (name, value) in by_name.items():
        if lname not in placed and value is not None:
            out.append((name, value))
    return out
