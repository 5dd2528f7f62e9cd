"""The invoice view: what every output prints, computed once from a Bill."""

from __future__ import annotations

from decimal import Decimal

import pytest

from icaops.billing.outputs import Notices, Parties, invoice_view
from icaops.billing.outputs.view import money

from .helpers import agreement, big_bill, small_bill


def test_parties_come_from_the_agreement_manifest():
    """The ILEC and CLEC printed on the bill are the agreement's parties, not literals in the code."""
    manifest = agreement().manifest
    parties = Parties.of(agreement())
    assert parties.ilec.name == manifest["parties"]["ilec"]["name"]
    assert parties.clec.address == manifest["parties"]["clec"]["address"]
    assert Parties.of(manifest) == parties == Parties.of(parties)


def test_notices_come_from_the_terms():
    """III.34.2: the addresses for notices are the term `notices.addresses` (the billing Party's); III.34.1: e-mail is
    not a way to give notice; III.9.4: a dispute may be filed on the Bill Due Date itself."""
    terms = agreement().terms
    n = Notices.from_terms(terms)
    assert n.addresses == tuple(terms.notices.addresses.value["ilec"]) and n.addresses_clause == "III.34.2"
    assert not any(m == "mail" or "e-mail" in m for m in n.methods) and n.methods_clause == "III.34.1"
    assert n.dispute_on_due_date and n.dispute_clause == "III.9.4"
    assert n.quotes["III.34.2"].startswith("Notices conveyed")


def test_parties_refuse_what_is_not_an_agreement():
    with pytest.raises(TypeError, match="parties: expected Parties, an Agreement"):
        Parties.of({"name": "x"})
    with pytest.raises(ValueError, match=r"parties\.clec"):
        Parties.of({"parties": {"ilec": {"name": "I"}}})


def test_summary_categories_add_up_to_the_total():
    """III.9.2: the amount due is the sum of every category; each category cites its clauses."""
    bill = small_bill()
    v = invoice_view(bill, agreement())
    assert sum((r.amount for r in v.summary), Decimal(0)) == v.total == bill.total
    by = {r.category: r for r in v.billed}
    assert set(by) == {"mrc", "nrc", "usage", "surcharge", "late_charge", "credit"}
    assert "III.9.3" in by["late_charge"].clauses
    assert "III.45" in by["surcharge"].clauses
    assert by["mrc"].lines == 3 and v.line_count == 3 + len(bill.lines)


def test_price_groups_are_count_times_unit():
    """VIII, IV.3.1: each WTN of a price group is billed the group's amount; groups cover every WTN."""
    bill = big_bill(5_000)
    v = invoice_view(bill, agreement())
    assert sum(g.wtns for g in v.groups) == bill.recurring.num_rows
    for g in v.groups:
        assert g.unit_amount * g.wtns == g.subtotal
        assert g.explanation.value == g.unit_amount and g.clause in g.explanation.clauses
    assert sum((g.subtotal for g in v.groups), Decimal(0)) == bill.totals()["mrc"]


def test_service_codes_summarise_the_price_groups():
    bill = big_bill(5_000)
    v = invoice_view(bill, agreement())
    assert sum(s.wtns for s in v.service_codes) == bill.recurring.num_rows
    assert sum((s.subtotal for s in v.service_codes), Decimal(0)) == bill.totals()["mrc"]
    assert sum(s.price_groups for s in v.service_codes) >= len(v.groups)


def test_interim_lines_are_marked_for_true_up():
    """III.46.2: a TBD charge billed at an interim price is listed as subject to true-up."""
    v = invoice_view(small_bill(), agreement())
    assert [l.code for l in v.true_up] == ["service_order_expedite"]
    assert "III.46.2" in v.true_up[0].explanation.clauses


def test_money_is_shown_exactly():
    assert money(Decimal("1234.5")) == "1,234.50"
    assert money(Decimal("0.000581")) == "0.000581"
    assert money(Decimal("-5.00")) == "-5.00"
    assert money(None) == ""
    with pytest.raises(TypeError):
        money(1.5)  # type: ignore[arg-type]
