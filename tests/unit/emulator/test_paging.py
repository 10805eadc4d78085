# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the offset counts: records, pages from 0, pages from 1; set by the control API, the constructor and
the command line, for sessions and endpoints alike."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("mode,offsets,endpoint_start", [
    ("records", {0: 0, 3: 3, 6: 6}, 1),
    ("pages0", {0: 0, 1: 3, 2: 6}, 2),
    ("pages1", {0: 0, 1: 0, 2: 3, 3: 6}, 0),
])
def test_offsets_count_records_or_pages(web, emu, mode, offsets, endpoint_start):
    every = [s["session_id"] for s in emu.sessions("ws-demo")]
    assert web.control(emu, "PUT", "/paging", {"offsets": mode}).json() == {"offsets": mode}
    assert web.control(emu, "GET", "/paging").json() == {"offsets": mode}
    for offset, first in offsets.items():
        page = web.get(emu, "/v1/workspaces/ws-demo/sessions?limit=3&offset=%d" % offset).json()
        assert [s["session_id"] for s in page["sessions"]] == every[first:first + 3]
        assert page["total"] == 40
    endpoints = [entry["id"] for entry in emu.endpoints("ws-demo") if entry["owner"] == "emulator-user"]
    second = web.get(emu, "/v1/workspaces/ws-demo/endpoints?limit=2&offset=1").json()["endpoints"]
    assert [entry["id"] for entry in second] == endpoints[endpoint_start:endpoint_start + 2]


def test_reset_and_bad_values(web, emu):
    web.control(emu, "PUT", "/paging", {"offsets": "pages1"})
    emu.reset()
    assert emu.offsets == "records"
    assert web.control(emu, "PUT", "/paging", {"offsets": "pages2"}).status == 400
    assert web.control(emu, "PUT", "/paging", ["pages0"]).status == 400


def test_the_constructor_and_the_command_line_take_the_mode(fe):
    with fe.FabricEmulator(offsets="pages0") as emulator:
        assert emulator.offsets == "pages0"
    with pytest.raises(Exception):
        fe.FabricEmulator(offsets="bogus")
    args = fe.build_parser().parse_args(["--offsets", "pages1"])
    assert args.offsets == "pages1"
    refused = subprocess.run([sys.executable, fe.__file__, "--offsets", "pages"], capture_output=True, timeout=60,
                             check=False)
    assert refused.returncode == 2 and b"--offsets" in refused.stderr
