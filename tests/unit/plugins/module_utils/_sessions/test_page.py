# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Property-based: whatever body and headers come back, parsing and error mapping give a FabricError or a
well-formed page, never another exception."""

from __future__ import annotations


from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.dataarts.fabric.plugins.module_utils._errors import FabricError
from ansible_collections.dataarts.fabric.plugins.module_utils._http.client import JsonResponse
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.page import parse_page

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)
page_bodies = json_values | st.fixed_dictionaries({}, optional={
    'sessions': json_values | st.lists(json_values, max_size=5) | st.lists(st.dictionaries(
        st.text(max_size=8), json_values, max_size=3), max_size=5),
    'total': json_values,
})


@settings(max_examples=300, deadline=None)
@given(body=page_bodies)
def test_any_page_body_parses_or_fails_cleanly(body):
    try:
        sessions, total = parse_page(JsonResponse(body, 'rid', 'https://h.test/p'))
    except FabricError as error:
        assert 'malformed session list' in str(error) and error.request_id == 'rid'
    else:
        assert isinstance(sessions, list)  # a page longer than asked is the pager's to trim
        assert all(isinstance(session, dict) for session in sessions)
        assert isinstance(total, int) and total >= 0
