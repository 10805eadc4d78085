# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import html
import json
import re
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ansible_collections.dataarts.fabric.plugins.module_utils._redact import (
    ISSUED_MAX,
    REDACTED,
    Redactor,
    strip_userinfo,
)

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


def test_issued_tokens_are_kept_up_to_a_bound_and_configured_secrets_for_ever():
    redactor = Redactor(['configured-secret'])
    for index in range(10 * ISSUED_MAX):
        redactor.learn('issued-token-%04d' % index)
    assert len(redactor.secrets) == ISSUED_MAX + 1 and 'configured-secret' in redactor.secrets
    latest = 'issued-token-%04d' % (10 * ISSUED_MAX - 1)
    assert redactor.text('%s configured-secret' % latest) == '******** ********'
    assert redactor.text('issued-token-0000') == 'issued-token-0000'  # dropped long ago


def test_a_token_learnt_again_is_the_latest_again():
    redactor = Redactor()
    redactor.learn('first-token')
    for index in range(ISSUED_MAX - 1):
        redactor.learn('issued-token-%04d' % index)
    redactor.learn('first-token')
    redactor.learn('one-more-token')
    assert 'first-token' in redactor.secrets and 'issued-token-0000' not in redactor.secrets


@pytest.mark.parametrize('secret', ['0', '4', '40', '404', 'a', 'HT', 'P 4', ' '])
def test_a_short_secret_never_mangles_other_text(secret):
    text = 'GET /v1/workspaces/ws-1/sessions failed: HTTP 404 Not Found: a session of 2025 (rid 4a0b)'
    assert Redactor([secret]).text(text) == text


@pytest.mark.parametrize('text, expected', [
    ('password=ab and more', 'password=******** and more'),
    ('"password": "ab"', '"password": "********"'),
    ("{'secret_key': 'ab'}", "{'secret_key': '********'}"),
    ('X-Auth-Token: ab\r\nHost: x', 'X-Auth-Token: ********\r\nHost: x'),
    ('Authorization: Bearer ab', 'Authorization: Bearer ********'),
    ('HW_PASSWORD=ab;', 'HW_PASSWORD=********;'),
    ('sk=ab&ak=AKEXAMPLE', 'sk=********&ak=AKEXAMPLE'),
    ('via http://user:ab@proxy:3128', 'via http://********@proxy:3128'),
    ('password=abc', 'password=abc'),  # another value: not this secret
    ('passwordab', 'passwordab'),
])
def test_a_short_secret_is_removed_where_it_stands_as_a_secret(text, expected):
    assert Redactor(['ab']).text(text) == expected


SECRET_CHARS = st.characters(min_codepoint=33, max_codepoint=0x2FFF, blacklist_characters='*',
                             blacklist_categories=('Cs',))
FILLER = st.text(alphabet='xyz ,.:;()', max_size=20)


def written_forms(secret):
    return {secret, repr(secret)[1:-1], json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1],
            quote(secret, safe=''), quote_plus(secret, safe=''), html.escape(secret)} - {''}


@settings(max_examples=300, deadline=None)
@given(secret=st.text(alphabet=SECRET_CHARS, min_size=4, max_size=40), before=FILLER, after=FILLER,
       issued=st.booleans(), data=st.data())
def test_a_secret_never_appears_in_any_written_form(secret, before, after, issued, data):
    assume(not set(secret) & set('xyz ,.:;()'))
    form = data.draw(st.sampled_from(sorted(written_forms(secret))))
    redactor = Redactor()
    redactor.learn(secret) if issued else redactor.add(secret)
    scrubbed = redactor.text(before + form + after)
    for written in written_forms(secret):
        assert written not in scrubbed


SECRET_NAMES = ['password', 'HW_PASSWORD', 'secret_key', 'X-Auth-Token', 'X-Security-Token', 'auth_token',
                'Proxy-Authorization', 'sk']
SEPARATORS = ['=', ': ', '": "', "': '", ':', ' = ', ': Basic ']


@settings(max_examples=300, deadline=None)
@given(secret=st.text(alphabet=SECRET_CHARS, min_size=1, max_size=3), name=st.sampled_from(SECRET_NAMES),
       separator=st.sampled_from(SEPARATORS), end=st.sampled_from(['', ' ', '"', "'", ',', '&', '\n']),
       data=st.data())
def test_a_short_secret_standing_as_a_secret_never_appears(secret, name, separator, end, data):
    form = data.draw(st.sampled_from(sorted(written_forms(secret))))
    scrubbed = Redactor([secret]).text('failed with %s%s%s%s and more' % (name, separator, form, end))
    assert scrubbed == 'failed with %s%s%s%s and more' % (name, separator, REDACTED, end)


@settings(max_examples=500, deadline=None)
@given(secret=st.text(min_size=1, max_size=3), text=st.text(max_size=80))
def test_text_without_secret_names_is_never_mangled_by_a_short_secret(secret, text):
    assume('://' not in text and not re.search(
        'password|passwd|secret|token|authorization|credential|sk', text, re.IGNORECASE))
    assert Redactor([secret]).text(text) == text
