# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the documentation says of the connection options as a whole, beside the table of each option.

hacking/generate.py puts these into the ``requirements`` and ``notes`` of the connection doc fragment; a unit
test fails when the fragment and this file differ. Nothing imports this at run time.
"""

from __future__ import annotations

REQUIREMENTS = (
    'requests >= 2.25 (on the host that runs the module, or on the controller for the lookup)',
)

NOTES = (
    'Authenticate with exactly one of O(auth_token); O(access_key) and O(secret_key) (AK/SK request'
    ' signing, optionally with O(security_token) for temporary credentials); or O(username), O(password) and'
    ' O(domain_name), exchanged at O(iam_endpoint) for a token scoped to O(project_id) or O(project_name).',
    'Secrets are never logged, put in a URL or shown in an error message by the collection. Ansible itself shows'
    ' the task C(environment) keyword at C(-vvv): pass secrets as options (from Ansible Vault), in'
    ' C(module_defaults), or in the environment of the ansible-playbook process, not through C(environment:).',
    'Where each option comes from, first match wins: (1) the option itself (on the task, in C(module_defaults),'
    ' or for the lookup a keyword argument, then a C(fabric_*) variable); (2) the collection\'s own environment'
    ' variables (C(DATAARTS_FABRIC_*)); (3) the names the Huawei Cloud ecosystem already uses, in this order: the'
    ' official SDKs (C(HUAWEICLOUD_SDK_*)), the Terraform provider (C(HW_*)), the retired Ansible modules'
    ' (C(ANSIBLE_HWC_*)); (4) only when none of these configures credentials, files: the KooCLI profile'
    ' (O(profile)), then the SDK credentials file C(~/.huaweicloud/credentials).',
    'Proxies: E(HTTPS_PROXY), E(HTTP_PROXY) and E(NO_PROXY) apply unless O(proxy) is set. O(ca_path) and'
    ' O(validate_certs=false) take effect even when E(REQUESTS_CA_BUNDLE) or E(CURL_CA_BUNDLE) is set.',
)
