"""Benchmark: the Carrier Partner check suite on DuckDB from Parquet, against the same checks by hand.

Generates N synthetic call records (CALL_RECORD_SCHEMA) to Parquet in a temporary folder: provider
traffic of 50 Interconnected VoIP Providers, CenturyLink traffic to the CLEC, other CLEC traffic and
resale messages, with a DoS burst, altered and missing CPNs, 911 calls, calls outside the serving
area and an unauthorized provider. Then, each in a fresh child process:

1. `check_traffic` (Ibis on DuckDB) over the Parquet files, with checks prepared once (lookup tables
   built, queries compiled) and a warm-up on a small sample, as a long-running service would have;
   it reads the integer keys the records carry from ingest (icaops/traffic/records/keys.py);
2. the same checks written by hand as ONE DuckDB SQL query on the text columns returning the same
   rows (`HAND_ROWS`: flagged calls with their evidence, calls per trunk group and minute, episodes
   of breached sliding DoS windows, compensation and message counts);
3. the same query returning only counts (`HAND_COUNTS`): the baseline of the target (check_traffic
   at 1.8 x its records/s or better, issue 14), reported beside it;
   each `--repeat` times (default 3) in rounds, each round a fresh child process timing two runs,
   the fastest run reported with its CPU time: on a shared machine the wall time of one run varies
   by ±50 %, the best of several and CPU time much less;
4. EMI parsing (bench/emi_parse.py) of `--emi-records` records.

It asserts equal findings counts by kind and prints records/s for each, their ratios and each
child's peak memory, for every size given to `--records` (10M records take a few minutes per
run on two shared cores). It never asserts a speed.

    .venv/bin/python bench/traffic.py --records 1000000 [10000000] [--memory-limit 3GB] [--emi-records 2000000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from icaops.traffic.providers import (
    AgreementKind,
    AgreementSigned,
    CarryConfirmed,
    CarryNoticeGiven,
    ProviderAdded,
    ProviderRegistry,
)
from icaops.traffic.records import finish_batch

DAY = dt.date(2024, 3, 4)
CLEC_OCN = "Z300"
PROVIDERS = 50
TRUNKS_PER_PROVIDER = 4
OTHER_TRUNKS = 40
ILEC_NXX = np.array(
    [
        "208263",
        "208265",
        "208255",
        "208448",
        "208267",
        "208623",
        "208756",
        "208879",
        "208634",
        "208382",
        "208253",
        "208628",
    ]
)
LEVEL3_NXX = "208664"
DOS_PROVIDER = 7
DOS_CALLS = 4000  # in one minute: 66.7 attempts/s against the terms' 50/s
CHUNK = 1_000_000


def provider_code(i: int) -> str:
    """The synthetic NPA-NXX-X block identified for provider i (208-2xx: not in the shipped sample)."""
    return f"2082{i // 10:02d}{i % 10}"


def registry() -> ProviderRegistry:
    """Providers vp00..vp49 carried since 2024-03-01; vp49 never confirmed (its traffic is unauthorized)."""
    facts = [AgreementSigned("amend", dt.date(2012, 6, 20), AgreementKind.AMENDMENT)]
    for i in range(PROVIDERS):
        name = f"vp{i:02d}"
        facts += [
            ProviderAdded(f"{name}-add", dt.date(2024, 2, 1), name, ocns=(f"Y{i:03d}",), npa_nxxs=(provider_code(i),))
        ]
        if i != PROVIDERS - 1:
            facts += [
                AgreementSigned(f"{name}-na", dt.date(2024, 2, 1), AgreementKind.NUMBERING, name),
                CarryNoticeGiven(f"{name}-n", dt.date(2024, 2, 20), name),
                CarryConfirmed(f"{name}-c", dt.date(2024, 3, 1), name),
            ]
    return ProviderRegistry.from_facts(facts)


def _digits(rng: np.random.Generator, prefixes: np.ndarray, width: int = 10) -> np.ndarray:
    """Numbers made of the given prefixes followed by random digits."""
    rest = width - len(prefixes[0])
    tails = rng.integers(0, 10**rest, prefixes.size)
    return np.char.add(prefixes.astype(f"U{len(prefixes[0])}"), np.char.zfill(tails.astype(f"U{rest}"), rest))


def chunk(n: int, seed: int, first_no: int, with_burst: bool) -> pa.RecordBatch:
    """`n` call records of one day; the first chunk carries the DoS burst."""
    rng = np.random.default_rng(seed)
    kind = rng.choice(4, n, p=[0.55, 0.20, 0.20, 0.05])  # provider in, ILEC out, other CLEC in, resale
    prov = rng.integers(0, PROVIDERS - 1, n)  # vp49 only where injected below
    ilec = _digits(rng, ILEC_NXX[rng.integers(0, ILEC_NXX.size, n)])
    prov_num = _digits(rng, np.array([provider_code(i) for i in range(PROVIDERS)])[prov])
    level3 = _digits(rng, np.full(n, LEVEL3_NXX))
    calling = np.where(kind == 0, prov_num, np.where(kind == 2, level3, ilec)).astype(object)
    called = np.where(kind == 1, np.where(rng.random(n) < 0.5, prov_num, level3), ilec).astype(object)
    orig_ocn = np.where(
        kind == 0, np.char.add("Y", np.char.zfill(prov.astype("U3"), 3)), np.where(kind == 2, "Z211", None)
    ).astype(object)
    trunk = np.where(
        kind == 0,
        np.char.add(
            "T", np.char.zfill((prov * TRUNKS_PER_PROVIDER + rng.integers(0, TRUNKS_PER_PROVIDER, n)).astype("U4"), 4)
        ),
        np.char.add("C", np.char.zfill(rng.integers(0, OTHER_TRUNKS, n).astype("U3"), 3)),
    ).astype(object)
    ind = np.where(kind == 1, "1", "2").astype(object)
    # Anomalies, each about one call in 10,000 (on provider traffic).
    r = rng.random(n)
    p_in = kind == 0
    calling[p_in & (r < 1e-4)] = "2089990000"  # CPN unassigned (CPA.7)
    calling[p_in & (r >= 1e-4) & (r < 1.5e-4)] = None  # CPN missing (CPA.7)
    called[p_in & (r >= 1.5e-4) & (r < 2e-4)] = "911"  # VoIP 911 (CPA.10)
    called[p_in & (r >= 2e-4) & (r < 3e-4)] = "9862020123"  # outside the area (CPA.9)
    rogue = p_in & (r >= 3e-4) & (r < 4e-4)  # unauthorized (CPA.1.1)
    orig_ocn[rogue] = f"Y{PROVIDERS - 1:03d}"
    local = int((dt.datetime.combine(DAY, dt.time()) - dt.datetime(1970, 1, 1)).total_seconds())
    seconds = local + np.sort(rng.integers(0, 86400, n))
    talk = np.where(rng.random(n) < 0.7, rng.integers(60, 6000, n), 0)
    if with_burst:
        b = slice(0, DOS_CALLS)
        kind[b], calling[b], called[b] = 0, _digits(rng, np.full(DOS_CALLS, provider_code(DOS_PROVIDER))), ilec[b]
        orig_ocn[b], trunk[b], ind[b] = f"Y{DOS_PROVIDER:03d}", "TDOS", "2"
        seconds[b], talk[b] = local + 3600 + np.arange(DOS_CALLS) * 60 // DOS_CALLS, 0
    resale = kind == 3
    trunk[resale], ind[resale] = None, None
    cols = {
        "record_no": pa.array(np.arange(first_no, first_no + n, dtype=np.int64)),
        "record_type": pa.array(np.where(resale, "010101", "110101"), pa.string()),
        "connect_time_local": pa.array(seconds, pa.int64()),
        "calling_number": pa.array(calling, pa.string()),
        "called_number": pa.array(called, pa.string()),
        "duration_tenths": pa.array(talk + 30, pa.int64()),
        "conversation_tenths": pa.array(talk, pa.int64(), mask=resale),
        "orig_term_ind": pa.array(ind, pa.string()),
        "trunk_group": pa.array(trunk, pa.string()),
        "orig_ocn": pa.array(orig_ocn, pa.string()),
        "sending_ocn": pa.array(np.where(ind == "2", CLEC_OCN, None).astype(object), pa.string()),
        "term_ocn": pa.array(np.where(ind == "1", CLEC_OCN, None).astype(object), pa.string()),
        "billing_number": pa.array(np.where(resale, ilec, None).astype(object), pa.string()),
        "message_type": pa.array(np.where(resale, "1", None).astype(object), pa.string()),
    }
    return finish_batch(cols, n=n, source_file=f"bench-{seed}", source_format="synthetic")


def generate(folder: Path, n: int) -> None:
    """Write `n` records as Parquet files of at most CHUNK rows."""
    for i, lo in enumerate(range(0, n, CHUNK)):
        batch = chunk(min(CHUNK, n - lo), seed=i, first_no=lo + 1, with_burst=i == 0)
        pq.write_table(pa.Table.from_batches([batch]), folder / f"calls-{i:04d}.parquet", row_group_size=250_000)


# --- the same checks by hand ------------------------------------------------------------------

HAND_CTES = """
WITH c AS (
  SELECT *, CASE WHEN length(calling_number) = 11 AND starts_with(calling_number, '1')
                 THEN substr(calling_number, 2) ELSE calling_number END AS calling10,
            CASE WHEN length(called_number) = 11 AND starts_with(called_number, '1')
                 THEN substr(called_number, 2) ELSE called_number END AS called10
  FROM read_parquet('{glob}')
), j AS (
  SELECT c.*, a.ocn AS a_ocn, a.rate_center AS a_rc, a.lata AS a_lata, a.state AS a_state,
         coalesce(a.ilec, false) AS a_ilec, a.provider AS a_provider, a.npanxxx AS a_key,
         b.rate_center AS b_rc, b.lata AS b_lata, b.state AS b_state, coalesce(b.ilec, false) AS b_ilec,
         b.in_ilec_area AS b_in_area, b.provider AS b_provider,
         coalesce(category IN ('01', '10'), false) AS resale,
         NOT coalesce(category IN ('01', '10'), false) AND CASE WHEN orig_term_ind = '1' THEN false
              WHEN orig_term_ind = '2' THEN true
              ELSE NOT (coalesce(a.ilec, false) AND NOT coalesce(b.ilec, false)) END AS received,
         called10 = '911' AS is_911
  FROM c LEFT JOIN numbers a ON substr(c.calling10, 1, 7) = a.npanxxx
         LEFT JOIN numbers b ON substr(c.called10, 1, 7) = b.npanxxx
), k AS (
  SELECT j.*, CASE WHEN NOT resale THEN coalesce(o1.provider, o2.provider,
                                               CASE WHEN received THEN a_provider ELSE b_provider END) END AS provider_id,
         CASE WHEN resale THEN 'resale_usage' WHEN NOT received THEN 'ilec_to_clec'
              WHEN is_911 OR b_ilec THEN 'clec_to_ilec' ELSE 'transit' END AS direction,
         coalesce(CASE WHEN o1.provider IS NULL THEN CASE WHEN received THEN sending_ocn ELSE term_ocn END END,
                  CASE WHEN o2.provider IS NULL AND received THEN orig_ocn END) AS clec_ocn
  FROM j LEFT JOIN ocns o1 ON CASE WHEN received THEN sending_ocn ELSE term_ocn END = o1.ocn
         LEFT JOIN ocns o2 ON CASE WHEN received THEN orig_ocn END = o2.ocn
), e AS (
  SELECT k.*, coalesce(p.authorized AND (p.confined_trunk_group IS NULL OR p.confined_trunk_group = trunk_group),
                       false) AS allowed, p.authorized AS p_authorized, p.reasons AS p_reasons,
         p.confined_trunk_group AS p_confined,
         CASE WHEN is_911 THEN '911' WHEN direction = 'transit' THEN 'transit'
              WHEN a_rc IS NOT NULL AND a_rc = b_rc AND a_state = b_state THEN 'local'
              WHEN a_lata IS NOT NULL AND a_lata = b_lata THEN 'intralata_toll' ELSE 'interlata' END AS jurisdiction,
         coalesce(conversation_tenths, duration_tenths) AS talk,
         received AND provider_id IS NOT NULL AS voip_in,
         calling_number IS NOT NULL AND calling_number <> '' AS present
  FROM k LEFT JOIN auth p ON provider_id = p.provider AND call_date >= p.valid_from AND call_date < p.valid_to
), f AS (
  SELECT record_id, source_file, record_no, call_date, connect_time, trunk_group, clec_ocn, provider_id,
         calling_number, called_number, orig_ocn, a_ocn, a_key, b_rc, p_authorized, p_reasons, p_confined,
         provider_id IS NOT NULL AND NOT allowed AS f_auth,
         voip_in AND NOT is_911 AND NOT coalesce(b_in_area, true) AS f_area,
         voip_in AND NOT is_911 AND b_in_area IS NULL AS f_area_unknown,
         voip_in AND NOT present AS f_missing,
         voip_in AND present AND NOT nanp AS f_altered,
         voip_in AND present AND nanp AND a_key IS NULL AS f_not_found,
         voip_in AND present AND nanp AND a_key IS NOT NULL AND coalesce(orig_lrn IS NULL AND orig_ocn IS NOT NULL
           AND (a_ocn IS NULL OR a_ocn <> orig_ocn) AND (a_provider IS NULL OR a_provider <> provider_id)
           AND (a_ocn IS NULL OR clec_ocn IS NULL OR a_ocn <> clec_ocn), false) AS f_carrier,
         voip_in AND is_911 AS f_911
  FROM (SELECT *, coalesce(regexp_full_match(calling10, '[2-9][0-9]{{2}}[2-9][0-9]{{6}}'), false) AS nanp FROM e)
), outcomes AS (
  SELECT *, f_not_found AND substr(calling10_, 1, 3) IN ({complete_npas}) AS f_not_in_numbering,
         f_carrier AND a_ocn IS NOT NULL AS f_other_carrier
  FROM (SELECT *, CASE WHEN length(calling_number) = 11 THEN substr(calling_number, 2) ELSE calling_number END
          AS calling10_ FROM f)
), buckets AS (
  SELECT epoch(connect_time)::BIGINT // {bucket} * {bucket} AS bucket, trunk_group, provider_id, clec_ocn,
         direction, jurisdiction, count(*) AS attempts, sum((talk > 0)::BIGINT) AS answered,
         sum((talk > 0 AND talk < {short})::BIGINT) AS short_calls, sum(talk) AS talk_tenths
  FROM e GROUP BY ALL
), dos_minutes AS (
  SELECT 'trunk_group' AS scope, trunk_group AS key, bucket // 60 * 60 AS m, sum(attempts) AS n
  FROM buckets WHERE direction IN ('clec_to_ilec', 'transit') AND trunk_group IS NOT NULL GROUP BY ALL
  UNION ALL
  SELECT 'provider', provider_id, bucket // 60 * 60, sum(attempts)
  FROM buckets WHERE direction IN ('clec_to_ilec', 'transit') AND provider_id IS NOT NULL GROUP BY ALL
), hot AS (
  SELECT DISTINCT m + i * 60 AS m FROM (
    SELECT m, sum(n) OVER (PARTITION BY scope, key ORDER BY m RANGE BETWEEN CURRENT ROW AND {span} FOLLOWING) AS run
    FROM dos_minutes), range(0, {span_minutes}) r(i)
  WHERE run >= {min_attempts}
), seconds AS (
  SELECT 'trunk_group' AS scope, trunk_group AS key, epoch(connect_time)::BIGINT AS t, count(*) AS attempts,
         sum((talk > 0)::BIGINT) AS answered, sum((talk > 0 AND talk < {short})::BIGINT) AS short_calls
  FROM e WHERE direction IN ('clec_to_ilec', 'transit') AND trunk_group IS NOT NULL
    AND epoch(connect_time)::BIGINT // 60 * 60 IN (SELECT m FROM hot) GROUP BY ALL
  UNION ALL
  SELECT 'provider', provider_id, epoch(connect_time)::BIGINT, count(*), sum((talk > 0)::BIGINT),
         sum((talk > 0 AND talk < {short})::BIGINT)
  FROM e WHERE direction IN ('clec_to_ilec', 'transit') AND provider_id IS NOT NULL
    AND epoch(connect_time)::BIGINT // 60 * 60 IN (SELECT m FROM hot) GROUP BY ALL
), windows AS (
  SELECT scope, key, t - {window} + 1 AS w,
         sum(attempts) OVER ending AS attempts, sum(answered) OVER ending AS answered,
         sum(short_calls) OVER ending AS short_calls
  FROM seconds WINDOW ending AS (PARTITION BY scope, key ORDER BY t RANGE BETWEEN {window_1} PRECEDING AND CURRENT ROW)
  UNION ALL
  SELECT scope, key, t + 1, sum(attempts) OVER after, sum(answered) OVER after, sum(short_calls) OVER after
  FROM seconds WINDOW after AS (PARTITION BY scope, key ORDER BY t RANGE BETWEEN 1 FOLLOWING AND {window} FOLLOWING)
), breached AS (
  SELECT DISTINCT scope, key, w FROM windows WHERE attempts >= {min_attempts} AND (attempts * {aps_q} > {aps_p} * {window}
     OR (answered > 0 AND short_calls * {scr_q} > {scr_p} * answered) OR answered * {asr_q} < {asr_p} * attempts)
), episodes AS (
  SELECT scope, key, w FROM (
    SELECT scope, key, w, max(w + {window}) OVER (PARTITION BY scope, key ORDER BY w
                                                  ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
    FROM breached)
  WHERE prev_end IS NULL OR w > prev_end
)
"""
"""The checks by hand up to the DoS windows, as common table expressions of both hand-written queries.

As in check_traffic, DoS windows slide (every 60-second window is judged): the minutes in which a
window may reach the minimum attempts are found from the one-minute buckets, the calls of those
minutes counted per second, and every distinct window (ending at a call's second or starting just
after one) summed with window functions; overlapping breached windows make one episode."""

HAND_COUNTS = (
    HAND_CTES.rstrip()
    + """, flag_counts AS (
  SELECT count(*) FILTER (WHERE f_auth) AS auth, count(*) FILTER (WHERE f_area) AS area,
         count(*) FILTER (WHERE f_missing) AS missing, count(*) FILTER (WHERE f_altered) AS altered,
         count(*) FILTER (WHERE f_911) AS v911, count(*) FILTER (WHERE f_not_in_numbering) AS not_in,
         count(*) FILTER (WHERE f_other_carrier) AS other FROM outcomes
)
SELECT 'provider_not_authorized' AS kind, auth AS n FROM flag_counts
UNION ALL SELECT 'outside_serving_area', area FROM flag_counts
UNION ALL SELECT 'cpn_missing', missing FROM flag_counts
UNION ALL SELECT 'cpn_altered', altered FROM flag_counts
UNION ALL SELECT 'voip_911_to_ilec', v911 FROM flag_counts
UNION ALL SELECT 'cpn_not_in_numbering', not_in FROM flag_counts
UNION ALL SELECT 'cpn_other_carrier', other FROM flag_counts
UNION ALL SELECT 'dos_' || scope, count(*) FROM episodes GROUP BY scope
UNION ALL SELECT 'compensation_rows', count(*) FROM (SELECT DISTINCT clec_ocn, provider_id, direction, jurisdiction
  FROM buckets WHERE direction <> 'resale_usage')
UNION ALL SELECT 'per_minute_rows', count(*) FROM (SELECT DISTINCT trunk_group, bucket // 60 FROM buckets WHERE trunk_group IS NOT NULL)
UNION ALL SELECT 'message_count_rows', count(*) FROM (SELECT DISTINCT billing_number, message_type, call_date
  FROM read_parquet('{glob}') WHERE billing_number IS NOT NULL)
UNION ALL SELECT 'records', sum(attempts) FROM buckets
"""
)
"""The strictest baseline: the checks by hand, returning only counts (no rows to hand over)."""

HAND_ROWS = (
    HAND_CTES.rstrip()
    + """
SELECT 'flagged' AS part, * FROM outcomes
  WHERE f_auth OR f_area OR f_area_unknown OR f_missing OR f_altered OR f_not_found OR f_carrier OR f_911
UNION ALL BY NAME SELECT 'minute' AS part, trunk_group AS k1, bucket // 60 * 60 AS t, sum(attempts) AS n1
  FROM buckets WHERE trunk_group IS NOT NULL GROUP BY ALL
UNION ALL BY NAME SELECT 'dos_' || scope AS part, key AS k1, w AS t FROM episodes
UNION ALL BY NAME SELECT 'compensation' AS part, clec_ocn AS k1, provider_id AS k2, direction AS k3,
  jurisdiction AS k4, sum(attempts) AS n1, sum(talk_tenths) AS n2 FROM buckets WHERE direction <> 'resale_usage'
  GROUP BY ALL
UNION ALL BY NAME SELECT 'messages' AS part, billing_number AS k1, message_type AS k2, call_date, count(*) AS n1
  FROM read_parquet('{glob}') WHERE billing_number IS NOT NULL GROUP BY ALL
UNION ALL BY NAME SELECT 'records' AS part, sum(attempts) AS n1 FROM buckets
"""
)
"""The same checks by hand, returning what check_traffic returns: the flagged calls with their evidence,
calls per trunk group and minute, breached windows, compensation rows and message counts."""


def _setup():
    from icaops.terms.loader import load_agreement
    from icaops.traffic.reference import load_shipped_reference

    return load_agreement("centurylink-granite-id-2012"), load_shipped_reference(), registry()


def _peak_mb() -> float:
    """This process's peak resident memory: ru_maxrss, cross-checked with VmHWM.

    A child inherits the parent's ru_maxrss across fork+exec on Linux, so VmHWM (reset by exec) is
    the figure that belongs to the child alone; both are printed.
    """
    with open("/proc/self/status") as fh:
        hwm = next((int(line.split()[1]) for line in fh if line.startswith("VmHWM:")), 0)
    return hwm / 1024


def _cpu() -> float:
    """CPU seconds (user + system, all threads) of this process so far."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def run_pipeline(glob: str, memory_limit: str, threads: int, repeat: int) -> dict:
    """check_traffic on DuckDB from Parquet: seconds, findings by kind, output sizes."""
    from icaops.traffic.pipeline import calls_from_parquet, check_traffic, connect, prepare_checks

    agreement, reference, reg = _setup()
    con = connect("duckdb", memory_limit=memory_limit, threads=threads)
    checks = prepare_checks(agreement.terms, reference, reg, con)  # lookup tables built, queries compiled once
    sample = pq.ParquetFile(min(Path(glob).parent.glob("*.parquet"))).read_row_group(0).slice(0, 50_000)
    with tempfile.TemporaryDirectory() as tmp:  # a warm-up run
        pq.write_table(sample, Path(tmp) / "sample.parquet")
        check_traffic(calls_from_parquet(con, Path(tmp) / "sample.parquet"), checks)
    runs = []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), _cpu()
        result = check_traffic(calls_from_parquet(con, glob), checks)
        runs.append((time.perf_counter() - wall, _cpu() - cpu))
    seconds, cpu_seconds = min(runs)
    kinds = result.findings.group_by("kind").aggregate([("kind", "count")]).to_pylist()
    counts = {r["kind"]: r["kind_count"] for r in kinds}
    counts.update(
        compensation_rows=result.compensation.num_rows,
        per_minute_rows=result.per_minute.num_rows,
        message_count_rows=result.message_counts.num_rows,
        records=result.records,
    )
    return {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "runs": runs,
        "counts": counts,
        "events": len(result.events),
        "peak_mb": _peak_mb(),
        "ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _counts_of_rows(rows: pa.Table) -> dict:
    """The figures check_traffic reports, counted from HAND_ROWS's rows."""
    part = rows["part"].to_pylist()
    flagged = rows.filter(pa.array([p == "flagged" for p in part]))
    counts = {
        kind: sum(1 for v in flagged[flag].to_pylist() if v)
        for kind, flag in (
            ("provider_not_authorized", "f_auth"),
            ("outside_serving_area", "f_area"),
            ("cpn_missing", "f_missing"),
            ("cpn_altered", "f_altered"),
            ("voip_911_to_ilec", "f_911"),
            ("cpn_not_in_numbering", "f_not_in_numbering"),
            ("cpn_other_carrier", "f_other_carrier"),
        )
    }
    for name, key in (
        ("compensation_rows", "compensation"),
        ("per_minute_rows", "minute"),
        ("message_count_rows", "messages"),
        ("dos_trunk_group", "dos_trunk_group"),
        ("dos_provider", "dos_provider"),
    ):
        counts[name] = part.count(key)
    counts["records"] = int(next(n for p, n in zip(part, rows["n1"].to_pylist()) if p == "records"))
    return {k: v for k, v in counts.items() if v}


def run_hand_sql(glob: str, memory_limit: str, threads: int, repeat: int, rows: bool = True) -> dict:
    """The same checks as one DuckDB query over the same lookup tables: HAND_ROWS, or HAND_COUNTS."""
    import duckdb

    from icaops.traffic.pipeline import lookups
    from icaops.traffic.pipeline.numbering import numbering_facts
    from icaops.traffic.pipeline.params import params_from_terms

    agreement, reference, reg = _setup()
    p = params_from_terms(agreement.terms)
    # CPA.1.4 is judged on the registry and the numbering data, once, not per call: taken as the pipeline finds it.
    per_provider = numbering_facts(reference, reg, p, None).provider_findings.num_rows
    con = duckdb.connect(config={"memory_limit": memory_limit, "threads": threads})
    numbers = lookups.numbers_table(reference, reg)
    ocns, auth = lookups.provider_ocns_table(reg), lookups.authorization_table(reg)
    for name, table in (("numbers", numbers), ("ocns", ocns), ("auth", auth)):
        con.register(name, table)
    sql = (HAND_ROWS if rows else HAND_COUNTS).format(
        glob=glob,
        complete_npas=", ".join(f"'{npa}'" for npa in sorted(reference.complete_npas)) or "NULL",
        bucket=p.bucket_seconds,
        window=p.window_seconds,
        window_1=p.window_seconds - 1,
        span=((p.window_seconds - 1) // 60 + 1) * 60,
        span_minutes=(p.window_seconds - 1) // 60 + 2,
        short=p.short_call_tenths,
        min_attempts=p.min_attempts,
        aps_p=p.max_attempts_per_second.numerator,
        aps_q=p.max_attempts_per_second.denominator,
        scr_p=p.max_short_call_ratio.numerator,
        scr_q=p.max_short_call_ratio.denominator,
        asr_p=p.min_answer_seizure_ratio.numerator,
        asr_q=p.min_answer_seizure_ratio.denominator,
    )
    runs = []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), _cpu()
        result = con.sql(sql).to_arrow_table() if rows else con.sql(sql).fetchall()
        runs.append((time.perf_counter() - wall, _cpu() - cpu))
    seconds, cpu_seconds = min(runs)
    counts = _counts_of_rows(result) if rows else {k: int(v) for k, v in result if v}
    if per_provider:
        counts["provider_numbering_other_ocn"] = per_provider
    return {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "runs": runs,
        "counts": counts,
        "peak_mb": _peak_mb(),
        "ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _runs(result: dict) -> str:
    return ", ".join(f"{w:.1f}/{c:.1f}" for w, c in result["runs"])


RUNS_PER_CHILD = 2
"""Timed runs in each child, the faster kept: the first run of a process pays for growing its heap
(page faults), which a process checking file after file pays once."""


def _child(phase: str, glob: str, args: argparse.Namespace) -> dict:
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--phase",
            phase,
            "--glob",
            glob,
            "--memory-limit",
            args.memory_limit,
            "--threads",
            str(args.threads),
            "--repeat",
            str(RUNS_PER_CHILD),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _rounds(glob: str, args: argparse.Namespace) -> tuple[dict, dict, dict]:
    """Each phase `--repeat` times, in rounds (ours, hand rows, hand counts; again...), each in a fresh
    child: the machine's slow and fast spells then fall on all three alike. The fastest run of each is kept,
    with every run's figures and the highest peak memory."""
    results: dict[str, list[dict]] = {"pipeline": [], "hand": [], "hand_counts": []}
    for _ in range(args.repeat):
        for phase, runs in results.items():
            runs.append(_child(phase, glob, args))
    best = {}
    for phase, runs in results.items():
        fastest = min(runs, key=lambda r: r["seconds"])
        best[phase] = {
            **fastest,
            "runs": [run for r in runs for run in r["runs"]],
            "peak_mb": max(r["peak_mb"] for r in runs),
            "ru_maxrss_mb": max(r["ru_maxrss_mb"] for r in runs),
        }
        if any(r["counts"] != fastest["counts"] for r in runs):
            raise SystemExit(f"MISMATCH between runs of {phase}")
    return best["pipeline"], best["hand"], best["hand_counts"]


def _measure(n: int, args: argparse.Namespace) -> dict:
    """Generate `n` records, run the three phases in rounds, print their figures; the figures."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        generate(folder, n)
        size = sum(p.stat().st_size for p in folder.glob("*.parquet"))
        print(f"generated {n:,} records to Parquet ({size / 1e6:,.0f} MB) in {time.perf_counter() - started:.1f} s")
        glob = str(folder / "*.parquet")
        print(f"load average before the runs: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs", flush=True)
        ours, hand, counts_only = _rounds(glob, args)
    print(
        f"check_traffic (Ibis on DuckDB, integer keys): {ours['seconds']:.2f} s = {n / ours['seconds']:,.0f} records/s, "
        f"peak RSS {ours['peak_mb']:,.0f} MB (VmHWM; ru_maxrss {ours['ru_maxrss_mb']:,.0f} MB), "
        f"{ours['events']} DoS events"
    )
    print(
        f"hand-written DuckDB SQL on the text (rows): {hand['seconds']:.2f} s = {n / hand['seconds']:,.0f} records/s, "
        f"peak RSS {hand['peak_mb']:,.0f} MB (VmHWM; ru_maxrss {hand['ru_maxrss_mb']:,.0f} MB)"
    )
    print(
        f"ratio (ours / hand rows, records/s): {hand['seconds'] / ours['seconds']:.2f} by wall time, "
        f"{hand['cpu_seconds'] / ours['cpu_seconds']:.2f} by CPU time "
        f"(fastest of {args.repeat}; all runs, wall/CPU s: ours {_runs(ours)}, hand {_runs(hand)})"
    )
    print(
        f"hand-written SQL on the text returning counts only: {counts_only['seconds']:.2f} s = "
        f"{n / counts_only['seconds']:,.0f} records/s, peak RSS {counts_only['peak_mb']:,.0f} MB; "
        f"ours / it: {counts_only['seconds'] / ours['seconds']:.2f} by wall time, "
        f"{counts_only['cpu_seconds'] / ours['cpu_seconds']:.2f} by CPU time "
        f"(target 1.8; all runs, wall/CPU s: {_runs(counts_only)})"
    )
    print(f"findings and output counts: {json.dumps(ours['counts'], sort_keys=True)}")
    for name, other in (("rows", hand), ("counts only", counts_only)):
        if ours["counts"] != other["counts"]:
            raise SystemExit(
                f"MISMATCH: hand-written SQL ({name}) counted {json.dumps(other['counts'], sort_keys=True)}"
            )
    print("both hand-written queries agree on every count", flush=True)
    return {"ours": ours, "hand": hand, "counts": counts_only}


def main() -> None:
    """Generate, run both in child processes, compare, print figures per size; then the EMI parsing rate."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--records", type=int, nargs="+", default=[1_000_000], help="sizes to measure, e.g. 1000000 10000000"
    )
    parser.add_argument("--memory-limit", default="3GB", help="DuckDB memory_limit for both runs")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the fastest is reported")
    parser.add_argument("--emi-records", type=int, default=1_000_000, help="0 to skip the EMI parsing run")
    parser.add_argument("--phase", choices=["pipeline", "hand", "hand_counts"], help=argparse.SUPPRESS)
    parser.add_argument("--glob", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        run_args = (args.glob, args.memory_limit, args.threads, args.repeat)
        if args.phase == "pipeline":
            print(json.dumps(run_pipeline(*run_args)))
        else:
            print(json.dumps(run_hand_sql(*run_args, rows=args.phase == "hand")))
        return
    figures = {n: _measure(n, args) for n in args.records}
    print("records/s (fastest run, wall time; peak RSS):")
    for n, f in figures.items():
        ours, counts_only = f["ours"], f["counts"]
        print(
            f"  {n:>12,}: check_traffic {n / ours['seconds']:>12,.0f} ({ours['peak_mb']:,.0f} MB); "
            f"hand counts on text {n / counts_only['seconds']:>12,.0f} ({counts_only['peak_mb']:,.0f} MB); "
            f"ratio {counts_only['seconds'] / ours['seconds']:.2f}"
        )
    if args.emi_records:
        print(f"EMI parsing ({args.emi_records:,} records, bench/emi_parse.py):", flush=True)
        subprocess.run(
            [sys.executable, str(Path(__file__).with_name("emi_parse.py")), str(args.emi_records), "--repeat", "2"],
            check=True,
        )


if __name__ == "__main__":
    main()
