# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""fabric_session's one call: read, then write (never in check mode), on one executor of ``concurrency``
threads, with one retry budget and deadline; the wait for a new session afterwards, poll by poll.
"""

from __future__ import annotations

import dataclasses
import typing as t

from .._http.client import FabricHttpClient
from .closing import close_matching, close_one
from .endpoints import EndpointNames
from .executor import CallExecutor
from .keeping import keep_or_create, wait_until_running
from .lifecycle_settings import LifecycleSettings
from .listing import with_endpoint_ids
from .report import Outcome


def run_lifecycle(client: FabricHttpClient, settings: LifecycleSettings, outcome: Outcome,
                  warn: t.Callable[[str], None]) -> Outcome:
    """Do what the settings ask, recording it in ``outcome`` (also when a FabricError ends it partway).
    Warnings (retries made, listings that changed while read) go to ``warn``, scrubbed."""
    first_event, first_note = len(client.retry_events), len(client.notes)
    found: list[str] = []
    try:
        wait = None
        with client.call(), CallExecutor(client.concurrency) as executor:
            settings, found = _with_endpoint_id(client, executor, settings)
            if settings.state == 'present':
                wait = keep_or_create(client, settings, outcome, executor)
            elif settings.session_id is not None:
                close_one(client, settings.query, settings.session_id, outcome)
            else:
                close_matching(client, settings.query, outcome, executor)
        if wait is not None:
            wait_until_running(client, settings, outcome, wait)
        return outcome
    finally:
        for warning in client.notes[first_note:] + client.retry_warnings(since=first_event):
            warn(warning)
        for warning in found:
            warn(client.redactor.text(warning))


def _with_endpoint_id(client: FabricHttpClient, executor: CallExecutor, settings: LifecycleSettings
                      ) -> tuple[LifecycleSettings, list[str]]:
    """The settings with endpoint_name resolved to endpoint_id, once, before any session is listed."""
    query = settings.query.query
    if query.endpoint_name is None:
        return settings, []
    names = EndpointNames()
    found = names.resolve_all(client, executor, [(settings.workspace_id, query.endpoint_name, query.page_size)])
    [resolved] = with_endpoint_ids([settings.query], names)
    return dataclasses.replace(settings, query=resolved, endpoint_id=resolved.query.endpoint_id), found
