"""What the traffic checks read from the terms: clauses of the Carrier Partner rules and the DoS thresholds."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from icaops.terms.schema import CarrierPartnerTerms, Rule, Term, Terms

__all__ = ["CheckParams", "params_from_terms"]

# Finding kind → the `check` name of the Carrier Partner rule it enforces.
_KIND_CHECKS = {
    "provider_not_authorized": "provider_authorized",
    "outside_serving_area": "destination_in_serving_area",
    "cpn_missing": "cpn_unaltered",
    "cpn_altered": "cpn_unaltered",
    "cpn_not_in_numbering": "cpn_unaltered",
    "cpn_other_carrier": "cpn_unaltered",
    "provider_numbering_other_ocn": "provider_numbering_in_lerg",
    "voip_911_to_ilec": "voip_911",
    "dos_trunk_group": "dos",
    "dos_provider": "dos",
}


@dataclass(frozen=True)
class CheckParams:
    """Clause ids, remedy text and DoS thresholds, all taken from the terms.

    Thresholds are exact fractions so that every backend compares them in integers.
    """

    clause_of_kind: dict[str, str]
    reference_of_kind: dict[str, str | None]
    dos_remedy: str
    window_seconds: int
    max_attempts_per_second: Fraction
    short_call_tenths: int
    max_short_call_ratio: Fraction
    min_answer_seizure_ratio: Fraction
    min_attempts: int
    threshold_text: dict[str, str]
    attribution_clause: str  # CPA.2: traffic of parties using the CLEC is the CLEC's
    no_transit_clause: str  # CPA.3: no transit compensation to the CLEC toward a provider
    transit_compensation_to_clec: bool

    @property
    def bucket_seconds(self) -> int:
        """The grain that both one-minute counts and DoS windows are sums of."""
        return math.gcd(60, self.window_seconds)


def _rule_by_check(cp: CarrierPartnerTerms, check: str) -> Term[Rule]:
    """The first Carrier Partner rule whose `check` is `check` (in the order the terms list them)."""
    for term in cp.rules.values():
        if term.value.check == check:
            return term
    raise KeyError(f"terms: carrier_partner.rules: expected a rule with check {check!r}, found none")


def _rule(cp: CarrierPartnerTerms, name: str) -> Term[Rule]:
    """The Carrier Partner rule under key `name`."""
    try:
        return cp.rules[name]
    except KeyError:
        raise KeyError(f"terms: carrier_partner.rules: expected a rule named {name!r}") from None


def params_from_terms(terms: Terms) -> CheckParams:
    """Read the checks' clauses and thresholds; a missing Carrier Partner section is an error naming it."""
    if terms.carrier_partner is None:
        raise ValueError("terms: expected a carrier_partner section (the Carrier Partner Amendment), found none")
    rules = {kind: _rule_by_check(terms.carrier_partner, check) for kind, check in _KIND_CHECKS.items()}
    dos = terms.carrier_partner.dos_thresholds.value
    text = {
        "attempts_per_second": f"attempts_per_second>{dos.max_attempts_per_second}",
        "short_call_ratio": f"short_call_ratio>{dos.max_short_call_ratio}",
        "answer_seizure_ratio": f"answer_seizure_ratio<{dos.min_answer_seizure_ratio}",
    }
    return CheckParams(
        clause_of_kind={k: r.clause for k, r in rules.items()},
        reference_of_kind={k: r.value.reference for k, r in rules.items()},
        dos_remedy=rules["dos_provider"].value.remedy or rules["dos_provider"].value.description,
        window_seconds=dos.window_seconds,
        max_attempts_per_second=Fraction(Decimal(dos.max_attempts_per_second)),
        short_call_tenths=dos.short_call_seconds * 10,
        max_short_call_ratio=Fraction(Decimal(dos.max_short_call_ratio)),
        min_answer_seizure_ratio=Fraction(Decimal(dos.min_answer_seizure_ratio)),
        min_attempts=dos.min_attempts_in_window,
        threshold_text=text,
        attribution_clause=_rule(terms.carrier_partner, "originated_as_clec").clause,
        no_transit_clause=terms.carrier_partner.transit_compensation_to_clec.clause,
        transit_compensation_to_clec=terms.carrier_partner.transit_compensation_to_clec.value,
    )
