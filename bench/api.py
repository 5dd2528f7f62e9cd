"""Benchmark: the gateway's order submissions and reads over HTTP, on PostgreSQL, with two
uvicorn workers, against a relationship log that already holds ~1,000,000 events of 50 CLECs.

Loopback only; bounded by --orders and --seconds. Prints orders/s, latency percentiles of
submissions and of reads, and the size of the log. Target on a 2-core machine (issue 12 §4):
at least 500 orders/s with p99 under 100 ms, and reads under 20 ms p99. Nothing is asserted.

    .venv/bin/python bench/api.py [--events 1000000] [--clecs 50] [--orders 6000] [--seconds 60]
                                  [--clients 16] [--workers 2]

The log is seeded in-process (the same handlers and projections the API uses, appended in
large transactions), then the server is started and measured from outside.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from sqlalchemy import func, select

from icaops.app.agreements import DEFAULT_AGREEMENT, open_agreement
from icaops.app.gateway.actions import EVERY_TENANT
from icaops.app.gateway.domains import SPECS, Context
from icaops.app.gateway.projection import Rows, apply, rebuild
from icaops.app.identity import create_organisation, create_user, issue_token
from icaops.calendar.deadlines import Deadlines
from icaops.orders.model import Standing
from icaops.relationship.events import Event
from icaops.relationship.lifecycle import Lifecycle
from icaops.store import make_engine, migrate, writing
from icaops.store.chain import EVENTS, lock_head
from icaops.store.events import append_events
from icaops.store.models import EventRow
from icaops.store.projections import Head, save_head
from tests.support.pgtemp import TempCluster

PASSWORD = "bench password 1234"
START = dt.date(2013, 1, 2)


def _lsr(account: str, pon: str, ccna: str, ddd: dt.date) -> dict[str, Any]:
    return {
        "account": account, "pon": pon, "ccna": ccna, "act": "N", "entity": "centurytel_of_idaho",
        "end_user": f"End user {pon}", "address": "12 Main St, Boise ID", "ddd": ddd.isoformat(),
        "class_of_service": "business", "end_user_class": "business", "usoc": "1FB", "retail_mrc": "40.00",
    }  # fmt: skip


def _event(eid: str, day: dt.date, etype: str, seq: int, **data: Any) -> Event:
    return Event(eid, day, etype, tuple(data.items()), seq)


def seed(engine: Any, agreement: Any, clecs: int, events: int) -> dict[str, str]:
    """Organisations, users and tokens, and ~`events` events of order history over `clecs` CLECs."""
    now = dt.datetime.now(dt.UTC)
    create_organisation(engine, "CTL", "ilec", "CenturyLink", now=now)
    ops = create_user(engine, "CTL", "ops@ctl.example", "ops", "ilec_operations", PASSWORD, now=now)
    tokens = {"ops": issue_token(engine, ops.id, "bench", None, None, now)[0]}
    terms = agreement.terms
    ctx = Context(terms, Deadlines(terms), Lifecycle(setup_completed_on=dt.date(2012, 7, 2)), lambda a, d: Standing(
        a, certificate_on_file=True, profile={"ocn": "1234", "cc": "GRNT", "ccna": "GRN"}
    ))  # fmt: skip
    seq = 1
    with writing(engine) as conn:
        lock_head(conn, EVENTS)
        append_events(conn, [_event("setup", dt.date(2012, 7, 2), "account.setup_completed", seq)], tenant="REL")
        rebuild(conn, SPECS["relationship"], EVERY_TENANT, None, lambda e: ctx)
    per_clec = events // clecs
    for c in range(clecs):
        account, org = f"C{c:03d}", f"CLEC{c:03d}"
        create_organisation(engine, org, "clec", f"CLEC {c}", ocn="1234", ccna="GRN", accounts=[account], now=now)
        user = create_user(engine, org, f"user@{org.lower()}.example", "user", "clec_user", PASSWORD, now=now)
        tokens[account] = issue_token(engine, user.id, "bench", None, None, now)[0]
        log = [_event(f"open-{account}", dt.date(2012, 7, 2), "billing.account_opened", seq, account=account,
                      ocn="1234", company_code="GRNT", ccna="GRN", certificate_on_file=True)]  # fmt: skip
        with writing(engine) as conn:
            lock_head(conn, EVENTS)
            rows = Rows(conn, SPECS["orders"], account, fresh=True)
            n = 0
            while len(log) < per_clec:
                day = START + dt.timedelta(days=n // 4)
                pon = f"S{n:06d}"
                wtn = f"208{c:03d}{n % 10000:04d}"
                seq += 1
                steps = [
                    _event(
                        f"{pon}:s", day, "lsr.submitted", seq, **_lsr(account, pon, "GRN", day + dt.timedelta(days=10))
                    ),
                    _event(f"{pon}:f", day, "lsr.confirmed", seq + 1, pon=pon),
                    _event(f"{pon}:c", day, "lsr.completed", seq + 2, pon=pon, wtns=[wtn]),
                ]
                seq += 3
                for e in steps:
                    step = apply(rows, e, ctx)
                    log.append(e)
                    for derived in step.emitted:
                        seq += 1
                        d = Event(derived.id, derived.date, derived.type, derived.data, seq)
                        if d.type in SPECS["orders"].handles:
                            apply(rows, d, ctx)
                        log.append(d)
                n += 1
            log.sort(key=lambda e: (e.date, e.seq))
            append_events(conn, log, tenant=account, source="bench seed")
            through = int(conn.execute(select(func.max(EventRow.chain_seq))).scalar() or 0)
            rows.flush(through)
            save_head(conn, "orders", account, Head(through, log[-1].date, SPECS["orders"].version))
        print(f"  seeded {account}: {len(log):,} events", flush=True)
    return tokens


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _percentiles(samples: list[float]) -> str:
    if not samples:
        return "no samples"
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
    return f"p50 {pick(0.50):.1f} ms, p95 {pick(0.95):.1f} ms, p99 {pick(0.99):.1f} ms, max {ordered[-1] * 1000:.1f} ms"


_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_of(pid: str) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICK


def cpu_seconds(root: int) -> float:
    """CPU time (user + system) used so far by process `root` and its descendants."""
    total, todo = 0.0, [str(root)]
    while todo:
        pid = todo.pop()
        try:
            total += _cpu_of(pid)
            for task in Path(f"/proc/{pid}/task").glob("*/children"):
                todo.extend(task.read_text().split())
        except OSError:
            continue
    return total


def load(
    base: str, tokens: dict[str, str], orders: int, seconds: float, clients: int, server: int, database: int
) -> None:
    """Submit orders from `clients` threads over the CLECs, then read orders back; print figures,
    with the CPU time each order took in the server, in PostgreSQL and in this client."""
    accounts = [a for a in tokens if a != "ops"]
    submitted: list[tuple[str, str]] = []
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    counter = iter(range(orders))
    deadline = time.monotonic() + seconds
    ddd = (dt.date.today() + dt.timedelta(days=30)).isoformat()

    def submitter(worker: int) -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            while time.monotonic() < deadline:
                with lock:
                    n = next(counter, None)
                if n is None:
                    return
                account = accounts[n % len(accounts)]
                body = _lsr(account, f"B{n:07d}", "GRN", dt.date.fromisoformat(ddd))
                headers = {"Authorization": f"Bearer {tokens[account]}", "Idempotency-Key": f"bench-{n}"}
                t0 = time.perf_counter()
                r = client.post("/productOrder", json=body, headers=headers)
                took = time.perf_counter() - t0
                with lock:
                    latencies.append(took)
                    if r.status_code == 201:
                        submitted.append((account, body["pon"]))
                    else:
                        failures.append(f"{r.status_code} {r.text[:200]}")

    cpu0 = (cpu_seconds(server), cpu_seconds(database), time.process_time())
    t0 = time.perf_counter()
    threads = [threading.Thread(target=submitter, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    print(f"orders: {len(submitted):,} accepted in {elapsed:.1f} s = {len(submitted) / elapsed:,.0f} orders/s "
          f"({clients} clients); {_percentiles(latencies)}; {len(failures)} failed")  # fmt: skip
    if submitted:
        cpu = (cpu_seconds(server), cpu_seconds(database), time.process_time())
        used = ((b - a) * 1000 / len(latencies) for a, b in zip(cpu0, cpu, strict=True))
        print("  CPU per order: server {:.1f} ms, PostgreSQL {:.1f} ms, this client {:.1f} ms".format(*used))
    for f in failures[:3]:
        print(f"  failure: {f}")
    reads: list[float] = []
    sample = random.Random(7).sample(submitted, min(2000, len(submitted)))

    def reader(part: list[tuple[str, str]]) -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            for account, pon in part:
                t = time.perf_counter()
                r = client.get(f"/productOrder/{account}/{pon}", headers={"Authorization": f"Bearer {tokens[account]}"})
                took = time.perf_counter() - t
                assert r.status_code == 200, r.text
                with lock:
                    reads.append(took)

    parts = [sample[i::4] for i in range(4)]
    rthreads = [threading.Thread(target=reader, args=(p,)) for p in parts]
    r0 = time.perf_counter()
    for t in rthreads:
        t.start()
    for t in rthreads:
        t.join()
    print(f"order reads: {len(reads):,} in {time.perf_counter() - r0:.1f} s; {_percentiles(reads)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--clecs", type=int, default=50)
    parser.add_argument("--orders", type=int, default=6000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="icaops-bench-api-") as tmp:
        cluster = TempCluster(Path(tmp) / "pg", durable=True).start()
        try:
            engine = make_engine(cluster.url)
            migrate(engine)
            agreement = open_agreement(DEFAULT_AGREEMENT)
            t0 = time.perf_counter()
            tokens = seed(engine, agreement, args.clecs, args.events)
            with engine.connect() as conn:
                size = conn.execute(select(func.count()).select_from(EventRow)).scalar()
            print(f"log: {size:,} events over {args.clecs} CLECs, seeded in {time.perf_counter() - t0:.0f} s")
            engine.dispose()
            port = _free_port()
            postmaster = int((cluster.data_dir / "postmaster.pid").read_text().split()[0])
            env = {**os.environ, "ICAOPS_DATABASE_URL": cluster.url, "ICAOPS_AGREEMENT": DEFAULT_AGREEMENT}
            server = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "icaops.api.app:from_environment", "--factory", "--host",
                 "127.0.0.1", "--port", str(port), "--workers", str(args.workers), "--log-level", "warning"],
                env=env,
            )  # fmt: skip
            base = f"http://127.0.0.1:{port}"
            try:
                for _ in range(300):
                    try:
                        if httpx.get(f"{base}/openapi.json", timeout=1).status_code == 200:
                            break
                    except httpx.HTTPError:
                        time.sleep(0.2)
                w0 = time.perf_counter()
                # warm-up: one order per CLEC (its standing kept)
                load(base, tokens, len(tokens) - 1, 600, 4, server.pid, postmaster)
                print(f"warm-up: one order per CLEC in {time.perf_counter() - w0:.1f} s")
                load(base, tokens, args.orders, args.seconds, args.clients, server.pid, postmaster)
            finally:
                server.terminate()
                server.wait(30)
        finally:
            cluster.stop()


if __name__ == "__main__":
    main()
