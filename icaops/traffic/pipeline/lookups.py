"""Reference data and the provider registry as small Arrow tables, to join to call records in bulk.

- `numbers_table`: one row per NPA-NXX-X (block beats NXX, as `block_index_arrow`), with whether
  the number is the ILEC's, whether it lies in an ILEC switch's serving area (CPA.9), and the
  Interconnected VoIP Provider identified for it (CPA.1.4).
- `provider_ocns_table`: OCN → provider identified for it (CPA.1.4, CPA.11).
- `authorization_table`: per provider, date ranges over which the registry state is constant,
  with whether the CLEC may carry the provider's traffic and why not (CPA.1.1–1.4, 8, 11).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pyarrow as pa

from icaops.traffic.providers import ProviderRegistry
from icaops.traffic.reference import ReferenceData, block_index_arrow
from icaops.traffic.reference.coverage import area_status, ilec_fields

__all__ = [
    "AUTHORIZATION_SCHEMA",
    "NUMBERS_SCHEMA",
    "OCNS_SCHEMA",
    "authorization_table",
    "identified_codes",
    "numbers_table",
    "provider_ocns_table",
]

NUMBERS_SCHEMA = pa.schema(
    [
        ("npanxxx", pa.string()),
        ("ocn", pa.string()),
        ("rate_center", pa.string()),
        ("lata", pa.string()),
        ("state", pa.string()),
        ("ilec", pa.bool_()),
        ("in_ilec_area", pa.bool_()),
        ("provider", pa.string()),
    ]
)
OCNS_SCHEMA = pa.schema([("ocn", pa.string()), ("provider", pa.string())])
AUTHORIZATION_SCHEMA = pa.schema(
    [
        ("provider", pa.string()),
        ("valid_from", pa.date32()),
        ("valid_to", pa.date32()),
        ("authorized", pa.bool_()),
        ("confined_trunk_group", pa.string()),
        ("reasons", pa.string()),
    ]
)
_END_OF_TIME = dt.date(9999, 12, 31)


def _fact_dates(registry: ProviderRegistry) -> list[dt.date]:
    """The dates on which the registry state can change, in order."""
    return sorted({f.on for f in registry.applied})


def identified_codes(registry: ProviderRegistry) -> tuple[dict[str, str], dict[str, str]]:
    """OCN → provider and NPA-NXX(-X) → provider, as identified at any time (a later identification wins).

    Identification says whose traffic a call is (CPA.1.4); whether it may be carried on the call's date
    is `authorization_table`'s business, so a call from an OCN identified only later is still attributed.
    """
    ocns: dict[str, str] = {}
    codes: dict[str, str] = {}
    for day in _fact_dates(registry):
        for status in registry.state(day).providers.values():
            ocns.update(dict.fromkeys(status.ocns, status.provider))
            codes.update(dict.fromkeys(status.npa_nxxs, status.provider))
    return ocns, codes


def numbers_table(reference: ReferenceData, registry: ProviderRegistry) -> pa.Table:
    """One row per NPA-NXX-X known to the reference data or identified in the registry."""
    index = block_index_arrow(reference.numbering, reference.latas)
    area_nxx = {n for a in reference.serving_areas.by_switch.values() for n in a.npa_nxxs}
    ocn_provider, codes = identified_codes(registry)
    rows: dict[str, dict] = {}
    for r in index.select(
        ["npanxxx", "npanxx", "ocn", "rate_center", "lata", "state", "switch", "ilec_switch"]
    ).to_pylist():
        ilec = ilec_fields(reference, r["ilec_switch"], r["switch"], r["ocn"])
        rows[r["npanxxx"]] = {
            "npanxxx": r["npanxxx"],
            "ocn": r["ocn"],
            "rate_center": r["rate_center"],
            "lata": r["lata"],
            "state": r["state"],
            "ilec": ilec,
            # CPA.9: null where the numbering data cannot tell (reference.coverage.area_status).
            "in_ilec_area": area_status(reference, r["npanxx"], r["rate_center"], ilec),
            "provider": ocn_provider.get(r["ocn"] or ""),
        }
    for code7 in _expand(codes):
        provider = codes.get(code7) or codes[code7[:6]]  # a block beats its NXX (CPA.1.4)
        row = rows.setdefault(
            code7,
            {
                "npanxxx": code7,
                "ocn": None,
                "rate_center": None,
                "lata": None,
                "state": None,
                "ilec": False,
                "in_ilec_area": True if code7[:6] in area_nxx else None,
            },
        )
        row["provider"] = provider
    return pa.Table.from_pylist(sorted(rows.values(), key=lambda r: r["npanxxx"]), schema=NUMBERS_SCHEMA)


def _expand(codes: Iterable[str]) -> list[str]:
    """Every NPA-NXX-X covered by six-digit NXX codes and seven-digit block codes."""
    out: set[str] = set()
    for code in codes:
        out.update([code] if len(code) == 7 else (code + d for d in "0123456789"))
    return sorted(out)


def provider_ocns_table(registry: ProviderRegistry) -> pa.Table:
    """OCN → provider, for attributing calls by sending, originating or terminating OCN (CPA.1.4, CPA.11)."""
    ocns, _ = identified_codes(registry)
    return pa.Table.from_pylist([{"ocn": o, "provider": p} for o, p in sorted(ocns.items())], schema=OCNS_SCHEMA)


def authorization_table(registry: ProviderRegistry) -> pa.Table:
    """Per provider and date range [valid_from, valid_to): may the CLEC carry its traffic, and why not.

    The CPA.8 condition is kept apart as `confined_trunk_group`: after a DoS event the traffic is
    allowed only on that separate trunk group (checked per call, since it depends on the trunk).
    """
    dates = _fact_dates(registry)
    providers = sorted({p for d in dates for p in registry.state(d).providers})
    rows = []
    for i, day in enumerate(dates):
        until = dates[i + 1] if i + 1 < len(dates) else _END_OF_TIME
        for provider in providers:
            answer = registry.may_carry(provider, day)
            unmet = [r for r in answer.unmet if not (r.clause == "CPA.8" and answer.trunk_group)]
            rows.append(
                {
                    "provider": provider,
                    "valid_from": day,
                    "valid_to": until,
                    "authorized": not unmet,
                    "confined_trunk_group": answer.trunk_group,
                    "reasons": "; ".join(f"{r.text} [{r.clause}]" for r in unmet) or None,
                }
            )
    return pa.Table.from_pylist(rows, schema=AUTHORIZATION_SCHEMA)
