# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every Huawei Cloud host a document spells out for a region (fabric.REGION.SUFFIX, iam.REGION.SUFFIX) is the
one the collection derives from that region: myhuaweicloud.eu on the European site, not myhuaweicloud.com."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ansible_collections.dataarts.fabric.plugins.module_utils._config.loader import load_config
from ansible_collections.dataarts.fabric.plugins.module_utils._config.options import ALL_OPTIONS

ROOT = Path(__file__).resolve().parents[3]
DOCUMENTS = sorted(
    [ROOT / 'README.md', ROOT / 'tests' / 'emulator' / 'README.md', ROOT / 'examples' / 'demo.yml']
    + list((ROOT / 'docs').rglob('*.rst')) + list((ROOT / 'docs').rglob('*.yml'))
    + list((ROOT / 'roles').rglob('*.md')) + list((ROOT / 'roles').rglob('*.yml'))
    + list((ROOT / 'plugins').rglob('*.py')) + list((ROOT / 'extensions').rglob('*.py')))
HOST = re.compile(r'\b(fabric|iam)\.([a-z]{2}-[a-z]+-\d+)\.(myhuaweicloud\.[a-z]+)\b')


def _mentions() -> list[tuple[str, str, str, str]]:
    found = []
    for path in DOCUMENTS:
        for service, region, suffix in HOST.findall(path.read_text(encoding='utf-8')):
            found.append((str(path.relative_to(ROOT)), service, region, suffix))
    return found


MENTIONS = _mentions()


def _derived_host(service: str, region: str, monkeypatch: pytest.MonkeyPatch, home: Path) -> str:
    monkeypatch.setenv('HOME', str(home))  # no credential files
    raw = {option.name: option.default for option in ALL_OPTIONS}
    raw['region'] = region
    if service == 'fabric':
        raw['auth_token'] = 't0ken'
    else:  # the IAM endpoint is derived only for the IAM user and password
        raw.update(username='user', password='pa55word', domain_name='account', project_name=region)
    connection = load_config(raw, environ={}).connection
    url = connection.base_url if service == 'fabric' else connection.iam_url
    return url.split('://', 1)[1].split('/', 1)[0]


def test_the_documents_spell_out_hosts_of_both_sites():
    suffixes = {suffix for _path, _service, _region, suffix in MENTIONS}
    assert {'myhuaweicloud.com', 'myhuaweicloud.eu'} <= suffixes


@pytest.mark.parametrize('path, service, region, suffix', MENTIONS, ids=['%s:%s.%s.%s' % m for m in MENTIONS])
def test_a_host_in_the_docs_is_the_one_derived_from_its_region(path, service, region, suffix, monkeypatch, tmp_path):
    assert '%s.%s.%s' % (service, region, suffix) == _derived_host(service, region, monkeypatch, tmp_path), path
