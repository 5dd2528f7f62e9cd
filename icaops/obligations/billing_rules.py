"""Billing obligations (III.6, III.7.1.7, III.9): each read off an account's collections history.

Payments, disputes, credits, deposits and audit adjustments are what collections folded
(billing/collections); the dates are the calendar's (calendar/deadlines.py). Nothing here
applies a payment or accrues a charge: it reads which tranches are paid, held or credited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ..billing.collections.carried import audit_interest
from ..billing.collections.facts import BillFact
from ..billing.collections.history import AccountHistory
from ..billing.collections.records import completing_receipt, deposit_query
from ..billing.cycle import cycle_for
from ..calendar.periods import fmt
from ..explain import Explained, Step
from ..money import ZERO
from .model import Consequence, Duty, Fulfilment, PartyRef
from .relationship import Relationship

__all__ = ["audit_credit", "bill_payment", "deposit", "dispute_credit", "dispute_filing", "usf_certification"]


def _parties(account: str) -> tuple[PartyRef, PartyRef]:
    """(the CLEC on the account, the ILEC billing it)."""
    return PartyRef("clec", account), PartyRef("ilec", account)


def _nonpayment_consequences(rel: Relationship, bill: BillFact) -> tuple[Consequence, ...]:
    """What follows an unpaid bill: late payment charges, then the III.9.5 timeline, the deposit
    draw (III.6.7) and the Default (III.2.6(d)), each from the calendar's earliest date."""
    dl, terms = rel.deadlines, rel.terms
    rate = terms.billing.late_payment.rate_per_month
    due = bill.due_date
    late_from = due.value + dt.timedelta(days=1)
    late = Consequence(
        "late_payment_charge",
        f"late payment charges at {rate.value:.2%} per month, compounded daily, on the unpaid undisputed amount",
        rate.clause,
        due.then(late_from, f"unpaid after the Bill Due Date: charges accrue from {fmt(late_from)}", rate.clause),
    )
    if dl.bill_due_date(bill.bill_date).value != due.value:
        return (late,)  # a charge due at once (an audit undercharge, III.7.1.7): no Bill Due Date timeline
    timeline = dl.nonpayment(bill.bill_date)
    return (
        late,
        Consequence(
            "order_suspension",
            "order processing may be discontinued after written notice (e-mail or certified mail) "
            "at least five days before",
            terms.deadline("order_suspension_earliest").clause,
            timeline.earliest_suspension,
        ),
        Consequence(
            "disconnection",
            "service may be disconnected ten Business Days after a written disconnection notice "
            "(earliest: a notice received the day after the Bill Due Date)",
            terms.deadline("disconnection_notice").clause,
            timeline.earliest_disconnection,
        ),
        Consequence(
            "deposit_draw",
            "CenturyLink may draw on the deposit it holds, upon notice",
            terms.deadline("deposit_draw").clause,
            timeline.deposit_draw,
        ),
        Consequence(
            "termination_right",
            "undisputed charges unpaid 30 days after the Bill Date are a Default; uncured 30 days after "
            "written notice of it, CenturyLink may terminate (III.2.6)",
            terms.deadline("nonpayment_default").clause,
            timeline.nonpayment_default,
        ),
    )


def _bill_payment(rel: Relationship, h: AccountHistory, bill: BillFact) -> Duty | None:
    tranches = [t for t in h.book.tranches if t.bill_id == bill.bill_id]
    if not tranches:
        return None
    owed = [t for t in tranches if not t.held(rel.as_of)]
    held = sorted({t.dispute_id for t in tranches if t.dispute_id and t.outcome is None and t.held(rel.as_of)})
    unpaid = sum((t.amount for t in owed if t.unpaid), ZERO)
    fulfilled = None
    if owed and not unpaid:
        last = max(owed, key=lambda t: (t.paid_on or dt.date.min, t.paid_by or ""))
        assert last.paid_on is not None and last.paid_by is not None
        fulfilled = Fulfilment(last.paid_by, last.paid_on, "undisputed charges paid in full")
    debtor, creditor = _parties(h.account_id)
    clause = rel.terms.deadline("bill_due_date").clause
    return Duty(
        id=f"payment:{bill.bill_id}",
        rule="bill_payment",
        debtor=debtor,
        creditor=creditor,
        clause=clause,
        owed=f"pay the undisputed charges of bill {bill.bill_id} (${bill.total:,} billed)",
        trigger=rel.bill_events().get(bill.bill_id, bill.bill_id),
        due=bill.due_date,
        fulfilled=fulfilled,
        suspended_by=f"billing dispute {', '.join(held)} (III.9.4)" if held and not owed else None,
        amount=unpaid if unpaid else sum((t.amount for t in owed), ZERO),
        consequences=_nonpayment_consequences(rel, bill),
    )


def bill_payment(rel: Relationship) -> Iterator[Duty]:
    """III.9.2: each bill's undisputed charges are due by its Bill Due Date; unpaid, late payment
    charges (III.9.3), then order suspension and disconnection (III.9.5), the deposit draw
    (III.6.7) and a Default (III.2.6(d)) follow. A timely dispute of the whole bill suspends it."""
    for h in rel.histories.values():
        for bill in h.bills.values():
            duty = _bill_payment(rel, h, bill)
            if duty is not None:
                yield duty


def dispute_filing(rel: Relationship) -> Iterator[Duty]:
    """III.9.4: a dispute filed by the Bill Due Date holds its amount; later, it holds nothing
    (an option: filed in time it is fulfilled, not filed it lapses)."""
    term = rel.terms.billing.dispute_filing_on_due_date_allowed
    for h in rel.histories.values():
        debtor, creditor = _parties(h.account_id)
        for bill in h.bills.values():
            timely = sorted(
                (d for d in h.disputes.values() if d.bill_id == bill.bill_id and d.timely), key=lambda d: d.filed_on
            )
            yield Duty(
                id=f"dispute_filing:{bill.bill_id}",
                rule="dispute_filing",
                debtor=debtor,
                creditor=creditor,
                clause=term.clause,
                owed=f"dispute charges of bill {bill.bill_id} in writing, with the items and reasons, to hold them",
                trigger=rel.bill_events().get(bill.bill_id, bill.bill_id),
                due=rel.deadlines.dispute_filing_deadline(bill.bill_date),
                nature="option",
                fulfilled=Fulfilment(timely[0].id, timely[0].filed_on, "billing dispute filed") if timely else None,
                consequences=(
                    Consequence(
                        "dispute_right_lost",
                        "a dispute filed later holds nothing: the amount stays due and bears late payment "
                        "charges until resolved",
                        term.clause,
                    ),
                ),
            )


def dispute_credit(rel: Relationship) -> Iterator[Duty]:
    """III.9.4.1: a dispute resolved for the billed Party is credited, with its late payment
    charges, no later than the second Bill Due Date after the resolution."""
    clause = rel.terms.billing.dispute_credit_by_nth_due_date.clause
    for h in rel.histories.values():
        debtor, creditor = _parties(h.account_id)
        for dispute_id, resolution in h.resolutions.items():
            if resolution.amount_for_clec <= 0:
                continue
            dispute = h.disputes[dispute_id]
            bill = h.bills[dispute.bill_id]
            carrier = h.credited.get(dispute_id)
            done = None
            if carrier is not None and carrier in h.bills:
                done = Fulfilment(
                    rel.bill_events().get(carrier, carrier), h.bills[carrier].bill_date, f"credited on bill {carrier}"
                )
            resolved_by = next(
                (
                    e.id
                    for e in rel.events
                    if e.type == "billing_dispute.resolved" and str(e.get("refers_to")) == dispute_id
                ),
                dispute_id,
            )
            yield Duty(
                id=f"dispute_credit:{h.account_id}:{dispute_id}",
                rule="dispute_credit",
                debtor=creditor,
                creditor=debtor,
                clause=clause,
                owed=f"credit ${resolution.amount_for_clec:,} of dispute {dispute_id} (bill {bill.bill_id}) "
                "with its late payment charges",
                trigger=resolved_by,
                due=rel.deadlines.dispute_credit_deadline(resolution.resolved_on, bill.bill_date),
                fulfilled=done,
                amount=resolution.amount_for_clec,
            )


def deposit(rel: Relationship) -> Iterator[Duty]:
    """III.6: a requested deposit is provided in full within 30 days, or it is a default; a
    request after a draw is for the replacement or supplement of III.6.8."""
    dl = rel.deadlines
    rule = rel.terms.deadline("deposit_provide")
    for h in rel.histories.values():
        debtor, creditor = _parties(h.account_id)
        for rid, request in h.deposits.requests.items():
            wanted = deposit_query(h, rid, "amount", rel.as_of, dl)
            due = deposit_query(h, rid, "due_by", rel.as_of, dl)
            assert isinstance(wanted, Explained) and isinstance(due, Explained)  # rid is a known request
            receipt = completing_receipt(h, rid, wanted.value)
            # III.6.8 (replacement after a draw) states no value of its own, so no term carries its id.
            drawn = [d for d in h.deposits.draws if d.received_on <= request.requested_on]
            what = "replace or supplement the deposit drawn on (III.6.8)" if drawn else "provide the deposit"
            yield Duty(
                id=f"deposit:{h.account_id}:{rid}",
                rule="deposit",
                debtor=debtor,
                creditor=creditor,
                clause="III.6.8" if drawn else rule.clause,
                owed=f"{what}: ${wanted.value:,} ({' or '.join(rel.terms.deposit.forms.value)})",
                trigger=rid,
                due=Explained(due.value, wanted.steps + due.steps),
                fulfilled=Fulfilment(receipt.id, receipt.provided_on, "deposit provided in full") if receipt else None,
                amount=wanted.value,
                consequences=(
                    Consequence(
                        "termination_right",
                        "not provided within 30 days it is a default; uncured 30 days after written notice, "
                        "CenturyLink may terminate (III.2.6)",
                        rule.clause,
                        dl.day_after("deposit_provide", request.requested_on, "a default", "deposit requested"),
                    ),
                ),
            )


def _certifies(rel: Relationship, account: str) -> tuple[str, dt.date, dict[int, tuple[str, dt.date]]] | None:
    """(the event claiming the FUSC exemption first, its date, year -> first certification event), or None."""
    claims: list[tuple[dt.date, str]] = []
    certs: dict[int, tuple[str, dt.date]] = {}
    for e in rel.events:
        if e.get("account") != account:
            continue
        if e.type == "billing.account_opened" and e.get("certificate_on_file"):
            claims.append((e.date, e.id))
        elif e.type == "usf.certified":
            certs.setdefault(int(e.get("year", e.date.year)), (e.id, e.date))
            claims.append((e.date, e.id))
    if not claims:
        return None
    since, trigger = min(claims)
    return trigger, since, certs


def usf_certification(rel: Relationship) -> Iterator[Duty]:
    """III.9.6.2: an account exempt from the FUSC files an updated certification by February 1
    of each calendar year; without it, its bills carry the FUSC (III.9.6)."""
    dl, billing = rel.deadlines, rel.terms.billing
    for account in rel.accounts:
        found = _certifies(rel, account)
        if found is None:
            continue
        trigger, since, certs = found
        debtor, creditor = _parties(account)
        year = since.year + 1 if dl.usf_certification_due(since.year).value <= since else since.year
        while True:
            due = dl.usf_certification_due(year)
            cert = certs.get(year)
            yield Duty(
                id=f"usf:{account}:{year}",
                rule="usf_certification",
                debtor=debtor,
                creditor=creditor,
                clause=billing.usf_certification_due.clause,
                owed=f"file the updated annual USF certification for {year}",
                trigger=trigger,
                due=due,
                fulfilled=Fulfilment(cert[0], cert[1], f"USF certification for {year} filed") if cert else None,
                consequences=(
                    Consequence(
                        "fusc_assessed",
                        "bills dated after the due date carry the FUSC until a certification is on file",
                        billing.fusc_applies_without_certification.clause,
                    ),
                ),
            )
            if due.value >= rel.as_of:
                break
            year += 1


def _first_full_cycle_bill(rel: Relationship, account: str, agreed_on: dt.date) -> Explained[dt.date]:
    """The Bill Date of the first billing cycle that starts after `agreed_on` (II.2.8)."""
    close_day = rel.accounts[account].cycle_close_day
    year, month = agreed_on.year, agreed_on.month
    while True:
        cycle = cycle_for(account, f"{year}-{month:02d}", close_day, rel.deadlines)
        if cycle.start > agreed_on:
            return cycle.bill_date
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def audit_credit(rel: Relationship) -> Iterator[Duty]:
    """III.7.1.7: an agreed overcharge is credited, with interest from the day it originated, on
    the first full billing cycle after the agreement (an undercharge is a bill due at once,
    so its payment is a `bill_payment` obligation)."""
    clause = rel.terms.audits.interest_rate_per_month.clause
    for h in rel.histories.values():
        debtor, creditor = _parties(h.account_id)
        for audit_id, audit in h.audits.items():
            if audit.kind != "overcharge" or h.account_id not in rel.accounts:
                continue
            bill_date = _first_full_cycle_bill(rel, h.account_id, audit.agreed_on)
            interest, _ = audit_interest(rel.deadlines, audit, bill_date.value)
            carrier = h.audits_billed.get(audit_id)
            done = None
            if carrier is not None and carrier in h.bills:
                done = Fulfilment(
                    rel.bill_events().get(carrier, carrier), h.bills[carrier].bill_date, f"credited on bill {carrier}"
                )
            due = Explained(
                bill_date.value,
                bill_date.steps
                + (
                    Step(
                        f"agreed {fmt(audit.agreed_on)}: the first full billing cycle after it is billed then", clause
                    ),
                ),
            )
            yield Duty(
                id=f"audit_credit:{h.account_id}:{audit_id}",
                rule="audit_credit",
                debtor=creditor,
                creditor=debtor,
                clause=clause,
                owed=f"credit the overcharge of ${audit.amount:,} with interest (${interest:,} to {bill_date.value})",
                trigger=audit_id,
                due=due,
                fulfilled=done,
                amount=audit.amount + interest,
            )
