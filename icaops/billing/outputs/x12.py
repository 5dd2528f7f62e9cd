"""ASC X12 syntax for writing: delimiters, element cleaning, number formats, the ISA envelope.

Transaction-neutral: the 811 map lives in `edi811.py`. Delimiters default to element `*`,
segment terminator `~`, component (sub-element) separator `>` and are configurable;
release 004010 has no repetition separator, so ISA11 is the standards identifier `U`.

Character sets: the X12 basic set is A-Z, 0-9, space and ``! " & ' ( ) * + , - . / : ; ? =``;
the extended set adds lower case and ``% @ [ ] _ { } \\ | < > ~ ^ ` # $``. Free text is
folded to ASCII, control characters and the three delimiters in use become spaces, and
with `charset="basic"` it is also upper-cased and stripped of extended characters.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Literal

import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["BASIC_SPECIALS", "Delimiters", "Envelope", "SegmentWriter", "Text", "Usage", "d8", "n2", "r"]

Charset = Literal["basic", "extended"]
Usage = Literal["P", "T"]  # ISA15: production or test data
BASIC_SPECIALS = " !\"&'()*+,-./:;?="
_EXTENDED_ONLY = "%@[]_{}\\|<>~^`#$"
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Delimiters:
    """The element separator, segment terminator and component separator of one interchange."""

    element: str = "*"
    segment: str = "~"
    component: str = ">"

    def __post_init__(self) -> None:
        chars = (self.element, self.segment, self.component)
        for name, c in zip(("element", "segment", "component"), chars):
            if len(c) != 1 or not c.isascii() or c.isalnum() or c == " ":
                raise ValueError(
                    f"X12 {name} delimiter: expected one ASCII character, not a letter, digit or space; got {c!r}"
                )
        if len(set(chars)) != 3:
            raise ValueError(
                f"X12 delimiters must differ from each other, got element {self.element!r}, segment {self.segment!r}, component {self.component!r}"
            )


class Text:
    """Cleans element values for one set of delimiters and one character set."""

    def __init__(self, delimiters: Delimiters = Delimiters(), charset: Charset = "extended"):
        if charset not in ("basic", "extended"):
            raise ValueError(f"X12 charset: 'basic' or 'extended', got {charset!r}")
        self.delimiters, self.charset = delimiters, charset
        banned = {delimiters.element, delimiters.segment, delimiters.component}
        if charset == "basic":
            banned |= set(_EXTENDED_ONLY)
        self._banned = "".join(sorted(banned))
        self._unsafe = re.compile("[" + re.escape(self._banned) + r"\x00-\x1f\x7f]")

    def an(self, value: object, max_len: int) -> str:
        """A free-text (AN) element: ASCII, delimiters and control characters replaced, trimmed to `max_len`."""
        text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode("ascii")
        if self.charset == "basic":
            text = text.upper()
        text = _SPACES.sub(" ", self._unsafe.sub(" ", text)).strip()
        return text[:max_len].rstrip()

    def an_column(self, values: pa.Array, max_len: int) -> pa.Array:
        """`an` for a whole Arrow string column (ASCII input assumed clean of accents; others become spaces)."""
        text = pc.cast(values, pa.string())
        if self.charset == "basic":
            text = pc.utf8_upper(text)
        text = pc.replace_substring_regex(text, "[" + re.escape(self._banned) + r"]|[^\x20-\x7e]", " ")
        text = pc.utf8_trim_whitespace(pc.replace_substring_regex(text, r" {2,}", " "))
        return pc.utf8_trim_whitespace(pc.utf8_slice_codeunits(text, 0, max_len))

    def ident(self, value: object, max_len: int, element: str) -> str:
        """An identifier, which must not be altered: refused (naming `element`) if cleaning would change it, or if too long or empty.

        Under the basic character set an identifier is upper-cased (lower case is not in it).
        """
        raw = str(value).strip()
        text = self.an(raw, 10_000)
        expected = raw.upper() if self.charset == "basic" else raw
        if text != expected:
            raise ValueError(
                f"X12 {element}: {raw!r} holds characters outside the {self.charset} character set or used as delimiters"
            )
        if not text or len(text) > max_len:
            raise ValueError(f"X12 {element}: expected 1 to {max_len} characters, got {len(text)} in {raw!r}")
        return text


def r(value: Decimal) -> str:
    """An R (decimal) element, exact as computed: no exponent, no float (`18.50`, `-5.00`, `0.000123`)."""
    if not isinstance(value, Decimal):
        raise TypeError(f"X12 numbers are written from Decimal, got {value!r}")
    return format(abs(value) if value == 0 else value, "f")


def n2(value: Decimal) -> str:
    """An N2 element (implied two decimals): an amount in whole cents, refused if it has sub-cent digits."""
    if not isinstance(value, Decimal):
        raise TypeError(f"X12 numbers are written from Decimal, got {value!r}")
    cents = value * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"N2 amount {value} has more than two decimals")
    return str(int(cents))


def d8(value: dt.date) -> str:
    """A DT element of eight digits, CCYYMMDD."""
    return value.strftime("%Y%m%d")


@dataclass(frozen=True, slots=True)
class Envelope:
    """Interchange and group addressing: who sends, who receives, control numbers, when, test or production."""

    sender_id: str
    receiver_id: str
    created: dt.datetime
    interchange_control: int  # ISA13: never reused (the application takes it from the store's counter)
    group_control: int
    sender_qualifier: str = "ZZ"
    receiver_qualifier: str = "ZZ"
    usage: Usage = "T"

    def __post_init__(self) -> None:
        if not 0 < self.interchange_control < 10**9:
            raise ValueError(
                f"ISA13 interchange control number: expected 1 to 999999999, got {self.interchange_control}"
            )
        if not 0 < self.group_control < 10**9:
            raise ValueError(f"GS06 group control number: expected 1 to 999999999, got {self.group_control}")
        if self.usage not in ("P", "T"):
            raise ValueError(f"ISA15 usage indicator: expected P or T, got {self.usage!r}")


class SegmentWriter:
    """Writes segments to a text stream and counts them (all, and since the last ST)."""

    def __init__(self, out: IO[str], text: Text, line_breaks: bool = False):
        self._out = out
        self.text = text
        self.delimiters = text.delimiters
        self._end = self.delimiters.segment + ("\n" if line_breaks else "")
        self.total = 0
        self.in_transaction = 0

    def write(self, tag: str, *elements: str) -> None:
        """One segment; trailing empty elements are dropped, as X12 requires."""
        values = list(elements)
        while values and values[-1] == "":
            values.pop()
        self._out.write(self.delimiters.element.join((tag, *values)) + self._end)
        self.total += 1
        self.in_transaction += 1

    def block(self, text: str, segments: int) -> None:
        """Pre-rendered segments (each already terminated), counted as `segments`."""
        self._out.write(text)
        self.total += segments
        self.in_transaction += segments

    @property
    def terminator(self) -> str:
        """What ends each segment: the segment terminator, and a line break if asked for."""
        return self._end

    def isa(self, env: Envelope) -> None:
        """The fixed-width ISA segment (106 characters with its terminator) for release 00401."""
        t = self.text
        self.write(
            "ISA",
            "00",
            " " * 10,
            "00",
            " " * 10,
            f"{t.ident(env.sender_qualifier, 2, 'ISA05'):<2}",
            f"{t.ident(env.sender_id, 15, 'ISA06'):<15}",
            f"{t.ident(env.receiver_qualifier, 2, 'ISA07'):<2}",
            f"{t.ident(env.receiver_id, 15, 'ISA08'):<15}",
            env.created.strftime("%y%m%d"),
            env.created.strftime("%H%M"),
            "U",
            "00401",
            f"{env.interchange_control:09d}",
            "0",
            env.usage,
            self.delimiters.component,
        )
