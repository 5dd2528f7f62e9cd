"""Every deadline of the agreement, each explained by the clauses that produce it.

Simple deadlines are one rule from the terms' `deadlines` table (trigger +/- period, roll).
The composites below combine rules the way the agreement does (the later of two dates,
the second Bill Due Date after an event, the end of the term a notice can reach).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from ..explain import Explained, Step
from ..terms.schema import Terms
from .business import BusinessCalendar
from .periods import apply_rule, fmt, shift

__all__ = ["Deadlines", "NonpaymentTimeline"]


@dataclass(frozen=True, slots=True)
class NonpaymentTimeline:
    """III.9.5: when orders may stop and service may be disconnected after a missed Bill Due Date."""

    bill_date: dt.date
    bill_due_date: Explained[dt.date]
    suspension_notice_by: Explained[dt.date]
    earliest_suspension: Explained[dt.date]
    earliest_disconnection: Explained[dt.date]
    nonpayment_default: Explained[dt.date]
    deposit_draw: Explained[dt.date]


class Deadlines:
    """The deadline functions of one agreement's terms."""

    def __init__(self, terms: Terms):
        self.terms = terms
        self.cal = BusinessCalendar(terms.calendar)

    # -- one rule ----------------------------------------------------------------------

    def rule(self, name: str, trigger: dt.date, trigger_text: str | None = None) -> Explained[dt.date]:
        """The deadline rule `name` from the terms, applied to `trigger`."""
        return apply_rule(self.terms.deadline(name), trigger, self.cal, trigger_text)

    def day_after(
        self, name: str, trigger: dt.date, consequence: str, trigger_text: str | None = None
    ) -> Explained[dt.date]:
        """The first day after the period of rule `name` (reading within-n-days).

        "Within N days" includes the N-th day: what must happen within the period may still
        happen on its last day, so a right that needs the period to have passed arises the
        day after."""
        rule = self.terms.deadline(name)
        window = self.rule(name, trigger, trigger_text)
        first = window.value + dt.timedelta(days=1)
        return window.then(
            first,
            f"the {rule.value.offset} include their last day, {window.value.isoformat()}; {consequence} from the day after, {fmt(first)} (reading within-n-days)",
            rule.clause,
        )

    # -- billing (II.2.8, II.2.9, III.9) -----------------------------------------------

    def bill_date(self, cycle_close: dt.date) -> Explained[dt.date]:
        """The Bill Date of a billing cycle that closed on `cycle_close` (II.2.8)."""
        return self.rule("bill_date", cycle_close)

    def bill_due_date(self, bill_date: dt.date) -> Explained[dt.date]:
        """The Bill Due Date of a bill dated `bill_date` (II.2.9, III.9.2)."""
        return self.rule("bill_due_date", bill_date)

    def dispute_filing_deadline(self, bill_date: dt.date) -> Explained[dt.date]:
        """The last day a dispute of this bill stops its amount falling due (III.9.4)."""
        due = self.bill_due_date(bill_date)
        term = self.terms.billing.dispute_filing_on_due_date_allowed
        if term.value:
            return due.then(
                due.value,
                f"a dispute filed on or before the Bill Due Date {due.value.isoformat()} is timely",
                term.clause,
            )
        last = due.value - dt.timedelta(days=1)
        return due.then(last, f"a dispute must be filed before the Bill Due Date: last day {fmt(last)}", term.clause)

    def bill_dates_from(self, anchor_bill_date: dt.date, start: dt.date):
        """Bill Dates on the anchor's day of the month, from the first on or after `start` (II.2.8)."""
        # II.2.8: "The Bill Date is the same date each month"; a day past the month's end
        # (a 31st in April) falls on its last day.
        months = (start.year - anchor_bill_date.year) * 12 + start.month - anchor_bill_date.month - 1
        while True:
            day = anchor_bill_date + relativedelta(months=months)
            if day >= start:
                yield day
            months += 1

    def dispute_credit_deadline(self, resolved_on: dt.date, anchor_bill_date: dt.date) -> Explained[dt.date]:
        """The latest day a dispute resolved on `resolved_on` must be credited (III.9.4.1)."""
        term = self.terms.billing.dispute_credit_by_nth_due_date
        wanted = term.value
        found: list[tuple[dt.date, Explained[dt.date]]] = []
        for bill_date in self.bill_dates_from(anchor_bill_date, resolved_on - dt.timedelta(days=45)):
            due = self.bill_due_date(bill_date)
            if due.value > resolved_on:
                found.append((bill_date, due))
                if len(found) == wanted:
                    break
        steps = [
            Step(
                f"dispute resolved on {fmt(resolved_on)}; Bill Dates fall on day {anchor_bill_date.day} of each month",
                "II.2.8",
            )
        ]
        for i, (bill_date, due) in enumerate(found, 1):
            steps.append(
                Step(
                    f"Bill Due Date no. {i} after the resolution: bill of {bill_date.isoformat()} is due {fmt(due.value)}",
                    "III.9.2",
                )
            )
        last = found[-1][1]
        steps += list(last.steps[1:])  # any roll of the decisive due date
        steps.append(
            Step(
                f"the credit, with its late payment charges, is due no later than Bill Due Date no. {wanted}: {fmt(last.value)}",
                term.clause,
            )
        )
        return Explained(last.value, tuple(steps))

    def back_billing_earliest_service(self, bill_date: dt.date) -> Explained[dt.date]:
        """The earliest service date a bill dated `bill_date` may still bill or credit (III.9.1)."""
        return self.rule("back_billing_limit", bill_date)

    def nonpayment(
        self,
        bill_date: dt.date,
        suspension_notice_on: dt.date | None = None,
        disconnection_notice_on: dt.date | None = None,
    ) -> NonpaymentTimeline:
        """The III.9.5 timeline when undisputed charges of the bill dated `bill_date` go unpaid.

        Notice dates are the dates the notices count as received; when none is given, the
        earliest possible notice (the day after the Bill Due Date) is assumed.
        """
        due = self.bill_due_date(bill_date)
        bill_due_date = due.value
        earliest = self.rule("order_suspension_earliest", bill_due_date)
        notice_by = self.rule("order_suspension_notice", earliest.value, "earliest suspension date")
        suspension = earliest
        if suspension_notice_on is not None:
            from_notice = shift(
                suspension_notice_on, self.terms.deadline("order_suspension_notice").value.offset, 1, self.cal
            )
            if from_notice > earliest.value:
                suspension = earliest.then(
                    from_notice,
                    f"notice given {suspension_notice_on.isoformat()} + {self.terms.deadline('order_suspension_notice').value.offset} = {fmt(from_notice)}, later than the earliest day: suspension may start then",
                    "III.9.5.1",
                )
            else:
                suspension = earliest.then(
                    earliest.value,
                    f"notice given {suspension_notice_on.isoformat()} is at least {self.terms.deadline('order_suspension_notice').value.offset} before {earliest.value.isoformat()}",
                    "III.9.5.1",
                )
        first_notice_day = bill_due_date + dt.timedelta(days=1)
        notice = disconnection_notice_on or first_notice_day
        assumed = "" if disconnection_notice_on else " (earliest possible: the day after the Bill Due Date)"
        if notice < first_notice_day:
            raise ValueError(f"disconnection notice {notice} precedes non-payment (Bill Due Date {bill_due_date})")
        disconnection = self.rule("disconnection_notice", notice, f"disconnection notice received{assumed}")
        return NonpaymentTimeline(
            bill_date=bill_date,
            bill_due_date=due,
            suspension_notice_by=notice_by,
            earliest_suspension=suspension,
            earliest_disconnection=disconnection,
            nonpayment_default=self.nonpayment_default(bill_date),
            deposit_draw=self.deposit_draw_from(bill_due_date),
        )

    def nonpayment_default(self, bill_date: dt.date) -> Explained[dt.date]:
        """The first day unpaid undisputed charges of a bill dated `bill_date` are a Default (III.2.6(d))."""
        window = self.rule("nonpayment_default", bill_date)
        due = self.bill_due_date(bill_date)
        last = window.value
        if due.value > last:
            # The 30 days of III.2.6(d) do not roll; payment is not late before the rolled
            # Bill Due Date (III.9.2), so the Default cannot start earlier than the day after it.
            window = window.then(
                due.value,
                f"the Bill Due Date rolled to {due.value.isoformat()}: payment is timely until then",
                "III.9.2",
            )
            last = due.value
        first = last + dt.timedelta(days=1)
        return window.then(first, f"undisputed charges still unpaid on {fmt(first)} are a Default", "III.2.6(d)")

    def deposit_draw_from(self, payment_required_on: dt.date) -> Explained[dt.date]:
        """The first day CenturyLink may draw on the deposit for an amount due that day and still unpaid (III.6.7)."""
        return self.day_after(
            "deposit_draw",
            payment_required_on,
            "an amount still unpaid may be drawn on the deposit",
            "payment required (Bill Due Date)",
        )

    def audit_dispute_resolution_from(self, referred_on: dt.date) -> Explained[dt.date]:
        """The first day an audit dispute the representatives have not resolved goes to dispute resolution (III.7.1.8)."""
        return self.day_after(
            "audit_dispute_referral",
            referred_on,
            "an unresolved audit dispute goes to dispute resolution",
            "audit dispute referred to the representatives",
        )

    def usf_certification_due(self, year: int) -> Explained[dt.date]:
        """The day the annual USF certification for `year` is due (III.9.6.2)."""
        term = self.terms.billing.usf_certification_due
        month, day = (int(p) for p in term.value.split("-"))
        due = dt.date(year, month, day)
        return Explained(due, (Step(f"annual certification for {year} due no later than {fmt(due)}", term.clause),))

    # -- notices (III.34) --------------------------------------------------------------

    def notice_received(
        self, sent_on: dt.date, method: str, receipt_date: dt.date | None = None, kind: str | None = None
    ) -> Explained[dt.date]:
        """The day a notice sent by `method` on `sent_on` counts as received (III.34.1).

        III.34.1 applies "except as otherwise expressly provided": a method the terms give for
        one kind of notice only (`METHOD_for_KIND`, e.g. e-mail for the order-suspension
        notice, III.9.5.1) applies to a notice of that `kind`."""
        methods = self.terms.notices.methods
        term = methods.get(f"{method}_for_{kind}") if kind else None
        if term is None:
            try:
                if "_for_" in method:  # a kind's own method is chosen by the notice's kind only
                    raise KeyError(method)
                term = methods[method]
            except KeyError:
                known = ", ".join(m for m in methods if "_for_" not in m)
                raise ValueError(f"notice method {method!r} is not one of: {known}") from None
        rule = term.value
        if not rule.valid:
            raise ValueError(f"{rule.label} is not a valid way to give notice ({term.clause}: {term.quote})")
        if rule.received == "date_of_service":
            return Explained(sent_on, (Step(f"{rule.label} on {fmt(sent_on)}: received that day", term.clause),))
        if rule.received == "after_mailing":
            assert rule.after is not None  # NoticeMethod requires `after` for mailed notices
            received = shift(sent_on, rule.after, 1, self.cal)
            return Explained(
                received,
                (Step(f"mailed {fmt(sent_on)} by {rule.label} + {rule.after} = {fmt(received)}", term.clause),),
            )
        if receipt_date is None:
            raise ValueError(
                f"{rule.label} counts as received on the date on the receipt: give the receipt date ({term.clause})"
            )
        if receipt_date < sent_on:
            raise ValueError(f"receipt date {receipt_date} precedes the sending date {sent_on}")
        return Explained(
            receipt_date,
            (
                Step(
                    f"{rule.label} sent {sent_on.isoformat()}: received on the date stated on the receipt, {fmt(receipt_date)}",
                    term.clause,
                ),
            ),
        )

    # -- term and termination (III.2) --------------------------------------------------

    def initial_term_end(self) -> Explained[dt.date]:
        """The day the Initial Term ends (III.2.2)."""
        eff = self.terms.lifecycle.effective_date
        return self.rule("initial_term", eff.value, "Effective Date")

    def termination_date(self, notice_received_on: dt.date) -> Explained[dt.date]:
        """The earliest termination a Notice of Termination received on that day can reach (III.2.3)."""
        end = self.initial_term_end()
        initial_notice = self.rule("termination_notice_initial", end.value, "end of the Initial Term")
        if notice_received_on <= initial_notice.value:
            return Explained(
                end.value,
                end.steps
                + initial_notice.steps
                + (
                    Step(
                        f"notice received {fmt(notice_received_on)} is in time: the Agreement terminates at the end of the Initial Term, {fmt(end.value)}",
                        "III.2.3",
                    ),
                ),
            )
        follow_on = self.terms.lifecycle.follow_on_term
        steps = list(end.steps) + list(initial_notice.steps)
        steps.append(
            Step(
                f"notice received {fmt(notice_received_on)} is too late for the Initial Term; the Agreement continues month to month",
                follow_on.clause,
            )
        )
        months = 1
        while True:
            term_end = end.value + relativedelta(months=months * follow_on.value.amount)
            latest = self.rule("termination_notice_follow_on", term_end, "end of Follow-on Term")
            if notice_received_on <= latest.value and term_end > notice_received_on:
                steps += latest.steps
                steps.append(
                    Step(f"the Agreement terminates at the end of that Follow-on Term, {fmt(term_end)}", "III.2.3")
                )
                return Explained(term_end, tuple(steps))
            months += 1

    def successor_limit(self, termination_date: dt.date) -> Explained[dt.date]:
        """The last day the Agreement stays in effect while a successor is negotiated (III.2.4)."""
        return self.rule("successor_negotiation", termination_date)

    # -- ordering (III.35.2) -----------------------------------------------------------

    def ordering_allowed_from(self, setup_completed_on: dt.date | None) -> Explained[dt.date]:
        """The first day orders may be submitted: the later of set-up and 60 days after the Effective Date (III.35.2)."""
        eff = self.terms.lifecycle.effective_date.value
        gate = self.rule("ordering_gate", eff, "Effective Date")
        if setup_completed_on is None:
            return gate.then(
                gate.value,
                "account set-up is not complete: orders may not be submitted until it is, and not before this date",
                "III.35.2",
            )
        if setup_completed_on > gate.value:
            return gate.then(
                setup_completed_on,
                f"account set-up completed {fmt(setup_completed_on)}, the later of the two dates",
                "III.35.2",
            )
        return gate.then(
            gate.value,
            f"account set-up completed {fmt(setup_completed_on)}, earlier: the 60-day date governs",
            "III.35.2",
        )

    # -- directory (VII.2.g) -----------------------------------------------------------

    def galley_corrections_by(self, business_office_close: dt.date, error_share: Decimal) -> Explained[dt.date]:
        """The day Granite's galley corrections are due, or, for errors in more than the terms'
        share of its listings, the day to start submitting them (VII.2.g)."""
        threshold = self.terms.directory.systemic_error_threshold
        systemic = error_share > threshold.value
        name = "galley_systemic_corrections" if systemic else "galley_corrections"
        when = self.rule(name, business_office_close, "Business Office Close (BOC)")
        share = f"corrections to {error_share:%} of Granite's listings"
        if systemic:
            why = f"{share}, more than {threshold.value:%}: pervasive or systemic errors, corrections started by the earlier day"
        else:
            why = f"{share}, not more than {threshold.value:%}: not systemic, the cut-off date applies"
        return Explained(when.value, (Step(why, threshold.clause), *when.steps))

    # -- audits (III.7) ----------------------------------------------------------------

    def next_audit_allowed(
        self, last_audit_commenced: dt.date, finding_ratio: Decimal, audits_in_year: int = 1
    ) -> Explained[dt.date]:
        """The earliest day the next billing audit may start (III.7.1).

        `audits_in_year` counts the audits commenced in the Contract Year of the last one,
        that one included; while it is below `audits.per_contract_year`, the next may start
        the day after the last.
        """
        audits = self.terms.audits
        threshold = audits.accelerated_finding_threshold
        if finding_ratio >= threshold.value:
            # A contract quarter is a quarter of the Contract Year (II.2.22), as fixed as the year.
            quarter = audits.accelerated_min_interval.value
            eff = self.terms.lifecycle.effective_date.value
            k = 0
            starts = eff
            while True:
                k += 1
                nxt = eff + relativedelta(months=quarter.amount * k)
                if nxt > last_audit_commenced:
                    break
                starts = nxt
            return Explained(
                nxt,
                (
                    Step(
                        f"the last audit found net inaccuracies of {finding_ratio:.2%}, at least {threshold.value:.1%}: audits may be conducted once in each contract quarter",
                        threshold.clause,
                    ),
                    Step(
                        f"contract quarters run {quarter} from the Effective Date {eff.isoformat()}: the audit of {last_audit_commenced.isoformat()} fell in the quarter from {starts.isoformat()}; the next quarter starts {fmt(nxt)}",
                        audits.accelerated_min_interval.clause,
                    ),
                ),
            )
        eff = self.terms.lifecycle.effective_date.value
        year_start = eff
        while year_start + relativedelta(years=1) <= last_audit_commenced:
            year_start += relativedelta(years=1)
        per_year = audits.per_contract_year
        allowed = Step(
            f"the last audit found {finding_ratio:.2%}, below {threshold.value:.1%}: "
            f"{per_year.value} audit{'' if per_year.value == 1 else 's'} per Contract Year",
            per_year.clause,
        )
        if audits_in_year < per_year.value:
            nxt = last_audit_commenced + dt.timedelta(days=1)
            counted = (
                f"{audits_in_year} audit{'' if audits_in_year == 1 else 's'} commenced in the Contract Year starting "
                f"{year_start.isoformat()}, the last on {last_audit_commenced.isoformat()}: another may start the day after, {fmt(nxt)}"
            )
            return Explained(nxt, (allowed, Step(counted, per_year.clause)))
        nxt = year_start + relativedelta(years=1)
        return Explained(
            nxt,
            (
                allowed,
                Step(
                    f"the audit of {last_audit_commenced.isoformat()} fell in the Contract Year starting {year_start.isoformat()}"
                    f" ({audits_in_year} commenced in it); the next starts {fmt(nxt)}",
                    "II.2.22",
                ),
            ),
        )

    def audit_scope_start(
        self, notice_received_on: dt.date, last_audit_period_end: dt.date | None
    ) -> Explained[dt.date]:
        """The first day an audit noticed on that day may examine (III.7.1.1): the shorter period."""
        lookback = self.rule("audit_scope_lookback", notice_received_on)
        since = (
            last_audit_period_end + dt.timedelta(days=1)
            if last_audit_period_end
            else self.terms.lifecycle.effective_date.value
        )
        label = "the day after the last audited period" if last_audit_period_end else "the Effective Date"
        start = max(lookback.value, since)
        return lookback.then(
            start, f"{label} is {since.isoformat()}; the shorter period starts {fmt(start)}", "III.7.1.1"
        )
