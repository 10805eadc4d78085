# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json

import pytest

from ansible_collections.dataarts.fabric.plugins.module_utils._http.failures import error_from_response

URL = 'https://fabric.example.test/v1/workspaces/ws-1/sessions?limit=100&offset=0'

# The vendor page's example error bodies, status by status.
DOCUMENTED = [
    (400, {'error_code': 'common.01000001',
           'error_msg': 'failed to read http request, please check your input, code: 400, reason: Type mismatch.,'
                        ' cause: TypeMismatchException'}, 'common.01000001'),
    (401, {'error_code': 'APIG.1002', 'error_msg': 'Incorrect token or token resolution failed'}, 'APIG.1002'),
    (403, {'error': {'code': '403', 'message': 'X-Auth-Token is invalid in the request', 'title': 'Forbidden'},
           'error_code': 403, 'error_msg': 'X-Auth-Token is invalid in the request', 'title': 'Forbidden'}, 403),
    (404, {'error_code': 'common.01000001', 'error_msg': 'response status exception, code: 404'}, 'common.01000001'),
    (408, {'error_code': 'common.00000408', 'error_msg': 'timeout exception occurred'}, 'common.00000408'),
    (500, {'error_code': 'common.00000500', 'error_msg': 'internal error'}, 'common.00000500'),
]


@pytest.mark.parametrize('status,body,code', DOCUMENTED, ids=[str(d[0]) for d in DOCUMENTED])
def test_documented_bodies_keep_every_field(status, body, code):
    error = error_from_response('GET', URL, status, 'Reason', json.dumps(body).encode(), 'req-123')
    assert (error.status, error.error_code, error.error_msg, error.request_id) == (
        status, code, body['error_msg'], 'req-123')
    text = str(error)
    for fragment in ('HTTP %d' % status, str(code), body['error_msg'], 'req-123'):
        assert fragment in text


def test_error_code_keeps_its_type():
    assert error_from_response('GET', URL, 403, '', json.dumps(DOCUMENTED[2][1]).encode(), None).error_code == 403
    assert isinstance(error_from_response('GET', URL, 401, '', json.dumps(DOCUMENTED[1][1]).encode(), None)
                      .error_code, str)


def test_solution_msg_is_kept_and_shown():
    body = {'error_code': 'X.1', 'error_msg': 'bad', 'solution_msg': 'Check the workspace ID.'}
    error = error_from_response('GET', URL, 400, '', json.dumps(body).encode(), 'rid')
    assert error.solution_msg == 'Check the workspace ID.'
    assert 'solution: Check the workspace ID.' in str(error)


def test_nested_shape_alone_is_understood():
    body = {'error': {'code': 'APIG.0301', 'message': 'Incorrect IAM authentication information'}}
    error = error_from_response('GET', URL, 401, '', json.dumps(body).encode(), None)
    assert (error.error_code, error.error_msg) == ('APIG.0301', 'Incorrect IAM authentication information')


def test_empty_body_says_so():
    error = error_from_response('GET', URL, 502, 'Bad Gateway', b'', 'rid-9')
    assert str(error) == 'GET %s failed: HTTP 502 Bad Gateway with an empty body; request id: rid-9' % URL
    assert error.error_code is None and error.error_msg is None


def test_html_body_is_reduced_to_readable_text():
    html = b'<html><head><title>502 Bad Gateway</title></head><body><h1>Bad   Gateway</h1></body></html>'
    error = error_from_response('GET', URL, 502, 'Bad Gateway', html, None)
    assert 'not JSON: 502 Bad Gateway Bad Gateway' in str(error)
    assert '<' not in str(error)


def test_long_bodies_are_cut():
    error = error_from_response('GET', URL, 500, '', b'x' * 5000, None)
    assert len(str(error)) < 400 and str(error).endswith('...')


def test_json_that_is_not_an_error_object():
    error = error_from_response('GET', URL, 500, '', b'[1, 2]', None)
    assert 'unrecognised error body: [1, 2]' in str(error)


def test_body_that_is_not_utf8_still_gives_a_message():
    error = error_from_response('GET', URL, 500, '', b'\xff\xfe\x00bad', None)
    assert 'HTTP 500' in str(error)
