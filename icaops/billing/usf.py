"""The FUSC exemption (III.9.6): a USF certification lasts until its renewal is due.

III.9.6.2 has Granite renew the certification "no later than February 1 of each calendar
year". A certification on file therefore covers bills dated up to the next renewal deadline
(the certification for 2016 covers through 2017-02-01), so a January bill is exempt on the
strength of the previous year's certification while the renewal is not yet due. A renewal
missed by its deadline ends the exemption: bills dated after it bear the FUSC until a renewal
is filed, which covers bills dated from its filing on (reading usf-certification).
"""

from __future__ import annotations

import datetime as dt

from ..calendar.deadlines import Deadlines
from ..explain import Explained, Step
from .model import Account

__all__ = ["fusc_exemption"]


def fusc_exemption(account: Account, bill_date: dt.date, dl: Deadlines) -> Explained[bool]:
    """Is a bill dated `bill_date` exempt from the FUSC? `account` holds the certifications on file by then."""
    covers = {year: dl.usf_certification_due(year + 1) for year in account.usf_certified_years}
    covering = [year for year, until in covers.items() if bill_date <= until.value]
    fusc = dl.terms.billing.fusc_applies_without_certification.clause
    if covering:
        year = max(covering)
        until = covers[year]
        return Explained(
            True,
            until.steps
            + (
                Step(
                    f"the USF certification for {year} is on file and lasts until its renewal is due, {until.value.isoformat()}: the bill dated {bill_date.isoformat()} is exempt from the FUSC (reading usf-certification)",
                    until.clauses[0],
                ),
            ),
        )
    if covers:
        year = max(covers)
        until = covers[year]
        return Explained(
            False,
            until.steps
            + (
                Step(
                    f"the USF certification for {year} lasted until {until.value.isoformat()}; its renewal was not on file by the bill date {bill_date.isoformat()}: FUSC assessed until a renewal is filed (a late renewal is not retroactive; reading usf-certification)",
                    fusc,
                ),
            ),
        )
    return Explained(False, (Step(f"no USF certification on file on {bill_date.isoformat()}: FUSC assessed", fusc),))
