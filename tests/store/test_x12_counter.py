"""X12 control numbers from the store (VI.10.1.2, docs/x12-811.md): two files never share ISA13, on both databases."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import x12

from icaops.billing.outputs import default_envelope, render_811
from icaops.store.x12 import next_control_number
from tests.billing_outputs.helpers import agreement, small_bill


def _isa13(text: str) -> bytes:
    return x12.parse_x12_interchange(x12.tokenize_x12(text.encode("ascii"))).control_number


def test_two_files_get_distinct_isa13(engine):
    """VI.10.1.2: each 811 interchange takes the next number of the persistent counter; none is given twice."""
    bill = small_bill()
    files = [
        render_811(bill, agreement(), default_envelope(bill, agreement(), next_control_number(engine)))
        for _ in range(2)
    ]
    assert [_isa13(f) for f in files] == [b"000000001", b"000000002"]


def test_concurrent_writers_never_share_a_number(engine):
    """Numbers are taken under a row lock: twenty concurrent takers get twenty distinct numbers."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        numbers = list(pool.map(lambda _: next_control_number(engine), range(20)))
    assert sorted(numbers) == list(range(1, 21))
