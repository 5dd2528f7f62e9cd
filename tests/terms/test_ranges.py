"""Every typed term has a valid range; a value outside it is refused at load with key, value and expectation.

Issue 10 §3: a negative late-payment rate, a discount of 150 % or `money.scale -3` were accepted
and produced negative or wrong charges.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from icaops.terms.errors import TermsLoadError
from icaops.terms.loader import load_agreement


def _refused(agreement, key: str, value: object) -> str:
    with pytest.raises(TermsLoadError) as info:
        _ = agreement.with_overrides({key: value}, source="--set").terms
    return str(info.value)


@pytest.mark.parametrize(
    "key, value, expected",
    [
        # III.9.3: "one and one-half (1 ½%) percent per month" — a rate is a fraction from 0 to 1.
        ("billing.late_payment.rate_per_month", "-0.01", r"a rate from 0 to 1 .* \(got '-0\.01'\)"),
        # VIII "Resale Discount 15.86%", IV.3.1.1: a discount of 150 % would make a negative price.
        ("resale.discount_rate", "1.5", r"a rate from 0 to 1 .* \(got '1\.5'\)"),
        ("resale.discount_rate", "150%", r"a rate from 0 to 1 .* \(got '150%'\)"),
        # III.7.1.7: audit interest "at the lesser of one and one-half ... percent per month".
        ("audits.interest_rate_per_month", "2", r"a rate from 0 to 1"),
        # III.9.3 legal maximum (a cap), when entered, is a rate too.
        ("billing.late_payment.legal_max_rate_per_month", "-0.001", r"a rate from 0 to 1"),
        # III.6.2: "$5,000" — money in the terms is never negative.
        ("deposit.minimum_amount", "-5000.00", r"an amount of money of zero or more.* \(got '-5000\.00'\)"),
        # III.9.2 "immediately available U.S. funds": whole cents; 0..6 decimal places.
        ("money.scale", -3, r"a number of decimal places from 0 to 6 \(got -3\)"),
        ("money.scale", 7, r"a number of decimal places from 0 to 6 \(got 7\)"),
        # III.9.4.1: "no later than the second Bill Due Date" — a count from 1.
        ("billing.dispute_credit_by_nth_due_date", 0, r"a count of Bill Due Dates from 1 to 12 \(got 0\)"),
        # III.6.3: "three (3) or more times during a twelve (12) month period".
        ("delinquency.occurrences", 0, r"a number of late payments from 1 to 100"),
        ("delinquency.days_late", -1, r"a number of calendar days from 0 to 365"),
        ("delinquency.window", "999 months", r"a period from 0 to 120 months"),
        # III.6.2: "estimated two-month charges".
        ("deposit.estimated_months", 0, r"a number of months from 1 to 24"),
        # III.9.3 daily rate reading: one of the documented readings only (an enumeration).
        (
            "billing.late_payment.daily_rate_method",
            "monthly_over_31",
            r"'nominal_annual_365', 'monthly_over_30' or 'monthly_over_days_in_month'",
        ),
        # II.2.10: "Central Standard or Daylight Savings time" — an IANA zone.
        ("calendar.timezone", "Central", r"an IANA time zone such as 'America/Chicago' \(got 'Central'\)"),
        # II.2.10: "8 am to 5 pm" — the start of business hours is before their end.
        (
            "calendar.business_hours",
            {"start": "17:00", "end": "08:00"},
            r"business hours whose start is before their end",
        ),
        # III.9.6.2: "no later than February 1 of each calendar year" — a real month and day.
        ("billing.usf_certification_due", "02-30", r"a month and day written MM-DD"),
        # III.34.1: "three (3) Business Days after mailing" — a period of zero or more.
        (
            "notices.methods.first_class_mail",
            {"label": "mail", "received": "after_mailing", "after": "-3 business days"},
            r"a period such as",
        ),
        # CPA.8 operational thresholds: ratios are fractions, a rate per second is above zero.
        (
            "carrier_partner.dos_thresholds",
            {
                "window_seconds": 60,
                "max_attempts_per_second": "0",
                "short_call_seconds": 6,
                "max_short_call_ratio": "1.2",
                "min_answer_seizure_ratio": "0.15",
                "min_attempts_in_window": 600,
            },
            r"max_attempts_per_second: expected a number of events per second above zero[\s\S]*max_short_call_ratio: expected a rate from 0 to 1",
        ),
    ],
)
def test_out_of_range_override_is_refused(agreement, key, value, expected):
    """An override outside the range is refused: `source: key: expected …`, naming the value given."""
    message = _refused(agreement, key, value)
    assert message.startswith(f"--set: {key}"), message
    assert re.search(expected, message), message


def test_boundaries_are_accepted(agreement):
    """0 and 1 are rates (no charge, 100 %); 0 and 6 decimal places are scales (III.9.3, VIII, III.9.2)."""
    changed = agreement.with_overrides(
        {"billing.late_payment.rate_per_month": "0", "resale.discount_rate": "100%", "money.scale": 6}
    )
    assert changed.terms.billing.late_payment.rate_per_month.value == 0
    assert changed.terms.resale.discount_rate.value == Decimal(1)
    assert changed.terms.money.scale.value == 6


def test_negative_price_in_a_terms_file_names_file_and_line(agreement_copy):
    """VIII: a price is zero or more; a negative one in prices.yaml is refused with its file and line."""
    path = agreement_copy / "terms" / "prices.yaml"
    path.write_text(path.read_text().replace('amount: "27.16"', 'amount: "-27.16"', 1))
    with pytest.raises(TermsLoadError) as info:
        load_agreement(agreement_copy)
    assert re.search(
        r"prices\.yaml:\d+: prices\.trip_charge\.value\.amount: expected an amount of money of zero or more",
        str(info.value),
    )


def test_fusc_rows_must_be_in_date_order(agreement):
    """III.9.6: a dated table of factors is in date order, one row per date."""
    fusc = agreement.terms.taxes.fusc.value.model_dump(by_alias=True, mode="json", exclude_none=True)
    fusc["rates"] = [
        {"from": "2020-01-01", "rate": "0.2", "source": "test"},
        {"from": "2019-01-01", "rate": "0.1", "source": "test"},
    ]
    assert "rows in date order" in _refused(agreement, "taxes.fusc", fusc)


def test_cli_set_out_of_range_exits_2(tmp_path):
    """`--set billing.late_payment.rate_per_month=-0.01` is a usage error: exit 2, the key and the expectation."""
    from typer.testing import CliRunner

    from icaops.cli import app

    out = CliRunner().invoke(app, ["terms", "show", "--set", "billing.late_payment.rate_per_month=-0.01"])
    assert out.exit_code == 2
    assert "billing.late_payment.rate_per_month.value: expected a rate from 0 to 1" in out.output


def test_holiday_sources_name_real_calendars():
    """II.2.10, III.9.2: a holiday calendar must be one the holidays package knows, and listed
    dates must be dates; anything else would silently make every day a Business Day."""
    import pytest

    from icaops.terms.errors import TermsLoadError
    from icaops.terms.loader import load_agreement

    agreement = load_agreement("centurylink-granite-id-2012")
    for key, value, expected in (
        ("calendar.federal_holidays", {"kind": "country", "code": "ZZ"}, "a country code of the holidays package"),
        ("calendar.federal_holidays", {"kind": "country", "code": "US", "subdivision": "QQ"}, "a subdivision of US"),
        ("calendar.bank_holidays", {"kind": "financial", "code": "NOPE"}, "a financial market code"),
        ("calendar.company_holidays", {"kind": "dates", "dates": ["2012-13-04"]}, "an ISO date"),
    ):
        with pytest.raises(TermsLoadError) as caught:
            _ = agreement.with_overrides({key: value}, source="--set").terms
        assert expected in str(caught.value.errors[0])
