"""The readable HTML invoice: parties, dates with their explanations, summary, lines with clauses.

Rendered by Jinja2 from `icaops/billing/templates/invoice.html` with autoescaping on, so a
name or description holding `<` or `&` prints as text. The page is self-contained (inline
CSS, no scripts, no external resources). Recurring charges are summarised per service code
and per price group; `detail=True` adds one row per WTN (meant for small bills: the CSV
and the 811 carry the per-WTN detail of large ones).
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

import jinja2

from ..model import Bill
from .view import LABELS, Parties, day, invoice_view, money, quantity, recurring_rows

__all__ = ["invoice_html", "write_invoice_html", "render_html"]


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("icaops.billing", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals.update(money=money, quantity=quantity, day=day, labels=LABELS)
    return env


def invoice_html(bill: Bill, parties: Parties | Any, *, detail: bool = False, currency: str = "USD") -> str:
    """The invoice of `bill` as one self-contained HTML page (print-ready CSS inside).

    `parties` is a `Parties`, a loaded Agreement or its manifest (names and addresses
    of the ILEC and the CLEC come from there, the CLEC's ids from the bill's account).
    """
    view = invoice_view(bill, parties, currency)
    template = _environment().get_template("invoice.html")
    return template.render(v=view, detail=detail, rows=recurring_rows(bill) if detail else ())


def write_invoice_html(bill: Bill, path: str | os.PathLike, parties: Parties | Any, *, detail: bool = False, currency: str = "USD") -> None:
    """Write the HTML invoice of `bill` to `path` (UTF-8)."""
    text = invoice_html(bill, parties, detail=detail, currency=currency)
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write(text)




render_html = invoice_html  # earlier name, still called by icaops/commands/billing.py
