"""The kinds of reference file a carrier loads, as published (docs/traffic-reference.md).

Each kind names a layout (the columns it must have), the loader that reads it, and what it can
tell the checks: a LERG 6 or a NANPA central-office-code report lists every assigned NXX of the
NPAs it holds (so a number of such an NPA that it does not list is in no assigned code), a pooling
report lists only pooled thousands blocks (so it proves nothing about a number it does not list).

`read_reference_file` reads one file as one kind and returns it with every issue found; `refusals`
are the issues that refuse the whole file (a row that could not be read, a missing column, no rows):
such a file is never used, or stored, in part. `build_reference` puts files of several kinds together
into the `ReferenceData` the checks use, and refuses an empty numbering set.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType

from icaops.traffic.reference.areas import ServingArea, ServingAreas, load_serving_areas, serving_areas_from_table
from icaops.traffic.reference.coverage import company_key
from icaops.traffic.reference.load import ReferenceData, ReferenceSource, cross_check
from icaops.traffic.reference.nanp import NpaTable, load_npa_report
from icaops.traffic.reference.numbering import NumberingTable, load_numbering
from icaops.traffic.reference.sheets import LoadIssue, Named, Source, read_sheet

__all__ = [
    "COMPLETE_KINDS",
    "KINDS",
    "NUMBERING_KINDS",
    "ReferenceDataError",
    "ReferenceFile",
    "build_reference",
    "read_reference_file",
    "refused_message",
    "with_effective",
]

KINDS = ("nanpa-npa", "nanpa-co", "pooling-blocks", "lerg6", "serving-areas", "ilec-ocns")
NUMBERING_KINDS = ("lerg6", "pooling-blocks", "nanpa-co")
"""Kinds holding NPA-NXX(-X) assignments, in precedence order: where two hold the same key, the earlier kind wins."""
COMPLETE_KINDS = frozenset({"lerg6", "nanpa-co"})
"""Kinds that list every assigned NXX of each NPA they hold (their whole-NXX rows make that NPA complete)."""

_KEY = ("nxx", "npanxx", "npanxxx")
# Fields each numbering layout must have a column for (each a tuple of alternatives).
_REQUIRED: Mapping[str, tuple[tuple[str, ...], ...]] = MappingProxyType(
    {
        "lerg6": (_KEY, ("block", "npanxxx"), ("ocn",), ("rate_center",), ("lata",), ("switch",)),
        "nanpa-co": (_KEY, ("ocn",), ("company",), ("rate_center",), ("state",)),
        "pooling-blocks": (_KEY, ("block", "npanxxx"), ("ocn", "company")),
    }
)
_OCN_COLUMNS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {"ocn": ("ocn", "operatingcompanynumber"), "company": ("company", "companyname", "ocnname", "name")}
)


class ReferenceDataError(ValueError):
    """Reference data that cannot be used: missing, empty, or a file refused (the message names it)."""


@dataclass(frozen=True, slots=True)
class ReferenceFile:
    """One file read as one kind: what it holds (by kind), its provenance and every issue found."""

    kind: str
    name: str
    sha256: str
    rows: int
    issues: tuple[LoadIssue, ...]
    numbering: NumberingTable | None = None
    npas: NpaTable | None = None
    areas: ServingAreas | None = None
    ocns: Mapping[str, str] | None = None
    effective: dt.date | None = None

    @property
    def refusals(self) -> tuple[LoadIssue, ...]:
        """The issues that refuse the whole file: a row not read, a file-level problem, or no rows at all."""
        refused = tuple(i for i in self.issues if not i.row_kept)
        if self.rows == 0 and not refused:
            refused = (LoadIssue(self.name, 0, "", f"at least one {self.kind} row", "no rows"),)
        return refused

    def source(self) -> ReferenceSource:
        """What the report and the coverage say about this file."""
        return ReferenceSource(self.kind, self.name, self.sha256, self.rows, self.effective)


def _sha256(path: Source) -> str:
    try:
        data = path.data if isinstance(path, Named) else Path(path).read_bytes()
    except OSError:
        return ""
    return hashlib.sha256(data).hexdigest()


def _whole_codes_only(table: NumberingTable, name: str) -> tuple[LoadIssue, ...]:
    """A central-office-code report assigns whole NXXs: a thousands-block row is not of that layout."""
    return tuple(
        LoadIssue(
            name,
            e.source.line,
            "X",
            "a whole NPA-NXX (no thousands block) in a central-office-code report",
            e.block or "",
        )
        for e in table.entries
        if e.block is not None
    )


def _with_ocns(table: NumberingTable, name: str) -> tuple[LoadIssue, ...]:
    """Every LERG 6 row names the OCN the code or block is assigned to."""
    return tuple(
        LoadIssue(name, e.source.line, "OCN", "the OCN of the code or block holder (LERG 6)", "")
        for e in table.entries
        if e.ocn is None
    )


def _read_ocns(path: Source) -> tuple[Mapping[str, str], tuple[LoadIssue, ...]]:
    """OCN → company name (blank if the file has none) from a CSV with an OCN column."""
    sheet, issues = read_sheet(path, _OCN_COLUMNS, frozenset({"ocn"}))
    if sheet is None:
        return MappingProxyType({}), issues
    found, ocns = list(issues), {}
    for row in sheet.rows:
        ocn = row.values["ocn"].upper()
        if not re.fullmatch(r"[0-9A-Z]{4}", ocn):
            found.append(
                LoadIssue(sheet.source, row.line, sheet.columns["ocn"], "a four-character OCN", ocn, False, row.raw)
            )
            continue
        ocns[ocn] = row.values.get("company", "")
    return MappingProxyType(ocns), tuple(found)


def read_reference_file(path: Source, kind: str) -> ReferenceFile:
    """Read one file as `kind`; the result's `refusals` say whether it may be used."""
    if kind not in KINDS:
        raise ReferenceDataError(f"--kind {kind!r}: expected one of {', '.join(KINDS)}")
    name, sha = str(path), _sha256(path)
    if kind in _REQUIRED:
        table, issues = load_numbering(path, _REQUIRED[kind])
        extra = _whole_codes_only(table, name) if kind == "nanpa-co" else ()
        extra += _with_ocns(table, name) if kind == "lerg6" else ()
        return ReferenceFile(kind, name, sha, len(table), issues + extra, numbering=table)
    if kind == "nanpa-npa":
        npas, issues = load_npa_report(path)
        return ReferenceFile(kind, name, sha, len(npas.by_npa), issues, npas=npas)
    if kind == "serving-areas":
        areas, issues = load_serving_areas(path)
        return ReferenceFile(kind, name, sha, len(areas.by_switch), issues, areas=areas)
    ocns, issues = _read_ocns(path)
    return ReferenceFile(kind, name, sha, len(ocns), issues, ocns=ocns)


def refused_message(files: Iterable[ReferenceFile]) -> str | None:
    """One line per refused file with its first issues, or None when every file may be used."""
    lines = []
    for f in files:
        refusals = f.refusals
        if refusals:
            more = f" (and {len(refusals) - 5} more)" if len(refusals) > 5 else ""
            lines.append(f"{f.name} ({f.kind}) refused: " + "; ".join(str(i) for i in refusals[:5]) + more)
    return "\n".join(lines) or None


def build_reference(files: Sequence[ReferenceFile], latas: Mapping[str, str] | None = None) -> ReferenceData:
    """The reference data of `files` (each read by `read_reference_file`); a refused file or no
    numbering at all raises ReferenceDataError, naming the file.

    Numbering files combine in NUMBERING_KINDS order (LERG 6, then pooling blocks, then CO codes),
    files of one kind in the order given; the thousands block still beats its NXX at lookup, and a
    block the files give no rate center, LATA or state takes its NXX's.
    ILEC serving areas come from `serving-areas` files when any, else from the numbering rows of
    the ILEC's switches (flagged, or of an OCN in the `ilec-ocns` files).
    """
    message = refused_message(files)
    if message:
        raise ReferenceDataError(message)
    numbering = [f for kind in NUMBERING_KINDS for f in files if f.kind == kind]
    table = _blocks_in_their_codes(NumberingTable.combine(*(f.numbering for f in numbering if f.numbering is not None)))
    if not len(table):
        given = ", ".join(f"{f.name} ({f.kind})" for f in files) or "no files"
        raise ReferenceDataError(
            f"reference data: expected numbering rows from a {', '.join(NUMBERING_KINDS)} file, found none ({given})"
        )
    ilec_ocns = frozenset(o for f in files if f.ocns is not None for o in f.ocns)
    ilec_companies = frozenset(
        company_key(name) for f in files if f.ocns is not None for name in f.ocns.values() if company_key(name)
    )
    area_files = [f.areas for f in files if f.areas is not None]
    areas = _merged(area_files) if area_files else serving_areas_from_table(table, ilec_ocns)
    npas = next((f.npas for f in files if f.npas is not None), NpaTable(None, MappingProxyType({})))
    complete = frozenset(
        e.npa
        for f in numbering
        if f.kind in COMPLETE_KINDS and f.numbering
        for e in f.numbering.entries
        if e.block is None
    )
    names = latas or MappingProxyType({})
    issues = tuple(i for f in files for i in f.issues) + tuple(cross_check(table, npas, names))
    return ReferenceData(
        table,
        npas,
        names,
        areas,
        issues,
        complete_npas=complete,
        ilec_ocns=ilec_ocns,
        sources=tuple(f.source() for f in files),
        ilec_companies=ilec_companies,
    )


def _blocks_in_their_codes(table: NumberingTable) -> NumberingTable:
    """Blocks without a rate center, LATA or state take their NXX's: a pooled thousands block stays in the
    rate center of its code (so a pooling report's block keeps the LERG's geography of the code)."""
    entries = []
    for e in table.entries:
        whole = table.get(e.npa, e.nxx) if e.block is not None else None
        if whole is not None and not (e.rate_center and e.lata and e.state):
            e = replace(
                e,
                rate_center=e.rate_center or whole.rate_center,
                lata=e.lata or whole.lata,
                state=e.state or whole.state,
            )
        entries.append(e)
    return NumberingTable(tuple(entries))


def with_effective(files: Iterable[ReferenceFile], effective: dt.date | None) -> tuple[ReferenceFile, ...]:
    """The files with their effective date set."""
    return tuple(replace(f, effective=effective) for f in files)


def _merged(areas: Sequence[ServingAreas]) -> ServingAreas:
    """Several serving-area files as one (a switch in two files serves the union)."""
    merged: dict[str, ServingArea] = {}
    for a in areas:
        for switch, area in a.by_switch.items():
            old = merged.get(switch)
            merged[switch] = (
                area
                if old is None
                else ServingArea(switch, old.npa_nxxs | area.npa_nxxs, old.rate_centers | area.rate_centers)
            )
    return ServingAreas(MappingProxyType(dict(sorted(merged.items()))))
