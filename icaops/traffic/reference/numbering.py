"""Numbering entries (NPA-NXX or thousands block → OCN, company, rate center, LATA, switch) and their loader."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from icaops.traffic.reference.sheets import LoadIssue, Row, Source, read_sheet

__all__ = [
    "NUMBERING_COLUMNS",
    "NumberingEntry",
    "NumberingTable",
    "SourceLine",
    "load_numbering",
    "normalize_number",
]

# Canonical field → accepted headers (normalized), first found wins. Sources: NANPA CO code report
# ("NPA-NXX", "OCN", "Company", "RateCenter", "State"), the pooling block report ("NPA", "NXX", "X",
# "Assigned To", "Code Holder", "OCN", "Rate Center"), LERG 6 style ("BLOCK_ID", "RC_ABBRE", "LOC_STATE",
# "SWITCH") and the shipped operator file ("npa", "nxx", "thousands_block", "operator").
NUMBERING_COLUMNS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "npanxxx": ("npanxxx", "npanxxblock"),
        "npanxx": ("npanxx", "npanxxcode"),
        "npa": ("npa", "npaid", "areacode"),
        "nxx": ("nxx", "cocode", "nxxcode", "exchange"),
        "block": ("blockid", "block", "thousandsblock", "x", "blk", "thousands"),
        "ocn": ("ocn", "operatingcompanynumber"),
        "company": ("company", "companyname", "assignedto", "operator", "carrier", "ocnname", "codeholder"),
        "rate_center": ("ratecenter", "ratecentername", "rcabbre", "rcname", "rc"),
        "lata": ("lata", "latanumber", "latacode"),
        "state": ("state", "st", "statecode", "locstate", "rcstate"),
        "switch": ("switch", "switchclli", "clli", "switchid", "homingswitch"),
        "ilec_switch": ("ilecswitch", "ilec", "isilec", "centurylinkswitch"),
    }
)
_KEY_FIELDS = frozenset({"npanxxx", "npanxx", "npa"})
_CODE = re.compile(r"[2-9][0-9]{2}")
_WHOLE_NXX = frozenset({"", "A", "-", "*"})
_FLAGS = MappingProxyType(
    {"Y": True, "YES": True, "TRUE": True, "1": True, "N": False, "NO": False, "FALSE": False, "0": False}
)


@dataclass(frozen=True, slots=True)
class SourceLine:
    """Where a reference row came from."""

    file: str
    line: int

    def __str__(self) -> str:
        """`file:line`."""
        return f"{self.file}:{self.line}"


@dataclass(frozen=True, slots=True)
class NumberingEntry:
    """One NPA-NXX (block None) or thousands block (block "0"–"9"); None where the source has no value."""

    npa: str
    nxx: str
    block: str | None
    ocn: str | None
    company: str | None
    rate_center: str | None
    lata: str | None
    state: str | None
    switch: str | None
    ilec_switch: bool | None
    source: SourceLine

    @property
    def npanxx(self) -> str:
        """The six-digit NPA-NXX."""
        return self.npa + self.nxx

    @property
    def key(self) -> tuple[str, str, str | None]:
        """(NPA, NXX, block) — unique within a table."""
        return (self.npa, self.nxx, self.block)


@dataclass(frozen=True, slots=True)
class NumberingTable:
    """Immutable lookup from a number to its thousands-block entry, else its whole-NXX entry."""

    entries: tuple[NumberingEntry, ...]
    _index: Mapping[tuple[str, str, str | None], NumberingEntry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index = {}
        for entry in self.entries:
            assert entry.key not in index, f"duplicate numbering key {entry.key} at {entry.source}"
            index[entry.key] = entry
        object.__setattr__(self, "_index", MappingProxyType(index))

    def __len__(self) -> int:
        """Number of entries."""
        return len(self.entries)

    def get(self, npa: str, nxx: str, block: str | None = None) -> NumberingEntry | None:
        """The entry stored under exactly this key (no fallback from block to NXX)."""
        return self._index.get((npa, nxx, block))

    def lookup(self, number: str) -> NumberingEntry | None:
        """The entry for a NANP number: its thousands block beats its whole NXX; None if unknown or malformed."""
        digits = normalize_number(number)
        if digits is None:
            return None
        npa, nxx, block = digits[:3], digits[3:6], digits[6]
        return self._index.get((npa, nxx, block)) or self._index.get((npa, nxx, None))

    def for_npanxx(self, npanxx: str) -> tuple[NumberingEntry, ...]:
        """The whole-NXX entry (if any) followed by its block entries in block order."""
        npa, nxx = npanxx[:3], npanxx[3:6]
        found = [self._index.get((npa, nxx, b)) for b in (None, *"0123456789")]
        return tuple(e for e in found if e is not None)

    @classmethod
    def combine(cls, *tables: NumberingTable) -> NumberingTable:
        """One table from several sources; where two hold the same key, the earlier source wins."""
        chosen: dict[tuple[str, str, str | None], NumberingEntry] = {}
        for table in tables:
            for entry in table.entries:
                chosen.setdefault(entry.key, entry)
        return cls(tuple(chosen.values()))


def normalize_number(number: str) -> str | None:
    """Ten NANP digits (NPA and NXX each 2–9 then two digits) from any punctuation or a leading 1; else None."""
    digits = re.sub(r"\D", "", number)
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    if len(digits) != 10 or not (_CODE.fullmatch(digits[:3]) and _CODE.fullmatch(digits[3:6])):
        return None
    return digits


def load_numbering(
    path: Source, required: tuple[tuple[str, ...], ...] = ()
) -> tuple[NumberingTable, tuple[LoadIssue, ...]]:
    """Load a LERG / NANPA CO-code / pooling block / operator-style CSV into a table, with its issues.

    A row with a bad field is skipped and reported; a repeated (NPA, NXX, block) keeps the first row.
    `required` lists the fields the file's layout must have, each a tuple of alternatives (a
    missing one is reported at the header and nothing is loaded).
    """
    sheet, issues = read_sheet(path, NUMBERING_COLUMNS, _KEY_FIELDS)
    if sheet is None:
        return NumberingTable(()), issues
    found = list(issues)
    missing = [names for names in required if not any(n in sheet.columns for n in names)]
    if missing:
        for names in missing:
            headers = " or ".join(f"{n} ({', '.join(NUMBERING_COLUMNS[n][:3])})" for n in names)
            found.append(LoadIssue(sheet.source, sheet.header_line, "header", f"a column {headers}", "no such column"))
        return NumberingTable(()), tuple(found)
    if "npanxxx" not in sheet.columns and "npanxx" not in sheet.columns and "nxx" not in sheet.columns:
        found.append(
            LoadIssue(
                sheet.source, sheet.header_line, "NXX", "an NXX column (or NPA-NXX / NPA-NXX-X)", "no such column"
            )
        )
        return NumberingTable(()), tuple(found)
    first_line: dict[tuple[str, str, str | None], int] = {}
    entries = []
    for row in sheet.rows:
        entry, problems = _entry(sheet.source, sheet.columns, row)
        if entry is not None and entry.key in first_line:
            expected = f"one row per NPA-NXX and block (first at line {first_line[entry.key]})"
            found_key = "-".join(p for p in entry.key if p)
            problems = (LoadIssue(sheet.source, row.line, "", expected, found_key, False, row.raw),)
            entry = None
        found.extend(problems)
        if entry is not None:
            first_line[entry.key] = row.line
            entries.append(entry)
    return NumberingTable(tuple(entries)), tuple(found)


def _entry(source: str, columns: Mapping[str, str], row: Row) -> tuple[NumberingEntry | None, tuple[LoadIssue, ...]]:
    """The row as an entry, or None with the issues that made it unusable."""
    v = row.values
    problems: list[LoadIssue] = []

    def bad(name: str, expected: str) -> None:
        problems.append(LoadIssue(source, row.line, columns.get(name, name), expected, v.get(name, ""), False, row.raw))

    (npa, nxx, block), read_from = _key(v)
    if not _CODE.fullmatch(npa):
        bad(read_from["npa"], "an NPA of three digits starting 2-9")
    if not _CODE.fullmatch(nxx):
        bad(read_from["nxx"], "an NXX of three digits starting 2-9")
    if block is not None and not re.fullmatch(r"[0-9]", block):
        bad(read_from["block"], "a thousands-block digit 0-9, or A / blank for the whole NXX")
    ocn, lata, state = v.get("ocn", "").upper(), v.get("lata", ""), v.get("state", "").upper()
    switch, flag = v.get("switch", "").upper(), v.get("ilec_switch", "").upper()
    if ocn and not re.fullmatch(r"[0-9A-Z]{4}", ocn):
        bad("ocn", "a four-character OCN (letters and digits)")
    if lata and not re.fullmatch(r"[0-9]{3}(?:[0-9]{2})?", lata):
        bad("lata", "a three-digit LATA (or a five-digit LATA/EAEA code)")
    if state and not re.fullmatch(r"[A-Z]{2}", state):
        bad("state", "a two-letter state or province code")
    if switch and not re.fullmatch(r"[0-9A-Z]{11}", switch):
        bad("switch", "an eleven-character switch CLLI")
    if flag and flag not in _FLAGS:
        bad("ilec_switch", "Y or N")
    elif _FLAGS.get(flag) and not switch:
        bad("switch", "a switch CLLI on a row flagged as an ILEC switch")
    if problems:
        return None, tuple(problems)
    return NumberingEntry(
        npa,
        nxx,
        block,
        ocn or None,
        v.get("company") or None,
        v.get("rate_center", "").upper() or None,
        lata or None,
        state or None,
        switch or None,
        _FLAGS.get(flag),
        SourceLine(source, row.line),
    ), ()


def _key(v: Mapping[str, str]) -> tuple[tuple[str, str, str | None], Mapping[str, str]]:
    """(NPA, NXX, block) from whichever key columns the file has (block None = whole NXX), and which column gave each."""
    if "npanxxx" in v:
        digits = re.sub(r"\D", "", v["npanxxx"])
        return (digits[:3], digits[3:6], digits[6:] or None), dict.fromkeys(("npa", "nxx", "block"), "npanxxx")
    block = v.get("block", "").upper()
    block_value = None if block in _WHOLE_NXX else block
    if "nxx" in v:
        return (v.get("npa", ""), v["nxx"], block_value), {"npa": "npa", "nxx": "nxx", "block": "block"}
    digits = re.sub(r"\D", "", v["npanxx"])
    return (digits[:3], digits[3:], block_value), {"npa": "npanxx", "nxx": "npanxx", "block": "block"}
