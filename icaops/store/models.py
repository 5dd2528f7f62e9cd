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
    CheckConstraint,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
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
    "ROLE_FITS_KIND",
    "AccountRow",
    "Agreement",
    "ApiTokenRow",
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
    "IdempotencyRow",
    "LegRow",
    "OrganisationAccountRow",
    "OrganisationRow",
    "PeriodRow",
    "PriceGroupRow",
    "ProjectionHeadRow",
    "ProjectionRow",
    "RateWindowRow",
    "RefRow",
    "ReferenceFileRow",
    "SequenceRow",
    "TransferRow",
    "UserRow",
    "WebhookAttemptRow",
    "WebhookDeliveryRow",
    "WebhookSubscriptionRow",
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
        Index(None, "tenant", "type", "chain_seq"),  # migration 0008: the gateway's catch-up
        Index(None, "tenant", "chain_seq"),
        Index(None, "source_seq"),
        Index(None, "type", "chain_seq"),
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


class ProjectionRow(Base):
    """One object of a domain's folded state (an order by PON, a line by WTN, a ticket...), or the
    rest of that state (`field` and `key` empty), kept so that a request reads or advances the
    objects it touches instead of re-folding the tenant's log (icaops/app/gateway/projection.py).
    Derived: `icaops projections rebuild` recomputes every row from the event log."""

    __tablename__ = "projections"
    __table_args__ = (Index(None, "domain", "tenant", "field", "status"),)

    domain: Mapped[str] = mapped_column(Bounded(32), primary_key=True)
    tenant: Mapped[str] = mapped_column(Bounded(64), primary_key=True)
    field: Mapped[str] = mapped_column(Bounded(32), primary_key=True)
    key: Mapped[str] = mapped_column(Bounded(200), primary_key=True)
    status: Mapped[str | None] = mapped_column(Bounded(32))
    on: Mapped[dt.date | None] = mapped_column(Date)
    value: Mapped[bytes] = mapped_column(LargeBinary)
    changed_seq: Mapped[int] = mapped_column(ID)


class ProjectionHeadRow(Base):
    """How far a domain's projection of a tenant has folded the log: the last `chain_seq` and the
    last event date folded in, and the version of the code that folded it."""

    __tablename__ = "projection_heads"

    domain: Mapped[str] = mapped_column(Bounded(32), primary_key=True)
    tenant: Mapped[str] = mapped_column(Bounded(64), primary_key=True)
    through_seq: Mapped[int] = mapped_column(ID)
    through_date: Mapped[dt.date | None] = mapped_column(Date)
    version: Mapped[str] = mapped_column(Bounded(64))


class IdempotencyRow(Base):
    """The response given to a POST under an `Idempotency-Key`, per organisation: the same key
    and body get the same response; the same key with another body is refused."""

    __tablename__ = "idempotency_keys"

    principal: Mapped[str] = mapped_column(Bounded(64), primary_key=True)
    key: Mapped[str] = mapped_column(Bounded(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(Bounded(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


# -- identity and access (issue 12 §3; migration 0006) ------------------------------------------

# A user's role fits its organisation's kind (icaops.identity.roles.ROLE_ORG_KIND); the database
# refuses any other pair, whoever writes the row.
ROLE_FITS_KIND = (
    "(role IN ('clec_user', 'clec_admin') AND org_kind = 'clec')"
    " OR (role IN ('ilec_operations', 'ilec_billing', 'ilec_retail_sales') AND org_kind = 'ilec')"
    " OR (role = 'auditor' AND org_kind = 'auditor')"
)


class OrganisationRow(Base):
    """A party using the gateway: the ILEC, a CLEC (OCN, CCNA: III.13.1) or an auditor."""

    __tablename__ = "organisations"
    __table_args__ = (
        UniqueConstraint("id", "kind"),  # the target of the (org_id, org_kind) keys below
        CheckConstraint("kind IN ('ilec', 'clec', 'auditor')", name="kind"),
    )

    id: Mapped[str] = mapped_column(Bounded(64), primary_key=True)
    kind: Mapped[str] = mapped_column(Bounded(16))
    name: Mapped[str] = mapped_column(Bounded(300))
    ocn: Mapped[str | None] = mapped_column(Bounded(8))
    ccna: Mapped[str | None] = mapped_column(Bounded(8))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class OrganisationAccountRow(Base):
    """A billing account (an event-log tenant) and the one CLEC organisation it belongs to."""

    __tablename__ = "organisation_accounts"
    __table_args__ = (
        ForeignKeyConstraint(["org_id", "org_kind"], ["organisations.id", "organisations.kind"]),
        CheckConstraint("org_kind = 'clec'", name="clec_only"),
        Index(None, "org_id"),
    )

    account_id: Mapped[str] = mapped_column(Bounded(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(Bounded(64))
    org_kind: Mapped[str] = mapped_column(Bounded(16), default="clec", server_default="clec")


class UserRow(Base):
    """A person with one role in one organisation; the e-mail is stored lower-cased, the
    password only as its argon2 hash."""

    __tablename__ = "users"
    __table_args__ = (
        ForeignKeyConstraint(["org_id", "org_kind"], ["organisations.id", "organisations.kind"]),
        CheckConstraint(ROLE_FITS_KIND, name="role_fits_kind"),
        CheckConstraint("email = lower(email)", name="email_lower_case"),
        Index(None, "org_id"),
    )

    id: Mapped[str] = mapped_column(Bounded(32), primary_key=True)
    org_id: Mapped[str] = mapped_column(Bounded(64))
    org_kind: Mapped[str] = mapped_column(Bounded(16))
    email: Mapped[str] = mapped_column(Bounded(254), unique=True)
    name: Mapped[str] = mapped_column(Bounded(300))
    role: Mapped[str] = mapped_column(Bounded(32))
    password_hash: Mapped[str] = mapped_column(Bounded(300))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    disabled_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class ApiTokenRow(Base):
    """An API token of a user: the sha256 of its secret (never the secret), its scopes (null:
    all of the role's permissions), and when it expires, was revoked and was last used."""

    __tablename__ = "api_tokens"
    __table_args__ = (Index(None, "user_id"),)

    id: Mapped[str] = mapped_column(Bounded(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(Bounded(100))
    secret_hash: Mapped[str] = mapped_column(Bounded(64))
    scopes: Mapped[list[Any] | None] = mapped_column(JSON(none_as_null=True))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class RateWindowRow(Base):
    """Requests counted per token and one-minute window (VI.13.2), shared by every worker."""

    __tablename__ = "rate_windows"

    token_id: Mapped[str] = mapped_column(ForeignKey("api_tokens.id"), primary_key=True)
    window_start: Mapped[dt.datetime] = mapped_column(UtcDateTime, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class WebhookSubscriptionRow(Base):
    """A callback an organisation subscribed to some event types (the TMF "hub"), until deleted.

    `secret` is the Standard Webhooks signing secret (`whsec_...`): it signs every delivery, so it
    is kept as given, not hashed; the database is its custody (docs/webhooks.md)."""

    __tablename__ = "webhook_subscriptions"
    __table_args__ = (Index(None, "org_id"),)

    id: Mapped[str] = mapped_column(Bounded(40), primary_key=True)
    org_id: Mapped[str] = mapped_column(Bounded(64))
    callback: Mapped[str] = mapped_column(Bounded(2000))
    event_types: Mapped[list[Any]] = mapped_column(JSON)
    secret: Mapped[str] = mapped_column(Bounded(200))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class WebhookDeliveryRow(Base):
    """One event to send to one subscription: pending until delivered or failed.

    (subscription_id, message_id) is the idempotency key: enqueuing an event again stores nothing;
    `message_id` is the `webhook-id` header, the same on every attempt."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("subscription_id", "message_id"),
        Index(None, "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    subscription_id: Mapped[str] = mapped_column(ForeignKey("webhook_subscriptions.id"))
    message_id: Mapped[str] = mapped_column(Bounded(100))
    event_type: Mapped[str] = mapped_column(Bounded(100))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(Bounded(20))  # pending | delivered | failed
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class WebhookAttemptRow(Base):
    """One try at sending a delivery (the delivery log), never changed."""

    __tablename__ = "webhook_attempts"
    __table_args__ = (Index(None, "delivery_id"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("webhook_deliveries.id"))
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int] = mapped_column(Integer)


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
