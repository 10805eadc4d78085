# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every example the collection shows a user, read from where the user reads it.

- the EXAMPLES of every plugin (``plugins/*/*.py``, ``extensions/eda/plugins/*/*.py``), read with ``ast`` from the
  file as it is, never imported;
- the YAML blocks of ``README.md``, ``roles/*/README.md``, ``docs/**/*.md`` and ``docs/**/*.rst``
  (```` ```yaml ```` fences, ``.. code-block:: yaml``);
- the playbooks of ``examples/``.

A YAML text that is a list of mappings is an example; anything else (a mapping such as a vars file, an inventory
or a result shown in the docs) is data and is not run. An example is ``play`` (its items have ``hosts``; the
whole text is one example, named after its first play or ``block N``), ``rulebook`` (items with ``sources``, one
example per rulebook) or ``tasks`` (one example per task, named after the task: every task needs a name).
"""

from __future__ import annotations

import ast
import re
import typing as t
from pathlib import Path

import yaml

PLUGIN_GLOBS = ('plugins/*/*.py', 'extensions/eda/plugins/*/*.py')
DOC_GLOBS = ('README.md', 'roles/*/README.md', 'docs/**/*.md', 'docs/**/*.rst')
PLAYBOOK_GLOBS = ('examples/*.yml', 'examples/*.yaml')
MARKDOWN_BLOCK = re.compile(r'^```ya?ml[ \t]*\n(.*?)^```', re.MULTILINE | re.DOTALL)
RST_DIRECTIVE = re.compile(r'^([ \t]*)\.\. code(?:-block)?:: ya?ml[ \t]*\n', re.MULTILINE)


class Example(t.NamedTuple):
    source: str    # path under the collection root
    key: str       # the task's or rulebook's name, the first play's name, or "block N"
    kind: str      # 'tasks', 'play' or 'rulebook'
    body: t.Any    # a task (tasks), a list of plays (play), a rulebook (rulebook)


class ExampleError(Exception):
    pass


def plugin_examples_text(path: Path) -> str | None:
    """The EXAMPLES string of a plugin file, or None when it has none."""
    for node in ast.parse(path.read_text(encoding='utf-8')).body:
        names = [target.id for target in getattr(node, 'targets', []) if isinstance(target, ast.Name)]
        if isinstance(node, ast.Assign) and 'EXAMPLES' in names:
            return ast.literal_eval(node.value)
    return None


def _rst_blocks(text: str) -> list[str]:
    blocks = []
    for found in RST_DIRECTIVE.finditer(text):
        lines = text[found.end():].split('\n')
        body = []
        for line in lines:
            if line.strip() and len(line) - len(line.lstrip()) <= len(found.group(1)):
                break
            body.append(line)
        blocks.append('\n'.join(body))
    return blocks


def doc_blocks(path: Path) -> list[str]:
    text = path.read_text(encoding='utf-8')
    if path.suffix == '.rst':
        return _rst_blocks(text)
    return MARKDOWN_BLOCK.findall(text)


def _examples_of(source: str, text: str, number: int) -> list[Example]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ExampleError('%s: YAML block %d does not parse: %s' % (source, number, exc)) from None
    if not isinstance(data, list) or not data or not all(isinstance(item, dict) for item in data):
        return []
    if all('hosts' in item and 'sources' in item for item in data):
        return [Example(source, _named(source, item, number), 'rulebook', item) for item in data]
    if all('hosts' in item for item in data):
        return [Example(source, data[0].get('name') or 'block %d' % number, 'play', data)]
    if any('hosts' in item for item in data):
        raise ExampleError('%s: YAML block %d mixes plays and tasks' % (source, number))
    return [Example(source, _named(source, task, number), 'tasks', task) for task in data]


def _named(source: str, item: t.Mapping[str, t.Any], number: int) -> str:
    if not isinstance(item.get('name'), str) or not item['name'].strip():
        raise ExampleError('%s: YAML block %d has an item without a name: name every task and rulebook of an'
                           ' example (ansible-lint asks for it too, and the claims are keyed by it)' % (source, number))
    return item['name']


def _files(root: Path, patterns: t.Iterable[str]) -> list[Path]:
    return sorted({path for pattern in patterns for path in root.glob(pattern) if path.is_file()})


def find_examples(root: Path) -> list[Example]:
    """Every example under ``root``, in a stable order; ExampleError when two of a source share a key."""
    examples: list[Example] = []
    for path in _files(root, PLUGIN_GLOBS):
        text = plugin_examples_text(path)
        if text:
            examples += _examples_of(path.relative_to(root).as_posix(), text, 1)
    for path in _files(root, DOC_GLOBS):
        for number, text in enumerate(doc_blocks(path), 1):
            examples += _examples_of(path.relative_to(root).as_posix(), text, number)
    for path in _files(root, PLAYBOOK_GLOBS):
        examples += _examples_of(path.relative_to(root).as_posix(), path.read_text(encoding='utf-8'), 1)
    seen: set[tuple[str, str]] = set()
    for example in examples:
        if (example.source, example.key) in seen:
            raise ExampleError('%s: two examples are named %r: give each its own name' % example[:2])
        seen.add((example.source, example.key))
    return examples
