# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Runs the module through its real entry point, arguments in and JSON result out, on every core tested."""

from __future__ import annotations

import contextlib
import json

import pytest

from ansible.module_utils import basic
from ansible.module_utils.common import warnings as module_warnings

from ansible_collections.dataarts.fabric.plugins.modules import fabric_session_info

try:  # ansible-core 2.19 and later
    from ansible.module_utils.testing import patch_module_args
except ImportError:
    patch_module_args = None

try:
    from ansible.module_utils import _internal as ansible_internal
except ImportError:
    ansible_internal = None


@contextlib.contextmanager
def _module_args(args):
    if patch_module_args is not None:
        with patch_module_args(args):
            yield
        return
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(basic, '_ANSIBLE_ARGS', json.dumps({'ANSIBLE_MODULE_ARGS': args}).encode('utf-8'))
        yield


def run_module(capsys, module=fabric_session_info, **args):
    """The JSON result of ``module`` (fabric_session_info unless given), with ``rc`` its exit code."""
    return run_main(capsys, module.main, **args)


def run_main(capsys, main, **args):
    """The JSON result of the module whose ``main`` is given, with ``rc`` its exit code."""
    with pytest.MonkeyPatch.context() as patch:
        # A module runs in a process of its own. Once a controller plugin (the lookup tests) has loaded in this
        # process, ansible-core 2.19 would send module warnings to the controller's display, not the result.
        if ansible_internal is not None and hasattr(ansible_internal, 'is_controller'):
            patch.setattr(ansible_internal, 'is_controller', False)
        # ... and where a module process would start with no warning, this one holds those of every module run
        # before it in the same test process: each run starts empty.
        for name in ('_global_warnings', '_global_deprecations'):
            patch.setattr(module_warnings, name, type(getattr(module_warnings, name))())
        with _module_args(args), pytest.raises(SystemExit) as exited:
            main()
    result = json.loads(capsys.readouterr().out)
    result['rc'] = exited.value.code
    return result
