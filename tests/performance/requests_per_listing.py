# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Requests per listing of 3, 251 and 10,000 sessions against a service whose offsets count records, pages from 0
or pages from 1: the first listing of a run (which tells them apart) and a listing once it is known. In-process,
against the emulator (loopback only); prints a Markdown table.

    PYTHONPATH=DIR python tests/performance/requests_per_listing.py

where DIR holds ``ansible_collections/dataarts/fabric`` (a link to the checkout will do).
"""

from __future__ import annotations

import sys

from ansible_collections.dataarts.fabric.plugins.module_utils._config.loader import load_config
from ansible_collections.dataarts.fabric.plugins.module_utils._http.factory import open_client
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions import offsets
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.listing import run_queries
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.query import SessionQuery
from ansible_collections.dataarts.fabric.tests.emulator.fabric_emulator import FabricEmulator

SIZES = {'ws-3': 3, 'ws-251': 251, 'ws-10000': 10000}
MODES = ('records', 'pages0', 'pages1')


def count(emu: FabricEmulator, client: object, workspace: str, query: object) -> int:
    emu.clear_log()
    [listing] = run_queries(client, [SessionQuery(workspace, query)], lambda warning: None)  # type: ignore[arg-type]
    if len(listing.sessions) != SIZES[workspace] or listing.partial:
        raise SystemExit('%s: %d sessions listed, partial %s' % (workspace, len(listing.sessions), listing.partial))
    return len(emu.requests_log())


def main() -> int:
    rows = []
    with FabricEmulator(workspaces=SIZES) as emu:
        config = load_config({'endpoint': emu.url, 'auth_token': 'emulator-token'}, environ={})
        for mode in MODES:
            emu.set_offsets(mode)
            with open_client(config.connection, 'requests-per-listing') as client:
                first = []
                for workspace in SIZES:
                    offsets.forget()
                    first.append(count(emu, client, workspace, config.query))
                known = [count(emu, client, workspace, config.query) for workspace in SIZES]
            rows.append((mode, first, known))
    print('| offsets count | ' + ' | '.join('%s sessions (first / known)' % format(n, ',') for n in SIZES.values()) + ' |')
    print('|---|' + '---|' * len(SIZES))
    for mode, first, known in rows:
        print('| %s | %s |' % (mode, ' | '.join('%d / %d' % pair for pair in zip(first, known))))
    return 0


if __name__ == '__main__':
    sys.exit(main())
