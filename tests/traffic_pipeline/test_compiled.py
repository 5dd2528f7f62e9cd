"""The DuckDB fast path (compiled.py): the same answers as the Ibis path, and its SQL rewrites still apply."""

from __future__ import annotations

import ibis

from icaops.traffic.pipeline import calls_from_arrow, check_traffic, compiled, connect, prepare_checks
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


def test_epoch_is_taken_from_the_instant(duck_checks):
    """The rewrite of Ibis's EPOCH(CAST(connect_time AS TIMESTAMP)) still finds its pattern in the
    compiled query (else an Ibis upgrade would silently bring back the per-call time-zone conversion)."""
    raw = ibis.to_sql(
        ibis.table({"connect_time": "timestamp('UTC')"}, name="c").connect_time.epoch_seconds().name("e"),
        dialect="duckdb",
    )
    assert compiled.epoch_of_instants(str(raw)) != str(raw)
    assert duck_checks.sql is not None, "checks prepared on DuckDB compile their queries"
    assert "EPOCH(CAST(" not in duck_checks.sql.check and "EPOCH(" in duck_checks.sql.check
