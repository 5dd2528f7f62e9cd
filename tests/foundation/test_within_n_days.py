""" "Within N days" includes the N-th day; a right that needs the period to have passed arises the day after.

One reading (docs/interpretations.md#within-n-days) for every such period of the agreement:
III.2.6, III.6, III.6.7, III.7.1.8, III.20.2 and the others the test below finds in the terms.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from icaops.calendar.deadlines import Deadlines

D = dt.date

# "within thirty (30) calendar days", "within 30 days", "within forty-five (45) ...",
# "within three (3) Business Days", "no activity within thirty-one (31) consecutive calendar days"
WITHIN_DAYS = re.compile(
    r"\bwithin\b[^.]*?\(?\d+\)?\s+(?:consecutive\s+)?(?:calendar\s+|business\s+)?days", re.IGNORECASE
)


@pytest.fixture(scope="module")
def dl(terms):
    return Deadlines(terms)


def test_every_within_n_days_deadline_carries_the_one_reading(terms):
    """Each deadline whose clause says "within N days" names the reading within-n-days."""
    found = {name: t for name, t in terms.deadlines.items() if WITHIN_DAYS.search(t.quote)}
    assert {
        "deposit_draw",
        "audit_dispute_referral",
        "dispute_remedies",
        "default_cure",
        "deposit_provide",
        "nonpayment_default",
    } <= set(found)
    wrong = {name: t.interpretation for name, t in found.items() if t.interpretation != "within-n-days"}
    assert not wrong, f"'within N days' deadlines without interpretation within-n-days: {wrong}"
    for name, t in found.items():
        assert t.value.label.startswith(("last", "Bill Due Date")), (
            f"{name}: the rule gives the last day of the period, its label should say so"
        )


def test_iii_6_7_deposit_draw_from_the_31st_day(dl):
    """III.6.7: "not paid within thirty (30) calendar days of the date that payment ... is required"."""
    draw = dl.deposit_draw_from(D(2012, 9, 4))
    assert draw.value == D(2012, 10, 5)  # 09-04 + 30 = 10-04 is still within the 30 days
    assert "III.6.7" in draw.clauses and "within-n-days" in draw.render()


def test_iii_7_1_8_audit_dispute_to_dispute_resolution_the_day_after(dl):
    """III.7.1.8: "If these individuals cannot resolve the dispute within thirty (30) calendar days of the referral"."""
    assert dl.rule("audit_dispute_referral", D(2018, 3, 1)).value == D(2018, 3, 31)
    first = dl.audit_dispute_resolution_from(D(2018, 3, 1))
    assert first.value == D(2018, 4, 1)
    assert first.clauses == ("III.7.1.8",)


def test_iii_20_2_and_iii_6_7_use_the_same_day_after(dl):
    """III.20.2 "unable to resolve the dispute within 30 days" and III.6.7 count alike from the same day."""
    start = D(2024, 1, 31)
    assert (
        dl.day_after("dispute_remedies", start, "remedies").value == dl.deposit_draw_from(start).value == D(2024, 3, 2)
    )
