"""The schema, as SQLAlchemy 2 declarative models (docs/store.md has the picture).

Append-only tables (the event log, ledger transfers, legs, entries, closed periods, the
audit log) are never updated or deleted: the migrations add triggers that refuse it (and
TRUNCATE, on PostgreSQL). The event log and the ledger transfers are hash chains
(icaops/store/chain.py), re-checked by icaops.store.verify.
A closed bill and its lines are never edited either. Money is `Exact` (NUMERIC, read as
Decimal; integer cents on SQLite), times are zone-aware (`UtcDateTime`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ..money import MONEY_DIGITS
from .types import Bounded, Exact, UtcDateTime

__all__ = [
    "ID",
    "MONEY",
    "QUANTITY",
    "AccountRow",
    "Agreement",
    "AuditRow",
    "BalanceRow",
    "Base",
    "BillLineRow",
    "BillRow",
    "BillingRejectionRow",
    "BookRow",
    "ChainHeadRow",
    "EntryRow",
    "EventRow",
    "LegRow",
    "PeriodRow",
    "PriceGroupRow",
    "RefRow",
    "ReferenceFileRow",
    "SequenceRow",
    "TransferRow",
    "X12ControlRow",
]

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

MONEY = Exact(MONEY_DIGITS, 2)
QUANTITY = Exact(18, 6)
# A row id that is a 64-bit integer on PostgreSQL and SQLite's rowid alias on SQLite.
ID = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    __table__: ClassVar[Table]  # every model maps one Table (SQLAlchemy types it as any FromClause)
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class Agreement(Base):
    """An interconnection/resale agreement the accounts bill under."""

    __tablename__ = "agreements"

    id: Mapped[str] = mapped_column(Bounded(100), primary_key=True)
    title: Mapped[str] = mapped_column(Bounded(300))
    effective_on: Mapped[dt.date | None] = mapped_column(Date)


class AccountRow(Base):
    """A CLEC billing account and what the terms look at (III.13.1, III.8.4, III.9.6, III.45)."""

    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(Bounded(64), primary_key=True)
    agreement_id: Mapped[str | None] = mapped_column(ForeignKey("agreements.id"))
    name: Mapped[str] = mapped_column(Bounded(300))
    ocn: Mapped[str | None] = mapped_column(Bounded(8))
    company_code: Mapped[str | None] = mapped_column(Bounded(8))
    ccna: Mapped[str | None] = mapped_column(Bounded(8))
    certificate_on_file: Mapped[bool] = mapped_column(Boolean, default=False)
    usf_certified_years: Mapped[list[Any]] = mapped_column(JSON, default=list)
    exemptions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    cycle_close_day: Mapped[int] = mapped_column(Integer)
    monthly_forecast: Mapped[Decimal | None] = mapped_column(MONEY)


class EventRow(Base):
    """The event log: one row per event of a tenant (a CLEC account), never changed.

    (tenant, event_id) is the idempotency key: feeding an event again stores nothing.
    `chain_seq` is the order the events were recorded (committed) in, 1, 2, 3... with no gaps;
    the chain columns link each event to the one before it (icaops/store/chain.py)."""

    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("tenant", "event_id"),
        Index(None, "tenant", "date", "source_seq"),
        Index(None, "chain_seq", unique=True),
    )

    position: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    tenant: Mapped[str] = mapped_column(Bounded(64))
    event_id: Mapped[str] = mapped_column(Bounded(200))
    date: Mapped[dt.date] = mapped_column(Date)
    type: Mapped[str] = mapped_column(Bounded(100))
    source_seq: Mapped[int] = mapped_column(Integer)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    fingerprint: Mapped[str] = mapped_column(Bounded(64))
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    chain_seq: Mapped[int] = mapped_column(ID)
    chain_prev: Mapped[str] = mapped_column(Bounded(64))
    chain_digest: Mapped[str] = mapped_column(Bounded(64))
    chain_hash: Mapped[str] = mapped_column(Bounded(64))


class AuditRow(Base):
    """What the system did or refused, and why (rejected events, refused bill rewrites, loads,
    reads of customer data), and who did it (`actor`, migration 0004)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index(None, "subject"), Index(None, "at"))

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(Bounded(100), default="", server_default="")
    action: Mapped[str] = mapped_column(Bounded(100))
    subject: Mapped[str] = mapped_column(Bounded(300))
    reason: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class BillRow(Base):
    """A bill header with its totals; once `closed` it is never edited."""

    __tablename__ = "bills"
    __table_args__ = (
        Index(None, "account_id", "period"),
        # III.9.2: one bill per account and cycle, however its period was spelled
        Index("uq_bills_account_id_cycle_close", "account_id", "cycle_close", unique=True),
    )

    id: Mapped[str] = mapped_column(Bounded(100), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    period: Mapped[str] = mapped_column(Bounded(7))
    cycle_start: Mapped[dt.date] = mapped_column(Date)
    cycle_close: Mapped[dt.date] = mapped_column(Date)
    bill_date: Mapped[dt.date] = mapped_column(Date)
    due_date: Mapped[dt.date] = mapped_column(Date)
    mrc: Mapped[Decimal] = mapped_column(MONEY)
    nrc: Mapped[Decimal] = mapped_column(MONEY)
    usage: Mapped[Decimal] = mapped_column(MONEY)
    tax: Mapped[Decimal] = mapped_column(MONEY)
    surcharge: Mapped[Decimal] = mapped_column(MONEY)
    late_charge: Mapped[Decimal] = mapped_column(MONEY)
    credit: Mapped[Decimal] = mapped_column(MONEY)
    adjustment: Mapped[Decimal] = mapped_column(MONEY)
    total: Mapped[Decimal] = mapped_column(MONEY)
    line_count: Mapped[int] = mapped_column(Integer)
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON)  # bill date and due date steps
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    stored_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class BillLineRow(Base):
    """One line of a bill: a per-WTN recurring line (wtn, usoc, service dates, price
    group) or another charge line (with its own explanation)."""

    __tablename__ = "bill_lines"

    # No FOREIGN KEY to bills: PostgreSQL checks one per row, which halves COPY speed
    # (docs/store.md); lines are only written by store_run, with their header, in one
    # transaction, and the tests check that no line is without its bill.
    bill_id: Mapped[str] = mapped_column(Bounded(100), primary_key=True)
    line_id: Mapped[str] = mapped_column(Bounded(200), primary_key=True)
    category: Mapped[str] = mapped_column(Bounded(20))
    code: Mapped[str] = mapped_column(Bounded(100))
    description: Mapped[str | None] = mapped_column(Bounded(300))
    quantity: Mapped[Decimal] = mapped_column(QUANTITY)
    unit_price: Mapped[Decimal | None] = mapped_column(QUANTITY)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    clause: Mapped[str] = mapped_column(Bounded(40))
    explanation: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # None: see the price group
    true_up: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str | None] = mapped_column(Bounded(200))
    service_date: Mapped[dt.date | None] = mapped_column(Date)
    wtn: Mapped[str | None] = mapped_column(Bounded(10))
    usoc: Mapped[str | None] = mapped_column(Bounded(10))
    service_start: Mapped[dt.date | None] = mapped_column(Date)
    service_end: Mapped[dt.date | None] = mapped_column(Date)
    days_in_service: Mapped[int | None] = mapped_column(Integer)
    price_group: Mapped[int | None] = mapped_column(Integer)


class PriceGroupRow(Base):
    """The explained amount shared by every recurring line of one price group on a bill."""

    __tablename__ = "bill_price_groups"

    bill_id: Mapped[str] = mapped_column(ForeignKey("bills.id"), primary_key=True)
    price_group: Mapped[int] = mapped_column(Integer, primary_key=True)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON)


class BillingRejectionRow(Base):
    """An inventory row that could not be billed, or a charge that may not be, with why."""

    __tablename__ = "billing_rejections"
    __table_args__ = (Index(None, "period", "account_id"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    period: Mapped[str] = mapped_column(Bounded(7))
    account_id: Mapped[str] = mapped_column(Bounded(64))
    bill_id: Mapped[str | None] = mapped_column(Bounded(100))
    record: Mapped[str] = mapped_column(Bounded(200))  # the inventory line or the charge's source
    field: Mapped[str] = mapped_column(Bounded(100))
    reason: Mapped[str] = mapped_column(Text)
    clause: Mapped[str | None] = mapped_column(Bounded(40))


class TransferRow(Base):
    """A ledger transfer (docs/ledger.md); ids are 1, 2, 3... in posting order, no gaps."""

    __tablename__ = "ledger_transfers"
    __table_args__ = (Index(None, "billing_account", "id"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=False)
    key: Mapped[str] = mapped_column(Bounded(200), unique=True)
    billing_account: Mapped[str] = mapped_column(Bounded(64))
    kind: Mapped[str] = mapped_column(Bounded(30))
    flow: Mapped[str] = mapped_column(Bounded(20))
    effective_date: Mapped[dt.date] = mapped_column(Date)
    posted_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    currency: Mapped[str] = mapped_column(Bounded(3))
    clause: Mapped[str] = mapped_column(Bounded(40))
    memo: Mapped[str] = mapped_column(Text, default="")
    # Only resolutions have one, so a second resolution of a pending transfer cannot be stored.
    pending_key: Mapped[str | None] = mapped_column(Bounded(200), unique=True)
    corrects: Mapped[str] = mapped_column(Bounded(200), default="")
    has_lines: Mapped[bool] = mapped_column(Boolean)  # whether legs name their lines
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)  # when it was stored
    # The ledger's hash chain, in id order (icaops/store/chain.py).
    chain_prev: Mapped[str] = mapped_column(Bounded(64))
    chain_digest: Mapped[str] = mapped_column(Bounded(64))
    chain_hash: Mapped[str] = mapped_column(Bounded(64))


class LegRow(Base):
    """One leg of a transfer, in its position."""

    __tablename__ = "ledger_legs"

    transfer_id: Mapped[int] = mapped_column(ForeignKey("ledger_transfers.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    account: Mapped[str] = mapped_column(Bounded(100))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    line: Mapped[str] = mapped_column(Bounded(200), default="")


class RefRow(Base):
    """What caused a transfer: `Ref(source, id)`, in the transfer's order."""

    __tablename__ = "ledger_refs"
    __table_args__ = (Index(None, "source", "ref_id"),)

    transfer_id: Mapped[int] = mapped_column(ForeignKey("ledger_transfers.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(Bounded(50))
    ref_id: Mapped[str] = mapped_column(Bounded(200))


class EntryRow(Base):
    """A transfer's effect on one account (posted or pending), debits and credits apart."""

    __tablename__ = "ledger_entries"
    __table_args__ = (Index(None, "billing_account", "account", "effective_date"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("ledger_transfers.id"))
    billing_account: Mapped[str] = mapped_column(Bounded(64))
    account: Mapped[str] = mapped_column(Bounded(100))
    effective_date: Mapped[dt.date] = mapped_column(Date)
    pending: Mapped[bool] = mapped_column(Boolean)
    debit: Mapped[Decimal] = mapped_column(MONEY)
    credit: Mapped[Decimal] = mapped_column(MONEY)


class BalanceRow(Base):
    """Running totals of one account's entries (TigerBeetle's four columns), kept in the
    same transaction as the entries: always equal to their sums."""

    __tablename__ = "ledger_balances"

    billing_account: Mapped[str] = mapped_column(Bounded(64), primary_key=True)
    account: Mapped[str] = mapped_column(Bounded(100), primary_key=True)
    debits_posted: Mapped[Decimal] = mapped_column(MONEY)
    credits_posted: Mapped[Decimal] = mapped_column(MONEY)
    debits_pending: Mapped[Decimal] = mapped_column(MONEY)
    credits_pending: Mapped[Decimal] = mapped_column(MONEY)


class BookRow(Base):
    """One row per billing account: the row a writer locks (FOR UPDATE) before posting."""

    __tablename__ = "ledger_books"

    billing_account: Mapped[str] = mapped_column(Bounded(64), primary_key=True)
    transfers: Mapped[int] = mapped_column(Integer, default=0)


class PeriodRow(Base):
    """A closed bill period of a billing account; `id` gives the closing order."""

    __tablename__ = "ledger_periods"
    __table_args__ = (UniqueConstraint("billing_account", "first", "last"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    billing_account: Mapped[str] = mapped_column(Bounded(64))
    first: Mapped[dt.date] = mapped_column(Date)
    last: Mapped[dt.date] = mapped_column(Date)


class SequenceRow(Base):
    """Gapless counters (the last transfer id), taken under a row lock until commit."""

    __tablename__ = "ledger_sequences"

    name: Mapped[str] = mapped_column(Bounded(50), primary_key=True)
    last: Mapped[int] = mapped_column(ID)


class ChainHeadRow(Base):
    """The last record of each hash chain (`events`, `ledger_transfers`): the row a writer of
    the chain locks until commit, so records are linked in commit order."""

    __tablename__ = "chain_heads"

    name: Mapped[str] = mapped_column(Bounded(50), primary_key=True)
    seq: Mapped[int] = mapped_column(ID)
    hash: Mapped[str] = mapped_column(Bounded(64))


class X12ControlRow(Base):
    """The last X12 control number given out by each counter (interchanges: ISA13 and GS06).

    Taken under a row lock until commit, never given back, so two files never share one."""

    __tablename__ = "x12_control_numbers"

    name: Mapped[str] = mapped_column(Bounded(50), primary_key=True)
    last: Mapped[int] = mapped_column(ID)


class ReferenceFileRow(Base):
    """A numbering reference file as loaded (`icaops reference load`, issue 14): its kind, name,
    sha256, rows, effective date, who loaded it when, and its bytes (gzip) to be read again at
    every check. Files loaded together share a `load_seq`; a check uses, per kind, the load with
    the latest effective date on or before its date. Never edited: a new load supersedes."""

    __tablename__ = "reference_files"
    __table_args__ = (Index(None, "kind", "effective_on"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    load_seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(Bounded(32))
    name: Mapped[str] = mapped_column(Bounded(300))
    sha256: Mapped[str] = mapped_column(Bounded(64))
    rows: Mapped[int] = mapped_column(Integer)
    effective_on: Mapped[dt.date] = mapped_column(Date)
    loaded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    loaded_by: Mapped[str] = mapped_column(Bounded(100))
    warnings: Mapped[list[Any]] = mapped_column(JSON, default=list)
    content: Mapped[bytes] = mapped_column(LargeBinary)
