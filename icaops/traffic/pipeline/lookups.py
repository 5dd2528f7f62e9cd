"""Reference data and the provider registry as small Arrow tables, to join to call records in bulk.

- `numbers_table`: one row per NPA-NXX-X (block beats NXX, as `block_index_arrow`), with whether
  the number is the ILEC's, whether it lies in an ILEC switch's serving area (CPA.9), and the
  Interconnected VoIP Provider identified for it (CPA.1.4).
- `provider_ocns_table`: OCN → provider identified for it (CPA.1.4, CPA.11).
- `authorization_table`: per provider, date ranges over which the registry state is constant,
  with whether the CLEC may carry the provider's traffic and why not (CPA.1.1–1.4, 8, 11).
- `providers_table`: the providers' integer codes (their place in name order).

The checks join and group on integers (docs/traffic-pipeline.md#integer-keys): each table carries,
beside its text, the same values as integers: NPA-NXX-X as `block`, OCNs and trunk groups as the
call records' packed codes (`icaops.traffic.records.pack`), rate centres, LATAs and states as
their place among the table's distinct values, providers as `providers_table` codes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pyarrow as pa
import pyarrow.compute as pc

from icaops.traffic.providers import ProviderRegistry
from icaops.traffic.records import pack
from icaops.traffic.reference import ReferenceData, block_index_arrow
from icaops.traffic.reference.coverage import area_status, ilec_fields

__all__ = [
    "AUTHORIZATION_SCHEMA",
    "NUMBERS_SCHEMA",
    "OCNS_SCHEMA",
    "PROVIDERS_SCHEMA",
    "authorization_table",
    "identified_codes",
    "numbers_table",
    "provider_names",
    "provider_ocns_table",
    "providers_table",
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
        ("block", pa.int32()),
        ("ocn_code", pa.int32()),
        ("rate_center_code", pa.int32()),
        ("lata_code", pa.int32()),
        ("state_code", pa.int32()),
        ("provider_code", pa.int32()),
    ]
)
_NUMBERS_TEXT = pa.schema(list(NUMBERS_SCHEMA)[:8])
OCNS_SCHEMA = pa.schema(
    [("ocn", pa.string()), ("provider", pa.string()), ("ocn_code", pa.int32()), ("provider_code", pa.int32())]
)
PROVIDERS_SCHEMA = pa.schema([("provider_code", pa.int32()), ("provider", pa.string())])
AUTHORIZATION_SCHEMA = pa.schema(
    [
        ("provider", pa.string()),
        ("valid_from", pa.date32()),
        ("valid_to", pa.date32()),
        ("authorized", pa.bool_()),
        ("confined_trunk_group", pa.string()),
        ("reasons", pa.string()),
        ("provider_code", pa.int32()),
        ("confined_trunk_code", pa.int64()),
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
        ["npanxxx", "npanxx", "ocn", "company", "rate_center", "lata", "state", "switch", "ilec_switch"]
    ).to_pylist():
        ilec = ilec_fields(reference, r["ilec_switch"], r["switch"], r["ocn"], r["company"])
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
    text = pa.Table.from_pylist(sorted(rows.values(), key=lambda r: r["npanxxx"]), schema=_NUMBERS_TEXT)
    return pa.table(
        [
            *text.columns,
            text["npanxxx"].cast(pa.int32()),
            pack(text["ocn"], 4),
            _value_codes(text["rate_center"]),
            _value_codes(text["lata"]),
            _value_codes(text["state"]),
            _provider_column(text["provider"], _provider_codes(registry)),
        ],
        schema=NUMBERS_SCHEMA,
    )


def _value_codes(values: pa.ChunkedArray) -> pa.Array:
    """Each value's place among the column's distinct values in text order (null stays null)."""
    distinct = pc.unique(values.combine_chunks().drop_null()).sort()
    return pc.index_in(values, value_set=distinct).cast(pa.int32()).combine_chunks()


def _provider_codes(registry: ProviderRegistry) -> dict[str, int]:
    """Provider → its code: its place in name order among every provider the registry has known."""
    names = sorted({p for day in _fact_dates(registry) for p in registry.state(day).providers})
    return {name: i for i, name in enumerate(names)}


def _provider_column(providers: pa.ChunkedArray | pa.Array, codes: dict[str, int]) -> pa.Array:
    return pa.array([None if p is None else codes[p] for p in providers.to_pylist()], pa.int32())


def providers_table(registry: ProviderRegistry) -> pa.Table:
    """Provider code → provider, for turning the checks' integer results back into names."""
    codes = _provider_codes(registry)
    return pa.table(
        {"provider_code": pa.array(list(codes.values()), pa.int32()), "provider": pa.array(list(codes), pa.string())},
        schema=PROVIDERS_SCHEMA,
    )


def provider_names(providers: pa.Table, codes: pa.Array | pa.ChunkedArray) -> pa.Array:
    """The names of provider `codes` (null stays null), from `providers_table`."""
    names = providers.sort_by("provider_code")["provider"].combine_chunks()
    if isinstance(codes, pa.ChunkedArray):
        codes = codes.combine_chunks()
    return names.take(codes.cast(pa.int32()))


def _expand(codes: Iterable[str]) -> list[str]:
    """Every NPA-NXX-X covered by six-digit NXX codes and seven-digit block codes."""
    out: set[str] = set()
    for code in codes:
        out.update([code] if len(code) == 7 else (code + d for d in "0123456789"))
    return sorted(out)


def provider_ocns_table(registry: ProviderRegistry) -> pa.Table:
    """OCN → provider, for attributing calls by sending, originating or terminating OCN (CPA.1.4, CPA.11)."""
    ocns, _ = identified_codes(registry)
    codes = _provider_codes(registry)
    pairs = sorted(ocns.items())
    text = pa.array([o for o, _ in pairs], pa.string())
    providers = pa.array([p for _, p in pairs], pa.string())
    return pa.table([text, providers, pack(text, 4), _provider_column(providers, codes)], schema=OCNS_SCHEMA)


def authorization_table(registry: ProviderRegistry) -> pa.Table:
    """Per provider and date range [valid_from, valid_to): may the CLEC carry its traffic, and why not.

    The CPA.8 condition is kept apart as `confined_trunk_group`: after a DoS event the traffic is
    allowed only on that separate trunk group (checked per call, since it depends on the trunk).
    """
    dates = _fact_dates(registry)
    codes = _provider_codes(registry)
    providers = list(codes)
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
                    "provider_code": codes[provider],
                    "confined_trunk_code": None,
                }
            )
    table = pa.Table.from_pylist(rows, schema=AUTHORIZATION_SCHEMA)
    at = AUTHORIZATION_SCHEMA.get_field_index("confined_trunk_code")
    return table.set_column(at, AUTHORIZATION_SCHEMA.field(at), pack(table["confined_trunk_group"].combine_chunks(), 8))
