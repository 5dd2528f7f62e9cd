"""The typed schema of an agreement's terms: every value carries its clause and a quote.

The schema is the vocabulary (what a resale agreement can say); the values, clauses and
quotes are data in `agreements/<id>/`. A different agreement is a new file, not new code.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Annotated, Any, Generic, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from .values import ClauseId, Direction, HolidaySource, Money, Period, PerSecond, Rate, Roll, bounded

__all__ = [
    "REQUIRED_DEADLINES",
    "Citation",
    "DatedRate",
    "DeadlineSpec",
    "DiscountRule",
    "GatewayTerms",
    "NoticeMethod",
    "Price",
    "TaxItem",
    "Term",
    "Terms",
]

T = TypeVar("T")


def _count(low: int, high: int, what: str) -> AfterValidator:
    return bounded(low, high, f"{what} from {low} to {high}")


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("an IANA time zone such as 'America/Chicago'") from None
    return value


def _month_day(value: str) -> str:
    try:
        dt.date.fromisoformat(f"2000-{value}")  # a leap year, so 02-29 is a day
    except (TypeError, ValueError):
        raise ValueError("a month and day written MM-DD, e.g. '02-01'") from None
    return value


# Decimal places of amounts billed and paid: 2 for cents; 6 is the finest any price list uses.
Scale = Annotated[int, _count(0, 6, "a number of decimal places")]
TimeZone = Annotated[str, AfterValidator(_timezone)]
MonthDay = Annotated[str, AfterValidator(_month_day)]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]


class Citation(BaseModel):
    """Where a term's value came from: clause, quote, file and layer."""

    model_config = ConfigDict(frozen=True)

    clause: str
    quote: str
    origin: str | None = None
    layer: str | None = None
    value: Any = None


class Term(BaseModel, Generic[T]):
    """One contractual value with the clause that states it and a short quote of that clause."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: T
    clause: ClauseId
    quote: str = Field(min_length=3)
    see_also: tuple[ClauseId, ...] = ()
    unit: str | None = None
    note: str | None = None
    # Anchor in docs/interpretations.md where the text is ambiguous and a reading was chosen.
    interpretation: str | None = None
    # The value is the system's own choice, not something the agreement states; the reason.
    # `clause` then names the clause the choice serves (docs/terms-format.md).
    system_choice: str | None = Field(default=None, min_length=10)
    # The agreement's text kept for people: no code reads the value, so an override is refused.
    informational: bool = False
    # Set by the loader: "file:line" and the layer (base agreement, amendment, override).
    origin: str | None = None
    layer: str | None = None
    supersedes: tuple[Citation, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _typed_supersedes(cls, data: Any) -> Any:
        # Superseded values arrive as written in YAML; give them the term's own type so an
        # amended rate such as 10.5% reads as Decimal('0.105') beside its replacement.
        if isinstance(data, dict) and data.get("supersedes"):
            info = cls.model_fields["value"]
            adapter = TypeAdapter(info.rebuild_annotation())
            typed = []
            for c in data["supersedes"]:
                c = dict(c) if isinstance(c, dict) else c
                if isinstance(c, dict):
                    with contextlib.suppress(ValidationError):
                        c["value"] = adapter.validate_python(c.get("value"))
                typed.append(c)
            data = {**data, "supersedes": tuple(typed)}
        return data

    def citation(self) -> Citation:
        """This term's clause, quote and origin as a citation."""
        return Citation(clause=self.clause, quote=self.quote, origin=self.origin, layer=self.layer, value=self.value)


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DeadlineSpec(BaseModel):
    """A deadline that is a trigger date plus or minus a period, then rolled."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    label: str
    trigger: str = Field(alias="from")
    offset: Period
    direction: Direction = Direction.AFTER
    roll: Roll = Roll.NONE


class Price(BaseModel):
    """A price-list entry (Article VIII) and when it applies."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str
    basis: Literal[
        "per_occurrence", "per_line", "per_message", "per_order", "percent", "no_charge", "per_tariff", "icb", "tbd"
    ]
    amount: Money | None = None
    kind: Literal["nrc", "mrc", "usage", "discount", "directory"] = "nrc"
    applies_when: str | None = None
    # The event that incurs the charge and the fields it must carry, e.g.
    # {event: order.submitted, channel: manual, variant: standard}; `first_order: true`
    # matches only an account's first order (VIII, Account Establishment).
    trigger: dict[str, Any] | None = None
    # III.46.2: for a TBD price, the most analogous tariffed rate (before the wholesale discount).
    interim_tariff_amount: Money | None = None
    # IV.3.3: on an As-Is transfer the LSR service order charge is the only NRC.
    waived_on_as_is_transfer: bool = False


class DiscountRule(BaseModel):
    """Whether the resale discount applies to a kind of service, and at what price it is sold."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str
    attribute: str
    discount_applies: bool
    available_for_resale: bool = True
    price_basis: Literal["retail_less_discount", "retail", "not_available"] = "retail_less_discount"
    max_promotion_days: Annotated[int, _count(0, 3653, "a number of days")] | None = None


class NoticeMethod(BaseModel):
    """A way of giving notice and the day it counts as received (III.34.1)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    label: str
    valid: bool = True
    received: Literal["date_of_service", "after_mailing", "date_on_receipt", "never"]
    after: Period | None = None

    @model_validator(mode="after")
    def _after_for_mail(self) -> NoticeMethod:
        if (self.received == "after_mailing") != (self.after is not None):
            raise ValueError("after: expected a period (e.g. 5 calendar days) exactly when received is after_mailing")
        return self


class BusinessHours(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    start: dt.time
    end: dt.time

    @model_validator(mode="after")
    def _ordered(self) -> BusinessHours:
        if self.start >= self.end:
            raise ValueError(f"business hours whose start is before their end, got {self.start}-{self.end}")
        return self


class DosThresholds(BaseModel):
    """Operational thresholds for Denial-of-Service detection (CPA.8 names no numbers)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    window_seconds: Annotated[int, _count(1, 3600, "a window in seconds")]
    max_attempts_per_second: PerSecond
    short_call_seconds: Annotated[int, _count(0, 3600, "a call length in seconds")]
    max_short_call_ratio: Rate
    min_answer_seizure_ratio: Rate
    min_attempts_in_window: Annotated[int, _count(1, 10_000_000, "a number of call attempts")]


class Rule(BaseModel):
    """A qualitative rule (an obligation or a remedy) that the engine checks or reports."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str
    check: str | None = None
    remedy: str | None = None
    reference: str | None = None


# -- sections ---------------------------------------------------------------------------


class CalendarTerms(_Section):
    timezone: Term[TimeZone]
    business_weekdays: Term[tuple[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"], ...]]
    business_hours: Term[BusinessHours]
    federal_holidays: Term[HolidaySource]
    no_mail_delivery_days: Term[HolidaySource]
    federal_closures: Term[HolidaySource]
    company_holidays: Term[HolidaySource]
    bank_holidays: Term[HolidaySource]


class MoneyTerms(_Section):
    currency: Term[Currency]
    scale: Term[Scale]
    rounding: Term[Literal["half_up", "half_even", "down", "up"]]


class LatePaymentTerms(_Section):
    rate_per_month: Term[Rate]
    legal_max_rate_per_month: Term[Rate | None]
    compounding: Term[Literal["daily"]]
    daily_rate_method: Term[Literal["nominal_annual_365", "monthly_over_30", "monthly_over_days_in_month"]]
    accrues_from: Term[Literal["bill_date", "bill_due_date"]]
    accrues_until: Term[Literal["payment_date"]]
    applies_to: Term[Literal["undisputed_past_due"]]


class BillingTerms(_Section):
    bill_same_day_each_month: Term[bool]
    late_payment: LatePaymentTerms
    dispute_filing_on_due_date_allowed: Term[bool]
    dispute_credit_by_nth_due_date: Term[Annotated[int, _count(1, 12, "a count of Bill Due Dates")]]
    late_filed_disputes_accrue_late_charges: Term[bool]
    resume_requires_full_undisputed_payment: Term[bool]
    usf_certification_due: Term[MonthDay]
    fusc_applies_without_certification: Term[bool]
    taxes_as_separate_items: Term[bool]
    proration: Term[Literal["actual_days_in_cycle", "thirty_day_month", "whole_month"]]
    payment_application: Term[
        tuple[Literal["oldest_bill_first", "charges_before_late_payment_charges", "late_payment_charges_first"], ...]
    ]
    credit_rounding_scope: Term[Literal["per_line"]]


class DatedRate(BaseModel):
    """A rate valid from a date until the next row's date, with where the number comes from."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    valid_from: dt.date = Field(alias="from")
    rate: Rate
    source: str = Field(min_length=3)


class TaxItem(BaseModel):
    """A tax or fee/regulatory surcharge billed as its own line (III.45.1, III.45.2)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    kind: Literal["tax", "surcharge"]
    jurisdiction: str
    # One rate for every date, or `rates`: a table of factors each valid from a date.
    rate: Rate | None = None
    rates: tuple[DatedRate, ...] = ()
    base: tuple[Literal["mrc", "nrc", "usage"], ...]
    exempt_with: str | None = None

    @model_validator(mode="after")
    def _one_rate_source(self) -> TaxItem:
        if (self.rate is None) == (not self.rates):
            raise ValueError("either `rate` (one rate for every date) or `rates` (a dated table), not both or neither")
        starts = [r.valid_from for r in self.rates]
        if starts != sorted(set(starts)):
            raise ValueError(
                f"`rates` rows in date order, each from a different date, got {', '.join(map(str, starts))}"
            )
        return self

    def row_on(self, day: dt.date) -> DatedRate | None:
        """The row of `rates` in force on `day` (the latest starting on or before it), or None."""
        rows = [r for r in self.rates if r.valid_from <= day]
        return rows[-1] if rows else None

    def rate_on(self, day: dt.date) -> Decimal | None:
        """The rate in force on `day`: `rate`, or the dated row in force; None before the first row."""
        if self.rate is not None:
            return self.rate
        row = self.row_on(day)
        return row.rate if row else None


class TaxTerms(_Section):
    fusc: Term[TaxItem]
    items: Term[tuple[TaxItem, ...]]


class DepositTerms(_Section):
    minimum_amount: Term[Money]
    estimated_months: Term[Annotated[int, _count(1, 24, "a number of months")]]
    amount_without_forecast: Term[Money]
    triggers: Term[tuple[str, ...]]
    forms: Term[tuple[str, ...]]
    cash_interest_annual_rate: Term[Rate | None]


class DelinquencyTerms(_Section):
    days_late: Term[Annotated[int, _count(0, 365, "a number of calendar days")]]
    days_late_inclusive: Term[bool]
    occurrences: Term[Annotated[int, _count(1, 100, "a number of late payments")]]
    window: Term[Period]


class LifecycleTerms(_Section):
    execution_date: Term[dt.date]
    effective_date: Term[dt.date]
    commission_approval_required: Term[bool]
    follow_on_term: Term[Period]
    termination_time: Term[dt.time]
    # III.2.2.1: what counts as Granite's activity (interpretation inactivity-activity).
    inactivity_activities: Term[
        tuple[Literal["pre_ordering", "orders", "resold_lines_in_service", "resale_usage"], ...]
    ]


class AuditTerms(_Section):
    per_contract_year: Term[Annotated[int, _count(0, 12, "a number of audits")]]
    accelerated_finding_threshold: Term[Rate]
    accelerated_min_interval: Term[Period]
    interest_rate_per_month: Term[Rate]


class NoticeTerms(_Section):
    methods: dict[str, Term[NoticeMethod]]
    addresses: Term[dict[str, tuple[str, ...]]]


class OrderingTerms(_Section):
    account_setup_requirements: Term[tuple[str, ...]]
    clec_profile_fields: Term[tuple[str, ...]]
    certificate_required: Term[bool]
    blanket_loa_required_for_cpni: Term[bool]
    csr_search_requires_loa: Term[bool]
    lsr_multiple_wtn_same_customer_location: Term[bool]
    order_notices: Term[tuple[str, ...]]
    data_validation_files_per_quarter: Term[Annotated[int, _count(0, 92, "a number of files")]]
    data_validation_files_counted: Term[Literal["any_file", "per_file"]]
    daily_usage_file_weekdays_only: Term[bool]
    # IV.9.1: standard intervals by LSR activity (ACT), in Business Days from submission.
    due_date_intervals: Term[dict[str, Annotated[int, _count(0, 60, "a number of Business Days")]]]
    ilec_entities: Term[tuple[str, ...]]
    refuse_new_orders_during_dispute: Term[bool]


class ResaleTerms(_Section):
    discount_rate: Term[Rate]
    discount_applies_to: Term[Literal["monthly_retail_rate"]]
    discount_rules: dict[str, Term[DiscountRule]]
    volume_term_discount_before_resale_discount: Term[bool]
    as_is_transfer_only_service_order_charge: Term[bool]


class DirectoryTerms(_Section):
    systemic_error_threshold: Term[Rate]
    listing_methods: Term[tuple[str, ...]]
    free_galleys_per_directory: Term[Annotated[int, _count(0, 100, "a number of galleys")]]


class TbdTerms(_Section):
    interim_price_rule: Term[str]
    true_up_max: Term[Period]


class MaintenanceTerms(_Section):
    spoc_always_answered: Term[bool]
    trouble_isolation_required: Term[bool]
    no_fault_dispatch_event: Term[Literal["dispatch.no_fault", "trip.dispatched"]]
    customer_not_available_charged: Term[bool]
    time_and_materials_fallback: Term[bool]
    charges_billed_to: Term[Literal["clec"]]


class GatewayTerms(_Section):
    # VI.13.2: requests one API token may make in a minute (the system's choice).
    rate_limit_per_minute: Term[Annotated[int, _count(1, 1_000_000, "a number of requests")]]


class ObligationTerms(_Section):
    # How long before its due date an open obligation shows as due soon (icaops/obligations).
    due_soon_window: Term[Period]
    # The period a duty the text states without one is shown due in (CPA.1.1, CPA.1.2, CPA.8).
    undated_act_period: Term[Period]


class CarrierPartnerTerms(_Section):
    rules: dict[str, Term[Rule]]
    dos_thresholds: Term[DosThresholds]
    transit_compensation_to_clec: Term[bool]


# Deadlines the engine composes by name (calendar/deadlines.py); an agreement may add more.
REQUIRED_DEADLINES: tuple[str, ...] = (
    "bill_date",
    "bill_due_date",
    "back_billing_limit",
    "back_billing_notice",
    "order_suspension_earliest",
    "order_suspension_notice",
    "order_refusal_further_notice",
    "disconnection_notice",
    "nonpayment_default",
    "deposit_provide",
    "deposit_draw",
    "default_cure",
    "initial_term",
    "termination_notice_initial",
    "termination_notice_follow_on",
    "successor_negotiation",
    "inactivity",
    "sale_of_territory_notice",
    "ordering_gate",
    "order_cancellation",
    "unauthorized_change_documentation",
    "unauthorized_change_switch_back",
    "audit_commence",
    "audit_complete",
    "audit_response",
    "audit_reply",
    "audit_dispute_referral",
    "audit_scope_lookback",
    "record_retention",
    "confidentiality_oral_confirmation",
    "confidentiality_survival",
    "dispute_representative",
    "dispute_meeting",
    "dispute_remedies",
    "galley_proof",
    "galley_corrections",
    "galley_systemic_corrections",
    "directory_method_change_notice",
    "dsr_processing",
    "directory_complaint_notice",
    "directory_complaint_dispute",
)


class Terms(_Section):
    """All terms of one agreement as in force on one date (base plus amendments)."""

    calendar: CalendarTerms
    money: MoneyTerms
    billing: BillingTerms
    deposit: DepositTerms
    delinquency: DelinquencyTerms
    lifecycle: LifecycleTerms
    audits: AuditTerms
    notices: NoticeTerms
    ordering: OrderingTerms
    resale: ResaleTerms
    prices: dict[str, Term[Price]]
    taxes: TaxTerms
    directory: DirectoryTerms
    tbd: TbdTerms
    deadlines: dict[str, Term[DeadlineSpec]]
    maintenance: MaintenanceTerms
    gateway: GatewayTerms
    obligations: ObligationTerms
    carrier_partner: CarrierPartnerTerms | None = None

    @field_validator("deadlines")
    @classmethod
    def _required_deadlines(cls, v: dict[str, Term[DeadlineSpec]]) -> dict[str, Term[DeadlineSpec]]:
        missing = [name for name in REQUIRED_DEADLINES if name not in v]
        if missing:
            raise ValueError(f"deadlines the engine needs are missing: {', '.join(missing)}")
        return v

    def flat(self) -> Iterator[tuple[str, Term[Any]]]:
        """Every term with its dotted key, in schema order."""
        yield from _walk(self, "")

    def get(self, key: str) -> Term[Any]:
        """The term at a dotted key such as `billing.late_payment.rate_per_month`."""
        node: Any = self
        for part in key.split("."):
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, BaseModel) and part in type(node).model_fields:
                node = getattr(node, part)
            else:
                raise KeyError(f"no term {key!r} (stopped at {part!r})")
        if not isinstance(node, Term):
            raise KeyError(f"{key!r} is a section, not a term")
        return node

    def deadline(self, name: str) -> Term[DeadlineSpec]:
        """The deadline rule called `name`."""
        try:
            return self.deadlines[name]
        except KeyError:
            raise KeyError(f"no deadline {name!r}; known: {', '.join(sorted(self.deadlines))}") from None


def _walk(node: Any, prefix: str) -> Iterator[tuple[str, Term[Any]]]:
    if isinstance(node, Term):
        yield prefix, node
    elif isinstance(node, dict):
        for key, child in node.items():
            yield from _walk(child, f"{prefix}.{key}" if prefix else key)
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            child = getattr(node, name)
            if child is not None:
                yield from _walk(child, f"{prefix}.{name}" if prefix else name)
