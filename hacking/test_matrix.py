# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What runs where: the ansible-test invocations of `make test`, per ansible-core line.

noxfile.py makes one nox session per core line (``ansible-test-<core>``, one venv for all its steps) and
hacking/run_tests.py runs it. Each run is (label, extra ansible-test arguments); its junit files land in
build/test-results/<label>. hacking/README.md ("What runs where") gives the reasons and the timings.

Three lines run everything: the oldest (2.16), the one most users run (2.19) and the newest (2.21), each on
another controller Python (3.11, 3.12, 3.13). The lines between them (2.17, 2.18, 2.20) run what depends on
their ansible-core and leave out what only depends on a tool version that the outer lines bracket.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# ansible-core line -> the controller Python its session (and ansible-test) runs with.
CONTROLLER_PYTHON = {
    '2.16': '3.11',
    '2.17': '3.11',
    '2.18': '3.11',
    '2.19': '3.12',
    '2.20': '3.12',
    '2.21': '3.13',
}

# The lines that run every sanity test, all unit tests and the integration tests.
FULL_LINES = ('2.16', '2.19', '2.21')

Run = tuple  # (label, [ansible-test arguments after `ansible-test STEP`])

# Sanity tests whose result depends only on the version of the tool ansible-test pins (and ansible-test's
# rules for it), not on the ansible-core line: the lines between 2.16, 2.19 and 2.21 pin versions between
# theirs, and their rules are subsets (hacking/README.md). antsibull-changelog is 0.29.0 on 2.18 to 2.21.
TOOL_ONLY_TESTS = ('pylint', 'pep8', 'yamllint', 'changelog')


def _skip(*tests: str) -> list[str]:
    return [arg for test in tests for arg in ('--skip-test', test)]


# Without --python: the controller tests on the session's Python and compile/import on every target Python the
# line supports (3.8 and up, tests/config.yml). With --python X: the controller tests on X, or on the session's
# Python when X is a target-only Python (then they repeat the run without --python), and compile/import on X.
SANITY: dict[str, list[Run]] = {
    '2.16': [('sanity-2.16-py3.11+targets', [])],
    '2.17': [('sanity-2.17-py3.11', ['--python', '3.11', *_skip(*TOOL_ONLY_TESTS)])],
    '2.18': [('sanity-2.18-py3.11', ['--python', '3.11', *_skip(*TOOL_ONLY_TESTS)])],
    '2.19': [('sanity-2.19-py3.12+targets', [])],
    '2.20': [('sanity-2.20-py3.12', ['--python', '3.12', *_skip(*TOOL_ONLY_TESTS)])],
    '2.21': [('sanity-2.21-py3.13+targets', _skip('changelog'))],
}


def core_facing_unit_tests() -> list[str]:
    """The unit tests that go through ansible-core: the module, the plugins and the generated argument spec.

    Everything under tests/unit/plugins but module_utils (their HTTP, configuration and session logic is
    plain Python; where it calls ansible-core, the module's tests go through it), and tests/unit/generated.
    """
    plugins = ROOT / 'tests' / 'unit' / 'plugins'
    folders = [path for path in sorted(plugins.iterdir()) if path.is_dir() and path.name != 'module_utils']
    folders.append(ROOT / 'tests' / 'unit' / 'generated')
    return ['%s/' % path.relative_to(ROOT) for path in folders if path.is_dir()]


UNITS: dict[str, list[Run]] = {
    core: ([('units-%s-py%s' % (core, python), ['--python', python])] if core in FULL_LINES else
           [('units-%s-py%s-core-facing' % (core, python), ['--python', python, *core_facing_unit_tests()])])
    for core, python in CONTROLLER_PYTHON.items()
}

INTEGRATION: dict[str, list[Run]] = {
    core: [('integration-%s-py%s' % (core, CONTROLLER_PYTHON[core]),
            ['--python', CONTROLLER_PYTHON[core], '--continue-on-error'])]
    for core in FULL_LINES
}

STEPS: dict[str, dict[str, list[Run]]] = {'sanity': SANITY, 'units': UNITS, 'integration': INTEGRATION}


def session_name(core: str) -> str:
    return 'ansible-test-%s' % core
