# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Property-based: whatever body and headers come back, parsing and error mapping give a FabricError or a
well-formed page, never another exception."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.dataarts.fabric.plugins.module_utils._errors import FabricError
from ansible_collections.dataarts.fabric.plugins.module_utils._http.failures import error_from_response

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)
error_bodies = st.fixed_dictionaries({}, optional={
    'error_code': json_values, 'error_msg': json_values, 'solution_msg': json_values, 'message': json_values,
    'error': json_values | st.fixed_dictionaries({}, optional={'code': json_values, 'message': json_values}),
})


@settings(max_examples=300, deadline=None)
@given(status=st.integers(100, 599), reason=st.text(max_size=20),
       body=st.binary(max_size=300) | error_bodies.map(lambda b: json.dumps(b).encode()),
       request_id=st.none() | st.text(max_size=40))
def test_any_error_response_maps_to_a_readable_error(status, reason, body, request_id):
    error = error_from_response('GET', 'https://h.test/p?q=1', status, reason, body, request_id)
    text = str(error)
    assert isinstance(error, FabricError) and 'HTTP %d' % status in text
    assert error.error_code is None or isinstance(error.error_code, (str, int))
    assert error.error_msg is None or isinstance(error.error_msg, str)
    assert request_id is None or not request_id or request_id in text
