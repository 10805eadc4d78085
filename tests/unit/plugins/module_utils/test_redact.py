# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json

import pytest

from ansible_collections.dataarts.fabric.plugins.module_utils._redact import Redactor, strip_userinfo

SECRET = 'x-s3cret/1 +'


@pytest.mark.parametrize('form', [
    SECRET, json.dumps(SECRET), repr(SECRET), 'x%2Ds3cret%2F1%20%2B', 'x%2ds3cret%2f1+%2b', 'x-\\u0073\\u0033cret/1 +',
    'x-s3cr&#101;t&#x2f;1 +', '\\x78-s3cret/1 +'])
def test_every_written_form_of_a_secret_is_removed(form):
    assert Redactor([SECRET]).text('before %s after' % form) in ('before ******** after', 'before "********" after',
                                                                 "before '********' after")


def test_text_that_only_looks_like_an_escape_stays():
    text = 'the letter x, u0078, %78 alone and x-s3cret/2'
    assert Redactor([SECRET]).text(text) == text


def test_url_credentials_are_removed_in_one_pass():
    assert strip_userinfo('via http://user:pa55@proxy:3128/x and https://h/p@q') == (
        'via http://********@proxy:3128/x and https://h/p@q')
