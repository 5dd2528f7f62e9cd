"""Re-checking the record: the hash chains, the tables derived from them, and the guards.

`verify(conn)` walks the event log and the ledger in chain order, recomputes every record's
digest and link, and names each record that was edited, deleted, reordered or inserted outside
the store; it rebuilds the running balances, the transfer counter and the books' counts from
the source rows and names any that differ; it names a guard trigger that was dropped or
disabled. `day_heads(conn)` gives, per day, each chain's last record and hash, which either
party can keep and later hand to `check_heads`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, select

from ..money import ZERO_CENTS
from .chain import (
    EVENTS,
    GENESIS,
    LEDGER,
    event_digest,
    event_rows,
    link_hash,
    transfer_digest,
    transfer_parts,
    transfer_rows,
)
from .guards import missing_triggers
from .models import BalanceRow, BookRow, ChainHeadRow, EntryRow, EventRow, LegRow, RefRow, SequenceRow, TransferRow

__all__ = ["DayHead", "Finding", "Walked", "check_heads", "day_heads", "parse_heads", "verify"]

TRANSFER_IDS = "transfers"  # icaops.store.ledger's counter
BATCH = 2000  # transfers whose legs, refs and entries are read at once


@dataclass(frozen=True, slots=True)
class Finding:
    """Damage found: in which table, which record, what is wrong, what was expected and found."""

    table: str
    record: str
    problem: str
    expected: str
    found: str

    def __str__(self) -> str:
        return f"{self.table} {self.record}: {self.problem}: expected {self.expected}, found {self.found}"


@dataclass(frozen=True, slots=True)
class DayHead:
    """A chain's last record among those stored on `day` (UTC): its place and hash."""

    day: dt.date
    chain: str
    seq: int
    hash: str

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.chain} {self.seq} {self.hash}"


@dataclass(frozen=True, slots=True)
class Walked:
    """What a walk of one chain found: its records, its last (seq, hash), and the damage."""

    chain: str
    records: int
    last: tuple[int, str]
    findings: tuple[Finding, ...]


@dataclass(frozen=True, slots=True)
class _Record:
    seq: int | None
    label: str
    digest: str  # recomputed from what the record says
    prev: str
    stored_digest: str
    hash: str
    day: dt.date | None


def verify(conn: Connection) -> tuple[tuple[Walked, ...], tuple[Finding, ...]]:
    """Walk both chains and check the derived tables and the guards: (walks, other findings)."""
    walks = (_walk(EVENTS, _events(conn)), _walk(LEDGER, _transfers(conn)))
    findings = [
        *_heads_kept(conn, walks),
        *_orphans(conn),
        *_balances(conn),
        *_counters(conn),
        *(
            Finding(table, f"trigger {trigger}", f"guard {state}", "the trigger of the migrations", state)
            for table, trigger, state in missing_triggers(conn)
        ),
    ]
    return walks, tuple(findings)


def _events(conn: Connection) -> Iterator[_Record]:
    for row in event_rows(conn):
        yield _Record(
            row.chain_seq or None,
            f"{f'chain_seq {row.chain_seq}' if row.chain_seq else f'position {row.position}'} "
            f"({row.tenant}/{row.event_id})",
            event_digest(row._mapping),
            row.chain_prev,
            row.chain_digest,
            row.chain_hash,
            _day(row.recorded_at),
        )


def _transfers(conn: Connection) -> Iterator[_Record]:
    batch: list[Any] = []
    for row in transfer_rows(conn):
        batch.append(row)
        if len(batch) == BATCH:
            yield from _transfer_batch(conn, batch)
            batch = []
    yield from _transfer_batch(conn, batch)


def _transfer_batch(conn: Connection, rows: list[Any]) -> Iterator[_Record]:
    parts = transfer_parts(conn, [r.id for r in rows])
    for row in rows:
        yield _Record(
            row.id,
            f"id {row.id} ({row.key})",
            transfer_digest(row._mapping, *parts[row.id]),
            row.chain_prev,
            row.chain_digest,
            row.chain_hash,
            _day(row.recorded_at),
        )


def _day(at: dt.datetime | None) -> dt.date | None:
    return None if at is None else at.astimezone(dt.UTC).date()


def _walk(chain: str, records: Iterable[_Record]) -> Walked:
    findings: list[Finding] = []
    expected_seq, prev_hash, count = 1, GENESIS, 0

    def found(record: _Record, problem: str, expected: str, got: str) -> None:
        findings.append(Finding(chain, record.label, problem, expected, got))

    for record in records:
        count += 1
        if not record.seq or not record.hash:
            found(record, "not in the chain: inserted outside the store (forged?)", "a chain link", "none")
            continue
        gap = record.seq > expected_seq
        if gap:
            missing = f"{expected_seq}" if record.seq == expected_seq + 1 else f"{expected_seq}-{record.seq - 1}"
            found(record, f"record(s) {missing} before it are missing (deleted)", f"seq {expected_seq}", "none")
        elif record.seq < expected_seq:
            found(record, "seq given twice (a record inserted outside the store?)", f"seq {expected_seq}", "again")
        if record.digest != record.stored_digest:
            found(record, "content changed since it was stored (edited)", record.stored_digest, record.digest)
        if record.prev != prev_hash and not gap:
            found(
                record,
                "link to the previous record broken (a record before it changed, removed, reordered or inserted)",
                prev_hash,
                record.prev,
            )
        elif link_hash(chain, record.seq, record.prev, record.stored_digest) != record.hash:
            found(
                record,
                "chain hash does not match its link (seq, previous hash or digest changed)",
                link_hash(chain, record.seq, record.prev, record.stored_digest),
                record.hash,
            )
        prev_hash, expected_seq = record.hash, max(expected_seq, record.seq + 1)
    return Walked(chain, count, (expected_seq - 1, prev_hash), tuple(findings))


def _heads_kept(conn: Connection, walks: Iterable[Walked]) -> Iterator[Finding]:
    kept = {
        r.name: (r.seq, r.hash) for r in conn.execute(select(ChainHeadRow.name, ChainHeadRow.seq, ChainHeadRow.hash))
    }
    for walk in walks:
        head = kept.get(walk.chain, (0, GENESIS))
        if head != walk.last:
            yield Finding(
                "chain_heads",
                walk.chain,
                "the head kept by the store is not the chain's last record "
                "(records at the end deleted, or added outside the store)",
                f"seq {head[0]} hash {head[1]}",
                f"seq {walk.last[0]} hash {walk.last[1]}",
            )


def _orphans(conn: Connection) -> Iterator[Finding]:
    """Legs, refs and entries of no transfer (a transfer deleted, or rows forged)."""
    for model in (LegRow, RefRow, EntryRow):
        table = model.__table__
        query = (
            select(table.c.transfer_id, func.count())
            .where(table.c.transfer_id.not_in(select(TransferRow.id)))
            .group_by(table.c.transfer_id)
        )
        for transfer_id, count in conn.execute(query):
            yield Finding(table.name, f"transfer_id {transfer_id}", "rows of no stored transfer", "0 rows", f"{count}")


def _balances(conn: Connection) -> Iterator[Finding]:
    """The running balances against the sums rebuilt from the entries."""
    rebuilt: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [ZERO_CENTS] * 4)
    query = select(
        EntryRow.billing_account,
        EntryRow.account,
        EntryRow.pending,
        func.sum(EntryRow.debit),
        func.sum(EntryRow.credit),
    ).group_by(EntryRow.billing_account, EntryRow.account, EntryRow.pending)
    for ban, account, pending, debit, credit in conn.execute(query):
        rebuilt[(ban, account)][2 if pending else 0] += debit
        rebuilt[(ban, account)][3 if pending else 1] += credit
    stored = {
        (r.billing_account, r.account): [r.debits_posted, r.credits_posted, r.debits_pending, r.credits_pending]
        for r in conn.execute(select(BalanceRow))
    }
    for key in sorted(set(rebuilt) | set(stored)):
        want, have = rebuilt.get(key), stored.get(key)
        if want is None or have is None or any(a != b for a, b in zip(want, have)):
            yield Finding(
                "ledger_balances",
                "/".join(key),
                "running totals differ from the sums of the entries",
                _four(want),
                _four(have),
            )


def _four(values: list[Decimal] | None) -> str:
    if values is None:
        return "no row"
    names = ("debits_posted", "credits_posted", "debits_pending", "credits_pending")
    return ", ".join(f"{n} {v}" for n, v in zip(names, values))


def _counters(conn: Connection) -> Iterator[Finding]:
    """The transfer-id counter and each book's transfer count, against the transfers."""
    last = conn.execute(select(func.max(TransferRow.id))).scalar() or 0
    counter = conn.execute(select(SequenceRow.last).where(SequenceRow.name == TRANSFER_IDS)).scalar()
    if (counter or 0) != last:
        yield Finding(
            "ledger_sequences", TRANSFER_IDS, "counter differs from the last transfer id", f"{last}", f"{counter}"
        )
    counts = dict(
        conn.execute(select(TransferRow.billing_account, func.count()).group_by(TransferRow.billing_account)).all()
    )
    books = dict(conn.execute(select(BookRow.billing_account, BookRow.transfers)).all())
    for ban in sorted(set(counts) | set(books)):
        if counts.get(ban, 0) != books.get(ban, 0):
            yield Finding(
                "ledger_books",
                ban,
                "transfer count differs from the stored transfers",
                f"{counts.get(ban, 0)}",
                f"{books.get(ban, 0)}",
            )


def day_heads(conn: Connection) -> tuple[DayHead, ...]:
    """Per day (UTC, when records were stored) and chain: the last record and its hash."""
    out: list[DayHead] = []
    for chain, rows in ((EVENTS, _event_heads(conn)), (LEDGER, _transfer_heads(conn))):
        last: dict[dt.date, tuple[int, str]] = {}
        for seq, hash_, at in rows:
            day = _day(at)
            if day is not None and seq and seq >= last.get(day, (0, ""))[0]:
                last[day] = (seq, hash_)
        out += [DayHead(day, chain, seq, hash_) for day, (seq, hash_) in last.items()]
    return tuple(sorted(out, key=lambda h: (h.day, h.chain)))


def _event_heads(conn: Connection) -> Iterable[Any]:
    return conn.execute(select(EventRow.chain_seq, EventRow.chain_hash, EventRow.recorded_at))


def _transfer_heads(conn: Connection) -> Iterable[Any]:
    return conn.execute(select(TransferRow.id, TransferRow.chain_hash, TransferRow.recorded_at))


def parse_heads(lines: Iterable[str], source: str) -> tuple[list[DayHead], list[str]]:
    """Heads kept from an earlier `day_heads` (one `DAY CHAIN SEQ HASH` a line; blank lines and
    `#` comments skipped), and the lines that are not heads, named `source:line`."""
    heads, errors = [], []
    for number, line in enumerate(lines, 1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        try:
            day, chain, seq, hash_ = words
            if chain not in (EVENTS, LEDGER) or len(hash_) != 64:
                raise ValueError(chain)
            heads.append(DayHead(dt.date.fromisoformat(day), chain, int(seq), hash_))
        except ValueError:
            errors.append(
                f"{source}:{number}: expected DAY CHAIN SEQ HASH ({EVENTS} or {LEDGER}), got {line.strip()!r}"
            )
    return heads, errors


def check_heads(conn: Connection, kept: Iterable[DayHead]) -> list[Finding]:
    """Each kept head against the chain as stored now: the record at its seq must have its hash."""
    columns: Mapping[str, tuple[Any, Any]] = {
        EVENTS: (EventRow.chain_seq, EventRow.chain_hash),
        LEDGER: (TransferRow.id, TransferRow.chain_hash),
    }
    findings = []
    for head in kept:
        seq_column, hash_column = columns[head.chain]
        now = conn.execute(select(hash_column).where(seq_column == head.seq)).scalars().all()
        if now != [head.hash]:
            findings.append(
                Finding(
                    head.chain,
                    f"seq {head.seq} (the head kept for {head.day})",
                    "the chain no longer ends there with the kept hash (rewritten or deleted since)",
                    head.hash,
                    ", ".join(now) or "no record",
                )
            )
    return findings
