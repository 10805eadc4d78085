# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# FOR INTERNAL COLLECTION USE ONLY: not a public API, it may change in any release.

"""The collection's one exception type.

The faces turn it into ``fail_json``, ``AnsibleLookupError`` or an event. Nothing changes an error once it is
made: context is added by building a new one.
"""

from __future__ import annotations

import typing as t

FIELDS = ('message', 'status', 'error_code', 'error_msg', 'solution_msg', 'request_id')


class FabricError(Exception):
    """Anything that stops a DataArts Fabric call: bad options, transport failures, API errors.

    ``status`` is the HTTP status when the service answered; the other fields are what its body and
    headers said. ``str()`` gives one readable line holding all of them. The fields are read-only.
    """

    def __init__(
        self,
        message: str,
        status: int | None = None,
        error_code: str | int | None = None,
        error_msg: str | None = None,
        solution_msg: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self._fields: dict[str, t.Any] = dict(message=message, status=status, error_code=error_code,
                                              error_msg=error_msg, solution_msg=solution_msg, request_id=request_id)

    @property
    def message(self) -> str:
        return t.cast(str, self._fields['message'])

    @property
    def status(self) -> int | None:
        return t.cast('int | None', self._fields['status'])

    @property
    def error_code(self) -> str | int | None:
        return t.cast('str | int | None', self._fields['error_code'])

    @property
    def error_msg(self) -> str | None:
        return t.cast('str | None', self._fields['error_msg'])

    @property
    def solution_msg(self) -> str | None:
        return t.cast('str | None', self._fields['solution_msg'])

    @property
    def request_id(self) -> str | None:
        return t.cast('str | None', self._fields['request_id'])

    def replace(self, **changes: t.Any) -> 'FabricError':
        """A new error of the same type with some fields changed."""
        return type(self)(**dict(self._fields, **changes))

    def with_context(self, before: str = '', after: str = '') -> 'FabricError':
        """A new error whose message has ``before`` put in front and ``after`` appended."""
        return self.replace(message=before + self.message + after)

    def __str__(self) -> str:
        parts = [self.message]
        if self.error_code is not None:
            parts.append('error_code: %s' % self.error_code)
        if self.error_msg and self.error_msg not in self.message:
            parts.append('error_msg: %s' % self.error_msg)
        if self.solution_msg:
            parts.append('solution: %s' % self.solution_msg)
        if self.request_id:
            parts.append('request id: %s' % self.request_id)
        return '; '.join(parts)

    def __reduce__(self) -> tuple[t.Any, ...]:
        return (_rebuild, (type(self), self._fields))

    def details(self) -> dict[str, t.Any]:
        """The structured fields, for a module result or a lookup error: the HTTP ones only when the service
        answered."""
        if self.status is None:
            return {}
        return {
            'status_code': self.status,
            'error_code': self.error_code,
            'error_msg': self.error_msg,
            'solution_msg': self.solution_msg,
            'request_id': self.request_id,
        }


def _rebuild(kind: type, fields: dict[str, t.Any]) -> FabricError:
    return t.cast(FabricError, kind(**fields))
