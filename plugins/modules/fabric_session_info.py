#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: fabric_session_info
short_description: List the SQL sessions of a DataArts Fabric workspace
version_added: 1.0.0
description:
  - Lists the SQL sessions of a Huawei Cloud DataArts Fabric workspace
    (C(GET /v1/workspaces/{workspace_id}/sessions)), optionally filtered by status, SQL endpoint and session ID.
  - Every page is fetched, so RV(sessions) holds every matching session unless O(max_results) stops earlier.
    What the API's C(offset) counts (records, or pages from 0 or 1) is learnt from the answers.
  - The listing says whether it is whole (RV(complete)). When it is not, a warning names the service's count and
    what the listing holds, and RV(missing) says how many sessions it could not see. A list that changes while it
    is read is read again (at most three times in all).
  - Sessions are returned exactly as the service sent them, including fields and status values this module
    does not know.
author:
  - DataArts Fabric Ansible maintainers (@dataarts-fabric)
options:
  workspace_id:
    description:
      - ID of the workspace whose sessions are listed (1 to 36 characters, only letters, digits and hyphens).
    type: str
    required: true
  wait_status:
    description:
      - Wait until the session O(session_id) is in one of these statuses, polling it every O(wait_sleep) seconds for
        at most O(wait_timeout) seconds. Requires O(session_id).
      - The wait fails early, naming the status, when the session is V(FAIL) or V(CLOSED) (statuses a session never
        leaves) and that status is not listed; it fails at once when a poll fails or the session comes without a
        status. On timeout it names the last status seen, or says that the session was never found.
      - A session a poll lists with conflicting statuses (V(CONFLICTING), see RV(sessions)) has reached no status,
        and the wait goes on.
      - On success, RV(sessions), RV(total) and RV(counts) are those of the poll that saw the wanted status; RV(wait)
        says what the wait saw, also when the wait fails.
      - O(wait_timeout) divided by O(wait_sleep) may allow at most 9999 polls after the first.
      - Cannot be combined with O(status), O(count_only) or O(older_than).
      - When not set, the module lists the sessions once, without waiting.
    type: list
    elements: str
    choices: [RUNNING, CLOSED, WAITING, CREATING, FAIL]
  wait_timeout:
    description:
      - Seconds the wait of O(wait_status) may take. A poll is made at the start and then O(wait_sleep) seconds
        after the previous one ended, as long as it starts within this time, so at most
        O(wait_timeout) / O(wait_sleep) + 1 polls (and never more than 10000).
      - V(0) polls once. At most V(86400).
      - Each poll is one call of the API with its own O(total_timeout) and retry budget.
    type: float
    default: 300
  wait_sleep:
    description:
      - Seconds from the end of one poll of the wait of O(wait_status) to the start of the next (after a slow or
        throttled poll, no missed poll is made up); greater than V(0), at most V(3600).
    type: float
    default: 5
extends_documentation_fragment:
  - dataarts.fabric.connection
  - dataarts.fabric.attributes
  - dataarts.fabric.attributes.info_module
  - dataarts.fabric.session_filters
attributes:
  check_mode:
    description: The module only reads; it behaves the same in check mode, waits included.
seealso:
  - plugin: dataarts.fabric.fabric_sessions
    plugin_type: lookup
    description: The same query from a template or a loop, run on the controller.
"""

EXAMPLES = r"""
- name: Count the sessions of a big workspace per status, in constant time (no session is listed)
  dataarts.fabric.fabric_session_info:
    endpoint: https://fabric.cn-north-4.myhuaweicloud.com
    auth_token: "{{ iam_token }}"
    workspace_id: 8f3b7a4e-1c2d-4e5f-9a0b-1c2d3e4f5a6b
    count_only: true
  register: session_counts

- name: List every session of a workspace with an IAM token
  dataarts.fabric.fabric_session_info:
    endpoint: https://fabric.cn-north-4.myhuaweicloud.com
    auth_token: "{{ iam_token }}"
    workspace_id: 8f3b7a4e-1c2d-4e5f-9a0b-1c2d3e4f5a6b
  register: fabric

- name: Show how many sessions are running
  ansible.builtin.debug:
    msg: "{{ fabric.counts.RUNNING }} of {{ fabric.total }} sessions are running"

- name: Show how many running sessions each SQL endpoint has, by endpoint name (from the listing above)
  vars:
    per_endpoint: "{{ fabric.sessions | selectattr('status', 'eq', 'RUNNING') | groupby('endpoint_info.name') }}"
  ansible.builtin.debug:
    msg: "{{ dict(per_endpoint | map('first') | zip(per_endpoint | map('last') | map('length'))) }}"

- name: The sessions of the SQL endpoint named "Fabric Prod.eu" (its ID is looked up by name first)
  dataarts.fabric.fabric_session_info:
    endpoint: https://fabric.cn-north-4.myhuaweicloud.com
    auth_token: "{{ iam_token }}"
    workspace_id: 8f3b7a4e-1c2d-4e5f-9a0b-1c2d3e4f5a6b
    endpoint_name: Fabric Prod.eu
  register: prod_sessions

- name: Never pass a gate on a listing that is not whole
  ansible.builtin.assert:
    that:
      - prod_sessions.complete
      - prod_sessions.counts.FAIL == 0
    fail_msg: "{{ prod_sessions.missing }} sessions not seen, or {{ prod_sessions.counts.FAIL }} failed"

- name: Failed or still-creating sessions of one SQL endpoint, signed with AK/SK
  dataarts.fabric.fabric_session_info:
    region: cn-north-4
    access_key: "{{ vault_hw_access_key }}"
    secret_key: "{{ vault_hw_secret_key }}"
    project_id: 0a1b2c3d4e5f60718293a4b5c6d7e8f9
    workspace_id: 8f3b7a4e-1c2d-4e5f-9a0b-1c2d3e4f5a6b
    endpoint_id: 0470d220-aaaa-410e-a417-0d69a0215683
    status:
      - FAIL
      - CREATING
  register: troubled

- name: An IAM user's password exchanged for a token (fetched once, renewed on HTTP 401)
  dataarts.fabric.fabric_session_info:
    region: cn-north-4
    username: automation
    password: "{{ vault_iam_password }}"
    domain_name: my-account
    project_name: cn-north-4
    workspace_id: 8f3b7a4e-1c2d-4e5f-9a0b-1c2d3e4f5a6b
    status: RUNNING

- name: Credentials from the environment (HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK, HW_REGION_NAME, ...)
  dataarts.fabric.fabric_session_info:
    workspace_id: 8f3b7a4e-1c2d-4e5f-9a0b-1c2d3e4f5a6b
    session_id: 284888e2-c36f-4bec-9b24-e5bf0b386ab0

- name: Wait up to 10 minutes for a session to be RUNNING (failing early if it goes FAIL or CLOSED)
  dataarts.fabric.fabric_session_info:
    endpoint: https://fabric.cn-north-4.myhuaweicloud.com
    auth_token: "{{ iam_token }}"
    workspace_id: 8f3b7a4e-1c2d-4e5f-9a0b-1c2d3e4f5a6b
    session_id: 284888e2-c36f-4bec-9b24-e5bf0b386ab0
    wait_status: RUNNING
    wait_timeout: 600
    wait_sleep: 10
  register: started

- name: Show how long it took
  ansible.builtin.debug:
    msg: "{{ started.wait.final_status }} after {{ started.wait.polls }} polls"

- name: Set the connection once for every task of the collection, and gate a deployment on the workspace
  module_defaults:
    group/dataarts.fabric.fabric:
      endpoint: https://fabric.cn-north-4.myhuaweicloud.com
      auth_token: "{{ iam_token }}"
  block:
    # counts only count what was asked for: a listing filtered on RUNNING has FAIL 0 whatever the workspace holds.
    # Without status, count_only counts every status (one small request each) and lists no session.
    - name: Count the sessions of the workspace per status
      dataarts.fabric.fabric_session_info:
        workspace_id: 8f3b7a4e-1c2d-4e5f-9a0b-1c2d3e4f5a6b
        count_only: true
      register: gate

    - name: Stop here when any session failed
      ansible.builtin.assert:
        that: gate.counts.FAIL == 0
        fail_msg: "{{ gate.counts.FAIL }} session(s) in FAIL: not deploying"

    - name: The first 50 running sessions
      dataarts.fabric.fabric_session_info:
        workspace_id: 8f3b7a4e-1c2d-4e5f-9a0b-1c2d3e4f5a6b
        status: RUNNING
        max_results: 50
      register: running
"""

RETURN = r"""
sessions:
  description:
    - The matching sessions, in the order the service returned them (status by status when O(status) lists several).
    - Each entry holds every field the service sent, unchanged; an empty list when none match (and always with
      O(count_only=true)).
    - A session the service listed more than once with different statuses (it changed while it was listed, or
      the service contradicts itself) is never decided on. It is returned once, with RV(sessions[].status)
      V(CONFLICTING) and the statuses it was listed with in RV(sessions[].conflicting_statuses); it counts under
      each of them in RV(counts) (so that a check of V(FAIL) sees it), and a warning names it.
  returned: success
  type: list
  elements: dict
  sample:
    - session_id: 284888e2-c36f-4bec-9b24-e5bf0b386ab0
      status: RUNNING
      create_time: "2025-07-22T08:42:39.000+00:00"
      endpoint_info:
        id: 0470d220-aaaa-410e-a417-0d69a0215683
        name: test2
  contains:
    session_id:
      description: ID of the session.
      type: str
      returned: always
    status:
      description:
        - Status of the session, as the service sent it.
        - One of V(RUNNING), V(CLOSED), V(WAITING), V(CREATING) and V(FAIL), or any other value the service returns;
          V(CONFLICTING) when it was listed with different statuses (see RV(sessions[].conflicting_statuses)).
      type: str
      returned: always
    conflicting_statuses:
      description: The statuses a session listed more than once was listed with, in the order seen.
      type: list
      elements: str
      returned: when RV(sessions[].status) is V(CONFLICTING)
    create_time:
      description: When the session was created, ISO 8601 with milliseconds and UTC offset.
      type: str
      returned: always
    endpoint_info:
      description: The SQL endpoint the session was created on.
      type: dict
      returned: always
      contains:
        id:
          description: ID of the endpoint.
          type: str
          returned: always
        name:
          description: Name of the endpoint.
          type: str
          returned: always
total:
  description:
    - Number of sessions matching the query, summed over the statuses in O(status).
    - When every page was read, the number of sessions the pages held (with a warning when the service counted
      differently); when O(max_results) stopped the listing, the service's count, which can be larger than the
      length of RV(sessions); with O(count_only=true), the service's count; with O(older_than), the number of
      sessions old enough.
  returned: success
  type: int
  sample: 15
complete:
  description:
    - Whether the listing is whole, that is read to the end of the list, as long as the service's own count, and
      steady (the list did not change while it was read, or a second or third reading found it steady).
    - V(false) when it is known not to be whole, or when that cannot be told (the list changed during each of three
      readings, or the service's pages ended before its count, or a limit of the listing stopped it). A warning then
      names the service's count and what the listing held. Do not act on a listing that is not complete (a gate
      that passes on it may miss a failed session).
    - Listing the first O(max_results) sessions is whole when that many were listed.
    - Always V(true) with O(count_only=true), whose counts are the service's own.
  returned: success
  type: bool
  sample: true
missing:
  description:
    - How many sessions the service counts that the listing could not see (its count less the distinct sessions its
      pages held), summed over the statuses in O(status); V(0) when RV(complete) is V(true), and also when the
      listing cannot tell (the numbers add up but the list kept changing).
  returned: success
  type: int
  sample: 0
uncounted:
  description:
    - With O(count_only=true) and no O(status), the service's total less the totals of the five documented statuses,
      that is the sessions in statuses the API does not document (its own example shows C(RUNINNG)).
    - A warning is given when it is not V(0).
  returned: success, when O(count_only=true) and O(status) is not set
  type: int
  sample: 0
counts:
  description:
    - Number of sessions in RV(sessions) per status; with O(count_only=true), the service's total of each status
      queried.
    - The five documented statuses are always present (V(0) when none); any other status value the service returns
      gets its own key.
    - A session listed with conflicting statuses (V(CONFLICTING)) counts under each status it was listed with, so
      the counts can then add up to more than RV(total).
  returned: success
  type: dict
  sample:
    RUNNING: 1
    CLOSED: 1
    WAITING: 0
    CREATING: 0
    FAIL: 0
wait:
  description:
    - What the wait of O(wait_status) saw, on success and on failure.
  returned: when O(wait_status) is set and the options were accepted (a refused option ends the task before any poll)
  type: dict
  sample:
    session_id: 284888e2-c36f-4bec-9b24-e5bf0b386ab0
    statuses: [RUNNING]
    timeout: 300.0
    sleep: 5.0
    polls: 4
    found: true
    final_status: RUNNING
    reached: true
    outcome: reached
    elapsed: 15.041
  contains:
    session_id:
      description: The session waited for (O(session_id)).
      type: str
      returned: always
    statuses:
      description: The statuses waited for (O(wait_status)), each once.
      type: list
      elements: str
      returned: always
    timeout:
      description: O(wait_timeout), in seconds.
      type: float
      returned: always
    sleep:
      description: O(wait_sleep), in seconds.
      type: float
      returned: always
    polls:
      description: How many times the session was polled (each poll is one listing of the session).
      type: int
      returned: always
    found:
      description: Whether any poll found the session.
      type: bool
      returned: always
    final_status:
      description: The last status the polls saw, V(null) when no poll found the session.
      type: str
      returned: always
    reached:
      description: Whether the session reached one of the statuses of O(wait_status).
      type: bool
      returned: always
    outcome:
      description:
        - How the wait ended. V(reached) (a wanted status), V(ended) (V(FAIL) or V(CLOSED), not wanted),
          V(timed_out), V(no_status) (the session came without a status), V(poll_failed) (a request failed).
        - V(null) when the options were refused before any poll.
      type: str
      returned: always
    elapsed:
      description: Seconds from the first poll to the end of the wait.
      type: float
      returned: always
status_code:
  description: HTTP status of the failed request, when the service answered.
  returned: failure
  type: int
  sample: 403
error_code:
  description: The C(error_code) of the service's error body (a string, or an integer in some bodies).
  returned: failure
  type: raw
  sample: APIG.1002
error_msg:
  description: The C(error_msg) of the service's error body.
  returned: failure
  type: str
  sample: Incorrect token or token resolution failed
solution_msg:
  description: The C(solution_msg) of the service's error body, when it has one.
  returned: failure
  type: str
request_id:
  description: The C(X-Request-Id) of the failed response, to quote to Huawei Cloud support.
  returned: failure
  type: str
  sample: 5f7c1e0a9b2d4c6e8f0a1b2c3d4e5f60
"""

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.dataarts.fabric.plugins.module_utils._config.face_options import WAIT_OPTIONS
from ansible_collections.dataarts.fabric.plugins.module_utils._config.specs import module_argument_spec
from ansible_collections.dataarts.fabric.plugins.module_utils._errors import FabricError
from ansible_collections.dataarts.fabric.plugins.module_utils._faces import run_call
from ansible_collections.dataarts.fabric.plugins.module_utils._http.transport import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
)
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.endpoints import EndpointNames
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.listing import run_queries
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.query import SessionQuery
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.wait import SessionWait, wait_settings
from ansible_collections.dataarts.fabric.plugins.module_utils._version import user_agent


def _wait_record(wait):
    return {} if wait is None else {'wait': wait.as_result()}


def main():
    module = AnsibleModule(argument_spec=module_argument_spec(*WAIT_OPTIONS, workspace_id=dict(type='str', required=True)),
                           supports_check_mode=True)
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)

    params = module.params
    waits = []
    names = EndpointNames()  # endpoint_name is resolved once, before the first poll

    def work(config, client):
        query = SessionQuery.for_workspace(params['workspace_id'], config.query)
        if params['wait_status'] is not None:
            waits.append(SessionWait(wait_settings(
                query.workspace_id, config.query.session_id, params['wait_status'], params['wait_timeout'],
                params['wait_sleep'], conflicts={'status': config.query.statuses != (None,),
                                                 'count_only': config.query.count_only,
                                                 'older_than': config.query.older_than is not None})))

        def poll():
            [listing] = run_queries(client, [query], module.warn, names)
            return listing

        return poll() if not waits else waits[0].run(poll)

    try:
        listing = run_call(params, user_agent('module'), work, module.warn)
    except FabricError as exc:
        module.fail_json(msg=str(exc), **dict(exc.details(), **_wait_record(waits[0] if waits else None)))
    module.exit_json(changed=False, **dict(listing.as_result(), **_wait_record(waits[0] if waits else None)))


if __name__ == '__main__':
    main()
