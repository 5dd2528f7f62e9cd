"""Per-call findings: one row per flagged call and check, with its clause and a sentence of detail."""

from __future__ import annotations

import re

import pyarrow as pa

from icaops.traffic.pipeline.enrich import NANP_PATTERN
from icaops.traffic.pipeline.params import CheckParams
from icaops.traffic.pipeline.result import FINDINGS_SCHEMA

__all__ = ["per_call_findings"]

_NANP = re.compile(NANP_PATTERN)
_IDENTITY = (
    "record_id",
    "source_file",
    "record_no",
    "call_date",
    "connect_time",
    "trunk_group",
    "clec_ocn",
    "provider_id",
)


def _or(value, fallback: str = "unknown") -> str:
    return fallback if value is None or value == "" else str(value)


def _not_authorized(r: dict, p: CheckParams) -> tuple[str, str]:
    """CPA.1.1 (notice, confirmation, numbering agreement), or CPA.8 when only the trunk group is wrong."""
    provider, day = r["provider_id"], r["call_date"]
    if r["p_authorized"] and r["p_confined_trunk_group"]:
        return p.clause_of_kind["dos_provider"], (
            f"provider {provider}'s call on {day} used trunk group {_or(r['trunk_group'])}; after a DoS event "
            f"its traffic may use only its separate trunk group {r['p_confined_trunk_group']}"
        )
    why = r["p_reasons"] or "no registry facts about the provider on or before that date"
    return p.clause_of_kind["provider_not_authorized"], (
        f"provider {provider}'s traffic exchanged on {day} while the CLEC may not carry it ({why}); expected "
        f"the CLEC's notice and CenturyLink's confirmation of the provider's numbering agreement first"
    )


def _outside_area(r: dict, p: CheckParams) -> tuple[str, str]:
    return p.clause_of_kind["outside_serving_area"], (
        f"provider {r['provider_id']}'s call to {_or(r['called_number'])} (rate center "
        f"{_or(r['b_rate_center'])}) is outside every CenturyLink switch's serving area in the LERG; expected "
        f"traffic on the CLEC's trunks destined solely to the area served by CenturyLink's switch"
    )


def _cpn_missing(r: dict, p: CheckParams) -> tuple[str, str]:
    ref = p.reference_of_kind["cpn_missing"] or "industry standards"
    return p.clause_of_kind["cpn_missing"], (
        f"provider {r['provider_id']}'s call to {_or(r['called_number'])} carries no calling party number; "
        f"expected the originating CPN passed unaltered ({ref})"
    )


def _cpn_altered(r: dict, p: CheckParams) -> tuple[str, str]:
    number = r["calling_number"]
    if not _NANP.fullmatch(number[1:] if len(number) == 11 and number[0] == "1" else number):
        found = f"calling number {number!r} is not a valid ten-digit NANP number"
    elif r["a_npanxxx"] is None:
        found = f"calling number {number}'s NPA-NXX-X is not assigned to any carrier in the numbering data"
    else:
        found = (
            f"calling number {number} belongs in the LERG to OCN {r['a_ocn']}, but the switch recorded "
            f"originating OCN {r['orig_ocn']} and no originating LRN (not ported)"
        )
    ref = p.reference_of_kind["cpn_altered"] or "industry standards"
    return p.clause_of_kind["cpn_altered"], f"{found}; expected the originating CPN passed unaltered ({ref})"


def _voip_911(r: dict, p: CheckParams) -> tuple[str, str]:
    return p.clause_of_kind["voip_911_to_ilec"], (
        f"911 call from provider {r['provider_id']} (calling {_or(r['calling_number'])}) delivered to "
        f"CenturyLink on trunk group {_or(r['trunk_group'])}; expected the provider to route its own 911 calls"
    )


_KINDS = (
    ("f_not_authorized", "provider_not_authorized", _not_authorized),
    ("f_outside_area", "outside_serving_area", _outside_area),
    ("f_cpn_missing", "cpn_missing", _cpn_missing),
    ("f_cpn_altered", "cpn_altered", _cpn_altered),
    ("f_voip_911", "voip_911_to_ilec", _voip_911),
)


def per_call_findings(flagged: pa.Table, params: CheckParams) -> pa.Table:
    """FINDINGS_SCHEMA rows for flagged calls (the `flagged` part of onepass.py), one per flag set."""
    rows = []
    for r in flagged.to_pylist():
        for flag, kind, describe in _KINDS:
            if r[flag]:
                clause, detail = describe(r, params)
                rows.append({**{k: r[k] for k in _IDENTITY}, "kind": kind, "clause": clause, "detail": detail})
    return pa.Table.from_pylist(rows, schema=FINDINGS_SCHEMA)
