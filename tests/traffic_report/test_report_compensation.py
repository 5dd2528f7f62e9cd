"""Compensation: minutes and messages, dollars only where the terms price them (CPA.2, 3, 4, 6; VIII)."""

from __future__ import annotations

import re
from decimal import Decimal

from icaops.traffic.report import report_data, write_report
from icaops.traffic.report.compensation import NOT_PRICED
from tests.traffic_report import handbuilt


def _group(pattern: str, text: str) -> str:
    found = re.search(pattern, text, re.S)
    assert found, pattern
    return found.group(1)


def _table(html: str, name: str) -> str:
    return _group(rf'<table id="{name}">(.*?)</table>', html)


def test_minutes_by_jurisdiction_in_decimal_with_their_clauses(terms):
    """CPA.2 (originated as the CLEC's), CPA.6 (terminated as the CLEC's), CPA.3 (no transit compensation)."""
    data = report_data(handbuilt.check(), terms)
    rows = {(j.direction, j.jurisdiction): j for j in data.compensation}
    assert rows[("clec_to_ilec", "local")].minutes == Decimal("150.5")  # (60,000 + 30,300) / 600
    assert rows[("clec_to_ilec", "local")].calls == 150
    assert rows[("ilec_to_clec", "local")].clause == "CPA.6"
    assert rows[("transit", "transit")].compensable is False and rows[("transit", "transit")].clause == "CPA.3"


def test_the_compensation_clauses_are_quoted_from_the_terms(terms):
    """CPA.2, 3, 4 (the provider's traffic is the CLEC's responsibility) and 6, each in the terms' words."""
    quotes = report_data(handbuilt.check(), terms).clause_quotes
    assert list(quotes) == ["CPA.2", "CPA.3", "CPA.4", "CPA.6"]
    rules = terms.carrier_partner.rules
    assert quotes["CPA.2"] == rules["originated_as_clec"].quote
    assert quotes["CPA.4"] == rules["clec_responsibility"].quote
    assert quotes["CPA.6"] == rules["terminated_as_clec"].quote
    assert terms.carrier_partner.transit_compensation_to_clec.quote in quotes["CPA.3"]


def test_minutes_are_not_priced_because_the_agreement_prices_none(tmp_path, terms):
    """No price in the terms is per minute: every minutes row says so and no dollar amount is invented."""
    assert not any("minute" in t.value.basis for t in terms.prices.values())
    data = report_data(handbuilt.check(), terms)
    assert {j.price for j in data.compensation} == {NOT_PRICED}
    table = _table(write_report(handbuilt.check(), terms, tmp_path).read_text(encoding="utf-8"), "compensation")
    assert table.count("not priced in the agreement") == len(data.compensation) == 4
    assert "$" not in table


def test_messages_are_priced_at_the_terms_per_message_rate_with_its_clause(tmp_path, terms):
    """VIII: Message Provisioning $0.000581 per message; 25,000 messages = $14.525, rounded half up (money.rounding)."""
    data = report_data(handbuilt.check(), terms)
    charges = {m.code: m for m in data.message_charges}
    assert set(charges) == {c for c, t in terms.prices.items() if t.value.basis == "per_message"}
    provisioning = charges["message_provisioning"]
    assert (provisioning.messages, provisioning.rate, provisioning.amount) == (
        25_000,
        Decimal("0.000581"),
        Decimal("14.53"),
    )
    assert provisioning.clause == terms.prices["message_provisioning"].clause == "VIII"
    assert charges["data_transmission"].amount_text == "$0.00"
    html = write_report(handbuilt.check(), terms, tmp_path).read_text(encoding="utf-8")
    row = _group(r"<tr><td>Message Provisioning, per message</td>(.*?)</tr>", _table(html, "message-charges"))
    assert ">VIII<" in row and "25,000" in row and "$0.000581 per message" in row and "$14.53" in row


def test_a_price_override_changes_the_amount(agreement):
    """The rate is the term's, not a constant: $0.001 × 25,000 = $25.00."""
    changed = agreement.with_overrides(
        {
            "prices.message_provisioning": {
                "description": "Message Provisioning, per message",
                "basis": "per_message",
                "amount": "0.001",
                "kind": "usage",
            }
        },
        source="test",
    ).terms
    charges = {m.code: m for m in report_data(handbuilt.check(), changed).message_charges}
    assert charges["message_provisioning"].amount_text == "$25.00"


def test_per_provider_minutes_and_the_compensable_part(terms):
    """CPA.4: each provider's traffic is the CLEC's responsibility; shown per provider."""
    rows = {p.provider: p for p in report_data(handbuilt.check(), terms).provider_minutes}
    assert rows["TELNYX"].calls == 145 and rows["TELNYX"].minutes == Decimal("145.0")
    assert rows["TELNYX"].compensable_minutes == Decimal("140.0")  # transit (CPA.3) left out
    assert rows["ONVOY"].minutes == rows["ONVOY"].compensable_minutes == Decimal("57.5")


def test_messages_without_a_per_message_price_are_not_priced(tmp_path, terms):
    """Terms pricing no message: the count is shown and no rate is invented."""
    unpriced = terms.model_copy(
        update={"prices": {c: t for c, t in terms.prices.items() if t.value.basis != "per_message"}}
    )
    html = write_report(handbuilt.check(), unpriced, tmp_path).read_text(encoding="utf-8")
    assert 'id="message-charges"' not in html
    assert '25,000 messages: <span class="unpriced">not priced in the agreement</span>' in html
