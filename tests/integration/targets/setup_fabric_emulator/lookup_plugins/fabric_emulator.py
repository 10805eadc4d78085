# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Test helper: call the emulator's control API from the controller.

The uri module costs a process start per call (some 0.3 s); the integration targets make dozens of
control calls, so they go through this lookup instead (emulator.sh puts its folder on
ANSIBLE_LOOKUP_PLUGINS). Only for tests: it has side effects, which a lookup normally must not.
"""

from __future__ import annotations

DOCUMENTATION = r"""
name: fabric_emulator
short_description: Call the control API of the DataArts Fabric emulator (integration tests only)
description:
  - Sends one request to C(emulator_url + path) and returns the decoded JSON answer.
  - Fails when the emulator answers with a status of 400 or more.
options:
  _terms:
    description: The method and the path, for example V(POST) and V(/_emulator/reset).
    type: list
    elements: str
    required: true
  body:
    description: JSON body to send.
    type: raw
  emulator_url:
    description: Base URL of the emulator.
    type: str
    required: true
    vars:
      - name: emulator_url
"""

import json
import urllib.error
import urllib.request

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        method, path = terms
        url = self.get_option('emulator_url').rstrip('/') + path
        if not url.startswith(('http://127.0.0.1:', 'https://127.0.0.1:')):
            raise AnsibleLookupError('fabric_emulator: refusing %s, the emulator listens on 127.0.0.1 only' % url)
        body = self.get_option('body')
        data = None if body is None else json.dumps(body).encode('utf-8')
        request = urllib.request.Request(url, data=data, method=method, headers={'Content-Type': 'application/json'})
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(request, timeout=30) as response:
                text = response.read().decode('utf-8')
        except urllib.error.HTTPError as exc:
            raise AnsibleLookupError('fabric_emulator: %s %s answered %s: %s' % (
                method, path, exc.code, exc.read().decode('utf-8', errors='replace'))) from None
        except OSError as exc:
            raise AnsibleLookupError('fabric_emulator: %s %s failed: %s' % (method, path, exc)) from None
        return [json.loads(text) if text.strip() else None]
