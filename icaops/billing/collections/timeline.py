"""Fold an account's billing events into its book, writing each statement's carried lines.

Events (docs/scenarios.md): `bill.issued` (a bill's current charges, declared) or
`billing.cycle_closed` (computed from the inventory and billable events), `payment.received`,
`billing_dispute.filed`, `billing_dispute.resolved`, `deposit.requested`, `deposit.received`,
`deposit.drawn`, `audit.adjustment_agreed`. On every statement the ILEC adds the late payment
charges accrued since the last one (III.9.3), credits for disputes resolved in the CLEC's
favour (III.9.4.1) and agreed audit adjustments with interest (III.7.1.7).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, Iterable

from dateutil.relativedelta import relativedelta

from ...calendar.deadlines import Deadlines
from ...explain import Explained, Step
from ...money import CALC_CONTEXT, ZERO, round_money, to_money
from ...relationship.events import Event, EventError, EventInputError
from ...terms.schema import Terms
from ..late_charge import compound_factor
from ..model import Bill, ChargeLine
from .accrual import late_charges_to_bill
from .book import Book
from .facts import AuditAdjustmentFact, BillFact, DisputeFact, PaymentFact

__all__ = ["AccountHistory", "fold_account", "BILLING_EVENTS"]

BILLING_EVENTS = (
    "bill.issued", "billing.cycle_closed", "payment.received", "billing_dispute.filed", "billing_dispute.resolved",
    "deposit.requested", "deposit.received", "deposit.drawn", "audit.adjustment_agreed",
)

BillComputer = Callable[[Event, list[ChargeLine]], Bill]


@dataclass
class AccountHistory:
    """An account's book as of a date, with the bills, disputes and deposits along the way."""

    account_id: str
    as_of: dt.date
    book: Book
    bills: dict[str, BillFact] = field(default_factory=dict)
    full_bills: dict[str, Bill] = field(default_factory=dict)
    carried: dict[str, list[ChargeLine]] = field(default_factory=dict)
    disputes: dict[str, DisputeFact] = field(default_factory=dict)
    dispute_timely: dict[str, bool] = field(default_factory=dict)
    resolutions: dict[str, tuple[dt.date, Decimal]] = field(default_factory=dict)
    credited: dict[str, str] = field(default_factory=dict)  # dispute id -> bill id carrying its credit
    payments: list[PaymentFact] = field(default_factory=list)
    deposit_requests: dict[str, tuple[dt.date, Decimal | None, Decimal | None]] = field(default_factory=dict)
    deposits_received: dict[str, tuple[dt.date, Decimal, str]] = field(default_factory=dict)  # request id -> its latest receipt
    deposit_receipts: list[tuple[str, str, dt.date, Decimal, str]] = field(default_factory=list)  # (receipt id, request id, date, amount, form)
    deposit_held: Decimal = ZERO
    monthly_forecast: Decimal | None = None  # Granite's forecast on its account (III.6.2)
    audits: dict[str, AuditAdjustmentFact] = field(default_factory=dict)
    audits_billed: dict[str, str] = field(default_factory=dict)
    errors: list[EventError] = field(default_factory=list)
    cycle_close_day: int | None = None  # the account's; None: the close event's day of the month


def _amount(e: Event, key: str = "amount") -> Decimal:
    try:
        return to_money(e.require(key))
    except (TypeError, ValueError) as exc:
        raise EventInputError(e, key, f"an amount as a quoted decimal string ({exc})") from None


def _carried(h: AccountHistory, bill_id: str, statement: dt.date, cycle_start: dt.date | None, terms: Terms, dl: Deadlines) -> list[ChargeLine]:
    lines: list[ChargeLine] = []
    for billed_for, amount in sorted(late_charges_to_bill(h.book, statement).items()):
        source = h.bills[billed_for]
        verb = "accrued" if amount > 0 else "reversed (dispute resolved for the billed Party)"
        steps = (
            Step(f"late payment charges {verb} on bill {billed_for} (Bill Date {source.bill_date.isoformat()}, due {source.due_date.value.isoformat()}) through {statement.isoformat()}: ${amount}", "III.9.3"),
            Step("compounded daily from the Bill Date until payment; billed to date rounded to the cent", terms.billing.late_payment.daily_rate_method.clause),
            Step("included on the billing Party's next statement", "III.9.3"),
        )
        reversed_now = any(t.bill_id == billed_for and t.outcome == "for_clec" and not t.timely and t.dispute_id not in h.credited
                           and t.resolved_on is not None and t.resolved_on < statement for t in h.book.tranches)
        if amount < 0 or reversed_now:
            steps += (Step("late payment charges on amounts resolved in the billed Party's favour are credited to the account, with the Disputed Amount", "III.9.4"),
                      Step("credited no later than the second Bill Due Date after the resolution", "III.9.4.1"))
        lines.append(ChargeLine(f"{bill_id}:late:{billed_for}", bill_id, h.account_id, "late_charge", "late_payment_charge",
                                f"Late payment charge on bill {billed_for}", Decimal(1), None, amount, "III.9.3", Explained(amount, steps), source=billed_for))
    for dispute_id, (resolved_on, for_clec) in sorted(h.resolutions.items()):
        if dispute_id in h.credited or for_clec <= 0 or resolved_on >= statement:
            continue
        dispute = h.disputes[dispute_id]
        deadline = dl.dispute_credit_deadline(resolved_on, h.bills[dispute.bill_id].bill_date)
        steps = (Step(f"dispute {dispute_id} of bill {dispute.bill_id} resolved {resolved_on.isoformat()}: ${for_clec} in the billed Party's favour, credited", "III.9.4.1"),) + deadline.steps
        lines.append(ChargeLine(f"{bill_id}:credit:{dispute_id}", bill_id, h.account_id, "credit", "dispute_credit",
                                f"Credit: dispute {dispute_id} resolved in Granite's favour", Decimal(1), None, -for_clec, "III.9.4.1", Explained(-for_clec, steps), source=dispute_id))
        h.credited[dispute_id] = bill_id
    for audit_id, audit in sorted(h.audits.items()):
        # III.7.1.7: an overcharge is credited on the first full billing cycle after agreement.
        if audit_id in h.audits_billed or cycle_start is None or cycle_start <= audit.agreed_on:
            continue
        rate = min(terms.audits.interest_rate_per_month.value, terms.billing.late_payment.legal_max_rate_per_month.value or terms.audits.interest_rate_per_month.value)
        factor = compound_factor(terms, rate, audit.originated_on, statement)
        interest = round_money(CALC_CONTEXT.multiply(audit.amount, factor.value), terms.money)
        sign = -1 if audit.kind == "overcharge" else 1
        amount = sign * (audit.amount + interest)
        steps = (
            Step(f"audit {audit_id} agreed {audit.agreed_on.isoformat()}: {audit.kind} of ${audit.amount} that originated {audit.originated_on.isoformat()}", "III.7.1.7"),
            Step(f"interest at the lesser of {terms.audits.interest_rate_per_month.value:%} per month and the legal maximum, compounded daily to {statement.isoformat()}: ${interest}", "III.7.1.7"),
            *factor.steps,
            Step(f"{'credited' if sign < 0 else 'billed'} on the first full billing cycle after agreement: ${amount}", "III.7.1.7"),
        )
        lines.append(ChargeLine(f"{bill_id}:audit:{audit_id}", bill_id, h.account_id, "adjustment", f"audit_{audit.kind}",
                                f"Audit {audit.kind} with interest", Decimal(1), None, amount, "III.7.1.7", Explained(amount, steps), source=audit_id))
        h.audits_billed[audit_id] = bill_id
    return lines


def _declared_bill(h: AccountHistory, e: Event, terms: Terms, dl: Deadlines) -> BillFact:
    bill_id = str(e.require("bill"))
    due = dl.bill_due_date(e.date)
    period_start = e.get("period_start")
    if isinstance(period_start, str):
        period_start = dt.date.fromisoformat(period_start)
    # A declared bill covers the month before its Bill Date unless it says otherwise.
    carried = _carried(h, bill_id, e.date, period_start or e.date - relativedelta(months=1), terms, dl)
    raw = e.get("lines")
    if raw is None:
        lines = [(f"{bill_id}:charges", "nrc", _amount(e))]
    elif isinstance(raw, dict):
        lines = [(f"{bill_id}:{k}", "nrc", to_money(v)) for k, v in raw.items()]
    else:
        raise EventInputError(e, "lines", "a mapping of line id to amount, or give `amount`")
    h.carried[bill_id] = carried
    return BillFact(bill_id, h.account_id, e.date, due, tuple(lines) + tuple((c.line_id, c.category, c.amount) for c in carried))


def _computed_bill(h: AccountHistory, e: Event, terms: Terms, dl: Deadlines, compute: BillComputer) -> BillFact:
    from ..cycle import cycle_for  # local: only computed bills need the cycle

    # II.2.8: the Bill Date follows the account's close day (an account closing on the 31st
    # closes on 30 April), not the day of month the close event happens to fall on.
    probe = cycle_for(h.account_id, str(e.require("period")), h.cycle_close_day or e.date.day, dl)
    carried = _carried(h, probe.bill_id, probe.bill_date.value, probe.start, terms, dl)
    bill = compute(e, carried)
    h.full_bills[bill.id] = bill
    h.carried[bill.id] = carried
    totals = bill.totals()
    lines = [(f"{bill.id}:mrc", "mrc", totals["mrc"])] + [(l.line_id, l.category, l.amount) for l in bill.lines]
    return BillFact(bill.id, h.account_id, bill.cycle.bill_date.value, bill.cycle.due_date, tuple(lines))


def _check_disputable(h: AccountHistory, e: Event, bill_id: str, amount: Decimal, items) -> None:
    """A dispute can hold no more than the bill's charges not already disputed, nor an item more than its line (III.9.4)."""
    if amount <= 0:
        raise EventInputError(e, "amount", "a disputed amount greater than zero")
    lines = {line_id: value for line_id, _, value in h.bills[bill_id].lines}
    for line_id, item_amount, _ in items:
        if line_id in lines and item_amount > lines[line_id]:
            raise EventInputError(e, "items", f"at most the ${lines[line_id]} billed on line {line_id}, not ${item_amount}")
    open_ = sum((t.amount for t in h.book.tranches if t.bill_id == bill_id and t.kind == "charge" and t.dispute_id is None), ZERO)
    if amount > open_:
        raise EventInputError(e, "amount", f"at most the ${open_} of bill {bill_id} not already disputed, not ${amount}")


def fold_account(account_id: str, events: Iterable[Event], terms: Terms, as_of: dt.date, compute: BillComputer | None = None,
                 cycle_close_day: int | None = None) -> AccountHistory:
    """The account's history from its events dated on or before `as_of`.

    `compute` computes the bill of a `billing.cycle_closed` event; `cycle_close_day` is the
    account's cycle close day, which fixes those bills' Bill Dates (II.2.8)."""
    dl = Deadlines(terms)
    h = AccountHistory(account_id, as_of, Book(account_id, terms), cycle_close_day=cycle_close_day)
    rank = {t: i for i, t in enumerate(BILLING_EVENTS)}
    for e in events:
        # III.6.2: a deposit request without its own figure uses the forecast on the account.
        if e.type == "billing.account_opened" and e.get("account") == account_id and e.get("monthly_forecast") is not None and e.date <= as_of:
            h.monthly_forecast = to_money(e.get("monthly_forecast"))
    mine = [e for e in events if e.type in rank and e.get("account", account_id) == account_id and e.date <= as_of]
    for e in sorted(mine, key=lambda e: (e.date, rank[e.type], e.seq)):
        try:
            _apply(h, e, terms, dl, compute)
        except EventInputError as exc:
            h.errors.append(EventError("billing", e.id, exc.field, exc.expected))
        except KeyError as exc:
            h.errors.append(EventError("billing", e.id, "refers_to", str(exc.args[0])))
    return h


def _apply(h: AccountHistory, e: Event, terms: Terms, dl: Deadlines, compute: BillComputer | None) -> None:
    if e.type == "bill.issued":
        fact = _declared_bill(h, e, terms, dl)
        h.bills[fact.bill_id] = fact
        h.book.add_bill(fact)
    elif e.type == "billing.cycle_closed":
        if compute is None:
            raise EventInputError(e, "type", "bill.issued events (no inventory to compute bills from here)")
        closed = f"{h.account_id}:{e.get('period')}"
        if closed in h.bills:  # a closed bill is never billed again nor edited (III.9.2)
            raise EventInputError(e, "period", f"a period not closed yet ({closed} was closed before)")
        fact = _computed_bill(h, e, terms, dl, compute)
        h.bills[fact.bill_id] = fact
        h.book.add_bill(fact)
    elif e.type == "payment.received":
        payment = PaymentFact(e.id, h.account_id, e.date, _amount(e))
        h.payments.append(payment)
        h.book.add_payment(payment)
    elif e.type == "billing_dispute.filed":
        bill_id = str(e.require("bill"))
        if bill_id not in h.bills:
            raise KeyError(f"no bill {bill_id!r} (known: {', '.join(h.bills) or 'none'})")
        items = tuple((str(i.get("line")), to_money(i.get("amount")), str(i.get("reason", ""))) for i in (e.get("items") or []))
        amount = _amount(e) if e.get("amount") is not None else sum((a for _, a, _ in items), ZERO)
        if not items and not e.get("reason"):
            raise EventInputError(e, "items", "the specific details and reasons for each disputed item (III.9.4)")
        _check_disputable(h, e, bill_id, amount, items)
        dispute = DisputeFact(e.id, h.account_id, bill_id, e.date, amount, items)
        h.disputes[e.id] = dispute
        h.book.add_dispute(dispute)
        bill = h.bills[bill_id]
        on_time = terms.billing.dispute_filing_on_due_date_allowed.value
        h.dispute_timely[e.id] = e.date <= bill.due_date.value if on_time else e.date < bill.due_date.value
    elif e.type == "billing_dispute.resolved":
        ref = str(e.require("refers_to"))
        if ref not in h.disputes:
            raise KeyError(f"no billing dispute {ref!r} (known: {', '.join(h.disputes) or 'none'})")
        for_clec = to_money(e.get("amount_for_clec", "0"))
        if for_clec < 0 or for_clec > h.disputes[ref].amount:
            raise EventInputError(e, "amount_for_clec", f"an amount from 0 to the disputed {h.disputes[ref].amount}")
        h.resolutions[ref] = (e.date, for_clec)
        h.book.resolve(ref, e.date, for_clec)
    elif e.type == "deposit.requested":
        forecast = e.get("monthly_forecast")
        h.deposit_requests[e.id] = (e.date, to_money(e.get("amount")) if e.get("amount") is not None else None,
                                    to_money(forecast) if forecast is not None else None)
    elif e.type == "deposit.received":
        ref = str(e.require("refers_to"))
        if ref not in h.deposit_requests:
            raise KeyError(f"no deposit request {ref!r}")
        form = str(e.get("form", "cash"))
        if form not in terms.deposit.forms.value:
            raise EventInputError(e, "form", f"one of {', '.join(terms.deposit.forms.value)} (III.6.4)")
        h.deposits_received[ref] = (e.date, _amount(e), form)
        h.deposit_receipts.append((e.id, ref, e.date, _amount(e), form))
        h.deposit_held += _amount(e)
    elif e.type == "deposit.drawn":
        amount = _amount(e)
        if amount > h.deposit_held:
            raise EventInputError(e, "amount", f"at most the deposit held, {h.deposit_held}")
        h.deposit_held -= amount
        h.book.add_payment(PaymentFact(e.id, h.account_id, e.date, amount))
    elif e.type == "audit.adjustment_agreed":
        kind = str(e.require("kind"))
        if kind not in ("overcharge", "undercharge"):
            raise EventInputError(e, "kind", "overcharge or undercharge")
        originated = e.require("originated_on")
        originated = dt.date.fromisoformat(originated) if isinstance(originated, str) else originated
        h.audits[e.id] = AuditAdjustmentFact(e.id, h.account_id, kind, _amount(e), originated, e.date)
