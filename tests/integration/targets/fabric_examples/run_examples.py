# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run every playbook example of the collection against the emulator; write the playbook that checks its claims.

    python run_examples.py COLLECTION_ROOT EMULATOR_URL WORK_DIR INVENTORY

1. Finds the examples (examples_found.py) and the claims (claims.yml beside this file). Every example needs a
   claim and every claim an example, or nothing runs: a new example cannot land unchecked.
2. Builds in the emulator the world the examples talk about (WORLD below): their workspace IDs hold the sessions
   of ``ws-demo`` (one of them FAIL) and a few more; the IAM user of the examples is the emulator's (runme.sh).
3. Points each example at the emulator (to_emulator) and gives it the variables of example_vars.yml it names.
   The connection the examples leave to the environment comes from DATAARTS_FABRIC_ENDPOINT and
   HUAWEICLOUD_SDK_AK/SK/PROJECT_ID (set here for every run).
4. Runs the task examples of each source as one play (all of them in one ansible-playbook run), each task in a
   block whose rescue records its failure, and each play example as its own ansible-playbook run, a few at a
   time. Their JUnit files go to WORK_DIR/junit-examples: an example that must fail is not a failed test.
   Examples that change the world (they use a module of WRITING_MODULES: the task examples of their source, or
   their playbook) run afterwards, one source or playbook at a time, each on the world built afresh.
   Rulebooks are not run here: their claim names the test that runs them.
5. Writes WORK_DIR/claims.yml: one assert per example, the test cases (runme.sh runs it).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import typing as t
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

from examples_found import Example, ExampleError, find_examples

HERE = Path(__file__).resolve().parent
URL = '{{ emulator_url }}'
ETL_ENDPOINT = {'id': '0470d220-aaaa-410e-a417-0d69a0215683', 'name': 'etl'}
# The sessions of ws-demo (22 RUNNING, 14 CLOSED, 2 WAITING, 1 CREATING, 1 FAIL) and these three, newest first.
EXTRA_SESSIONS = [
    {'session_id': '284888e2-c36f-4bec-9b24-e5bf0b386ab0', 'status': 'RUNNING', 'endpoint_info': ETL_ENDPOINT,
     'create_time': '2025-07-22T09:30:00.000+00:00'},
    {'session_id': '5e1f0c2a-7b3d-4c4e-8f5a-6b7c8d9e0f1a', 'status': 'FAIL', 'endpoint_info': ETL_ENDPOINT,
     'create_time': '2025-07-22T09:20:00.000+00:00'},
    {'session_id': '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d', 'status': 'CREATING', 'endpoint_info': ETL_ENDPOINT,
     'create_time': '2025-07-22T09:10:00.000+00:00'},
]
WORLD = ('8f3b7a4e-1c2d-4e5f-9a0b-1c2d3e4f5a6b', 'my-workspace-id', 'workspace-a', 'workspace-b')
FLEET = ['fleet-%02d' % number for number in range(1, 51)]  # example_vars.yml: workspace_ids
FLEET_SESSIONS = 7
# An option that says where the service is, as the examples write it, and the option that replaces it.
REGION_KEYS = {'region': 'endpoint', 'fabric_region': 'fabric_endpoint', 'session_check_region': 'session_check_endpoint'}
ENDPOINT_KEYS = {'endpoint', 'iam_endpoint', 'fabric_endpoint', 'fabric_iam_endpoint', 'session_check_endpoint',
                 'session_check_iam_endpoint'}
KEYWORD_REGION = re.compile(r'''\bregion=(['"])[^'"]*\1''')
KEYWORD_ENDPOINT = re.compile(r'''\b(iam_endpoint|endpoint)=(['"])[^'"]*\2''')
CONNECTION_ENV = {'HUAWEICLOUD_SDK_AK': 'EMULATORAK', 'HUAWEICLOUD_SDK_SK': 'EMULATORSK',
                  'HUAWEICLOUD_SDK_PROJECT_ID': '0a1b2c3d4e5f60718293a4b5c6d7e8f9'}
RUN_TIMEOUT = 600
PARALLEL_RUNS = 3
CLAIM_KEYS = {'outcome', 'that', 'failure', 'output', 'run_by'}
# Modules that close or create sessions: their examples never run beside the examples that read the world.
WRITING_MODULES = {'dataarts.fabric.fabric_session'}


def to_emulator(node: t.Any) -> t.Any:
    """The example with every place that names the service (an endpoint, a region, in options, variables,
    module_defaults or the lookup's keywords) pointing at the emulator; nothing else changes."""
    if isinstance(node, dict):
        result = {}
        for key, value in node.items():
            if key in REGION_KEYS and isinstance(value, str):
                result[REGION_KEYS[key]] = URL
                prefix = REGION_KEYS[key][:-len('endpoint')]
                if prefix + 'username' in node:  # the IAM endpoint is derived from the region too
                    result[prefix + 'iam_endpoint'] = URL
            elif key in ENDPOINT_KEYS and isinstance(value, str):
                result[key] = URL
            else:
                result[key] = to_emulator(value)
        return result
    if isinstance(node, list):
        return [to_emulator(value) for value in node]
    if isinstance(node, str) and '{{' in node:
        node = KEYWORD_REGION.sub('endpoint=emulator_url', node)
        return KEYWORD_ENDPOINT.sub(lambda found: '%s=emulator_url' % found.group(1), node)
    return node


def _names_set(task: t.Any) -> list[str]:
    """Variables a task (with its blocks) registers or sets with set_fact."""
    names: list[str] = []
    if isinstance(task, dict):
        if isinstance(task.get('register'), str):
            names.append(task['register'])
        for module in ('ansible.builtin.set_fact', 'set_fact'):
            if isinstance(task.get(module), dict):
                names += [name for name in task[module] if name != 'cacheable']
        for section in ('block', 'rescue', 'always'):
            for inner in task.get(section) or []:
                names += _names_set(inner)
    return names


def writes(node: t.Any) -> bool:
    """Whether an example (a task, its blocks, or plays) calls a module of WRITING_MODULES."""
    if isinstance(node, dict):
        return any(key in WRITING_MODULES or writes(value) for key, value in node.items())
    if isinstance(node, list):
        return any(writes(value) for value in node)
    return False


def _control(url: str, method: str, path: str, body: t.Any = None) -> t.Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url + '/_emulator' + path, data=data, method=method,
                                     headers={'Content-Type': 'application/json'})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, never through a proxy
    with opener.open(request, timeout=30) as response:
        return json.loads(response.read() or b'null')


def build_world(url: str, fresh: bool = False) -> None:
    """The world of the examples; ``fresh``: the emulator's seeded data back first (what examples changed undone)."""
    if fresh:
        _control(url, 'POST', '/reset')
    sessions = EXTRA_SESSIONS + _control(url, 'GET', '/workspaces/ws-demo')['sessions']
    for workspace_id in WORLD:
        _control(url, 'PUT', '/workspaces/' + workspace_id, {'sessions': sessions})
    for workspace_id in FLEET:
        _control(url, 'PUT', '/workspaces/' + workspace_id, {'count': FLEET_SESSIONS})


def _variables_named(body: t.Any, variables: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    text = json.dumps(body)
    return {name: value for name, value in variables.items() if re.search(r'\b%s\b' % re.escape(name), text)}


def check_coverage(examples: list[Example], claims: dict[str, dict[str, t.Any]]) -> list[str]:
    """What is wrong between the examples and the claims; empty when each has the other."""
    problems = []
    keys = {(example.source, example.key) for example in examples}
    for example in examples:
        claim = claims.get(example.source, {}).get(example.key)
        if claim is None:
            problems.append('%s: the example %r has no claim in claims.yml: say what it must do (outcome: ok or'
                            ' failed, and what its result must hold)' % (example.source, example.key))
        elif set(claim) - CLAIM_KEYS:
            problems.append('%s: %r: unknown claim keys %s' % (example.source, example.key, sorted(set(claim) - CLAIM_KEYS)))
        elif example.kind == 'rulebook' and set(claim) != {'run_by'}:
            problems.append('%s: %r is a rulebook: its claim is run_by, the test that runs it' % example[:2])
        elif example.kind != 'rulebook' and 'outcome' not in claim:
            problems.append('%s: %r: the claim needs an outcome (ok or failed)' % example[:2])
        elif example.kind == 'play' and {'that', 'failure'} & set(claim):
            problems.append('%s: %r is a play: its claim is its outcome and what its output must show' % example[:2])
        elif example.kind == 'tasks' and 'output' in claim:
            problems.append('%s: %r is a task: its claim is its outcome, failure and what its result holds' % example[:2])
    for source, entries in claims.items():
        for key in entries:
            if (source, key) not in keys:
                problems.append('%s: claims.yml has a claim for %r, which is no example there (renamed or removed?)'
                                % (source, key))
    return problems


class Runner:
    def __init__(self, url: str, work: Path, inventory: str, variables: dict[str, t.Any]) -> None:
        self.url = url
        self.work = work
        self.inventory = inventory
        self.variables = dict(variables, emulator_url=url)
        self.env = {name: value for name, value in os.environ.items()
                    if not name.startswith(('DATAARTS_FABRIC_', 'HW_', 'HUAWEICLOUD_', 'ANSIBLE_HWC_'))
                    and name.lower() not in ('http_proxy', 'https_proxy', 'all_proxy')}
        self.env.update(CONNECTION_ENV, DATAARTS_FABRIC_ENDPOINT=url, NO_PROXY='127.0.0.1,localhost',
                        ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0',
                        JUNIT_OUTPUT_DIR=str(work / 'junit-examples'))

    def playbook(self, name: str, plays: list[dict[str, t.Any]]) -> tuple[int, str]:
        path = self.work / ('%s.yml' % name)
        path.write_text(yaml.safe_dump(plays, sort_keys=False, allow_unicode=True), encoding='utf-8')
        run = subprocess.run(['ansible-playbook', '-i', self.inventory, str(path)], env=self.env, check=False,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors='replace',
                             timeout=RUN_TIMEOUT)
        (self.work / ('%s.log' % name)).write_text(run.stdout, encoding='utf-8')
        return run.returncode, run.stdout

    def tasks_play(self, number: int, examples: list[Example]) -> dict[str, t.Any]:
        """The task examples of one source as one play, each in a block whose rescue records its failure; its
        last task writes what each did, and the variables they set, to tasks-NUMBER.json."""
        names: list[str] = []
        # set_fact outlives its play: what an earlier play's examples recorded must not show up as this one's
        tasks: list[dict[str, t.Any]] = [{'name': 'Nothing recorded yet', 'ansible.builtin.set_fact': {
            'examples_outcome': '{{ {} }}', 'examples_failure': '{{ {} }}'}}]
        for index, example in enumerate(examples):
            task = to_emulator(example.body)
            if 'block' not in task and 'register' not in task:
                task['register'] = 'example_result_%d' % index
            names += [name for name in _names_set(task) if name not in names]
            tasks.append({'name': 'Example %d' % index, 'block': [task, _record(index, "'ok'")],
                          'rescue': [_record(index, "'failed'", failure=True)]})
        kept = ', '.join("'%s': %s | default(none)" % (name, name) for name in names)
        tasks.append({'name': 'Keep what the examples did', 'ansible.builtin.copy': {
            'dest': str(self.work / ('tasks-%d.json' % number)), 'mode': '0600',
            'content': "{{ {'outcome': examples_outcome, 'failure': examples_failure, 'vars': {%s}} | to_json }}"
                       % kept}})
        variables = dict(_variables_named([example.body for example in examples], self.variables),
                         emulator_url=self.url, examples_outcome={}, examples_failure={})
        return {'name': 'The examples of %s' % examples[0].source, 'hosts': 'localhost', 'gather_facts': False,
                'vars': variables, 'tasks': tasks}

    def tasks(self, name: str, groups: list[tuple[int, list[Example]]]) -> dict[int, dict[str, t.Any]]:
        """The task examples of these (numbered) groups, in one ansible-playbook run; what each group's did."""
        code, output = self.playbook(name, [self.tasks_play(number, group) for number, group in groups])
        done = {}
        for number, group in groups:
            path = self.work / ('tasks-%d.json' % number)
            if code != 0 or not path.is_file():
                sys.stdout.write(output[-6000:])
                raise ExampleError('the play of the examples of %s failed outside the examples' % group[0].source)
            done[number] = json.loads(path.read_text(encoding='utf-8'))
        return done

    def play(self, number: int, example: Example) -> tuple[str, str]:
        """A playbook example on its own: whether it failed, and its output."""
        plays = []
        for play in to_emulator(example.body):
            named = _variables_named(play, self.variables)
            play['vars'] = dict(named, **(play.get('vars') or {}))
            plays.append(play)
        code, output = self.playbook('play-%d' % number, plays)
        return 'ok' if code == 0 else 'failed', output


def _record(index: int, outcome: str, failure: bool = False) -> dict[str, t.Any]:
    facts = {'examples_outcome': "{{ examples_outcome | combine({'%d': %s}) }}" % (index, outcome)}
    if failure:
        facts['examples_failure'] = ("{{ examples_failure | combine({'%d': ansible_failed_result.msg | default('')"
                                     " | string}) }}" % index)
    return {'name': 'Record that example %d %s' % (index, 'failed' if failure else 'passed'),
            'ansible.builtin.set_fact': facts}


def _claim_task(example: Example, that: list[str], values: dict[str, str]) -> dict[str, t.Any]:
    return {'name': '%s: %s' % (example.source, example.key), 'ansible.builtin.assert': {
        'that': that, 'quiet': True,
        'fail_msg': 'the example %r of %s did not do what claims.yml says: outcome {{ outcome }}%s'
                    % (example.key, example.source, ", failure {{ failure | default('') }}" if 'failure' in values
                                                    else ', not in its output: {{ missing }}')},
            'vars': values}


def task_claim(example: Example, claim: dict[str, t.Any], values: dict[str, str]) -> dict[str, t.Any]:
    that = ['outcome == %r' % claim['outcome']]
    if 'failure' in claim:
        that.append('failure is search(failure_pattern)')
        values = dict(values, failure_pattern=claim['failure'])
    return _claim_task(example, that + list(claim.get('that') or []), values)


def task_checks(groups: list[list[Example]], done: list[dict[str, t.Any]],
                claims: dict[str, dict[str, t.Any]]) -> list[dict[str, t.Any]]:
    checks = []
    for number, (group, did) in enumerate(zip(groups, done)):
        ref = "examples.tasks[%d]" % number
        for index, example in enumerate(group):
            # a variable the examples left unset (or null) stays undefined: `is not defined` on every core line
            values = {name: '{{ %s.vars[%r] }}' % (ref, name) for name, value in did['vars'].items() if value is not None}
            values.update(outcome="{{ %s.outcome['%d'] | default('not run') }}" % (ref, index),
                          failure="{{ %s.failure['%d'] | default('') }}" % (ref, index))
            register = to_emulator(example.body).get('register') or 'example_result_%d' % index
            if register in values:
                values['result'] = values[register]
            checks.append(task_claim(example, claims[example.source][example.key], values))
    return checks


def play_check(number: int, example: Example, claim: dict[str, t.Any], outcome: str, output: str,
               state: dict[str, t.Any]) -> dict[str, t.Any]:
    missing = [pattern for pattern in claim.get('output') or [] if not re.search(pattern, output)]
    if outcome != claim['outcome'] or missing:
        sys.stdout.write('--- the end of the output of %s: %s\n%s\n' % (example.source, example.key, output[-4000:]))
    state['plays'].append({'outcome': outcome, 'missing': missing})
    return _claim_task(example, ['outcome == %r' % claim['outcome'], 'missing == []'], {
        'outcome': "{{ examples.plays[%d].outcome }}" % number, 'missing': "{{ examples.plays[%d].missing }}" % number})


def main(argv: list[str]) -> int:
    if len(argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    root, url, work, inventory = Path(argv[0]), argv[1].rstrip('/'), Path(argv[2]), argv[3]
    claims = yaml.safe_load((HERE / 'claims.yml').read_text(encoding='utf-8')) or {}
    try:
        examples = find_examples(root)
        problems = check_coverage(examples, claims)
        if problems:
            raise ExampleError('the examples and claims.yml do not match:\n  %s' % '\n  '.join(problems))
        build_world(url, fresh=True)
        runner = Runner(url, work, inventory, yaml.safe_load((HERE / 'example_vars.yml').read_text(encoding='utf-8')))
        sources = sorted({example.source for example in examples if example.kind == 'tasks'})
        groups = [[example for example in examples if example.source == source and example.kind == 'tasks']
                  for source in sources]
        plays = [example for example in examples if example.kind == 'play']
        writing_groups = {number for number, group in enumerate(groups) if any(writes(e.body) for e in group)}
        writing_plays = {number for number, example in enumerate(plays) if writes(example.body)}
        # The examples that only read the emulator's world may overlap; each that changes it runs alone afterwards.
        with ThreadPoolExecutor(max_workers=PARALLEL_RUNS) as pool:
            tasks_run = pool.submit(runner.tasks, 'tasks', [(number, group) for number, group in enumerate(groups)
                                                            if number not in writing_groups])
            play_runs = {number: pool.submit(runner.play, number, example) for number, example in enumerate(plays)
                         if number not in writing_plays}
            done = tasks_run.result()
            ran = {number: run.result() for number, run in play_runs.items()}
        for number in sorted(writing_groups):
            build_world(url, fresh=True)
            done.update(runner.tasks('tasks-writing-%d' % number, [(number, groups[number])]))
        for number in sorted(writing_plays):
            build_world(url, fresh=True)
            ran[number] = runner.play(number, plays[number])
        state: dict[str, t.Any] = {'tasks': [done[number] for number in range(len(groups))], 'plays': []}
        checks = task_checks(groups, state['tasks'], claims)
        for number, example in enumerate(plays):
            checks.append(play_check(number, example, claims[example.source][example.key], *ran[number], state=state))
    except ExampleError as exc:
        sys.stderr.write('fabric_examples: %s\n' % exc)
        return 1
    (work / 'examples.json').write_text(json.dumps(state), encoding='utf-8')
    read = {'name': 'Read what the examples did', 'ansible.builtin.set_fact': {
        'examples': "{{ lookup('ansible.builtin.file', '%s') | from_json }}" % (work / 'examples.json')}}
    (work / 'claims.yml').write_text(yaml.safe_dump([{
        'name': 'Every example did what its claim says', 'hosts': 'localhost', 'gather_facts': False,
        'tasks': [read] + checks}], sort_keys=False, allow_unicode=True), encoding='utf-8')
    print('fabric_examples: ran %d examples; %s holds their checks' % (
        sum(1 for example in examples if example.kind != 'rulebook'), work / 'claims.yml'))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
