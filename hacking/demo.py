# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The steps of noxfile.py's demo session that leave something for the user: the venv .venv/demo, the
ansible.cfg that points ansible at the collection installed there, and the next steps it prints.

The venv is the user's, not a nox one (.nox/ is test machinery): `source .venv/demo/bin/activate` and
`export ANSIBLE_CONFIG=$PWD/.venv/demo/ansible.cfg` make `ansible`, `ansible-playbook` and `ansible-doc` find
dataarts.fabric. The demo page of the docsite (docs/docsite/rst/demo.rst) shows the same commands as
demo-next-steps.txt (tests/unit/docs checks it).
"""

from __future__ import annotations

from pathlib import Path

import nox

NEXT_STEPS = Path(__file__).resolve().parent / 'demo-next-steps.txt'
CONFIG_HEADER = '''\
# Written by `make demo` (noxfile.py, session demo); it writes this file again on every run.
# export ANSIBLE_CONFIG=$PWD/.venv/demo/ansible.cfg makes ansible, ansible-playbook and ansible-doc use it.
'''


def make_venv(session: nox.Session, venv: Path, python: Path, requirements: list[Path]) -> Path:
    """``venv`` made with ``python`` and the pinned ``requirements`` installed (again only when they changed);
    returns its bin folder."""
    wanted = ''.join(path.read_text(encoding='utf-8') for path in requirements)
    stamp = venv / '.installed'
    if not (venv / 'bin' / 'python').is_file():
        session.run(str(python), '-m', 'venv', str(venv), external=True)
    if not stamp.is_file() or stamp.read_text(encoding='utf-8') != wanted:
        args = [arg for path in requirements for arg in ('-r', str(path))]
        session.run(str(venv / 'bin' / 'python'), '-m', 'pip', 'install', '--quiet', '--disable-pip-version-check',
                    *args, external=True)
        stamp.write_text(wanted, encoding='utf-8')
    return venv / 'bin'


def write_config(path: Path, collections: Path, inventory: Path) -> Path:
    """An ansible.cfg with the collection path and the inventory (localhost, with the Python that runs ansible)."""
    path.write_text(CONFIG_HEADER + '[defaults]\ncollections_path = %s\ninventory = %s\n' % (collections, inventory),
                    encoding='utf-8')
    return path
