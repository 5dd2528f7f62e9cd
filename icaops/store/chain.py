"""The hash chains over the event log and the ledger: each record carries the hash of the one
before it and its own fingerprint, so an edit, a deletion, a reordering or a forged insert
shows when the chain is checked again (`icaops.store.verify`).

A record's `chain_digest` is sha256 over a canonical JSON form of what it says (for a ledger
transfer: its row, legs, refs and entries); its `chain_hash` is sha256 over the chain's name,
its place in the chain, the previous record's hash and its digest. Records are linked in one
serial order: writers of a chain first lock its row in `chain_heads` (`lock_head`), which is
held until commit, so the chain order is the commit order and has no gaps (1, 2, 3...).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, select, update

from .models import ChainHeadRow, EntryRow, EventRow, LegRow, RefRow, TransferRow
from .sql import insert_or_ignore

__all__ = [
    "ENTRY_COLUMNS",
    "EVENTS",
    "EVENT_COLUMNS",
    "GENESIS",
    "LEDGER",
    "LEG_COLUMNS",
    "REF_COLUMNS",
    "TRANSFER_COLUMNS",
    "Head",
    "canonical",
    "digest",
    "event_digest",
    "lock_head",
    "set_head",
    "transfer_digest",
]

EVENTS = "events"
LEDGER = "ledger_transfers"
GENESIS = "0" * 64  # the "previous hash" of a chain's first record

# What each record says: the columns its digest covers (chain columns and row ids excepted).
EVENT_COLUMNS = ("tenant", "event_id", "date", "type", "source_seq", "payload", "fingerprint", "recorded_at")
TRANSFER_COLUMNS = (
    "id",
    "key",
    "billing_account",
    "kind",
    "flow",
    "effective_date",
    "posted_at",
    "recorded_at",
    "currency",
    "clause",
    "memo",
    "pending_key",
    "corrects",
    "has_lines",
)
LEG_COLUMNS = ("position", "account", "amount", "line")
REF_COLUMNS = ("position", "source", "ref_id")
ENTRY_COLUMNS = ("billing_account", "account", "effective_date", "pending", "debit", "credit")


def _plain(value: Any) -> Any:
    """A JSON value that is the same whichever database the value was read back from."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):  # 18.4 and 18.40 (NUMERIC scale, SQLite cents) are one amount
        return format(value.normalize(), "f") if value else "0"
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def canonical(value: Any) -> str:
    """The canonical JSON text of a record's content (sorted keys, no spaces, UTC times)."""
    return json.dumps(_plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(value: Any) -> str:
    """sha256 (hex) of `canonical(value)`: a record's own fingerprint."""
    return hashlib.sha256(canonical(value).encode()).hexdigest()


def event_digest(row: Mapping[str, Any]) -> str:
    """The fingerprint of an event row (its EVENT_COLUMNS)."""
    return digest({c: row[c] for c in EVENT_COLUMNS})


def transfer_digest(
    row: Mapping[str, Any],
    legs: Sequence[Mapping[str, Any]],
    refs: Sequence[Mapping[str, Any]],
    entries: Sequence[Mapping[str, Any]],
) -> str:
    """The fingerprint of a ledger transfer: its row, its legs and refs in position order, and
    its entries in the order they were written."""
    return digest(
        {
            "transfer": {c: row[c] for c in TRANSFER_COLUMNS},
            "legs": [[leg[c] for c in LEG_COLUMNS] for leg in legs],
            "refs": [[ref[c] for c in REF_COLUMNS] for ref in refs],
            "entries": [[entry[c] for c in ENTRY_COLUMNS] for entry in entries],
        }
    )


@dataclass(frozen=True, slots=True)
class Head:
    """The last record of a chain: its place (0 for an empty chain) and its hash."""

    seq: int
    hash: str

    def link(self, chain: str, record_digest: str) -> Link:
        """The link of the record that follows this head."""
        seq = self.seq + 1
        return Link(seq, self.hash, record_digest, link_hash(chain, seq, self.hash, record_digest))


@dataclass(frozen=True, slots=True)
class Link:
    """A record's place in its chain: its seq, the previous hash, its digest and its hash."""

    seq: int
    prev: str
    digest: str
    hash: str

    @property
    def head(self) -> Head:
        """The chain's head once this record is the last."""
        return Head(self.seq, self.hash)

    def columns(self) -> dict[str, str]:
        """The chain columns of the record's row (its seq is stored by the caller)."""
        return {"chain_prev": self.prev, "chain_digest": self.digest, "chain_hash": self.hash}


def link_hash(chain: str, seq: int, prev: str, record_digest: str) -> str:
    """sha256 over the chain's name, the record's place, the previous hash and its digest."""
    return hashlib.sha256(f"{chain}\n{seq}\n{prev}\n{record_digest}".encode()).hexdigest()


def lock_head(conn: Connection, chain: str) -> Head:
    """Lock the chain's head row until commit (SQLite: BEGIN IMMEDIATE already serialises
    writers) and return it. Every writer of the chain calls this before reading anything it
    orders by, so records are linked, and numbered, in commit order."""
    locked = select(ChainHeadRow.seq, ChainHeadRow.hash).where(ChainHeadRow.name == chain).with_for_update()
    row = conn.execute(locked).first()
    if row is None:  # the chain's first writer
        conn.execute(
            insert_or_ignore(conn, ChainHeadRow.__table__, ("name",)), {"name": chain, "seq": 0, "hash": GENESIS}
        )
        row = conn.execute(locked).one()
    return Head(row.seq, row.hash)


def set_head(conn: Connection, chain: str, head: Head) -> None:
    """Record the chain's new head (the caller holds its lock)."""
    conn.execute(update(ChainHeadRow).where(ChainHeadRow.name == chain).values(seq=head.seq, hash=head.hash))


def transfer_parts(
    conn: Connection, transfer_ids: Iterable[int]
) -> dict[int, tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]]:
    """Each transfer's legs, refs and entries as stored, in the order the digest takes them."""
    ids = sorted(transfer_ids)
    parts: dict[int, tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]] = {
        i: ([], [], []) for i in ids
    }
    if not ids:
        return parts
    low, high = ids[0], ids[-1]
    for index, (model, columns, order) in enumerate(
        (
            (LegRow, LEG_COLUMNS, LegRow.position),
            (RefRow, REF_COLUMNS, RefRow.position),
            (EntryRow, ENTRY_COLUMNS, EntryRow.id),
        )
    ):
        table = model.__table__
        query = (
            select(table.c.transfer_id, *(table.c[c] for c in columns))
            .where(table.c.transfer_id.between(low, high))
            .order_by(table.c.transfer_id, order)
        )
        for row in conn.execute(query):
            mapping = row._asdict()
            if mapping["transfer_id"] in parts:
                parts[mapping.pop("transfer_id")][index].append(mapping)
    return parts


def event_rows(conn: Connection) -> Any:
    """Every event row with its content and chain columns, in chain order (then position)."""
    table = EventRow.__table__
    columns = (*EVENT_COLUMNS, "position", "chain_seq", "chain_prev", "chain_digest", "chain_hash")
    return conn.execute(select(*(table.c[c] for c in columns)).order_by(table.c.chain_seq, table.c.position))


def transfer_rows(conn: Connection) -> Any:
    """Every ledger transfer row with its content and chain columns, in id order."""
    table = TransferRow.__table__
    columns = (*TRANSFER_COLUMNS, "chain_prev", "chain_digest", "chain_hash")
    return conn.execute(select(*(table.c[c] for c in dict.fromkeys(columns))).order_by(table.c.id))
