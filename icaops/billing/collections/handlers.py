"""One handler per billing event type: `(state, event, terms) -> (state, errors)`.

Events (docs/scenarios.md): `bill.issued` (a bill's current charges, declared) or
`billing.cycle_closed` (computed from the inventory and billable events), `payment.received`,
`billing_dispute.filed`, `billing_dispute.resolved`, `deposit.requested`, `deposit.received`,
`deposit.drawn`, `audit.adjustment_agreed`. A handler that refuses an event returns the state
it was given and the error (errors.py: checks run in the codes' precedence order).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType

from dateutil.relativedelta import relativedelta

from ...money import to_money
from ...relationship.events import Event
from ..cycle import cycle_for
from ..model import ChargeLine
from .carried import audit_undercharge_due, carry
from .context import FoldTerms, Handler, Outcome
from .disputes import dispute_filed, dispute_resolved
from .errors import BillingError, Code, billing_error
from .facts import (
    AuditAdjustmentFact,
    BillFact,
    BillLine,
    DepositProvidedFact,
    DepositRequestFact,
    PaymentFact,
)
from .history import AccountHistory, put
from .parse import amount_of, missing

__all__ = ["AUDIT_KINDS", "HANDLERS"]


def _with_bill(h: AccountHistory, fact: BillFact, carried: tuple[ChargeLine, ...]) -> AccountHistory:
    return replace(
        h,
        bills=put(h.bills, fact.bill_id, fact),
        carried=put(h.carried, fact.bill_id, carried),
        book=h.book.add_bill(fact),
    )


def bill_issued(h: AccountHistory, e: Event, ft: FoldTerms) -> Outcome:
    """A declared bill: its lines, plus the lines collections carries onto it."""
    if err := missing(e, "bill"):
        return h, err
    bill_id = str(e.get("bill"))
    period_start = e.get("period_start")
    if isinstance(period_start, str):
        period_start = dt.date.fromisoformat(period_start)
    raw = e.get("lines")
    if raw is None:
        amount = amount_of(e)
        if isinstance(amount, BillingError):
            return h, (amount,)
        lines: tuple[BillLine, ...] = (BillLine(f"{bill_id}:charges", "nrc", amount),)
    elif isinstance(raw, dict):
        lines = tuple(BillLine(f"{bill_id}:{k}", "nrc", to_money(v)) for k, v in raw.items())
    else:
        return h, (billing_error(Code.LINES_INVALID, e, "lines", "a mapping of line id to amount, or give `amount`"),)
    # A declared bill covers the month before its Bill Date unless it says otherwise.
    carried, h = carry(h, bill_id, e.date, period_start or e.date - relativedelta(months=1), ft.deadlines)
    lines += tuple(BillLine(c.line_id, c.category, c.amount) for c in carried)
    return _with_bill(
        h, BillFact(bill_id, h.account_id, e.date, ft.deadlines.bill_due_date(e.date), lines), carried
    ), ()


def cycle_closed(h: AccountHistory, e: Event, ft: FoldTerms) -> Outcome:
    """A computed bill: the cycle's charges from the inventory and billable events, plus the carried lines."""
    if ft.compute is None:
        return h, (
            billing_error(
                Code.CYCLE_NOT_COMPUTABLE, e, "type", "bill.issued events (no inventory to compute bills from here)"
            ),
        )
    if err := missing(e, "period"):
        return h, err
    period = str(e.get("period"))
    closed = f"{h.account_id}:{period}"
    if closed in h.bills:  # a closed bill is never billed again nor edited (III.9.2)
        return h, (
            billing_error(Code.PERIOD_CLOSED, e, "period", f"a period not closed yet ({closed} was closed before)"),
        )
    # II.2.8: the Bill Date follows the account's close day (an account closing on the 31st
    # closes on 30 April), not the day of month the close event happens to fall on.
    probe = cycle_for(h.account_id, period, ft.cycle_close_day or e.date.day, ft.deadlines)
    carried, h = carry(h, probe.bill_id, probe.bill_date.value, probe.start, ft.deadlines)
    bill = ft.compute(e, carried)
    lines = (BillLine(f"{bill.id}:mrc", "mrc", bill.totals()["mrc"]),) + tuple(
        BillLine(l.line_id, l.category, l.amount) for l in bill.lines
    )
    fact = BillFact(bill.id, h.account_id, bill.cycle.bill_date.value, bill.cycle.due_date, lines)
    return _with_bill(replace(h, full_bills=put(h.full_bills, bill.id, bill)), fact, carried), ()


def payment_received(h: AccountHistory, e: Event, ft: FoldTerms) -> Outcome:
    """A payment, applied in the stated order (III.9.2)."""
    amount = amount_of(e)
    if isinstance(amount, BillingError):
        return h, (amount,)
    payment = PaymentFact(e.id, h.account_id, e.date, amount)
    return replace(h, payments=h.payments + (payment,), book=h.book.add_payment(payment)), ()


def deposit_requested(h: AccountHistory, e: Event, ft: FoldTerms) -> Outcome:
    """A deposit request, with its own amount or a forecast to compute it from (III.6.2), on
    one of the grounds the terms list (III.6.1)."""
    triggers, ground = ft.terms.deposit.triggers, e.get("ground")
    grounds = f"one of the grounds of {triggers.clause}: {', '.join(triggers.value)}"
    if triggers.value and ground is None:
        return h, (billing_error(Code.FIELD_MISSING, e, "ground", grounds),)
    if triggers.value and str(ground) not in triggers.value:
        return h, (billing_error(Code.DEPOSIT_GROUND_INVALID, e, "ground", grounds),)
    amount, forecast = e.get("amount"), e.get("monthly_forecast")
    request = DepositRequestFact(
        e.id,
        h.account_id,
        e.date,
        to_money(amount) if amount is not None else None,
        to_money(forecast) if forecast is not None else None,
        None if ground is None else str(ground),
    )
    return replace(h, deposits=replace(h.deposits, requests=put(h.deposits.requests, e.id, request))), ()


def deposit_received(h: AccountHistory, e: Event, ft: FoldTerms) -> Outcome:
    """(Part of) a requested deposit provided, in one of the agreed forms (III.6.4)."""
    if err := missing(e, "refers_to", "amount"):
        return h, err
    amount = amount_of(e)
    if isinstance(amount, BillingError):
        return h, (amount,)
    ref = str(e.get("refers_to"))
    if ref not in h.deposits.requests:
        return h, (billing_error(Code.DEPOSIT_REQUEST_UNKNOWN, e, "refers_to", f"no deposit request {ref!r}"),)
    form, forms = str(e.get("form", "cash")), ft.terms.deposit.forms
    if form not in forms.value:
        return h, (
            billing_error(Code.DEPOSIT_FORM_INVALID, e, "form", f"one of {', '.join(forms.value)} ({forms.clause})"),
        )
    receipt = DepositProvidedFact(e.id, ref, e.date, amount, form)
    deposits = replace(h.deposits, receipts=h.deposits.receipts + (receipt,), held=h.deposits.held + amount)
    return replace(h, deposits=deposits), ()


def deposit_drawn(h: AccountHistory, e: Event, ft: FoldTerms) -> Outcome:
    """The ILEC draws on the deposit it holds; the draw pays like a payment (III.6.7)."""
    amount = amount_of(e)
    if isinstance(amount, BillingError):
        return h, (amount,)
    if amount > h.deposits.held:
        return h, (
            billing_error(Code.DRAW_EXCEEDS_DEPOSIT, e, "amount", f"at most the deposit held, {h.deposits.held}"),
        )
    draw = PaymentFact(e.id, h.account_id, e.date, amount)
    deposits = replace(h.deposits, held=h.deposits.held - amount, draws=h.deposits.draws + (draw,))
    return replace(h, deposits=deposits, book=h.book.add_payment(draw)), ()


AUDIT_KINDS = ("overcharge", "undercharge")


def audit_agreed(h: AccountHistory, e: Event, ft: FoldTerms) -> Outcome:
    """An agreed audit adjustment (III.7.1.7): an overcharge is credited with interest on the first
    full billing cycle after agreement; an undercharge, with interest, is due at once."""
    if err := missing(e, "kind", "amount", "originated_on"):
        return h, err
    amount = amount_of(e)
    if isinstance(amount, BillingError):
        return h, (amount,)
    kind = str(e.get("kind"))
    if kind not in AUDIT_KINDS:
        return h, (billing_error(Code.AUDIT_KIND_INVALID, e, "kind", " or ".join(AUDIT_KINDS)),)
    originated = e.get("originated_on")
    originated = dt.date.fromisoformat(originated) if isinstance(originated, str) else originated
    audit = AuditAdjustmentFact(e.id, h.account_id, kind, amount, originated, e.date)
    h = replace(h, audits=put(h.audits, e.id, audit))
    if kind == "overcharge":
        return h, ()
    fact, line = audit_undercharge_due(h, audit, ft.deadlines)
    return replace(_with_bill(h, fact, (line,)), audits_billed=put(h.audits_billed, e.id, fact.bill_id)), ()


# In this order on a day: bills first, then payments, then disputes, then deposits.
HANDLERS: Mapping[str, Handler] = MappingProxyType(
    {
        "bill.issued": bill_issued,
        "billing.cycle_closed": cycle_closed,
        "payment.received": payment_received,
        "billing_dispute.filed": dispute_filed,
        "billing_dispute.resolved": dispute_resolved,
        "deposit.requested": deposit_requested,
        "deposit.received": deposit_received,
        "deposit.drawn": deposit_drawn,
        "audit.adjustment_agreed": audit_agreed,
    }
)
