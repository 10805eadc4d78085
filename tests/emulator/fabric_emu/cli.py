# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The command line: ``python tests/emulator/fabric_emulator.py [options]``."""

from __future__ import annotations

import argparse
import math
import os
import signal
import sys
import tempfile
import threading
import time
import typing as t

from .data import ID_RE
from .emulator import DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, DEFAULT_TOKEN, FabricEmulator
from .iam import DEFAULT_TOKEN_TTL, DEFAULT_USER
from .paging import OFFSET_MODES


def write_atomic(path: str, text: str) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".fabric-emulator-", dir=directory)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def remove_if_holds(path: str | None, text: str) -> None:
    """Remove a port or URL file this emulator wrote, unless something else has replaced it since."""
    if not path:
        return
    try:
        with open(path, encoding="utf-8") as handle:
            if handle.read() != text:
                return
        os.unlink(path)
    except OSError:
        pass


def _workspace_arg(text: str) -> tuple[str, int]:
    ws_id, sep, count = text.partition("=")
    if not sep or not ID_RE.match(ws_id) or not count.isdigit():
        raise argparse.ArgumentTypeError("expected ID=COUNT with ID of 1-36 [A-Za-z0-9-] and COUNT >= 0, got %r" % text)
    return ws_id, int(count)


def _user_arg(text: str) -> tuple[str, str, str]:
    # NAME:PASSWORD:DOMAIN; the password may hold ":". Never echo the value (it has the password).
    name, sep1, rest = text.partition(":")
    password, sep2, domain = rest.rpartition(":")
    if not sep1 or not sep2 or not name or not domain:
        raise argparse.ArgumentTypeError("expected NAME:PASSWORD:DOMAIN with a non-empty NAME and DOMAIN")
    return name, password, domain


def _proxy_user_arg(text: str) -> tuple[str, str]:
    # USER:PASSWORD; the password may hold ":". Never echo the value.
    user, sep, password = text.partition(":")
    if not sep or not user:
        raise argparse.ArgumentTypeError("expected USER:PASSWORD with a non-empty USER")
    return user, password


def _ttl_arg(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0
    if math.isnan(value) or value <= 0 or math.isinf(value):
        raise argparse.ArgumentTypeError("expected a number of seconds > 0, got %r" % text)
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fabric_emulator.py",
        description="Local emulator of the DataArts Fabric SQL session list API (with a control API under /_emulator/).")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default 0: a free port)")
    parser.add_argument("--port-file", help="write the port number to this file once listening (removed on exit)")
    parser.add_argument("--url-file", help="write the base URL to this file once listening (removed on exit)")
    parser.add_argument("--lifetime", type=float, default=3600, help="stop after this many seconds (default 3600; 0: never)")
    parser.add_argument("--token", action="append", help="accepted X-Auth-Token (repeatable; default emulator-token)")
    parser.add_argument("--forbidden-token", action="append", default=[], help="X-Auth-Token answered with 403 (repeatable)")
    parser.add_argument("--access-key", default=DEFAULT_ACCESS_KEY, help="AK for AK/SK signing (default EMULATORAK)")
    parser.add_argument("--secret-key", default=DEFAULT_SECRET_KEY, help="SK for AK/SK signing (default EMULATORSK)")
    parser.add_argument("--project-id", help="require this X-Project-Id (default: any non-empty value)")
    parser.add_argument("--security-token", action="append",
                        help="accepted X-Security-Token values (repeatable; default: any value, if signed)")
    parser.add_argument("--user", action="append", type=_user_arg, metavar="NAME:PASSWORD:DOMAIN",
                        help="IAM user accepted by POST /v3/auth/tokens (repeatable; default "
                             "emulator-user:emulator-password:emulator-domain)")
    parser.add_argument("--token-ttl", type=_ttl_arg, default=DEFAULT_TOKEN_TTL, metavar="SECONDS",
                        help="lifetime of tokens issued by POST /v3/auth/tokens (default 86400)")
    parser.add_argument("--proxy-user", type=_proxy_user_arg, metavar="USER:PASSWORD",
                        help="as a proxy, require Proxy-Authorization: Basic with these credentials (else 407)")
    parser.add_argument("--clock-offset", type=float, default=0, metavar="SECONDS",
                        help="run the emulator's clock this far ahead (negative: behind) of the machine's, to play"
                             " a gateway whose clock differs from the client's (signatures then look stale)")
    parser.add_argument("--latency-ms", type=float, default=0, help="added latency per API request")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated data (default 0)")
    parser.add_argument("--workspace", action="append", type=_workspace_arg, default=[], metavar="ID=COUNT",
                        help="add a generated workspace of COUNT sessions (repeatable)")
    parser.add_argument("--certfile", help="PEM certificate: serve HTTPS")
    parser.add_argument("--keyfile", help="PEM private key for --certfile")
    parser.add_argument("--offsets", choices=OFFSET_MODES, default="records",
                        help="what the offset of a list request counts: records (default), pages0 or pages1")
    parser.add_argument("--quiet", action="store_true", help="print nothing (not even the listening line)")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    return parser


def _emulator_from(args: argparse.Namespace) -> FabricEmulator:
    offset = args.clock_offset
    return FabricEmulator(
        host=args.host, port=args.port, tokens=args.token or [DEFAULT_TOKEN], forbidden_tokens=args.forbidden_token,
        access_key=args.access_key, secret_key=args.secret_key, project_id=args.project_id,
        security_tokens=args.security_token, latency_ms=args.latency_ms, seed=args.seed,
        workspaces=dict(args.workspace), certfile=args.certfile, keyfile=args.keyfile,
        lifetime=args.lifetime or None, verbose=args.verbose,
        users=args.user or [DEFAULT_USER], token_ttl=args.token_ttl, proxy_credentials=args.proxy_user,
        offsets=args.offsets,
        clock=(lambda: time.time() + offset) if offset else None)


def main(argv: t.Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.keyfile and not args.certfile:
        sys.stderr.write("fabric-emulator: --keyfile needs --certfile\n")
        return 2
    try:
        emulator = _emulator_from(args)
        url = emulator.start()
    except (ValueError, OSError) as exc:
        sys.stderr.write("fabric-emulator: %s\n" % exc)
        return 2

    stop = threading.Event()

    def on_signal(_signum: int, _frame: t.Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    written: list[tuple[str, str]] = []
    expired = False
    try:
        for path, text in ((args.port_file, "%d\n" % emulator.port), (args.url_file, url + "\n")):
            if path:
                write_atomic(path, text)
                written.append((path, text))
        if not args.quiet:
            sys.stdout.write("fabric-emulator listening on %s\n" % url)
            sys.stdout.flush()
        while not stop.is_set() and not emulator.stopped.is_set():
            stop.wait(0.2)
        expired = not stop.is_set()
    finally:
        emulator.stop()
        # A stopped emulator leaves no file saying where it listens (a script would take it for a running one).
        for path, text in written:
            remove_if_holds(path, text)
    if not args.quiet:
        sys.stderr.write("fabric-emulator stopped%s\n" % (" (its --lifetime of %g s ended)" % args.lifetime
                                                          if expired else ""))
    return 0
