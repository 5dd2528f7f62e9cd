"""Loading and cross-checking the reference files into one `ReferenceData`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from icaops.traffic.reference.areas import ServingAreas, load_serving_areas, serving_areas_from_table
from icaops.traffic.reference.nanp import NpaTable, load_lata_list, load_npa_report
from icaops.traffic.reference.numbering import NumberingEntry, NumberingTable, load_numbering
from icaops.traffic.reference.sheets import LoadIssue

__all__ = ["ReferenceData", "ReferenceSource", "cross_check", "load_reference"]


@dataclass(frozen=True, slots=True)
class ReferenceSource:
    """One file the reference data was built from: its kind, name, sha256, rows and effective date."""

    kind: str
    name: str
    sha256: str
    rows: int
    effective: dt.date | None = None


@dataclass(frozen=True, slots=True)
class ReferenceData:
    """Everything loaded, with every issue found while loading and cross-checking.

    `complete_npas` are the NPAs for which a complete list of assigned codes was loaded (a LERG 6
    or central-office-code report holding them): only there does a number in no listed code prove
    that its code is unassigned. `ilec_ocns` are the ILEC's OCNs (an `ilec-ocns` file): a code or
    block held under one of them is the ILEC's, as is one the data names no OCN for but whose
    holder is one of `ilec_companies`. `sources` say which files were used.
    """

    numbering: NumberingTable
    npas: NpaTable
    latas: Mapping[str, str]
    serving_areas: ServingAreas
    issues: tuple[LoadIssue, ...]
    complete_npas: frozenset[str] = frozenset()
    ilec_ocns: frozenset[str] = frozenset()
    sources: tuple[ReferenceSource, ...] = ()
    ilec_companies: frozenset[str] = frozenset()  # the ILEC's company names (coverage.company_key)

    def lookup(self, number: str) -> NumberingEntry | None:
        """The number's block or NXX entry (block beats NXX), or None."""
        return self.numbering.lookup(number)

    def lata_name(self, lata: str | None) -> str | None:
        """The LATA's name from the LATA list, or None."""
        return self.latas.get(lata) if lata else None

    def serving_switches(self, number: str) -> tuple[str, ...]:
        """ILEC switches whose serving area holds the number's NPA-NXX or rate center (CPA.9)."""
        entry = self.numbering.lookup(number)
        return self.serving_areas.serving_switches(entry) if entry else ()


def load_reference(
    numbering: Iterable[Path | str],
    npa_report: Path | str | None = None,
    lata_list: Path | str | None = None,
    serving_areas: Path | str | None = None,
    ilec_ocns: Iterable[str] = (),
) -> ReferenceData:
    """Load and cross-check reference files; earlier numbering files win where two cover the same key.

    ILEC serving areas come from `serving_areas` when given, else from the numbering rows flagged
    as ILEC switches or carrying one of `ilec_ocns`.
    """
    issues: list[LoadIssue] = []
    tables = []
    for path in numbering:
        table, found = load_numbering(path)
        tables.append(table)
        issues.extend(found)
    table = NumberingTable.combine(*tables)
    npas, found = load_npa_report(npa_report) if npa_report else (NpaTable(None, MappingProxyType({})), ())
    issues.extend(found)
    latas, found = load_lata_list(lata_list) if lata_list else (MappingProxyType({}), ())
    issues.extend(found)
    if serving_areas:
        areas, found = load_serving_areas(serving_areas)
        issues.extend(found)
    else:
        areas = serving_areas_from_table(table, ilec_ocns)
    issues.extend(cross_check(table, npas, latas))
    return ReferenceData(table, npas, latas, areas, tuple(issues), ilec_ocns=frozenset(o.upper() for o in ilec_ocns))


def cross_check(table: NumberingTable, npas: NpaTable, latas: Mapping[str, str]) -> Iterable[LoadIssue]:
    """Entries whose NPA is not in the NPA report or whose LATA is not in the LATA list (rows kept)."""
    for e in table.entries:
        if npas.by_npa and e.npa not in npas.by_npa:
            yield LoadIssue(e.source.file, e.source.line, "NPA", "an NPA listed in the NPA report", e.npa, True)
        if latas and e.lata and e.lata not in latas:
            yield LoadIssue(e.source.file, e.source.line, "LATA", "a LATA in the LATA list", e.lata, True)
