"""The ledger's `LedgerStore` in SQL: the in-memory `Ledger` runs on the database.

`SqlLedgerStore(conn)` works inside the caller's transaction. Use `posting(engine, ban)`
to get one: it begins a write transaction and locks the billing account's book row
(`SELECT ... FOR UPDATE` on PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises
writers), so the ledger's checks (key, closed periods, pending resolution) and its append
see the same state. Transfer ids come from a counter row taken under a row lock until
commit, so they are 1, 2, 3... in posting order with no gaps, as in `MemoryStore`. Each
transfer is linked into the ledger's hash chain (icaops/store/chain.py) as it is stored.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, Engine, func, insert, select, update

from ..billing.ledger import Entry, Flow, Kind, Legs, Period, Ref, Transfer
from ..money import ZERO_CENTS
from .audit import now
from .chain import LEDGER, lock_head, set_head, transfer_digest
from .db import writing
from .models import BalanceRow, BookRow, EntryRow, LegRow, PeriodRow, RefRow, SequenceRow, TransferRow
from .sql import insert_or_ignore, upsert_adding

__all__ = ["SqlLedgerStore", "entry_sums", "lock_book", "posting", "stored_balances"]

TRANSFER_IDS = "transfers"


def lock_book(conn: Connection, billing_account: str) -> None:
    """Create the billing account's book row if needed and lock it until commit."""
    conn.execute(
        insert_or_ignore(conn, BookRow.__table__, ("billing_account",)),
        {"billing_account": billing_account, "transfers": 0},
    )
    conn.execute(
        select(BookRow.billing_account).where(BookRow.billing_account == billing_account).with_for_update()
    ).one()


@contextmanager
def posting(engine: Engine, billing_account: str) -> Iterator[SqlLedgerStore]:
    """A store in a write transaction holding `billing_account`'s lock; commits on success."""
    with writing(engine) as conn:
        lock_book(conn, billing_account)
        yield SqlLedgerStore(conn)


class SqlLedgerStore:
    """A `LedgerStore` on a SQLAlchemy connection (see the module docstring)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get(self, key: str) -> Transfer | None:
        """The stored transfer with this idempotency key."""
        return self._one(TransferRow.key == key)

    def resolution(self, pending_key: str) -> Transfer | None:
        """The post or void that resolved the pending transfer with this key."""
        return self._one(TransferRow.pending_key == pending_key)

    def append(self, transfer: Transfer, entries: tuple[Entry, ...]) -> Transfer:
        """Store a transfer and its entries, assigning the next id (see LedgerStore)."""
        assert transfer.id == 0, f"{transfer.key}: id is assigned by the store"
        if (stored := self.get(transfer.key)) is not None:
            return stored
        new_id = self._next_id()
        # Holding the counter lock, every earlier writer has committed: look again.
        if (stored := self.get(transfer.key)) is not None:
            self._give_back_id()
            return stored
        conn = self.conn
        legs = transfer.legs
        lines = legs.lines or ("",) * len(legs)
        row = {
            "id": new_id,
            "key": transfer.key,
            "billing_account": transfer.billing_account,
            "kind": str(transfer.kind),
            "flow": str(transfer.flow),
            "effective_date": transfer.effective_date,
            "posted_at": transfer.posted_at,
            "recorded_at": now(),
            "currency": transfer.currency,
            "clause": transfer.clause,
            "memo": transfer.memo,
            "pending_key": transfer.pending_key or None,
            "corrects": transfer.corrects,
            "has_lines": bool(legs.lines),
        }
        leg_rows = [
            {"transfer_id": new_id, "position": i, "account": account, "amount": amount, "line": line}
            for i, (account, amount, line) in enumerate(zip(legs.accounts, legs.amounts, lines))
        ]
        ref_rows = [
            {"transfer_id": new_id, "position": i, "source": r.source, "ref_id": r.id}
            for i, r in enumerate(transfer.refs)
        ]
        entry_rows = [
            {
                "transfer_id": new_id,
                "billing_account": e.billing_account,
                "account": e.account,
                "effective_date": e.effective_date,
                "pending": e.pending,
                "debit": e.debit,
                "credit": e.credit,
            }
            for e in entries
        ]
        # Holding the id counter's lock, the chain's head is transfer new_id - 1.
        head = lock_head(conn, LEDGER)
        if head.seq != new_id - 1:  # the counter or the chain was changed behind the store's back
            raise RuntimeError(
                f"ledger: the chain's head is transfer {head.seq} but the next id is {new_id}; "
                "nothing is posted (run `icaops verify`)"
            )
        link = head.link(LEDGER, transfer_digest(row, leg_rows, ref_rows, entry_rows))
        conn.execute(insert(TransferRow), {**row, **link.columns()})
        if leg_rows:
            conn.execute(insert(LegRow), leg_rows)
        if ref_rows:
            conn.execute(insert(RefRow), ref_rows)
        if entry_rows:
            conn.execute(insert(EntryRow), entry_rows)
            self._add_to_balances(entries)
        set_head(conn, LEDGER, link.head)
        conn.execute(
            upsert_adding(conn, BookRow.__table__, ("billing_account",), ("transfers",)),
            {"billing_account": transfer.billing_account, "transfers": 1},
        )
        return transfer.with_id(new_id)

    def entries(
        self, billing_account: str, account: str | None = None, as_of: date | None = None, ref: Ref | None = None
    ) -> Iterator[Entry]:
        """Entries filtered as LedgerStore.entries describes (account by account, each in
        posting order; accounts sorted as Python sorts, whatever the database collation)."""
        query = (
            select(
                EntryRow.transfer_id,
                EntryRow.account,
                EntryRow.effective_date,
                EntryRow.pending,
                EntryRow.debit,
                EntryRow.credit,
                TransferRow.key,
                TransferRow.kind,
            )
            .join(TransferRow, TransferRow.id == EntryRow.transfer_id)
            .where(EntryRow.billing_account == billing_account)
            .order_by(EntryRow.id)
        )
        if account is not None:
            query = query.where(EntryRow.account == account)
        if as_of is not None:
            query = query.where(EntryRow.effective_date <= as_of)
        if ref is not None:
            query = query.where(
                EntryRow.transfer_id.in_(
                    select(RefRow.transfer_id).where(RefRow.source == ref.source, RefRow.ref_id == ref.id)
                )
            )
        rows = list(self.conn.execute(query))
        refs = self._refs({r.transfer_id for r in rows})
        rows.sort(key=lambda r: r.account)  # stable: posting order within an account
        for r in rows:
            yield Entry(
                r.key,
                billing_account,
                r.account,
                r.effective_date,
                Kind(r.kind),
                refs.get(r.transfer_id, ()),
                r.pending,
                r.debit,
                r.credit,
            )

    def accounts(self) -> tuple[tuple[str, str], ...]:
        """Every (billing account, account) that has an entry, sorted."""
        rows = self.conn.execute(select(BalanceRow.billing_account, BalanceRow.account))
        return tuple(sorted((r.billing_account, r.account) for r in rows))

    def transfers(self, ref: Ref | None = None) -> Iterator[Transfer]:
        """Stored transfers (those caused by `ref`, or all) in id order."""
        condition = None
        if ref is not None:
            condition = TransferRow.id.in_(
                select(RefRow.transfer_id).where(RefRow.source == ref.source, RefRow.ref_id == ref.id)
            )
        return iter(self._load(condition))

    def close(self, period: Period) -> None:
        """Record a closed period; a repeat is ignored."""
        self.conn.execute(
            insert_or_ignore(self.conn, PeriodRow.__table__, ("billing_account", "first", "last")),
            {"billing_account": period.billing_account, "first": period.first, "last": period.last},
        )

    def closed(self, billing_account: str) -> tuple[Period, ...]:
        """The closed periods of a billing account, in closing order."""
        rows = self.conn.execute(
            select(PeriodRow.first, PeriodRow.last)
            .where(PeriodRow.billing_account == billing_account)
            .order_by(PeriodRow.id)
        )
        return tuple(Period(billing_account, r.first, r.last) for r in rows)

    def _next_id(self) -> int:
        conn = self.conn
        conn.execute(insert_or_ignore(conn, SequenceRow.__table__, ("name",)), {"name": TRANSFER_IDS, "last": 0})
        return conn.execute(
            update(SequenceRow)
            .where(SequenceRow.name == TRANSFER_IDS)
            .values(last=SequenceRow.last + 1)
            .returning(SequenceRow.last)
        ).scalar_one()

    def _give_back_id(self) -> None:
        self.conn.execute(update(SequenceRow).where(SequenceRow.name == TRANSFER_IDS).values(last=SequenceRow.last - 1))

    def _add_to_balances(self, entries: tuple[Entry, ...]) -> None:
        sums: dict[tuple[str, str], list[Decimal]] = defaultdict(
            lambda: [ZERO_CENTS, ZERO_CENTS, ZERO_CENTS, ZERO_CENTS]
        )
        for e in entries:
            column = sums[(e.billing_account, e.account)]
            column[2 if e.pending else 0] += e.debit
            column[3 if e.pending else 1] += e.credit
        columns = ("debits_posted", "credits_posted", "debits_pending", "credits_pending")
        self.conn.execute(
            upsert_adding(self.conn, BalanceRow.__table__, ("billing_account", "account"), columns),
            [
                {"billing_account": ban, "account": account, **dict(zip(columns, values))}
                for (ban, account), values in sorted(sums.items())
            ],
        )

    def _one(self, condition) -> Transfer | None:
        found = self._load(condition)
        return found[0] if found else None

    def _load(self, condition) -> list[Transfer]:
        query = select(TransferRow).order_by(TransferRow.id)
        if condition is not None:
            query = query.where(condition)
        rows = list(self.conn.execute(query))
        if not rows:
            return []
        ids = [r.id for r in rows]
        legs: dict[int, tuple[list, list, list]] = {i: ([], [], []) for i in ids}
        leg_query = select(LegRow.transfer_id, LegRow.account, LegRow.amount, LegRow.line).order_by(
            LegRow.transfer_id, LegRow.position
        )
        if condition is not None:
            leg_query = leg_query.where(LegRow.transfer_id.in_(ids))
        for leg in self.conn.execute(leg_query):
            columns = legs[leg.transfer_id]
            columns[0].append(leg.account)
            columns[1].append(leg.amount)
            columns[2].append(leg.line)
        refs = self._refs(None if condition is None else set(ids))
        out = []
        for r in rows:
            accounts, amounts, lines = legs[r.id]
            out.append(
                Transfer(
                    key=r.key,
                    billing_account=r.billing_account,
                    kind=Kind(r.kind),
                    effective_date=r.effective_date,
                    posted_at=r.posted_at,
                    currency=r.currency,
                    legs=Legs(tuple(accounts), tuple(amounts), tuple(lines) if r.has_lines else ()),
                    clause=r.clause,
                    refs=refs.get(r.id, ()),
                    memo=r.memo,
                    flow=Flow(r.flow),
                    pending_key=r.pending_key or "",
                    corrects=r.corrects,
                    id=r.id,
                )
            )
        return out

    def _refs(self, transfer_ids: set[int] | None) -> dict[int, tuple[Ref, ...]]:
        if transfer_ids is not None and not transfer_ids:
            return {}
        query = select(RefRow.transfer_id, RefRow.source, RefRow.ref_id).order_by(RefRow.transfer_id, RefRow.position)
        if transfer_ids is not None:
            query = query.where(RefRow.transfer_id.in_(sorted(transfer_ids)))
        out: dict[int, list[Ref]] = defaultdict(list)
        for r in self.conn.execute(query):
            out[r.transfer_id].append(Ref(r.source, r.ref_id))
        return {k: tuple(v) for k, v in out.items()}


def stored_balances(conn: Connection, billing_account: str) -> dict[str, tuple[Decimal, Decimal, Decimal, Decimal]]:
    """The running totals kept per account: (debits posted, credits posted, debits
    pending, credits pending)."""
    rows = conn.execute(select(BalanceRow).where(BalanceRow.billing_account == billing_account))
    return {r.account: (r.debits_posted, r.credits_posted, r.debits_pending, r.credits_pending) for r in rows}


def entry_sums(conn: Connection, billing_account: str) -> dict[str, tuple[Decimal, Decimal, Decimal, Decimal]]:
    """The same four totals summed from the entries themselves (to check the running ones)."""
    out: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO_CENTS, ZERO_CENTS, ZERO_CENTS, ZERO_CENTS])
    query = (
        select(EntryRow.account, EntryRow.pending, func.sum(EntryRow.debit), func.sum(EntryRow.credit))
        .where(EntryRow.billing_account == billing_account)
        .group_by(EntryRow.account, EntryRow.pending)
    )
    for account, pending, debit, credit in conn.execute(query):
        out[account][2 if pending else 0] += debit
        out[account][3 if pending else 1] += credit
    return {k: (v[0], v[1], v[2], v[3]) for k, v in out.items()}
