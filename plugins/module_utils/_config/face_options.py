# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""The part of the option table that belongs to one face only: the wait of fabric_session_info (which
fabric_session reuses), the watch of the session_events event source and the lifecycle of fabric_session. Their
defaults live here and nowhere else.
"""

from __future__ import annotations

from .schema import (
    CATALOG_RULE,
    INSTANCE_ID_RULE,
    LIFECYCLE_STATES,
    SESSION_STATUSES,
    WAIT_SLEEP_MAX,
    WAIT_TIMEOUT_MAX,
    WATCH_INTERVAL_MAX,
    WATCH_INTERVAL_MIN,
    Option,
)

# The wait of fabric_session_info (the lookup and the event source do not wait).
WAIT_OPTIONS = (
    Option(
        'wait_status', 'list',
        ('Wait until the session O(session_id) is in one of these statuses, polling it every O(wait_sleep) seconds for'
         ' at most O(wait_timeout) seconds. Requires O(session_id).',
         'The wait fails early, naming the status, when the session is V(FAIL) or V(CLOSED) (statuses a session never'
         ' leaves) and that status is not listed; it fails at once when a poll fails or the session comes without a'
         ' status. On timeout it names the last status seen, or says that the session was never found.',
         'A session a poll lists with conflicting statuses (V(CONFLICTING), see RV(sessions)) has reached no status,'
         ' and the wait goes on.',
         'On success, RV(sessions), RV(total) and RV(counts) are those of the poll that saw the wanted status; RV(wait)'
         ' says what the wait saw, also when the wait fails.',
         'O(wait_timeout) divided by O(wait_sleep) may allow at most 9999 polls after the first.',
         'Cannot be combined with O(status), O(count_only) or O(older_than).',
         'When not set, the module lists the sessions once, without waiting.'),
        choices=SESSION_STATUSES, elements='str',
    ),
    Option(
        'wait_timeout', 'float',
        ('Seconds the wait of O(wait_status) may take. A poll is made at the start and then O(wait_sleep) seconds'
         ' after the previous one ended, as long as it starts within this time, so at most'
         ' O(wait_timeout) / O(wait_sleep) + 1 polls (and never more than 10000).',
         'V(0) polls once. At most V(%d).' % WAIT_TIMEOUT_MAX,
         'Each poll is one call of the API with its own O(total_timeout) and retry budget.'),
        default=300,
    ),
    Option(
        'wait_sleep', 'float',
        ('Seconds from the end of one poll of the wait of O(wait_status) to the start of the next (after a slow or'
         ' throttled poll, no missed poll is made up); greater than V(0), at most V(%d).' % WAIT_SLEEP_MAX,),
        default=5,
    ),
)

# The arguments of the session_events event source besides the shared options.
WATCH_OPTIONS = (
    Option(
        'interval', 'float',
        ('Seconds between two polls of a workspace, from the end of one to the start of the next.',
         'At least %d, at most %d.' % (WATCH_INTERVAL_MIN, WATCH_INTERVAL_MAX)),
        default=60,
    ),
    Option(
        'announce_existing', 'bool',
        ('Whether the sessions found by the first poll are put on the queue as V(session_new) events.',
         'When V(false), the first poll only learns them; events start with the second poll.'),
        default=False,
    ),
)

# fabric_session's own options (it also takes wait_timeout and wait_sleep of WAIT_OPTIONS for its creations).
LIFECYCLE_OPTIONS = (
    Option(
        'state', 'str',
        ('V(absent) closes the session O(session_id), or every session that matches the filters O(status),'
         ' O(endpoint_id) and O(older_than) (at least one of them).',
         'V(present) keeps a V(RUNNING) session on the SQL endpoint O(endpoint_id), or creates one with'
         ' O(lake_formation_config) and waits until it is V(RUNNING).'),
        default='present', choices=LIFECYCLE_STATES,
    ),
    Option(
        'lake_formation_config', 'dict',
        ('The LakeFormation instance and catalog of a session that O(state=present) creates. Required with'
         ' O(state=present); not used with O(state=absent).',),
        suboptions=(
            Option('instance_id', 'str', ('ID of the LakeFormation instance (%s): the C(metastore_id) of the'
                                          ' workspace.' % INSTANCE_ID_RULE,)),
            Option('catalog', 'str', ('Name of the catalog (%s).' % CATALOG_RULE,)),
        ),
    ),
)
