"""A month of activity for the reference CLEC: the demo's event log (seeded, deterministic).

The CLEC's account is set up on the Effective Date; its first orders go in on the first day
the ordering gate of III.35.2 allows (computed, not typed), moving a synthetic inventory to
resale as-is, followed by a month of ordinary activity: new connects, record searches,
dispatches, directory requests, an unauthorized change switched back, usage. The first
cycle closes; then a dispute, a late partial payment and the ILEC's suspension notice, so
that the account status has something to explain. Amounts and dates of the charges come
from the terms when the log is billed; the log itself holds only what happened.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np

from ..billing.cycle import cycle_for
from ..billing.model import Bill
from ..calendar.deadlines import Deadlines
from ..terms.loader import Agreement
from .inventory import resale_inventory

__all__ = ["REFERENCE_ACCOUNT", "after_the_bill", "reference_month"]

REFERENCE_ACCOUNT = "GRANITE"
_DISCOUNT_ATTRIBUTES = (
    "volume_term_discount",
    "promotion_days",
    "customer_specific_pricing",
    "os_da",
    "special_access",
    "cocot",
    "own_use",
    "grandfathered",
)


def _service_added(row: dict[str, Any], day: dt.date, seq: int) -> dict[str, Any]:
    event = {
        "id": f"S{seq:05d}",
        "date": day,
        "type": "service.added",
        "account": row["account_id"],
        "wtn": row["wtn"],
        "usoc": row["usoc"],
        "class_of_service": row["class_of_service"],
        "retail_mrc": str(row["retail_mrc"].normalize()),
    }
    for key in _DISCOUNT_ATTRIBUTES:
        value = row.get(key)
        if value not in (None, False, 0):
            event[key] = str(value) if isinstance(value, Decimal) else value
    return event


def reference_month(agreement: Agreement, lines: int = 3000, seed: int = 2012) -> tuple[str, list[dict[str, Any]]]:
    """The period of the first cycle with activity, and the demo log up to its close as raw
    event mappings (the scenario-file shape), in date order. Closing the cycle is the
    caller's (`icaops bill run`)."""
    terms = agreement.terms
    dl = Deadlines(terms)
    rng = np.random.default_rng(seed)
    account = REFERENCE_ACCOUNT
    setup = terms.lifecycle.effective_date.value
    first_order = dl.ordering_allowed_from(setup).value
    # The first cycle with at least a week of activity in it.
    month = first_order.replace(day=1)
    while (cycle := cycle_for(account, f"{month:%Y-%m}", 3, dl)).close < first_order + dt.timedelta(days=7):
        month = (month + dt.timedelta(days=32)).replace(day=1)
    days = (cycle.close - first_order).days

    log: list[dict[str, Any]] = [
        {
            "id": "open",
            "date": setup,
            "type": "billing.account_opened",
            "account": account,
            "name": agreement.manifest["parties"]["clec"]["name"],
            "cycle_close_day": 3,
            # The CLEC Profile (III.13.1) and the certificate (III.8.4) an LSR's gate checks.
            "ocn": "1234",
            "company_code": "GRNT",
            "ccna": "GRN",
            "certificate_on_file": True,
        },
        {"id": "setup", "date": setup, "type": "account.setup_completed"},
    ]
    inventory = resale_inventory(
        lines, [account], seed=seed, cycle_start=cycle.start, cycle_close=cycle.close
    ).to_pylist()
    # Existing retail customers move to resale as-is on the first ordering day, one LSR per
    # end user (a business end user has several lines); a few lines connect later in the month.
    end_user = 0
    for i, row in enumerate(inventory):
        late = rng.random() < 0.03
        day = first_order + dt.timedelta(days=int(rng.integers(1, days))) if late else first_order
        if late or i == 0 or rng.random() < 0.08:
            end_user += 1
            log.append(
                {
                    "id": f"O{end_user:04d}",
                    "date": day,
                    "type": "order.submitted",
                    "account": account,
                    "channel": "manual" if rng.random() < 0.15 else "electronic",
                    "variant": "standard",
                    "as_is": not late,
                }
            )
        log.append(_service_added(row, day, i))
    activity_days = [first_order + dt.timedelta(days=int(d)) for d in rng.integers(0, days + 1, 40)]
    for n, day in enumerate(activity_days[:30]):
        log.append(
            {"id": f"CSR{n:03d}", "date": day, "type": "csr.searched", "account": account, "channel": "electronic"}
        )
    log += [
        {"id": "TRIP1", "date": activity_days[30], "type": "trip.dispatched", "account": account},
        {"id": "TRIP2", "date": activity_days[31], "type": "trip.dispatched", "account": account},
        {"id": "DSR1", "date": activity_days[32], "type": "dsr.submitted", "account": account, "standalone": True},
        {"id": "DSR2", "date": activity_days[33], "type": "dsr.submitted", "account": account, "standalone": True},
        {
            "id": "UC1",
            "date": activity_days[34],
            "type": "unauthorized_change.switched_back",
            "account": account,
            "lines": 2,
        },
        {"id": "SUSP1", "date": activity_days[35], "type": "service.suspended", "account": account, "lines": 3},
        {"id": "REST1", "date": activity_days[36], "type": "service.restored", "account": account, "lines": 3},
        {"id": "USAGE", "date": cycle.close, "type": "usage.messages", "account": account, "count": int(lines * 37)},
    ]
    return cycle.period, sorted(log, key=lambda e: e["date"])


def after_the_bill(
    bill: Bill, dl: Deadlines, dispute_code: str = "trip_charge", paid_share: Decimal = Decimal("0.6")
) -> list[dict[str, Any]]:
    """What follows the first bill in the demo: the CLEC disputes its `dispute_code` lines
    before the Bill Due Date (III.9.4), pays a share of the rest twelve days late (III.9.3),
    and the ILEC gives personal notice that order processing may stop (III.9.5.1)."""
    due = bill.cycle.due_date.value
    disputed = [l for l in bill.lines if l.code == dispute_code]
    events: list[dict[str, Any]] = []
    if disputed:
        events.append(
            {
                "id": "D1",
                "date": due - dt.timedelta(days=5),
                "type": "billing_dispute.filed",
                "account": bill.account.id,
                "bill": bill.id,
                "items": [
                    {"line": l.line_id, "amount": str(l.amount), "reason": "no trouble found; dispatch not requested"}
                    for l in disputed
                ],
            }
        )
    undisputed = bill.total - sum((l.amount for l in disputed), Decimal("0.00"))
    events += [
        {
            "id": "P1",
            "date": due + dt.timedelta(days=12),
            "type": "payment.received",
            "account": bill.account.id,
            "amount": str((undisputed * paid_share).quantize(Decimal("0.01"))),
        },
        {
            "id": "N1",
            "date": due + dt.timedelta(days=14),
            "type": "notice.given",
            "kind": "suspension",
            "method": "personal",
            "by": "ilec",
        },
    ]
    return events
