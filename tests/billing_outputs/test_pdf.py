"""The PDF invoice: a real PDF, paged with repeated table headings, bounded for a 100,000-WTN bill.

Text is read from the uncompressed content streams (`compress=False`), not with fpdf2.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from icaops.billing.outputs import invoice_pdf, write_invoice_pdf
from icaops.billing.outputs.pdf_invoice import latin1
from icaops.billing.outputs.view import money

from .helpers import ACCOUNT, agreement, big_bill, pdf_pages, pdf_text, small_bill


@pytest.fixture(scope="module")
def hundred_thousand():
    bill = big_bill(100_000)
    return bill, invoice_pdf(bill, agreement(), compress=False)


def test_pdf_shows_the_total_and_the_due_date():
    """III.9.2: the printed invoice carries the amount due and the Bill Due Date with its clause."""
    bill = small_bill()
    data = invoice_pdf(bill, agreement(), compress=False)
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert f"{money(bill.total)} USD" in text
    assert any(bill.cycle.due_date.value.isoformat() in t for t in text)
    assert any("[III.9.2]" in t for t in text)


def test_pdf_lines_cite_their_clauses():
    """VIII, III.9.3, III.45, III.46.2, III.9.1: every line, the true-up and the refused charge appear with their clauses."""
    bill = small_bill()
    text = pdf_text(invoice_pdf(bill, agreement(), compress=False))
    joined = "\n".join(text)
    for line in bill.lines:
        assert money(line.amount) in text
        assert line.clause in text
    assert "[III.45]" in joined and "[III.9.3]" in joined
    assert "Interim prices subject to true-up" in text and "[III.46.2]" in joined
    assert "III.9.1" in text and any("back-billing is barred" in t for t in text)


def test_compressed_pdf_is_smaller_and_still_a_pdf():
    bill = small_bill()
    packed = invoice_pdf(bill, agreement())
    assert packed.startswith(b"%PDF-") and packed.rstrip().endswith(b"%%EOF")
    assert len(packed) < len(invoice_pdf(bill, agreement(), compress=False))


def test_hundred_thousand_wtns_fit_a_few_dozen_pages(hundred_thousand):
    """A CLEC with 100,000 resold lines: the PDF is the grouped summary, numbered "page N of M", and points to the CSV/811."""
    bill, data = hundred_thousand
    pages = pdf_pages(data)
    text = pdf_text(data)
    footers = [t for t in text if re.fullmatch(rf"Invoice {re.escape(bill.id)} - page \d+ of \d+", t)]
    assert 2 <= pages <= 60
    assert footers == [f"Invoice {bill.id} - page {i} of {pages}" for i in range(1, pages + 1)]
    assert f"{money(bill.total)} USD" in text
    assert any("line-item CSV" in t and "811" in t for t in text)
    assert not any(w in text for w in bill.recurring.column("wtn").slice(0, 50).to_pylist())


def test_price_group_heading_repeats_on_every_page(hundred_thousand):
    """The price-group table spans pages; its heading row is printed at the top of each."""
    bill, data = hundred_thousand
    streams = re.findall(rb"stream\n(.*?)endstream", data, re.S)
    pages = [pdf_text(s) for s in streams if b" Tj" in s]
    first = next(i for i, p in enumerate(pages) if "Monthly recurring charges by price group" in p)
    assert first < len(pages) - 1, "the price-group table should span several pages"
    for page in pages[first + 1:]:
        assert "Subtotal" in page and "Clauses" in page
    printed = {t for p in pages[first:] for t in p if re.fullmatch(r"\d+", t)}
    assert {str(g) for g in bill.recurring_groups} <= printed


def test_non_latin1_text_is_folded_not_fatal(tmp_path):
    """Core fonts cover Latin-1 only: other characters are folded or replaced, never an error."""
    account = replace(ACCOUNT, name="Granite Télécom — 電話 ☎ “Ωmega”")
    path = tmp_path / "bill.pdf"
    write_invoice_pdf(small_bill(account), path, agreement(), compress=False)
    text = pdf_text(path.read_bytes())
    name = next(t for t in text if t.startswith("Granite T"))
    assert name.startswith("Granite Télécom - ") and '"' in name
    assert latin1("a\u2013b\u00a0c") == "a-b c"
    assert all(ord(c) < 256 for c in latin1("電話 ☎ Ω €"))
    assert latin1("tab\there\x07\u200b") == "tab here"


def test_small_bill_explains_each_price_group():
    """IV.3.1: with few price groups, each is printed with the steps that reached its amount."""
    bill = small_bill()
    joined = "\n".join(pdf_text(invoice_pdf(bill, agreement(), compress=False)))
    for explained in bill.recurring_groups.values():
        for step in explained.steps:
            assert step.text in joined


def test_an_empty_bill_prints_one_page():
    """III.9.2: even with nothing to bill the invoice shows the amount due (0.00) and the Bill Due Date."""
    from icaops.billing.inventory import inventory_table
    from icaops.billing.run import run_cycle

    from .helpers import PERIOD

    bill = run_cycle([ACCOUNT], inventory_table([]), PERIOD, agreement().terms).bills[ACCOUNT.id]
    data = invoice_pdf(bill, agreement(), compress=False)
    text = pdf_text(data)
    assert pdf_pages(data) == 1 and "0.00 USD" in text and "No recurring charges this cycle." in text
