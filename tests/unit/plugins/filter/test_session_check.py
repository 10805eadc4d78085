# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The filters of the role session_check: its variables, its typo check, its rules and their messages."""

from __future__ import annotations

import inspect
import pathlib
import typing as t

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from ansible.errors import AnsibleFilterError

from ansible_collections.dataarts.fabric.plugins.filter.session_check import (
    DEFAULTS,
    FilterModule,
    session_check_settings,
    session_check_verdict,
)

STATUSES = ('RUNNING', 'CLOSED', 'WAITING', 'CREATING', 'FAIL')
CONNECTION = ('endpoint', 'auth_token', 'validate_certs', 'page_size')
DECLARED = ['session_check_' + key for key in DEFAULTS] + ['session_check_' + name for name in CONNECTION]
OMIT = '__omit_place_holder__0123456789abcdef'
FILTERS = pathlib.Path(__file__).resolve().parents[4] / 'plugins' / 'filter'


def variables(**given: t.Any) -> dict[str, t.Any]:
    """Every variable of the role as the role hands them over: None when unset."""
    values: dict[str, t.Any] = {name: None for name in DECLARED}
    values.update({'session_check_' + key: value for key, value in given.items()})
    return values


def checked(names: t.Iterable[str] = (), **given: t.Any) -> dict[str, t.Any]:
    return session_check_settings(variables(**dict({'workspace_id': 'ws-1'}, **given)), list(names), omit=OMIT)


def counted(**counts: int) -> dict[str, t.Any]:
    full = dict.fromkeys(STATUSES, 0)
    full.update(counts)
    return {'changed': False, 'total': sum(full.values()), 'counts': full}


def listed(*sessions: dict[str, t.Any]) -> dict[str, t.Any]:
    return {'changed': False, 'sessions': list(sessions)}


def session(session_id: str, status: str, endpoint: t.Any = None, created: t.Any = None) -> dict[str, t.Any]:
    found = {'session_id': session_id, 'status': status}
    if endpoint is not None:
        found['endpoint_info'] = endpoint
    if created is not None:
        found['create_time'] = created
    return found


def waited(outcome: str, final: str | None, polls: int = 2, found: bool = True, msg: str = '') -> dict[str, t.Any]:
    """The registered result of the module's wait (failed_when false)."""
    record = {'session_id': 's-1', 'statuses': ['RUNNING', 'FAIL'], 'timeout': 3.0, 'sleep': 1.0, 'polls': polls,
              'found': found, 'final_status': final, 'reached': outcome == 'reached', 'outcome': outcome,
              'elapsed': 2.0}
    return {'changed': False, 'failed': outcome != 'reached', 'msg': msg, 'wait': record}


@pytest.mark.parametrize('function', [session_check_settings, session_check_verdict], ids=lambda f: f.__name__)
def test_each_filter_documents_its_arguments_and_what_it_returns(function):
    docs = yaml.safe_load((FILTERS / (function.__name__ + '.yml')).read_text(encoding='utf-8'))
    parameters = list(inspect.signature(function).parameters)
    assert list(docs['DOCUMENTATION']['options']) == ['_input'] + parameters[1:]
    assert docs['DOCUMENTATION']['name'] == function.__name__
    if function is session_check_settings:
        returned = checked(wait_session_id='s-1')
    else:
        returned = session_check_verdict(checked(), count=counted())
    assert set(docs['RETURN']['_value']['contains']) == set(returned)
    if function is session_check_settings:
        assert set(docs['RETURN']['_value']['contains']['wait']['contains']) == set(returned['wait'])


# --- session_check_settings -------------------------------------------------------------------------------------

@pytest.mark.parametrize('blank', [None, '', OMIT], ids=['null', 'empty', 'omit'])
def test_blank_variables_take_the_defaults_and_are_not_passed_to_the_module(blank):
    given = {key: blank for key in DEFAULTS if key != 'workspace_id'}
    given.update({name: blank for name in CONNECTION})
    result = checked(**given)
    assert result['problems'] == []
    assert result['fail_statuses'] == ['FAIL']
    assert result['max_running'] is None
    assert result['wait'] is None
    assert result['connection'] == {}


def test_omit_of_ansible_core_2_19_is_an_object_and_counts_as_unset():
    omit = object()
    result = session_check_settings(variables(workspace_id='ws-1', max_running=omit, endpoint=omit), [], omit=omit)
    assert result['problems'] == [] and result['max_running'] is None and result['connection'] == {}


def test_the_connection_variables_that_are_set_become_module_options():
    result = checked(endpoint='https://fabric.example.test', validate_certs=False, auth_token='', page_size=None,
                     max_running=3)
    assert result['connection'] == {'endpoint': 'https://fabric.example.test', 'validate_certs': False}


def test_a_wait_is_set_by_its_session_with_the_module_names():
    result = checked(wait_session_id='s-1', wait_status='CLOSED', wait_timeout='60', wait_sleep=0.5)
    assert result['wait'] == {'session_id': 's-1', 'statuses': ['CLOSED'], 'timeout': 60.0, 'sleep': 0.5}
    # the wait's defaults are the module's (the option table's)
    assert checked(wait_session_id='s-1')['wait'] == {'session_id': 's-1', 'statuses': ['RUNNING'], 'timeout': 300.0,
                                                      'sleep': 5.0}


@pytest.mark.parametrize('value, statuses', [
    ('FAIL', ['FAIL']),
    ('FAIL,CREATING', ['FAIL', 'CREATING']),
    (['CREATING', 'FAIL', 'CREATING'], ['CREATING', 'FAIL']),
    ([], []),
])
def test_failing_statuses_are_a_list_or_one_string_as_the_module_takes_them(value, statuses):
    result = checked(fail_statuses=value)
    assert result['problems'] == []
    assert result['fail_statuses'] == statuses


@pytest.mark.parametrize('value, shown', [
    (['FAILED'], 'got FAILED'),
    ('FAIL, CLOSED', 'got  CLOSED'),
    ([1, 'FAIL'], 'got 1'),
    ({'status': 'FAIL'}, "got {'status': 'FAIL'}"),
])
def test_failing_statuses_out_of_the_api_are_refused_naming_the_wrong_ones(value, shown):
    problems = checked(fail_statuses=value)['problems']
    assert problems == ['session_check_fail_statuses must name statuses out of RUNNING, CLOSED, WAITING, CREATING,'
                        ' FAIL (a list, or one status as a string), %s' % shown]


def test_the_wait_needs_at_least_one_status():
    assert checked(wait_status=[])['problems'] == [
        'session_check_wait_status must name at least one status out of RUNNING, CLOSED, WAITING, CREATING, FAIL']


@pytest.mark.parametrize('value, number', [(0, 0), (20, 20), ('7', 7), (3.0, 3)])
def test_max_running_is_a_whole_number(value, number):
    assert checked(max_running=value)['max_running'] == number


@pytest.mark.parametrize('value', ['many', -1, 1.5, True, '1e3', [3]])
def test_max_running_of_another_kind_is_refused(value):
    result = checked(max_running=value)
    assert result['problems'] == ['session_check_max_running must be a whole number, 0 or more, got %s'
                                  % (value if not isinstance(value, list) else '[3]')]


@pytest.mark.parametrize('given, problem', [
    ({'wait_timeout': -1}, 'session_check_wait_timeout must be a number of seconds, 0 to 86400, got -1'),
    ({'wait_timeout': 86401}, 'session_check_wait_timeout must be a number of seconds, 0 to 86400, got 86401'),
    ({'wait_timeout': 'soon'}, 'session_check_wait_timeout must be a number of seconds, 0 to 86400, got soon'),
    ({'wait_timeout': 'nan'}, 'session_check_wait_timeout must be a number of seconds, 0 to 86400, got nan'),
    ({'wait_sleep': 0}, 'session_check_wait_sleep must be a number of seconds greater than 0, at most 3600, got 0'),
    ({'wait_sleep': 3601}, 'session_check_wait_sleep must be a number of seconds greater than 0, at most 3600, got 3601'),
    ({'wait_timeout': 86400, 'wait_sleep': 1}, 'session_check_wait_timeout 86400 with session_check_wait_sleep 1 would'
                                               ' make more than 10000 polls: raise session_check_wait_sleep to at least'
                                               ' 8.64086'),
])
def test_wait_numbers_out_of_the_module_bounds_are_refused(given, problem):
    assert checked(**given)['problems'] == [problem]


def test_the_most_polls_the_module_makes_are_allowed():
    assert checked(wait_timeout=9999, wait_sleep=1)['problems'] == []
    assert checked(wait_timeout=0.3, wait_sleep=0.1)['problems'] == []


def test_a_blank_workspace_is_a_missing_one_and_every_problem_is_named():
    result = session_check_settings(variables(workspace_id='', max_running='many', wait_status='DONE'), [], omit=OMIT)
    assert result['problems'] == [
        'session_check_workspace_id is required',
        'session_check_max_running must be a whole number, 0 or more, got many',
        'session_check_wait_status must name statuses out of RUNNING, CLOSED, WAITING, CREATING, FAIL (a list, or one'
        ' status as a string), got DONE',
    ]


def test_a_long_wrong_value_is_cut_in_the_message():
    problem = checked(max_running='x' * 500)['problems'][0]
    assert len(problem) < 200 and '(502 characters)' in problem


def test_misspelt_variables_are_named_with_the_closest_variable_of_the_role():
    names = ['session_check_max_runing', 'session_check_fail_statuss', 'session_check_workspace_id', 'inventory_dir']
    assert checked(names)['problems'] == [
        'session_check_fail_statuss is not a variable of the role (did you mean session_check_fail_statuses?)',
        'session_check_max_runing is not a variable of the role (did you mean session_check_max_running?)',
    ]


def test_a_variable_far_from_every_name_points_to_the_documentation():
    assert checked(['session_check_zzzzzz'])['problems'] == [
        'session_check_zzzzzz is not a variable of the role (its variables: ansible-doc -t role'
        ' dataarts.fabric.session_check)']


_SUFFIX = st.text(alphabet='abcdefghijklmnopqrstuvwxyz_', min_size=1, max_size=20)


@settings(max_examples=300, deadline=None)
@given(declared=st.lists(st.sampled_from(DECLARED + ['session_check_result']), unique=True),
       others=st.lists(_SUFFIX, unique=True), foreign=st.lists(st.text(max_size=20), max_size=5))
def test_typos_are_exactly_the_prefixed_variables_the_role_does_not_know(declared, others, foreign):
    """A declared variable (or the role's output) is never flagged; every other session_check_* one is flagged
    once, and the name it suggests is a variable of the role; names without the prefix are never flagged."""
    unknown = sorted({'session_check_' + name for name in others} - set(DECLARED) - {'session_check_result'})
    foreign = [name for name in foreign if not name.startswith('session_check_')]
    problems = checked(declared + ['session_check_' + name for name in others] + foreign)['problems']
    assert [problem.split(' ')[0] for problem in problems] == unknown
    for problem in problems:
        if 'did you mean' in problem:
            assert problem.split('did you mean ')[1].rstrip('?)') in DECLARED


def test_the_filter_refuses_what_the_role_never_hands_over():
    with pytest.raises(AnsibleFilterError, match='dictionary of the role variables'):
        session_check_settings(['session_check_workspace_id'])
    with pytest.raises(AnsibleFilterError, match='missing session_check_wait_sleep'):
        session_check_settings({'session_check_' + key: None for key in DEFAULTS if key != 'wait_sleep'})
    with pytest.raises(AnsibleFilterError, match='output of session_check_settings'):
        session_check_verdict({'workspace_id': 'ws-1'})


def test_the_filters_are_registered_under_their_names():
    assert FilterModule().filters() == {'session_check_settings': session_check_settings,
                                        'session_check_verdict': session_check_verdict}


# --- session_check_verdict --------------------------------------------------------------------------------------

def test_before_the_sessions_are_counted_there_is_nothing_to_read():
    verdict = session_check_verdict(checked(), wait={}, count={}, failing={}, running={}, endpoint_counts={})
    assert verdict == {'error': '', 'list_statuses': [], 'list_running': False, 'endpoints': [],
                       'failed_rules': [], 'result': {}, 'msg': ''}


def test_rules_that_hold_record_the_counts_and_name_no_rule():
    verdict = session_check_verdict(checked(max_running=3), count=counted(RUNNING=3, CLOSED=2),
                                    failing={'skipped': True}, running={'skipped': True},
                                    endpoint_counts={'skipped': True, 'results': []})
    assert verdict['msg'] == '' and verdict['error'] == ''
    assert verdict['result'] == {
        'workspace_id': 'ws-1', 'total': 5, 'counts': dict(RUNNING=3, CLOSED=2, WAITING=0, CREATING=0, FAIL=0),
        'offending': {'fail_statuses': [], 'max_running': [], 'wait': []}, 'failed_rules': [], 'wait': None}


def test_the_failing_statuses_holding_sessions_are_listed_in_the_order_given():
    settings_ = checked(fail_statuses=['CREATING', 'WAITING', 'FAIL'], max_running=1)
    verdict = session_check_verdict(settings_, count=counted(FAIL=2, CREATING=1, RUNNING=2))
    assert verdict['list_statuses'] == ['CREATING', 'FAIL']
    assert verdict['list_running'] is True


def test_rule_fail_statuses_names_each_session_with_its_status_endpoint_and_creation_time():
    sessions = [session('s-1', 'FAIL', {'id': 'ep-1', 'name': 'etl'}, '2025-07-22T08:36:15.000+00:00'),
                session('s-2', 'FAIL', {'id': 'ep-2', 'name': ''}),
                session('s-3', 'CREATING', 'not a mapping'),
                session('s-4', 'FAIL', {'name': None}, '')]
    verdict = session_check_verdict(checked(fail_statuses=['FAIL', 'CREATING', 'FAIL']),
                                    count=counted(FAIL=3, CREATING=1), failing=listed(*sessions))
    assert verdict['failed_rules'] == ['fail_statuses']
    assert verdict['msg'] == (
        'session_check: workspace ws-1: rule fail_statuses (session_check_fail_statuses = [FAIL, CREATING]) failed:'
        ' 4 session(s) in FAIL or CREATING: s-1 (FAIL, endpoint etl, created 2025-07-22T08:36:15.000+00:00),'
        ' s-2 (FAIL, endpoint ep-2), s-3 (CREATING, no endpoint), s-4 (FAIL, no endpoint)')
    assert verdict['result']['offending']['fail_statuses'] == sessions


def test_rule_fail_statuses_says_how_many_more_the_counts_hold():
    sessions = [session('s-%d' % number, 'FAIL') for number in range(20)]
    verdict = session_check_verdict(checked(), count=counted(FAIL=4883), failing=listed(*sessions))
    assert verdict['msg'].endswith('s-19 (FAIL, no endpoint) and 4863 more')


def test_rule_max_running_counts_per_endpoint_naming_an_endpoint_by_id_too_when_its_name_is_not_unique():
    running = [session('r-%d' % number, 'RUNNING', endpoint) for number, endpoint in enumerate(
        [{'id': 'ep-etl', 'name': 'etl'}, {'id': 'ep-a1', 'name': 'adhoc'}, {'id': 'ep-a2', 'name': 'adhoc'},
         {'id': 'ep-x'}, {'id': 'bad id!', 'name': 'skipped'}, {'id': 'ep-etl', 'name': 'etl'}])]
    settings_ = checked(fail_statuses=[], max_running=2)
    first = session_check_verdict(settings_, count=counted(RUNNING=30), running=listed(*running))
    assert first['endpoints'] == [{'id': 'ep-etl', 'name': 'etl'}, {'id': 'ep-a1', 'name': 'adhoc'},
                                  {'id': 'ep-a2', 'name': 'adhoc'}, {'id': 'ep-x', 'name': None}]
    endpoint_counts = {'results': [{'item': item, 'counts': {'RUNNING': count}}
                                   for item, count in zip(first['endpoints'], (4, 9, 4, 3))]}
    verdict = session_check_verdict(settings_, count=counted(RUNNING=30), running=listed(*running),
                                    endpoint_counts=endpoint_counts)
    assert verdict['msg'] == (
        'session_check: workspace ws-1: rule max_running (session_check_max_running = 2) failed: 30 sessions are'
        ' RUNNING, more than the maximum of 2: 9 on endpoint adhoc (ep-a1), 4 on endpoint etl, 4 on endpoint adhoc'
        ' (ep-a2), 3 on endpoint ep-x, 10 on other endpoints')
    assert verdict['result']['offending']['max_running'] == running


def test_at_most_five_endpoints_are_counted():
    running = [session('r-%d' % number, 'RUNNING', {'id': 'ep-%d' % number}) for number in range(8)]
    verdict = session_check_verdict(checked(max_running=0), count=counted(RUNNING=8), running=listed(*running))
    assert [endpoint['id'] for endpoint in verdict['endpoints']] == ['ep-0', 'ep-1', 'ep-2', 'ep-3', 'ep-4']


def test_sessions_the_messages_could_not_name_fail_the_role_without_a_result():
    sessions = [session('ok-1', 'RUNNING'), {'session_id': 'no-status', 'status': None}, {'status': 'RUNNING'},
                {'session_id': ''}, 'not a session']
    verdict = session_check_verdict(checked(fail_statuses=['RUNNING']), count=counted(RUNNING=5),
                                    failing=listed(*sessions))
    assert verdict['error'] == (
        'session_check: workspace ws-1: the API returned sessions without a field the rules read, so they cannot be'
        ' checked: session no-status has no status, the session at position 3 has no session_id, the session at'
        ' position 4 has no status and no session_id, the session at position 5 has no status and no session_id')
    assert verdict['result'] == {} and verdict['msg'] == ''


def test_more_than_twenty_incomplete_sessions_are_summed_up():
    sessions = [{'status': 'FAIL'}] * 23
    verdict = session_check_verdict(checked(), count=counted(FAIL=23), failing=listed(*sessions))
    assert verdict['error'].endswith('the session at position 20 has no session_id and 3 more')


def wait_settings(**given: t.Any) -> dict[str, t.Any]:
    return checked(wait_session_id='s-1', wait_timeout=3, wait_sleep=1, **given)


def test_a_wait_that_reached_the_status_holds_and_is_recorded_in_the_module_names():
    verdict = session_check_verdict(wait_settings(), wait=waited('reached', 'RUNNING', polls=4), count=counted())
    assert verdict['failed_rules'] == []
    assert verdict['result']['wait'] == {
        'session_id': 's-1', 'statuses': ['RUNNING'], 'timeout': 3.0, 'sleep': 1.0, 'polls': 4, 'found': True,
        'final_status': 'RUNNING', 'reached': True, 'outcome': 'reached', 'elapsed': 2.0}


def test_a_wait_that_timed_out_names_the_last_status_the_polls_and_the_variables():
    verdict = session_check_verdict(wait_settings(wait_status=['RUNNING', 'WAITING']),
                                    wait=waited('timed_out', 'CREATING', polls=4), count=counted(CREATING=1))
    assert verdict['failed_rules'] == ['wait']
    assert verdict['msg'] == (
        'session_check: workspace ws-1: rule wait failed: session s-1 (session_check_wait_session_id) did not reach'
        ' RUNNING or WAITING (session_check_wait_status) within 3 s (session_check_wait_timeout), 4 poll(s) every'
        ' 1 s (session_check_wait_sleep); last status seen: CREATING')
    assert verdict['result']['offending']['wait'] == [{'session_id': 's-1', 'status': 'CREATING'}]


def test_a_wait_for_a_session_that_was_never_found_says_so():
    verdict = session_check_verdict(wait_settings(), wait=waited('timed_out', None, polls=3, found=False),
                                    count=counted())
    assert verdict['msg'].endswith('3 poll(s) every 1 s (session_check_wait_sleep); it was not found in the workspace')


def test_a_waited_session_in_a_failing_status_breaks_both_rules():
    """The module stopped because the role asked it to wait for the failing statuses too: reached for the module,
    ended for the role."""
    doomed = session('s-1', 'FAIL', {'id': 'ep-1', 'name': 'etl'})
    verdict = session_check_verdict(wait_settings(), wait=waited('reached', 'FAIL'), count=counted(FAIL=1),
                                    failing=listed(doomed))
    assert verdict['failed_rules'] == ['fail_statuses', 'wait']
    assert verdict['msg'].split('\n')[1] == (
        'session_check: workspace ws-1: rule wait failed: session s-1 (session_check_wait_session_id) is FAIL, one of'
        ' session_check_fail_statuses, so it will not reach RUNNING (session_check_wait_status); 2 poll(s) every 1 s'
        ' (session_check_wait_sleep)')
    assert verdict['result']['wait']['outcome'] == 'ended'
    assert verdict['result']['wait']['reached'] is False


def test_a_waited_session_that_closed_ends_the_wait_in_a_status_it_never_leaves():
    verdict = session_check_verdict(wait_settings(), wait=waited('ended', 'CLOSED'), count=counted(CLOSED=1))
    assert verdict['msg'] == (
        'session_check: workspace ws-1: rule wait failed: session s-1 (session_check_wait_session_id) is CLOSED, a'
        ' status it never leaves, so it will not reach RUNNING (session_check_wait_status); 2 poll(s) every 1 s'
        ' (session_check_wait_sleep)')


def test_a_status_the_service_made_up_is_escaped_and_cut_in_the_message():
    verdict = session_check_verdict(wait_settings(), wait=waited('timed_out', 'WEIRD\n' + 'x' * 100),
                                    count=counted())
    assert '\n' not in verdict['msg']
    assert verdict['msg'].endswith('characters)')


@pytest.mark.parametrize('result, error', [
    (dict(waited('poll_failed', None, msg='could not poll session s-1: HTTP 401'), failed=True),
     'session_check: rule wait failed: could not poll session s-1: HTTP 401'),
    (dict(waited('no_status', None, msg='the API returned session s-1 without a status'), failed=True),
     'session_check: the API returned session s-1 without a status'),
    ({'failed': True, 'msg': 'wait_status cannot be combined with status'},
     'session_check: wait_status cannot be combined with status'),
    ({'failed': True}, 'session_check: the module returned no message'),
])
def test_a_wait_that_could_not_be_read_is_an_error_before_any_count(result, error):
    verdict = session_check_verdict(wait_settings(), wait=result)
    assert verdict['error'] == error
    assert verdict['result'] == {}
    # the error stands whatever else was registered: the role counts nothing after it
    assert session_check_verdict(wait_settings(), wait=result, count=counted(FAIL=3))['error'] == error


def test_a_skipped_wait_is_no_wait():
    verdict = session_check_verdict(checked(), wait={'skipped': True, 'changed': False}, count=counted())
    assert verdict['result']['wait'] is None and verdict['error'] == ''


_COUNTS = st.fixed_dictionaries({status: st.integers(0, 10 ** 6) for status in STATUSES})


@settings(max_examples=300, deadline=None)
@given(counts=_COUNTS, fail_statuses=st.lists(st.sampled_from(STATUSES), unique=True),
       max_running=st.none() | st.integers(0, 10 ** 6),
       wait=st.none() | st.tuples(st.sampled_from(['reached', 'ended', 'timed_out']), st.sampled_from(STATUSES)))
def test_the_verdict_fails_exactly_when_a_rule_is_broken(counts, fail_statuses, max_running, wait):
    """Each broken rule, and only those, is in failed_rules and has one line of the message naming it."""
    given_ = {'fail_statuses': fail_statuses, 'max_running': max_running}
    if wait is not None:
        given_.update(wait_session_id='s-1', wait_timeout=3, wait_sleep=1)
    settings_ = checked(**given_)
    failing = [session('f-%d' % number, status) for status in fail_statuses for number in range(min(counts[status], 3))]
    running = [session('r-%d' % number, 'RUNNING') for number in range(min(counts['RUNNING'], 3))]
    wait_result = None if wait is None else waited(wait[0], wait[1])
    verdict = session_check_verdict(settings_, wait=wait_result, count=counted(**counts), failing=listed(*failing),
                                    running=listed(*running))
    broken = []
    if sum(counts[status] for status in fail_statuses) > 0:
        broken.append('fail_statuses')
    if max_running is not None and counts['RUNNING'] > max_running:
        broken.append('max_running')
    if wait is not None and not (wait[0] == 'reached' and wait[1] == 'RUNNING'):
        broken.append('wait')
    assert verdict['error'] == ''
    assert verdict['failed_rules'] == verdict['result']['failed_rules'] == broken
    lines = verdict['msg'].split('\n') if verdict['msg'] else []
    assert [line.split(': rule ')[1].split(' ')[0] for line in lines] == broken
    assert all(line.startswith('session_check: workspace ws-1: rule ') for line in lines)


def test_a_listing_that_is_not_whole_fails_the_gate_naming_what_it_could_not_see():
    partial = dict(listed(session('s-1', 'FAIL')), complete=False, missing=3)
    verdict = session_check_verdict(checked(), count=counted(FAIL=4), failing=partial)
    assert verdict['error'] == ('session_check: workspace ws-1: the listing of the sessions the rules read is not whole'
                                ' (3 session(s) the service counts were not seen): the gate does not decide on what'
                                ' it could not see')
    whole = dict(listed(session('s-1', 'FAIL')), complete=True, missing=0)
    assert session_check_verdict(checked(), count=counted(FAIL=1), failing=whole)['error'] == ''
