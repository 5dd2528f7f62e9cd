"""An account's standing on a date: delinquency (II.2.58, III.6.3), deposits (III.6) and the
non-payment timeline (III.9.5): when orders may be refused and the earliest disconnection.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from ...calendar.deadlines import Deadlines
from ...calendar.periods import fmt
from ...explain import Explained, Step
from ...money import ZERO, round_money
from ...relationship.lifecycle import Lifecycle, Notice
from .history import AccountHistory
from .tranche import Tranche

__all__ = [
    "delinquencies",
    "deposit_amount",
    "deposit_trigger",
    "disconnection",
    "may_draw",
    "orders_refusable",
    "repeated_delinquency",
]


def delinquencies(h: AccountHistory, on: dt.date, dl: Deadlines) -> list[tuple[str, dt.date]]:
    """(bill id, date) for each bill paid 30 or more days after its due date, or still unpaid then (III.6.3)."""
    d = dl.terms.delinquency
    out = []
    for bill_id, bill in h.bills.items():
        threshold = bill.due_date.value + dt.timedelta(
            days=d.days_late.value if d.days_late_inclusive.value else d.days_late.value + 1
        )
        # Amounts held by a timely dispute or resolved for Granite were not owed; late-filed disputes hold nothing (III.9.4).
        tranches = [t for t in h.book.tranches if t.bill_id == bill_id and t.kind == "charge" and not t.held(on)]
        if not tranches or threshold > on:
            continue
        last_paid = max((t.paid_on for t in tranches if t.paid_on), default=None)
        unpaid = any(t.paid_on is None for t in tranches)
        if unpaid:
            out.append((bill_id, threshold))
        elif last_paid is not None and last_paid >= threshold:
            out.append((bill_id, last_paid))
    return sorted(out, key=lambda x: x[1])


def repeated_delinquency(h: AccountHistory, on: dt.date, dl: Deadlines) -> Explained[bool]:
    """III.6.3: enough delinquencies in the window make the account repeatedly delinquent."""
    d = dl.terms.delinquency
    window_start = on - relativedelta(months=d.window.value.amount)
    hits = [(b, when) for b, when in delinquencies(h, on, dl) if window_start < when <= on]
    steps = [
        Step(
            f"bill {b}: paid (or still unpaid) {d.days_late.value} or more days after its due date, counted {when.isoformat()}",
            d.days_late.clause,
        )
        for b, when in hits
    ]
    verdict = len(hits) >= d.occurrences.value
    steps.append(
        Step(
            f"{len(hits)} in the {d.window.value} to {on.isoformat()}; {d.occurrences.value} or more make the account repeatedly delinquent: {'yes' if verdict else 'no'}",
            d.occurrences.clause,
        )
    )
    return Explained(verdict, tuple(steps))


def deposit_amount(monthly_estimate: Decimal | None, dl: Deadlines) -> Explained[Decimal]:
    """III.6.2: the greater of two months' estimated charges and the minimum deposit; the
    no-forecast amount when there is no forecast (both from the terms)."""
    dep = dl.terms.deposit
    if monthly_estimate is None:
        v = dep.amount_without_forecast.value
        return Explained(v, (Step(f"no forecast provided: deposit ${v}", dep.amount_without_forecast.clause),))
    months = dep.estimated_months.value
    estimate = round_money(monthly_estimate * months, dl.terms.money)
    v = max(estimate, dep.minimum_amount.value)
    return Explained(
        v,
        (
            Step(
                f"{months} months of estimated charges: {months} x ${monthly_estimate} = ${estimate}",
                dep.estimated_months.clause,
            ),
            Step(f"the greater of ${estimate} and ${dep.minimum_amount.value}: ${v}", dep.minimum_amount.clause),
        ),
    )


def _oldest_past_due(h: AccountHistory, on: dt.date) -> Tranche | None:
    due = [t for t in h.book.tranches if t.unpaid and not t.held(on) and t.due_date < on]
    return min(due, key=lambda t: t.bill_date) if due else None


def _notice(lifecycle: Lifecycle | None, kind: str, on: dt.date, after: dt.date) -> Notice | None:
    """The latest notice of `kind` received by `on` and after `after` (the missed Bill Due Date).

    III.9.5: a notice announces a non-payment; one received before the Bill Due Date of the
    bill now unpaid (e.g. for an earlier, cured non-payment) does not count for it.
    """
    if lifecycle is None:
        return None
    given = [n for n in lifecycle.notices.values() if n.kind == kind and after < n.received.value <= on]
    return max(given, key=lambda n: n.received.value) if given else None


def _suspension_started(h: AccountHistory, on: dt.date, dl: Deadlines, lifecycle: Lifecycle | None) -> dt.date | None:
    """The day a still-running order suspension began, or None (III.9.5.1).

    A suspension begins on the first day a notice allowed it while undisputed charges of a
    past-due bill were unpaid; it ends only when all past and current undisputed charges
    billed so far have been paid.
    """
    if lifecycle is None:
        return None
    notices = [n for n in lifecycle.notices.values() if n.kind == "suspension" and n.received.value <= on]
    starts = set()
    for n in notices:
        for bill in h.bills.values():
            if n.received.value <= bill.due_date.value:
                continue  # a notice counts only for a non-payment that preceded it
            start = dl.nonpayment(bill.bill_date, suspension_notice_on=n.received.value).earliest_suspension.value
            if start <= on and any(
                t.bill_id == bill.bill_id and not t.held(on) and (t.paid_on is None or t.paid_on > start)
                for t in h.book.tranches
            ):
                starts.add(start)
    # III.9.5.1: processing resumes on full payment of past and current undisputed charges, or,
    # if the terms say otherwise, of the past-due ones.
    current_too = dl.terms.billing.resume_requires_full_undisputed_payment.value
    for start in sorted(starts, reverse=True):
        payments = sorted({t.paid_on for t in h.book.tranches if t.paid_on and start <= t.paid_on <= on})
        resumed = any(
            all(
                t.paid_on is not None and t.paid_on <= day
                for t in h.book.tranches
                if t.bill_date <= day and not t.held(on) and (current_too or t.due_date < day)
            )
            for day in payments
        )
        if not resumed:
            return start
    return None


def orders_refusable(h: AccountHistory, on: dt.date, dl: Deadlines, lifecycle: Lifecycle | None) -> Explained[bool]:
    """III.9.5.1: may the ILEC refuse orders on `on` (a notice given, its period run out)?"""
    clause = dl.terms.deadline("order_suspension_earliest").clause
    oldest = _oldest_past_due(h, on)
    if oldest is None:
        started = _suspension_started(h, on, dl, lifecycle)
        if started is not None:
            owed = h.book.unpaid(on, held=False)
            return Explained(
                True,
                (
                    Step(f"order processing was discontinued from {fmt(started)} for non-payment", clause),
                    Step(
                        f"no charges are past due now, but processing resumes only on full payment of all past and current undisputed charges: ${owed} unpaid",
                        dl.terms.billing.resume_requires_full_undisputed_payment.clause,
                    ),
                ),
            )
        return Explained(False, (Step("no undisputed charges are past due: orders are processed", clause),))
    bill = h.bills[oldest.bill_id]
    notice = _notice(lifecycle, "suspension", on, bill.due_date.value)
    timeline = dl.nonpayment(bill.bill_date, suspension_notice_on=notice.received.value if notice else None)
    earliest = timeline.earliest_suspension
    if notice is None:
        return earliest.then(
            False,
            f"undisputed charges of bill {bill.bill_id} are past due, but no written notice (e-mail or certified mail) of the suspension has been given since its Bill Due Date: orders may not be refused yet",
            clause,
        )
    ok = on >= earliest.value
    return Explained(
        ok,
        notice.received.steps
        + earliest.steps
        + (Step(f"on {fmt(on)} order processing {'may be' if ok else 'may not yet be'} discontinued", clause),),
    )


def disconnection(
    h: AccountHistory, on: dt.date, dl: Deadlines, lifecycle: Lifecycle | None
) -> Explained[dt.date | None]:
    """III.9.5.2: the earliest day service may be disconnected for the oldest non-payment."""
    oldest = _oldest_past_due(h, on)
    if oldest is None:
        return Explained(
            None, (Step("no undisputed charges are past due", dl.terms.deadline("disconnection_notice").clause),)
        )
    bill = h.bills[oldest.bill_id]
    notice = _notice(lifecycle, "disconnection", on, bill.due_date.value)
    received = notice.received.value if notice else max(on, bill.due_date.value + dt.timedelta(days=1))
    result = dl.nonpayment(bill.bill_date, disconnection_notice_on=received).earliest_disconnection
    if notice is None:
        return result.then(
            result.value,
            f"no disconnection notice given yet: the date assumes one received on {received.isoformat()}",
            dl.terms.deadline("disconnection_notice").clause,
        )
    return Explained(result.value, notice.received.steps + result.steps)


def may_draw(h: AccountHistory, on: dt.date, dl: Deadlines) -> Explained[bool]:
    """III.6.7: may the ILEC draw on the deposit for amounts unpaid 30 days after due?"""
    rule = dl.terms.deadline("deposit_draw")
    # Within-n-days: an amount paid on the 30th day was paid within the 30 days.
    late = [t for t in h.book.tranches if t.unpaid and not t.held(on) and dl.deposit_draw_from(t.due_date).value <= on]
    amount = sum((t.amount for t in late), ZERO)
    if not late:
        return Explained(
            False, (Step(f"no amount is unpaid after the {rule.value.offset} following its due date", rule.clause),)
        )
    first = min(late, key=lambda t: t.due_date)
    held = h.deposits.held
    return Explained(
        bool(held),
        dl.deposit_draw_from(first.due_date).steps
        + (
            Step(
                f"${amount} not paid within the {rule.value.offset} after it was due; deposit held ${held}: CenturyLink {'may' if held else 'could, if it held one,'} draw on it upon notice",
                rule.clause,
            ),
        ),
    )


def deposit_trigger(h: AccountHistory, on: dt.date, dl: Deadlines) -> Explained[bool]:
    """III.6.1: a bill not paid by its Bill Due Date lets the ILEC request a deposit."""
    clause = dl.terms.deposit.triggers.clause
    late = [
        b
        for b, bill in h.bills.items()
        if any(
            t.bill_id == b
            and t.kind == "charge"
            and not t.held(on)
            and (t.paid_on or on) > bill.due_date.value
            and bill.due_date.value < on
            for t in h.book.tranches
        )
    ]
    if late:
        return Explained(
            True,
            (
                Step(
                    f"bill(s) {', '.join(sorted(late))} not paid by the Bill Due Date: CenturyLink may request a deposit",
                    clause,
                ),
            ),
        )
    return Explained(
        False,
        (
            Step(
                "every bill paid on time: no payment trigger for a deposit (credit-based triggers are CenturyLink's judgment)",
                clause,
            ),
        ),
    )
