# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The part of the emulator's state that issue 22 added: what list offsets count, and the endpoints (their
in-process control API and their list request). ``FabricEmulator`` inherits it."""

from __future__ import annotations

import threading
import typing as t

from .answers import STATUS_BODIES, ApiError, Response, json_response
from .endpoints_api import Endpoint, EndpointStore, list_endpoints
from .paging import check_mode


class ListingState:
    _lock: threading.RLock
    _endpoints: EndpointStore
    offsets: str

    def set_offsets(self, mode: t.Any) -> str:
        """What the offset of a list request counts from now on: records, pages0 or pages1 (paging.py)."""
        self.offsets = check_mode(mode)
        return self.offsets

    def endpoints(self, ws_id: str) -> list[Endpoint] | None:
        """A copy of a workspace's endpoints (every owner and visibility), or None."""
        with self._lock:
            found = self._endpoints.of(ws_id)
            return None if found is None else [dict(entry) for entry in found]

    def put_endpoints(self, ws_id: str, endpoints: t.Any) -> list[Endpoint]:
        """Set a workspace's endpoints (missing fields filled in); returns them."""
        with self._lock:
            return [dict(entry) for entry in self._endpoints.put(ws_id, endpoints)]

    def _list_endpoints(self, ws_id: str, query: list[tuple[str, str]]) -> Response:
        with self._lock:
            try:
                page, total = list_endpoints(ws_id, query, self._endpoints, self.offsets)
            except LookupError:
                raise ApiError(404, STATUS_BODIES[404]) from None
        return json_response(200, {"total": total, "endpoints": page})
