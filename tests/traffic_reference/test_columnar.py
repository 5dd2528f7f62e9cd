"""The numbering table as Arrow and DuckDB, for joining call records in a columnar pipeline."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from icaops.traffic.reference import (
    BLOCK_INDEX_SCHEMA,
    ENTRY_SCHEMA,
    block_index_arrow,
    load_lata_list,
    numbering_arrow,
    register_duckdb,
)

from .conftest import LATA_LIST


def test_entries_as_arrow_keep_schema_and_source(sample_table):
    """One Arrow row per entry, nullable block, source file and line kept for explanations."""
    latas, _ = load_lata_list(LATA_LIST)
    arrow = numbering_arrow(sample_table, latas)
    assert arrow.schema == ENTRY_SCHEMA and arrow.num_rows == len(sample_table)
    first = arrow.slice(0, 1).to_pylist()[0]
    assert (first["npanxx"], first["block"], first["lata_name"], first["source_line"]) == (
        "208263",
        None,
        "COEUR D'ALENE ID",
        10,
    )


def test_block_index_block_beats_nxx(sample_table):
    """Block index: ten rows per NXX; 208-263-7 is Commio's block, 208-263-6 falls back to the NXX."""
    index = block_index_arrow(sample_table)
    assert index.schema == BLOCK_INDEX_SCHEMA
    rows = {r["npanxxx"]: r for r in index.to_pylist()}
    assert (rows["2082637"]["company"], rows["2082637"]["matched"]) == ("COMMIO, LLC", "block")
    assert (rows["2082636"]["ocn"], rows["2082636"]["matched"]) == ("Z101", "nxx")
    assert "9862271" not in rows  # 986-227 has blocks 0 and 2 in the sample but no whole-NXX row


def test_duckdb_join_call_records_to_reference(sample_table):
    """DuckDB: join normalized call records on the first seven digits of the called number."""
    con = duckdb.connect()
    register_duckdb(con, sample_table)
    calls = pa.table({"call_id": [1, 2, 3], "called": ["2082637001", "2084481234", "5551234567"]})
    con.register("calls", calls)
    result = con.execute(
        "SELECT c.call_id, r.company, r.switch, r.ilec_switch FROM calls c "
        "LEFT JOIN numbering_blocks r ON substr(c.called, 1, 7) = r.npanxxx ORDER BY c.call_id"
    ).fetchall()
    assert result == [
        (1, "COMMIO, LLC", "BOISIDZZ4CM", False),
        (2, "CENTURYTEL OF THE GEM STATE, INC.", "SNPTIDZZDS0", True),
        (3, None, None, None),
    ]


def test_operator_file_block_index_size(operator_table):
    """Operator file: 16,571 rows over 2,680 NXXs give 17,120 blocks (unlisted blocks of pooled NXXs stay out)."""
    index = block_index_arrow(operator_table)
    assert len({e.npanxx for e in operator_table.entries}) == 2680
    assert index.num_rows == 17120
    assert index.filter(pc.equal(index["npanxxx"], "9862021")).to_pylist()[0]["company"] == "TELNYX LLC"
