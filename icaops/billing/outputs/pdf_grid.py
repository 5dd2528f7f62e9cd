"""A plain, fast table for fpdf2: word-wrapped cells, a heading row repeated on every page.

fpdf2's own `table()` measures every cell through its general line breaker (about a
millisecond a cell); an invoice of a thousand price groups has thousands of cells. Core
fonts have no kerning, so a string's width is the sum of its words' widths, and wrapping
needs nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from fpdf import FPDF

__all__ = ["Style", "Grid", "SMALL", "BOLD", "PLAIN"]

_LEADING = 0.42  # line height in mm per point of font size
_PAD = 0.8


@dataclass(frozen=True, slots=True)
class Style:
    """Font size, emphasis ("" or "B" or "I") and grey level of a cell's text."""

    size: float = 8
    emphasis: str = ""
    grey: int = 0


PLAIN, SMALL, BOLD = Style(), Style(6.5, "", 80), Style(8, "B")


def _wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    """`text` in lines no wider than `width` (explicit line breaks kept, over-long words cut)."""
    space = pdf.get_string_width(" ")
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current, used = "", 0.0
        for word in paragraph.split(" "):
            w = pdf.get_string_width(word)
            while w > width and word:  # a word wider than the column: cut it
                cut = len(word)
                while cut > 1 and pdf.get_string_width(word[:cut]) > width:
                    cut -= 1
                if current:
                    lines.append(current)
                lines.append(word[:cut])
                current, used = "", 0.0
                word = word[cut:]
                w = pdf.get_string_width(word)
            if current and used + space + w > width:
                lines.append(current)
                current, used = word, w
            else:
                current, used = (f"{current} {word}" if current else word), used + (space if current else 0) + w
        lines.append(current)
    return lines


class Grid:
    """A table drawn row by row; call `row` for each row, the heading repeats after each page break."""

    def __init__(self, pdf: FPDF, widths: Sequence[float], align: Sequence[str], heading: Sequence[str]):
        scale = pdf.epw / sum(widths)
        self.pdf, self.widths, self.align, self.heading = pdf, [w * scale for w in widths], align, heading
        self._heading_row()

    def _heading_row(self) -> None:
        pdf = self.pdf
        layout = self._layout([(h, BOLD) for h in self.heading])
        pdf.set_fill_color(235, 235, 235)
        pdf.rect(pdf.l_margin, pdf.get_y(), pdf.epw, layout[1], style="F")
        self._draw(*layout)

    def _layout(self, cells: Iterable[str | tuple[str, Style]]) -> tuple[list[tuple[list[str], Style]], float]:
        """Each cell's wrapped lines and style, and the row height."""
        out, height = [], 0.0
        for cell, width in zip(cells, self.widths):
            text, style = cell if isinstance(cell, tuple) else (cell, PLAIN)
            self.pdf.set_font("Helvetica", style.emphasis, style.size)
            lines = _wrap(self.pdf, text, width - 2 * _PAD)
            out.append((lines, style))
            height = max(height, len(lines) * style.size * _LEADING)
        return out, height + 2 * _PAD

    def _draw(self, cells: list[tuple[list[str], Style]], height: float) -> None:
        pdf = self.pdf
        top, x = pdf.get_y(), pdf.l_margin
        for (lines, style), width, align in zip(cells, self.widths, self.align):
            pdf.set_font("Helvetica", style.emphasis, style.size)
            pdf.set_text_color(style.grey)
            leading = style.size * _LEADING
            for i, line in enumerate(lines):
                left = x + _PAD if align != "RIGHT" else x + width - _PAD - pdf.get_string_width(line)
                pdf.text(left, top + _PAD + leading * (i + 0.78), line)
            x += width
        pdf.set_text_color(0)
        pdf.set_draw_color(190)
        pdf.line(pdf.l_margin, top + height, pdf.l_margin + pdf.epw, top + height)
        pdf.set_draw_color(0)
        pdf.set_y(top + height)

    def row(self, cells: Iterable[str | tuple[str, Style]]) -> None:
        """Draw one row, first starting a new page (and repeating the heading) if it does not fit."""
        layout = self._layout(cells)
        if self.pdf.get_y() + layout[1] > self.pdf.page_break_trigger:
            self.pdf.add_page()
            self._heading_row()
        self._draw(*layout)
