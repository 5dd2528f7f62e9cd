"""The numbering table as Arrow tables and DuckDB relations, for joining call records in bulk."""

from __future__ import annotations

from collections.abc import Mapping

import pyarrow as pa

from icaops.traffic.reference.numbering import NumberingEntry, NumberingTable

__all__ = ["BLOCK_INDEX_SCHEMA", "ENTRY_SCHEMA", "block_index_arrow", "numbering_arrow", "register_duckdb"]

_ENTRY_FIELDS = [
    pa.field("npa", pa.string(), nullable=False),
    pa.field("nxx", pa.string(), nullable=False),
    pa.field("block", pa.string()),
    pa.field("npanxx", pa.string(), nullable=False),
    pa.field("ocn", pa.string()),
    pa.field("company", pa.string()),
    pa.field("rate_center", pa.string()),
    pa.field("lata", pa.string()),
    pa.field("lata_name", pa.string()),
    pa.field("state", pa.string()),
    pa.field("switch", pa.string()),
    pa.field("ilec_switch", pa.bool_()),
    pa.field("source_file", pa.string(), nullable=False),
    pa.field("source_line", pa.int32(), nullable=False),
]
ENTRY_SCHEMA = pa.schema(_ENTRY_FIELDS)
# One row per NPA-NXX-X: the join key is the first seven digits of a ten-digit number.
BLOCK_INDEX_SCHEMA = pa.schema(
    [
        pa.field("npanxxx", pa.string(), nullable=False),
        pa.field("matched", pa.string(), nullable=False),  # "block" or "nxx": which entry the row came from
        *_ENTRY_FIELDS,
    ]
)


def numbering_arrow(table: NumberingTable, latas: Mapping[str, str] | None = None) -> pa.Table:
    """One Arrow row per entry, as stored (blocks and whole NXXs side by side)."""
    return pa.Table.from_pylist([_row(e, latas or {}) for e in table.entries], schema=ENTRY_SCHEMA)


def block_index_arrow(table: NumberingTable, latas: Mapping[str, str] | None = None) -> pa.Table:
    """One Arrow row per thousands block: the block's own entry, else its whole NXX's (block beats NXX).

    Join call records with `substr(number, 1, 7) = npanxxx` on normalized ten-digit numbers.
    """
    names = latas or {}
    rows = []
    for npanxx in sorted({e.npanxx for e in table.entries}):
        whole = table.get(npanxx[:3], npanxx[3:])
        for digit in "0123456789":
            entry = table.get(npanxx[:3], npanxx[3:], digit)
            chosen, matched = (entry, "block") if entry is not None else (whole, "nxx")
            if chosen is not None:
                rows.append({"npanxxx": npanxx + digit, "matched": matched, **_row(chosen, names)})
    return pa.Table.from_pylist(rows, schema=BLOCK_INDEX_SCHEMA)


def register_duckdb(
    con, table: NumberingTable, name: str = "numbering_blocks", latas: Mapping[str, str] | None = None
) -> None:
    """Register the block index as view `name` on a DuckDB connection."""
    con.register(name, block_index_arrow(table, latas))


def _row(e: NumberingEntry, latas: Mapping[str, str]) -> dict:
    """The entry as a dict in ENTRY_SCHEMA's field names."""
    return {
        "npa": e.npa,
        "nxx": e.nxx,
        "block": e.block,
        "npanxx": e.npanxx,
        "ocn": e.ocn,
        "company": e.company,
        "rate_center": e.rate_center,
        "lata": e.lata,
        "lata_name": latas.get(e.lata) if e.lata else None,
        "state": e.state,
        "switch": e.switch,
        "ilec_switch": e.ilec_switch,
        "source_file": e.source.file,
        "source_line": e.source.line,
    }
