"""Schemas of the order event types (lifecycle.py): LSRs, the ILEC's notices on them, line
losses, account set-up steps and End User balances. One strict, closed model per type.

ACT and the choices the terms define (entity, set-up step) are checked by the fold against
the terms; the gate turns a wrong value into a reject with its clause (IV.7.2.3).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr

from ..relationship.event_fields import AccountEvent, Choice, Count, EventBase, Flag, IsoDate, Money, Text

__all__ = ["ORDER_EVENT_SCHEMAS"]

_Pon = Annotated[StrictStr, Field(min_length=1, max_length=40)]
_Wtn = Annotated[StrictStr, Field(min_length=1, max_length=10)]
_Short = Annotated[StrictStr, Field(min_length=1, max_length=10)]
_Ver = Annotated[Count, Field(ge=1, le=99)]


class _WtnItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    wtn: _Wtn
    end_user: Text | None = None
    address: Text | None = None
    entity: Choice | None = None


class _OnOrder(EventBase):
    pon: _Pon


class LsrSubmitted(AccountEvent):
    """A Local Service Request (IV.7.2): LSOG-style fields; checked by the order gate."""

    type: Literal["lsr.submitted"]
    pon: _Pon
    ver: _Ver | None = None
    ccna: Annotated[StrictStr, Field(min_length=1, max_length=8)] | None = None
    act: Annotated[StrictStr, Field(min_length=1, max_length=1)] | None = None
    entity: Choice | None = None
    end_user: Text | None = None
    address: Text | None = None
    wtns: tuple[_Wtn | _WtnItem, ...] | None = None
    ddd: IsoDate | None = None
    expedite: Flag | None = None
    expedite_reason: Text | None = None
    channel: Literal["electronic", "manual"] | None = None
    pic_inter: _Short | None = None
    pic_intra: _Short | None = None
    pic_tariff_amount: Money | None = None
    class_of_service: Literal["residential", "business"] | None = None
    end_user_class: Literal["residential", "business"] | None = None
    usoc: _Short | None = None
    retail_mrc: Money | None = None
    grandfathered: Flag | None = None
    lifeline: Flag | None = None
    advanced_services_isp: Flag | None = None
    e911_service: Flag | None = None
    customer_specific_pricing: Flag | None = None
    os_da: Flag | None = None
    special_access: Flag | None = None
    cocot: Flag | None = None
    own_use: Flag | None = None
    suspension: Flag | None = None
    end_users_sharing: Annotated[Count, Field(ge=1, le=10000)] | None = None
    locations_aggregated: Annotated[Count, Field(ge=1, le=10000)] | None = None


class _Error(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: Choice
    field: Choice | None = None
    message: Text | None = None


class LsrRejected(_OnOrder):
    """A reject notice after acknowledgement, with every error found (IV.7.2.3)."""

    type: Literal["lsr.rejected"]
    errors: tuple[_Error | Choice, ...]


class LsrConfirmed(_OnOrder):
    """Confirmation with the committed due date (IV.9.1); `due_date` if CenturyLink names one."""

    type: Literal["lsr.confirmed"]
    due_date: IsoDate | None = None


class LsrJeopardy(_OnOrder):
    """Jeopardy Notice with the revised committed due date (IV.7.2.4)."""

    type: Literal["lsr.jeopardy"]
    revised_due_date: IsoDate
    reason: Text | None = None


class LsrExpediteDecided(_OnOrder):
    """An expedite request granted or refused (IV.9.2)."""

    type: Literal["lsr.expedite_decided"]
    granted: Flag
    reason: Text | None = None


class LsrSupplemented(_OnOrder):
    """A supplement: change of due date or cancel; VER goes up by one."""

    type: Literal["lsr.supplemented"]
    ver: _Ver
    sup: Literal["due_date", "cancel"]
    ddd: IsoDate | None = None


class LsrCancelled(_OnOrder):
    """The order cancelled: after a cancel supplement, or for inactivity (VI.16)."""

    type: Literal["lsr.cancelled"]
    reason: Literal["supplement", "inactivity"] | None = None


class LsrCompleted(_OnOrder):
    """Service Order Completion (IV.7.2.2); `wtns` assigned on a new connect (IV.7.3); `retail_mrc`
    of the line where the LSR gave none (an As-Is Transfer enumerates no services, II.2.6)."""

    type: Literal["lsr.completed"]
    wtns: tuple[_Wtn, ...] | None = None
    retail_mrc: Money | None = None


class LsrFailed(_OnOrder):
    """The order cannot be completed (e.g. no facilities, IV.1.2)."""

    type: Literal["lsr.failed"]
    reason: Text | None = None


class LineLoss(AccountEvent):
    """Line loss notification: the CLEC's end user changed local carrier (IV.7.5)."""

    type: Literal["lsr.line_loss"]
    wtn: _Wtn
    new_carrier: Text | None = None


class SetupStep(EventBase):
    """One account set-up activity of III.35.2 done (one of `ordering.account_setup_requirements`)."""

    type: Literal["account.setup_step_completed"]
    step: Choice


class EndUserBalance(EventBase):
    """An End User has (or no longer has) an unpaid balance with CenturyLink (IV.2.3)."""

    type: Literal["end_user.balance"]
    end_user: Text
    unpaid: Flag | None = None


ORDER_EVENT_SCHEMAS: Mapping[str, type[BaseModel]] = MappingProxyType(
    {
        "lsr.submitted": LsrSubmitted,
        "lsr.rejected": LsrRejected,
        "lsr.confirmed": LsrConfirmed,
        "lsr.jeopardy": LsrJeopardy,
        "lsr.expedite_decided": LsrExpediteDecided,
        "lsr.supplemented": LsrSupplemented,
        "lsr.cancelled": LsrCancelled,
        "lsr.completed": LsrCompleted,
        "lsr.failed": LsrFailed,
        "lsr.line_loss": LineLoss,
        "account.setup_step_completed": SetupStep,
        "end_user.balance": EndUserBalance,
    }
)
"""The schema of each order event type (lifecycle.OWN_EVENT_TYPES has the same keys)."""
