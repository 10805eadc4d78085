# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The jobs of `make test` (hacking/run_tests.py): which may run at the same time as which."""

from __future__ import annotations

import itertools
import pathlib
import sys

HACKING = pathlib.Path(__file__).resolve().parents[3] / 'hacking'
sys.path.insert(0, str(HACKING))
try:
    import run_tests  # noqa: E402  pylint: disable=import-error,wrong-import-position
    import test_matrix  # noqa: E402  pylint: disable=import-error,wrong-import-position
finally:
    sys.path.remove(str(HACKING))

STEPS = ['sanity', 'units', 'integration']


def jobs(cores=None):
    return run_tests.ansible_test_jobs(STEPS, cores or list(test_matrix.CONTROLLER_PYTHON), 'no')


def test_every_run_of_the_matrix_is_one_job():
    expected = {'%s %s' % (step, core) for step in STEPS for core in test_matrix.STEPS[step]}
    names = [job.name for job in jobs()]
    assert sorted(names) == sorted(expected)


def test_two_jobs_may_overlap_only_on_different_lines_and_not_both_sanity():
    wrong = []
    for one, other in itertools.combinations(jobs(), 2):
        (step_one, core_one), (step_other, core_other) = one.name.split(), other.name.split()
        may_overlap = core_one != core_other and not step_one == step_other == 'sanity'
        if (not one.resources & other.resources) != may_overlap:
            wrong.append((one.name, other.name))
    assert wrong == []


def test_sanity_first_then_integration_then_units():
    steps = [job.name.split()[0] for job in jobs()]
    assert steps == sorted(steps, key=['sanity', 'integration', 'units'].index)


def test_cores_limit_the_jobs():
    assert {job.name.split()[1] for job in jobs(['2.16', '2.21'])} == {'2.16', '2.21'}
