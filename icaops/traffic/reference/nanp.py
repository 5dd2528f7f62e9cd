"""NANPA NPA report (area codes), the LATA list, and libphonenumber localities."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

from icaops.traffic.reference.numbering import SourceLine, normalize_number
from icaops.traffic.reference.sheets import LoadIssue, Source, read_lines, read_sheet

__all__ = [
    "Localities",
    "NpaInfo",
    "NpaTable",
    "load_lata_list",
    "load_localities",
    "load_npa_report",
    "parse_nanpa_date",
]

# NANPA column names (nanpa_npa_report_column_descriptions.csv) → canonical field.
_NPA_COLUMNS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "npa": ("npaid", "npa"),
        "use": ("use",),
        "location": ("location",),
        "country": ("country",),
        "in_service": ("inservice",),
        "in_service_dt": ("inservicedt", "inservicedate"),
        "overlay_complex": ("overlaycomplex",),
        "parent_npa": ("parentnpaid", "parentnpa"),
        "time_zone": ("timezone",),
        "area_served": ("areaserved",),
    }
)
_MONTHS = MappingProxyType(
    {
        m: i
        for i, m in enumerate(("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1)
    }
)
_ZONES = MappingProxyType({"A": "Atlantic", "E": "Eastern", "C": "Central", "M": "Mountain", "P": "Pacific"})


@dataclass(frozen=True, slots=True)
class NpaInfo:
    """One area code as the NPA report describes it; None where the report is blank."""

    npa: str
    use: str | None
    location: str | None
    country: str | None
    in_service: bool
    in_service_on: date | None
    overlay_complex: tuple[str, ...]
    parent_npa: str | None
    time_zone_code: str | None
    area_served: str | None
    source: SourceLine

    @property
    def time_zones(self) -> tuple[str, ...]:
        """Zone names from a letter code such as "MP" (Mountain, Pacific); empty for other codes."""
        code = self.time_zone_code or ""
        return tuple(_ZONES[c] for c in code) if code and set(code) <= _ZONES.keys() else ()


@dataclass(frozen=True, slots=True)
class NpaTable:
    """Area codes by NPA, with the report's own file date."""

    file_date: date | None
    by_npa: Mapping[str, NpaInfo]

    def get(self, npa: str) -> NpaInfo | None:
        """The NPA's record, or None."""
        return self.by_npa.get(npa)

    def overlay_of(self, npa: str) -> tuple[str, ...]:
        """The NPAs of the overlay complex containing `npa` (just `npa` when it has none or is unknown)."""
        info = self.by_npa.get(npa)
        return info.overlay_complex if info and info.overlay_complex else (npa,)

    def in_service(self, npa: str, on: date) -> bool:
        """Whether the NPA was in service on `on` (in service and its in-service date, if any, not later)."""
        info = self.by_npa.get(npa)
        if info is None or not info.in_service:
            return False
        return info.in_service_on is None or info.in_service_on <= on


def parse_nanpa_date(text: str) -> date | None:
    """A NANPA report date: "05-SEP-17", "09/05/2017" or "2017-09-05"; None if it is none of these."""
    text = text.strip()
    match = re.fullmatch(r"([0-9]{1,2})-([A-Za-z]{3})-([0-9]{2})", text)
    if match:
        month = _MONTHS.get(match.group(2).upper())
        year = int(match.group(3))
        # Two-digit years: the NANP began in 1947, so "01-JAN-47" is 1947 and "05-SEP-17" is 2017.
        year += 1900 if year >= 47 else 2000
        return _date(year, month, int(match.group(1))) if month else None
    for fmt in ("%m/%d/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _date(year: int, month: int, day: int) -> date | None:
    """The date, or None if it does not exist."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def load_npa_report(path: Source) -> tuple[NpaTable, tuple[LoadIssue, ...]]:
    """Load NANPA's NPA report (optional "File Date,MM/DD/YYYY" first line, then one row per NPA)."""
    sheet, issues = read_sheet(path, _NPA_COLUMNS, frozenset({"npa"}), rejoin="area_served")
    if sheet is None:
        return NpaTable(None, MappingProxyType({})), issues
    found = list(issues)
    file_date = next(
        (parse_nanpa_date(p[1]) for p in sheet.preface if len(p) > 1 and p[0].strip().lower() == "file date"), None
    )
    by_npa: dict[str, NpaInfo] = {}
    for row in sheet.rows:
        v = row.values

        def bad(name: str, expected: str, kept: bool = False, row: Any = row) -> None:
            found.append(
                LoadIssue(
                    sheet.source,
                    row.line,
                    sheet.columns.get(name, name),
                    expected,
                    row.values.get(name, ""),
                    kept,
                    row.raw,
                )
            )

        npa = v["npa"]
        if not re.fullmatch(r"[0-9]{3}", npa) or npa in by_npa:
            bad("npa", "a three-digit NPA, once")
            continue
        in_service_on = parse_nanpa_date(v.get("in_service_dt", "")) if v.get("in_service_dt") else None
        if v.get("in_service_dt") and in_service_on is None:
            bad("in_service_dt", "a date such as 05-SEP-17 (read as blank)", kept=True)
        by_npa[npa] = NpaInfo(
            npa,
            v.get("use") or None,
            v.get("location") or None,
            v.get("country") or None,
            v.get("in_service", "").upper() in ("Y", "YES"),
            in_service_on,
            tuple(p for p in v.get("overlay_complex", "").split("/") if p.strip()),
            v.get("parent_npa") or None,
            v.get("time_zone") or None,
            v.get("area_served") or None,
            SourceLine(sheet.source, row.line),
        )
    return NpaTable(file_date, MappingProxyType(by_npa)), tuple(found)


def load_lata_list(path: Source) -> tuple[Mapping[str, str], tuple[LoadIssue, ...]]:
    """LATA code → name from lines such as "652 IDAHO" (five-digit codes are LATA sub-areas, kept too)."""
    lines = read_lines(path)
    if isinstance(lines, LoadIssue):
        return MappingProxyType({}), (lines,)
    latas: dict[str, str] = {}
    issues = []
    for number, line in enumerate(lines, 1):
        if not line.strip() or (number == 1 and line.strip().lower().startswith("lata")):
            continue
        match = re.fullmatch(r"\s*([0-9]{3}|[0-9]{5})\s+(\S.*?)\s*", line)
        if match is None or match.group(1) in latas:
            issues.append(
                LoadIssue(
                    str(path), number, "LATA", "a new LATA code of 3 or 5 digits, a space, a name", line, False, (line,)
                )
            )
            continue
        latas[match.group(1)] = match.group(2)
    return MappingProxyType(latas), tuple(issues)


@dataclass(frozen=True, slots=True)
class Localities:
    """libphonenumber geocoding: the longest matching NANP prefix → a locality (a city, not a rate center)."""

    by_prefix: Mapping[str, str]

    def locality(self, number: str) -> str | None:
        """The locality for a ten-digit number, or None."""
        digits = normalize_number(number)
        if digits is None:
            return None
        for end in range(10, 2, -1):
            if digits[:end] in self.by_prefix:
                return self.by_prefix[digits[:end]]
        return None


def load_localities(path: Source) -> tuple[Localities, tuple[LoadIssue, ...]]:
    """Load the geocoding CSV (npa, prefix_after_npa, description_en)."""
    columns = MappingProxyType(
        {"npa": ("npa",), "prefix": ("prefixafternpa",), "name": ("descriptionen", "description")}
    )
    sheet, issues = read_sheet(path, columns, frozenset({"npa"}))
    if sheet is None:
        return Localities(MappingProxyType({})), issues
    found = list(issues)
    by_prefix: dict[str, str] = {}
    for row in sheet.rows:
        prefix, name = row.values["npa"] + row.values.get("prefix", ""), row.values.get("name", "")
        if not re.fullmatch(r"[0-9]{3,10}", prefix) or not name:
            found.append(
                LoadIssue(
                    sheet.source,
                    row.line,
                    sheet.columns["npa"],
                    "an NPA, a digit prefix and a name",
                    ",".join(row.raw),
                    False,
                    row.raw,
                )
            )
            continue
        if name.endswith("\\"):
            # The shipped file cuts names at an apostrophe ("Coeur d\"): keep it, but say so.
            found.append(
                LoadIssue(
                    sheet.source,
                    row.line,
                    sheet.columns.get("name", "name"),
                    "a complete place name",
                    name,
                    True,
                    row.raw,
                )
            )
        by_prefix[prefix] = name
    return Localities(MappingProxyType(by_prefix)), tuple(found)
