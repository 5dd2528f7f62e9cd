"""The HTML invoice: readable, self-contained, escaped, every line with its clause."""

from __future__ import annotations

import html
import re
from dataclasses import replace

from icaops.billing.outputs import invoice_html, write_invoice_html
from icaops.billing.outputs.view import money

from .helpers import ACCOUNT, agreement, big_bill, small_bill


def _rows(page: str, css_class: str) -> list[str]:
    table = re.search(rf'<table class="{css_class}">(.*?)</table>', page, re.S)
    assert table, f"no table {css_class}"
    return re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1), re.S)[1:]


def test_header_shows_parties_dates_and_amount_due():
    """III.9.2: the Bill Date and the Bill Due Date are shown with the steps and clauses that produced them."""
    bill = small_bill()
    page = invoice_html(bill, agreement())
    parties = agreement().manifest["parties"]
    assert html.escape(parties["ilec"]["name"]) in page
    assert html.escape(parties["clec"]["address"]) in page
    assert ACCOUNT.name in page and f"OCN {ACCOUNT.ocn}" in page and f"CCNA {ACCOUNT.ccna}" in page
    assert bill.cycle.due_date.value.isoformat() in page
    for step in bill.cycle.due_date.steps:
        assert html.escape(step.text) in page
    assert '<span class="clause">III.9.2</span>' in page
    assert f"{money(bill.total)} USD" in page


def test_each_line_has_its_clause_and_explanation():
    """VIII, III.9.3, III.45: NRCs at Article VIII prices, the late charge, the FUSC as a separate line, each with its clause."""
    bill = small_bill()
    page = invoice_html(bill, agreement())
    rows = _rows(page, "lines")
    assert len(rows) == len(bill.lines)
    for line in bill.lines:
        row = next(r for r in rows if html.escape(line.description) in r)
        assert f'<span class="clause">{line.clause}</span>' in row
        assert money(line.amount) in row
        for step in line.explanation.steps:
            assert html.escape(step.text) in row
    late = next(r for r in rows if "Late payment" in r)
    assert "III.9.3" in late
    fusc = next(r for r in re.findall(r'<tr[^>]*class="cat-surcharge[^"]*"[^>]*>.*?</tr>', page, re.S))
    assert "III.9.6" in fusc and "III.45" in fusc


def test_true_up_and_refused_charges_are_listed():
    """III.46.2: the interim price is marked for true-up. III.9.1: the back-billed trip charge is listed as not billed, with its reason."""
    page = invoice_html(small_bill(), agreement())
    true_up = _rows(page, "true-up")
    assert len(true_up) == 1 and "Service Order Expedite" in true_up[0] and "III.46.2" in true_up[0]
    refused = _rows(page, "refused")
    assert len(refused) == 1 and "back-billing is barred" in refused[0] and "III.9.1" in refused[0]


def test_names_are_escaped():
    """Autoescape: a name holding markup prints as text."""
    account = replace(ACCOUNT, name='<script>alert("x")</script> & Sons')
    page = invoice_html(small_bill(account), agreement())
    assert "<script>" not in page
    assert "&lt;script&gt;" in page and "&amp; Sons" in page


def test_page_is_self_contained():
    page = invoice_html(small_bill(), agreement())
    assert "<style>" in page
    assert not re.search(r"<(link|script|img|iframe)\b", page)
    assert "http://" not in page and "https://" not in page


def test_large_bill_is_summarised_and_points_to_the_detail():
    """A 5,000-WTN bill lists service codes and price groups, not 5,000 rows, and says where the per-WTN detail is."""
    bill = big_bill(5_000)
    page = invoice_html(bill, agreement())
    assert len(_rows(page, "groups")) == len(bill.recurring_groups)
    assert 'class="wtns"' not in page
    assert "line-item CSV" in page and "811" in page
    assert bill.recurring.column("wtn")[0].as_py() not in page


def test_detail_lists_every_wtn(tmp_path):
    bill = small_bill()
    path = tmp_path / "bill.html"
    write_invoice_html(bill, path, agreement(), detail=True)
    page = path.read_text(encoding="utf-8")
    rows = _rows(page, "wtns")
    assert len(rows) == bill.recurring.num_rows
    for wtn in bill.recurring.column("wtn").to_pylist():
        assert wtn in page
