"""The PDF invoice: the HTML invoice's own page printed by WeasyPrint (one template), Letter, page N of M.

Text is read from WeasyPrint's laid-out pages (the same layout the PDF is drawn from), so
no PDF reader is needed.
"""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
import weasyprint
from weasyprint.formatting_structure.boxes import TextBox

from icaops.billing.outputs import invoice_html, invoice_pdf, write_invoice_pdf
from icaops.billing.outputs.view import money

from .helpers import ACCOUNT, agreement, big_bill, notices, small_bill, summary


def laid_out(bill, **options) -> list[str]:
    """The text of each printed page of the invoice of `bill`."""
    page = invoice_html(bill, agreement(), summary(bill), notices(), **options)
    document = weasyprint.HTML(string=page).render()
    pages = []
    for p in document.pages:
        texts = [box.text for box in p._page_box.descendants() if isinstance(box, TextBox)]
        pages.append(" ".join(texts))
    return pages


def test_pdf_shows_the_account_summary_and_the_due_date():
    """III.9.2: the first printed page carries the total amount due and the Bill Due Date; III.9.4 and
    III.34.2: how and by when to dispute, and where to send notices."""
    bill = small_bill()
    data = invoice_pdf(bill, agreement(), summary(bill), notices())
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    first = laid_out(bill)[0]
    assert f"{money(bill.total)} USD" in first and bill.cycle.due_date.value.isoformat() in first
    assert "Previous balance" in first and "Balance forward" in first and "Remittance" in first.title()
    assert "III.9.4" in first and "III.34.2" in first
    assert agreement().terms.notices.addresses.value["ilec"][0].split(",")[0] in first


def test_pages_are_numbered_n_of_m():
    """Each printed page says which page of how many it is."""
    bill = big_bill(5_000)
    pages = laid_out(bill)
    assert len(pages) >= 2
    for i, text in enumerate(pages, 1):
        assert f"page {i} of {len(pages)}" in text


def test_many_price_groups_print_without_their_steps():
    """IV.3.1: above `steps_max` price groups the printed invoice lists each group on one row (the HTML keeps the steps)."""
    bill = big_bill(5_000)
    assert len(bill.recurring_groups) > 60
    joined = " ".join(laid_out(bill))
    assert "the HTML invoice shows them" in joined
    step = next(iter(bill.recurring_groups.values())).steps[0].text
    assert step not in joined
    assert step in " ".join(laid_out(small_bill()))


def test_a_20000_character_word_is_laid_out_in_seconds(tmp_path):
    """An unbroken 20,000-character description (no spaces) is wrapped, not allowed to stall the PDF."""
    bill = small_bill()
    usage = next(i for i, l in enumerate(bill.lines) if l.category == "usage")
    lines = list(bill.lines)
    lines[usage] = replace(lines[usage], description="W" * 20_000)
    long = replace(bill, lines=tuple(lines))
    started = time.monotonic()
    write_invoice_pdf(long, tmp_path / "long.pdf", agreement(), summary(long), notices())
    assert time.monotonic() - started < 30
    assert (tmp_path / "long.pdf").read_bytes().startswith(b"%PDF-")


def test_non_latin_text_prints():
    """Names in any script print as written (DejaVu covers Latin, Greek, Cyrillic; others fall back)."""
    account = replace(ACCOUNT, name="Granite Télécom — “Ωmega” Связь")
    text = " ".join(laid_out(small_bill(account)))
    assert "Granite Télécom — “Ωmega” Связь" in text


@pytest.mark.parametrize("lines", [0, 3])
def test_an_empty_or_small_bill_prints_its_amount_due(lines):
    """III.9.2: even with nothing to bill the invoice shows the amount due (0.00) and the Bill Due Date."""
    from icaops.billing.inventory import inventory_table
    from icaops.billing.run import run_cycle

    from .helpers import PERIOD

    bill = (
        run_cycle([ACCOUNT], inventory_table([]), PERIOD, agreement().terms).bills[ACCOUNT.id]
        if lines == 0
        else small_bill()
    )
    pages = laid_out(bill)
    assert f"{money(bill.total)} USD" in pages[0]
    if lines == 0:
        assert len(pages) <= 3 and "No recurring charges this cycle." in " ".join(pages)
