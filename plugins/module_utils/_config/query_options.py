# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""The part of the option table that says what is listed: the query options every face shares (status, the
filters, paging, counts). options.py holds the rest of the table and what is built from it.
"""

from __future__ import annotations

from .schema import (
    Option,
    CONCURRENCY_MAX,
    ID_RULE,
    MAX_PAGES,
    PAGE_SIZE_MAX,
    SESSION_STATUSES,
)


QUERY_OPTIONS = (
    Option(
        'status', 'list',
        ('Only return sessions in these statuses. The API filters on one status per request, so each status'
         ' listed is one query and the results are merged in the order given.',
         'Each entry is one of %s.' % ', '.join('V(%s)' % status for status in SESSION_STATUSES),
         'When not set, sessions in every status are returned. A blank entry is refused (leave the option out to'
         ' list every status).',
         'Sessions the service returns in another status (a service that ignores the filter) are dropped with'
         ' a warning.'),
        choices=SESSION_STATUSES, choices_in_spec=False, elements='str',
    ),
    Option(
        'endpoint_id', 'str',
        ('Only return sessions of this SQL endpoint (%s).' % ID_RULE,
         'An empty value is refused rather than read as no filter: leave the option out (C(omit)) to list the'
         ' sessions of every endpoint.'),
    ),
    Option(
        'endpoint_name', 'str',
        ('Only return sessions of the SQL endpoint of this name, matched exactly (case included) among the SQL'
         ' endpoints of the workspace, the caller\'s own and other owners\' V(PUBLIC) ones.',
         'The name is resolved to the endpoint\'s ID once per workspace before any session is listed, through the'
         ' endpoint list of the API (C(GET /v1/workspaces/{workspace_id}/endpoints)). No SQL endpoint of that name'
         ' fails, naming the name; several (another owner\'s V(PUBLIC) endpoint of the same name) fail, naming each'
         ' one\'s ID and visibility: then use O(endpoint_id).',
         'Names may hold C(.), spaces and any letter; names the API\'s name filter refuses are looked for over every'
         ' page of the endpoint list.',
         'Cannot be combined with O(endpoint_id).'),
    ),
    Option(
        'session_id', 'str',
        ('Only return the session with this ID (%s).' % ID_RULE,
         'An empty value is refused rather than read as no filter: leave the option out (C(omit)) to list every'
         ' session.'),
    ),
    Option(
        'older_than', 'raw',
        ('Only return sessions created at least this long ago, by their C(create_time) and the clock of the host'
         ' that runs the task.',
         'A whole number of seconds, or a whole number followed by V(s), V(m), V(h), V(d) or V(w) (seconds,'
         ' minutes, hours, days, weeks) as the C(age) option of C(ansible.builtin.find): V(1800) and V(30m) are the'
         ' same. V(0) selects every session created up to now.',
         'The API cannot filter by age: every session that matches the other filters is listed, then those old'
         ' enough are kept (O(max_results) counts those kept).',
         'A session whose C(create_time) cannot be read (missing, not ISO 8601, or without a UTC offset) is never'
         ' selected by its age, and a warning names it.',
         'Cannot be combined with O(count_only): the service counts sessions, it cannot count them by age.'),
    ),
    Option(
        'page_size', 'int',
        ('Sessions requested per API call (the C(limit) query parameter), 1 to %d.' % PAGE_SIZE_MAX,
         'Every page is fetched; this only changes how many requests that takes.'),
        default=PAGE_SIZE_MAX,
    ),
    Option(
        'concurrency', 'int',
        ('How many pages are fetched at the same time, over one pool of connections, once the first page has'
         ' told how many sessions there are; several statuses are also queried side by side.',
         'Fewer requests are kept in flight while the API gateway throttles with HTTP 429.',
         '1 to %d; V(1) fetches one page after the other.' % CONCURRENCY_MAX),
        default=4,
    ),
    Option(
        'max_results', 'int',
        ('Stop after this many sessions (per workspace). When not set, every matching session is returned.',
         'At most %d pages are read per status and workspace; past that the listing stops with a warning.'
         % MAX_PAGES),
    ),
    Option(
        'count_only', 'bool',
        ('Count the sessions instead of listing them: one request for one session per status queried (every'
         ' documented status when O(status) is not set, plus one for the unfiltered total), side by side.',
         'The counts are the service\'s totals, with the same O(endpoint_id) and O(session_id) filters; no'
         ' session is returned. The time it takes does not grow with the number of sessions.'),
        default=False,
    ),
)
