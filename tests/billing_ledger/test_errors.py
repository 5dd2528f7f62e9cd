"""Every error code, each from one broken input (beancount/TigerBeetle style): the code,
the transfer key, the field and leg it names. Refusals change nothing."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from icaops.billing.ledger import AMOUNT_DIGITS_MAX, Chart, Code, Flow, Kind, LedgerError, Period

from .helpers import BAN, OTHER_BAN, bill, hold, new_ledger, transfer

DOCS = Path(__file__).resolve().parents[2] / "docs" / "ledger.md"
AUG = date(2012, 8, 10)


def _void(key="V1", pending="H1", on=date(2012, 9, 1), ban=BAN, *rows):
    return transfer(
        key,
        *rows,
        ban=ban,
        kind=Kind.DISPUTE_RELEASE,
        on=on,
        clause="III.9.4",
        flow=Flow.VOID_PENDING,
        pending_key=pending,
    )


def _post(key="R1", pending="H1", *rows, on=date(2012, 9, 1)):
    return transfer(
        key, *rows, kind=Kind.DISPUTE_RELEASE, on=on, clause="III.9.4.1", flow=Flow.POST_PENDING, pending_key=pending
    )


_BILL_AND_HOLD = (bill("B1", "100.00"), hold("H1", "30.00", on=AUG))

# id, commands posted first, the broken command, expected (code, field, leg)
CASES = [
    ("key_empty", (), transfer("", ("receivable", "1"), ("cash", "-1")), (Code.KEY_EMPTY, "key", None)),
    ("key_conflict", (bill("B1", "1.00"),), bill("B1", "2.00"), (Code.KEY_CONFLICT, "legs.amounts", 0)),
    (
        "clause_missing",
        (),
        transfer("B1", ("receivable", "1"), ("cash", "-1"), clause=""),
        (Code.CLAUSE_MISSING, "clause", None),
    ),
    (
        "posted_at_naive",
        (),
        transfer("B1", ("receivable", "1"), ("cash", "-1"), posted_at=datetime(2012, 8, 1)),
        (Code.POSTED_AT_NAIVE, "posted_at", None),
    ),
    (
        "currency_mismatch",
        (),
        transfer("B1", ("receivable", "1"), ("cash", "-1"), currency="CAD"),
        (Code.CURRENCY_MISMATCH, "currency", None),
    ),
    (
        "billing_account_unknown",
        (),
        bill("B1", "1.00", ban="BAN-NOPE"),
        (Code.BILLING_ACCOUNT_UNKNOWN, "billing_account", None),
    ),
    (
        "legs_not_allowed",
        _BILL_AND_HOLD,
        _void("V1", "H1", date(2012, 9, 1), BAN, ("disputes:pending", "1"), ("receivable", "-1")),
        (Code.LEGS_NOT_ALLOWED, "legs", None),
    ),
    ("legs_too_few", (), transfer("B1", ("receivable", "1")), (Code.LEGS_TOO_FEW, "legs", None)),
    (
        "account_unknown",
        (),
        transfer("B1", ("receivable", "1"), ("revenue:bogus", "-1")),
        (Code.ACCOUNT_UNKNOWN, "account", 1),
    ),
    (
        "account_unknown_family_without_member",
        (),
        transfer("B1", ("receivable", "1"), ("taxes_payable:", "-1")),
        (Code.ACCOUNT_UNKNOWN, "account", 1),
    ),
    (
        "amount_invalid_float",
        (),
        transfer("B1", ("receivable", 1.5), ("cash", "-1.50")),
        (Code.AMOUNT_INVALID, "amount", 0),
    ),
    (
        "amount_invalid_nan",
        (),
        transfer("B1", ("receivable", "1"), ("cash", "NaN")),
        (Code.AMOUNT_INVALID, "amount", 1),
    ),
    (
        "amount_invalid_infinity",
        (),
        transfer("B1", ("receivable", "Infinity"), ("cash", "-1")),
        (Code.AMOUNT_INVALID, "amount", 0),
    ),
    ("amount_invalid_int", (), transfer("B1", ("receivable", "1"), ("cash", -1)), (Code.AMOUNT_INVALID, "amount", 1)),
    (
        "amount_invalid_too_large",
        (),
        transfer("B1", ("receivable", "1" + "0" * AMOUNT_DIGITS_MAX), ("cash", "-1" + "0" * AMOUNT_DIGITS_MAX)),
        (Code.AMOUNT_INVALID, "amount", 0),
    ),
    (
        "amount_scale_exceeded",
        (),
        transfer("B1", ("receivable", "1.005"), ("cash", "-1.005")),
        (Code.AMOUNT_SCALE_EXCEEDED, "amount", 0),
    ),
    (
        "amount_zero",
        (),
        transfer("B1", ("receivable", "1"), ("revenue:usage", "0.00"), ("cash", "-1")),
        (Code.AMOUNT_ZERO, "amount", 1),
    ),
    (
        "legs_unbalanced",
        (),
        transfer("B1", ("receivable", "1.00"), ("cash", "-0.99")),
        (Code.LEGS_UNBALANCED, "legs", None),
    ),
    (
        "period_closed",
        (Period(BAN, date(2012, 7, 1), date(2012, 7, 31)),),
        bill("B1", "1.00"),
        (Code.PERIOD_CLOSED, "effective_date", None),
    ),
    (
        "correction_target_unknown",
        (),
        transfer("B1-rev", ("receivable", "-1"), ("revenue:recurring", "1"), corrects="B1"),
        (Code.CORRECTION_TARGET_UNKNOWN, "corrects", None),
    ),
    (
        "correction_target_other_billing_account",
        (bill("B1", "1.00", ban=OTHER_BAN),),
        transfer("B1-rev", ("receivable", "-1"), ("revenue:recurring", "1"), corrects="B1"),
        (Code.CORRECTION_TARGET_UNKNOWN, "corrects", None),
    ),
    ("pending_unknown", (), _void(pending="H-none"), (Code.PENDING_UNKNOWN, "pending_key", None)),
    (
        "pending_not_pending",
        (bill("B1", "100.00"),),
        _void(pending="B1"),
        (Code.PENDING_NOT_PENDING, "pending_key", None),
    ),
    (
        "pending_already_resolved",
        (*_BILL_AND_HOLD, _void("V1")),
        _void("V2"),
        (Code.PENDING_ALREADY_RESOLVED, "pending_key", None),
    ),
    (
        "pending_mismatch_accounts",
        _BILL_AND_HOLD,
        _post("R1", "H1", ("credits", "10"), ("receivable", "-10")),
        (Code.PENDING_MISMATCH, "account", 0),
    ),
    (
        "pending_mismatch_billing_account",
        _BILL_AND_HOLD,
        _void(ban=OTHER_BAN),
        (Code.PENDING_MISMATCH, "billing_account", None),
    ),
    (
        "pending_amount_exceeded",
        _BILL_AND_HOLD,
        _post("R1", "H1", ("disputes:pending", "31"), ("receivable", "-31")),
        (Code.PENDING_AMOUNT_EXCEEDED, "amount", 0),
    ),
    (
        "pending_amount_reversed",
        _BILL_AND_HOLD,
        _post("R1", "H1", ("disputes:pending", "-5"), ("receivable", "5")),
        (Code.PENDING_AMOUNT_EXCEEDED, "amount", 0),
    ),
    (
        "effective_before_target_resolution",
        _BILL_AND_HOLD,
        _void(on=date(2012, 8, 9)),
        (Code.EFFECTIVE_BEFORE_TARGET, "effective_date", None),
    ),
    (
        "effective_before_target_correction",
        (bill("B1", "1.00"),),
        transfer("B1-rev", ("receivable", "-1"), ("revenue:recurring", "1"), corrects="B1", on=date(2012, 7, 30)),
        (Code.EFFECTIVE_BEFORE_TARGET, "effective_date", None),
    ),
    ("period_invalid", (), Period(BAN, date(2012, 7, 31), date(2012, 7, 1)), (Code.PERIOD_INVALID, "last", None)),
    (
        "period_billing_account_unknown",
        (),
        Period("BAN-NOPE", date(2012, 7, 1), date(2012, 7, 31)),
        (Code.BILLING_ACCOUNT_UNKNOWN, "billing_account", None),
    ),
]


def _apply(ledger, command):
    return ledger.close(command) if isinstance(command, Period) else ledger.post(command)


@pytest.mark.parametrize("setup, command, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_broken_input_gives_its_code_and_changes_nothing(setup, command, expected):
    """Errors users can hit are values naming the transfer, field and leg; a refused
    command leaves the ledger exactly as it was."""
    ledger = new_ledger()
    for earlier in setup:
        assert not isinstance(_apply(ledger, earlier), LedgerError)
    before = ledger.state()
    error = _apply(ledger, command)
    assert isinstance(error, LedgerError), error
    assert (error.code, error.field, error.leg) == expected
    assert error.key == (command.billing_account if isinstance(command, Period) else command.key)
    assert error.message and str(error.code) in str(error)
    assert ledger.state() == before


@pytest.mark.parametrize(
    "mapping, field",
    [
        ({"cash": "left"}, "cash"),
        ({"revenue*": "credit"}, "revenue*"),
        ({":*": "credit"}, ":*"),
        ({}, ""),
    ],
)
def test_chart_invalid(mapping, field):
    """chart_invalid: a chart entry must be a name or `prefix:*` with side debit/credit."""
    error = Chart.parse(mapping)
    assert isinstance(error, LedgerError)
    assert (error.code, error.field) == (Code.CHART_INVALID, field)


def test_precedence_reports_the_first_code_in_order():
    """Codes are ordered: with an unknown account and a bad amount, account_unknown wins."""
    error = new_ledger().post(transfer("B1", ("receivable", "1.001"), ("nope", "-1.001")))
    assert error.code is Code.ACCOUNT_UNKNOWN


def test_every_code_has_a_case_and_a_documented_meaning():
    """Each error code is tested here and documented in docs/ledger.md."""
    tested = {c[3][0] for c in CASES} | {Code.CHART_INVALID}
    assert tested == set(Code)
    docs = DOCS.read_text()
    assert [code for code in Code if f"`{code}`" not in docs] == []


def test_amount_digits_bound_admits_the_largest_amount():
    """amount_invalid's size bound: AMOUNT_DIGITS_MAX integer digits plus cents still post."""
    big = Decimal("9" * AMOUNT_DIGITS_MAX + ".99")
    ledger = new_ledger()
    assert not isinstance(ledger.post(transfer("B1", ("receivable", big), ("cash", -big))), LedgerError)
