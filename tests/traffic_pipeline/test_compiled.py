"""The DuckDB fast path (compiled.py): the same answers as the Ibis path, and its SQL rewrites still apply."""

from __future__ import annotations

import ibis

from icaops.traffic.pipeline import check_traffic, compiled
from tests.traffic_pipeline.test_parity import TABLES


def test_compiled_sql_gives_what_ibis_gives(duck, fixture_table, context):
    """CPA.1.1, 7, 8, 9, 10: the SQL compiled once and run on the raw connection finds exactly what the
    Ibis expressions find when Ibis runs them itself (a given connection takes the Ibis path)."""
    through_ibis = check_traffic(fixture_table, connection=ibis.duckdb.connect(), **context)
    for name in TABLES:
        assert getattr(through_ibis, name).to_pylist() == getattr(duck, name).to_pylist(), name
    assert through_ibis.events == duck.events and through_ibis.records == duck.records


def test_epoch_is_taken_from_the_instant(duck):
    """The rewrite of Ibis's EPOCH(CAST(connect_time AS TIMESTAMP)) still finds its pattern in the
    compiled query (else an Ibis upgrade would silently bring back the per-call time-zone conversion)."""
    raw = ibis.to_sql(ibis.table({"connect_time": "timestamp('UTC')"}, name="c").connect_time.epoch_seconds().name("e"),
                      dialect="duckdb")
    assert compiled.epoch_of_instants(str(raw)) != str(raw)
    assert compiled._CACHE, "the duck fixture ran check_traffic on an Arrow table: its queries were compiled"
    for _, queries in compiled._CACHE.values():
        assert 'EPOCH(CAST(' not in queries.check and "EPOCH(" in queries.check
