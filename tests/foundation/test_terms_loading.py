"""Terms as data: every term cites its clause; load errors name file, line, key and expectation."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from icaops.terms.errors import TermsLoadError
from icaops.terms.loader import load_agreement
from icaops.terms.schema import REQUIRED_DEADLINES

from .conftest import REPO


def _load_error(folder: Path) -> str:
    with pytest.raises(TermsLoadError) as info:
        load_agreement(folder)
    return str(info.value)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"test setup: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


def test_every_term_carries_a_clause_and_a_quote(terms):
    """Issue: every rate, deadline, threshold and notice period carries its clause id and a quote."""
    flat = dict(terms.flat())
    assert len(flat) > 150
    for key, term in flat.items():
        assert term.clause and len(term.quote) >= 3, key
        assert term.origin and re.search(r"\.yaml:\d+$", term.origin), key


def test_core_numbers_of_the_agreement(terms):
    """VIII resale discount 15.86 %; III.9.3 1½ % per month; III.6.2 $5,000 minimum deposit; II.2.9 30 days."""
    assert terms.resale.discount_rate.value == Decimal("0.1586")
    assert terms.billing.late_payment.rate_per_month.value == Decimal("0.015")
    assert terms.deposit.minimum_amount.value == Decimal("5000.00")
    assert terms.deposit.estimated_months.value == 2
    assert terms.deadline("bill_due_date").value.offset.amount == 30
    assert terms.prices["account_establishment"].value.amount == Decimal("224.07")
    assert terms.prices["message_provisioning"].value.amount == Decimal("0.000581")
    assert terms.prices["unauthorized_change"].value.amount == Decimal("50.00")
    assert terms.prices["dsr"].value.amount == Decimal("5.61")
    assert terms.prices["galley_additional"].value.amount == Decimal("150.00")


def test_every_required_deadline_is_encoded(terms):
    """The engine's composite deadlines (III.2, III.6, III.7, III.9, III.20, VII ...) all have rules."""
    assert set(REQUIRED_DEADLINES) <= set(terms.deadlines)


def test_resale_exclusions_iv(terms):
    """IV.3.5, IV.4.4, IV.4.6–IV.4.9, IV.4.12: no discount; IV.4.10 grandfathered: discount applies."""
    rules = {k: t.value for k, t in terms.resale.discount_rules.items()}
    for name in (
        "nonrecurring_charges",
        "short_promotion",
        "customer_specific_pricing",
        "os_da",
        "special_access",
        "cocot",
        "own_use",
    ):
        assert rules[name].discount_applies is False, name
    assert rules["grandfathered"].discount_applies is True
    assert rules["short_promotion"].max_promotion_days == 90
    assert terms.resale.volume_term_discount_before_resale_discount.value is True


def test_carrier_partner_items_1_to_11_are_rules(terms):
    """CPA items 1–11 each appear as a rule or parameter with its item number."""
    cited = {t.clause for _, t in terms.flat() if t.clause.startswith("CPA")}
    for item in ["CPA.1", "CPA.1.1", "CPA.1.2", "CPA.1.3", "CPA.1.4"] + [f"CPA.{i}" for i in range(2, 12)]:
        assert item in cited, item


def test_amendment_layer_is_dated_and_terms_at_respects_it(agreement):
    """The Carrier Partner Amendment is a layer: absent before its effective date, present after."""
    import datetime as dt

    assert agreement.terms_at(dt.date(2012, 6, 19)).carrier_partner is None
    assert agreement.terms_at(dt.date(2012, 6, 20)).carrier_partner is not None


def test_every_interpretation_is_documented(terms):
    """Each ambiguity resolved in the terms has its reasoning in docs/interpretations.md."""
    doc = (REPO / "docs" / "interpretations.md").read_text()
    anchors = set(re.findall(r'<a id="([a-z0-9-]+)"></a>', doc))
    used = {t.interpretation for _, t in terms.flat() if t.interpretation}
    assert used, "no interpretation references found"
    assert used <= anchors, f"undocumented: {sorted(used - anchors)}"


def test_amendment_override_keeps_both_citations(agreement_copy):
    """An amendment that changes a base term shows its own clause and keeps the base citation."""
    amendment = agreement_copy / "amendments" / "carrier-partner.yaml"
    amendment.write_text(
        amendment.read_text()
        + """
resale:
  discount_rate:
    value: "17.00%"
    clause: CPA.5
    quote: "a hypothetical amended discount, for this test only"
"""
    )
    term = load_agreement(agreement_copy).terms.resale.discount_rate
    assert term.value == Decimal("0.17") and term.clause == "CPA.5" and term.layer == "carrier-partner"
    assert [c.clause for c in term.supersedes] == ["VIII"]
    assert term.supersedes[0].value == Decimal("0.1586")


def test_override_replaces_value_keeps_clause(agreement):
    """Overrides (scenarios, --set) change the value but the term still cites its clause."""
    changed = agreement.with_overrides({"billing.late_payment.daily_rate_method": "monthly_over_30"}, "test")
    term = changed.terms.billing.late_payment.daily_rate_method
    assert term.value == "monthly_over_30" and term.clause == "III.9.3" and term.origin == "test"
    assert agreement.terms.billing.late_payment.daily_rate_method.value == "nominal_annual_365"


@pytest.mark.parametrize(
    "file, old, new, expected",
    [
        (
            "terms/billing.yaml",
            'value: "0.015"',
            "value: 0.015",
            r"billing\.yaml:\d+: billing\.late_payment\.rate_per_month\.value: expected a decimal written as a quoted string",
        ),
        (
            "terms/billing.yaml",
            '      clause: III.9.3\n      quote: "a late payment charge',
            '      clause: III-9-3\n      quote: "a late payment charge',
            r"billing\.yaml:\d+: billing\.late_payment\.rate_per_month\.clause: expected a clause id",
        ),
        (
            "terms/deposit.yaml",
            "  estimated_months:",
            "  estimated_monthz:",
            r"deposit\.yaml:\d+: deposit\.estimated_monthz: expected no such key here",
        ),
        (
            "terms/deadlines.yaml",
            "offset: 30 calendar days, direction: after, roll: weekend",
            "offset: 30 fortnights, direction: after, roll: weekend",
            r"deadlines\.yaml:\d+: deadlines\.bill_due_date\.value\.offset: expected a period such as",
        ),
        (
            "terms/deadlines.yaml",
            "  inactivity:\n",
            "  inactivity_renamed:\n",
            r"deadlines: expected deadlines the engine needs are missing: inactivity",
        ),
        (
            "terms/calendar.yaml",
            "  timezone:\n",
            "  timezone:\n  timezone:\n",
            r"calendar\.yaml:\d+: calendar\.timezone: expected each key once",
        ),
        (
            "terms/money.yaml",
            "  scale:\n    value: 2",
            "  scale:\n    value: [2",
            r"money\.yaml:\d+: expected valid YAML",
        ),
        (
            "terms/lifecycle.yaml",
            "    value: 2012-06-20\n    clause: III.2.1",
            "    value: someday\n    clause: III.2.1",
            r"lifecycle\.yaml:\d+: lifecycle\.effective_date\.value: expected",
        ),
    ],
)
def test_load_errors_name_file_line_key_and_expectation(agreement_copy, file, old, new, expected):
    """Load errors name the file, the line, the key and what was expected (issue: terms as data)."""
    _edit(agreement_copy / file, old, new)
    message = _load_error(agreement_copy)
    assert re.search(expected, message), message


def test_missing_clause_is_an_error(agreement_copy):
    """A term without its clause id does not load: every term must cite the agreement."""
    _edit(agreement_copy / "terms" / "deposit.yaml", "    clause: III.6.6\n", "")
    assert re.search(
        r"deposit\.yaml:\d+: deposit\.cash_interest_annual_rate\.clause: expected this key to be present",
        _load_error(agreement_copy),
    )


def test_duplicate_term_across_base_files(agreement_copy):
    """The same term defined in two base files is an error naming both places."""
    path = agreement_copy / "terms" / "directory.yaml"
    path.write_text(path.read_text() + (agreement_copy / "terms" / "money.yaml").read_text())
    assert re.search(
        r"directory\.yaml:\d+: money\.currency: expected one definition of this term \(also at .*money\.yaml:\d+\)",
        _load_error(agreement_copy),
    )


def test_manifest_errors(agreement_copy):
    """agreement.yaml must name its base files; a missing file is reported by name."""
    manifest = agreement_copy / "agreement.yaml"
    _edit(manifest, "  - terms/prices.yaml\n", "  - terms/pricez.yaml\n")
    assert "pricez.yaml: expected a readable file" in _load_error(agreement_copy)
