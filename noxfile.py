# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""nox sessions of the dataarts.fabric collection; hacking/README.md says what runs where and why.

antsibull-nox.toml configures the sessions antsibull-nox provides (ansible-lint, docs-check, extra-checks,
lint with mypy, build-import-check with galaxy-importer). The sessions below are what antsibull-nox cannot do
on a machine without a container engine: ansible-test with ``--venv`` per ansible-core line, and the release,
AWX and docsite checks. `make test` runs them all through hacking/run_tests.py; one by hand: ``nox -s NAME``.
"""

from __future__ import annotations

import os
import resource
import shutil
import sys
import time
from pathlib import Path

import antsibull_nox
import nox
from antsibull_nox.sessions.collections import prepare_collections

ROOT = Path(__file__).resolve().parent
sys.path[:0] = [str(ROOT / 'hacking'), str(ROOT / 'tests' / 'integration' / 'targets' / 'setup_fabric_emulator')]

# pylint: disable=wrong-import-position
import ansible_test_setup  # noqa: E402
import demo  # noqa: E402
import emulator_process  # noqa: E402
import pythons  # noqa: E402
import release_checks  # noqa: E402
import results  # noqa: E402
import test_matrix  # noqa: E402

RESULTS = Path(os.environ.get('RESULTS_DIR', ROOT / 'build' / 'test-results'))
REQUIREMENTS = ROOT / 'tests' / 'requirements'
EMULATOR = ROOT / 'tests' / 'emulator' / 'fabric_emulator.py'
TOOLS_PYTHON = '3.11'
INTEGRATION_REQUIREMENTS = 'tests/integration/requirements.txt'  # requests, for the module and the lookup

# uv (tests/requirements/nox.txt) makes the session venvs and installs into them: it keeps the wheels it
# downloads in its cache (pip keeps none here, the registry sends no caching headers) and installs in parallel.
# With uv present nox also stops printing "uv binary not found". Byte code is written at install time, as pip
# does, and uv never downloads an interpreter (pythons.py finds them).
nox.options.default_venv_backend = 'uv'
nox.options.reuse_venv = 'yes'
os.environ.setdefault('UV_COMPILE_BYTECODE', '1')
os.environ.setdefault('UV_PYTHON_DOWNLOADS', 'never')
pythons.put_real_pythons_on_path(ROOT / '.venv' / 'python-links')
antsibull_nox.load_antsibull_nox_toml()


def _install(session: nox.Session, *names: str) -> None:
    """Install pinned requirement files: tests/requirements/NAME.txt, or the file NAME under the root."""
    args = []
    for name in names:
        args += ['-r', str(ROOT / name if '/' in name else REQUIREMENTS / ('%s.txt' % name))]
    session.install('--disable-pip-version-check', *args)


# --- ansible-test, one session per core line ----------------------------------------------------------------

def _ansible_test_dir(session: nox.Session) -> Path:
    code = 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))'
    return Path(session.run('python', '-c', code, silent=True).strip().splitlines()[-1])


def _children_cpu() -> float:
    """CPU seconds of the finished processes this one waited for (nox runs one ansible-test at a time)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _split_posargs(posargs: list[str]) -> tuple[list[str], list[str]]:
    """Leading step names (sanity, units, integration) select steps; the rest goes to every ansible-test run."""
    steps = []
    while len(steps) < len(posargs) and posargs[len(steps)] in test_matrix.STEPS:
        steps.append(posargs[len(steps)])
    return steps, posargs[len(steps):]


def _ansible_test(session: nox.Session, core: str) -> None:
    steps, extra = _split_posargs(session.posargs)
    runs = [(step, label, args) for step in (steps or list(test_matrix.STEPS))
            for label, args in test_matrix.STEPS[step].get(core, [])]
    _install(session, 'ansible-%s' % core, INTEGRATION_REQUIREMENTS)
    ansible_test_setup.seed_get_pip(_ansible_test_dir(session))
    tree = prepare_collections(session, install_in_site_packages=False, install_out_of_tree=True)
    if tree is None:
        session.error('could not set up the ansible_collections tree')
    # tests/output of the temporary tree lives in build/: kept between runs (ansible-test's cached venvs) and
    # still there when a run fails (its junit files).
    output = ROOT / 'build' / 'ansible-test-output' / core
    output.mkdir(parents=True, exist_ok=True)
    (tree.current_path / 'tests' / 'output').symlink_to(output, target_is_directory=True)
    failed = []
    for step, label, args in runs:
        run_dir = RESULTS / label
        shutil.rmtree(run_dir, ignore_errors=True)
        shutil.rmtree(output / 'junit', ignore_errors=True)
        rc = 0
        start, cpu_start = time.monotonic(), _children_cpu()
        with session.chdir(tree.current_path):
            try:
                session.run('ansible-test', step, '--venv', '--requirements', '--color', 'no',
                            *(['--junit'] if step == 'sanity' else []), *args, *extra)
            except nox.command.CommandFailed:
                rc = 1
                failed.append(label)
        run_dir.mkdir(parents=True)
        for xml in (output / 'junit').glob('*.xml'):
            shutil.copy(xml, run_dir)
        results.write_rc(run_dir, rc)
        with open(RESULTS / 'timings.txt', 'a', encoding='utf-8') as timings:
            timings.write('  %-56s %6.0f s  exit %d  (CPU %.0f s)\n' % (
                label, time.monotonic() - start, rc, _children_cpu() - cpu_start))
    if failed:
        session.error('failed: %s' % ' '.join(failed))


def _add_ansible_test_sessions() -> None:
    for core, python in test_matrix.CONTROLLER_PYTHON.items():
        def session_func(session: nox.Session, core: str = core) -> None:
            _ansible_test(session, core)
        session_func.__doc__ = ('ansible-test with ansible-core %s (--venv): -- [sanity] [units] [integration] '
                                '[ansible-test arguments]' % core)
        nox.session(name=test_matrix.session_name(core), python=python, default=False)(session_func)


_add_ansible_test_sessions()


# --- the collection as users get it ------------------------------------------------------------------------

@nox.session(name='release-checks', python=TOOLS_PYTHON, default=False)
def release_checks_session(session: nox.Session) -> None:
    """Changelog lint; the tarball built from the checkout; installed; its demo; ansible-builder."""
    _install(session, 'lint', INTEGRATION_REQUIREMENTS)
    work = ROOT / 'build' / 'release-checks'
    cases = release_checks.run_all(session, ROOT, work, EMULATOR)
    results.write_cases(RESULTS / 'lint-release', 'release', cases, 0)
    if any(case[1] is not None for case in cases):
        session.error('a release check failed')


# venv, not uv: run_rulebook_test.py installs into the session's venv with its pip.
@nox.session(name='eda-rulebook', python=TOOLS_PYTHON, venv_backend='venv', default=False)
def eda_rulebook_session(session: nox.Session) -> None:
    """ansible-rulebook runs a rulebook with the session_events source against the emulator (needs Java 17+:
    the script installs Debian's JRE when it is missing and it runs as root)."""
    _install(session, 'eda')
    session.run('python', 'tests/integration/eda/run_rulebook_test.py', '--venv', session.virtualenv.location,
                *session.posargs)


@nox.session(name='awx-job', python=TOOLS_PYTHON, default=False)
def awx_job_session(session: nox.Session) -> None:
    """examples/demo.yml through ansible-runner with the environment the AWX credential type injects."""
    _install(session, 'runner')
    release_checks.awx_job(session, ROOT, ROOT / 'build' / 'awx-job', EMULATOR)


@nox.session(name='docsite', python=TOOLS_PYTHON, default=False)
def docsite_session(session: nox.Session) -> None:
    """The HTML docsite as the community pipeline builds it: antsibull-docs sphinx-init, then its build."""
    _install(session, 'docs')
    tree = prepare_collections(session, install_in_site_packages=False, install_out_of_tree=True)
    if tree is None:
        session.error('could not set up the ansible_collections tree')
    release_checks.docsite(session, tree.current_place, ROOT / 'build' / 'docsite')


@nox.session(name='demo', venv_backend='none', default=False)
def demo_session(session: nox.Session) -> None:
    """The venv .venv/demo (kept for the user), the collection built and installed into .venv/demo/collections,
    examples/demo.yml against the emulator with .venv/demo/ansible.cfg, then the next steps. Two at once both work
    (hacking/demo.py: a lock, and an install that is moved into place)."""
    python = pythons.find_python(TOOLS_PYTHON)
    if python is None:
        session.error('no Python %s found' % TOOLS_PYTHON)
    requirements = [REQUIREMENTS / 'ansible-2.19.txt', ROOT / INTEGRATION_REQUIREMENTS, REQUIREMENTS / 'demo.txt']
    try:
        with demo.prepared(session, ROOT / '.venv' / 'demo', python, requirements, ROOT,
                           ROOT / 'examples' / 'inventory.yml') as (bin_dir, config):
            with emulator_process.running(EMULATOR, python=str(bin_dir / 'python')) as url:
                session.run(str(bin_dir / 'ansible-playbook'), 'examples/demo.yml', external=True, env={
                    'DATAARTS_FABRIC_ENDPOINT': url, 'DATAARTS_FABRIC_AUTH_TOKEN': release_checks.EMULATOR_TOKEN,
                    'ANSIBLE_CONFIG': str(config)})
    except demo.DemoError as exc:
        session.error(str(exc))
    print(demo.NEXT_STEPS.read_text(encoding='utf-8'), flush=True)


@nox.session(name='bench', python=TOOLS_PYTHON, default=False)
def bench_session(session: nox.Session) -> None:
    """The benchmark of docs/performance.md (arguments after -- go to tests/performance/bench.py)."""
    _install(session, 'ansible-2.19', INTEGRATION_REQUIREMENTS)
    session.run('python', 'tests/performance/bench.py', '--output', 'docs/performance.md', *session.posargs)
