"""Hand-built EMI records: text placed at explicit 1-based positions, independent of fields.py."""

from __future__ import annotations

from pathlib import Path


def record(fields: dict[int, str], *, length: int = 210, terminator: bytes = b"\r\n") -> bytes:
    """A record of ``length`` spaces with each text placed at its 1-based start position."""
    buf = bytearray(b" " * length)
    for start, text in fields.items():
        buf[start - 1 : start - 1 + len(text)] = text.encode("latin-1")
    return bytes(buf[:length]) + terminator


CAT_01 = {
    1: "010101",
    7: "240301",
    13: "10",
    15: "2085551234",
    28: "10",
    30: "2085559876",
    40: "0001250",
    55: "143005",
    61: "0002153",
    68: "01",
    79: "1",
    80: "1",
    82: "00000000000000000010",
    113: "2085550000",
    149: "7",
}
"""Category 01: 2024-03-01 14:30:05 CST, 2 min 15.3 s (MMMMSST), $1.250 collected."""

CAT_11 = {
    1: "110101",
    7: "240715",
    13: "10",
    15: "2085551234",
    28: "10",
    30: "3125550000",
    40: "1",
    41: "0123",
    46: "0288",
    55: "235959",
    61: "0000457",
    68: "02",
    149: "8",
    150: "0000400",
    157: "2085550000",
    167: "9740",
    172: "3125550001",
    182: "507J",
    187: "1234",
}
"""Category 11: 2024-07-15 23:59:59 CDT, billed 45.7 s, conversation 40.0 s, CIC 0288."""

HEADER = {1: "202401", 7: "240301", 13: "9740", 17: "1234", 21: "001"}


def trailer(count: int) -> dict[int, str]:
    """A pack trailer declaring ``count`` records."""
    return {1: "202402", 7: "240301", 13: "9740", 17: "1234", 21: "001", 24: f"{count:07d}"}


def with_fields(base: dict[int, str], **changes: str) -> dict[int, str]:
    """``base`` with positions overridden: with_fields(CAT_01, p7="240230")."""
    out = dict(base)
    for key, text in changes.items():
        out[int(key[1:])] = text
    return out


def write(path: Path, *records: bytes) -> Path:
    """Write the records as one file and return its path."""
    path.write_bytes(b"".join(records))
    return path
