# -*- coding: utf-8 -*-
# Copyright: Contributors to the dataarts.fabric collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The sessions: deterministic generation, the seeded workspaces and the store behind the API.

The store is not thread-safe on its own: the emulator calls it with its lock held.
"""

from __future__ import annotations

import calendar
import json
import random
import re
import time
import typing as t

from .answers import ControlError, is_int

Session = t.Dict[str, t.Any]

STATUSES = ("RUNNING", "CLOSED", "WAITING", "CREATING", "FAIL")
ID_RE = re.compile(r"[A-Za-z0-9-]{1,36}\Z", re.ASCII)
MAX_GENERATED = 5000000

# Newest session of every generated workspace (the vendor example's time).
BASE_EPOCH = calendar.timegm((2025, 7, 22, 8, 42, 39, 0, 0, 0))

SIZED_SEEDS = (
    ("ws-empty", 0),
    ("ws-one", 1),
    ("ws-100", 100),
    ("ws-101", 101),
    ("ws-10k", 10000),
    ("ws-25k", 25000),
    ("ws-100k", 100000),
)

DEMO_ENDPOINTS = (
    {"id": "0d3e5a10-1111-4e2a-9c1d-000000000001", "name": "Fabric Prod.eu"},
    {"id": "0d3e5a10-2222-4e2a-9c1d-000000000002", "name": "daten_M\u00fcller 2"},
    {"id": "0d3e5a10-3333-4e2a-9c1d-000000000003", "name": "adhoc-analytics_01"},
)

VENDOR_SESSIONS = (
    {
        "session_id": "284888e2-c36f-4bec-9b24-e5bf0b386ab0",
        "status": "RUNINNG",
        "create_time": "2025-07-22T08:42:39.000+00:00",
        "endpoint_info": {"id": "0470d220-aaaa-410e-a417-0d69a0215683", "name": "test2"},
    },
    {
        "session_id": "4e4b2770-702f-48b7-9737-db107cf63e24",
        "status": "CLOSED",
        "create_time": "2025-07-22T06:13:47.000+00:00",
        "endpoint_info": {"id": "0470d220-aaaa-410e-a417-0d69a0215683", "name": "test2"},
    },
)

_ENDPOINT_POOL = (
    "test2",
    "etl-nightly",
    "bi_reporting",
    "Fabric Prod.eu",
    "adhoc.analytics",
    "daten_M\u00fcller 2",
    "ml-training 01",
    "finance_q3",
)
_ENDPOINT_WEIGHTS = (6, 3, 2, 1)
_STATUS_CUM_WEIGHTS = (42, 82, 89, 95, 100)  # RUNNING, CLOSED, WAITING, CREATING, FAIL
_TIME_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?\Z")
_FIELD_ORDER = ("session_id", "status", "create_time", "endpoint_info")


def uuid_from_bits(bits: int) -> str:
    h = "%032x" % bits
    return "%s-%s-4%s-%s%s-%s" % (h[:8], h[8:12], h[13:16], "89ab"[int(h[16], 16) & 3], h[17:20], h[20:32])


def format_time(epoch: float) -> str:
    tm = time.gmtime(epoch)
    return "%04d-%02d-%02dT%02d:%02d:%02d.000+00:00" % tm[:6]


def parse_time(text: t.Any) -> float | None:
    """Epoch seconds of an ISO-8601 create_time, or None."""
    if not isinstance(text, str):
        return None
    match = _TIME_RE.match(text)
    if not match:
        return None
    parts = [int(x) for x in match.groups()[:6]]
    try:
        epoch: float = calendar.timegm((parts[0], parts[1], parts[2], parts[3], parts[4], parts[5], 0, 0, 0))
    except (ValueError, OverflowError):
        return None
    frac = match.group(7)
    if frac:
        epoch += float("0." + frac)
    tz = match.group(8)
    if tz and tz != "Z":
        sign = -1 if tz[0] == "-" else 1
        digits = tz[1:].replace(":", "")
        epoch -= sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
    return epoch


def generate_sessions(workspace_id: str, count: int, seed: t.Any = 0, endpoints: t.Iterable[dict] | None = None,
                      newest: float = BASE_EPOCH) -> list[Session]:
    """Deterministic list of ``count`` sessions, newest first."""
    rng = random.Random("fabric-emulator:%s:%s" % (seed, workspace_id))
    if endpoints is None:
        names = rng.sample(_ENDPOINT_POOL, 2 + rng.randrange(3))
        chosen = [{"id": uuid_from_bits(rng.getrandbits(128)), "name": name} for name in names]
    else:
        chosen = [dict(ep) for ep in endpoints]
    if count <= 0:
        return []
    cum = []
    total = 0
    for weight in (_ENDPOINT_WEIGHTS + (1,) * len(chosen))[:len(chosen)]:
        total += weight
        cum.append(total)
    eps = rng.choices(chosen, cum_weights=cum, k=count)
    statuses = rng.choices(STATUSES, cum_weights=_STATUS_CUM_WEIGHTS, k=count)
    statuses[0] = "RUNNING"
    if count >= 10 and len(set(statuses)) < len(STATUSES):
        for status, position in zip(STATUSES, rng.sample(range(1, count), len(STATUSES))):
            statuses[position] = status
    getrandbits = rng.getrandbits
    rand = rng.random
    sessions = []
    append = sessions.append
    epoch = newest
    for i in range(count):
        append({
            "session_id": uuid_from_bits(getrandbits(128)),
            "status": statuses[i],
            "create_time": format_time(epoch),
            "endpoint_info": eps[i],
        })
        epoch -= int(rand() * 601)
    return sessions


def _demo_sessions(_seed: t.Any) -> list[Session]:
    return generate_sessions("ws-demo", 40, seed="demo", endpoints=DEMO_ENDPOINTS)


def _vendor_sessions(_seed: t.Any) -> list[Session]:
    return [json.loads(json.dumps(s)) for s in VENDOR_SESSIONS]


class Workspace:
    """The sessions of one workspace, newest first, with a small cache of filtered views."""

    __slots__ = ("sessions", "cache")

    def __init__(self, sessions: list[Session]) -> None:
        self.sessions = sessions
        self.cache: dict[tuple, list[Session]] = {}

    def replace(self, sessions: list[Session]) -> None:
        """Lists are replaced, never changed in place: a page sliced earlier stays valid."""
        self.sessions = sessions
        self.cache = {}

    def matching(self, endpoint_id: str | None, status: str | None, session_id: str | None) -> list[Session]:
        if endpoint_id is None and status is None and session_id is None:
            return self.sessions
        key = (endpoint_id, status, session_id)
        found = self.cache.get(key)
        if found is None:
            found = [s for s in self.sessions if _matches(s, endpoint_id, status, session_id)]
            if len(self.cache) >= 64:
                self.cache = {}
            self.cache[key] = found
        return found


def _matches(session: Session, endpoint_id: str | None, status: str | None, session_id: str | None) -> bool:
    if session_id is not None and session.get("session_id") != session_id:
        return False
    if status is not None and session.get("status") != status:
        return False
    if endpoint_id is not None:
        info = session.get("endpoint_info")
        if not isinstance(info, dict) or info.get("id") != endpoint_id:
            return False
    return True


def check_workspace_id(ws_id: t.Any) -> str:
    if not isinstance(ws_id, str) or not ID_RE.match(ws_id):
        raise ControlError(400, "invalid workspace id: %r" % (ws_id,))
    return ws_id


class WorkspaceStore:
    """Every workspace: how to build it (its spec) and, once read, its sessions."""

    def __init__(self, seed: t.Any = 0, extra: dict[str, int] | None = None) -> None:
        self.seed = seed
        self.extra = dict(extra or {})
        for ws_id in self.extra:
            if not ID_RE.match(ws_id):
                raise ValueError("invalid workspace id: %r" % (ws_id,))
        self.reset()

    def reset(self) -> None:
        self.specs: dict[str, tuple[str, t.Any]] = {ws_id: ("count", count) for ws_id, count in SIZED_SEEDS}
        self.specs["ws-demo"] = ("builder", _demo_sessions)
        self.specs["ws-vendor"] = ("builder", _vendor_sessions)
        for ws_id, count in self.extra.items():
            self.specs[ws_id] = ("count", int(count))
        self.built: dict[str, Workspace] = {}
        self.mutations = 0

    def get(self, ws_id: str) -> Workspace | None:
        """The workspace, generated on first access, or None."""
        ws = self.built.get(ws_id)
        if ws is None:
            spec = self.specs.get(ws_id)
            if spec is None:
                return None
            kind, arg = spec
            if kind == "count":
                sessions = generate_sessions(ws_id, arg, self.seed)
            elif kind == "builder":
                sessions = arg(self.seed)
            else:
                sessions = list(arg)
            ws = self.built[ws_id] = Workspace(sessions)
        return ws

    def ids(self) -> list[str]:
        return sorted(self.specs)

    def count(self, ws_id: str) -> int:
        ws = self.built.get(ws_id)
        if ws is None:
            kind, arg = self.specs[ws_id]
            if kind == "count":
                return arg
            ws = self.get(ws_id)
        return len(ws.sessions) if ws is not None else 0

    def put(self, ws_id: str, count: t.Any = None, sessions: t.Any = None) -> int:
        check_workspace_id(ws_id)
        if sessions is not None:
            if not isinstance(sessions, list):
                raise ControlError(400, "'sessions' must be a list")
            normalized = [self.complete_session(ws_id, s, None) for s in sessions]
            order = sorted(range(len(normalized)), key=lambda i: -(parse_time(normalized[i].get("create_time")) or 0.0))
            self.specs[ws_id] = ("list", [normalized[i] for i in order])
        else:
            if not is_int(count) or count < 0 or count > MAX_GENERATED:
                raise ControlError(400, "'count' must be an integer 0-%d" % MAX_GENERATED)
            self.specs[ws_id] = ("count", count)
        self.built.pop(ws_id, None)
        ws = self.get(ws_id)
        return len(ws.sessions) if ws is not None else 0

    def delete(self, ws_id: str) -> bool:
        found = self.specs.pop(ws_id, None) is not None
        self.built.pop(ws_id, None)
        return found

    def add_session(self, ws_id: str, session: t.Any) -> Session:
        """Insert one session at the head of a workspace (created if missing)."""
        check_workspace_id(ws_id)
        ws = self.get(ws_id)
        if ws is None:
            self.specs[ws_id] = ("list", [])
            ws = t.cast(Workspace, self.get(ws_id))
        completed = self.complete_session(ws_id, session, ws)
        ws.replace([completed] + ws.sessions)
        return completed

    def complete_session(self, ws_id: str, session: t.Any, ws: Workspace | None) -> Session:
        """Fill in what a session given to the control API leaves out."""
        if not isinstance(session, dict):
            raise ControlError(400, "a session must be a JSON object")
        self.mutations += 1
        rng = random.Random("fabric-emulator:add:%s:%s:%d" % (self.seed, ws_id, self.mutations))
        out = dict(session)
        if "session_id" not in out:
            out["session_id"] = uuid_from_bits(rng.getrandbits(128))
        out.setdefault("status", "RUNNING")
        head = ws.sessions[0] if ws is not None and ws.sessions else None
        if "create_time" not in out:
            newest = time.time()
            head_time = parse_time(head.get("create_time")) if head is not None else None
            if head_time is not None:
                newest = max(newest, head_time + 1)
            out["create_time"] = format_time(int(newest))
        if "endpoint_info" not in out:
            info = head.get("endpoint_info") if head is not None else None
            out["endpoint_info"] = dict(info) if isinstance(info, dict) else {
                "id": uuid_from_bits(rng.getrandbits(128)), "name": "emulator-endpoint"}
        ordered = {key: out.pop(key) for key in _FIELD_ORDER}
        ordered.update(out)
        return ordered

    def mutate(self, ws_id: str, add: int, remove: int) -> None:
        """Remove ``remove`` sessions from the head, then put ``add`` new ones there."""
        ws = self.get(ws_id)
        if ws is None:
            return
        sessions = ws.sessions[remove:] if remove else ws.sessions
        if add:
            sessions = self._fresh_sessions(ws_id, sessions, add) + sessions
        ws.replace(sessions)

    def _fresh_sessions(self, ws_id: str, below: list[Session], add: int) -> list[Session]:
        rng = random.Random("fabric-emulator:mutate:%s:%s:%d" % (self.seed, ws_id, self.mutations))
        self.mutations += 1
        head = parse_time(below[0].get("create_time")) if below else None
        newest = int(head if head is not None else BASE_EPOCH)
        endpoints: list[dict] = []
        for s in below[:50]:
            info = s.get("endpoint_info")
            if isinstance(info, dict) and info not in endpoints:
                endpoints.append(info)
        if not endpoints:
            endpoints = [{"id": uuid_from_bits(rng.getrandbits(128)), "name": "emulator-endpoint"}]
        fresh = []
        for _index in range(add):
            newest += 1 + rng.randrange(60)
            fresh.append({
                "session_id": uuid_from_bits(rng.getrandbits(128)),
                "status": rng.choices(STATUSES, cum_weights=_STATUS_CUM_WEIGHTS)[0],
                "create_time": format_time(newest),
                "endpoint_info": rng.choice(endpoints),
            })
        fresh.reverse()
        return fresh

    def set_status(self, ws_id: str, session_id: str, status: str) -> bool:
        """Give one session a new status; False when the session is not (yet) there."""
        ws = self.get(ws_id)
        if ws is None:
            return False
        for i, s in enumerate(ws.sessions):
            if s.get("session_id") == session_id:
                updated = dict(s)
                updated["status"] = status
                ws.replace(ws.sessions[:i] + [updated] + ws.sessions[i + 1:])
                return True
        return False
