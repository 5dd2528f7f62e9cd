"""The HTML invoice: readable, self-contained, escaped, every line with its clause."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from decimal import Decimal

import pytest

from icaops.billing.outputs import AccountSummary, Notices, invoice_html, write_invoice_html
from icaops.billing.outputs.view import money, plain

from .helpers import ACCOUNT, agreement, big_bill, notices, small_bill, summary


def page_of(bill, **options) -> str:
    return invoice_html(bill, agreement(), summary(bill), notices(), **options)


def cite(clause: str) -> str:
    return f'<a class="clause" href="#clause-{clause}">{clause}</a>'


def _rows(page: str, css_class: str) -> list[str]:
    table = re.search(rf'<table class="{css_class}( [^"]*)?">(.*?)</table>', page, re.S)
    assert table, f"no table {css_class}"
    return re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(2), re.S)[1:]


def test_header_shows_parties_dates_and_amount_due():
    """III.9.2: the Bill Date and the Bill Due Date are shown with the steps and clauses that produced them."""
    bill = small_bill()
    page = page_of(bill)
    parties = agreement().manifest["parties"]
    assert html.escape(parties["ilec"]["name"]) in page
    assert html.escape(parties["clec"]["address"]) in page
    assert ACCOUNT.name in page and f"OCN {ACCOUNT.ocn}" in page and f"CCNA {ACCOUNT.ccna}" in page
    assert bill.cycle.due_date.value.isoformat() in page
    for step in bill.cycle.due_date.steps:
        assert html.escape(step.text) in page
    assert cite("III.9.2") in page
    assert f"{money(bill.total)} USD" in page


def test_each_line_has_its_clause_and_explanation():
    """III.9.3, III.45: usage, the late charge, the FUSC as a separate line, each with its clause and steps."""
    bill = small_bill()
    page = page_of(bill)
    rows = _rows(page, "lines")
    others = [l for l in bill.lines if l.category != "nrc"]
    assert len(rows) == len(others)
    for line in others:
        row = next(r for r in rows if html.escape(line.description) in r)
        assert cite(line.clause) in row
        assert money(line.amount) in row
        for step in line.explanation.steps:
            assert html.escape(plain(step.text)) in row
    late = next(r for r in rows if "Late payment" in r)
    assert "order.submitted" not in page and "ROUND_HALF_UP" not in page
    assert "III.9.3" in late
    fusc = next(r for r in re.findall(r'<tr[^>]*class="cat-surcharge[^"]*"[^>]*>.*?</tr>', page, re.S))
    assert "III.9.6" in fusc and "III.45" in fusc


def test_true_up_and_refused_charges_are_listed():
    """III.46.2: the interim price is marked for true-up. III.9.1: the back-billed trip charge is listed as not billed, with its reason."""
    page = page_of(small_bill())
    true_up = _rows(page, "true-up")
    assert len(true_up) == 1 and "Service Order Expedite" in true_up[0] and "III.46.2" in true_up[0]
    refused = _rows(page, "refused")
    assert len(refused) == 1 and "back-billing is barred" in refused[0] and "III.9.1" in refused[0]


def test_names_are_escaped():
    """Autoescape: a name holding markup prints as text."""
    account = replace(ACCOUNT, name='<script>alert("x")</script> & Sons')
    page = page_of(small_bill(account))
    assert "<script>" not in page
    assert "&lt;script&gt;" in page and "&amp; Sons" in page


def test_page_is_self_contained():
    page = page_of(small_bill())
    assert "<style>" in page
    assert not re.search(r"<(link|script|img|iframe)\b", page)
    assert "http://" not in page and "https://" not in page


def test_large_bill_is_summarised_and_points_to_the_detail():
    """A 5,000-WTN bill lists service codes and price groups, not 5,000 rows, and says where the per-WTN detail is."""
    bill = big_bill(5_000)
    page = page_of(bill)
    assert len(_rows(page, "groups")) == len(bill.recurring_groups)
    assert 'class="wtns"' not in page
    assert "line-item CSV" in page and "811" in page
    assert bill.recurring.column("wtn")[0].as_py() not in page


def test_detail_lists_every_wtn(tmp_path):
    bill = small_bill()
    path = tmp_path / "bill.html"
    write_invoice_html(bill, path, agreement(), summary(bill), notices(), detail=True)
    page = path.read_text(encoding="utf-8")
    rows = _rows(page, "wtns")
    assert len(rows) == bill.recurring.num_rows
    for line_id in bill.recurring.column("line_id").to_pylist():
        assert f"{bill.id}:{line_id}" in page
    for wtn in bill.recurring.column("wtn").to_pylist():
        assert wtn in page


def test_nrcs_are_subtotalled_by_type_with_the_detail_after():
    """VIII: non-recurring charges are subtotalled by type and price, then each charge is listed by type and date."""
    nrcs = [l for l in small_bill().lines if l.category == "nrc"]
    page = page_of(small_bill())
    types = _rows(page, "nrc-types")
    assert len(types) == len({(l.code, l.unit_price) for l in nrcs}) + 1  # and the total row
    total = sum((l.amount for l in nrcs), Decimal(0))
    assert money(total) in types[-1]
    detail = page[page.index('<section class="nrc-detail">') :]
    assert page.index('class="nrc-types"') < page.index('<section class="nrc-detail">')
    for line in nrcs:
        assert f'id="{line.line_id}"' in detail
    assert '<section class="nrc-detail">' not in page_of(big_bill(1_000))  # no NRCs: no detail section


def test_account_summary_adds_up_to_the_total_due():
    """III.9.2, III.9.3, III.9.4.1: previous balance − payments + adjustments and credits + late payment charges
    = balance forward; + current charges = total amount due by the Bill Due Date."""
    bill = small_bill()
    account = AccountSummary.of(
        bill,
        previous_balance=Decimal("1234.56"),
        payments=Decimal("1000.00"),
        previous_bill_id="GRANITE:2012-07",
        previous_bill_date=bill.cycle.bill_date.value.replace(month=7),
        in_dispute=Decimal("34.56"),
    )
    totals = bill.totals()
    assert (
        account.late_charges == totals["late_charge"]
        and account.adjustments_credits == totals["credit"] + totals["adjustment"]
    )
    assert account.balance_forward == Decimal("234.56") + account.late_charges + account.adjustments_credits
    assert account.total_due == Decimal("234.56") + bill.total
    page = invoice_html(bill, agreement(), account, notices())
    expected = [
        account.previous_balance,
        -account.payments,
        account.adjustments_credits,
        account.late_charges,
        account.balance_forward,
        account.current_charges,
        account.total_due,
    ]
    rows = re.findall(
        r"<tr[^>]*>(.*?)</tr>", re.search(r'<table class="account">(.*?)</table>', page, re.S).group(1), re.S
    )
    assert len(rows) == len(expected)
    for row, amount in zip(rows, expected):
        assert money(amount) in row
    assert "GRANITE:2012-07" in page and "1,234.56" in page and "34.56" in page
    assert f"Total amount due by the Bill Due Date, {bill.cycle.due_date.value.isoformat()}" in page
    with pytest.raises(ValueError, match="account summary of"):
        invoice_html(bill, agreement(), replace(account, bill_id="GRANITE:2012-07"), notices())


def test_how_and_by_when_to_dispute_and_where_to_send_notices():
    """III.9.4: written notice of Disputed Amounts on or before the Bill Due Date; III.34.1 how notice is given;
    III.34.2: the addresses for notices come from the term `notices.addresses`, not the manifest."""
    bill = small_bill()
    terms = agreement().terms
    page = page_of(bill)
    box = re.search(r'<section class="disputes">(.*?)</section>', page, re.S).group(1)
    assert f"on or before {bill.cycle.due_date.value.isoformat()}" in box and cite("III.9.4") in box
    for address in terms.notices.addresses.value["ilec"]:
        assert html.escape(address) in box
    assert cite("III.34.2") in box and cite("III.34.1") in box
    assert "e-mail" not in box  # not a valid way to give notice (III.34.1)
    moved = agreement().with_overrides(
        {"notices.addresses": {"ilec": ["Billing Disputes, 1 Main St, Boise, ID 83702"], "clec": []}}, source="test"
    )
    other = invoice_html(bill, agreement(), summary(bill), Notices.from_terms(moved.terms))
    assert (
        "Billing Disputes, 1 Main St, Boise, ID 83702" in other
        and terms.notices.addresses.value["ilec"][0] not in other
    )
    strict = agreement().with_overrides({"billing.dispute_filing_on_due_date_allowed": False}, source="test")
    assert f"before {bill.cycle.due_date.value.isoformat()}" in invoice_html(
        bill, agreement(), summary(bill), Notices.from_terms(strict.terms)
    )


def test_remittance_stub_and_clause_links():
    """III.9.2: a remittance stub with the amount due and the Bill Due Date; every clause id links to its words."""
    bill = small_bill()
    page = page_of(bill)
    stub = re.search(r'<section class="stub">(.*?)</section>', page, re.S).group(1)
    assert money(bill.total) in stub and bill.cycle.due_date.value.isoformat() in stub and bill.account.id in stub
    targets = set(re.findall(r'href="#clause-([^"]+)"', page))
    anchors = set(re.findall(r'id="clause-([^"]+)"', page))
    assert targets and targets <= anchors
    assert "III.9.4" in anchors and "III.34.2" in anchors


def test_amounts_have_thousands_separators():
    """III.9.2: amounts print with thousands separators (1,234.56)."""
    bill = big_bill(5_000)
    page = page_of(bill)
    assert money(bill.total) in page and "," in money(bill.total)
    assert f"{bill.recurring.num_rows:,}" in page
