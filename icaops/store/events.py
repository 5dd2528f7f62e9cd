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

from sqlalchemy import Connection, select

from ..relationship.events import Event, EventError
from .audit import now, record
from .chain import EVENTS, event_digest, lock_head, set_head
from .codec import decode, encode
from .models import EventRow
from .sql import insert_or_ignore

__all__ = ["Appended", "append_events", "load_events", "refuse_events", "tenant_of"]


@dataclass
class Appended:
    """What `append_events` did: event ids stored, ids already stored, and refusals."""

    stored: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    errors: list[EventError] = field(default_factory=list)


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
) -> Appended:
    """Append events to the log in the caller's transaction; a repeat changes nothing.

    Takes the log's chain lock (held until commit): appends are serialised, each stored
    event gets the next `chain_seq` and is linked to the event stored before it."""
    result = Appended()
    at = at or now()
    statement = insert_or_ignore(conn, EventRow.__table__, ("tenant", "event_id")).returning(EventRow.position)
    head = start = lock_head(conn, EVENTS)
    for event in events:
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
        link = head.link(EVENTS, event_digest(row))
        if conn.execute(statement, {**row, "chain_seq": link.seq, **link.columns()}).first() is not None:
            result.stored.append(event.id)
            head = link.head
            continue
        first = conn.execute(
            select(EventRow.type, EventRow.date, EventRow.fingerprint).where(
                EventRow.tenant == owner, EventRow.event_id == event.id
            )
        ).one()
        if first.fingerprint == row["fingerprint"]:
            result.duplicates.append(event.id)
        else:
            error = EventError(
                source, event.id, "id", f"a unique id (already used by the {first.type} event of {first.date})"
            )
            _refuse(conn, result, error, event, owner, at)
    if head != start:
        set_head(conn, EVENTS, head)
    return result


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
