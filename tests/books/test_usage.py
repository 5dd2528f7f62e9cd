"""Message counts from usage become per-message charges on the right account (VI.9, VIII)."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from icaops.billing.inventory import inventory_table
from icaops.billing.usage import usage_events

D = dt.date


def _counts(rows):
    return pa.table(
        {
            "billing_number": [r[0] for r in rows],
            "message_type": ["01"] * len(rows),
            "call_date": pa.array([r[1] for r in rows], pa.date32()),
            "messages": [r[2] for r in rows],
        }
    )


def _inventory():
    return inventory_table(
        [
            {
                "line_id": "2083450001",
                "account_id": "A",
                "wtn": "2083450001",
                "retail_mrc": "18.50",
                "start_date": D(2013, 1, 1),
            },
            {
                "line_id": "2083450002",
                "account_id": "A",
                "wtn": "2083450002",
                "retail_mrc": "18.50",
                "start_date": D(2013, 1, 1),
                "end_date": D(2013, 2, 14),
            },
            {
                "line_id": "2083450003",
                "account_id": "B",
                "wtn": "2083450003",
                "retail_mrc": "18.50",
                "start_date": D(2013, 1, 1),
            },
        ]
    )


def test_counts_go_to_the_account_of_the_line_on_the_call_date():
    """VIII per-message charge: each day's messages of an account's resold lines, summed."""
    counts = _counts(
        [
            ("2083450001", D(2013, 2, 14), 5),
            ("2083450001", D(2013, 2, 14), 2),
            ("2083450002", D(2013, 2, 14), 3),
            ("2083450003", D(2013, 2, 14), 7),
            ("2083450001", D(2013, 2, 15), 1),
        ]
    )
    events, unmatched = usage_events(counts, _inventory(), "DUF-20130215")
    got = [(e["account"], e["date"], e["count"]) for e in events]
    assert got == [("A", D(2013, 2, 14), 10), ("B", D(2013, 2, 14), 7), ("A", D(2013, 2, 15), 1)]
    assert events[0]["id"] == "usage:DUF-20130215:A:2013-02-14"
    assert unmatched.num_rows == 0


def test_a_number_not_resold_that_day_is_kept_apart_with_its_reason():
    """A line disconnected the day before is not billed for the day's messages (VI.9)."""
    counts = _counts([("2083450002", D(2013, 2, 15), 4), ("2089999999", D(2013, 2, 15), 1)])
    events, unmatched = usage_events(counts, _inventory(), "x")
    assert events == []
    assert unmatched.column("reason").to_pylist() == ["not a resold line of any account on the call date"] * 2
