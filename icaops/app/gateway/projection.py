"""Projections: a domain's fold kept in the store as one row per object, advanced event by event.

A request must not re-fold a tenant's whole log (a CLEC may have hundreds of thousands of
events). The domain folds are handler tables over frozen states whose big parts are mappings
(orders by PON, lines by WTN, tickets by id...). A projection keeps each entry of those
mappings as a row, and the rest of the state as one row. To fold one more event it gives the
domain's own handler a state whose mappings load the entries the handler looks up, then writes
back the entries that changed. The handler is the same code the pure fold runs, so the rows
equal the fold of the log (tests/gateway/test_projection_equals_fold.py checks it over every
scenario); `rebuild` recomputes them from the log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, fields, replace
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from sqlalchemy import Connection, select

from ...relationship.events import Event
from ...store.codec import decode
from ...store.models import EventRow
from ...store.projections import Head, clear, current_heads, head, load_rows, save_head, save_rows

__all__ = [
    "Refusal",
    "Rows",
    "Spec",
    "Step",
    "advance_to_log",
    "apply",
    "assemble",
    "current_rows",
    "rebuild",
    "state_of",
]

_REST = ("", "")


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a domain refused an event: a stable code, the field, what was expected, the clause."""

    code: str
    field: str
    message: str
    clause: str


@dataclass(frozen=True, slots=True)
class Step:
    """What one event did: the state after it, the refusals, whether the event is kept in the log
    (accepted, or refused with its record kept, e.g. a rejected trouble report), and the events
    the domain derived for billing."""

    state: Any
    refusals: tuple[Refusal, ...]
    kept: bool
    emitted: tuple[Event, ...]


@dataclass(frozen=True)
class Spec:
    """How a domain's state is kept: its handler (`step(state, event, ctx) -> Step`), its empty
    state, the mapping fields kept a row per entry (with the status and date shown in lists),
    and the event types it folds."""

    domain: str
    package: str
    empty: Callable[[], Any]
    handles: frozenset[str]
    step: Callable[[Any, Event, Any], Step]
    keyed: tuple[str, ...] = ()
    status: Callable[[str, Any], tuple[str | None, dt.date | None]] = lambda field, value: (None, None)
    output: tuple[str, ...] = ()  # tuple fields that only carry a step's output (reset before each step)
    keys: tuple[tuple[str, str], ...] = ()  # (event field, the keyed field whose entry it names)

    def wanted_by(self, event: Event) -> list[tuple[str, str]]:
        """The rows a step of `event` reads first: the rest of the state and the objects it names."""
        named = [(keyed, str(event.get(name))) for name, keyed in self.keys if event.get(name) is not None]
        return [_REST, *named]

    @property
    def version(self) -> str:
        return _code_version(self.package)


@cache
def _code_version(package: str) -> str:
    """A digest of the domain package's source: a projection folded by other code is rebuilt."""
    digest = hashlib.sha256()
    root = resources.files(package)
    for item in sorted(root.iterdir(), key=lambda p: p.name):
        if item.name.endswith(".py"):
            digest.update(item.name.encode() + b"\0" + item.read_bytes())
    return digest.hexdigest()[:16]


class Rows:
    """The rows of one tenant's projection of a domain as a transaction sees them: loaded on
    demand, changed in memory, written by `flush`. `fresh` means the store holds none yet
    (a rebuild), so nothing is looked up."""

    def __init__(self, conn: Connection, spec: Spec, tenant: str, fresh: bool = False) -> None:
        self.conn, self.spec, self.tenant, self.fresh = conn, spec, tenant, fresh
        self._seen: dict[tuple[str, str], Any] = {}
        self._stored: dict[tuple[str, str], Any] = {}
        self._changed: dict[tuple[str, str], Any] = {}

    def get(self, field: str, key: str) -> Any:
        """The object at (field, key), or None."""
        where = (field, key)
        if where not in self._seen:
            self._seen.update(self._load([where]))
        return self._seen[where]

    def preload(self, keys: list[tuple[str, str]]) -> None:
        """Load these rows now, in one statement, rather than one lookup at a time."""
        missing = [k for k in dict.fromkeys(keys) if k not in self._seen]
        if missing:
            self._seen.update(self._load(missing))

    def _load(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], Any]:
        found = {} if self.fresh else load_rows(self.conn, self.spec.domain, self.tenant, keys)
        loaded = {k: found.get(k) for k in keys}
        self._stored.update(loaded)
        return loaded

    def put(self, field: str, key: str, value: Any) -> None:
        """Change (or, with None, delete) the object at (field, key)."""
        self._seen[(field, key)] = value
        self._changed[(field, key)] = value

    def rest(self) -> Mapping[str, Any]:
        """The state's fields that are not kept a row per entry."""
        value = self.get(*_REST)
        return value if value is not None else {}

    def changes(self) -> Mapping[tuple[str, str], Any]:
        """What this transaction changed and has not written yet: (field, key) → the object as it
        was stored before (None: there was none, or it was never looked up)."""
        return MappingProxyType({where: self._stored.get(where) for where in self._changed})

    def flush(self, seq: int) -> int:
        """Write what changed; returns the number of rows written or deleted."""
        changed = {
            where: None if value is None else (value, *self._shown(where, value))
            for where, value in self._changed.items()
        }
        save_rows(self.conn, self.spec.domain, self.tenant, changed, seq)
        self._changed.clear()
        return len(changed)

    def _shown(self, where: tuple[str, str], value: Any) -> tuple[str | None, dt.date | None]:
        return (None, None) if where == _REST else self.spec.status(where[0], value)


class _LazyMap(Mapping[str, Any]):
    """A keyed field of the state as one step sees it: entries are loaded from the rows when
    looked up. Iterating gives the entries this step looked up, which is what a handler copying
    the mapping to change one entry needs (and keeps a step's cost to what it touches); a
    handler may not count or scan a whole keyed field (it would see a part)."""

    def __init__(self, rows: Rows, field: str) -> None:
        self._rows, self._field = rows, field
        self.looked_up: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        value = self._rows.get(self._field, key)
        self.looked_up[key] = value
        if value is None:
            raise KeyError(key)
        return value

    def __iter__(self) -> Iterator[str]:
        return iter([k for k, v in self.looked_up.items() if v is not None])

    def __len__(self) -> int:
        raise TypeError(f"a projection cannot count {self._field}: look entries up by key")


def state_of(rows: Rows) -> Any:
    """The state the rows hold, its keyed fields loaded on demand (for one request's reads and steps)."""
    spec = rows.spec
    rest = rows.rest()
    empty = spec.empty()
    values = {f.name: rest.get(f.name, getattr(empty, f.name)) for f in fields(empty) if f.name not in spec.keyed}
    values.update(dict.fromkeys(spec.output, ()))
    values.update({name: _LazyMap(rows, name) for name in spec.keyed})
    return replace(empty, **values)


def apply(rows: Rows, event: Event, ctx: Any) -> Step:
    """Fold one event into the projection (in memory until `rows.flush`); a refused event that is
    not kept changes nothing."""
    spec = rows.spec
    before = state_of(rows)
    step = spec.step(before, event, ctx)
    if not step.kept:
        return step
    after = step.state
    for name in spec.keyed:
        new = getattr(after, name)
        if isinstance(new, _LazyMap):
            continue  # the handler did not replace the mapping: nothing changed in it
        seen = getattr(before, name).looked_up
        old = {k: v for k, v in seen.items() if v is not None}
        entries = dict(new.items())
        for key, value in entries.items():
            if old.get(key) is not value:
                rows.put(name, key, value)
        for key in old.keys() - entries.keys():
            rows.put(name, key, None)
    rest = {
        f.name: getattr(after, f.name) for f in fields(after) if f.name not in spec.keyed and f.name not in spec.output
    }
    old_rest = rows.rest()
    empty = spec.empty()
    if any(rest[k] is not old_rest.get(k, getattr(empty, k)) for k in rest):
        rows.put(*_REST, rest)
    return step


def assemble(conn: Connection, spec: Spec, tenant: str) -> Any:
    """The whole state a projection holds (for tests and rebuild checks: it reads every row)."""
    from ...store.projections import list_rows

    rows = Rows(conn, spec, tenant)
    state = state_of(rows)
    keyed = {}
    for name in spec.keyed:
        entries: dict[str, Any] = {}
        after: tuple[str, str] | None = None
        while page := list_rows(conn, spec.domain, [tenant], name, after=after, limit=1000):
            entries.update((key, value) for _, key, value in page)
            after = (page[-1][0], page[-1][1])
        keyed[name] = MappingProxyType(entries)
    return replace(state, **keyed)


def _log(conn: Connection, tenants: list[str] | None, types: frozenset[str], after_seq: int) -> list[tuple[int, Event]]:
    rows = conn.execute(
        select(
            EventRow.event_id, EventRow.date, EventRow.type, EventRow.payload, EventRow.source_seq, EventRow.chain_seq
        )
        .where(EventRow.type.in_(sorted(types)), EventRow.chain_seq > after_seq)
        .where(EventRow.tenant.in_(tenants) if tenants is not None else EventRow.tenant.is_not(None))
        .order_by(EventRow.date, EventRow.source_seq, EventRow.chain_seq)
    )
    return [
        (
            r.chain_seq,
            Event(
                id=r.event_id,
                date=r.date,
                type=r.type,
                data=tuple((k, decode(v)) for k, v in r.payload.items()),
                seq=r.source_seq,
            ),
        )
        for r in rows
    ]


def rebuild(conn: Connection, spec: Spec, tenant: str, sources: list[str] | None, ctx: Callable[[Event], Any]) -> Head:
    """Recompute a tenant's projection from the log (the events of `sources`, in log order)."""
    clear(conn, spec.domain, tenant)
    rows = Rows(conn, spec, tenant, fresh=True)
    log = _log(conn, sources, spec.handles, 0)
    for _, event in log:
        apply(rows, event, ctx(event))
    through = max((seq for seq, _ in log), default=0)
    rows.flush(through)
    new = Head(through, max((e.date for _, e in log), default=None), spec.version)
    save_head(conn, spec.domain, tenant, new)
    return new


def advance_to_log(
    conn: Connection, spec: Spec, tenant: str, sources: list[str] | None, ctx: Callable[[Event], Any]
) -> Rows:
    """The tenant's projection brought up to the log (events recorded by other paths, e.g. a file
    load, are folded in; an event dated before what was folded, or other code, rebuilds it), as
    `Rows` ready for this transaction's events. The caller holds the log's lock."""
    current = head(conn, spec.domain, tenant, lock=True)
    if current is None or current.version != spec.version:
        rebuild(conn, spec, tenant, sources, ctx)
        return Rows(conn, spec, tenant)
    late = _log(conn, sources, spec.handles, current.through_seq)  # an index range: usually empty
    if late:
        if current.through_date is not None and any(e.date < current.through_date for _, e in late):
            rebuild(conn, spec, tenant, sources, ctx)
            return Rows(conn, spec, tenant)
        rows = Rows(conn, spec, tenant)
        for _, event in late:
            apply(rows, event, ctx(event))
        newest = max(seq for seq, _ in late)
        rows.flush(newest)
        save_head(conn, spec.domain, tenant, Head(newest, max(e.date for _, e in late), spec.version))
    return Rows(conn, spec, tenant)


def current_rows(
    conn: Connection,
    spec: Spec,
    tenant: str,
    sources: list[str] | None,
    known: Mapping[tuple[str, str], Head | None] | None = None,
) -> Rows | None:
    """The tenant's projection as `Rows` if it has folded every event of the log it should, else
    None (it must be brought up to the log under the lock: `advance_to_log`). `known` holds heads
    already read with `current_heads`. Takes no lock: a writer that decides on it checks, under
    the log's lock, that nothing it read has moved."""
    key = (spec.domain, tenant)
    if known is None or key not in known:
        known = current_heads(conn, [(spec.domain, tenant, sources, spec.handles)])
    current = known[key]
    if current is None or current.version != spec.version:
        return None
    return Rows(conn, spec, tenant)
