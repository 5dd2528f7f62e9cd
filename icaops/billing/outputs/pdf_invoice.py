"""The printable PDF invoice (fpdf2, pure Python): the same content as the HTML invoice.

Parties, bill id, period and service dates, Bill Date and Bill Due Date with the steps that
reached them, the summary by category, recurring charges by service code and by price
group, every other line with its clause and explanation, interim prices subject to
true-up, and what was not billed. Tables repeat their heading row on every page and each
page is numbered "page N of M". Per-WTN detail belongs in the CSV and the 811: the PDF
says so. A bill with more price groups than `explain_groups_max` prints one line per
group (count x unit = subtotal, clauses) instead of each group's steps, so a 100,000-WTN
bill stays a few dozen pages. Core PDF fonts only cover Latin-1, so text is folded to it.
"""

from __future__ import annotations

import datetime as dt
import os
import unicodedata
from typing import Any, Iterable, Sequence

from fpdf import FPDF

from ...explain import Explained
from ..model import Bill
from .pdf_grid import BOLD as _BOLD, SMALL as _SMALL, Grid, Style
from .view import LABELS, InvoiceView, Parties, day, invoice_view, money, quantity

__all__ = ["invoice_pdf", "write_invoice_pdf", "render_pdf", "latin1"]

_FOLD = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                       "\u2026": "...", "\u2022": "-", "\u00a0": " ", "\u20ac": "EUR", "\u2122": "(TM)"})


def latin1(text: object) -> str:
    """Text the PDF core fonts can print: typographic marks folded, accents kept, other characters decomposed or `?`."""
    folded = unicodedata.normalize("NFKC", str(text)).translate(_FOLD)
    out = []
    for c in folded:
        if c == "\n" or (ord(c) < 256 and unicodedata.category(c)[0] != "C"):
            out.append(c)
        elif c.isspace():
            out.append(" ")
        elif unicodedata.category(c)[0] != "C":
            kept = "".join(d for d in unicodedata.normalize("NFKD", c) if ord(d) < 256 and unicodedata.category(d)[0] not in "CMZ")
            out.append(kept or "?")
    return "".join(out)


def _steps(explained: Explained) -> str:
    return "\n".join(f"{i}. {s.text}" + (f" [{s.clause}]" if s.clause else "") for i, s in enumerate(explained.steps, 1))


class _Invoice(FPDF):
    """Letter pages with the bill id and "page N of M" in the footer."""

    bill_id = ""

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font("Helvetica", size=7)
        self.cell(0, 5, latin1(f"Invoice {self.bill_id} - page {self.page_no()} of {{nb}}"), align="C")


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 6, latin1(text), new_x="LMARGIN", new_y="NEXT", border="B")
    pdf.ln(1)
    pdf.set_font("Helvetica", size=8)


def _note(pdf: FPDF, text: str) -> None:
    pdf.set_font("Helvetica", "I", 8)
    pdf.multi_cell(0, 4, latin1(text), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=8)


def _table(pdf: FPDF, widths: Sequence[float], align: Sequence[str], header: Sequence[str],
           rows: Iterable[Sequence[tuple[str, Style] | str]]) -> None:
    """A table whose heading row repeats at the top of every page it spans."""
    grid = Grid(pdf, widths, align, [latin1(h) for h in header])
    for cells in rows:
        grid.row([(latin1(c[0]), c[1]) if isinstance(c, tuple) else latin1(c) for c in cells])
    pdf.ln(2)


def _parties(pdf: FPDF, v: InvoiceView) -> None:
    acct = v.bill.account
    ids = " - ".join(x for x in (f"Account {acct.id}", f"OCN {acct.ocn}" if acct.ocn else "", f"CCNA {acct.ccna}" if acct.ccna else "") if x)
    half = pdf.epw / 2 - 2
    top = pdf.get_y()
    bottom = top
    for i, (title, lines) in enumerate((("REMIT TO (ILEC)", (v.parties.ilec.name, v.parties.ilec.address)),
                                        ("BILL TO (CLEC)", (acct.name, v.parties.clec.address, ids)))):
        pdf.set_xy(pdf.l_margin + i * (half + 4), top)
        pdf.set_font("Helvetica", "B", 7)
        pdf.multi_cell(half, 4, title, new_x="LEFT", new_y="NEXT")
        pdf.set_font("Helvetica", size=9)
        pdf.multi_cell(half, 4.5, latin1("\n".join(l for l in lines if l)), new_x="LEFT", new_y="NEXT")
        bottom = max(bottom, pdf.get_y())
    pdf.set_xy(pdf.l_margin, bottom + 2)


def _facts(pdf: FPDF, v: InvoiceView) -> None:
    c = v.bill.cycle
    rows = [
        ("Bill id", v.bill.id, None), ("Billing period", c.period, None),
        ("Service dates", f"{c.start.isoformat()} to {c.close.isoformat()} ({c.days} days)", None),
        ("Bill Date", day(c.bill_date.value), c.bill_date),
        ("Bill Due Date", day(c.due_date.value), c.due_date),
        ("Total due", f"{money(v.total)} {v.currency}", None),
    ]
    for label, value, why in rows:
        pdf.set_font("Helvetica", "B", 9)
        pdf.cell(32, 5, label)
        pdf.set_font("Helvetica", "B" if label in ("Bill Due Date", "Total due") else "", 9)
        pdf.cell(0, 5, latin1(value), new_x="LMARGIN", new_y="NEXT")
        if why is not None:
            pdf.set_x(pdf.l_margin + 32)
            pdf.set_font("Helvetica", size=7)
            pdf.multi_cell(0, 3.5, latin1(_steps(why)), new_x="LMARGIN", new_y="NEXT")


def _summary(pdf: FPDF, v: InvoiceView) -> None:
    _heading(pdf, "Summary")
    rows = [(r.label, f"{r.lines:,}", money(r.amount), " ".join(r.clauses)) for r in v.billed]
    rows.append(((LABELS["total"], _BOLD), "", (money(v.total), _BOLD), (f"Due {v.bill.cycle.due_date.value.isoformat()}", _BOLD)))
    _table(pdf, (50, 15, 30, 95), ("LEFT", "RIGHT", "RIGHT", "LEFT"), ("Category", "Lines", "Amount", "Clauses"), rows)


def _service_codes(pdf: FPDF, v: InvoiceView) -> None:
    _heading(pdf, "Monthly recurring charges by service code")
    if not v.service_codes:
        pdf.cell(0, 5, "No recurring charges this cycle.", new_x="LMARGIN", new_y="NEXT")
        return
    rows = [(s.usoc or "(none)", f"{s.wtns:,}", f"{s.price_groups:,}", money(s.subtotal), " ".join(s.clauses)) for s in v.service_codes]
    _table(pdf, (30, 25, 25, 35, 75), ("LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT"), ("USOC", "WTNs", "Price groups", "Subtotal", "Clauses"), rows)
    _note(pdf, f"The charge of each of the {v.wtn_count:,} WTNs is in the line-item CSV (one row per WTN) and in the ASC X12 811 detail loops.")


def _groups(pdf: FPDF, v: InvoiceView, explain_groups_max: int) -> None:
    _heading(pdf, "Monthly recurring charges by price group")
    if not v.groups:
        pdf.cell(0, 5, "No recurring charges this cycle.", new_x="LMARGIN", new_y="NEXT")
        return
    if len(v.groups) <= explain_groups_max:
        rows = [(str(g.price_group), ", ".join(g.usocs), str(g.days), f"{g.wtns:,}", money(g.unit_amount), money(g.subtotal), g.clause,
                 (_steps(g.explanation), _SMALL)) for g in v.groups]
        _table(pdf, (11, 15, 9, 12, 16, 20, 16, 91), ("LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "LEFT", "LEFT"),
               ("Group", "USOC", "Days", "WTNs", "Each", "Subtotal", "Clause", "How the amount was reached"), rows)
        return
    _note(pdf, f"{len(v.groups):,} price groups: each line shows WTNs x each = subtotal and the clauses applied. "
               "The step-by-step computation of each group is in the HTML invoice.")
    rows = [(str(g.price_group), ", ".join(g.usocs), str(g.days), f"{g.wtns:,}", money(g.unit_amount), money(g.subtotal), " ".join(g.explanation.clauses))
            for g in v.groups]
    _table(pdf, (14, 22, 12, 18, 22, 26, 76), ("LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "LEFT"),
           ("Group", "USOC", "Days", "WTNs", "Each", "Subtotal", "Clauses"), rows)


def _lines(pdf: FPDF, v: InvoiceView) -> None:
    _heading(pdf, "Other charges, taxes and credits")
    if not v.lines:
        pdf.cell(0, 5, "No other charges this cycle.", new_x="LMARGIN", new_y="NEXT")
        return
    rows = []
    for l in v.lines:
        text = l.description + (" (interim price, subject to true-up)" if l.true_up else "")
        rows.append((LABELS[l.category], text, (_steps(l.explanation), _SMALL), l.service_date.isoformat() if l.service_date else "",
                     quantity(l.quantity), money(l.unit_price), money(l.amount), l.clause))
    _table(pdf, (22, 34, 58, 17, 14, 15, 16, 14), ("LEFT", "LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT"),
           ("Category", "Description", "How reached", "Date", "Qty", "Unit", "Amount", "Clause"), rows)


def _true_up(pdf: FPDF, v: InvoiceView) -> None:
    if not v.true_up:
        return
    _heading(pdf, "Interim prices subject to true-up")
    _note(pdf, "These charges have no price in the agreement yet; they are billed at an interim price and will be trued up once a price is set.")
    _table(pdf, (70, 60, 25, 35), ("LEFT", "LEFT", "RIGHT", "LEFT"), ("Line", "Description", "Amount", "Clauses"),
           [(l.line_id, l.description, money(l.amount), " ".join(l.explanation.clauses)) for l in v.true_up])


def _not_billed(pdf: FPDF, v: InvoiceView, rejected_max: int) -> None:
    _heading(pdf, "Not billed")
    if v.refused:
        _table(pdf, (25, 40, 105, 20), ("LEFT",) * 4, ("Source", "Charge", "Reason", "Clause"), [(r.source, r.code, r.reason, r.clause) for r in v.refused])
    else:
        pdf.cell(0, 5, "No charges were refused.", new_x="LMARGIN", new_y="NEXT")
    if v.rejected:
        shown = v.rejected[:rejected_max]
        _table(pdf, (30, 30, 130), ("LEFT",) * 3, ("Inventory line", "Field", "Reason"), [(r.line_id, r.field, r.reason) for r in shown])
        if len(v.rejected) > len(shown):
            _note(pdf, f"{len(v.rejected) - len(shown):,} more rejected inventory rows are listed in the HTML invoice.")
    else:
        pdf.cell(0, 5, "No inventory rows were rejected.", new_x="LMARGIN", new_y="NEXT")


def invoice_pdf(bill: Bill, parties: Parties | Any, *, currency: str = "USD", explain_groups_max: int = 60,
                rejected_max: int = 100, compress: bool = True) -> bytes:
    """The invoice of `bill` as PDF bytes (Letter, core fonts, no system libraries).

    `parties`: a `Parties`, a loaded Agreement or its manifest. `compress=False` leaves the
    page content streams readable (for tests and for diffing two invoices).
    """
    v = invoice_view(bill, parties, currency)
    pdf = _Invoice(format="Letter")
    pdf.bill_id = bill.id
    pdf.set_compression(compress)
    pdf.set_margins(13, 12, 13)
    pdf.set_auto_page_break(True, margin=14)
    pdf.set_title(latin1(f"Invoice {bill.id}"))
    pdf.set_creation_date(dt.datetime.combine(bill.cycle.bill_date.value, dt.time(0, 0), dt.timezone.utc))  # reproducible bytes
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 8, latin1(f"Invoice {bill.id}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=8)
    pdf.cell(0, 4, latin1(f"Every amount cites the clause of the agreement that sets it. Amounts in {currency}."), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    _parties(pdf, v)
    _facts(pdf, v)
    _summary(pdf, v)
    _service_codes(pdf, v)
    _lines(pdf, v)
    _true_up(pdf, v)
    _not_billed(pdf, v, rejected_max)
    _groups(pdf, v, explain_groups_max)
    return bytes(pdf.output())


def write_invoice_pdf(bill: Bill, path: str | os.PathLike, parties: Parties | Any, **options: Any) -> None:
    """Write the PDF invoice of `bill` to `path` (options as for `invoice_pdf`)."""
    data = invoice_pdf(bill, parties, **options)
    with open(path, "wb") as out:
        out.write(data)


render_pdf = invoice_pdf  # earlier name, still called by icaops/commands/billing.py
