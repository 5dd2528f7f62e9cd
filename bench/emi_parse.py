"""Benchmark: EMI Daily Usage File parsing throughput and peak memory (VI.9.1.2).

Generates N synthetic EMI records (one pack) to a temporary file, then parses it in a fresh
child process with the streaming reader -- framing, vectorised validation, canonical
columns, UTC times, record identities -- and prints records/s and the child's peak RSS.

    .venv/bin/python bench/emi_parse.py [N] [--repeat R] [--threads T] [--chunk-records K]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from icaops.traffic.emi import EmiWriter, PackInfo, ReadOptions, read_emi
from icaops.traffic.emi.fields import FRAME_LENGTH
from icaops.traffic.emi.synth import synthetic_batch


def _status_mb(key: str) -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(key):
                return int(line.split()[1]) / 1024
    return float("nan")


def generate(path: Path, n: int, batch: int = 250_000) -> None:
    """Write ``n`` synthetic records as one pack."""
    with EmiWriter(path, PackInfo(dt.date(2024, 3, 4), "9740", "1234")) as writer:
        for i, lo in enumerate(range(0, n, batch)):
            writer.write(synthetic_batch(min(batch, n - lo), seed=i))


def parse(path: str, repeat: int, threads: int, chunk_records: int) -> None:
    """Parse ``path`` ``repeat`` times; print one line per run, then peak memory."""
    opts = ReadOptions(chunk_bytes=chunk_records * FRAME_LENGTH, threads=threads)
    print(f"RSS before parsing: {_status_mb('VmRSS:'):,.0f} MB")
    rates = []
    for run in range(1, repeat + 1):
        started = time.perf_counter()
        good = bad = 0
        for chunk in read_emi(path, opts):
            good += chunk.records.num_rows
            bad += chunk.quarantine.num_rows
        seconds = time.perf_counter() - started
        rates.append(good / seconds)
        print(f"run {run}: {good:,} records ({bad:,} quarantined) in {seconds:.2f} s = {good / seconds:,.0f} records/s")
    print(f"best {max(rates):,.0f} records/s, median {sorted(rates)[len(rates) // 2]:,.0f} records/s")
    print(
        f"peak RSS of the parsing process: {_status_mb('VmHWM:'):,.0f} MB "
        f"(read chunk {chunk_records:,} records, {threads} decode threads)"
    )


def main() -> None:
    """Generate, then parse in a child process, and print the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--chunk-records", type=int, default=65536)
    parser.add_argument("--parse-only", metavar="FILE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.parse_only:
        parse(args.parse_only, args.repeat, args.threads, args.chunk_records)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.emi"
        started = time.perf_counter()
        generate(path, args.n)
        size = os.path.getsize(path)
        print(f"generated {args.n:,} records ({size / 1e6:,.1f} MB) in {time.perf_counter() - started:.1f} s")
        print(f"load average before parsing: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--parse-only",
                str(path),
                "--repeat",
                str(args.repeat),
                "--threads",
                str(args.threads),
                "--chunk-records",
                str(args.chunk_records),
            ],
            check=True,
        )


if __name__ == "__main__":
    main()
