#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: fabric_endpoint_info
short_description: List the SQL endpoints of a DataArts Fabric workspace, with their status
version_added: 1.0.0
description:
  - Lists the SQL endpoints of a Huawei Cloud DataArts Fabric workspace
    (C(GET /v1/workspaces/{workspace_id}/endpoints) with C(type=sql)), of every visibility the caller can see, its
    own and other owners' V(PUBLIC) ones.
  - Every page is fetched. With O(endpoint_name), only the endpoints of exactly that name are returned.
  - Endpoints are returned exactly as the service sent them, including fields and status values this module does
    not know.
  - Use it to check that an endpoint is V(RUNNING) before gating on its sessions, or to find the ID behind a name.
author:
  - DataArts Fabric Ansible maintainers (@dataarts-fabric)
options:
  workspace_id:
    description:
      - ID of the workspace whose SQL endpoints are listed (1 to 36 characters, only letters, digits and hyphens).
    type: str
    required: true
  endpoint_name:
    description:
      - Only return the SQL endpoints of this name, matched exactly (case included). Several may match (another
        owner's V(PUBLIC) endpoint of the same name); none is an empty RV(endpoints), not an error.
      - Names may hold C(.), spaces and any letter; names the API's name filter refuses are looked for over every
        page of the endpoint list.
    type: str
  page_size:
    description:
      - Endpoints requested per API call (the C(limit) query parameter), 1 to 100.
      - Every page is fetched; this only changes how many requests that takes.
    type: int
    default: 100
  concurrency:
    description:
      - How many pages are fetched at the same time, once the first page has told how many endpoints there are.
      - 1 to 16; V(1) fetches one page after the other.
    type: int
    default: 4
extends_documentation_fragment:
  - dataarts.fabric.connection
  - dataarts.fabric.attributes
  - dataarts.fabric.attributes.info_module
seealso:
  - module: dataarts.fabric.fabric_session_info
    description: The sessions of a workspace, filtered by O(dataarts.fabric.fabric_session_info#module:endpoint_name).
"""

EXAMPLES = r"""
- name: Is the SQL endpoint "Fabric Prod.eu" running?
  dataarts.fabric.fabric_endpoint_info:
    endpoint: https://fabric.cn-north-4.myhuaweicloud.com
    auth_token: "{{ iam_token }}"
    workspace_id: 8f3b7a4e-1c2d-4e5f-9a0b-1c2d3e4f5a6b
    endpoint_name: Fabric Prod.eu
  register: prod

- name: Gate on the endpoint before gating on its sessions
  ansible.builtin.assert:
    that:
      - prod.endpoints | length == 1
      - prod.endpoints[0].status == 'RUNNING'
    fail_msg: "Fabric Prod.eu is {{ prod.endpoints | map(attribute='status') | join(', ') or 'not there' }}"

- name: Every SQL endpoint of a workspace, with the connection set once for the collection
  module_defaults:
    group/dataarts.fabric.fabric:
      region: cn-north-4
      access_key: "{{ vault_hw_access_key }}"
      secret_key: "{{ vault_hw_secret_key }}"
      project_id: 0a1b2c3d4e5f60718293a4b5c6d7e8f9
  block:
    - name: List them
      dataarts.fabric.fabric_endpoint_info:
        workspace_id: 8f3b7a4e-1c2d-4e5f-9a0b-1c2d3e4f5a6b
      register: sql_endpoints

    - name: Show the ones that are not running
      ansible.builtin.debug:
        msg: "{{ sql_endpoints.endpoints | rejectattr('status', 'eq', 'RUNNING') | map(attribute='name') }}"
"""

RETURN = r"""
endpoints:
  description:
    - The SQL endpoints of the workspace (only those named O(endpoint_name) when it is set), in the order the service
      returned them, each with every field the service sent, unchanged.
  returned: success
  type: list
  elements: dict
  sample:
    - id: 0d3e5a10-1111-4e2a-9c1d-000000000001
      name: Fabric Prod.eu
      type: sql
      status: RUNNING
      visibility: PRIVATE
      owner: emulator-user
      description: nightly reporting
      create_time: "2025-07-01T08:00:00.000+00:00"
      update_time: "2025-07-20T08:00:00.000+00:00"
  contains:
    id:
      description: ID of the endpoint, what O(dataarts.fabric.fabric_session_info#module:endpoint_id) takes.
      type: str
      returned: always
    name:
      description: Name of the endpoint.
      type: str
      returned: always
    type:
      description: Type of the endpoint, V(sql).
      type: str
      returned: always
    status:
      description:
        - Status of the endpoint, as the service sent it. V(CREATING), V(RUNNING), V(CREATE_FAILED), V(DELETING),
          V(DELETED), V(UPDATING), V(UPDATE_FAILED), V(DELETE_FAILED), V(FROZEN) or V(INACTIVE), or any other value.
      type: str
      returned: always
    visibility:
      description: V(PRIVATE) or V(PUBLIC), as the service sent it.
      type: str
      returned: always
    owner:
      description: Who owns the endpoint.
      type: str
      returned: when the service sends it
total:
  description:
    - Number of SQL endpoints the listing held before the exact match of O(endpoint_name) (with O(endpoint_name),
      the service's own name filter may have narrowed them to the names holding it), or the service's count when
      that is larger.
  returned: success
  type: int
  sample: 3
complete:
  description:
    - Whether the list of SQL endpoints was read whole (to its end, as long as the service's count, and steady); when
      it was not, a warning names both numbers.
  returned: success
  type: bool
  sample: true
missing:
  description: How many SQL endpoints the service counts that the listing could not see (V(0) when RV(complete)).
  returned: success
  type: int
  sample: 0
status_code:
  description: HTTP status of the failed request, when the service answered.
  returned: failure
  type: int
  sample: 404
error_code:
  description: The C(error_code) of the service's error body (a string, or an integer in some bodies).
  returned: failure
  type: raw
  sample: common.01000001
error_msg:
  description: The C(error_msg) of the service's error body.
  returned: failure
  type: str
request_id:
  description: The C(X-Request-Id) of the failed response, to quote to Huawei Cloud support.
  returned: failure
  type: str
"""

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.dataarts.fabric.plugins.module_utils._config.checks import check_id
from ansible_collections.dataarts.fabric.plugins.module_utils._config.specs import (
    connection_argument_spec,
    options_named,
)
from ansible_collections.dataarts.fabric.plugins.module_utils._errors import FabricError
from ansible_collections.dataarts.fabric.plugins.module_utils._faces import run_call
from ansible_collections.dataarts.fabric.plugins.module_utils._http.transport import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
)
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.endpoints import list_endpoints
from ansible_collections.dataarts.fabric.plugins.module_utils._version import user_agent

OWN_OPTIONS = ('endpoint_name', 'page_size', 'concurrency')


def main():
    module = AnsibleModule(argument_spec=connection_argument_spec(*options_named(*OWN_OPTIONS),
                                                                  workspace_id=dict(type='str', required=True)),
                           supports_check_mode=True)
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)

    def work(config, client):
        workspace_id = check_id('workspace_id', module.params['workspace_id'])
        return list_endpoints(client, workspace_id, config.query.endpoint_name, config.query.page_size, module.warn)

    try:
        found = run_call(module.params, user_agent('module'), work, module.warn)
    except FabricError as exc:
        module.fail_json(msg=str(exc), **exc.details())
    module.exit_json(changed=False, endpoints=found.entries, total=found.total, complete=found.complete,
                     missing=found.missing)


if __name__ == '__main__':
    main()
