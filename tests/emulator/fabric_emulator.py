# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Local emulator of the DataArts Fabric SQL session list API: the entry point.

``GET /v1/workspaces/{workspace_id}/sessions`` with IAM token and AK/SK
(SDK-HMAC-SHA256) authentication, the IAM token endpoint
``POST /v3/auth/tokens`` (password method) on the same port, deterministic
seeded data, and a control API under ``/_emulator/`` for faults, latency,
data, issued tokens and the request log. The code is the ``fabric_emu``
package beside this file.

Standard library only; runs on Python 3.9 and later.  Run it as a program::

    python tests/emulator/fabric_emulator.py --port 8080

or in-process::

    with FabricEmulator() as emu:
        base_url = emu.url

See ``README.md`` beside this file.
"""

from __future__ import annotations

import sys

if __package__:
    from .fabric_emu import (FAULT_TYPES, STATUSES, VERSION, FabricEmulator, build_parser, canonical_request,
                             compute_authorization, generate_sessions, main, string_to_sign)
else:  # run as a script, or imported with this directory on sys.path
    from fabric_emu import (FAULT_TYPES, STATUSES, VERSION, FabricEmulator, build_parser,  # pylint: disable=import-error
                            canonical_request, compute_authorization, generate_sessions, main, string_to_sign)

__all__ = [
    "FAULT_TYPES",
    "STATUSES",
    "VERSION",
    "FabricEmulator",
    "build_parser",
    "canonical_request",
    "compute_authorization",
    "generate_sessions",
    "main",
    "string_to_sign",
]

if __name__ == "__main__":
    sys.exit(main())
