"""What the numbering data can decide, check by check, and over which NPA-NXX ranges.

A check that lacks the data to decide must say so rather than report a breach (issue 14). The
same rules decide a call (`icaops.traffic.pipeline`) and describe coverage here:

- `cpn_not_found` (CPA.7): whether a calling number is in no assigned code. Decidable for every
  number of an NPA whose complete code list was loaded (LERG 6, CO-code report), and for numbers
  of listed codes and blocks elsewhere (they are found).
- `cpn_carrier` (CPA.7) and `provider_numbering` (CPA.1.4): which carrier (OCN) holds the number:
  decidable where the number's block or NXX row names an OCN.
- `serving_area` (CPA.9): whether the number lies in an ILEC switch's serving area: decidable where
  the block or NXX is the ILEC's, its NPA-NXX is in a serving area, or its row names a rate center
  and serving areas are known.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from icaops.traffic.reference.load import ReferenceData
from icaops.traffic.reference.numbering import NumberingEntry

__all__ = [
    "COVERAGE_CHECKS",
    "CoverageRange",
    "area_status",
    "company_key",
    "coverage",
    "ilec_fields",
    "in_ilec_area",
    "is_ilec",
]

COVERAGE_CHECKS = (
    ("cpn_not_found", "CPA.7", "calling number in no assigned code"),
    ("cpn_carrier", "CPA.7", "carrier (OCN) holding the calling number"),
    ("serving_area", "CPA.9", "called number inside or outside the ILEC's serving areas"),
    ("provider_numbering", "CPA.1.4", "carrier (OCN) holding a provider's NPA-NXX or block"),
)
_BLOCKS = "0123456789"


@dataclass(frozen=True, slots=True)
class CoverageRange:
    """NPA-NXX codes nxx_from..nxx_to of one NPA where `check` can decide the thousands `blocks`, and why."""

    check: str
    clause: str
    npa: str
    nxx_from: str
    nxx_to: str
    blocks: str  # "0-9" or the block digits, e.g. "2,5,7"
    basis: str

    def __str__(self) -> str:
        """`208-200..208-999 blocks 0-9 (basis)`."""
        span = f"{self.npa}-{self.nxx_from}" + (f"..{self.npa}-{self.nxx_to}" if self.nxx_to != self.nxx_from else "")
        return f"{self.check} [{self.clause}] {span} blocks {self.blocks} ({self.basis})"


def company_key(name: str | None) -> str:
    """A company name compared without case, punctuation or repeated spaces ("CenturyTel of the Gem State, Inc.")."""
    return " ".join(re.sub(r"[^0-9A-Z ]", " ", (name or "").upper()).split())


def ilec_fields(
    reference: ReferenceData,
    ilec_switch: bool | None,
    switch: str | None,
    ocn: str | None,
    company: str | None = None,
) -> bool:
    """Whether a code or block is the ILEC's: flagged as an ILEC switch, on an ILEC switch, held under an
    ILEC OCN, or, where the data names no OCN (the light pooled layout), held by a company named exactly
    as one of the ILEC's in the `ilec-ocns` file."""
    return (
        bool(ilec_switch)
        or (switch is not None and switch in reference.serving_areas.by_switch)
        or (ocn is not None and ocn in reference.ilec_ocns)
        or (ocn is None and bool(company) and company_key(company) in reference.ilec_companies)
    )


def is_ilec(reference: ReferenceData, entry: NumberingEntry) -> bool:
    """Whether the entry's code or block is the ILEC's (`ilec_fields`)."""
    return ilec_fields(reference, entry.ilec_switch, entry.switch, entry.ocn, entry.company)


def area_status(reference: ReferenceData, npanxx: str, rate_center: str | None, ilec: bool) -> bool | None:
    """Inside an ILEC switch's serving area (CPA.9): True, False, or None when the data cannot tell.

    The ILEC's own code or block is served by its switch; another carrier's is inside when its
    NPA-NXX or its rate center is in a serving area. Outside is decided only for a row with a rate
    center, and only when serving areas are known at all.
    """
    areas = reference.serving_areas
    if ilec or npanxx in areas.npa_nxxs or (rate_center and rate_center in areas.rate_centers):
        return True
    return False if rate_center and reference.serving_areas.by_switch else None


def in_ilec_area(reference: ReferenceData, entry: NumberingEntry | None) -> bool | None:
    """`area_status` of a numbering entry; None for a number the data does not list."""
    if entry is None:
        return None
    return area_status(reference, entry.npanxx, entry.rate_center, is_ilec(reference, entry))


def _decidable(reference: ReferenceData, check: str, npanxx: str) -> tuple[str, str]:
    """(the blocks of `npanxx` the check can decide, as digits; the basis)."""
    table = reference.numbering
    npa, nxx = npanxx[:3], npanxx[3:]
    entries = [table.get(npa, nxx, b) or table.get(npa, nxx) for b in _BLOCKS]
    if check == "cpn_not_found":
        if npa in reference.complete_npas:
            return _BLOCKS, "complete code list of the NPA"
        return "".join(b for b, e in zip(_BLOCKS, entries, strict=True) if e is not None), "codes and blocks listed"
    if check in ("cpn_carrier", "provider_numbering"):
        return "".join(b for b, e in zip(_BLOCKS, entries, strict=True) if e is not None and e.ocn), "OCN listed"
    return (
        "".join(b for b, e in zip(_BLOCKS, entries, strict=True) if in_ilec_area(reference, e) is not None),
        "ILEC code, serving-area NPA-NXX or rate center",
    )


def _blocks_text(digits: str) -> str:
    return "0-9" if digits == _BLOCKS else ",".join(digits)


def coverage(reference: ReferenceData) -> tuple[CoverageRange, ...]:
    """Per check, the NPA-NXX ranges it can decide (consecutive NXXs with the same blocks and basis merged).

    An NPA with a complete code list is one range 200..999 for `cpn_not_found`; NXXs the data
    does not mention are left out of every other check (nothing there can be decided).
    """
    return tuple(_ranges(reference))


def _ranges(reference: ReferenceData) -> Iterator[CoverageRange]:
    npanxxs = sorted({e.npanxx for e in reference.numbering.entries})
    for check, clause, _ in COVERAGE_CHECKS:
        run: list[str] = []
        key: tuple[str, str, str] | None = None
        for npanxx in npanxxs:
            npa = npanxx[:3]
            if check == "cpn_not_found" and npa in reference.complete_npas:
                if key is None or key[0] != npa or key[2] != "complete":
                    if run and key:
                        yield _range(check, clause, key, run)
                    key, run = (npa, _BLOCKS, "complete"), [npanxx[3:]]
                continue
            blocks, basis = _decidable(reference, check, npanxx)
            here = (npa, blocks, basis)
            adjacent = run and int(npanxx[3:]) == int(run[-1]) + 1
            if blocks and here == key and adjacent:
                run.append(npanxx[3:])
                continue
            if run and key:
                yield _range(check, clause, key, run)
            key, run = (here, [npanxx[3:]]) if blocks else (None, [])
        if run and key:
            yield _range(check, clause, key, run)


def _range(check: str, clause: str, key: tuple[str, str, str], run: list[str]) -> CoverageRange:
    npa, blocks, basis = key
    if basis == "complete":
        return CoverageRange(check, clause, npa, "200", "999", "0-9", "complete code list of the NPA")
    return CoverageRange(check, clause, npa, run[0], run[-1], _blocks_text(blocks), basis)
