# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What runs where: the ansible-test invocations of `make test`, per ansible-core line.

noxfile.py makes one nox session per core line (``ansible-test-<core>``, one venv and one ansible-test delegation
venv for all its steps) and hacking/run_tests.py runs it. Each run is (label, extra ansible-test arguments); its
junit files land in build/test-results/<label>.

Sanity without ``--python`` runs the controller tests on the core's controller Python and compile/import on
every target Python the core supports (limited by tests/config.yml); with ``--python X`` only on X (a target-only
Python such as 3.8 on 2.16 gets the target tests alone). Compile/import on every target Python runs on the
oldest line that supports each Python and on the newest line; the lines in between check their controller
Python only.
"""

from __future__ import annotations

# ansible-core line -> the controller Python its sessions (and ansible-test) run with.
CONTROLLER_PYTHON = {
    '2.16': '3.11',
    '2.17': '3.11',
    '2.18': '3.11',
    '2.19': '3.11',
    '2.20': '3.12',
    '2.21': '3.12',
}

Run = tuple  # (label, [ansible-test arguments after `ansible-test STEP --venv --requirements`])

SANITY: dict[str, list[Run]] = {
    '2.16': [('sanity-2.16-py3.11', ['--python', '3.11']), ('sanity-2.16-py3.8', ['--python', '3.8'])],
    '2.17': [('sanity-2.17-py3.11', ['--python', '3.11'])],
    '2.18': [('sanity-2.18-py3.11', ['--python', '3.11'])],
    '2.19': [('sanity-2.19-py3.11+targets', []), ('sanity-2.19-py3.12', ['--python', '3.12']),
             ('sanity-2.19-py3.13', ['--python', '3.13'])],
    '2.20': [('sanity-2.20-py3.12', ['--python', '3.12'])],
    '2.21': [('sanity-2.21-py3.12+targets', []), ('sanity-2.21-py3.13', ['--python', '3.13'])],
}

UNITS: dict[str, list[Run]] = {
    core: [('units-%s-py%s' % (core, python), ['--python', python])] for core, python in CONTROLLER_PYTHON.items()
}

# Integration on the oldest and the newest line, and on 2.19 (the line most users run today).
INTEGRATION: dict[str, list[Run]] = {
    core: [('integration-%s-py%s' % (core, CONTROLLER_PYTHON[core]),
            ['--python', CONTROLLER_PYTHON[core], '--continue-on-error'])]
    for core in ('2.16', '2.19', '2.21')
}

STEPS: dict[str, dict[str, list[Run]]] = {'sanity': SANITY, 'units': UNITS, 'integration': INTEGRATION}


def session_name(core: str) -> str:
    return 'ansible-test-%s' % core
