"""The event log: append events idempotently, read a tenant's log back in order.

A tenant is the CLEC account an event belongs to (its `account` field, else the tenant
the caller names). (tenant, event id) is unique: an event fed twice is stored once, and
an event reusing an id with different content is refused and kept in the audit log with
its reason; the first one stays. Each stored event is linked into the log's hash chain
(icaops/store/chain.py) in the same transaction, holding the chain's lock until commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, insert, select

from ..relationship.events import Event, EventError
from .audit import now, record
from .chain import EVENTS, Head, event_digest, lock_head, set_head
from .codec import decode, encode
from .models import ChainHeadRow, EventRow

__all__ = ["Appended", "append_events", "load_events", "log_position", "refuse_events", "tenant_of"]


@dataclass
class Appended:
    """What `append_events` did: event ids stored, ids already stored, and refusals."""

    stored: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    errors: list[EventError] = field(default_factory=list)
    last_seq: int = 0  # the log's newest chain_seq after the append


def tenant_of(event: Event, tenant: str | None = None) -> str | None:
    """The tenant an event belongs to: its `account` field, else `tenant`."""
    account = event.get("account")
    return str(account) if account is not None else tenant


def append_events(
    conn: Connection,
    events: Iterable[Event],
    tenant: str | None = None,
    source: str = "store",
    at: dt.datetime | None = None,
    locked: Head | None = None,
) -> Appended:
    """Append events to the log in the caller's transaction; a repeat changes nothing.

    Takes the log's chain lock (held until commit): appends are serialised, each stored
    event gets the next `chain_seq` and is linked to the event stored before it. Under the
    lock no other writer can add an id, so the ids already stored are looked up once per
    batch and the new rows are written in one statement. A caller that already holds the lock
    passes the head it locked as `locked`."""
    result = Appended()
    at = at or now()
    batch = list(events)
    head = start = locked if locked is not None else lock_head(conn, EVENTS)
    stored = _stored(conn, [(tenant_of(e, tenant) or "", e.id) for e in batch])
    rows: list[dict[str, Any]] = []
    for event in batch:
        owner = tenant_of(event, tenant)
        if not owner:
            error = EventError(source, event.id, "account", "the account (tenant) the event belongs to")
            _refuse(conn, result, error, event, "", at)
            continue
        row = {
            "tenant": owner,
            "event_id": event.id,
            "date": event.date,
            "type": event.type,
            "source_seq": event.seq,
            "payload": encode(dict(event.data)),
            "fingerprint": event.fingerprint(),
            "recorded_at": at,
        }
        first = stored.get((owner, event.id))
        if first is None:
            link = head.link(EVENTS, event_digest(row))
            rows.append({**row, "chain_seq": link.seq, **link.columns()})
            stored[(owner, event.id)] = (event.type, event.date, row["fingerprint"])
            result.stored.append(event.id)
            head = link.head
        elif first[2] == row["fingerprint"]:
            result.duplicates.append(event.id)
        else:
            error = EventError(
                source, event.id, "id", f"a unique id (already used by the {first[0]} event of {first[1]})"
            )
            _refuse(conn, result, error, event, owner, at)
    if rows:
        conn.execute(insert(EventRow), rows)
    if head != start:
        set_head(conn, EVENTS, head)
    result.last_seq = head.seq
    return result


def log_position(conn: Connection) -> tuple[int, int]:
    """The log's newest `chain_seq` as committed now (read without the lock) and its greatest
    `source_seq`, in one statement: where a writer that decides before locking starts from."""
    chained = select(ChainHeadRow.seq).where(ChainHeadRow.name == EVENTS).scalar_subquery()
    newest_source = select(func.max(EventRow.source_seq)).scalar_subquery()
    row = conn.execute(select(chained.label("seq"), newest_source.label("source_seq"))).one()
    return int(row.seq or 0), int(row.source_seq or 0)


def _stored(conn: Connection, keys: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, dt.date, str]]:
    """(type, date, fingerprint) of the events already stored under these (tenant, id) keys."""
    by_tenant: dict[str, list[str]] = {}
    for owner, event_id in dict.fromkeys(keys):
        by_tenant.setdefault(owner, []).append(event_id)
    found: dict[tuple[str, str], tuple[str, dt.date, str]] = {}
    for owner, ids in by_tenant.items():
        for i in range(0, len(ids), 900):
            rows = conn.execute(
                select(EventRow.event_id, EventRow.type, EventRow.date, EventRow.fingerprint).where(
                    EventRow.tenant == owner, EventRow.event_id.in_(ids[i : i + 900])
                )
            )
            found.update({(owner, r.event_id): (r.type, r.date, r.fingerprint) for r in rows})
    return found


def load_events(conn: Connection, tenant: str) -> tuple[Event, ...]:
    """A tenant's events as stored, in date order (same-day events in their source order,
    then in the order they were recorded, which is the chain's order): the log `ordered_log`
    would give."""
    rows = conn.execute(
        select(EventRow.event_id, EventRow.date, EventRow.type, EventRow.payload, EventRow.source_seq)
        .where(EventRow.tenant == tenant)
        .order_by(EventRow.date, EventRow.source_seq, EventRow.chain_seq)
    )
    return tuple(
        Event(
            id=r.event_id,
            date=r.date,
            type=r.type,
            data=tuple((k, decode(v)) for k, v in r.payload.items()),
            seq=r.source_seq,
        )
        for r in rows
    )


def _refuse(conn: Connection, result: Appended, error: EventError, event: Event, tenant: str, at: dt.datetime) -> None:
    result.errors.append(error)
    record(
        conn,
        "event.rejected",
        f"{tenant}/{event.id}",
        str(error),
        {"type": event.type, "date": event.date, "data": dict(event.data)},
        at,
    )


def refuse_events(conn: Connection, errors: Iterable[EventError], source: str, at: dt.datetime | None = None) -> None:
    """Keep in the audit log why a batch of events (a file) was refused; none of it is stored."""
    at = at or now()
    for error in errors:
        record(
            conn,
            "event.rejected",
            f"{source}/{error.event}"[:300],
            str(error),
            {"source": error.source, "field": error.field, "expected": error.expected},
            at,
        )
