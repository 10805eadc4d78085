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
    'Where each option comes from, highest level first: (1) explicit (the option on the task or in'
    ' C(module_defaults); for the lookup a keyword argument, then a C(fabric_*) variable); (2) the environment, each'
    ' option\'s variables in the order listed (C(DATAARTS_FABRIC_*), then the official SDKs\' C(HUAWEICLOUD_SDK_*),'
    ' the Terraform provider\'s C(HW_*) and the retired modules\' C(ANSIBLE_HWC_*)); (3) files: the KooCLI profile'
    ' (O(profile)), then the SDK credentials file C(~/.huaweicloud/credentials), read when a profile is named or'
    ' when no other level configures a way to authenticate.',
    'Each option takes the highest level that sets it, except the way to authenticate, which is taken whole from'
    ' the highest level that configures one (only two ways at the same level conflict); O(project_id),'
    ' O(project_name), O(region) and O(iam_endpoint) complete it from a lower level, except that a file\'s own'
    ' project ID comes with its key. A O(security_token) given explicitly still completes AK/SK from the'
    ' environment. A O(profile) is a way of its own: named explicitly it wins over credentials in the environment;'
    ' named beside credentials at the same level, or not found, it is an error. Errors say where a wrong value came'
    ' from, never the value of a secret.',
    'Proxies: E(HTTPS_PROXY), E(HTTP_PROXY) and E(NO_PROXY) apply unless O(proxy) is set. O(ca_path) and'
    ' O(validate_certs=false) take effect even when E(REQUESTS_CA_BUNDLE) or E(CURL_CA_BUNDLE) is set.',
)
