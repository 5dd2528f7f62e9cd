"""Benchmark the store alone: write a computed billing cycle in bulk, then post payments.

Prints, for SQLite and for PostgreSQL (a throw-away cluster), the bulk write in lines/s and
payment posts per second (one thread, then 8 threads on 8 accounts), and peak memory.

    .venv/bin/python bench/store_bulk.py [--lines 1000000] [--accounts 200] [--payments 400]
                                         [--sqlite-only | --postgres-only] [--durable]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from icaops.billing.model import Account
from icaops.billing.run import run_cycle
from icaops.relationship.events import event_from_mapping
from icaops.samples.inventory import resale_inventory
from icaops.store import make_engine, migrate
from icaops.store.bulk import store_run
from icaops.store.payments import post_payment
from icaops.terms.loader import load_agreement
from tests.support.pgtemp import TempCluster

THREADS = 8


def _payment(account: str, n: int):
    return event_from_mapping(
        {
            "id": f"{account}-P{n}",
            "date": "2012-09-04",
            "type": "payment.received",
            "account": account,
            "amount": f"{100 + n % 50}.25",
        },
        n,
        "bench",
    )


def _measure(name: str, url: str, run, terms, payments: int) -> None:
    engine = make_engine(url, pool_size=THREADS, max_overflow=0) if url.startswith("postgresql") else make_engine(url)
    migrate(engine)
    t0 = time.perf_counter()
    stored = store_run(engine, run)
    seconds = time.perf_counter() - t0
    print(
        f"{name:<9} bulk write   {stored.lines / seconds:>12,.0f} lines/s  {seconds:6.2f} s  ({stored.lines:,} lines)"
    )

    t0 = time.perf_counter()
    for n in range(payments):
        assert post_payment(engine, _payment("SOLO", n), terms).status == "posted"
    seconds = time.perf_counter() - t0
    print(f"{name:<9} payments x1  {payments / seconds:>12,.0f} posts/s  {seconds:6.2f} s")

    per_thread = max(1, payments // THREADS)

    def poster(i: int) -> None:
        for n in range(per_thread):
            assert post_payment(engine, _payment(f"T{i}", n), terms).status == "posted"

    t0 = time.perf_counter()
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(poster, range(THREADS)))
    seconds = time.perf_counter() - t0
    print(f"{name:<9} payments x{THREADS}  {per_thread * THREADS / seconds:>12,.0f} posts/s  {seconds:6.2f} s")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--payments", type=int, default=400)
    parser.add_argument("--period", default="2012-08")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--postgres-only", action="store_true")
    parser.add_argument("--durable", action="store_true", help="PostgreSQL with fsync on")
    args = parser.parse_args()

    terms = load_agreement("centurylink-granite-id-2012").terms
    accounts = [Account(f"CLEC{i:03d}", f"CLEC {i:03d}", cycle_close_day=3) for i in range(args.accounts)]
    run = run_cycle(accounts, resale_inventory(args.lines, [a.id for a in accounts]), args.period, terms)
    print(f"computed  {run.line_count:,} lines in {len(run.bills)} bills (not timed)")
    with tempfile.TemporaryDirectory() as tmp:
        if not args.postgres_only:
            _measure("sqlite", f"sqlite:///{Path(tmp) / 'bench.sqlite'}", run, terms, args.payments)
        if not args.sqlite_only:
            with TempCluster(Path(tmp) / "pg", durable=args.durable) as cluster:
                _measure("postgres", cluster.url, run, terms, args.payments)
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:>10,.0f} MiB")


if __name__ == "__main__":
    main()
