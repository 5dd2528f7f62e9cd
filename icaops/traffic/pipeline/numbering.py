"""What the numbering data proves, and what it cannot tell (CPA.7, CPA.9, CPA.1.4; issue 14).

The per-call flags of `enrich.py` mark calls the numbering data may speak to; here each becomes a
finding when the data proves it, or an *undetermined* outcome (never a breach) naming the reason
and the NPA-NXX the data lacks:

- `f_cpn_not_found` (CPA.7): the calling number is in no listed code or block. A finding
  (`cpn_not_in_numbering`) only when the NPA's complete code list was loaded; else undetermined.
- `f_cpn_carrier` (CPA.7): not ported (no originating LRN), and the number is not identified to the
  provider nor held by the CLEC. A finding (`cpn_other_carrier`) when the data names the holder's
  OCN and it differs from the originating OCN; undetermined when the data names no OCN.
- `f_area_unknown` (CPA.9): the data cannot place the called number inside or outside the ILEC's
  serving areas (reference.coverage.in_ilec_area): undetermined.

CPA.1.4 (`provider_numbering_in_lerg`): each NPA-NXX(-X) identified for a provider must be held in
the numbering data under one of the provider's OCNs or the CLEC's. Another carrier's OCN is a
finding (`provider_numbering_other_ocn`) when the CLEC's OCN is known, or when the holder is the
ILEC (never the CLEC); a code the data does not list or lists without an OCN, or held by another
OCN while the CLEC's is unknown, is undetermined.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pyarrow as pa

from icaops.traffic.pipeline.params import CheckParams
from icaops.traffic.pipeline.result import (
    COVERAGE_SCHEMA,
    FINDINGS_SCHEMA,
    REFERENCE_FILES_SCHEMA,
    UNDETERMINED_SCHEMA,
)
from icaops.traffic.providers import ProviderRegistry
from icaops.traffic.reference import ReferenceData, coverage
from icaops.traffic.reference.coverage import is_ilec
from icaops.traffic.reference.numbering import NumberingEntry

__all__ = ["NUMBERING_FLAGS", "NumberingFacts", "numbering_facts", "numbering_outcomes"]

NUMBERING_FLAGS = ("f_cpn_not_found", "f_cpn_carrier", "f_area_unknown")
_EMPTY_IDENTITY = dict.fromkeys(
    ("record_id", "source_file", "record_no", "call_date", "connect_time", "trunk_group", "clec_ocn")
)


@dataclass(frozen=True, slots=True)
class NumberingFacts:
    """What the checks need to know of the numbering data beyond the lookup tables."""

    complete_npas: frozenset[str]
    sources: pa.Table  # REFERENCE_FILES_SCHEMA
    coverage: pa.Table  # COVERAGE_SCHEMA
    provider_findings: pa.Table  # FINDINGS_SCHEMA (CPA.1.4)
    provider_undetermined: pa.Table  # UNDETERMINED_SCHEMA (CPA.1.4)


def _dashed(code: str) -> str:
    """`2082638` → `208-263-8`."""
    return "-".join(p for p in (code[:3], code[3:6], code[6:]) if p)


def _entries(reference: ReferenceData, code: str) -> tuple[NumberingEntry, ...]:
    """The rows that decide a registry code: a block's own row (else its NXX's); an NXX's row and its blocks."""
    table = reference.numbering
    if len(code) == 7:
        entry = table.get(code[:3], code[3:6], code[6]) or table.get(code[:3], code[3:6])
        return (entry,) if entry else ()
    return table.for_npanxx(code)


def _provider_numbering(
    reference: ReferenceData, registry: ProviderRegistry, params: CheckParams, clec_ocn: str | None
) -> tuple[list[dict], list[dict]]:
    """CPA.1.4 findings and undetermined rows for every provider's identified codes (latest registry state)."""
    clause = params.clause_of_kind["provider_numbering_other_ocn"]
    dates = sorted({f.on for f in registry.applied})
    if not dates:
        return [], []
    findings, undetermined = [], []
    for status in registry.state(dates[-1]).providers.values():
        own = set(status.ocns) | ({clec_ocn} if clec_ocn else set())
        for code in sorted(status.npa_nxxs):
            entries = _entries(reference, code)

            def unknown(reason: str, code: str = code, provider: str = status.provider) -> None:
                undetermined.append(_undetermined("provider_numbering", clause, provider, code[:6], reason, None))

            if not entries:
                if code[:3] in reference.complete_npas:
                    findings.append(
                        _finding(
                            status.provider,
                            "provider_numbering_other_ocn",
                            clause,
                            f"provider {status.provider}'s NPA-NXX {_dashed(code)} is in no assigned code of the "
                            f"numbering data (complete for NPA {code[:3]}); expected it identified in the LERG under "
                            f"the provider's or the CLEC's OCN",
                        )
                    )
                else:
                    unknown(f"the numbering data lists no code or block {_dashed(code)}")
                continue
            others = sorted({e.ocn for e in entries if e.ocn and e.ocn not in own})
            # Without the CLEC's OCN, only a holder that is the ILEC's is surely not the CLEC's.
            proven = (
                others if clec_ocn else sorted({e.ocn for e in entries if e.ocn in others and is_ilec(reference, e)})
            )
            if proven:
                where = ", ".join(str(e.source) for e in entries if e.ocn in proven)
                mine = ", ".join(sorted(own)) or "none identified"
                findings.append(
                    _finding(
                        status.provider,
                        "provider_numbering_other_ocn",
                        clause,
                        f"provider {status.provider}'s NPA-NXX {_dashed(code)} is held in the numbering data by OCN "
                        f"{', '.join(proven)} ({where}), not by the provider's or the CLEC's OCN ({mine}); expected "
                        f"the provider's numbering identified in the LERG under its own or the CLEC's OCN",
                    )
                )
            elif others:
                unknown(
                    f"{_dashed(code)} is held by OCN {', '.join(others)}, which may be the CLEC's: its OCN is not known"
                )
            elif any(e.ocn is None for e in entries):
                unknown(f"the numbering data names no OCN for {_dashed(code)}")
    return findings, undetermined


def _finding(provider: str, kind: str, clause: str, detail: str) -> dict:
    return {**_EMPTY_IDENTITY, "provider_id": provider, "kind": kind, "clause": clause, "detail": detail}


def _undetermined(
    check: str, clause: str, provider: str | None, npanxx: str, reason: str, call: Mapping | None
) -> dict:
    return {
        "check": check,
        "clause": clause,
        "provider_id": provider,
        "npanxx": _dashed(npanxx[:6]) if npanxx else None,
        "reason": reason,
        "calls": 0 if call is None else 1,
        "first_record_id": None if call is None else call["record_id"],
        "first_connect_time": None if call is None else call["connect_time"],
    }


def numbering_facts(
    reference: ReferenceData, registry: ProviderRegistry, params: CheckParams, clec_ocn: str | None
) -> NumberingFacts:
    """The facts of `reference` the checks report: completeness, files, coverage, and the CPA.1.4 outcomes."""
    findings, undetermined = _provider_numbering(reference, registry, params, clec_ocn)
    sources = [
        {"kind": s.kind, "name": s.name, "sha256": s.sha256, "rows": s.rows, "effective": s.effective}
        for s in reference.sources
    ]
    ranges = [
        {
            "check": r.check,
            "clause": r.clause,
            "npa": r.npa,
            "nxx_from": r.nxx_from,
            "nxx_to": r.nxx_to,
            "blocks": r.blocks,
            "basis": r.basis,
        }
        for r in coverage(reference)
    ]
    return NumberingFacts(
        reference.complete_npas,
        pa.Table.from_pylist(sources, schema=REFERENCE_FILES_SCHEMA),
        pa.Table.from_pylist(ranges, schema=COVERAGE_SCHEMA),
        pa.Table.from_pylist(findings, schema=FINDINGS_SCHEMA),
        pa.Table.from_pylist(undetermined, schema=UNDETERMINED_SCHEMA),
    )


def _cpn_reference(params: CheckParams) -> str:
    return params.reference_of_kind["cpn_altered"] or "industry standards"


def _call_outcome(
    r: Mapping, flag: str, params: CheckParams, facts: NumberingFacts
) -> tuple[str, dict] | tuple[None, dict]:
    """('finding', row) or (None, undetermined row) for one flag of one flagged call."""
    number, provider = r["calling_number"], r["provider_id"]
    expected = f"expected the originating CPN passed unaltered ({_cpn_reference(params)})"
    if flag == "f_cpn_not_found":
        digits = number[1:] if len(number) == 11 else number
        clause = params.clause_of_kind["cpn_not_in_numbering"]
        if digits[:3] in facts.complete_npas:
            detail = (
                f"calling number {number} is not found in the numbering data: no code {_dashed(digits[:6])} is "
                f"assigned in NPA {digits[:3]}, whose complete code list was loaded; {expected}"
            )
            return "cpn_not_in_numbering", _call_finding(r, "cpn_not_in_numbering", clause, detail)
        reason = (
            f"calling number {number}: the numbering data has no complete code list for NPA {digits[:3]} and "
            f"lists no code or block {_dashed(digits[:7])} (a non-pooled code, or data not loaded)"
        )
        return None, _undetermined("cpn_not_found", clause, provider, digits, reason, r)
    if flag == "f_cpn_carrier":
        clause = params.clause_of_kind["cpn_other_carrier"]
        digits = number[1:] if len(number) == 11 else number
        if r["a_ocn"] is None:
            reason = (
                f"calling number {number} (originating OCN {r['orig_ocn']}, no originating LRN): the numbering data "
                f"names no OCN for {_dashed(digits[:7])}, so whose number it is cannot be told"
            )
            return None, _undetermined("cpn_carrier", clause, provider, digits, reason, r)
        detail = (
            f"calling number {number} is assigned in the numbering data to OCN {r['a_ocn']}, a carrier other than "
            f"the provider's: the switch recorded originating OCN {r['orig_ocn']} and no originating LRN (not "
            f"ported), and the number is not identified to provider {provider}; {expected}"
        )
        return "cpn_other_carrier", _call_finding(r, "cpn_other_carrier", clause, detail)
    clause = params.clause_of_kind["outside_serving_area"]
    called = r["called_number"] or ""
    digits = called[1:] if len(called) == 11 else called
    if r["b_npanxxx"] is None:
        reason = f"called number {called}: the numbering data lists no code or block {_dashed(digits[:7])}"
    elif r["b_rate_center"] is None:
        reason = (
            f"called number {called}: the numbering data gives {_dashed(digits[:7])} no rate center, and no ILEC "
            f"serving area lists its NPA-NXX"
        )
    else:
        reason = f"called number {called} (rate center {r['b_rate_center']}): no ILEC serving areas are known"
    return None, _undetermined("serving_area", clause, provider, digits, reason, r)


def _call_finding(r: Mapping, kind: str, clause: str, detail: str) -> dict:
    keys = (*_EMPTY_IDENTITY, "provider_id")
    return {**{k: r[k] for k in keys}, "kind": kind, "clause": clause, "detail": detail}


def numbering_outcomes(flagged: pa.Table, params: CheckParams, facts: NumberingFacts) -> tuple[pa.Table, pa.Table]:
    """(findings, undetermined) of the flagged calls' numbering flags, with the CPA.1.4 outcomes.

    Undetermined calls are summed per check, provider, NPA-NXX and reason, keeping the first call.
    """
    findings: list[dict] = []
    summed: dict[tuple, dict] = {}
    flags = [f for f in NUMBERING_FLAGS if f in flagged.column_names]
    rows: Iterable[dict] = flagged.to_pylist() if flags else ()
    for r in sorted(
        rows, key=lambda r: (r["connect_time"] or dt.datetime.min.replace(tzinfo=dt.UTC), r["record_id"] or "")
    ):
        for flag in flags:
            if not r[flag]:
                continue
            kind, row = _call_outcome(r, flag, params, facts)
            if kind is not None:
                findings.append(row)
                continue
            key = (row["check"], row["provider_id"], row["npanxx"], _reason_key(row["reason"]))
            if key in summed:
                summed[key]["calls"] += 1
            else:
                summed[key] = row
    found = pa.concat_tables([pa.Table.from_pylist(findings, schema=FINDINGS_SCHEMA), facts.provider_findings])
    undetermined = pa.concat_tables(
        [pa.Table.from_pylist(list(summed.values()), schema=UNDETERMINED_SCHEMA), facts.provider_undetermined]
    )
    return found, undetermined


def _reason_key(reason: str) -> str:
    """The reason without its first call's number, so calls of one NPA-NXX for one reason sum together."""
    return reason.split(": ", 1)[-1]
