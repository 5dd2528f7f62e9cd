"""The invoice as PDF: the HTML invoice's own page, printed by WeasyPrint (Letter, page N of M).

One template for both: the PDF is `invoice_html` laid out with the template's print CSS, so
the two never disagree. Print CSS keeps long tables short (non-recurring charges one row
each, without their steps; price groups without their steps above `steps_max`), repeats
table headings on each page, and breaks words of any length (`overflow-wrap: anywhere`),
so an unbroken 20,000-character description is laid out in seconds, not minutes.

WeasyPrint needs Pango (Debian: `libpango-1.0-0`, `libpangoft2-1.0-0`) and fonts (DejaVu).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from ...privatefiles import write_private_bytes
from ...terms.loader import Agreement
from ..model import Bill
from .html_invoice import STEPS_MAX, invoice_html
from .statement import AccountSummary, Notices
from .view import Parties

__all__ = ["invoice_pdf", "render_pdf", "write_invoice_pdf"]


def invoice_pdf(
    bill: Bill,
    parties: Parties | Agreement | Mapping[str, Any],
    summary: AccountSummary,
    notices: Notices,
    *,
    currency: str = "USD",
    steps_max: int = STEPS_MAX,
) -> bytes:
    """The invoice of `bill` as PDF bytes (arguments as for `invoice_html`)."""
    import weasyprint  # imported here: loading Pango takes a moment and only PDFs need it

    page = invoice_html(bill, parties, summary, notices, currency=currency, steps_max=steps_max)
    document = weasyprint.HTML(string=page, base_url=None)
    return bytes(document.write_pdf() or b"")


def write_invoice_pdf(
    bill: Bill,
    path: str | os.PathLike[str],
    parties: Parties | Agreement | Mapping[str, Any],
    summary: AccountSummary,
    notices: Notices,
    *,
    currency: str = "USD",
) -> None:
    """Write the PDF invoice of `bill` to `path` (owner-only: it holds CPNI)."""
    write_private_bytes(path, invoice_pdf(bill, parties, summary, notices, currency=currency))


render_pdf = invoice_pdf  # earlier name
