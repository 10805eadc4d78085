# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: fabric_sessions
short_description: List the SQL sessions of DataArts Fabric workspaces
version_added: 1.0.0
description:
  - Returns the SQL sessions of each workspace given as a term, as one flat list of session dictionaries.
  - Each session is returned exactly as the service sent it, with a C(workspace_id) key added.
  - Runs on the controller. Connection options can be given as keyword arguments, as variables
    (for example C(fabric_endpoint) and C(fabric_auth_token)) or as environment variables.
  - Every page is fetched. The terms are listed side by side over one pool of connections (at most O(concurrency)
    requests in flight), and the results come in the order of the terms; one failing workspace fails the call,
    naming it. The same client serves every later call with the same connection options in the same process.
  - With O(count_only=true), one dictionary per workspace is returned instead, with C(workspace_id), C(total),
    C(counts), C(complete) and C(missing) (and C(uncounted) when O(status) is not set).
  - A listing that is not whole (it ended before the service's count, or the list changed in each of three
    readings) gives a warning naming the workspace, the service's count and how many sessions the listing held.
    Use the module M(dataarts.fabric.fabric_session_info), whose result says C(complete), where a decision depends
    on having every session.
author:
  - DataArts Fabric Ansible maintainers (@dataarts-fabric)
options:
  _terms:
    description: IDs of the workspaces to list (1 to 36 characters, only letters, digits and hyphens).
    type: list
    elements: str
    required: true
extends_documentation_fragment:
  - dataarts.fabric.connection.plugins
  - dataarts.fabric.session_filters
notes:
  - Call it with the C(query) function, or with C(lookup) and C(wantlist=true). C(query) always returns a list, also
    when one session or none matches, which C(loop) and filters such as C(length) and C(selectattr) expect.
    C(lookup) without C(wantlist=true) returns a single matching session as its dictionary rather than as a list of
    one, and C(loop) refuses that.
seealso:
  - module: dataarts.fabric.fabric_session_info
    description: The same query as a task, run on the managed host, with totals and per-status counts.
"""

EXAMPLES = r"""
- name: Loop over the running sessions of a workspace (credentials from variables)
  vars:
    fabric_endpoint: https://fabric.cn-north-4.myhuaweicloud.com
    fabric_auth_token: "{{ iam_token }}"
  ansible.builtin.debug:
    msg: "{{ item.session_id }} on {{ item.endpoint_info.name }} since {{ item.create_time }}"
  loop: "{{ query('dataarts.fabric.fabric_sessions', 'my-workspace-id', status='RUNNING') }}"

- name: Failed sessions of two workspaces, signed with AK/SK given as options
  ansible.builtin.set_fact:
    failed_sessions: >-
      {{ query('dataarts.fabric.fabric_sessions', 'workspace-a', 'workspace-b',
               status='FAIL', region='cn-north-4',
               access_key=vault_hw_access_key, secret_key=vault_hw_secret_key,
               project_id=hw_project_id) }}

- name: AK/SK from the environment (HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK, HW_REGION_NAME, ...)
  ansible.builtin.debug:
    msg: "{{ query('dataarts.fabric.fabric_sessions', 'my-workspace-id') | length }} sessions"

- name: Count the sessions of 50 workspaces per status, without listing them
  ansible.builtin.set_fact:
    session_counts: "{{ query('dataarts.fabric.fabric_sessions', *workspace_ids, count_only=true) }}"

- name: Sessions of the SQL endpoint named "daten_Müller 2" in two workspaces (resolved once per workspace)
  ansible.builtin.debug:
    msg: "{{ query('dataarts.fabric.fabric_sessions', 'workspace-a', 'workspace-b', endpoint_name='daten_Müller 2') }}"

- name: Is a given session running?
  ansible.builtin.assert:
    that: >-
      query('dataarts.fabric.fabric_sessions', 'my-workspace-id',
            session_id='284888e2-c36f-4bec-9b24-e5bf0b386ab0')
      | selectattr('status', 'equalto', 'RUNNING') | list | length == 1
"""

RETURN = r"""
_raw:
  description:
    - The sessions of every workspace, in the order of the terms, each as the service sent it plus C(workspace_id).
    - An empty list when no session matches.
    - With O(count_only=true), one dictionary per workspace with C(workspace_id), C(total), C(counts) (the
      service's total per status queried), C(complete) (always V(true), the counts being the service's own),
      C(missing) (always V(0)) and, when O(status) is not set, C(uncounted).
  type: list
  elements: dict
  contains:
    workspace_id:
      description: The workspace (term) the session belongs to.
      type: str
    session_id:
      description: ID of the session.
      type: str
    status:
      description: Status of the session, as the service sent it (V(RUNNING), V(CLOSED), V(WAITING), V(CREATING),
        V(FAIL) or any other value).
      type: str
    create_time:
      description: When the session was created, ISO 8601 with milliseconds and UTC offset.
      type: str
    endpoint_info:
      description: The SQL endpoint of the session, with its C(id) and C(name).
      type: dict
    complete:
      description: With O(count_only=true), whether the counts are whole (always V(true)).
      type: bool
    missing:
      description: With O(count_only=true), sessions the counts could not see (always V(0)).
      type: int
"""

from ansible.errors import AnsibleLookupError
from ansible.module_utils.basic import missing_required_lib
from ansible.plugins.lookup import LookupBase
from ansible.utils.display import Display

from ansible_collections.dataarts.fabric.plugins.module_utils._faces import run_call
from ansible_collections.dataarts.fabric.plugins.module_utils._http.transport import HAS_REQUESTS
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.listing import run_queries
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.query import SessionQuery
from ansible_collections.dataarts.fabric.plugins.module_utils._version import user_agent
from ansible_collections.dataarts.fabric.plugins.plugin_utils.lookup_options import CLIENTS, lookup_error, raw_options

display = Display()

NO_TERMS = ('no workspace to list: give one or more workspace IDs as terms, for example'
            " query('dataarts.fabric.fabric_sessions', 'my-workspace-id', status='FAIL')"
            " (a list variable: query('dataarts.fabric.fabric_sessions', *workspace_ids))")


def _counts(workspace_id, result):
    """One workspace's counts, as count_only returns them: the result without its (empty) sessions."""
    counts = {'workspace_id': workspace_id}
    counts.update((key, value) for key, value in result.items() if key != 'sessions')
    return counts


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        if not HAS_REQUESTS:
            raise AnsibleLookupError(missing_required_lib('requests'))
        if not terms:
            # An empty answer would look like a workspace without sessions: say what is missing instead.
            raise AnsibleLookupError(NO_TERMS)

        def work(config, client):
            queries = [SessionQuery.for_workspace(term, config.query) for term in terms]
            listings = run_queries(client, queries, display.warning)
            if config.query.count_only:
                return [_counts(query.workspace_id, listing.as_result()) for query, listing in zip(queries, listings)]
            return [
                {**session, 'workspace_id': query.workspace_id}
                for query, listing in zip(queries, listings)
                for session in listing.sessions
            ]

        with lookup_error():
            return run_call(raw_options(self, variables, kwargs), user_agent('lookup'), work, display.warning,
                            clients=CLIENTS)
