"""An account's collections status on a date: what is owed, past due, and what may happen next.

Balance, past due, held in dispute (III.9.4); late payment charges accrued (III.9.3);
repeatedly delinquent (II.2.58, III.6.3); deposit (III.6); the non-payment timeline
(III.9.5): when orders may be refused, the earliest disconnection, and what must be paid
for order processing to resume.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from ...calendar.deadlines import Deadlines
from ...calendar.periods import fmt, shift
from ...explain import Explained, Step
from ...money import ZERO, round_money
from ...relationship.lifecycle import Lifecycle
from .accrual import accrued, pending_late_charges
from .timeline import AccountHistory

__all__ = ["delinquencies", "deposit_amount", "query"]


def _money(value: Decimal, text: str, clause: str) -> Explained[Decimal]:
    return Explained(value, (Step(text, clause),))


def delinquencies(h: AccountHistory, on: dt.date, dl: Deadlines) -> list[tuple[str, dt.date]]:
    """(bill id, date) for each bill paid 30 or more days after its due date, or still unpaid then (III.6.3)."""
    d = dl.terms.delinquency
    out = []
    for bill_id, bill in h.bills.items():
        threshold = bill.due_date.value + dt.timedelta(days=d.days_late.value if d.days_late_inclusive.value else d.days_late.value + 1)
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


def _repeatedly(h: AccountHistory, on: dt.date, dl: Deadlines) -> Explained[bool]:
    d = dl.terms.delinquency
    window_start = on - relativedelta(months=d.window.value.amount)
    hits = [(b, when) for b, when in delinquencies(h, on, dl) if window_start < when <= on]
    steps = [Step(f"bill {b}: paid (or still unpaid) {d.days_late.value} or more days after its due date, counted {when.isoformat()}", d.days_late.clause) for b, when in hits]
    verdict = len(hits) >= d.occurrences.value
    steps.append(Step(f"{len(hits)} in the {d.window.value} to {on.isoformat()}; {d.occurrences.value} or more make the account repeatedly delinquent: {'yes' if verdict else 'no'}", d.occurrences.clause))
    return Explained(verdict, tuple(steps))


def deposit_amount(monthly_estimate: Decimal | None, dl: Deadlines) -> Explained[Decimal]:
    """III.6.2: the greater of two months' estimated charges and the minimum deposit; the
    no-forecast amount when there is no forecast (both from the terms)."""
    dep = dl.terms.deposit
    if monthly_estimate is None:
        v = dep.amount_without_forecast.value
        return _money(v, f"no forecast provided: deposit ${v}", dep.amount_without_forecast.clause)
    months = dep.estimated_months.value
    estimate = round_money(monthly_estimate * months, dl.terms.money)
    v = max(estimate, dep.minimum_amount.value)
    return Explained(v, (
        Step(f"{months} months of estimated charges: {months} x ${monthly_estimate} = ${estimate}", dep.estimated_months.clause),
        Step(f"the greater of ${estimate} and ${dep.minimum_amount.value}: ${v}", dep.minimum_amount.clause),
    ))


def _oldest_past_due(h: AccountHistory, on: dt.date):
    due = [t for t in h.book.tranches if t.unpaid and not t.held(on) and t.due_date < on]
    return min(due, key=lambda t: t.bill_date) if due else None


def _notice(lifecycle: Lifecycle | None, kind: str, on: dt.date, after: dt.date):
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
            if start <= on and any(t.bill_id == bill.bill_id and not t.held(on) and (t.paid_on is None or t.paid_on > start)
                                   for t in h.book.tranches):
                starts.add(start)
    for start in sorted(starts, reverse=True):
        payments = sorted({t.paid_on for t in h.book.tranches if t.paid_on and start <= t.paid_on <= on})
        resumed = any(all(t.paid_on is not None and t.paid_on <= day for t in h.book.tranches if t.bill_date <= day and not t.held(on))
                      for day in payments)
        if not resumed:
            return start
    return None


def _suspension(h: AccountHistory, on: dt.date, dl: Deadlines, lifecycle: Lifecycle | None) -> Explained[bool]:
    oldest = _oldest_past_due(h, on)
    if oldest is None:
        started = _suspension_started(h, on, dl, lifecycle)
        if started is not None:
            owed = h.book.unpaid(on, held=False)
            return Explained(True, (
                Step(f"order processing was discontinued from {fmt(started)} for non-payment", "III.9.5.1"),
                Step(f"no charges are past due now, but processing resumes only on full payment of all past and current undisputed charges: ${owed} unpaid", dl.terms.billing.resume_requires_full_undisputed_payment.clause),
            ))
        return Explained(False, (Step("no undisputed charges are past due: orders are processed", "III.9.5.1"),))
    bill = h.bills[oldest.bill_id]
    notice = _notice(lifecycle, "suspension", on, bill.due_date.value)
    timeline = dl.nonpayment(bill.bill_date, suspension_notice_on=notice.received.value if notice else None)
    earliest = timeline.earliest_suspension
    if notice is None:
        return earliest.then(False, f"undisputed charges of bill {bill.bill_id} are past due, but no written notice (e-mail or certified mail) of the suspension has been given since its Bill Due Date: orders may not be refused yet", "III.9.5.1")
    ok = on >= earliest.value
    return Explained(ok, notice.received.steps + earliest.steps + (Step(f"on {fmt(on)} order processing {'may be' if ok else 'may not yet be'} discontinued", "III.9.5.1"),))


def _disconnection(h: AccountHistory, on: dt.date, dl: Deadlines, lifecycle: Lifecycle | None) -> Explained[dt.date | None]:
    oldest = _oldest_past_due(h, on)
    if oldest is None:
        return Explained(None, (Step("no undisputed charges are past due", "III.9.5.2"),))
    bill = h.bills[oldest.bill_id]
    notice = _notice(lifecycle, "disconnection", on, bill.due_date.value)
    received = notice.received.value if notice else max(on, bill.due_date.value + dt.timedelta(days=1))
    result = dl.nonpayment(bill.bill_date, disconnection_notice_on=received).earliest_disconnection
    if notice is None:
        return result.then(result.value, f"no disconnection notice given yet: the date assumes one received on {received.isoformat()}", "III.9.5.2")
    return Explained(result.value, notice.received.steps + result.steps)


def _may_draw(h: AccountHistory, on: dt.date, dl: Deadlines) -> Explained[bool]:
    late = [t for t in h.book.tranches if t.unpaid and not t.held(on) and shift(t.due_date, dl.terms.deadline("deposit_draw").value.offset, 1, dl.cal) <= on]
    amount = sum((t.amount for t in late), ZERO)
    if not late:
        return Explained(False, (Step("no amount is unpaid 30 days after it was due", "III.6.7"),))
    return Explained(bool(h.deposit_held), (Step(f"${amount} unpaid 30 or more days after due; deposit held ${h.deposit_held}: CenturyLink {'may' if h.deposit_held else 'could, if it held one,'} draw on it upon notice", "III.6.7"),))


def query(h: AccountHistory, name: str, on: dt.date, dl: Deadlines, lifecycle: Lifecycle | None = None) -> Explained:
    """Answer a collections query (docs/scenarios.md, `billing.ACCOUNT.…`) as of `on`."""
    book = h.book
    parts = name.split(".")
    if parts[0] == "bill" and len(parts) >= 3:
        return _bill_query(h, parts[1], parts[2:])
    if parts[0] == "dispute" and len(parts) == 3:
        return _dispute_query(h, parts[1], parts[2], dl)
    if parts[0] == "deposit" and len(parts) == 3:
        return _deposit_query(h, parts[1], parts[2], on, dl)
    simple = {
        "balance": lambda: _money(book.unpaid(on) - book.unapplied, f"unpaid ${book.unpaid(on)} less credit on account ${book.unapplied}", "III.9.2"),
        "past_due": lambda: _money(book.unpaid(on, held=False, past_due=True), "undisputed charges unpaid after their Bill Due Date", "III.9.3"),
        "undisputed_unpaid": lambda: _money(book.unpaid(on, held=False), "all undisputed charges billed and unpaid, due or not", "III.9.5.1"),
        "disputed_held": lambda: _money(book.unpaid(on, held=True), "amounts held apart by open disputes (or awaiting their credit)", "III.9.4"),
        "credit_on_account": lambda: _money(book.unapplied, "payments and credits not yet applied", "III.9.2"),
        "late_charges_pending": lambda: _money(pending_late_charges(book, on), "late payment charges on timely disputed amounts: due only if resolved against the billed Party", "III.9.4"),
        "late_charges_accrued": lambda: _money(_accrued_unbilled(h, on), "late payment charges accrued since the last statement, to be billed on the next", "III.9.3"),
        "amount_to_resume": lambda: _money(book.unpaid(on, held=False), "full payment of all past and current undisputed charges", dl.terms.billing.resume_requires_full_undisputed_payment.clause),
        "repeatedly_delinquent": lambda: _repeatedly(h, on, dl),
        "orders_may_be_refused": lambda: _suspension(h, on, dl, lifecycle),
        "earliest_disconnection": lambda: _disconnection(h, on, dl, lifecycle),
        "may_draw_deposit": lambda: _may_draw(h, on, dl),
        "deposit_held": lambda: _money(h.deposit_held, "cash deposit or letter of credit held", "III.6.4"),
        "deposit_may_be_requested": lambda: _deposit_trigger(h, on, dl),
    }
    if len(parts) == 1 and parts[0] in simple:
        return simple[parts[0]]()
    raise KeyError(f"unknown billing query {name!r}")


def _accrued_unbilled(h: AccountHistory, on: dt.date) -> Decimal:
    total = ZERO
    per_bill: dict[str, Decimal] = {}
    for t in h.book.tranches:
        per_bill[t.bill_id] = per_bill.get(t.bill_id, ZERO) + accrued(t, on, h.book.terms)
    for bill_id, amount in per_bill.items():
        total += round_money(amount, h.book.terms.money) - h.book.late_billed.get(bill_id, ZERO)
    return total


def _deposit_trigger(h: AccountHistory, on: dt.date, dl: Deadlines) -> Explained[bool]:
    late = [b for b, bill in h.bills.items() if any(t.bill_id == b and t.kind == "charge" and not t.held(on) and (t.paid_on or on) > bill.due_date.value and bill.due_date.value < on for t in h.book.tranches)]
    if late:
        return Explained(True, (Step(f"bill(s) {', '.join(sorted(late))} not paid by the Bill Due Date: CenturyLink may request a deposit", "III.6.1"),))
    return Explained(False, (Step("every bill paid on time: no payment trigger for a deposit (credit-based triggers are CenturyLink's judgment)", "III.6.1"),))


def _bill_query(h: AccountHistory, bill_id: str, rest: list[str]) -> Explained:
    bill = h.bills.get(bill_id)
    if bill is None:
        raise KeyError(f"no bill {bill_id!r} (known: {', '.join(h.bills) or 'none'})")
    what = rest[0]
    if what == "total":
        return _money(bill.total, f"sum of the {len(bill.lines)} lines of bill {bill_id}", "III.9.2")
    if what == "due_date":
        return bill.due_date
    if what in ("late_charge", "credit", "adjustment"):
        lines = [c for c in h.carried.get(bill_id, []) if c.category == what]
        amount = sum((c.amount for c in lines), ZERO)
        steps = tuple(s for c in lines for s in c.explanation.steps) or (Step(f"no {what} lines on bill {bill_id}", "III.9.3"),)
        return Explained(amount, steps)
    if what == "refused" and len(rest) == 2:
        return _refused(h, bill_id, rest[1])
    if what == "line" and len(rest) == 2:
        full = h.full_bills.get(bill_id)
        if full and full.line(rest[1]):
            return full.line(rest[1]).explanation
        for line_id, _, amount in bill.lines:
            if line_id.endswith(rest[1]):
                return _money(amount, f"line {line_id}", "III.9.2")
        raise KeyError(f"no line {rest[1]!r} on bill {bill_id}")
    raise KeyError(f"unknown bill query {what!r}")


def _refused(h: AccountHistory, bill_id: str, source: str) -> Explained[bool]:
    """Was a charge for event `source` refused on computed bill `bill_id` (III.9.1, III.46.1)? The reasons are the steps."""
    full = h.full_bills.get(bill_id)
    if full is None:
        raise KeyError(f"bill {bill_id!r} is not a computed bill (billing.cycle_closed): it has no refused charges")
    refused = [r for r in full.refused if r.source == source]
    if refused:
        return Explained(True, tuple(Step(f"{r.code} for event {source} refused: {r.reason}", r.clause) for r in refused))
    billed = [l.line_id for l in full.lines if l.source == source]
    text = f"event {source} billed on {bill_id}: {', '.join(billed)}" if billed else f"event {source} is not on bill {bill_id}"
    return Explained(False, (Step(text, "III.9.2"),))


def _dispute_query(h: AccountHistory, dispute_id: str, what: str, dl: Deadlines) -> Explained:
    dispute = h.disputes.get(dispute_id)
    if dispute is None:
        raise KeyError(f"no billing dispute {dispute_id!r}")
    bill = h.bills[dispute.bill_id]
    if what == "timely":
        filing = dl.dispute_filing_deadline(bill.bill_date)
        ok = h.dispute_timely[dispute_id]
        return filing.then(ok, f"filed {dispute.filed_on.isoformat()}: {'timely' if ok else 'after the Bill Due Date — the amount bears late payment charges until resolved'}", "III.9.4")
    if what == "credit_due_by":
        if dispute_id not in h.resolutions:
            raise KeyError(f"dispute {dispute_id} is not resolved")
        return dl.dispute_credit_deadline(h.resolutions[dispute_id][0], bill.bill_date)
    if what == "credited_on":
        carrier = h.credited.get(dispute_id)
        if carrier is None:
            return Explained(None, (Step("not yet credited", "III.9.4.1"),))
        return Explained(h.bills[carrier].bill_date, (Step(f"credited on bill {carrier}", "III.9.4.1"),))
    if what == "held":
        held = sum((t.amount for t in h.book.dispute_tranches(dispute_id) if t.outcome is None), ZERO)
        return _money(held, f"dispute {dispute_id}: amount still held apart", "III.9.4")
    raise KeyError(f"unknown dispute query {what!r}")


def _deposit_complete_on(h: AccountHistory, request_id: str, wanted: Decimal) -> dt.date | None:
    """The day the receipts for a deposit request first add up to the amount requested."""
    total = ZERO
    for _, ref, day, got, _ in sorted(h.deposit_receipts, key=lambda r: r[2]):
        if ref == request_id:
            total += got
            if total >= wanted:
                return day
    return None


def _deposit_query(h: AccountHistory, request_id: str, what: str, on: dt.date, dl: Deadlines) -> Explained:
    req = h.deposit_requests.get(request_id)
    if req is None:
        raise KeyError(f"no deposit request {request_id!r}")
    requested_on, amount, forecast = req
    if what == "amount":
        if amount is not None:
            return _money(amount, f"amount requested ${amount}", "III.6.2")
        return deposit_amount(forecast if forecast is not None else h.monthly_forecast, dl)
    due = dl.rule("deposit_provide", requested_on, "deposit requested")
    if what == "due_by":
        return due
    if what == "in_default":
        # III.6: "such deposit" is the amount requested (III.6.2); part of it is not the deposit.
        wanted = amount if amount is not None else deposit_amount(forecast if forecast is not None else h.monthly_forecast, dl).value
        complete = _deposit_complete_on(h, request_id, wanted)
        if complete is not None and complete <= due.value:
            return due.then(False, f"${wanted} provided in full on {complete.isoformat()}, in time", "III.6")
        if on <= due.value:
            return due.then(False, f"on {on.isoformat()} the 30 days have not run out", "III.6")
        if complete is not None and complete <= on:
            return due.then(False, f"not provided in full by {due.value.isoformat()} (a default), but completed on {complete.isoformat()}", "III.6")
        got = sum((a for _, ref, d, a, _ in h.deposit_receipts if ref == request_id and d <= on), ZERO)
        return due.then(True, f"${got} of the ${wanted} requested provided by {on.isoformat()}; not provided by {due.value.isoformat()}: a default", "III.6")
    raise KeyError(f"unknown deposit query {what!r}")
