# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Let ansible-test build its virtual environments without the internet.

ansible-test creates venvs without pip and bootstraps pip with ``~/.ansible/test/cache/get_pip_<ver>.py``,
which it downloads from a host that is unreachable here. This seeds that cache entry with
hacking/get_pip_offline.py (ensurepip, then pip install from the package registry). The pip version comes
from the installed ansible-test, so the name fits any core. A real downloaded get-pip file is left alone.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

SHIM = Path(__file__).with_name('get_pip_offline.py')
MARKER = 'dataarts-fabric-offline-get-pip'


def pip_version(ansible_test_dir: Path) -> str:
    text = (ansible_test_dir / '_internal' / 'python_requirements.py').read_text(encoding='utf-8')
    match = re.search(r"pip(?:==|=')(\d+(?:\.\d+)+)", text)
    if match is None:
        raise RuntimeError('cannot read the pip version from %s' % ansible_test_dir)
    return match.group(1)


def seed_get_pip(ansible_test_dir: Path, cache: Path = Path.home() / '.ansible' / 'test' / 'cache') -> Path:
    target = cache / ('get_pip_%s.py' % pip_version(ansible_test_dir).replace('.', '_'))
    cache.mkdir(parents=True, exist_ok=True)
    if not target.exists() or MARKER in target.read_text(encoding='utf-8', errors='replace'):
        if not target.exists() or target.read_bytes() != SHIM.read_bytes():
            # Into place whole: the ansible-test of another core line may be reading it right now.
            temp = target.with_name('.%s.%d' % (target.name, os.getpid()))
            shutil.copyfile(SHIM, temp)
            os.replace(temp, target)
    return target
