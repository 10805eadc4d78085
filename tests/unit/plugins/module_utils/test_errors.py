# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pickle

import pytest

from ansible_collections.dataarts.fabric.plugins.module_utils._errors import FabricError


def test_details_for_a_module_result():
    error = FabricError('boom', status=429, error_code='APIG.1015', error_msg='too many', request_id='r')
    assert error.details() == {'status_code': 429, 'error_code': 'APIG.1015', 'error_msg': 'too many',
                               'solution_msg': None, 'request_id': 'r'}


def test_an_error_is_never_changed_only_replaced():
    error = FabricError('GET /x failed', status=503, request_id='rid-1')
    with pytest.raises(AttributeError):
        error.message = 'changed'  # type: ignore[misc]
    wider = error.with_context(before='poll 1: ', after=' -- check the endpoint')
    assert (error.message, str(error)) == ('GET /x failed', 'GET /x failed; request id: rid-1')
    assert wider.message == 'poll 1: GET /x failed -- check the endpoint'
    assert (wider.status, wider.request_id, type(wider)) == (503, 'rid-1', FabricError)
    assert str(wider).startswith(wider.message) and wider.args == (wider.message,)


def test_an_error_survives_pickling_whole():
    error = FabricError('m', status=404, error_code='E.1', error_msg='gone', solution_msg='look', request_id='r')
    copy = pickle.loads(pickle.dumps(error))
    assert (str(copy), copy.details()) == (str(error), error.details())
