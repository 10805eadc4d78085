#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: fabric_session
short_description: Close DataArts Fabric SQL sessions, or keep one running
version_added: 1.0.0
description:
  - With O(state=absent), closes the SQL session O(session_id), or every session of the workspace that matches the
    filters O(status), O(endpoint_id) (or O(endpoint_name)) and O(older_than), side by side (at most O(concurrency)
    at a time).
    A V(CLOSED) or unknown session is absent already and is not touched.
  - With O(state=present), keeps a V(RUNNING) session on the SQL endpoint O(endpoint_id) (or O(endpoint_name)), or
    creates one with O(lake_formation_config) and waits until it is V(RUNNING).
  - Every session is read before it is changed and read again afterwards; RV(sessions) shows them as the service
    does after the task.
author:
  - DataArts Fabric Ansible maintainers (@dataarts-fabric)
options:
  workspace_id:
    description: ID of the workspace (1 to 36 characters, only letters, digits and hyphens).
    type: str
    required: true
  state:
    description:
      - V(absent) closes the session O(session_id), or every session that matches the filters O(status),
        O(endpoint_id) (or O(endpoint_name)) and O(older_than) (at least one of them is required; several narrow
        each other).
      - V(present) keeps a V(RUNNING) session on the SQL endpoint O(endpoint_id) (or O(endpoint_name)), or creates
        one with
        O(lake_formation_config) and waits until it is V(RUNNING).
    type: str
    choices: [present, absent]
    default: present
  session_id:
    description:
      - With O(state=absent), the one session to close (1 to 36 characters, only letters, digits and hyphens).
        Cannot be combined with the filters.
    type: str
  status:
    description:
      - With O(state=absent), close only sessions in these statuses, each one of V(RUNNING), V(WAITING),
        V(CREATING), V(FAIL) and V(CLOSED) (V(CLOSED) sessions are absent already).
      - When not set, V(RUNNING), V(WAITING), V(CREATING) and V(FAIL).
    type: list
    elements: str
  endpoint_id:
    description:
      - The SQL endpoint (1 to 36 characters, only letters, digits and hyphens). With O(state=absent), close only its
        sessions; with O(state=present), this or O(endpoint_name) is required.
    type: str
  endpoint_name:
    description:
      - The SQL endpoint by its exact name instead of O(endpoint_id) (exclusive with it), resolved once through the
        workspace's list of SQL endpoints before any session is listed.
      - No endpoint of that name fails naming the name; several fail naming each one's ID and visibility.
    type: str
  older_than:
    description:
      - With O(state=absent), close only sessions created at least this long ago, by their C(create_time) and the
        clock of the host that runs the task.
      - A whole number of seconds, or a whole number followed by V(s), V(m), V(h), V(d) or V(w), as the C(age)
        option of C(ansible.builtin.find). V(1800) and V(30m) are the same.
      - A session whose C(create_time) cannot be read is never closed for its age, and a warning names it.
    type: raw
  lake_formation_config:
    description:
      - The LakeFormation instance and catalog of a session that O(state=present) creates. Required with
        O(state=present); not used with O(state=absent).
    type: dict
    suboptions:
      instance_id:
        description: ID of the LakeFormation instance (1 to 64 letters, digits and hyphens), the workspace's
          C(metastore_id).
        type: str
      catalog:
        description: Name of the catalog (1 to 255 letters, digits, underscores and hyphens).
        type: str
  wait_timeout:
    description:
      - Seconds to wait for a session O(state=present) creates to be V(RUNNING), polling it every O(wait_sleep)
        seconds as M(dataarts.fabric.fabric_session_info) waits. V(0) polls once; at most V(86400).
      - Also sent to the service as the creation's own C(wait_timeout), raised to 300 or lowered to 7200 where
        needed, which makes the creation answer at once.
    type: float
    default: 300
  wait_sleep:
    description: Seconds between the starts of two polls of a new session; greater than V(0), at most V(3600).
    type: float
    default: 5
  page_size:
    description: Sessions requested per list request, 1 to 100.
    type: int
    default: 100
  concurrency:
    description: Requests in flight at the same time (pages read, sessions closed), 1 to 16.
    type: int
    default: 4
extends_documentation_fragment:
  - dataarts.fabric.connection
  - dataarts.fabric.attributes
notes:
  - >-
    IAM permissions: every state needs C(DataArtsFabric:workspace:list) and C(DataArtsFabric:endpoint:show).
    O(state=absent) needs C(DataArtsFabric:workspace:showSqlSession) and C(DataArtsFabric:workspace:deleteSqlSession),
    and C(DataArtsFabric:workspace:listSqlSessions) for the filters (with O(session_id), to tell an unknown session
    from an unknown workspace). O(state=present) needs C(DataArtsFabric:workspace:listSqlSessions) and
    C(DataArtsFabric:workspace:createSqlSession). Check mode needs the read permissions only.
  - >-
    A create request that timed out, lost its connection or got HTTP 408, 500, 502 or 504 is not sent again (the
    service may have created the session): the task fails saying so. Closes are retried like reads.
  - >-
    A listing known to be partial is never acted on. The service runs at most 500 sessions per account; more
    creations wait (V(WAITING)) in a queue of at most 1000.
attributes:
  check_mode:
    support: full
    description: Only reads; reports what would change (no create or close request is sent).
  diff_mode:
    support: full
    description: Shows the status of each session before and after.
seealso:
  - module: dataarts.fabric.fabric_session_info
"""

EXAMPLES = r"""
- name: Close the sessions stuck WAITING or CREATING for more than 30 minutes (check_mode first to see them)
  dataarts.fabric.fabric_session:
    workspace_id: 8f3b7a4e-1c2d-4e5f-9a0b-1c2d3e4f5a6b
    state: absent
    status: [WAITING, CREATING]
    older_than: 30m

- name: Close one session (nothing happens when it is CLOSED or unknown)
  dataarts.fabric.fabric_session:
    workspace_id: 8f3b7a4e-1c2d-4e5f-9a0b-1c2d3e4f5a6b
    session_id: 284888e2-c36f-4bec-9b24-e5bf0b386ab0
    state: absent

- name: Keep one session running on an endpoint
  dataarts.fabric.fabric_session:
    workspace_id: 8f3b7a4e-1c2d-4e5f-9a0b-1c2d3e4f5a6b
    endpoint_id: 0470d220-aaaa-410e-a417-0d69a0215683
    lake_formation_config:
      instance_id: 6b1a3f0c-93c4-4b4e-9d9f-2f1e0c8a7d61
      catalog: hive
    wait_timeout: 600
  register: kept

- name: Use it
  ansible.builtin.debug:
    msg: "{{ kept.sessions[0].session_id }} is {{ kept.sessions[0].status }}"
"""

RETURN = r"""
sessions:
  description:
    - The sessions closed (or already closed), or the one kept or created, as the service shows them after the task;
      in check mode, as they are before it. Empty when O(session_id) is unknown or nothing matches.
    - A session the service no longer shows after it was closed is given as listed before, with V(CLOSED).
    - On failure, what was done before it.
  returned: always
  type: list
  elements: dict
  sample:
    - {session_id: 284888e2-c36f-4bec-9b24-e5bf0b386ab0, status: CLOSED, create_time: "2025-07-22T08:42:39.000+00:00",
       endpoint_info: {id: 0470d220-aaaa-410e-a417-0d69a0215683, name: test2}}
closed:
  description: IDs of the sessions this task closed, when closing several failed partway.
  returned: failure
  type: list
  elements: str
not_closed:
  description: IDs of the sessions it did not close (the failed ones, then those not tried after the failure).
  returned: failure
  type: list
  elements: str
status_code:
  description: HTTP status of the failed request, when the service answered.
  returned: failure
  type: int
error_code:
  description: The C(error_code) of the service's error body.
  returned: failure
  type: raw
error_msg:
  description: The C(error_msg) of the service's error body.
  returned: failure
  type: str
solution_msg:
  description: The C(solution_msg) of the service's error body, when it has one.
  returned: failure
  type: str
request_id:
  description: The C(X-Request-Id) of the failed response, to quote to Huawei Cloud support.
  returned: failure
  type: str
"""

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.dataarts.fabric.plugins.module_utils._config.face_options import (
    LIFECYCLE_OPTIONS,
    WAIT_OPTIONS,
)
from ansible_collections.dataarts.fabric.plugins.module_utils._config.options import (
    CONNECTION_OPTIONS,
    QUERY_OPTIONS,
)
from ansible_collections.dataarts.fabric.plugins.module_utils._config.specs import module_argument_spec
from ansible_collections.dataarts.fabric.plugins.module_utils._errors import FabricError
from ansible_collections.dataarts.fabric.plugins.module_utils._faces import run_call
from ansible_collections.dataarts.fabric.plugins.module_utils._http.transport import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
)
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.act import run_lifecycle
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.lifecycle_settings import lifecycle_settings
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.report import Outcome
from ansible_collections.dataarts.fabric.plugins.module_utils._version import user_agent

# Listing options that have no meaning here: the module acts on every session that matches.
NOT_FOR_ACTING = ('max_results', 'count_only')


def argument_spec():
    shared = CONNECTION_OPTIONS + tuple(option for option in QUERY_OPTIONS if option.name not in NOT_FOR_ACTING)
    waits = tuple(option for option in WAIT_OPTIONS if option.name in ('wait_timeout', 'wait_sleep'))
    return module_argument_spec(*(LIFECYCLE_OPTIONS + waits), shared=shared,
                                workspace_id=dict(type='str', required=True))


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)

    outcome = Outcome(check_mode=module.check_mode)

    def work(config, client):
        settings = lifecycle_settings(module.params, config.query)
        outcome.new_label = '(new session on endpoint %s)' % settings.endpoint_id
        return run_lifecycle(client, settings, outcome, module.warn)

    try:
        run_call(module.params, user_agent('module'), work, module.warn)
    except FabricError as exc:
        module.fail_json(msg=str(exc), **dict(exc.details(), **outcome.failure_fields()))
    module.exit_json(**outcome.as_result(with_diff=module._diff))


if __name__ == '__main__':
    main()
