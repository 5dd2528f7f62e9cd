"""Collections as a fold (III.9): deterministic, a repeated event changes nothing, every error a coded value."""

from __future__ import annotations

import datetime as dt
from dataclasses import FrozenInstanceError, replace

import pytest

from icaops.billing.collections.errors import BillingError, Code, QueryError
from icaops.billing.collections.handlers import HANDLERS
from icaops.billing.collections.status import QUERIES, query
from icaops.billing.collections.timeline import BILLING_EVENTS, fold_account
from icaops.calendar.deadlines import Deadlines
from icaops.relationship.events import EventError, event_from_mapping
from icaops.terms.loader import load_agreement

TERMS = load_agreement("centurylink-granite-id-2012").terms
DL = Deadlines(TERMS)
D = dt.date
ON = D(2013, 5, 31)
LOG = [
    {
        "id": "B1",
        "date": D(2013, 3, 4),
        "type": "bill.issued",
        "account": "G",
        "bill": "B1",
        "lines": {"lines": "800.00", "trips": "200.00"},
    },
    {
        "id": "D1",
        "date": D(2013, 3, 20),
        "type": "billing_dispute.filed",
        "account": "G",
        "bill": "B1",
        "items": [{"line": "B1:trips", "amount": "100.00", "reason": "trips never dispatched"}],
    },
    {"id": "P1", "date": D(2013, 3, 25), "type": "payment.received", "account": "G", "amount": "700.00"},
    {
        "id": "Q1",
        "date": D(2013, 3, 26),
        "type": "deposit.requested",
        "account": "G",
        "amount": "300.00",
        "ground": "no_established_credit",
    },
    {
        "id": "QR",
        "date": D(2013, 3, 27),
        "type": "deposit.received",
        "account": "G",
        "refers_to": "Q1",
        "amount": "300.00",
    },
    {
        "id": "R1",
        "date": D(2013, 4, 1),
        "type": "billing_dispute.resolved",
        "account": "G",
        "refers_to": "D1",
        "amount_for_clec": "60.00",
    },
    {
        "id": "A1",
        "date": D(2013, 4, 2),
        "type": "audit.adjustment_agreed",
        "account": "G",
        "kind": "overcharge",
        "amount": "50.00",
        "originated_on": "2013-01-10",
    },
    {"id": "B2", "date": D(2013, 5, 4), "type": "bill.issued", "account": "G", "bill": "B2", "amount": "500.00"},
    {"id": "W1", "date": D(2013, 5, 20), "type": "deposit.drawn", "account": "G", "amount": "100.00"},
]


def _events(rows):
    return [event_from_mapping(r, i, "fold") for i, r in enumerate(rows)]


def _fold(rows, **kw):
    return fold_account("G", _events(rows), TERMS, ON, **kw)


def test_one_handler_per_billing_event_type():
    assert tuple(HANDLERS) == BILLING_EVENTS and len(BILLING_EVENTS) == 9


def test_the_fold_is_deterministic_and_its_state_frozen():
    once, again = _fold(LOG), _fold(LOG)
    assert once == again and not once.errors
    assert once.carried["B2"] and once.credited == {"D1": "B2"} and once.audits_billed == {"A1": "B2"}
    with pytest.raises(FrozenInstanceError):
        once.book = again.book  # type: ignore[misc]
    with pytest.raises(TypeError):
        once.bills["B3"] = once.bills["B1"]  # type: ignore[index]


def test_a_repeated_event_changes_nothing():
    """The same event (same id, same content) folded twice is one event: no second payment, bill or dispute."""
    assert _fold(LOG + LOG) == _fold(LOG)
    events = _events(LOG)
    assert fold_account("G", events + events[::-1], TERMS, ON) == fold_account("G", events, TERMS, ON)


def test_a_refused_event_leaves_the_state_as_it_was():
    bad = {"id": "X", "date": D(2013, 5, 4), "type": "payment.received", "account": "G", "amount": "lots"}
    refused = _fold(LOG + [bad])
    assert [e.code for e in refused.errors] == [Code.AMOUNT_INVALID]
    assert replace(refused, errors=()) == _fold(LOG)


def _error(row, **kw) -> BillingError:
    closed = {
        "id": "G5",
        "date": D(2013, 5, 4),
        "type": "bill.issued",
        "account": "G",
        "bill": "G:2013-05",
        "amount": "1.00",
    }
    h = _fold(LOG + [closed, {"id": "X", "date": D(2013, 5, 25), "account": "G", **row}], **kw)
    [error] = h.errors
    assert isinstance(error, EventError) and error.event == "X"
    return error


EVENT_ERRORS = [
    ({"type": "billing.cycle_closed", "period": "2013-05"}, Code.CYCLE_NOT_COMPUTABLE, "type"),
    ({"type": "bill.issued", "amount": "1.00"}, Code.FIELD_MISSING, "bill"),
    ({"type": "payment.received", "amount": "ten"}, Code.AMOUNT_INVALID, "amount"),
    ({"type": "bill.issued", "bill": "B3", "lines": ["a"]}, Code.LINES_INVALID, "lines"),
    ({"type": "billing_dispute.filed", "bill": "B9", "amount": "1.00", "reason": "r"}, Code.BILL_UNKNOWN, "refers_to"),
    ({"type": "billing_dispute.resolved", "refers_to": "D9"}, Code.DISPUTE_UNKNOWN, "refers_to"),
    ({"type": "deposit.received", "refers_to": "Q9", "amount": "1.00"}, Code.DEPOSIT_REQUEST_UNKNOWN, "refers_to"),
    ({"type": "billing_dispute.filed", "bill": "B2", "amount": "1.00"}, Code.DISPUTE_ITEMS_MISSING, "items"),
    (
        {"type": "billing_dispute.filed", "bill": "B2", "amount": "0.00", "reason": "r"},
        Code.DISPUTE_AMOUNT_NOT_POSITIVE,
        "amount",
    ),
    (
        {
            "type": "billing_dispute.filed",
            "bill": "B1",
            "items": [{"line": "B1:trips", "amount": "250.00", "reason": "r"}],
        },
        Code.DISPUTE_ITEM_EXCEEDS_LINE,
        "items",
    ),
    (
        {"type": "billing_dispute.filed", "bill": "B1", "amount": "950.00", "reason": "r"},
        Code.DISPUTE_EXCEEDS_OPEN,
        "amount",
    ),
    (
        {"type": "billing_dispute.resolved", "refers_to": "D1", "amount_for_clec": "101.00"},
        Code.RESOLUTION_OUT_OF_RANGE,
        "amount_for_clec",
    ),
    # III.6.1: a deposit request names one of the terms' grounds (deposit.triggers)
    ({"type": "deposit.requested", "amount": "1.00"}, Code.FIELD_MISSING, "ground"),
    (
        {"type": "deposit.requested", "amount": "1.00", "ground": "late_once"},
        Code.DEPOSIT_GROUND_INVALID,
        "ground",
    ),
    (
        {"type": "deposit.received", "refers_to": "Q1", "amount": "1.00", "form": "gold"},
        Code.DEPOSIT_FORM_INVALID,
        "form",
    ),
    ({"type": "deposit.drawn", "amount": "200.01"}, Code.DRAW_EXCEEDS_DEPOSIT, "amount"),
    (
        {"type": "audit.adjustment_agreed", "kind": "refund", "amount": "1.00", "originated_on": "2013-01-01"},
        Code.AUDIT_KIND_INVALID,
        "kind",
    ),
]


@pytest.mark.parametrize(("row", "code", "field"), EVENT_ERRORS, ids=[c.value for _, c, _ in EVENT_ERRORS])
def test_each_event_error_has_its_code(row, code, field):
    error = _error(row)
    assert (error.code, error.field) == (code, field)
    assert str(error).startswith(f"billing: event X: {field}: expected ")


def test_a_period_closed_twice_is_refused():
    """III.9.2: a closed bill is never billed again; the close is refused before anything is computed."""

    def compute(e, carried):
        raise AssertionError("a closed period was computed again")

    error = _error({"type": "billing.cycle_closed", "period": "2013-05"}, compute=compute)
    assert error.code is Code.PERIOD_CLOSED  # the log's bill G:2013-05 (below) closed it
    assert error.field == "period"


def test_missing_fields_come_before_other_checks():
    """Precedence: an event wrong in several ways reports the first code in `Code`."""
    error = _error({"type": "deposit.received", "refers_to": "Q9", "form": "gold"})
    assert (error.code, error.field) == (Code.FIELD_MISSING, "amount")
    error = _error({"type": "audit.adjustment_agreed", "kind": "refund", "amount": "x"})
    assert (error.code, error.field) == (Code.FIELD_MISSING, "originated_on")


QUERY_ERRORS = [
    ("nonsense", Code.QUERY_UNKNOWN, "unknown billing query 'nonsense'"),
    ("bill.B1.nope", Code.QUERY_UNKNOWN, "unknown bill query 'nope'"),
    ("bill.B9.total", Code.BILL_UNKNOWN, "no bill 'B9' (known: B1, B2)"),
    ("bill.B1.line.zz", Code.LINE_UNKNOWN, "no line 'zz' on bill B1"),
    (
        "bill.B1.refused.T1",
        Code.BILL_NOT_COMPUTED,
        "bill 'B1' is not a computed bill (billing.cycle_closed): it has no refused charges",
    ),
    ("dispute.D9.held", Code.DISPUTE_UNKNOWN, "no billing dispute 'D9'"),
    ("deposit.Q9.amount", Code.DEPOSIT_REQUEST_UNKNOWN, "no deposit request 'Q9'"),
]


@pytest.mark.parametrize(("name", "code", "message"), QUERY_ERRORS, ids=[n for n, _, _ in QUERY_ERRORS])
def test_each_query_error_has_its_code(name, code, message):
    answer = query(_fold(LOG), name, ON, DL)
    assert isinstance(answer, QueryError) and (answer.code, answer.message) == (code, message)


def test_a_dispute_not_resolved_has_no_credit_deadline():
    h = _fold([r for r in LOG if r["id"] != "R1"])
    answer = query(h, "dispute.D1.credit_due_by", ON, DL)
    assert isinstance(answer, QueryError) and answer.code is Code.DISPUTE_NOT_RESOLVED


def test_every_account_query_is_a_named_function_with_a_docstring():
    for name, fn in QUERIES.items():
        assert fn.__name__ != "<lambda>" and fn.__doc__, name
        assert not isinstance(query(_fold(LOG), name, ON, DL), QueryError)
