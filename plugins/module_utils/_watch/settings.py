# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""The arguments of the ``session_events`` event source, checked as the module checks its parameters.

The module's own argument spec (from the option table: names, types, choices)
validates them with Ansible's validator, then the one loader builds the configuration, so a rulebook and a
playbook fail with the same message for the same mistake.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import UnsupportedError

from .._config.checks import check_id, number
from .._config.loader import load_config
from .._config.face_options import WATCH_OPTIONS
from .._config.schema import WATCH_INTERVAL_MAX, WATCH_INTERVAL_MIN
from .._config.secrets import raw_secrets
from .._config.specs import module_argument_spec
from .._config.types import Config
from .._errors import FabricError
from .._redact import Redactor
from .._text import did_you_mean

SOURCE_NAME = 'dataarts.fabric.session_events'
# Options of the module a watch cannot honour: a capped listing would report the sessions it cut off as
# gone, one session is watched with the session_id the source asks for itself, counts hold no session, and a
# session growing older than older_than would be announced as new.
NOT_FOR_WATCHING = ('session_id', 'max_results', 'count_only', 'older_than')
# Arguments ansible-rulebook adds itself.
RULEBOOK_ARGUMENTS = ('eda_feedback_queue',)


@dataclass(frozen=True)
class WatchSettings:
    config: Config
    workspace_ids: tuple[str, ...]
    interval: float
    announce_existing: bool


def source_argument_spec() -> dict[str, dict[str, t.Any]]:
    spec = module_argument_spec(*WATCH_OPTIONS, workspace_id=dict(type='list', elements='str', required=True))
    for name in NOT_FOR_WATCHING:
        del spec[name]
    return spec


def _validated(params: dict[str, t.Any]) -> dict[str, t.Any]:
    spec = source_argument_spec()
    result = ArgumentSpecValidator(spec).validate(params)
    if result.error_messages:
        message = result.errors.msg
        if isinstance(result.errors[0], UnsupportedError):
            hints = ''.join('; %s%s' % (name, did_you_mean(name, spec)) for name in sorted(params)
                            if name not in spec and did_you_mean(name, spec))
            message = 'Unsupported parameters for (%s) event source: %s%s' % (SOURCE_NAME, message, hints)
        raise FabricError(message)
    return result.validated_parameters


def _workspace_ids(value: list[t.Any]) -> tuple[str, ...]:
    if not value:
        raise FabricError('workspace_id must name at least one workspace')
    return tuple(dict.fromkeys(check_id('workspace_id', workspace_id) for workspace_id in value))


def watch_settings(args: t.Mapping[str, t.Any]) -> WatchSettings:
    """The checked settings of a watch, or a FabricError with the module's message (secrets scrubbed).

    Environment variables are read from this process's environment by the loader, as the module reads its own.
    """
    params = {name: value for name, value in args.items() if name not in RULEBOOK_ARGUMENTS}
    redactor = Redactor(raw_secrets(params))
    try:
        values = _validated(params)
        redactor = Redactor(raw_secrets(values))  # the validated values (the environment is read by raw_secrets too)
        return WatchSettings(
            config=load_config(values),
            workspace_ids=_workspace_ids(values['workspace_id']),
            interval=float(number('interval', values['interval'], WATCH_INTERVAL_MIN, WATCH_INTERVAL_MAX,
                                  integer=False, rule='a number of seconds, at least %d and at most %d'
                                  % (WATCH_INTERVAL_MIN, WATCH_INTERVAL_MAX))),
            announce_existing=values['announce_existing'],
        )
    except FabricError as exc:
        raise redactor.error(exc) from None
