"""Benchmark: posting 1,000,000 ledger legs (billing ledger, III.9 bill cycle volume).

Three shapes of the same million legs, each into a fresh in-memory ledger:
  one-bill    one transfer of 1,000,000 legs (a bill's lines, one receivable leg)
  bills       1,000 bills of 1,000 legs each (a cycle of many billing accounts' bills)
  pairs       500,000 two-leg transfers through post_many (worst case: per-transfer cost)
Input building is timed apart from posting; then an identical re-post (idempotent no-op),
the trial balance and the state digest are timed. Prints numbers; asserts only behaviour.

    .venv/bin/python bench/ledger_post.py [LEGS]
"""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from icaops.billing.ledger import Chart, Kind, Ledger, LedgerError, Legs, Ref, Transfer

CHART = {
    "receivable": "debit",
    "cash": "debit",
    "credits": "debit",
    "disputes:pending": "debit",
    "revenue:*": "credit",
    "taxes_payable:*": "credit",
    "surcharges_payable:*": "credit",
    "deposits_held": "credit",
}
CREDIT_ACCOUNTS = (
    "revenue:recurring",
    "revenue:nonrecurring",
    "revenue:usage",
    "taxes_payable:ID",
    "surcharges_payable:e911",
)
POSTED_AT = datetime(2012, 8, 1, 6, 0, tzinfo=UTC)
BILL_DATE = date(2012, 7, 31)


def bill(key: str, ban: str, lines: int, rng: random.Random) -> Transfer:
    """One bill as one transfer: `lines` credit legs and one receivable debit."""
    cents = [rng.randint(1, 999_999) for _ in range(lines)]
    amounts = tuple(Decimal(-c).scaleb(-2) for c in cents)
    accounts = tuple(CREDIT_ACCOUNTS[i % len(CREDIT_ACCOUNTS)] for i in range(lines))
    line_ids = tuple(f"{key}/L{i}" for i in range(lines))
    legs = Legs(("receivable", *accounts), (Decimal(sum(cents)).scaleb(-2), *amounts), ("", *line_ids))
    return Transfer(key, ban, Kind.BILL_LINE, BILL_DATE, POSTED_AT, "USD", legs, "III.9.2", (Ref("bill", key),))


def pair(n: int, rng: random.Random) -> Transfer:
    """A two-leg bill line."""
    amount = Decimal(rng.randint(1, 999_999)).scaleb(-2)
    legs = Legs(("receivable", "revenue:usage"), (amount, -amount), ("", f"L{n}"))
    return Transfer(
        f"line-{n}",
        f"BAN{n % 1000}",
        Kind.BILL_LINE,
        BILL_DATE,
        POSTED_AT,
        "USD",
        legs,
        "III.9.2",
        (Ref("bill", f"B{n % 1000}"),),
    )


def shapes(legs_total: int) -> dict[str, list[Transfer]]:
    rng = random.Random(2012)
    per_bill = 1000
    return {
        "one-bill": [bill("B-all", "BAN0", legs_total - 1, rng)],
        "bills": [bill(f"B{b}", f"BAN{b}", per_bill - 1, rng) for b in range(legs_total // per_bill)],
        "pairs": [pair(n, rng) for n in range(legs_total // 2)],
    }


def timed(fn):
    """Run fn once; return its result and the seconds it took."""
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def run(name: str, transfers: list[Transfer], chart: Chart) -> None:
    """Post one shape into a fresh ledger and print its timings."""
    ledger = Ledger({t.billing_account: chart for t in transfers}, currency="USD", scale=2)
    results, post_s = timed(lambda: ledger.post_many(transfers))
    assert not any(isinstance(r, LedgerError) for r in results), results[:3]
    _, again_s = timed(lambda: ledger.post_many(transfers))
    assert len(ledger.transfers()) == len(transfers)
    trial, trial_s = timed(ledger.trial_balance)
    assert trial.balanced
    _, digest_s = timed(lambda: ledger.state().digest())
    legs = sum(len(t.legs) for t in transfers)
    print(
        f"{name:9} {len(transfers):>8,} transfers {legs:>10,} legs: "
        f"post {post_s:6.2f}s ({legs / post_s:>10,.0f} legs/s)  "
        f"re-post {again_s:5.2f}s  trial balance {trial_s:5.2f}s  digest {digest_s:5.2f}s"
    )


def main() -> None:
    legs_total = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    chart = Chart.parse(CHART)
    assert not isinstance(chart, LedgerError), chart
    built, build_s = timed(lambda: shapes(legs_total))
    print(f"built inputs for {legs_total:,} legs x 3 shapes in {build_s:.2f}s (not counted)")
    for name, transfers in built.items():
        run(name, transfers, chart)


if __name__ == "__main__":
    main()
