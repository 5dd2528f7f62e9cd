"""Pack header/trailer pairing (20-24-01 / 20-24-02) and the trailer's record count.

The layout beyond positions 1-6 is an icaops convention (see fields.PACK_HEADER); the check
is that the trailer's count equals the records physically between header and trailer.
"""

from __future__ import annotations

from dataclasses import dataclass

from icaops.traffic.emi.fields import PACK_TRAILER
from icaops.traffic.records import Quarantined

HEADER, TRAILER = 202401, 202402
_COUNT = PACK_TRAILER.field("record count")
_PACK_DATE = PACK_TRAILER.field("date")
_PACK_SEQ = PACK_TRAILER.field("pack sequence")


@dataclass(frozen=True, slots=True)
class Control:
    """A pack header or trailer record as read."""

    record_no: int
    byte_offset: int
    raw: bytes


class Packs:
    """Pairs pack headers with trailers and checks the trailer's record count."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.open: Control | None = None
        self.control = 0

    def take_control(self) -> int:
        """Control records confirmed since the last call."""
        done, self.control = self.control, 0
        return done

    def _q(self, c: Control, field: str, expected: str, found: str | None) -> Quarantined:
        return Quarantined(self.source, c.record_no, c.byte_offset, field, expected, found, c.raw.decode("latin-1"))

    def _fields_ok(self, c: Control, q: list[Quarantined]) -> bool:
        for f in (_PACK_DATE, _PACK_SEQ) + ((_COUNT,) if c.raw[:6] == b"202402" else ()):
            text = c.raw[f.cols]
            if not text.isdigit():
                q.append(self._q(c, f.label, f"{f.length} digits", text.decode("latin-1")))
                return False
        return True

    def see(self, kind: int, c: Control, q: list[Quarantined]) -> None:
        """Account for one control record; good ones are counted once their pack closes."""
        self.control += self._see(kind, c, q)

    def _see(self, kind: int, c: Control, q: list[Quarantined]) -> int:
        if not self._fields_ok(c, q):
            return 0
        if kind == HEADER:
            done = 0
            if self.open is not None:
                q.append(
                    self._q(self.open, "pack header (1-6)", "a pack trailer 20-24-02 before the next header", "202401")
                )
            self.open = c
            return done
        if self.open is None:
            q.append(self._q(c, "pack trailer (1-6)", "a preceding pack header 20-24-01", "202402"))
            return 0
        between = c.record_no - self.open.record_no - 1
        declared = int(c.raw[_COUNT.cols])
        self.open = None
        if declared != between:
            q.append(self._q(c, _COUNT.label, f"{between} (records between header and trailer)", str(declared)))
            return 1
        return 2

    def finish(self, q: list[Quarantined]) -> None:
        """At end of file, an unclosed pack header is quarantined."""
        if self.open is not None:
            q.append(self._q(self.open, "pack header (1-6)", "a pack trailer 20-24-02 before end of file", "202401"))
            self.open = None
