# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""What the option table builds: argument specs for the faces, and documentation entries for the doc fragments
(hacking/generate.py).
"""

from __future__ import annotations

import typing as t

from .options import ALL_OPTIONS, CONNECTION_OPTIONS
from .schema import Option


def _typed(option: Option) -> dict[str, t.Any]:
    """What the argument spec and the documentation both say of an option."""
    fields: dict[str, t.Any] = {'type': option.type}
    # An option with environment variables has no default of Ansible's: the loader reads the environment
    # (after the option) and applies the default itself, so that the variables can take effect.
    if option.default is not None and not option.env:
        fields['default'] = option.default
    if option.choices and option.choices_in_spec:
        fields['choices'] = list(option.choices)
    if option.elements:
        fields['elements'] = option.elements
    return fields


def _argument(option: Option) -> dict[str, t.Any]:
    # No env_fallback: the loader reads the environment itself, to apply the rules of precedence (a way to
    # authenticate given as options is taken whole) and to say where a wrong value came from.
    argument = dict(_typed(option), no_log=option.no_log)
    if option.suboptions:
        argument['options'] = {sub.name: _argument(sub) for sub in option.suboptions}
    return argument


def module_argument_spec(*own: Option, shared: t.Sequence[Option] = ALL_OPTIONS,
                         **extra: dict[str, t.Any]) -> dict[str, dict[str, t.Any]]:
    """The argument spec of a face: the ``shared`` options (by default every shared option), the face's own
    options of the table, and ``extra`` (options with no default, such as ``workspace_id``)."""
    spec = {option.name: _argument(option) for option in tuple(shared) + own}
    spec.update(extra)
    return spec


def connection_argument_spec(*own: Option, **extra: dict[str, t.Any]) -> dict[str, dict[str, t.Any]]:
    """The argument spec of a module that takes the connection options only, with its ``own`` options of the table
    and ``extra``."""
    spec = {option.name: _argument(option) for option in CONNECTION_OPTIONS + own}
    spec.update(extra)
    return spec


def options_named(*names: str) -> tuple[Option, ...]:
    """Rows of the shared table, by name."""
    rows = {option.name: option for option in ALL_OPTIONS}
    return tuple(rows[name] for name in names)


def _env_sentence(option: Option) -> str:
    if len(option.env) == 1:
        sentence = 'When not set, the environment variable E(%s) is used' % option.env[0]
    else:
        sentence = 'When not set, the first of the environment variables %s that is set (and not blank) is used' % (
            ', '.join('E(%s)' % name for name in option.env))
    if option.default is not None:
        sentence += ', and when %s set, V(%s)' % ('that is not' if len(option.env) == 1 else 'none is',
                                                  _literal(option.default))
    return sentence + '.'


def _literal(value: t.Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _option_doc(option: Option) -> dict[str, t.Any]:
    doc: dict[str, t.Any] = dict(description=list(option.description), **_typed(option))
    if option.env:
        # The loader reads these variables (also for the lookup, so no env: entries for Ansible to resolve).
        doc['description'].append(_env_sentence(option))
    if option.suboptions:
        doc['suboptions'] = {sub.name: _option_doc(sub) for sub in option.suboptions}
    return doc


def option_docs(options: t.Iterable[Option], for_plugin: bool = False) -> dict[str, dict[str, t.Any]]:
    """Documentation entries for a doc fragment; ``for_plugin`` adds the lookup's ``vars``."""
    docs = {}
    for option in options:
        doc = _option_doc(option)
        if for_plugin and option in CONNECTION_OPTIONS:
            doc['vars'] = [{'name': option.lookup_var}]
        docs[option.name] = doc
    return docs
