"""The DuckDB fast path (compiled.py): the same answers as the Ibis path, and its SQL rewrites still apply."""

from __future__ import annotations

import json

from icaops.traffic.pipeline import (
    calls_from_arrow,
    calls_from_parquet,
    check_traffic,
    compiled,
    connect,
    prepare_checks,
)
from tests.traffic_pipeline.test_parity import TABLES


def test_compiled_sql_gives_what_ibis_gives(duck, fixture_table, context):
    """CPA.1.1, 7, 8, 9, 10: the SQL compiled once and run on the raw connection finds exactly what the
    Ibis expressions find when Ibis runs them itself (checks prepared without compiling take the Ibis path)."""
    checks = prepare_checks(con=connect("duckdb"), compile_sql=False, **context)
    assert checks.sql is None
    through_ibis = check_traffic(calls_from_arrow(fixture_table), checks)
    for name in TABLES:
        assert getattr(through_ibis, name).to_pylist() == getattr(duck, name).to_pylist(), name
    assert through_ibis.events == duck.events and through_ibis.records == duck.records


def test_the_check_query_reads_integer_keys_not_the_text(duck_checks, fixture_table, tmp_path):
    """The one-pass check joins and groups on the integer keys written at ingest (records/keys.py): the
    calls it enriches are read as integers only (numbers, OCNs, trunk groups, time); of the text,
    only what the message counts group on is read, beside (docs/traffic-pipeline.md#integer-keys)."""
    import pyarrow.parquet as pq

    assert duck_checks.sql is not None, "checks prepared on DuckDB compile their queries"
    pq.write_table(fixture_table, tmp_path / "calls.parquet")
    raw = duck_checks.con.con
    compiled.register_lookups(raw, duck_checks.lookups)
    duck_checks.con.create_view(
        compiled.CALLS, calls_from_parquet(duck_checks.con, tmp_path / "calls.parquet"), overwrite=True
    )
    plan = json.loads(raw.sql("EXPLAIN (FORMAT json) " + duck_checks.sql.check).fetchall()[0][-1])

    def scans(node):
        if node.get("name") == "READ_PARQUET":
            yield set(node["extra_info"]["Projections"])
        for child in node.get("children", []):
            yield from scans(child)

    enriched = {
        "record_no",
        "call_date",
        "connect_epoch",
        "duration_tenths",
        "conversation_tenths",
        "calling_block",
        "called_block",
        "call_flags",
        "trunk_code",
        "orig_ocn_code",
        "term_ocn_code",
        "sending_ocn_code",
    }
    messages = {"billing_number", "message_type", "call_date"}  # counted from the calls, not enriched
    assert sorted((cols for root in plan for cols in scans(root)), key=len) == [messages, enriched]
