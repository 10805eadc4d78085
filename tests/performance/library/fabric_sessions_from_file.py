# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Test-only module of the benchmark: the floor of a listing.

It returns, from a JSON file and with no network, the same result as ``dataarts.fabric.fabric_session_info``
(``sessions``, ``total``, ``counts``), so that a play with it costs what Ansible costs to start a module and
carry that many sessions back, and nothing else. Run with ``-M tests/performance/library``; never shipped.
"""

from __future__ import annotations

import json

from ansible.module_utils.basic import AnsibleModule

DOCUMENTED_STATUSES = ('RUNNING', 'CLOSED', 'WAITING', 'CREATING', 'FAIL')


def main() -> None:
    module = AnsibleModule(argument_spec={'path': {'type': 'path', 'required': True}}, supports_check_mode=True)
    with open(module.params['path'], encoding='utf-8') as handle:
        sessions = json.load(handle)
    counts = dict.fromkeys(DOCUMENTED_STATUSES, 0)
    for session in sessions:
        status = session.get('status')
        counts[status] = counts.get(status, 0) + 1
    module.exit_json(changed=False, sessions=sessions, total=len(sessions), counts=counts)


if __name__ == '__main__':
    main()
