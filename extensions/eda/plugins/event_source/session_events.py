# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
short_description: Events for the SQL sessions of DataArts Fabric workspaces that appear, change status or go
description:
  - An Event-Driven Ansible event source that polls the SQL sessions of one or more Huawei Cloud DataArts Fabric
    workspaces (C(GET /v1/workspaces/{workspace_id}/sessions)) and puts one event on the queue per change.
  - 'Change events have exactly the keys C(type) (V(session_new), V(session_status_changed) or V(session_gone)),
    C(workspace_id), C(session) (the session as the service sent it) and C(previous_status) (the status before the
    change; for V(session_gone) the last status seen; for V(session_new) null). For V(session_gone) the service no
    longer has the session: C(session) then holds only C(session_id) and C(status), the last status seen.'
  - 'A poll that fails (a network error, HTTP 5xx after the retries, 401, 403, 404, a malformed answer) does not
    end the source, and every failure is logged. When the polls of a workspace start failing, one event with
    exactly the keys C(type) (V(poll_failed)), C(workspace_id), C(error) (the message, secrets removed) and
    C(status_code) (the HTTP status, or null when the service did not answer) is put; after failures in a row
    the next polls of that workspace wait 1, 2, 4, 8 and then 10 intervals. Only once 3 polls in a row have
    worked again is one event with exactly C(type) (V(poll_recovered)), C(workspace_id) and C(failed_polls) (how
    many polls failed since V(poll_failed)) put, before the change events of that poll: a gateway that fails
    every other poll gives one V(poll_failed), not a pair of events every two polls. Change events of the polls
    that work are put as always.'
  - ansible-rulebook adds its own C(meta) key to every event.
  - 'Besides the options below, the source takes every connection option of the module
    M(dataarts.fabric.fabric_session_info), with the same names, defaults, environment variables (read from the
    environment of ansible-rulebook; the first one set wins), checks and error messages: C(endpoint), C(region),
    C(cloud), C(profile), C(auth_token), C(access_key), C(secret_key), C(security_token), C(project_id),
    C(username), C(password), C(domain_name), C(project_name), C(iam_endpoint), C(validate_certs), C(ca_path),
    C(connect_timeout), C(timeout), C(total_timeout), C(proxy), C(allow_plain_http), C(retries), C(retry_backoff),
    C(token_cache).
    C(total_timeout),
    C(retries) and C(retry_backoff) apply to each poll.'
  - Invalid arguments stop the source at start with the message the module gives for them.
  - 'The cost of one poll of one workspace is bounded: one listing per watched status (one request per page of
    O(page_size) sessions, four requests for a workspace with fewer than O(page_size) sessions per status; the
    first list of more than one page may take one or two more, to learn what the offset of the API counts), plus
    one request by C(session_id) for each session that left the listing, at most 20 per poll (more are asked for
    at the next polls, those that left first first). At most 200 sessions wait to be asked for: when more leave
    the listing than can be asked for, the oldest are dropped without an event and a warning in the log names
    them.'
  - 'Without O(status), the watched statuses are V(RUNNING), V(WAITING), V(CREATING) and V(FAIL): sessions that
    are V(CLOSED), the history that only grows, are never listed. A session that leaves the listing is asked for
    by ID: V(CLOSED) is then a V(session_status_changed) event (and the session is forgotten), no answer a
    V(session_gone) event. A session created and closed between two polls is not seen.'
  - With O(status), only sessions in those statuses are watched; a session that enters one of them is
    V(session_new), one that leaves all of them is V(session_status_changed) with its new status.
  - The only state kept is the ID and status of each watched session (and the ID O(endpoint_name) resolved to).
  - Cancelling the source (ansible-rulebook stopping) ends the poll in flight at once.
  - 'A poll whose listing is not whole (it ended before the service''s total, or the list changed while it was read
    in each of three readings; see the collection''s guide on whole listings) logs a warning naming the service''s
    count and what the listing held. No event is made from what such a listing missed: a watched session it lacks
    is asked for by ID as above (and keeps its last status when it is not asked for), and a new session it missed
    is announced by a later poll.'
version_added: 1.0.0
author:
  - DataArts Fabric Ansible maintainers (@dataarts-fabric)
options:
  workspace_id:
    description:
      - ID of the workspace to watch, or a list of them (each 1 to 36 characters, only letters, digits and hyphens).
      - Workspaces are polled one after the other, each on its own schedule.
    type: list
    elements: str
    required: true
  interval:
    description:
      - Seconds between two polls of a workspace, from the end of one to the start of the next.
      - At least 1, at most 86400.
    type: float
    default: 60
  announce_existing:
    description:
      - Whether the sessions found by the first poll are put on the queue as V(session_new) events.
      - When V(false), the first poll only learns them; events start with the second poll.
    type: bool
    default: false
  status:
    description:
      - Only watch sessions in these statuses (V(RUNNING), V(CLOSED), V(WAITING), V(CREATING), V(FAIL)).
      - When not set, every status but V(CLOSED) is listed (see above).
    type: list
    elements: str
  endpoint_id:
    description:
      - Only watch the sessions of this SQL endpoint.
    type: str
  endpoint_name:
    description:
      - Only watch the sessions of the SQL endpoint of this name, matched exactly among the SQL endpoints of each
        workspace, as the module's O(dataarts.fabric.fabric_session_info#module:endpoint_name) is.
      - Resolved to the endpoint's ID once per workspace, at the first poll of that workspace; a name that matches no
        SQL endpoint, or several, fails that poll (a V(poll_failed) event naming the name, or each candidate's ID
        and visibility), and the next poll tries again.
      - Cannot be combined with O(endpoint_id).
    type: str
  page_size:
    description:
      - Sessions requested per API call, 1 to 100.
    type: int
    default: 100
  concurrency:
    description:
      - How many pages are fetched at the same time; the watched statuses are listed side by side.
    type: int
    default: 4
requirements:
  - requests >= 2.25 and ansible-core (which ansible-rulebook needs anyway) in the Python that runs ansible-rulebook
notes:
  - The source runs in the Python of ansible-rulebook. It imports the collection's C(plugins/module_utils) from
    where the collection is installed and needs nothing else of the collection.
  - Secrets given as arguments or in the environment never appear in events or in the log.
seealso:
  - module: dataarts.fabric.fabric_session_info
    description: The same listing, once, from a playbook.
"""

EXAMPLES = r"""
- name: Run a playbook when a session fails
  hosts: all
  sources:
    - dataarts.fabric.session_events:
        region: cn-north-4
        workspace_id:
          - 8f3b7a4e-1c2d-4e5f-9a0b-1c2d3e4f5a6b
        interval: 30
  rules:
    - name: A session turned FAIL
      condition: event.type == "session_status_changed" and event.session.status == "FAIL"
      action:
        run_playbook:
          name: playbooks/handle_failed_session.yml  # shipped beside extensions/eda/rulebooks/session_failed.yml
    - name: Polling fails
      condition: event.type == "poll_failed"
      action:
        debug:
          msg: "{{ event.workspace_id }}: {{ event.error }}"

# Credentials from the environment of ansible-rulebook, for example
# HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK and HUAWEICLOUD_SDK_PROJECT_ID, or DATAARTS_FABRIC_AUTH_TOKEN.
- name: Announce every running or waiting session of one endpoint, then report changes
  hosts: all
  sources:
    - dataarts.fabric.session_events:
        endpoint: https://fabric.cn-north-4.myhuaweicloud.com
        workspace_id: 8f3b7a4e-1c2d-4e5f-9a0b-1c2d3e4f5a6b
        endpoint_id: 0470d220-aaaa-410e-a417-0d69a0215683
        status: [RUNNING, WAITING]
        announce_existing: true
  rules:
    - name: Show every event
      condition: event.type is defined
      action:
        print_event:
"""

# pylint: disable=wrong-import-position
import asyncio
import logging
import sys
import typing as t
from pathlib import Path


def _find_collection() -> None:
    """ansible-rulebook runs this file by path, without Ansible's collection loader: when the collection is not
    importable already, put the directory that holds its ``ansible_collections`` tree on sys.path."""
    try:
        import ansible_collections.dataarts.fabric.plugins.module_utils  # noqa: F401 pylint: disable=unused-import
    except ImportError:
        here = Path(__file__).resolve()
        root = here.parents[7]
        if here.parents[6].name == 'ansible_collections' and str(root) not in sys.path:
            sys.path.append(str(root))


_find_collection()

from ansible_collections.dataarts.fabric.plugins.module_utils._errors import FabricError  # noqa: E402
from ansible_collections.dataarts.fabric.plugins.module_utils._http.client import FabricHttpClient  # noqa: E402
from ansible_collections.dataarts.fabric.plugins.module_utils._http.factory import open_client  # noqa: E402
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.endpoints import EndpointNames  # noqa: E402
from ansible_collections.dataarts.fabric.plugins.module_utils._version import user_agent  # noqa: E402
from ansible_collections.dataarts.fabric.plugins.module_utils._watch.changes import (  # noqa: E402
    Event,
    Snapshot,
    changes,
    trim_backlog,
)
from ansible_collections.dataarts.fabric.plugins.module_utils._watch.poll import (  # noqa: E402
    LOOKUPS_PER_POLL_MAX,
    VANISHED_BACKLOG_MAX,
    fetch,
    watched_statuses,
)
from ansible_collections.dataarts.fabric.plugins.module_utils._watch.settings import (  # noqa: E402
    WatchSettings,
    watch_settings,
)
from ansible_collections.dataarts.fabric.plugins.module_utils._watch.streak import PollStreak  # noqa: E402
from ansible_collections.dataarts.fabric.plugins.module_utils._watch.worker import in_daemon_thread  # noqa: E402

logger = logging.getLogger('dataarts.fabric.session_events')


class _Watch:
    """The polls of every workspace of one source, one after the other, each in a daemon thread."""

    def __init__(self, queue: asyncio.Queue, client: FabricHttpClient, settings: WatchSettings) -> None:
        self.queue = queue
        self.client = client
        self.settings = settings
        self.statuses = watched_statuses(settings.config.query)
        self.snapshots: dict[str, Snapshot | None] = dict.fromkeys(settings.workspace_ids)
        self.streaks = {workspace_id: PollStreak(workspace_id) for workspace_id in settings.workspace_ids}
        self.names = EndpointNames()  # endpoint_name resolved once per workspace for the run of the source

    async def poll(self, workspace_id: str) -> list[Event]:
        previous = self.snapshots[workspace_id]
        try:
            result = await in_daemon_thread(fetch, self.client, workspace_id, self.settings.config.query, previous,
                                            logger.warning, self.names)
        except FabricError as exc:
            error = self.client.redactor.error(exc)
            logger.warning('polling workspace %s failed: %s', workspace_id, error)
            return self.streaks[workspace_id].failed(str(error), error.status)
        events, snapshot = changes(workspace_id, previous, result.sessions, result.looked_up, self.statuses,
                                   self.settings.announce_existing)
        self.snapshots[workspace_id], dropped = trim_backlog(snapshot, result.sessions, VANISHED_BACKLOG_MAX)
        if dropped:
            logger.warning('workspace %s: %d sessions left the listing faster than they can be asked for (%d per'
                           ' poll, at most %d waiting): dropped without an event: %s%s', workspace_id, len(dropped),
                           LOOKUPS_PER_POLL_MAX, VANISHED_BACKLOG_MAX, ', '.join(dropped[:10]),
                           ' and %d more' % (len(dropped) - 10) if len(dropped) > 10 else '')
        return self.streaks[workspace_id].succeeded() + events

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        due = dict.fromkeys(self.settings.workspace_ids, loop.time())
        while True:
            workspace_id = min(due, key=lambda name: due[name])
            await asyncio.sleep(max(0.0, due[workspace_id] - loop.time()))
            for event in await self.poll(workspace_id):
                await self.queue.put(event)
            wait = self.settings.interval * self.streaks[workspace_id].intervals_to_wait
            due[workspace_id] = loop.time() + wait


async def main(queue: asyncio.Queue, args: dict[str, t.Any]) -> None:
    """Poll until cancelled; invalid arguments raise FabricError with the module's message at once."""
    settings = watch_settings(args)
    client = open_client(settings.config.connection, user_agent('event source'))
    for warning in settings.config.warnings:
        logger.warning(client.redactor.text(warning))
    try:
        await _Watch(queue, client, settings).run()
    finally:
        # the poll in flight ends now (its socket is shut); its daemon thread is not waited for
        client.transport.abort()
        client.close()


if __name__ == '__main__':
    # A quick try outside ansible-rulebook: python session_events.py WORKSPACE_ID (connection from the environment)
    class _PrintQueue:
        async def put(self, event: Event) -> None:
            print(event, flush=True)

    logging.basicConfig(level=logging.INFO)
    asyncio.run(main(t.cast(asyncio.Queue, _PrintQueue()), {'workspace_id': sys.argv[1:], 'interval': 5}))
