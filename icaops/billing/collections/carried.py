"""The lines collections carries onto each statement (III.9.3, III.9.4.1, III.7.1.7).

On every statement the ILEC adds the late payment charges accrued since the last one, credits
for disputes resolved in the CLEC's favour and agreed audit adjustments with interest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from ...calendar.deadlines import Deadlines
from ...calendar.periods import fmt
from ...explain import Explained, Step
from ...money import CALC_CONTEXT, round_money
from ..late_charge import compound_factor
from ..model import Category, ChargeLine
from .accrual import late_charges_to_bill
from .facts import AuditAdjustmentFact, BillFact, BillLine
from .history import AccountHistory, put

__all__ = ["audit_interest", "audit_undercharge_due", "carry"]


def carry(
    h: AccountHistory, bill_id: str, statement: dt.date, cycle_start: dt.date | None, dl: Deadlines
) -> tuple[tuple[ChargeLine, ...], AccountHistory]:
    """The lines to carry on bill `bill_id` dated `statement`, and the history noting what they credit."""
    late, credits, audits = (
        _late_charges(h, bill_id, statement, dl),
        _credits(h, bill_id, statement, dl),
        _audits(h, bill_id, statement, cycle_start, dl),
    )
    credited = h.credited
    for line in credits:
        assert line.source is not None
        credited = put(credited, line.source, bill_id)
    billed = h.audits_billed
    for line in audits:
        assert line.source is not None
        billed = put(billed, line.source, bill_id)
    return late + credits + audits, replace(h, credited=credited, audits_billed=billed)


def _line(
    h: AccountHistory,
    bill_id: str,
    kind: str,
    id_: str,
    category: Category,
    code: str,
    text: str,
    amount: Decimal,
    clause: str,
    steps: tuple[Step, ...],
) -> ChargeLine:
    return ChargeLine(
        f"{bill_id}:{kind}:{id_}",
        bill_id,
        h.account_id,
        category,
        code,
        text,
        Decimal(1),
        None,
        amount,
        clause,
        Explained(amount, steps),
        source=id_,
    )


def _late_charges(h: AccountHistory, bill_id: str, statement: dt.date, dl: Deadlines) -> tuple[ChargeLine, ...]:
    terms = dl.terms
    late = terms.billing.late_payment
    lines = []
    for billed_for, amount in sorted(late_charges_to_bill(h.book, statement).items()):
        source = h.bills[billed_for]
        verb = "accrued" if amount > 0 else "reversed (dispute resolved for the billed Party)"
        steps: tuple[Step, ...] = (
            Step(
                f"late payment charges {verb} on bill {billed_for} (Bill Date {source.bill_date.isoformat()}, due {source.due_date.value.isoformat()}) through {statement.isoformat()}: ${amount}",
                late.rate_per_month.clause,
            ),
            Step(
                "compounded daily from the Bill Date until payment; billed to date rounded to the cent",
                late.daily_rate_method.clause,
            ),
            Step("included on the billing Party's next statement", late.accrues_until.clause),
        )
        reversed_now = any(
            t.bill_id == billed_for
            and t.outcome == "for_clec"
            and not t.timely
            and t.dispute_id not in h.credited
            and t.resolved_on is not None
            and t.resolved_on < statement
            for t in h.book.tranches
        )
        if amount < 0 or reversed_now:
            steps += (
                Step(
                    "late payment charges on amounts resolved in the billed Party's favour are credited to the account, with the Disputed Amount",
                    terms.billing.late_filed_disputes_accrue_late_charges.clause,
                ),
                Step(
                    "credited no later than the second Bill Due Date after the resolution",
                    terms.billing.dispute_credit_by_nth_due_date.clause,
                ),
            )
        lines.append(
            _line(
                h,
                bill_id,
                "late",
                billed_for,
                "late_charge",
                "late_payment_charge",
                f"Late payment charge on bill {billed_for}",
                amount,
                late.rate_per_month.clause,
                steps,
            )
        )
    return tuple(lines)


def _credits(h: AccountHistory, bill_id: str, statement: dt.date, dl: Deadlines) -> tuple[ChargeLine, ...]:
    clause = dl.terms.billing.dispute_credit_by_nth_due_date.clause
    lines = []
    for dispute_id, resolution in sorted(h.resolutions.items()):
        for_clec = resolution.amount_for_clec
        if dispute_id in h.credited or for_clec <= 0 or resolution.resolved_on >= statement:
            continue
        dispute = h.disputes[dispute_id]
        deadline = dl.dispute_credit_deadline(resolution.resolved_on, h.bills[dispute.bill_id].bill_date)
        steps = (
            Step(
                f"dispute {dispute_id} of bill {dispute.bill_id} resolved {resolution.resolved_on.isoformat()}: ${for_clec} in the billed Party's favour, credited",
                clause,
            ),
        ) + deadline.steps
        lines.append(
            _line(
                h,
                bill_id,
                "credit",
                dispute_id,
                "credit",
                "dispute_credit",
                f"Credit: dispute {dispute_id} resolved in Granite's favour",
                -for_clec,
                clause,
                steps,
            )
        )
    return tuple(lines)


def audit_interest(dl: Deadlines, audit: AuditAdjustmentFact, until: dt.date) -> tuple[Decimal, tuple[Step, ...]]:
    """III.7.1.7 interest on an audit finding from the day it originated to `until`, rounded, with its steps."""
    terms = dl.terms
    interest_rate = terms.audits.interest_rate_per_month
    rate = min(interest_rate.value, terms.billing.late_payment.legal_max_rate_per_month.value or interest_rate.value)
    factor = compound_factor(terms, rate, audit.originated_on, until)
    interest = round_money(CALC_CONTEXT.multiply(audit.amount, factor.value), terms.money)
    return interest, (
        Step(
            f"audit {audit.id} agreed {audit.agreed_on.isoformat()}: {audit.kind} of ${audit.amount} that originated {audit.originated_on.isoformat()}",
            interest_rate.clause,
        ),
        Step(
            f"interest at the lesser of {interest_rate.value:%} per month and the legal maximum, compounded daily to {until.isoformat()}: ${interest}",
            interest_rate.clause,
        ),
        *factor.steps,
    )


def _audits(
    h: AccountHistory, bill_id: str, statement: dt.date, cycle_start: dt.date | None, dl: Deadlines
) -> tuple[ChargeLine, ...]:
    clause = dl.terms.audits.interest_rate_per_month.clause
    lines = []
    for audit_id, audit in sorted(h.audits.items()):
        # III.7.1.7: an overcharge is credited on the first full billing cycle after agreement
        # (an undercharge was due at once: audit_undercharge_due).
        if audit_id in h.audits_billed or cycle_start is None or cycle_start <= audit.agreed_on:
            continue
        interest, steps = audit_interest(dl, audit, statement)
        amount = -(audit.amount + interest)
        steps += (Step(f"credited on the first full billing cycle after agreement: ${amount}", clause),)
        lines.append(
            _line(
                h,
                bill_id,
                "audit",
                audit_id,
                "adjustment",
                f"audit_{audit.kind}",
                f"Audit {audit.kind} with interest",
                amount,
                clause,
                steps,
            )
        )
    return tuple(lines)


def audit_undercharge_due(h: AccountHistory, audit: AuditAdjustmentFact, dl: Deadlines) -> tuple[BillFact, ChargeLine]:
    """III.7.1.7: "the billed Party ... shall immediately compensate" — a charge of its own, due the day the results are agreed.

    Interest runs from the day the undercharge originated to the agreement date; unpaid after
    that day, the charge bears late payment charges (III.9.3, the same rate compounded daily),
    so the interest continues until "payment is made" (reading audit-undercharge-immediate)."""
    clause = dl.terms.audits.interest_rate_per_month.clause
    bill_id = f"{h.account_id}:audit:{audit.id}"
    interest, steps = audit_interest(dl, audit, audit.agreed_on)
    amount = audit.amount + interest
    due = Explained(
        audit.agreed_on,
        (
            Step(
                f"undercharge agreed {fmt(audit.agreed_on)}: the billed Party shall immediately compensate — due that day, past due from the next (reading audit-undercharge-immediate)",
                clause,
            ),
        ),
    )
    steps += (Step(f"due immediately, as a charge of its own dated {audit.agreed_on.isoformat()}: ${amount}", clause),)
    line = ChargeLine(
        f"{bill_id}:undercharge",
        bill_id,
        h.account_id,
        "adjustment",
        "audit_undercharge",
        "Audit undercharge with interest",
        Decimal(1),
        None,
        amount,
        clause,
        Explained(amount, steps),
        source=audit.id,
    )
    return BillFact(
        bill_id, h.account_id, audit.agreed_on, due, (BillLine(line.line_id, line.category, line.amount),)
    ), line
