"""A notice letter laid out: plain text and a one-page HTML from Jinja2 templates
(`icaops/notices/templates/`), and the PDF the HTML prints to with WeasyPrint (as the
invoice, billing/outputs/pdf_invoice.py). Both say the same: the same `Letter` fills both.

WeasyPrint needs Pango (Debian: `libpango-1.0-0`, `libpangoft2-1.0-0`) and fonts (DejaVu).
"""

from __future__ import annotations

from functools import lru_cache

import jinja2

from ..calendar.periods import fmt
from .letter import Letter

__all__ = ["letter_html", "letter_pdf", "letter_text"]


@lru_cache(maxsize=2)
def _environment(html: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("icaops.notices", "templates"),
        autoescape=html,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.globals.update(day=fmt)
    return env


def letter_text(letter: Letter) -> str:
    """The letter as plain text (UTF-8, lines of the template)."""
    return _environment(False).get_template("letter.txt.j2").render(l=letter)


def letter_html(letter: Letter) -> str:
    """The letter as one self-contained HTML page (print CSS inside, no external resources)."""
    return _environment(True).get_template("letter.html.j2").render(l=letter)


def letter_pdf(letter: Letter) -> bytes:
    """The letter as PDF bytes: `letter_html` printed by WeasyPrint (Letter paper)."""
    import weasyprint  # imported here: loading Pango takes a moment and only PDFs need it

    return bytes(weasyprint.HTML(string=letter_html(letter), base_url=None).write_pdf() or b"")
