"""Regressions found while writing the collections scenarios (III.6.2, III.9.1)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from icaops.billing.collections.status import query
from icaops.billing.collections.timeline import fold_account
from icaops.calendar.deadlines import Deadlines
from icaops.relationship.events import event_from_mapping, ordered_log
from icaops.scenarios.billing_kinds import billing_state
from icaops.scenarios.context import Context
from icaops.terms.loader import load_agreement

AGREEMENT = load_agreement("centurylink-granite-id-2012")
TERMS = AGREEMENT.terms


def _log(rows):
    log, errors = ordered_log([event_from_mapping(r, i, "regression") for i, r in enumerate(rows)])
    assert not errors
    return log


def test_deposit_request_without_a_figure_uses_the_account_forecast():
    """III.6.2: the deposit is the greater of two months of Granite's forecast and $5,000 — the forecast on the account counts."""
    log = _log(
        [
            {
                "id": "open",
                "date": dt.date(2014, 1, 2),
                "type": "billing.account_opened",
                "account": "G",
                "monthly_forecast": "3100.00",
            },
            {
                "id": "R1",
                "date": dt.date(2014, 2, 3),
                "type": "deposit.requested",
                "account": "G",
                "ground": "no_established_credit",
            },
        ]
    )
    h = fold_account("G", log, TERMS, dt.date(2014, 2, 3))
    assert query(h, "deposit.R1.amount", dt.date(2014, 2, 3), Deadlines(TERMS)).value == Decimal("6200.00")


def test_deposit_request_without_any_forecast_is_the_floor():
    """III.6.2: no forecast at all -> $5,000."""
    log = _log(
        [
            {
                "id": "R1",
                "date": dt.date(2014, 2, 3),
                "type": "deposit.requested",
                "account": "G",
                "ground": "no_established_credit",
            }
        ]
    )
    h = fold_account("G", log, TERMS, dt.date(2014, 2, 3))
    assert query(h, "deposit.R1.amount", dt.date(2014, 2, 3), Deadlines(TERMS)).value == Decimal("5000.00")


def test_back_billed_charge_older_than_a_year_is_refused_with_its_clause():
    """III.9.1: a charge billed late (`billed_in`) for service more than one year before the Bill Date is refused, citing III.9.1."""
    log = _log(
        [
            {"id": "open", "date": dt.date(2013, 1, 2), "type": "billing.account_opened", "account": "G"},
            {
                "id": "T1",
                "date": dt.date(2013, 3, 1),
                "type": "trip.dispatched",
                "account": "G",
                "billed_in": "2014-03",
            },
            {
                "id": "T2",
                "date": dt.date(2013, 3, 5),
                "type": "trip.dispatched",
                "account": "G",
                "billed_in": "2014-03",
            },
            {
                "id": "C1",
                "date": dt.date(2014, 3, 3),
                "type": "billing.cycle_closed",
                "account": "G",
                "period": "2014-03",
            },
        ]
    )
    ctx = Context.of(AGREEMENT, log)
    old = billing_state(ctx, "billing.G.bill.G:2014-03.refused.T1", dt.date(2014, 3, 4)).explained
    recent = billing_state(ctx, "billing.G.bill.G:2014-03.refused.T2", dt.date(2014, 3, 4)).explained
    assert old.value is True and "III.9.1" in old.clauses
    assert recent.value is False


def _resume_log(second_payment: str):
    return _log(
        [
            {
                "id": "B1",
                "date": dt.date(2016, 8, 10),
                "type": "bill.issued",
                "account": "G",
                "bill": "B1",
                "amount": "1000.00",
            },
            {
                "id": "B2",
                "date": dt.date(2016, 9, 10),
                "type": "bill.issued",
                "account": "G",
                "bill": "B2",
                "amount": "500.00",
            },
            {
                "id": "NS",
                "date": dt.date(2016, 9, 12),
                "type": "notice.given",
                "kind": "suspension",
                "method": "certified_mail",
                "receipt_date": dt.date(2016, 9, 14),
                "by": "ilec",
            },
            {"id": "P1", "date": dt.date(2016, 9, 21), "type": "payment.received", "account": "G", "amount": "1000.00"},
            {
                "id": "P2",
                "date": dt.date(2016, 9, 28),
                "type": "payment.received",
                "account": "G",
                "amount": second_payment,
            },
        ]
    )


def test_suspended_orders_resume_only_when_past_and_current_charges_are_paid():
    """III.9.5.1: paying the past-due bill alone does not resume order processing; paying all undisputed charges does."""
    ctx = Context.of(AGREEMENT, _resume_log("100.00"))
    # B1 due 2016-09-09; suspension from 2016-09-19; P1 pays B1 only on 2016-09-21
    assert billing_state(ctx, "billing.G.orders_may_be_refused", dt.date(2016, 9, 19)).explained.value is True
    still = billing_state(ctx, "billing.G.orders_may_be_refused", dt.date(2016, 9, 21)).explained
    assert still.value is True and "III.9.5.1" in still.clauses
    assert (
        billing_state(ctx, "billing.G.orders_may_be_refused", dt.date(2016, 9, 28)).explained.value is True
    )  # 100.00 of B2's 500.00 + late charge
    paid = Context.of(AGREEMENT, _resume_log("600.00"))  # B2 500.00 + B2's late line, with room to spare
    assert billing_state(paid, "billing.G.orders_may_be_refused", dt.date(2016, 9, 28)).explained.value is False


def test_reversed_late_charges_cite_the_dispute_clauses():
    """III.9.4 / III.9.4.1: late charges reversed when a late-filed dispute is resolved for the billed Party say why."""
    ctx = Context.of(
        AGREEMENT,
        _log(
            [
                {
                    "id": "B1",
                    "date": dt.date(2020, 1, 15),
                    "type": "bill.issued",
                    "account": "G",
                    "bill": "B1",
                    "amount": "300.00",
                },
                {
                    "id": "D1",
                    "date": dt.date(2020, 2, 20),
                    "type": "billing_dispute.filed",
                    "account": "G",
                    "bill": "B1",
                    "amount": "300.00",
                    "reason": "r",
                },
                {
                    "id": "B2",
                    "date": dt.date(2020, 3, 15),
                    "type": "bill.issued",
                    "account": "G",
                    "bill": "B2",
                    "amount": "0.00",
                },
                {
                    "id": "R1",
                    "date": dt.date(2020, 3, 20),
                    "type": "billing_dispute.resolved",
                    "account": "G",
                    "refers_to": "D1",
                    "amount_for_clec": "300.00",
                },
                {
                    "id": "B3",
                    "date": dt.date(2020, 4, 15),
                    "type": "bill.issued",
                    "account": "G",
                    "bill": "B3",
                    "amount": "0.00",
                },
            ]
        ),
    )
    reversal = billing_state(ctx, "billing.G.bill.B3.late_charge", dt.date(2020, 4, 15)).explained
    assert reversal.value < 0
    assert {"III.9.4", "III.9.4.1"} <= set(reversal.clauses)


def test_notices_for_an_earlier_nonpayment_do_not_count_for_a_later_one():
    """III.9.5.1 / III.9.5.2: a suspension or disconnection notice received before a bill's due date does not announce its non-payment."""
    ctx = Context.of(
        AGREEMENT,
        _log(
            [
                {
                    "id": "B1",
                    "date": dt.date(2022, 3, 14),
                    "type": "bill.issued",
                    "account": "G",
                    "bill": "B1",
                    "amount": "1000.00",
                },
                {
                    "id": "NS",
                    "date": dt.date(2022, 4, 15),
                    "type": "notice.given",
                    "kind": "suspension",
                    "method": "personal",
                    "by": "ilec",
                },
                {
                    "id": "ND",
                    "date": dt.date(2022, 4, 15),
                    "type": "notice.given",
                    "kind": "disconnection",
                    "method": "personal",
                    "by": "ilec",
                },
                {
                    "id": "P1",
                    "date": dt.date(2022, 4, 20),
                    "type": "payment.received",
                    "account": "G",
                    "amount": "1000.00",
                },
                {
                    "id": "B3",
                    "date": dt.date(2022, 5, 14),
                    "type": "bill.issued",
                    "account": "G",
                    "bill": "B3",
                    "amount": "1000.00",
                },
            ]
        ),
    )
    on = dt.date(2022, 6, 24)  # B3 due 2022-06-13, unpaid; no notice since
    assert billing_state(ctx, "billing.G.orders_may_be_refused", on).explained.value is False
    assert billing_state(ctx, "billing.G.earliest_disconnection", on).explained.value == dt.date(2022, 7, 11)


def test_a_deposit_provided_in_part_is_a_default_until_complete():
    """III.6: providing part of the III.6.2 amount within 30 days is not providing "such deposit"; every receipt counts toward it."""
    log = _log(
        [
            {
                "id": "open",
                "date": dt.date(2027, 1, 4),
                "type": "billing.account_opened",
                "account": "G",
                "monthly_forecast": "4000.00",
            },
            {
                "id": "R1",
                "date": dt.date(2027, 3, 1),
                "type": "deposit.requested",
                "account": "G",
                "ground": "no_established_credit",
            },
            {
                "id": "C1",
                "date": dt.date(2027, 3, 15),
                "type": "deposit.received",
                "account": "G",
                "refers_to": "R1",
                "amount": "5000.00",
            },
            {
                "id": "C2",
                "date": dt.date(2027, 4, 5),
                "type": "deposit.received",
                "account": "G",
                "refers_to": "R1",
                "amount": "3000.00",
            },
        ]
    )
    dl = Deadlines(TERMS)

    def in_default(on):
        return query(fold_account("G", log, TERMS, on), "deposit.R1.in_default", on, dl).value

    assert in_default(dt.date(2027, 3, 31)) is False
    assert in_default(dt.date(2027, 4, 1)) is True
    assert in_default(dt.date(2027, 4, 5)) is False
    assert fold_account("G", log, TERMS, dt.date(2027, 4, 5)).deposit_held == Decimal("8000.00")


def test_a_dispute_cannot_hold_more_than_was_billed():
    """III.9.4: a Disputed Amount is part of "an amount billed"; more than the bill (or an item's line) is rejected, not turned into credit."""
    rows = [
        {
            "id": "B1",
            "date": dt.date(2013, 3, 4),
            "type": "bill.issued",
            "account": "G",
            "bill": "B1",
            "lines": {"lines": "800.00", "trips": "200.00"},
        },
        {
            "id": "D1",
            "date": dt.date(2013, 3, 20),
            "type": "billing_dispute.filed",
            "account": "G",
            "bill": "B1",
            "items": [{"line": "B1:trips", "amount": "5000.00", "reason": "trips never dispatched"}],
        },
        {
            "id": "D2",
            "date": dt.date(2013, 3, 21),
            "type": "billing_dispute.filed",
            "account": "G",
            "bill": "B1",
            "amount": "1000.01",
            "reason": "all of it",
        },
        {
            "id": "R1",
            "date": dt.date(2013, 3, 25),
            "type": "billing_dispute.resolved",
            "account": "G",
            "refers_to": "D1",
            "amount_for_clec": "5000.00",
        },
    ]
    h = fold_account("G", _log(rows), TERMS, dt.date(2013, 4, 30))
    rejected = {(err.event, err.field) for err in h.errors}
    assert {("D1", "items"), ("D2", "amount")} <= rejected
    assert not h.disputes
    assert h.book.unpaid(dt.date(2013, 4, 30)) == Decimal("1000.00")


def test_a_late_filed_dispute_holds_nothing_back():
    """III.9.4: amounts disputed after the Bill Due Date may not be withheld — they stay past due and take payments."""
    log = _log(
        [
            {
                "id": "B1",
                "date": dt.date(2019, 2, 7),
                "type": "bill.issued",
                "account": "G",
                "bill": "B1",
                "amount": "3000.00",
            },
            {"id": "P1", "date": dt.date(2019, 3, 11), "type": "payment.received", "account": "G", "amount": "2400.00"},
            {
                "id": "D1",
                "date": dt.date(2019, 3, 15),
                "type": "billing_dispute.filed",
                "account": "G",
                "bill": "B1",
                "amount": "600.00",
                "reason": "r",
            },
            {"id": "D0", "date": dt.date(2019, 3, 20), "type": "payment.received", "account": "G", "amount": "600.00"},
        ]
    )
    dl = Deadlines(TERMS)
    on = dt.date(2019, 3, 16)
    h = fold_account("G", log, TERMS, on)
    assert query(h, "past_due", on, dl).value == Decimal("600.00")
    assert query(h, "disputed_held", on, dl).value == Decimal("0.00")
    assert query(
        fold_account("G", log, TERMS, dt.date(2019, 3, 20)), "balance", dt.date(2019, 3, 20), dl
    ).value == Decimal("0.00")


def test_a_dispute_after_payment_attaches_to_the_money_paid_last():
    """III.9.4: late charges on an amount paid late with a late-filed dispute are reversed when the dispute is resolved for the billed Party."""
    log = _log(
        [
            {
                "id": "B1",
                "date": dt.date(2020, 1, 15),
                "type": "bill.issued",
                "account": "G",
                "bill": "B1",
                "amount": "1800.00",
            },
            {"id": "P1", "date": dt.date(2020, 2, 14), "type": "payment.received", "account": "G", "amount": "1500.00"},
            {"id": "P2", "date": dt.date(2020, 2, 20), "type": "payment.received", "account": "G", "amount": "300.00"},
            {
                "id": "D1",
                "date": dt.date(2020, 2, 20),
                "type": "billing_dispute.filed",
                "account": "G",
                "bill": "B1",
                "amount": "300.00",
                "reason": "r",
            },
        ]
    )
    h = fold_account("G", log, TERMS, dt.date(2020, 2, 21))
    [disputed] = h.book.dispute_tranches("D1")
    assert disputed.paid_on == dt.date(2020, 2, 20)
