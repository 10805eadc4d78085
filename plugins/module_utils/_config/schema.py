# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""The vocabulary of the option table: its row type, and the statuses, patterns and limits that the table's
descriptions, the loader's rules and the client share.
"""

from __future__ import annotations

import re
import typing as t
from dataclasses import dataclass


SESSION_STATUSES = ('RUNNING', 'CLOSED', 'WAITING', 'CREATING', 'FAIL')
ID_PATTERN = re.compile(r'\A[A-Za-z0-9-]{1,36}\Z')
ID_RULE = '1 to 36 characters, only letters, digits and hyphens'
REGION_PATTERN = re.compile(r'\A[a-z0-9]+(?:-[a-z0-9]+)*\Z')
PAGE_SIZE_MAX = 100
RETRIES_MAX = 10
CONCURRENCY_MAX = 16
BACKOFF_MAX_SECONDS = 30
RETRY_AFTER_MAX_SECONDS = 60
TIMEOUT_MAX_SECONDS = 3600
TOTAL_TIMEOUT_FACTOR = 20
TOTAL_TIMEOUT_MAX_SECONDS = 86400
WAIT_TIMEOUT_MAX = 86400
WAIT_SLEEP_MAX = 3600
WATCH_INTERVAL_MIN = 1
WATCH_INTERVAL_MAX = 86400
# older_than: a whole number of seconds, or of one of these units (as ansible.builtin.find's age); at most a
# century, so that any date arithmetic with it stays in range.
AGE_UNITS = (('s', 1), ('m', 60), ('h', 3600), ('d', 86400), ('w', 604800))
OLDER_THAN_MAX = 100 * 366 * 86400
# fabric_session: the states, and the rules of lake_formation_config (the create API's).
LIFECYCLE_STATES = ('present', 'absent')
INSTANCE_ID_PATTERN = re.compile(r'\A[A-Za-z0-9-]{1,64}\Z')
INSTANCE_ID_RULE = '1 to 64 characters, only letters, digits and hyphens'
CATALOG_PATTERN = re.compile(r'\A[A-Za-z0-9_-]{1,255}\Z')
CATALOG_RULE = '1 to 255 characters, only letters, digits, underscores and hyphens'
# The most pages one status of one workspace is read in (a million sessions at the largest page size).
MAX_PAGES = 10000
DERIVED_ENDPOINT = 'https://fabric.{region}.{cloud}'
DERIVED_IAM_ENDPOINT = 'https://iam.{region}.{cloud}'
DEFAULT_CLOUD = 'myhuaweicloud.com'
EUROPEAN_CLOUD = 'myhuaweicloud.eu'
EUROPEAN_REGION_PREFIX = 'eu-west-1'
CLOUD_PATTERN = re.compile(r'\A(?=.{1,253}\Z)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+\Z')
AUTH_CHOICES = (
    ('auth_token', ('auth_token',)),
    ('access_key and secret_key', ('access_key', 'secret_key')),
    ('username, password and domain_name', ('username', 'password', 'domain_name')),
)
AUTH_CHOICES_TEXT = '; '.join(label for label, names in AUTH_CHOICES)
LOOKUP_VAR_PREFIX = 'fabric_'


@dataclass(frozen=True)
class Option:
    name: str
    type: str
    description: t.Tuple[str, ...]
    default: t.Any = None
    env: t.Tuple[str, ...] = ()
    no_log: bool = False
    choices: t.Tuple[str, ...] = ()
    # False where the loader checks the choices itself, for a message Ansible's check cannot give (a blank
    # entry says to leave the option out); the description then lists them.
    choices_in_spec: bool = True
    elements: t.Optional[str] = None
    # The options of a dict option (type 'dict'), as rows of their own.
    suboptions: t.Tuple['Option', ...] = ()

    @property
    def lookup_var(self) -> str:
        return LOOKUP_VAR_PREFIX + self.name
