# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""The one way a face runs a call: load, scrub, client, run, warnings.

The module, the lookup and the event source are thin wrappers over this: each turns the FabricError it may
raise into its own kind of failure (``fail_json``, ``AnsibleLookupError``, an event).
"""

from __future__ import annotations

import collections
import os
import threading
import typing as t

from ._config.loader import load_scrubbed
from ._config.types import Config, Connection
from ._errors import FabricError
from ._http.client import FabricHttpClient
from ._http.factory import open_client

T = t.TypeVar('T')
Warn = t.Callable[[str], None]
# Clients a long-lived process (the controller, for the lookup) keeps: each holds a pool of open sockets.
CLIENTS_MAX = 8


class ClientCache:
    """Clients by process and connection, so that the calls of one process share their connection pools while
    a forked worker never uses its parent's. At most ``size`` are kept; the least recently used is closed."""

    def __init__(self, agent: str, size: int = CLIENTS_MAX) -> None:
        self.agent = agent
        self.size = size
        self._clients: collections.OrderedDict[tuple[int, Connection], FabricHttpClient] = collections.OrderedDict()
        self._lock = threading.Lock()

    def get(self, connection: Connection) -> FabricHttpClient:
        key = (os.getpid(), connection)
        with self._lock:
            client = self._clients.pop(key, None)
            if client is None:
                client = open_client(connection, self.agent)
            self._clients[key] = client
            while len(self._clients) > self.size:
                _key, evicted = self._clients.popitem(last=False)
                evicted.close()
            return client

    def close(self) -> None:
        with self._lock:
            while self._clients:
                self._clients.popitem()[1].close()


def run_call(raw: t.Mapping[str, t.Any], agent: str, work: t.Callable[[Config, FabricHttpClient], T], warn: Warn,
             clients: ClientCache | None = None) -> T:
    """Load ``raw`` (options given explicitly; the environment and the files fill the rest), report the
    loader's warnings, and run ``work`` with the connection's client. Any FabricError leaves scrubbed of the
    secrets of the sources in use (the connection's, the proxy requests goes through, the tokens IAM issued);
    one the load refuses, of every secret the raw values and the environment hold."""
    config, redactor = load_scrubbed(raw)
    for warning in config.warnings:
        warn(redactor.text(warning))
    client = clients.get(config.connection) if clients is not None else open_client(config.connection, agent)
    try:
        return work(config, client)
    except FabricError as exc:
        raise client.redactor.error(exc) from None
    finally:
        if clients is None:
            client.close()
