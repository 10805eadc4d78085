# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""older_than in a listing: selected after every page is read, max_results counting the sessions kept, a warning
for each workspace with unreadable times; and a listing on an executor the caller owns."""

from __future__ import annotations

import datetime

from ansible_collections.dataarts.fabric.plugins.module_utils._http.identity import TokenIdentity
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.executor import CallExecutor
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.listing import list_sessions, run_queries
from ansible_collections.dataarts.fabric.tests.unit.plugins.clients import make_client
from ansible_collections.dataarts.fabric.tests.unit.plugins.fake_fabric import ENDPOINT, FakeFabric, session_query


def ago(seconds):
    moment = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=seconds)
    return moment.strftime('%Y-%m-%dT%H:%M:%S.000+00:00')


def workspace(count_old=150, count_young=60):
    """Newest first, as the service lists them: young ones, then old ones, then one without a usable time."""
    young = [{'session_id': 'young-%d' % i, 'status': 'RUNNING', 'create_time': ago(60 + i)} for i in range(count_young)]
    old = [{'session_id': 'old-%d' % i, 'status': 'RUNNING', 'create_time': ago(7200 + i)} for i in range(count_old)]
    return young + old + [{'session_id': 'no-time', 'status': 'RUNNING', 'create_time': 'unknown'}]


def client():
    return make_client(ENDPOINT, TokenIdentity('t'), retries=0)


def test_older_than_keeps_the_old_sessions_of_every_page_and_names_the_unreadable(mock):
    fake = FakeFabric(mock, {'ws': workspace()})
    with client() as c, c.call():
        listing = list_sessions(c, session_query('ws', older_than=3600))
    assert [s['session_id'] for s in listing.sessions] == ['old-%d' % i for i in range(150)]
    assert listing.total == 150 and len(fake.requests) == 3
    assert [w for w in listing.warnings if 'create_time' in w] == [
        "1 session of workspace ws has a create_time that cannot be read as an ISO 8601 time with a UTC offset, so"
        " older_than does not select it: 'no-time' (create_time 'unknown')"]


def test_max_results_counts_the_sessions_old_enough(mock):
    FakeFabric(mock, {'ws': workspace()})
    with client() as c, c.call():
        listing = list_sessions(c, session_query('ws', older_than=3600, max_results=5))
    assert [s['session_id'] for s in listing.sessions] == ['old-%d' % i for i in range(5)]
    assert listing.total == 150


def test_without_older_than_nothing_is_selected_by_age(mock):
    FakeFabric(mock, {'ws': workspace()})
    with client() as c, c.call():
        listing = list_sessions(c, session_query('ws'))
    assert len(listing.sessions) == 211 and not any('create_time' in w for w in listing.warnings)


def test_the_lookup_and_the_module_get_the_age_warnings(mock):
    FakeFabric(mock, {'ws': workspace(1, 1)})
    warnings = []
    with client() as c:
        [listing] = run_queries(c, [session_query('ws', older_than=3600)], warnings.append)
    assert [s['session_id'] for s in listing.sessions] == ['old-0']
    assert any("'no-time'" in warning for warning in warnings)


def test_a_listing_runs_on_the_callers_executor(mock, monkeypatch):
    fake = FakeFabric(mock, {'ws': workspace()})
    submitted = []
    with client() as c, c.call(), CallExecutor(2) as executor:
        submit = executor.submit
        monkeypatch.setattr(executor, 'submit', lambda function: submitted.append(function) or submit(function))
        listing = list_sessions(c, session_query('ws', statuses=('RUNNING', 'FAIL')), executor=executor)
    assert len(listing.sessions) == 211 and listing.partial is False
    # every request went through the caller's executor (a page the pager already holds is handed on there too)
    assert len(fake.requests) == 4 and len(submitted) >= len(fake.requests)
