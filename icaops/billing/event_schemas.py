"""Schemas of billing's event types: collections (collections/handlers.py), the accounts'
books (books.py, inventory.py, usage.py) and the events the price list charges (charges.py).

One Pydantic model per event type, strict and closed; `BILLING_EVENT_SCHEMAS` is the table by
type. Event types a price's trigger names (VIII) come from the terms, so they share one
schema, `PricedEvent`, whose choice fields (channel, media…) are the trigger's keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr, model_validator

from ..relationship.event_fields import (
    AccountEvent,
    Choice,
    Count,
    Decimal_,
    Flag,
    IsoDate,
    LedgerId,
    Money,
    Period,
    Rate,
    ShortCode,
    Text,
)
from .collections.handlers import AUDIT_KINDS

__all__ = ["BILLING_EVENT_SCHEMAS", "PRICED_EVENT_SCHEMAS", "PricedEvent"]

_LineId = Annotated[StrictStr, Field(min_length=1, max_length=100)]
_Wtn = Annotated[StrictStr, Field(min_length=1, max_length=10)]
_Usoc = Annotated[StrictStr, Field(min_length=1, max_length=10)]
_Fraction = Annotated[Decimal_, Field(ge=0, lt=1, max_digits=7, decimal_places=6)]


class _LedgerEvent(AccountEvent):
    id: LedgerId | None = None  # ids of these events name ledger transfers


class BillIssued(_LedgerEvent):
    """A declared bill: its current charges as one `amount` or as `lines` (line id to amount)."""

    type: Literal["bill.issued"]
    bill: LedgerId
    amount: Money | None = None
    lines: Mapping[LedgerId, Money] | None = None
    period_start: IsoDate | None = None

    @model_validator(mode="after")
    def _charges(self) -> BillIssued:
        if (self.amount is None) == (self.lines is None):
            raise ValueError("either amount or lines (a mapping of line id to amount), not both")
        return self


class CycleClosed(AccountEvent):
    """A billing cycle closed: the period's bill is computed from the log (III.9.2)."""

    type: Literal["billing.cycle_closed"]
    period: Period


class PaymentReceived(_LedgerEvent):
    """A payment, applied in the stated order (III.9.2, III.9.3)."""

    type: Literal["payment.received"]
    amount: Money


class _DisputeItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    line: Annotated[StrictStr, Field(min_length=1, max_length=200)]
    amount: Money
    reason: Text | None = None


class DisputeFiled(_LedgerEvent):
    """A written billing dispute with its items or its reason (III.9.4)."""

    type: Literal["billing_dispute.filed"]
    bill: LedgerId
    amount: Money | None = None
    items: tuple[_DisputeItem, ...] | None = None
    reason: Text | None = None


class DisputeResolvedBilling(_LedgerEvent):
    """A billing dispute resolved, `amount_for_clec` in the billed Party's favour (III.9.4.1)."""

    type: Literal["billing_dispute.resolved"]
    refers_to: LedgerId
    amount_for_clec: Money | None = None


class DepositRequested(_LedgerEvent):
    """A deposit request, with its amount or a forecast to compute it from (III.6.2), and its
    ground: one of the terms' `deposit.triggers` (III.6.1), required when the terms list any."""

    type: Literal["deposit.requested"]
    amount: Money | None = None
    monthly_forecast: Money | None = None
    ground: Choice | None = None


class DepositReceived(_LedgerEvent):
    """A requested deposit provided, in one of the forms the terms allow (III.6.4)."""

    type: Literal["deposit.received"]
    refers_to: LedgerId
    amount: Money
    form: Choice | None = None


class DepositDrawn(_LedgerEvent):
    """The ILEC draws on the deposit it holds (III.6.7)."""

    type: Literal["deposit.drawn"]
    amount: Money


class AuditAdjustmentAgreed(_LedgerEvent):
    """An agreed audit adjustment (III.7.1.7)."""

    type: Literal["audit.adjustment_agreed"]
    kind: Literal[AUDIT_KINDS]  # type: ignore[valid-type]
    amount: Money
    originated_on: IsoDate


class AccountOpened(AccountEvent):
    """A CLEC billing account (III.8.4, III.9.6, III.13.1)."""

    type: Literal["billing.account_opened"]
    name: Annotated[StrictStr, Field(min_length=1, max_length=300)] | None = None
    ocn: ShortCode | None = None
    ccna: ShortCode | None = None
    company_code: ShortCode | None = None
    certificate_on_file: Flag | None = None
    cycle_close_day: Annotated[Count, Field(ge=1, le=31)] | None = None
    exemptions: tuple[Choice, ...] | None = None
    monthly_forecast: Money | None = None


class UsfCertified(AccountEvent):
    """A USF certification on file for a year (III.9.6.2)."""

    type: Literal["usf.certified"]
    year: Annotated[Count, Field(ge=1900, le=9999)] | None = None


class ServiceAdded(AccountEvent):
    """A resold line in service from the event's date (IV.3, IV.4): the inventory's row."""

    type: Literal["service.added"]
    wtn: _Wtn
    line_id: _LineId | None = None
    usoc: _Usoc | None = None
    class_of_service: Literal["residential", "business"] | None = None
    retail_mrc: Rate
    volume_term_discount: _Fraction | None = None
    promotion_days: Annotated[Count, Field(ge=1, le=2**31 - 1)] | None = None
    promotion_sequential: Flag | None = None
    customer_specific_pricing: Flag | None = None
    os_da: Flag | None = None
    special_access: Flag | None = None
    cocot: Flag | None = None
    own_use: Flag | None = None
    grandfathered: Flag | None = None
    advanced_services_isp: Flag | None = None
    e911_service: Flag | None = None
    lifeline: Flag | None = None
    suspension: Flag | None = None


class ServiceRemoved(AccountEvent):
    """A resold line out of service from the event's date, named by its line id or WTN."""

    type: Literal["service.removed"]
    wtn: _Wtn | None = None
    line_id: _LineId | None = None

    @model_validator(mode="after")
    def _named(self) -> ServiceRemoved:
        if self.wtn is None and self.line_id is None:
            raise ValueError("wtn or line_id: the line taken out of service")
        return self


class UsageMessages(AccountEvent):
    """A day's messages of an account's resold lines (VI.9, VIII)."""

    type: Literal["usage.messages"]
    count: Count
    source: Text | None = None
    billed_in: Period | None = None


class PricedEvent(AccountEvent):
    """An event the price list charges (VIII): its type and choice fields are the triggers'.

    `lines` counts a per-line charge, `tariff_amount`/`agreed_amount` price a per-tariff or
    individual-case charge, `billed_in` puts it on that period's bill. Extra fields are the
    choices a price's trigger names (the application checks their names against the terms)."""

    model_config = ConfigDict(extra="allow", frozen=True)
    __pydantic_extra__: dict[str, Choice | Flag]

    lines: Annotated[Count, Field(ge=1)] | None = None
    tariff_amount: Money | None = None
    agreed_amount: Money | None = None
    as_is: Flag | None = None
    billed_in: Period | None = None
    reason: Text | None = None


BILLING_EVENT_SCHEMAS: Mapping[str, type[BaseModel]] = MappingProxyType(
    {
        "bill.issued": BillIssued,
        "billing.cycle_closed": CycleClosed,
        "payment.received": PaymentReceived,
        "billing_dispute.filed": DisputeFiled,
        "billing_dispute.resolved": DisputeResolvedBilling,
        "deposit.requested": DepositRequested,
        "deposit.received": DepositReceived,
        "deposit.drawn": DepositDrawn,
        "audit.adjustment_agreed": AuditAdjustmentAgreed,
        "billing.account_opened": AccountOpened,
        "usf.certified": UsfCertified,
        "service.added": ServiceAdded,
        "service.removed": ServiceRemoved,
        "usage.messages": UsageMessages,
    }
)
"""The schema of each billing event type (collections HANDLERS and ACCOUNT_EVENTS)."""


class ErroneousDispatch(PricedEvent):
    """An erroneous dispatch in or out at the CLEC's instruction (VIII), priced per tariff."""

    direction: Literal["in", "out"] | None = None


PRICED_EVENT_SCHEMAS: Mapping[str, type[PricedEvent]] = MappingProxyType({"dispatch.erroneous": ErroneousDispatch})
"""Priced event types with fields of their own beyond `PricedEvent`'s; used only while the
terms price the type (VIII)."""
