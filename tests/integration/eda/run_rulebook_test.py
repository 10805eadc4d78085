# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""ansible-rulebook runs a rulebook with dataarts.fabric.session_events against the emulator.

Self-contained: makes (or reuses) the venv with the pinned ansible-rulebook (tests/requirements/eda.txt),
checks Java (installs openjdk-17-jre-headless with apt-get when root, otherwise says what to install), copies
the collection into a temporary collections path, starts the emulator, and runs the rulebook. While it runs,
this script reads the events ansible-rulebook prints and changes the emulator's sessions step by step (a
status transition, a new session, a failing service, a session closing, a session deleted), so that every
kind of event must come; the rulebook's last rule ends the run with its ``shutdown`` action. A second,
short run checks that an invalid argument stops the source with the module's message. Then the shipped
extensions/eda/rulebooks/session_failed.yml runs as its comments tell a user to (from its folder, --print-events),
with only fabric_endpoint set: a session turning FAIL and one appearing FAIL must each run its playbook; and with
only fabric_region set, the region must reach the source. Last, every rulebook the docs and the event source's
EXAMPLES show (found as tests/integration/targets/fabric_examples finds examples; its claims.yml names this test as
the one that runs them) runs from that folder against the emulator: a session turning FAIL must be an event, and
must run the playbook of a rulebook that runs one.

    python3 tests/integration/eda/run_rulebook_test.py --junit build/test-results/eda/junit.xml

Exits 0 when every check passed; the JUnit file holds one testcase per check.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import typing as t
import urllib.request
from pathlib import Path
from xml.etree import ElementTree

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
sys.path.insert(0, os.path.join(REPO, 'tests', 'integration', 'targets', 'setup_fabric_emulator'))
import emulator_process  # noqa: E402  (the one start, wait and stop of the emulator)
REQUIREMENTS = os.path.join(REPO, 'tests', 'requirements', 'eda.txt')
EMULATOR = os.path.join(REPO, 'tests', 'emulator', 'fabric_emulator.py')
JAVA_PACKAGE = 'openjdk-17-jre-headless'
JAVA_MIN = 17
TOKEN = 'eda-secret-token-7f3a9c'
WORKSPACE = 'ws-eda'
RUN_TIMEOUT = 150
COPY_IGNORE = shutil.ignore_patterns('.git', '.nox', '.venv', '.venv-*', 'build', 'output', '__pycache__', '*.pyc',
                                     '.pytest_cache', '.hypothesis', '*.tar.gz')

RULEBOOK = """\
- name: Session events against the emulator
  hosts: all
  sources:
    - dataarts.fabric.session_events:
        endpoint: "{{ fabric_endpoint }}"
        workspace_id: "{{ fabric_workspace }}"
        interval: 1
        announce_existing: true
        retries: 0
        timeout: 5
  rules:
    - name: A session turned FAIL
      condition: event.type == "session_status_changed" and event.session.status == "FAIL"
      actions:
        - print_event:
        - run_playbook:
            name: "{{ playbook }}"
    - name: Stop when a session is gone
      condition: event.type == "session_gone"
      actions:
        - print_event:
        - shutdown:
            delay: 0
            message: the last expected event came
    - name: Every other event
      condition: event.type is defined
      action:
        print_event:
"""

PLAYBOOK = """\
- name: React to a failed session
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Report it
      ansible.builtin.debug:
        msg: "PLAYBOOK RAN FOR FAILED SESSION {{ ansible_eda.event.session.session_id }}"
"""

INVENTORY = """\
all:
  hosts:
    localhost:
      ansible_connection: local
      ansible_python_interpreter: "{{ ansible_playbook_python }}"
"""

INVALID_RULEBOOK = """\
- name: An invalid argument
  hosts: all
  sources:
    - dataarts.fabric.session_events:
        endpoint: "{{ fabric_endpoint }}"
        workspace_id: ws-eda
        interval: 0
  rules:
    - name: Anything
      condition: event.type is defined
      action:
        print_event:
"""
INVALID_MESSAGE = 'interval must be a number of seconds, at least 1 and at most 86400, got 0'


class Results:
    def __init__(self) -> None:
        self.cases: list[tuple[str, float, str | None]] = []
        self._started = time.monotonic()

    def check(self, name: str, passed: bool, detail: str = '') -> bool:
        elapsed, self._started = time.monotonic() - self._started, time.monotonic()
        self.cases.append((name, elapsed, None if passed else detail or 'failed'))
        print('%s: %s%s' % ('PASS' if passed else 'FAIL', name, '' if passed else ' -- ' + detail), flush=True)
        return passed

    @property
    def failed(self) -> int:
        return sum(1 for _name, _time, failure in self.cases if failure is not None)

    def write_junit(self, path: str) -> None:
        suite = ElementTree.Element('testsuite', name='eda', tests=str(len(self.cases)), failures=str(self.failed),
                                    errors='0', skipped='0')
        for name, elapsed, failure in self.cases:
            case = ElementTree.SubElement(suite, 'testcase', classname='eda.run_rulebook_test', name=name,
                                          time='%.3f' % elapsed)
            if failure is not None:
                ElementTree.SubElement(case, 'failure', message=failure[:200]).text = failure
        root = ElementTree.Element('testsuites')
        root.append(suite)
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        ElementTree.ElementTree(root).write(path, encoding='utf-8', xml_declaration=True)


class Stop(Exception):
    """A prerequisite is missing: nothing further can be checked."""


def java_major() -> int | None:
    java = shutil.which('java')
    if java is None:
        return None
    output = subprocess.run([java, '-version'], capture_output=True, text=True, check=False).stderr
    found = re.search(r'version "(\d+)', output)
    return int(found.group(1)) if found else None


def ensure_java() -> str:
    major = java_major()
    if major is not None and major >= JAVA_MIN:
        return 'java %d' % major
    if os.geteuid() == 0 and shutil.which('apt-get'):
        env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
        subprocess.run(['apt-get', 'update', '-qq'], check=False, env=env)
        subprocess.run(['apt-get', 'install', '-y', '-qq', JAVA_PACKAGE], check=False, env=env)
        major = java_major()
        if major is not None and major >= JAVA_MIN:
            return 'java %d (installed %s)' % (major, JAVA_PACKAGE)
    raise Stop('ansible-rulebook needs Java %d or newer (found: %s): install the Debian package %s'
               ' (apt-get install %s) or another JRE %d+ with java on PATH'
               % (JAVA_MIN, 'java %d' % major if major else 'no java', JAVA_PACKAGE, JAVA_PACKAGE, JAVA_MIN))


def ensure_venv(venv: str) -> str:
    with open(REQUIREMENTS, 'rb') as handle:
        wanted = hashlib.sha256(handle.read()).hexdigest()
    marker = os.path.join(venv, '.requirements-sha256')
    python = os.path.join(venv, 'bin', 'python')
    if os.path.exists(marker) and open(marker, encoding='ascii').read().strip() == wanted:
        return 'reused %s' % venv
    if not os.path.exists(python):
        subprocess.run([sys.executable, '-m', 'venv', venv], check=True)
    subprocess.run([python, '-m', 'pip', 'install', '-q', '--disable-pip-version-check', '-r', REQUIREMENTS],
                   check=True)
    with open(marker, 'w', encoding='ascii') as handle:
        handle.write(wanted + '\n')
    return 'installed %s' % venv


def install_collection(work: str) -> str:
    """A copy of the checkout as an installed collection (the source then finds module_utils from its path)."""
    root = os.path.join(work, 'collections')
    shutil.copytree(REPO, os.path.join(root, 'ansible_collections', 'dataarts', 'fabric'), ignore=COPY_IGNORE)
    return root


class Emulator:
    def __init__(self, work: str) -> None:
        url_file = Path(work) / 'emulator.url'
        self.process = subprocess.Popen(
            [sys.executable, EMULATOR, '--url-file', str(url_file), '--lifetime', '300', '--quiet', '--token', TOKEN],
            stdin=subprocess.DEVNULL)
        try:
            self.url = emulator_process.wait_until_ready(url_file, lambda: self.process.poll() is None)
        except emulator_process.EmulatorError as exc:
            self.stop()
            raise Stop(str(exc)) from None

    def control(self, method: str, path: str, body: t.Any = None) -> t.Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + '/_emulator' + path, data=data, method=method,
                                         headers={'Content-Type': 'application/json'})
        no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, never via HTTP_PROXY
        with no_proxy.open(request, timeout=10) as response:
            return json.loads(response.read() or b'null')

    def stop(self) -> None:
        emulator_process.stop(self.process)


def rulebook_env(venv: str, collections: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(('DATAARTS_FABRIC_', 'HW_', 'HUAWEICLOUD_', 'ANSIBLE_HWC_', 'PYTHON'))}
    env.update(PATH=os.path.join(venv, 'bin') + os.pathsep + env.get('PATH', ''), PYTHONUNBUFFERED='1',
               ANSIBLE_COLLECTIONS_PATH=collections, ANSIBLE_LOCAL_TEMP=os.path.join(collections, '..', 'tmp'),
               DATAARTS_FABRIC_AUTH_TOKEN=TOKEN, NO_PROXY='127.0.0.1,localhost')
    for name in ('HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'ALL_PROXY', 'all_proxy'):
        env.pop(name, None)
    return env


def events_in(line: str) -> dict[str, t.Any] | None:
    """An event print_event printed (one line, a Python dict), or None for any other line."""
    line = line.strip()
    if not line.startswith('{'):
        return None
    try:
        value = ast.literal_eval(line)
    except (ValueError, SyntaxError):
        return None
    return value if isinstance(value, dict) and 'type' in value else None


class Script:
    """The changes made to the emulator, each once the event that the previous one causes has come."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.step = 0

    def start(self) -> None:
        self.emulator.control('PUT', '/workspaces/' + WORKSPACE, {'sessions': [
            {'session_id': 's-run', 'status': 'RUNNING', 'create_time': '2025-07-22T08:42:39.000+00:00'},
            {'session_id': 's-wait', 'status': 'WAITING', 'create_time': '2025-07-22T08:40:00.000+00:00'},
            {'session_id': 's-old', 'status': 'CLOSED', 'create_time': '2025-07-22T08:00:00.000+00:00'},
        ]})

    def seen(self, events: list[dict[str, t.Any]]) -> None:
        kinds = [(event['type'], (event.get('session') or {}).get('session_id')) for event in events]
        if self.step == 0 and {('session_new', 's-run'), ('session_new', 's-wait')} <= set(kinds):
            self._fault({'kind': 'transition', 'workspace_id': WORKSPACE, 'session_id': 's-run', 'to': 'FAIL'})
        elif self.step == 1 and ('session_status_changed', 's-run') in kinds:
            self.emulator.control('POST', '/workspaces/%s/sessions' % WORKSPACE,
                                  {'session_id': 's-new', 'status': 'CREATING'})
        elif self.step == 2 and ('session_new', 's-new') in kinds:
            self._fault({'kind': 'status', 'status': 503, 'count': 1000, 'workspace_id': WORKSPACE})
        elif self.step == 3 and ('poll_failed', None) in kinds:
            self.emulator.control('DELETE', '/faults')
        elif self.step == 4 and ('poll_recovered', None) in kinds:
            self._fault({'kind': 'transition', 'workspace_id': WORKSPACE, 'session_id': 's-wait', 'to': 'CLOSED'})
        elif self.step == 5 and ('session_status_changed', 's-wait') in kinds:
            remaining = [session for session in self.emulator.control('GET', '/workspaces/' + WORKSPACE)['sessions']
                         if session['session_id'] != 's-new']
            self.emulator.control('PUT', '/workspaces/' + WORKSPACE, {'sessions': remaining})
        else:
            return
        self.step += 1

    def _fault(self, fault: dict[str, t.Any]) -> None:
        self.emulator.control('POST', '/faults', fault)


def run_rulebook(venv: str, work: str, env: dict[str, str], rulebook: str, variables: dict[str, t.Any],
                 on_events: t.Callable[[list[dict[str, t.Any]]], None] | None = None,
                 timeout: float = RUN_TIMEOUT) -> tuple[int | None, str, list[dict[str, t.Any]]]:
    """Run the rulebook text with the test's inventory and playbook, feeding the events printed so far to
    ``on_events``; (exit code or None when it had to be killed, the whole output, the events)."""
    paths = {}
    for name, text in (('rulebook.yml', rulebook), ('inventory.yml', INVENTORY), ('playbook.yml', PLAYBOOK),
                       ('vars.yml', json.dumps(variables))):
        paths[name] = os.path.join(work, name)
        with open(paths[name], 'w', encoding='utf-8') as handle:
            handle.write(text)
    events: list[dict[str, t.Any]] = []

    def on_line(line: str) -> bool:
        event = events_in(line)
        if event is not None:
            events.append(event)
            if on_events is not None:
                on_events(events)
        return False

    command = [os.path.join(venv, 'bin', 'ansible-rulebook'), '-i', paths['inventory.yml'], '-r', paths['rulebook.yml'],
               '--vars', paths['vars.yml']]
    code, output = watch(command, work, env, on_line, timeout)
    return code, output, events


def watch(command: list[str], cwd: str, env: dict[str, str], on_line: t.Callable[[str], bool],
          timeout: float) -> tuple[int | None, str]:
    """Run ``command`` until it ends, ``on_line`` returns True for a line of its output (it is then stopped with
    SIGTERM) or ``timeout`` passes; (exit code, None when it had to be killed or stopped, the whole output)."""
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, text=True, errors='replace')
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        for line in t.cast(t.IO[str], process.stdout):
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    output: list[str] = []
    stopped = False
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and not stopped:
            try:
                line = lines.get(timeout=0.5)
            except queue.Empty:
                continue
            if line is None:
                break
            output.append(line)
            stopped = on_line(line)
    finally:
        if stopped:
            process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            stopped = True
    code = None if stopped else process.returncode
    return code, ''.join(output)


def change_events(events: list[dict[str, t.Any]]) -> list[tuple[str, str | None, t.Any, t.Any]]:
    return [(event['type'], (event.get('session') or {}).get('session_id'), (event.get('session') or {}).get('status'),
             event.get('previous_status')) for event in events if event['type'].startswith('session_')]


EXPECTED_CHANGES = [
    ('session_new', 's-run', 'RUNNING', None),
    ('session_new', 's-wait', 'WAITING', None),
    ('session_status_changed', 's-run', 'FAIL', 'RUNNING'),
    ('session_new', 's-new', 'CREATING', None),
    ('session_status_changed', 's-wait', 'CLOSED', 'WAITING'),
    ('session_gone', 's-new', 'CREATING', 'CREATING'),
]
CHANGE_KEYS = {'type', 'workspace_id', 'session', 'previous_status', 'meta'}


def check_main_run(results: Results, code: int | None, output: str, events: list[dict[str, t.Any]]) -> None:
    results.check('rulebook run ended by itself (exit code 0)', code == 0,
                  'exit code %s; output tail:\n%s' % (code, output[-3000:]))
    results.check('the shutdown action of the rule "Stop when a session is gone" ended the run',
                  bool(re.search(r'rule: Stop when a session is gone has initiated shutdown', output)),
                  output[-2000:])
    changes = change_events(events)
    new_at_start = sorted(changes[:2])
    results.check('the sessions present at start are announced (announce_existing), CLOSED history is not',
                  new_at_start == sorted(EXPECTED_CHANGES[:2]), repr(changes[:2]))
    results.check('the changes come in order, once each', changes[2:] == EXPECTED_CHANGES[2:],
                  'got %r' % changes)
    results.check('change events hold exactly type, workspace_id, session, previous_status (+ meta)',
                  all(set(event) == CHANGE_KEYS and event['workspace_id'] == WORKSPACE
                      for event in events if event['type'].startswith('session_')),
                  repr([sorted(event) for event in events]))
    failed = [event for event in events if event['type'] == 'poll_failed']
    results.check('one poll_failed event for the streak of HTTP 503, with the status code and the error',
                  len(failed) == 1 and failed[0].get('status_code') == 503 and 'HTTP 503' in failed[0].get('error', '')
                  and set(failed[0]) == {'type', 'workspace_id', 'error', 'status_code', 'meta'}, repr(failed))
    recovered = [event for event in events if event['type'] == 'poll_recovered']
    results.check('one poll_recovered event when polling works again',
                  len(recovered) == 1 and recovered[0].get('failed_polls', 0) >= 1
                  and set(recovered[0]) == {'type', 'workspace_id', 'failed_polls', 'meta'}, repr(recovered))
    kinds = [event['type'] for event in events]
    results.check('poll_failed comes before poll_recovered',
                  'poll_failed' in kinds and 'poll_recovered' in kinds
                  and kinds.index('poll_failed') < kinds.index('poll_recovered'), repr(kinds))
    results.check('the rule for a FAIL session ran the playbook',
                  'PLAYBOOK RAN FOR FAILED SESSION s-run' in output, output[-2000:])
    results.check('the token (from DATAARTS_FABRIC_AUTH_TOKEN) appears nowhere in the output', TOKEN not in output)


# --- the shipped rulebook, run as its comments tell a user to -------------------------------------------------

SHIPPED_WORKSPACE = 'ws-shipped'


def shipped_dir(collections: str) -> str:
    return os.path.join(collections, 'ansible_collections', 'dataarts', 'fabric', 'extensions', 'eda', 'rulebooks')


def check_shipped_variables(results: Results, rulebooks: str) -> None:
    """vars.example.yml names (set or commented out) exactly the variables session_failed.yml reads."""
    with open(os.path.join(rulebooks, 'session_failed.yml'), encoding='utf-8') as handle:
        used = set(re.findall(r'\{\{\s*(fabric_\w+)', handle.read()))
    with open(os.path.join(rulebooks, 'vars.example.yml'), encoding='utf-8') as handle:
        documented = set(re.findall(r'^(?:# )?(fabric_\w+):', handle.read(), re.MULTILINE))
    results.check('vars.example.yml describes every variable of session_failed.yml, and no other',
                  used == documented and {'fabric_endpoint', 'fabric_region'} <= used,
                  'the rulebook reads %s; vars.example.yml has %s' % (sorted(used), sorted(documented)))


def run_shipped(venv: str, rulebooks: str, env: dict[str, str], variables: dict[str, t.Any],
                on_line: t.Callable[[str], bool], timeout: float) -> tuple[int | None, str]:
    """session_failed.yml from its own folder with the documented command line and a vars.yml of ``variables``."""
    with open(os.path.join(rulebooks, 'vars.yml'), 'w', encoding='utf-8') as handle:
        json.dump(variables, handle)
    command = [os.path.join(venv, 'bin', 'ansible-rulebook'), '-i', '../../../examples/inventory.yml',
               '-r', 'session_failed.yml', '--vars', 'vars.yml', '--print-events']
    return watch(command, rulebooks, env, on_line, timeout)


def shipped_report(session_id: str) -> str:
    """The start of the line playbooks/handle_failed_session.yml prints for a failed session."""
    return 'Session %s of workspace %s failed' % (session_id, SHIPPED_WORKSPACE)


def check_shipped_rulebook(results: Results, venv: str, collections: str, env: dict[str, str],
                           emulator: Emulator) -> None:
    """With only fabric_endpoint set: a session that turns FAIL, then one that appears FAIL, each run the playbook."""
    rulebooks = shipped_dir(collections)
    check_shipped_variables(results, rulebooks)
    emulator.control('PUT', '/workspaces/' + SHIPPED_WORKSPACE, {'sessions': [
        {'session_id': 's-steady', 'status': 'RUNNING'}, {'session_id': 's-doomed', 'status': 'RUNNING'}]})
    # The first poll lists the four statuses a session can leave (four requests): s-doomed turns FAIL after it,
    # so that the second poll sees the change (the first only learns the sessions).
    emulator.control('POST', '/faults', {'kind': 'transition', 'workspace_id': SHIPPED_WORKSPACE,
                                         'session_id': 's-doomed', 'to': 'FAIL', 'after': 4})
    seen: list[str] = []

    def on_line(line: str) -> bool:
        seen.append(line)
        if shipped_report('s-doomed') in line:
            # the source knows the workspace by now: a session that comes already FAIL is new to it
            emulator.control('POST', '/workspaces/%s/sessions' % SHIPPED_WORKSPACE,
                             {'session_id': 's-born-failed', 'status': 'FAIL'})
        return shipped_report('s-born-failed') in line

    variables = {'fabric_endpoint': emulator.url, 'fabric_workspace_ids': [SHIPPED_WORKSPACE], 'fabric_interval': 1}
    _code, output = run_shipped(venv, rulebooks, env, variables, on_line, RUN_TIMEOUT)
    changed = [line for line in output.splitlines() if shipped_report('s-doomed') in line]
    results.check('session_failed.yml with only fabric_endpoint: a session turning FAIL runs its playbook',
                  any('previous status RUNNING' in line for line in changed), output[-3000:])
    born = [line for line in output.splitlines() if shipped_report('s-born-failed') in line]
    results.check('session_failed.yml: a session that appears already FAIL runs its playbook',
                  any('previous status none' in line for line in born), output[-3000:])
    results.check('session_failed.yml: --print-events prints the events', 'session_status_changed' in output,
                  output[-2000:])
    results.check('session_failed.yml: the session that stayed RUNNING ran nothing',
                  shipped_report('s-steady') not in output, output[-2000:])
    code, output = run_shipped(venv, rulebooks, env, {'fabric_region': 'Not-A-Region',
                                                      'fabric_workspace_ids': [SHIPPED_WORKSPACE]},
                               lambda line: False, 60)
    results.check('session_failed.yml with only fabric_region: the region reaches the source (its check refuses'
                  ' this one at start)',
                  code not in (0, None) and "region must be a region name such as cn-north-4" in output
                  and 'is undefined' not in output, 'exit code %s; %s' % (code, output[-2000:]))


# --- the rulebooks the docs and the event source's EXAMPLES show (fabric_examples/claims.yml: run_by) --------

EXAMPLES_TARGET = os.path.join(REPO, 'tests', 'integration', 'targets', 'fabric_examples')
THIS_TEST = 'tests/integration/eda/run_rulebook_test.py'
EXAMPLE_WORKSPACE = 'ws-rulebook-example'  # the workspace of an example that takes it from fabric_workspace_ids
EXAMPLE_ENDPOINT = {'id': '0470d220-aaaa-410e-a417-0d69a0215683', 'name': 'etl'}
SOURCE = 'dataarts.fabric.session_events'


def _example_rulebook(rulebook: dict[str, t.Any], url: str) -> tuple[dict[str, t.Any], list[str]]:
    """The rulebook pointed at the emulator (endpoint instead of region, a 1 s interval), and the workspace IDs it
    names literally."""
    rulebook = json.loads(json.dumps(rulebook))
    workspaces: list[str] = []
    for source in rulebook['sources']:
        args = source.get(SOURCE)
        if not isinstance(args, dict):
            continue
        args.pop('region', None)
        args.update(endpoint=url, interval=1)
        ids = args.get('workspace_id')
        ids = ids if isinstance(ids, list) else [ids]
        workspaces += [value for value in ids if isinstance(value, str) and '{{' not in value]
    return rulebook, workspaces


def _runs_playbooks(rulebook: dict[str, t.Any]) -> bool:
    return 'run_playbook' in json.dumps(rulebook.get('rules'))


def _reaction_watch(wants_playbook: bool) -> tuple[dict[str, bool], t.Callable[[str], bool]]:
    """What a rulebook example's output showed so far, and the line callback of watch() that fills it in (it stops
    the run once the reaction came, or an error)."""
    seen = {'event': False, 'playbook': not wants_playbook, 'error': False}

    def on_line(line: str) -> bool:
        seen['event'] = seen['event'] or 'session_status_changed' in line  # --print-events
        seen['playbook'] = seen['playbook'] or 'Session s-will-fail of workspace' in line
        seen['error'] = seen['error'] or bool(re.search(r'Source error|Error calling action', line))
        return seen['error'] or (seen['event'] and seen['playbook'])

    return seen, on_line


def check_rulebook_examples(results: Results, venv: str, collections: str, env: dict[str, str],
                            emulator: Emulator) -> None:
    """Each rulebook of the docs and of the event source's EXAMPLES, from the shipped rulebooks folder (their
    playbooks/ is there): a session of the workspace it watches, on the endpoint the examples name, turns FAIL;
    the event must be printed and a rulebook that runs a playbook must run it."""
    sys.path.insert(0, EXAMPLES_TARGET)
    import yaml  # ansible-rulebook's venv has it  # pylint: disable=import-outside-toplevel
    from examples_found import find_examples  # pylint: disable=import-error,import-outside-toplevel
    with open(os.path.join(EXAMPLES_TARGET, 'claims.yml'), encoding='utf-8') as handle:
        claims = yaml.safe_load(handle)
    rulebooks = shipped_dir(collections)
    examples = [example for example in find_examples(Path(REPO)) if example.kind == 'rulebook']
    results.check('the docs and the EXAMPLES show rulebooks (%d found)' % len(examples), len(examples) >= 1)
    for number, example in enumerate(examples):
        name = 'rulebook example %r of %s' % (example.key, example.source)
        if claims.get(example.source, {}).get(example.key, {}).get('run_by') != THIS_TEST:
            results.check(name, False, 'its claim in fabric_examples/claims.yml must be run_by: ' + THIS_TEST)
            continue
        rulebook, literal = _example_rulebook(example.body, emulator.url)
        emulator.control('DELETE', '/faults')
        for workspace_id in literal + [EXAMPLE_WORKSPACE]:
            emulator.control('PUT', '/workspaces/' + workspace_id, {'sessions': [
                {'session_id': 's-will-fail', 'status': 'RUNNING', 'endpoint_info': EXAMPLE_ENDPOINT},
                {'session_id': 's-waiting', 'status': 'WAITING', 'endpoint_info': EXAMPLE_ENDPOINT}]})
            # after the first poll whatever the statuses it lists (at most five requests): the change is seen
            emulator.control('POST', '/faults', {'kind': 'transition', 'workspace_id': workspace_id,
                                                 'session_id': 's-will-fail', 'to': 'FAIL', 'after': 8})
        path = os.path.join(rulebooks, 'example-%d.yml' % number)
        with open(path, 'w', encoding='utf-8') as handle:
            json.dump([rulebook], handle)
        wants_playbook = _runs_playbooks(rulebook)
        seen, on_line = _reaction_watch(wants_playbook)
        command = [os.path.join(venv, 'bin', 'ansible-rulebook'), '-i', '../../../examples/inventory.yml',
                   '-r', os.path.basename(path), '--vars', 'vars.yml', '--print-events']
        with open(os.path.join(rulebooks, 'vars.yml'), 'w', encoding='utf-8') as handle:
            json.dump({'fabric_endpoint': emulator.url, 'fabric_workspace_ids': [EXAMPLE_WORKSPACE]}, handle)
        _code, output = watch(command, rulebooks, env, on_line, 90)
        results.check('%s: the session turning FAIL is an event%s' % (
            name, ' and runs its playbook' if wants_playbook else ''),
            seen['event'] and seen['playbook'] and not seen['error'], output[-3000:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--junit', help='write a JUnit XML file here')
    parser.add_argument('--venv', default=os.path.join(REPO, '.venv', 'eda'), help='venv of ansible-rulebook')
    options = parser.parse_args()
    results = Results()
    work = tempfile.mkdtemp(prefix='fabric-eda-')
    emulator: Emulator | None = None
    try:
        results.check('java %d or newer (%s)' % (JAVA_MIN, ensure_java()), True)
        results.check('pinned ansible-rulebook venv (%s)' % ensure_venv(options.venv), True)
        collections = install_collection(work)
        emulator = Emulator(work)
        script = Script(emulator)
        script.start()
        env = rulebook_env(options.venv, collections)
        variables = {'fabric_endpoint': emulator.url, 'fabric_workspace': [WORKSPACE],
                     'playbook': os.path.join(work, 'playbook.yml')}
        code, output, events = run_rulebook(options.venv, work, env, RULEBOOK, variables, script.seen)
        print('events printed by the rulebook run:')
        for event in events:
            print('  ' + json.dumps({key: value for key, value in event.items() if key != 'meta'}, sort_keys=True))
        check_main_run(results, code, output, events)
        code, output, _events = run_rulebook(options.venv, work, env, INVALID_RULEBOOK,
                                             {'fabric_endpoint': emulator.url}, timeout=60)
        results.check('an invalid argument stops the source at start with the module\'s message',
                      code not in (0, None) and INVALID_MESSAGE in output, 'exit code %s; %s' % (code, output[-2000:]))
        check_shipped_rulebook(results, options.venv, collections, env, emulator)
        check_rulebook_examples(results, options.venv, collections, env, emulator)
    except Stop as exc:
        results.check('prerequisites', False, str(exc))
    except (OSError, subprocess.CalledProcessError) as exc:
        results.check('setup', False, str(exc))
    finally:
        if emulator is not None:
            emulator.stop()
        shutil.rmtree(work, ignore_errors=True)
    if options.junit:
        results.write_junit(options.junit)
    print('eda: %d passed, %d failed' % (len(results.cases) - results.failed, results.failed))
    return 1 if results.failed else 0


if __name__ == '__main__':
    sys.exit(main())
