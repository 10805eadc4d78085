# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The collection as users get it: the steps of noxfile.py's release-checks, awx-job, docsite and demo sessions.

Each function takes the nox session (the tools run in its venv) and plain paths.
"""

from __future__ import annotations

import fnmatch
import os
import re
import shutil
import tarfile
import traceback
import zlib
from pathlib import Path

import nox
import yaml
from jinja2.sandbox import SandboxedEnvironment

import emulator_process

# Anything that is build or test output, a local environment, CI or developer tooling.
FORBIDDEN_DIRS = {'build', '.venv', '.nox', '.ci', 'hacking', '__pycache__', '.pytest_cache', '.hypothesis',
                  '.benchmarks', '.ansible', '.cache', '.git', '.tox', '.mypy_cache'}
FORBIDDEN_PATHS = ('tests/output', 'tests/integration/inventory')
FORBIDDEN_NAMES = ('*.tar.gz', '*.pyc', '*.pyo', 'Makefile', '.gitignore', 'cloud-config-*', 'noxfile.py',
                   'antsibull-nox.toml')
REQUIRED = ('MANIFEST.json', 'FILES.json', 'README.md', 'requirements.txt', 'meta/runtime.yml',
            'meta/execution-environment.yml', 'plugins/modules/fabric_session_info.py',
            'plugins/lookup/fabric_sessions.py', 'roles/session_check/meta/argument_specs.yml',
            'roles/session_check/tasks/main.yml', 'examples/demo.yml', 'docs/docsite/links.yml',
            'docs/docsite/rst/guide.rst', 'docs/awx/credential-type-injectors.yml')
PRIVATE_KEY_MARK = b'PRIVATE KEY-----'
DEMO_LINE = 'Workspace ws-demo holds 40 sessions'
# The tour rescues two failures on purpose: the role's gate and the module's error for an unknown workspace.
DEMO_RECAP = re.compile(r'failed=0\b.*\brescued=2\b')
EMULATOR_TOKEN = 'emulator-token'


class CheckFailed(Exception):
    pass


def _tarball(dist: Path) -> Path:
    found = sorted(dist.glob('dataarts-fabric-*.tar.gz'))
    if len(found) != 1:
        raise CheckFailed('expected one tarball in %s, found %d' % (dist, len(found)))
    return found[0]


def build_and_install(session: nox.Session, root: Path, work: Path, bin_dir: Path | None = None) -> Path:
    """Build the tarball from ``root`` into ``work``/dist, install it into ``work``/collections; return that path.

    ``bin_dir``: the venv whose ansible-galaxy runs, when it is not the session's. The install runs with that
    path as ANSIBLE_COLLECTIONS_PATH, which is how every later command finds it (no "will not be picked up").
    """
    dist, collections = work / 'dist', work / 'collections'
    for path in (dist, collections):
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
    galaxy = str(bin_dir / 'ansible-galaxy') if bin_dir else 'ansible-galaxy'
    env = {'ANSIBLE_COLLECTIONS_PATH': str(collections)}
    external = bin_dir is not None
    session.run(galaxy, 'collection', 'build', '--output-path', str(dist), str(root), env=env, external=external)
    session.run(galaxy, 'collection', 'install', '--offline', '-p', str(collections), str(_tarball(dist)),
                env=env, external=external)
    return collections


def _holds_a_private_key(archive: tarfile.TarFile, member: tarfile.TarInfo) -> bool:
    handle = archive.extractfile(member) if member.isfile() else None
    return handle is not None and PRIVATE_KEY_MARK in handle.read()


def tarball_problems(tarball: Path) -> list[str]:
    with tarfile.open(tarball) as archive:
        members = archive.getmembers()
        names = [member.name.rstrip('/') for member in members]
        problems = ['holds a private key, which must never ship: %s' % member.name for member in members
                    if _holds_a_private_key(archive, member)]
    for name in names:
        parts = name.split('/')
        if (FORBIDDEN_DIRS.intersection(parts) or any(name == p or name.startswith(p + '/') for p in FORBIDDEN_PATHS)
                or any(fnmatch.fnmatch(parts[-1], pattern) for pattern in FORBIDDEN_NAMES)):
            problems.append('must not be in the tarball: %s' % name)
    problems += ['missing from the tarball: %s' % name for name in REQUIRED if name not in names]
    return problems


def run_demo(session: nox.Session, collections: Path, cwd: Path, env: dict[str, str]) -> None:
    installed = collections / 'ansible_collections' / 'dataarts' / 'fabric'
    with session.chdir(cwd):
        out = session.run('ansible-playbook', '-i', str(installed / 'examples' / 'inventory.yml'),
                          str(installed / 'examples' / 'demo.yml'), silent=True,
                          env=dict(env, ANSIBLE_COLLECTIONS_PATH=str(collections)))
    print(out)
    if DEMO_LINE not in out or not DEMO_RECAP.search(out):
        raise CheckFailed('the demo did not print %r with failed=0 and rescued=2' % DEMO_LINE)


def run_all(session: nox.Session, root: Path, work: Path, emulator: Path) -> list[tuple[str, str | None, None]]:
    """Every check, each one a junit case (name, failure text or None, None); a failure does not stop the next."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    state: dict[str, Path] = {}

    def changelog() -> None:
        with session.chdir(root):
            session.run('antsibull-changelog', 'lint')

    def galaxy_build() -> None:
        state['collections'] = build_and_install(session, root, work)
        problems = tarball_problems(_tarball(work / 'dist'))
        if problems:
            raise CheckFailed('\n'.join(problems))

    def galaxy_install() -> None:
        env = {'ANSIBLE_COLLECTIONS_PATH': str(state['collections'])}
        session.run('ansible-galaxy', 'collection', 'list', '-p', str(state['collections']), 'dataarts.fabric', env=env)
        # ansible-doc prints nothing and exits 0 for a role it cannot find: its output is what tells.
        out = session.run('ansible-doc', '-t', 'role', 'dataarts.fabric.session_check', env=env, silent=True)
        if 'session_check_workspace_id' not in (out or ''):
            raise CheckFailed('ansible-doc -t role dataarts.fabric.session_check did not document the role')

    def demo_from_tarball() -> None:
        with emulator_process.running(emulator) as url:
            run_demo(session, state['collections'], work, {
                'DATAARTS_FABRIC_ENDPOINT': url, 'DATAARTS_FABRIC_AUTH_TOKEN': EMULATOR_TOKEN})

    def ee_create() -> None:
        context = work / 'ee-context'
        session.run('ansible-builder', 'create', '-f', str(root / 'docs' / 'awx' / 'execution-environment.yml'),
                    '--context', str(context), '--output-filename', 'Containerfile')
        containerfile = (context / 'Containerfile').read_text(encoding='utf-8')
        for expected in ('FROM ', 'ansible-core==2.19.14', 'ansible-galaxy collection install'):
            if expected not in containerfile:
                raise CheckFailed('the Containerfile lacks %r' % expected)
        if 'dataarts.fabric' not in (context / '_build' / 'requirements.yml').read_text(encoding='utf-8'):
            raise CheckFailed('_build/requirements.yml does not name dataarts.fabric')
        if not (context / '_build' / 'scripts' / 'introspect.py').is_file():
            raise CheckFailed('the build context carries no introspect.py')

    def ee_introspect() -> None:
        out = session.run('ansible-builder', 'introspect', '--sanitize', str(state['collections']), silent=True)
        print(out)
        if not re.search(r'requests>=2\.25\.0.*from collection dataarts\.fabric', out):
            raise CheckFailed('introspect does not report requests from dataarts.fabric')

    checks = [('changelog', changelog), ('galaxy-build', galaxy_build), ('galaxy-install', galaxy_install),
              ('demo-from-tarball', demo_from_tarball), ('ee-create', ee_create), ('ee-introspect', ee_introspect)]
    cases: list[tuple[str, str | None, None]] = []
    for name, check in checks:
        print('release-checks: %s' % name, flush=True)
        try:
            check()
        except KeyError as exc:
            cases.append((name, 'needs %s, which an earlier check did not make' % exc, None))
        except (nox.command.CommandFailed, CheckFailed, emulator_process.EmulatorError, OSError) as exc:
            cases.append((name, '%s\n%s' % (exc, traceback.format_exc(limit=3)), None))
        else:
            cases.append((name, None, None))
        print('release-checks: %s %s' % (name, 'FAILED' if cases[-1][1] else 'passed'), flush=True)
    return cases


def awx_environment(injectors: Path, inputs: dict[str, str], fields: list[str]) -> dict[str, str]:
    """The ``env`` of an AWX injector configuration, rendered as AWX does (sandboxed Jinja2, empty fields empty)."""
    env = yaml.safe_load(injectors.read_text(encoding='utf-8'))['env']
    values = {field: inputs.get(field, '') for field in fields}
    jinja = SandboxedEnvironment()
    return {name: jinja.from_string(template).render(values) for name, template in env.items()}


def awx_job(session: nox.Session, root: Path, work: Path, emulator: Path) -> None:
    """Run examples/demo.yml with ansible-runner the way an AWX job does, the credential's env injected."""
    shutil.rmtree(work, ignore_errors=True)
    project = work / 'private' / 'project'
    project.mkdir(parents=True)
    shutil.copy(root / 'examples' / 'demo.yml', project / 'demo.yml')
    (work / 'private' / 'inventory').mkdir()
    shutil.copy(root / 'examples' / 'inventory.yml', work / 'private' / 'inventory' / 'hosts.yml')
    # The collection as the job's execution environment holds it: installed, next to the playbook.
    collections = build_and_install(session, root, work)
    shutil.copytree(collections, project / 'collections')
    fields = [field['id'] for field in yaml.safe_load(
        (root / 'docs' / 'awx' / 'credential-type-inputs.yml').read_text(encoding='utf-8'))['fields']]
    with emulator_process.running(emulator) as url:
        env = awx_environment(root / 'docs' / 'awx' / 'credential-type-injectors.yml',
                              {'endpoint': url, 'auth_token': EMULATOR_TOKEN}, fields)
        (work / 'private' / 'env').mkdir()
        (work / 'private' / 'env' / 'envvars').write_text(yaml.safe_dump(env), encoding='utf-8')
        shown = ['%s=%s' % (name, '<set>' if value else '') for name, value in sorted(env.items())]
        print('awx-job: injected %s' % ', '.join(shown))
        # Only PATH and HOME from outside: every Fabric setting comes from the injected env.
        out = session.run('ansible-runner', 'run', str(work / 'private'), '-p', 'demo.yml', '--ident', 'awx-job',
                          silent=True, include_outer_env=False,
                          env={'PATH': os.pathsep.join([session.bin, os.environ['PATH']]), 'HOME': str(Path.home()), 'LANG': 'C.UTF-8'})
    print(out)
    artifacts = work / 'private' / 'artifacts' / 'awx-job'
    status = (artifacts / 'status').read_text(encoding='utf-8').strip()
    rc = (artifacts / 'rc').read_text(encoding='utf-8').strip()
    print('awx-job: ansible-runner status %s, rc %s' % (status, rc))
    if status != 'successful' or rc != '0' or DEMO_LINE not in out:
        session.error('the AWX job did not succeed (status %s, rc %s)' % (status, rc))


ANSIBLE_DOCS = 'https://docs.ansible.com/projects/ansible/devel/'
# label -> (page#anchor, title) in the Ansible docs, for the labels that antsibull-docs' generated pages link.
ANSIBLE_DOCS_LABELS = {
    'common_return_values': ('reference_appendices/common_return_values.html#common-return-values', 'Return Values'),
    'ansible_configuration_settings': ('reference_appendices/config.html#ansible-configuration-settings',
                                       'Ansible Configuration Settings'),
}


def write_inventory(path: Path, project: str, labels: dict[str, tuple[str, str]]) -> None:
    """A Sphinx (intersphinx) inventory, version 2, of ``std:label`` entries."""
    body = ''.join('%s std:label -1 %s %s\n' % (name, uri, title) for name, (uri, title) in sorted(labels.items()))
    header = ('# Sphinx inventory version 2\n# Project: %s\n# Version: devel\n'
              '# The remainder of this file is compressed using zlib.\n' % project)
    path.write_bytes(header.encode('utf-8') + zlib.compress(body.encode('utf-8')))


def docsite(session: nox.Session, collections_place: Path, dest: Path) -> None:
    """antsibull-docs sphinx-init for the collection, then the build it writes, warnings as errors."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(mode=0o755, parents=True)
    dest.chmod(0o755)  # sphinx-init wants a folder only its owner may write
    env = {'ANSIBLE_COLLECTIONS_PATH': str(collections_place)}
    session.run('antsibull-docs', 'sphinx-init', '--use-current', '--fail-on-error', '--dest-dir', str(dest),
                'dataarts.fabric', env=env)
    # Offline, no intersphinx inventory can be fetched (python, jinja2, ansible_devel): they are turned off. The
    # pages antsibull-docs writes link two labels of the Ansible docs, which come from a local inventory that holds
    # just those (same URLs); every other warning stays fatal.
    write_inventory(dest / 'ansible_devel.inv', 'Ansible', ANSIBLE_DOCS_LABELS)
    with open(dest / 'conf.py', 'a', encoding='utf-8') as conf:
        conf.write('\n# Added by the docsite session of noxfile.py: offline, no inventory is downloaded.\n'
                   'intersphinx_mapping = {%r: (%r, %r)}\n' % ('ansible_devel', ANSIBLE_DOCS, str(dest / 'ansible_devel.inv')))
    session.install('--disable-pip-version-check', '-r', str(dest / 'requirements.txt'),
                    '-c', str(Path(__file__).resolve().parent.parent / 'tests' / 'requirements' / 'docsite-constraints.txt'))
    with session.chdir(dest):
        session.run('bash', 'build.sh', env=env, external=True)
    if not (dest / 'build' / 'html' / 'collections' / 'dataarts' / 'fabric' / 'index.html').is_file():
        session.error('the docsite has no page for dataarts.fabric')
