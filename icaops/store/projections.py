"""Rows of the gateway's projections: a domain's folded state kept per tenant, one row per object.

A value is the frozen domain record itself, pickled. Unpickling is restricted to an allow-list
(the icaops record classes, dates, Decimals, the immutable containers), so a row can never name
a function to call: a forged row fails to load instead of running code. Rows are derived: they
can always be rebuilt from the event log (`icaops projections rebuild`).
"""

from __future__ import annotations

import datetime as dt
import io
import pickle
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from sqlalchemy import Connection, Row, and_, delete, exists, func, or_, select, tuple_

from .models import EventRow, IdempotencyRow, ProjectionHeadRow, ProjectionRow
from .sql import upsert_replacing

__all__ = [
    "Head",
    "ProjectionCodecError",
    "clear",
    "current_heads",
    "dumps",
    "has_newer",
    "head",
    "keep_response",
    "kept_response",
    "list_rows",
    "load_row_and_newest",
    "load_rows",
    "loads",
    "moved_since",
    "newest_seq",
    "read_only",
    "save_head",
    "save_rows",
]

_ALLOWED_MODULES = ("icaops.",)
_ALLOWED: frozenset[tuple[str, str]] = frozenset(
    {
        ("datetime", "date"),
        ("datetime", "datetime"),
        ("datetime", "timedelta"),
        ("datetime", "timezone"),
        ("zoneinfo", "ZoneInfo"),
        ("decimal", "Decimal"),
        ("builtins", "frozenset"),
        ("builtins", "set"),
        ("builtins", "tuple"),
        ("builtins", "list"),
        ("builtins", "dict"),
        ("builtins", "getattr"),  # enum members are pickled as getattr(EnumClass, name)
        ("icaops.store.projections", "read_only"),
        ("copyreg", "_reconstructor"),
        ("copyreg", "__newobj__"),
        ("builtins", "object"),
    }
)


class ProjectionCodecError(Exception):
    """A stored projection value names a class outside the allow-list (a forged or foreign row)."""


def read_only(entries: dict[Any, Any]) -> Mapping[Any, Any]:
    """A read-only mapping of the entries (how a stored MappingProxyType is rebuilt)."""
    return MappingProxyType(entries)


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is MappingProxyType:  # not picklable as such; kept read-only on load
            return read_only, (dict(obj),)
        return NotImplemented


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        allowed = (module, name) in _ALLOWED or (module.startswith(_ALLOWED_MODULES) and name[:1].isupper())
        if not allowed:
            raise ProjectionCodecError(f"projection value names {module}.{name}, which is not a record class")
        return super().find_class(module, name)


def dumps(value: Any) -> bytes:
    """The stored form of a domain record."""
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=5).dump(value)
    return buffer.getvalue()


def loads(data: bytes) -> Any:
    """The domain record of a stored value (only allow-listed classes)."""
    return _Unpickler(io.BytesIO(data)).load()


@dataclass(frozen=True, slots=True)
class Head:
    """How far a domain's projection of a tenant has folded the log."""

    through_seq: int
    through_date: dt.date | None
    version: str


def head(conn: Connection, domain: str, tenant: str, lock: bool = False) -> Head | None:
    """The projection's head, or None when nothing was projected (locked FOR UPDATE on PostgreSQL when `lock`)."""
    query = select(ProjectionHeadRow.through_seq, ProjectionHeadRow.through_date, ProjectionHeadRow.version).where(
        ProjectionHeadRow.domain == domain, ProjectionHeadRow.tenant == tenant
    )
    if lock and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).first()
    return None if row is None else Head(row.through_seq, row.through_date, row.version)


def save_head(conn: Connection, domain: str, tenant: str, new: Head) -> None:
    """Record how far the projection has folded."""
    values = {
        "domain": domain,
        "tenant": tenant,
        "through_seq": new.through_seq,
        "through_date": new.through_date,
        "version": new.version,
    }
    conn.execute(
        upsert_replacing(
            conn, ProjectionHeadRow.__table__, ("domain", "tenant"), ("through_seq", "through_date", "version")
        ),
        values,
    )


def current_heads(
    conn: Connection, wanted: Iterable[tuple[str, str, Iterable[str] | None, Iterable[str]]]
) -> dict[tuple[str, str], Head | None]:
    """The heads of these projections, (domain, tenant, sources, types), that have folded every
    event of `sources` (None: any tenant) and `types` in the log; None for one that is absent or
    behind. Two statements, whatever the number: the heads, then one index range per head over
    the events after it (usually none)."""
    asked = [(d, t, None if src is None else list(src), list(types)) for d, t, src, types in wanted]
    keys = list(dict.fromkeys((d, t) for d, t, _, _ in asked))
    if not keys:
        return {}
    rows = conn.execute(
        select(
            ProjectionHeadRow.domain,
            ProjectionHeadRow.tenant,
            ProjectionHeadRow.through_seq,
            ProjectionHeadRow.through_date,
            ProjectionHeadRow.version,
        ).where(or_(*(and_(ProjectionHeadRow.domain == d, ProjectionHeadRow.tenant == t) for d, t in keys)))
    )
    heads: dict[tuple[str, str], Head | None] = {
        (r.domain, r.tenant): Head(r.through_seq, r.through_date, r.version) for r in rows
    }
    probes = []
    for domain, tenant, sources, types in asked:
        found = heads.get((domain, tenant))
        if found is None:
            continue
        late = exists().where(EventRow.chain_seq > found.through_seq, EventRow.type.in_(types))
        if sources is not None:
            late = late.where(EventRow.tenant.in_(sources))
        probes.append(((domain, tenant), late))
    if probes:
        answers = conn.execute(select(*(late.label(f"late_{i}") for i, (_, late) in enumerate(probes)))).one()
        for (key, _), behind in zip(probes, answers, strict=True):
            if behind:
                heads[key] = None
    return {key: heads.get(key) for key in keys}


def moved_since(conn: Connection, after_seq: int, tenant: str, types: Iterable[str]) -> tuple[bool, int]:
    """Whether the log holds an event after `after_seq` of `tenant` or, of any tenant, of `types`;
    and the greatest `source_seq` of the log (0 if empty). One statement."""
    # two ranges, each over an index of its own: (tenant, chain_seq) and (type, chain_seq)
    of_tenant = exists().where(EventRow.tenant == tenant, EventRow.chain_seq > after_seq)
    of_types = exists().where(EventRow.type.in_(list(types)), EventRow.chain_seq > after_seq)
    newest_source = select(func.max(EventRow.source_seq)).scalar_subquery()
    row = conn.execute(select(or_(of_tenant, of_types).label("moved"), newest_source.label("source_seq"))).one()
    return bool(row.moved), int(row.source_seq or 0)


def load_row_and_newest(conn: Connection, domain: str, tenant: str, where: tuple[str, str]) -> tuple[Any, int]:
    """The object kept at `where` (None if none) and the `chain_seq` of the tenant's newest event
    (0 if none), read in one statement."""
    field, key = where
    newest = select(func.max(EventRow.chain_seq)).where(EventRow.tenant == tenant).scalar_subquery()
    value = (
        select(ProjectionRow.value)
        .where(
            ProjectionRow.domain == domain,
            ProjectionRow.tenant == tenant,
            ProjectionRow.field == field,
            ProjectionRow.key == key,
        )
        .scalar_subquery()
    )
    row = conn.execute(select(value.label("value"), newest.label("newest"))).one()
    return (None if row.value is None else loads(row.value)), int(row.newest or 0)


def newest_seq(conn: Connection, tenants: Iterable[str] | None, types: Iterable[str] | None = None) -> int:
    """The `chain_seq` of the newest event of these tenants (None: of any) of these types, 0 if none."""
    query = select(func.max(EventRow.chain_seq))
    if tenants is not None:
        query = query.where(EventRow.tenant.in_(list(tenants)))
    if types is not None:
        query = query.where(EventRow.type.in_(list(types)))
    return int(conn.execute(query).scalar() or 0)


def has_newer(conn: Connection, tenants: Iterable[str] | None, types: Iterable[str], after_seq: int) -> bool:
    """Whether the log holds an event of these tenants (None: any) and types after `after_seq`
    (an index range over the newest events: cheap when there are none)."""
    query = select(EventRow.chain_seq).where(EventRow.chain_seq > after_seq, EventRow.type.in_(list(types)))
    if tenants is not None:
        query = query.where(EventRow.tenant.in_(list(tenants)))
    return conn.execute(query.limit(1)).first() is not None


def load_rows(
    conn: Connection, domain: str, tenant: str, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], Any]:
    """The stored objects at these (field, key) pairs (absent ones are left out)."""
    wanted = list(dict.fromkeys(keys))
    if not wanted:
        return {}
    found: dict[tuple[str, str], Any] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        condition = (
            tuple_(ProjectionRow.field, ProjectionRow.key).in_(chunk)
            if conn.dialect.name == "postgresql"
            else or_(*(and_(ProjectionRow.field == f, ProjectionRow.key == k) for f, k in chunk))
        )
        rows = conn.execute(
            select(ProjectionRow.field, ProjectionRow.key, ProjectionRow.value).where(
                ProjectionRow.domain == domain, ProjectionRow.tenant == tenant, condition
            )
        )
        found.update({(r.field, r.key): loads(r.value) for r in rows})
    return found


def save_rows(
    conn: Connection,
    domain: str,
    tenant: str,
    changed: Mapping[tuple[str, str], tuple[Any, str | None, dt.date | None] | None],
    seq: int,
) -> None:
    """Write the changed objects ((field, key) → (value, status, date)) and delete those mapped to None."""
    gone = [k for k, v in changed.items() if v is None]
    for field, key in gone:
        conn.execute(
            delete(ProjectionRow).where(
                ProjectionRow.domain == domain,
                ProjectionRow.tenant == tenant,
                ProjectionRow.field == field,
                ProjectionRow.key == key,
            )
        )
    rows = [
        {
            "domain": domain,
            "tenant": tenant,
            "field": field,
            "key": key,
            "status": kept[1],
            "on": kept[2],
            "value": dumps(kept[0]),
            "changed_seq": seq,
        }
        for (field, key), kept in changed.items()
        if kept is not None
    ]
    if rows:
        conn.execute(
            upsert_replacing(
                conn,
                ProjectionRow.__table__,
                ("domain", "tenant", "field", "key"),
                ("status", "on", "value", "changed_seq"),
            ),
            rows,
        )


def clear(conn: Connection, domain: str, tenant: str) -> None:
    """Forget a tenant's projection of a domain (before it is rebuilt from the log)."""
    conn.execute(delete(ProjectionRow).where(ProjectionRow.domain == domain, ProjectionRow.tenant == tenant))
    conn.execute(
        delete(ProjectionHeadRow).where(ProjectionHeadRow.domain == domain, ProjectionHeadRow.tenant == tenant)
    )


def list_rows(
    conn: Connection,
    domain: str,
    tenants: Iterable[str] | None,
    field: str,
    status: str | None = None,
    after: tuple[str, str] | None = None,
    limit: int = 50,
) -> list[tuple[str, str, Any]]:
    """A page of a field's objects, (tenant, key, value) in (tenant, key) order after `after`;
    `tenants` None means every tenant."""
    query = select(ProjectionRow.tenant, ProjectionRow.key, ProjectionRow.value).where(
        ProjectionRow.domain == domain, ProjectionRow.field == field
    )
    if tenants is not None:
        query = query.where(ProjectionRow.tenant.in_(list(tenants)))
    if status is not None:
        query = query.where(ProjectionRow.status == status)
    if after is not None:
        query = query.where(tuple_(ProjectionRow.tenant, ProjectionRow.key) > tuple_(*after))
    rows = conn.execute(query.order_by(ProjectionRow.tenant, ProjectionRow.key).limit(limit))
    return [(r.tenant, r.key, loads(r.value)) for r in rows]


def kept_response(conn: Connection, principal: str, key: str) -> Row[Any] | None:
    """The response kept under an Idempotency-Key, if any."""
    return conn.execute(
        select(IdempotencyRow.request_hash, IdempotencyRow.status_code, IdempotencyRow.response).where(
            IdempotencyRow.principal == principal, IdempotencyRow.key == key
        )
    ).first()


def keep_response(
    conn: Connection, principal: str, key: str, request_hash: str, status_code: int, response: Any, at: dt.datetime
) -> None:
    """Keep a response under its Idempotency-Key (in the action's transaction)."""
    conn.execute(
        IdempotencyRow.__table__.insert(),
        {
            "principal": principal,
            "key": key,
            "request_hash": request_hash,
            "status_code": status_code,
            "response": response,
            "created_at": at,
        },
    )
