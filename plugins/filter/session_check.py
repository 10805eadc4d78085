# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The rules of the role dataarts.fabric.session_check, as the two filters its tasks call.

session_check_settings checks the role's variables before any request (misspelt names included);
session_check_verdict reads the results of the module's tasks and says which rules are broken, in the messages
the role fails with. The documentation of each filter is the YAML file of its name beside this one.
"""

from __future__ import annotations

import difflib
import math
import re
import typing as t
from collections.abc import Mapping, Sequence

from ansible.errors import AnsibleFilterError

from ansible_collections.dataarts.fabric.plugins.module_utils._config.options import default_of
from ansible_collections.dataarts.fabric.plugins.module_utils._config.schema import (
    ID_PATTERN,
    SESSION_STATUSES,
    WAIT_SLEEP_MAX as SLEEP_MAX,
    WAIT_TIMEOUT_MAX as TIMEOUT_MAX,
)
from ansible_collections.dataarts.fabric.plugins.module_utils._sessions.wait import POLLS_MAX
from ansible_collections.dataarts.fabric.plugins.module_utils._text import SHOWN_CHARS, shown

PREFIX = 'session_check_'
# The role's output: a variable of that name is no typo.
OUTPUT = 'session_check_result'
ROLE_DOC = 'ansible-doc -t role dataarts.fabric.session_check'
# The role's own variables (without the prefix) and their defaults, as meta/argument_specs.yml documents them:
# the wait's are the module's (the option table's); the gate's rules and the status waited for are the role's own.
# Every other variable of the role is a module option passed on as it is.
DEFAULTS: dict[str, t.Any] = {
    'workspace_id': None,
    'fail_statuses': ['FAIL'],
    'max_running': None,
    'wait_session_id': None,
    'wait_status': ['RUNNING'],
    'wait_timeout': default_of('wait_timeout'),
    'wait_sleep': default_of('wait_sleep'),
}
# The sessions a failure message names per rule, and so the most the role lists for it.
LISTED_MAX = 20
# The endpoints whose RUNNING sessions are counted for the message of max_running.
ENDPOINTS_COUNTED = 5
# The sessions without status or session_id a message names.
INCOMPLETE_SHOWN = 20
# How the module's wait may end for the rules to be read (anything else is an error the role reports as it is).
WAIT_ENDS = ('reached', 'ended', 'timed_out')
# Room for the rounding of timeout / sleep, as the module allows.
_RATIO_SLACK = 1e-9
_DIGITS = re.compile(r'\A[0-9]+\Z')


def _is_blank(value: t.Any, omit: t.Any) -> bool:
    """Unset, null, '' or omit ("{{ x | default(omit) }}" of an unset x): the variable counts as unset."""
    if value is None or (isinstance(value, str) and value == ''):
        return True
    return omit is not None and (value is omit or (isinstance(omit, str) and isinstance(value, str) and value == omit))


def _text(value: t.Any) -> str:
    """A value a message shows: as it is when short and printable, else escaped and cut."""
    if isinstance(value, str):
        return value if value.isprintable() and len(value) <= SHOWN_CHARS else shown(value)
    return shown(value, repr_of=isinstance(value, bool) or not isinstance(value, (int, float)))


def typos(names: t.Iterable[t.Any], known: t.Collection[str]) -> list[str]:
    """One problem per variable named session_check_* that the role does not know, with the closest it knows."""
    suffixes = [name[len(PREFIX):] for name in known]
    unknown = sorted({str(name) for name in names if str(name).startswith(PREFIX)} - set(known) - {OUTPUT})
    problems = []
    for name in unknown:
        close = difflib.get_close_matches(name[len(PREFIX):], suffixes, n=1)
        hint = '(did you mean %s%s?)' % (PREFIX, close[0]) if close else '(its variables: %s)' % ROLE_DOC
        problems.append('%s is not a variable of the role %s' % (name, hint))
    return problems


def _statuses(name: str, value: t.Any, problems: list[str], empty_ok: bool) -> list[str]:
    """A list of statuses; one string is split at commas, as the module splits its list options."""
    items = value.split(',') if isinstance(value, str) else value
    rule = 'must name statuses out of %s (a list, or one status as a string)' % ', '.join(SESSION_STATUSES)
    if not isinstance(items, Sequence) or isinstance(items, (str, bytes)):
        problems.append('%s %s, got %s' % (PREFIX + name, rule, _text(value)))
        return []
    unknown = [item for item in items if not isinstance(item, str) or item not in SESSION_STATUSES]
    if unknown:
        problems.append('%s %s, got %s' % (PREFIX + name, rule, ', '.join(_text(item) for item in unknown)))
        return []
    if not items and not empty_ok:
        problems.append('%s must name at least one status out of %s' % (PREFIX + name, ', '.join(SESSION_STATUSES)))
    return list(dict.fromkeys(items))


def _whole(value: t.Any) -> int | None:
    """A whole number of 0 or more, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return value if value >= 0 else None
    return int(value) if isinstance(value, str) and _DIGITS.match(value) else None


def _seconds(value: t.Any) -> float | None:
    """A finite number, or None."""
    if isinstance(value, bool):
        return None
    try:
        number = float(value) if isinstance(value, (int, float, str)) else math.nan
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _wait_numbers(given: Mapping[str, t.Any], problems: list[str]) -> tuple[float, float]:
    """The wait's timeout and sleep, checked against the module's bounds."""
    timeout, sleep = _seconds(given['wait_timeout']), _seconds(given['wait_sleep'])
    if timeout is None or not 0 <= timeout <= TIMEOUT_MAX:
        problems.append('%swait_timeout must be a number of seconds, 0 to %d, got %s'
                        % (PREFIX, TIMEOUT_MAX, _text(given['wait_timeout'])))
        timeout = None
    if sleep is None or not 0 < sleep <= SLEEP_MAX:
        problems.append('%swait_sleep must be a number of seconds greater than 0, at most %d, got %s'
                        % (PREFIX, SLEEP_MAX, _text(given['wait_sleep'])))
        sleep = None
    if timeout is not None and sleep is not None and timeout / sleep > POLLS_MAX - 1 + _RATIO_SLACK:
        problems.append('%swait_timeout %g with %swait_sleep %g would make more than %d polls: raise %swait_sleep to'
                        ' at least %g' % (PREFIX, timeout, PREFIX, sleep, POLLS_MAX, PREFIX, timeout / (POLLS_MAX - 1)))
    return timeout or 0.0, sleep or float(DEFAULTS['wait_sleep'])


def session_check_settings(variables: Mapping[str, t.Any], names: t.Iterable[t.Any] = (),
                           omit: t.Any = None) -> dict[str, t.Any]:
    """The role's variables checked, blank ones replaced by their defaults, and the module options set."""
    if not isinstance(variables, Mapping):
        raise AnsibleFilterError('session_check_settings takes a dictionary of the role variables, got %s'
                                 % type(variables).__name__)
    missing = [PREFIX + key for key in DEFAULTS if PREFIX + key not in variables]
    if missing:
        raise AnsibleFilterError('session_check_settings needs every variable of the role, missing %s'
                                 % ', '.join(missing))
    set_ = {str(name): value for name, value in variables.items() if not _is_blank(value, omit)}
    given = {key: set_.get(PREFIX + key, default) for key, default in DEFAULTS.items()}
    problems = typos(names, [str(name) for name in variables])
    if given['workspace_id'] is None:
        problems.append('%sworkspace_id is required' % PREFIX)
    fail_statuses = _statuses('fail_statuses', given['fail_statuses'], problems, empty_ok=True)
    max_running = _whole(given['max_running'])
    if given['max_running'] is not None and max_running is None:
        problems.append('%smax_running must be a whole number, 0 or more, got %s'
                        % (PREFIX, _text(given['max_running'])))
    wait_statuses = _statuses('wait_status', given['wait_status'], problems, empty_ok=False)
    timeout, sleep = _wait_numbers(given, problems)
    wait = None
    if given['wait_session_id'] is not None:
        wait = {'session_id': str(given['wait_session_id']), 'statuses': wait_statuses, 'timeout': timeout,
                'sleep': sleep}
    return {
        'problems': problems,
        'workspace_id': None if given['workspace_id'] is None else str(given['workspace_id']),
        'fail_statuses': fail_statuses,
        'max_running': max_running,
        'wait': wait,
        'max_listed': LISTED_MAX,
        'connection': {name[len(PREFIX):]: value for name, value in set_.items()
                       if name[len(PREFIX):] not in DEFAULTS},
    }


def _mapping(value: t.Any) -> Mapping[str, t.Any]:
    return value if isinstance(value, Mapping) else {}


def _ran(result: t.Any) -> Mapping[str, t.Any] | None:
    """The registered result of a task that ran, or None (not run yet, reset by the role, or skipped)."""
    return result if isinstance(result, Mapping) and result and not result.get('skipped') else None


def _sessions(result: Mapping[str, t.Any] | None) -> list[t.Any]:
    sessions = _mapping(result).get('sessions')
    return list(sessions) if isinstance(sessions, Sequence) and not isinstance(sessions, str) else []


def _field(session: t.Any, name: str) -> t.Any:
    value = _mapping(session).get(name)
    return None if value is None or (isinstance(value, str) and value == '') else value


def incomplete(sessions: t.Sequence[t.Any]) -> list[str]:
    """The sessions without a status or a session_id, which the messages could not name."""
    parts = []
    for position, session in enumerate(sessions, 1):
        missing = [name for name in ('status', 'session_id') if _field(session, name) is None]
        if missing:
            who = ('the session at position %d' % position if 'session_id' in missing
                   else 'session %s' % session['session_id'])
            parts.append('%s has no %s' % (who, ' and no '.join(missing)))
    return parts


def counted_endpoints(sessions: t.Sequence[t.Any]) -> list[dict[str, t.Any]]:
    """The first endpoints the sessions run on, by valid ID, each once: those whose RUNNING sessions are counted."""
    found: dict[str, dict[str, t.Any]] = {}
    for session in sessions:
        endpoint = _mapping(_field(session, 'endpoint_info'))
        endpoint_id = endpoint.get('id')
        if isinstance(endpoint_id, str) and ID_PATTERN.match(endpoint_id) and endpoint_id not in found:
            found[endpoint_id] = {'id': endpoint_id, 'name': endpoint.get('name')}
    return list(found.values())[:ENDPOINTS_COUNTED]


def _named(session: Mapping[str, t.Any]) -> str:
    """A failing session by ID, with its status, endpoint and creation time."""
    endpoint = _mapping(_field(session, 'endpoint_info'))
    endpoint_name = endpoint.get('name') or endpoint.get('id')
    details = [str(session['status']), 'endpoint %s' % endpoint_name if endpoint_name else 'no endpoint']
    if _field(session, 'create_time') is not None:
        details.append('created %s' % session['create_time'])
    return '%s (%s)' % (session['session_id'], ', '.join(details))


def per_endpoint(results: Mapping[str, t.Any] | None, running: int) -> str:
    """The RUNNING sessions per endpoint, most first; an endpoint by name, and by ID too when the name is not
    unique among those counted; the rest as on other endpoints."""
    counted = [(_mapping(result.get('item')), int(result['counts'].get('RUNNING', 0)))
               for result in _mapping(results).get('results') or []
               if isinstance(result, Mapping) and isinstance(result.get('counts'), Mapping)]
    names = [item.get('name') or '' for item, _count in counted]
    parts = []
    for item, count in sorted(counted, key=lambda pair: -pair[1]):
        name = item.get('name') or ''
        label = item.get('id') if not name else '%s (%s)' % (name, item.get('id')) if names.count(name) > 1 else name
        parts.append('%d on endpoint %s' % (count, label))
    others = running - sum(count for _item, count in counted)
    return ', '.join(parts + (['%d on other endpoints' % others] if others > 0 else []))


def _wait_record(settings: Mapping[str, t.Any], result: Mapping[str, t.Any]) -> dict[str, t.Any]:
    """What the wait saw, in the module's names; reached only for a status of session_check_wait_status (the
    module also stops at the failing statuses, which the role adds to its wait)."""
    wait, record = settings['wait'], _mapping(result.get('wait'))
    reached = bool(record.get('reached')) and record.get('final_status') in wait['statuses']
    outcome = 'reached' if reached else 'ended' if record.get('outcome') in ('reached', 'ended') else 'timed_out'
    return {'session_id': wait['session_id'], 'statuses': list(wait['statuses']), 'timeout': wait['timeout'],
            'sleep': wait['sleep'], 'polls': record.get('polls'), 'found': bool(record.get('found')),
            'final_status': record.get('final_status'), 'reached': reached, 'outcome': outcome,
            'elapsed': record.get('elapsed')}


def _wait_error(result: Mapping[str, t.Any]) -> str:
    """A wait that ended otherwise than the rules can read (a failed poll, a session without a status, options
    the module refused): the module's message."""
    outcome = _mapping(result.get('wait')).get('outcome')
    if outcome in WAIT_ENDS:
        return ''
    return 'session_check: %s%s' % ('rule wait failed: ' if outcome == 'poll_failed' else '',
                                    result.get('msg') or 'the module returned no message')


def _wait_message(settings: Mapping[str, t.Any], wait: Mapping[str, t.Any]) -> str:
    wanted = ' or '.join(wait['statuses'])
    polls = '%s poll(s) every %g s (%swait_sleep)' % (wait['polls'], wait['sleep'], PREFIX)
    head = 'wait failed: session %s (%swait_session_id)' % (wait['session_id'], PREFIX)
    final = _text(wait['final_status'])
    if wait['outcome'] == 'ended':
        why = (', one of %sfail_statuses' % PREFIX if wait['final_status'] in settings['fail_statuses']
               else ', a status it never leaves')
        return '%s is %s%s, so it will not reach %s (%swait_status); %s' % (head, final, why, wanted, PREFIX, polls)
    seen = 'last status seen: %s' % final if wait['found'] else 'it was not found in the workspace'
    return '%s did not reach %s (%swait_status) within %g s (%swait_timeout), %s; %s' % (
        head, wanted, PREFIX, wait['timeout'], PREFIX, polls, seen)


def _messages(settings: Mapping[str, t.Any], result: Mapping[str, t.Any], fail_count: int,
              endpoint_counts: Mapping[str, t.Any] | None) -> list[str]:
    """One line per broken rule, each naming the variables that set it."""
    prefix = 'session_check: workspace %s: rule ' % settings['workspace_id']
    rules, lines = result['failed_rules'], []
    if 'fail_statuses' in rules:
        statuses = settings['fail_statuses']
        named = result['offending']['fail_statuses'][:LISTED_MAX]
        more = fail_count - len(named)
        lines.append('%sfail_statuses (%sfail_statuses = [%s]) failed: %d session(s) in %s: %s%s' % (
            prefix, PREFIX, ', '.join(statuses), fail_count, ' or '.join(statuses),
            ', '.join(_named(session) for session in named), ' and %d more' % more if more > 0 else ''))
    if 'max_running' in rules:
        running, limit = result['counts']['RUNNING'], settings['max_running']
        lines.append('%smax_running (%smax_running = %d) failed: %d sessions are RUNNING, more than the maximum of'
                     ' %d: %s' % (prefix, PREFIX, limit, running, limit, per_endpoint(endpoint_counts, running)))
    if 'wait' in rules:
        lines.append(prefix + _wait_message(settings, result['wait']))
    return lines


def session_check_verdict(settings: t.Any, wait: t.Any = None, count: t.Any = None,
                          failing: t.Any = None, running: t.Any = None,
                          endpoint_counts: t.Any = None) -> dict[str, t.Any]:
    """What the results of the role's tasks so far say: an error to fail with at once, what to list next, and
    once the sessions are counted the result of the role and the message of the broken rules."""
    if not isinstance(settings, Mapping) or 'fail_statuses' not in settings:
        raise AnsibleFilterError('session_check_verdict takes the output of session_check_settings')
    verdict: dict[str, t.Any] = {'error': '', 'list_statuses': [], 'list_running': False, 'endpoints': [],
                                 'failed_rules': [], 'result': {}, 'msg': ''}
    wait_result = _ran(wait) if settings.get('wait') is not None else None
    verdict['error'] = _wait_error(wait_result) if wait_result is not None else ''
    counted = _ran(count)
    if verdict['error'] or counted is None:
        return verdict
    counts = dict(_mapping(counted.get('counts')))
    fail_count = sum(counts.get(status, 0) for status in settings['fail_statuses'])
    running_broken = settings['max_running'] is not None and counts.get('RUNNING', 0) > settings['max_running']
    listed_failing, listed_running = _sessions(_ran(failing)), _sessions(_ran(running))
    verdict.update({'list_statuses': [status for status in settings['fail_statuses'] if counts.get(status, 0) > 0],
                    'list_running': running_broken, 'endpoints': counted_endpoints(listed_running)})
    unseen = [_mapping(result) for result in (_ran(failing), _ran(running))
              if isinstance(result, Mapping) and result.get('complete') is False]
    if unseen:
        verdict['error'] = ('session_check: workspace %s: the listing of the sessions the rules read is not whole (%s):'
                            ' the gate does not decide on what it could not see'
                            % (settings['workspace_id'], '; '.join(
                                '%s session(s) the service counts were not seen' % _text(result.get('missing'))
                                for result in unseen)))
        return verdict
    missing = incomplete(listed_failing + listed_running)
    if missing:
        more = ' and %d more' % (len(missing) - INCOMPLETE_SHOWN) if len(missing) > INCOMPLETE_SHOWN else ''
        verdict['error'] = ('session_check: workspace %s: the API returned sessions without a field the rules read,'
                            ' so they cannot be checked: %s%s'
                            % (settings['workspace_id'], ', '.join(missing[:INCOMPLETE_SHOWN]), more))
        return verdict
    record = _wait_record(settings, wait_result) if wait_result is not None else None
    offending_wait = ([] if record is None or record['reached']
                      else [{'session_id': record['session_id'], 'status': record['final_status']}])
    failed_rules = [name for name, broken in (('fail_statuses', fail_count > 0), ('max_running', running_broken),
                                              ('wait', bool(offending_wait))) if broken]
    verdict['failed_rules'] = failed_rules
    verdict['result'] = {
        'workspace_id': settings['workspace_id'],
        'total': counted.get('total'),
        'counts': counts,
        'offending': {'fail_statuses': listed_failing, 'max_running': listed_running, 'wait': offending_wait},
        'failed_rules': failed_rules,
        'wait': record,
    }
    verdict['msg'] = '\n'.join(_messages(settings, verdict['result'], fail_count, _ran(endpoint_counts)))
    return verdict


class FilterModule:
    """The rules of the role dataarts.fabric.session_check."""

    def filters(self) -> dict[str, t.Callable[..., t.Any]]:
        return {
            'session_check_settings': session_check_settings,
            'session_check_verdict': session_check_verdict,
        }
