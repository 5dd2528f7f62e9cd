"""The invoice as one HTML page: account summary, how to dispute, remittance stub, charges with clauses.

Rendered by Jinja2 from `icaops/billing/templates/invoice.html` with autoescaping on, so a
name or description holding `<` or `&` prints as text. The page is self-contained (inline
CSS, no scripts, no external resources); clause ids link to the list of clauses cited at the
end. The same page, printed by WeasyPrint, is the PDF (pdf_invoice.py). Recurring charges are
summarised per service code and per price group; `detail=True` adds one row per WTN (meant
for small bills: the CSV and the 811 carry the per-WTN detail of large ones).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import jinja2

from ...privatefiles import private_file
from ...terms.loader import Agreement
from ..model import Bill
from .statement import AccountSummary, Notices
from .view import LABELS, Parties, breakable, day, invoice_view, money, plain, quantity, recurring_rows

__all__ = ["STEPS_MAX", "invoice_html", "render_html", "write_invoice_html"]

STEPS_MAX = 60
"""Above this many price groups the printed invoice leaves out each group's steps (the HTML keeps them)."""


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("icaops.billing", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals.update(money=money, quantity=quantity, day=day, plain=plain, labels=LABELS)
    env.filters["brk"] = breakable
    return env


def invoice_html(
    bill: Bill,
    parties: Parties | Agreement | Mapping[str, Any],
    summary: AccountSummary,
    notices: Notices,
    *,
    detail: bool = False,
    currency: str = "USD",
    steps_max: int = STEPS_MAX,
) -> str:
    """The invoice of `bill` as one self-contained HTML page (print CSS inside).

    `parties` is a `Parties`, a loaded Agreement or its manifest (names and addresses of the
    ILEC and the CLEC); `summary` the account's balance block, computed by the caller from
    the account's history; `notices` how to dispute and where to send notices, from the terms.
    """
    view = invoice_view(bill, parties, summary, notices, currency)
    template = _environment().get_template("invoice.html")
    return template.render(v=view, detail=detail, rows=recurring_rows(bill) if detail else (), steps_max=steps_max)


def write_invoice_html(
    bill: Bill,
    path: str | os.PathLike[str],
    parties: Parties | Agreement | Mapping[str, Any],
    summary: AccountSummary,
    notices: Notices,
    *,
    detail: bool = False,
    currency: str = "USD",
) -> None:
    """Write the HTML invoice of `bill` to `path` (UTF-8, owner-only: it holds CPNI)."""
    text = invoice_html(bill, parties, summary, notices, detail=detail, currency=currency)
    with private_file(path, "w", encoding="utf-8", newline="\n") as out:
        out.write(text)


render_html = invoice_html  # earlier name
