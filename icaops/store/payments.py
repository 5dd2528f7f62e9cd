"""Posting a payment (III.9.2): the `payment.received` event and its ledger transfer in one
transaction, under the payment's idempotency key.

Concurrent posters of one account queue on the account's book row (`posting`), so of two
posts of one payment the second finds the first and stores nothing; distinct payments all
post, and the running balances add up. The transfer itself is what the billing engine
derives from the event (`fold_account` + `history_transfers`), not re-invented here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Engine

from ..billing.collections.timeline import fold_account
from ..billing.ledger import Kind, LedgerError, Transfer
from ..billing.postings import history_transfers, new_ledger
from ..relationship.events import Event, EventError
from ..terms.schema import Terms
from .audit import record
from .db import writing
from .events import append_events, tenant_of
from .ledger import SqlLedgerStore, lock_book

__all__ = ["PaymentPosted", "post_payment"]

PAYMENT_EVENT = "payment.received"


@dataclass(frozen=True)
class PaymentPosted:
    """The outcome: `posted` (new), `duplicate` (already posted, nothing changed) or
    `rejected` (nothing posted; `reason` says why and the audit log keeps it)."""

    status: Literal["posted", "duplicate", "rejected"]
    event_id: str
    transfer: Transfer | None = None
    reason: str = ""


def post_payment(engine: Engine, event: Event, terms: Terms, at: dt.datetime | None = None) -> PaymentPosted:
    """Store a `payment.received` event and post its transfer, both or neither."""
    account = tenant_of(event)
    transfer = _payment_transfer(event, account, terms)
    with writing(engine) as conn:
        if isinstance(transfer, EventError):
            record(conn, "payment.rejected", f"{account or ''}/{event.id}", str(transfer), at=at)
            return PaymentPosted("rejected", event.id, reason=str(transfer))
        assert account, "_payment_transfer refuses an event without an account"
        lock_book(conn, account)
        ledger = new_ledger([account], terms.money.currency.value, terms.money.scale.value, store=SqlLedgerStore(conn))
        savepoint = conn.begin_nested()
        appended = append_events(conn, [event], at=at)
        if appended.errors:  # the id was used by another event: refused, kept in the audit log
            savepoint.commit()
            return PaymentPosted("rejected", event.id, reason=str(appended.errors[0]))
        result = ledger.post(transfer)
        if isinstance(result, LedgerError):
            savepoint.rollback()  # nothing of the payment stays; the refusal does
            record(conn, "payment.rejected", f"{account}/{event.id}", str(result), at=at)
            return PaymentPosted("rejected", event.id, reason=str(result))
        savepoint.commit()
        return PaymentPosted("duplicate" if appended.duplicates else "posted", event.id, result)


def _payment_transfer(event: Event, account: str | None, terms: Terms) -> Transfer | EventError:
    if event.type != PAYMENT_EVENT:
        return EventError("payments", event.id, "type", f"a {PAYMENT_EVENT} event, got {event.type}")
    if not account:
        return EventError("payments", event.id, "account", "the CLEC account that paid")
    history = fold_account(account, [event], terms, as_of=event.date)
    if history.errors:
        return history.errors[0]
    payments = [t for t in history_transfers(history, terms.money.currency.value) if t.kind is Kind.PAYMENT]
    assert len(payments) == 1, f"{event.id}: one payment transfer expected, got {len(payments)}"
    return payments[0]
