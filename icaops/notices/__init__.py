"""Notice letters (III.34): what each notice the agreement requires says, to whom, how it is
sent and the day it counts as received, rendered as plain text and PDF from Jinja2 templates.

Pure: the letter is composed from the terms, the relationship's events and the notice to be
given; the application layer (icaops/app/notices.py) writes the files and records the
`notice.given` event.
"""

from .kinds import LETTER_KINDS, LetterKind
from .letter import Addressee, Letter, LetterError, compose_letter, notice_event
from .render import letter_html, letter_pdf, letter_text

__all__ = [
    "LETTER_KINDS",
    "Addressee",
    "Letter",
    "LetterError",
    "LetterKind",
    "compose_letter",
    "letter_html",
    "letter_pdf",
    "letter_text",
    "notice_event",
]
