"""The ILEC switches' serving areas: switch CLLI → the NPA-NXXs and rate centers it serves (CPA.9)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from icaops.traffic.reference.numbering import NumberingEntry, NumberingTable
from icaops.traffic.reference.sheets import LoadIssue, Source, read_sheet

__all__ = ["ServingArea", "ServingAreas", "load_serving_areas", "serving_areas_from_table"]

_AREA_COLUMNS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "switch": ("switch", "switchclli", "clli", "switchid", "homingswitch"),
        "npanxx": ("npanxx", "npanxxcode"),
        "npa": ("npa",),
        "nxx": ("nxx", "cocode"),
        "rate_center": ("ratecenter", "ratecentername", "rcabbre", "rcname", "rc"),
    }
)


@dataclass(frozen=True, slots=True)
class ServingArea:
    """What one ILEC switch serves, as the LERG defines it: its NPA-NXXs and rate centers (upper case)."""

    switch: str
    npa_nxxs: frozenset[str]
    rate_centers: frozenset[str]


@dataclass(frozen=True, slots=True)
class ServingAreas:
    """All ILEC serving areas, by switch CLLI (with the union of their NPA-NXXs and rate centers)."""

    by_switch: Mapping[str, ServingArea]
    npa_nxxs: frozenset[str] = field(init=False, repr=False, compare=False)
    rate_centers: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        areas = self.by_switch.values()
        object.__setattr__(self, "npa_nxxs", frozenset(n for a in areas for n in a.npa_nxxs))
        object.__setattr__(self, "rate_centers", frozenset(r for a in areas for r in a.rate_centers))

    def serving_switches(self, entry: NumberingEntry) -> tuple[str, ...]:
        """ILEC switches whose area holds the entry's NPA-NXX or its rate center, in CLLI order (CPA.9)."""
        rate_center = (entry.rate_center or "").upper()
        return tuple(
            sorted(
                s
                for s, area in self.by_switch.items()
                if entry.npanxx in area.npa_nxxs or (rate_center and rate_center in area.rate_centers)
            )
        )

    def serves(self, switch: str, entry: NumberingEntry) -> bool:
        """Whether `switch` serves the entry's NPA-NXX or rate center (CPA.9)."""
        return switch in self.serving_switches(entry)


def serving_areas_from_table(table: NumberingTable, ilec_ocns: Iterable[str] = ()) -> ServingAreas:
    """Serving areas from the entries flagged as ILEC switches, or whose OCN is one of `ilec_ocns`."""
    ocns = frozenset(o.upper() for o in ilec_ocns)
    npa_nxxs: dict[str, set[str]] = {}
    rate_centers: dict[str, set[str]] = {}
    for e in table.entries:
        if e.switch is None or not (e.ilec_switch or (e.ocn is not None and e.ocn in ocns)):
            continue
        npa_nxxs.setdefault(e.switch, set()).add(e.npanxx)
        if e.rate_center:
            rate_centers.setdefault(e.switch, set()).add(e.rate_center)
    return _areas(npa_nxxs, rate_centers)


def load_serving_areas(path: Source) -> tuple[ServingAreas, tuple[LoadIssue, ...]]:
    """Load a CSV of switch CLLI with an NPA-NXX (or NPA and NXX) and/or a rate center on each row."""
    sheet, issues = read_sheet(path, _AREA_COLUMNS, frozenset({"switch"}))
    if sheet is None:
        return ServingAreas(MappingProxyType({})), issues
    found = list(issues)
    npa_nxxs: dict[str, set[str]] = {}
    rate_centers: dict[str, set[str]] = {}
    for row in sheet.rows:
        v = row.values
        switch = v["switch"].upper()
        npanxx = re.sub(r"\D", "", v.get("npanxx") or v.get("npa", "") + v.get("nxx", ""))
        rate_center = v.get("rate_center", "").upper()
        problem = None
        if not re.fullmatch(r"[0-9A-Z]{11}", switch):
            problem = ("switch", "an eleven-character switch CLLI")
        elif npanxx and not re.fullmatch(r"[2-9][0-9]{2}[2-9][0-9]{2}", npanxx):
            problem = ("npanxx" if "npanxx" in v else "nxx", "an NPA-NXX of six digits")
        elif not npanxx and not rate_center:
            problem = ("rate_center", "an NPA-NXX or a rate center")
        if problem:
            name, expected = problem
            found.append(
                LoadIssue(
                    sheet.source, row.line, sheet.columns.get(name, name), expected, v.get(name, ""), False, row.raw
                )
            )
            continue
        if npanxx:
            npa_nxxs.setdefault(switch, set()).add(npanxx)
        if rate_center:
            rate_centers.setdefault(switch, set()).add(rate_center)
    return _areas(npa_nxxs, rate_centers), tuple(found)


def _areas(npa_nxxs: Mapping[str, set[str]], rate_centers: Mapping[str, set[str]]) -> ServingAreas:
    """Freeze the collected sets into ServingAreas."""
    switches = sorted(npa_nxxs.keys() | rate_centers.keys())
    return ServingAreas(
        MappingProxyType(
            {s: ServingArea(s, frozenset(npa_nxxs.get(s, ())), frozenset(rate_centers.get(s, ()))) for s in switches}
        )
    )
