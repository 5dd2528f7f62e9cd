"""Benchmark: bill 1,000,000 resale lines over 200 CLEC accounts in one cycle.

Prints lines/s for each stage and end to end, and peak memory. Stages: generate the
inventory (not timed in the end-to-end figure), price every line and compose the bills
(DuckDB + exact Decimal per price group), post each bill to the double-entry ledger as
one transfer, and write bills and lines to the store (SQLite by default; PostgreSQL with
--postgres, in a throw-away cluster).

    .venv/bin/python bench/billing.py [--lines 1000000] [--accounts 200] [--postgres] [--no-store]

Target on a 2-core machine: at least 50,000 lines/s end to end.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from icaops.billing.ledger import LedgerError
from icaops.billing.model import Account
from icaops.billing.postings import bill_transfer, new_ledger
from icaops.billing.run import run_cycle
from icaops.samples.inventory import resale_inventory
from icaops.terms.loader import load_agreement


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _store_writer(kind: str, workdir: Path):
    """A function writing a CycleRun to the store, or None if the store is not available."""
    try:
        from icaops.store import bulk  # type: ignore[attr-defined]
    except ImportError:
        return None, "store not available"
    if kind == "postgres":
        from tests.support.pgtemp import TempCluster  # type: ignore

        cluster = TempCluster(workdir / "pg", durable=True)  # fsync on, as a real server
        cluster.start()
        return bulk.writer(cluster.url), cluster
    return bulk.writer(f"sqlite:///{workdir / 'bench.sqlite'}"), None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--period", default="2012-08")
    parser.add_argument("--postgres", action="store_true", help="write to a throw-away PostgreSQL cluster")
    parser.add_argument("--no-store", action="store_true", help="skip the store stage")
    args = parser.parse_args()

    terms = load_agreement("centurylink-granite-id-2012").terms
    accounts = [Account(f"CLEC{i:03d}", f"CLEC {i:03d}", cycle_close_day=3) for i in range(args.accounts)]
    t0 = time.perf_counter()
    inventory = resale_inventory(args.lines, [a.id for a in accounts])
    print(f"generate   {args.lines:>10,} lines  {time.perf_counter() - t0:6.2f} s (not counted)")

    stages: list[tuple[str, float]] = []
    t0 = time.perf_counter()
    run = run_cycle(accounts, inventory, args.period, terms)
    stages.append(("price+compose", time.perf_counter() - t0))
    lines = run.line_count

    t0 = time.perf_counter()
    ledger = new_ledger([a.id for a in accounts])
    for bill in run.bills.values():
        result = ledger.post(bill_transfer(bill))
        assert not isinstance(result, LedgerError), result
    assert ledger.trial_balance().balanced
    stages.append(("ledger", time.perf_counter() - t0))

    cluster = None
    if not args.no_store:
        with tempfile.TemporaryDirectory() as tmp:
            write, cluster = _store_writer("postgres" if args.postgres else "sqlite", Path(tmp))
            if write is None:
                print(f"store      skipped ({cluster})")
                cluster = None
            else:
                t0 = time.perf_counter()
                write(run)
                stages.append((f"store:{'postgres' if args.postgres else 'sqlite'}", time.perf_counter() - t0))
            if cluster is not None:
                cluster.stop()

    total = sum(s for _, s in stages)
    for name, seconds in stages:
        print(f"{name:<14} {lines / seconds:>12,.0f} lines/s  {seconds:6.2f} s")
    print(
        f"{'end to end':<14} {lines / total:>12,.0f} lines/s  {total:6.2f} s  ({lines:,} lines, {len(run.bills)} bills, {run.rejected_inventory.num_rows:,} rejected)"
    )
    print(f"peak memory    {_peak_mib():>12,.0f} MiB")


if __name__ == "__main__":
    main()
