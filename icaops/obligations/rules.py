"""The rules table: every kind of obligation the agreement creates, by name.

A rule is a function of the relationship's folded states as of a date (`Relationship`) to
the duties it finds (`Duty`); `derive` settles each into an `Obligation`. The table is a
literal: a new rule is a function and a line here (docs/obligations.md, "Adding a rule").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType

from . import billing_rules, carrier_rules, lifecycle_rules, order_rules, service_rules
from .model import Duty
from .relationship import Relationship

__all__ = ["RULES", "Rule"]

Rule = Callable[[Relationship], Iterable[Duty]]
"""What one rule computes: the duties of its kind in the relationship as of its date."""

RULES: Mapping[str, Rule] = MappingProxyType(
    {
        "bill_payment": billing_rules.bill_payment,
        "dispute_filing": billing_rules.dispute_filing,
        "dispute_credit": billing_rules.dispute_credit,
        "deposit": billing_rules.deposit,
        "usf_certification": billing_rules.usf_certification,
        "audit_credit": billing_rules.audit_credit,
        "audit_commence": lifecycle_rules.audit_commence,
        "audit_complete": lifecycle_rules.audit_complete,
        "dispute_representative": lifecycle_rules.dispute_representative,
        "dispute_meeting": lifecycle_rules.dispute_meeting,
        "default_cure": lifecycle_rules.default_cure,
        "termination_notice": lifecycle_rules.termination_notice,
        "successor_request": lifecycle_rules.successor_request,
        "unauthorized_change_documentation": lifecycle_rules.unauthorized_change_documentation,
        "unauthorized_change_switch_back": lifecycle_rules.unauthorized_change_switch_back,
        "order_confirmation": order_rules.order_confirmation,
        "order_jeopardy": order_rules.order_jeopardy,
        "order_completion": order_rules.order_completion,
        "order_cancellation": order_rules.order_cancellation,
        "ticket_restoration": service_rules.ticket_restoration,
        "galley_proof": service_rules.galley_proof,
        "galley_corrections": service_rules.galley_corrections,
        "close_date_notice": service_rules.close_date_notice,
        "annual_file": service_rules.annual_file,
        "daily_usage_file": service_rules.daily_usage_file,
        "cpa_confirmation": carrier_rules.cpa_confirmation,
        "cpa_stop_notice": carrier_rules.cpa_stop_notice,
        "cpa_dos_removal": carrier_rules.cpa_dos_removal,
        "cpa_separate_trunk_group": carrier_rules.cpa_separate_trunk_group,
    }
)
"""Rule name -> rule; each duty's `rule` is its name here."""
