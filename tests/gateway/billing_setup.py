"""A billed account for the bill and dispute tests: GRANITE's March 2013 cycle, closed through
the API by CenturyLink's billing.

Cycle 2013-03 of GRANITE (close day 3): service 2013-02-04 to 2013-03-03 (28 days), Bill Date
Monday 2013-03-04 (II.2.8), Bill Due Date + 30 = Wednesday 2013-04-03 (III.9.2). Line
2085550100 (1FB, retail $40.00) from 2013-02-10, 22 of 28 days: 40.00 x 0.8414 x 22/28 =
26.4440 -> $26.44 (IV.3.1.1). The first order (electronic): Account Establishment $224.07 and
an electronic service order $8.67 (VIII). No USF certification: FUSC 17.40 % x (26.44 +
232.74) = 45.09732 -> $45.10 (III.9.6). Total 26.44 + 232.74 + 45.10 = $304.28.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .conftest import Gateway

BILL = "GRANITE:2013-03"
AE_LINE = f"{BILL}:nrc:O1:account_establishment"
SO_LINE = f"{BILL}:nrc:O1:service_order_electronic"
FUSC_LINE = f"{BILL}:surcharge:fusc"
WTN_LINE = f"{BILL}:2085550100"

MARCH: list[dict[str, Any]] = [
    {"id": "S1", "date": "2013-02-10", "type": "service.added", "account": "GRANITE", "wtn": "2085550100",
     "usoc": "1FB", "class_of_service": "business", "retail_mrc": "40.00"},
    {"id": "O1", "date": "2013-02-10", "type": "order.submitted", "account": "GRANITE", "channel": "electronic",
     "variant": "standard"},
]  # fmt: skip


def bill_march(gateway: Gateway) -> dict[str, Any]:
    """Load the March activity and close the cycle through the API on 2013-03-04; the bill."""
    gateway.load(MARCH)
    gateway.clock.day(dt.date(2013, 3, 4))
    r = gateway.post("billing", "/customerBill/run", {"account": "GRANITE", "period": "2013-03"})
    assert r.status_code == 201, r.text
    return dict(r.json())


def item(line: str, amount: str, reason: str = "charged in error") -> dict[str, str]:
    """A dispute item."""
    return {"line": line, "amount": amount, "reason": reason}
