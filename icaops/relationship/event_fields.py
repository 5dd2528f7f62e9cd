"""Field types of the event schemas: ids, text, dates, money and counts, strict and bounded.

Every event type's schema (Pydantic v2, the same models the REST API will use) is built from
these. Money is a decimal string or an int, never a float; its decimals are bounded by the
terms' `money.scale`, given in the validation context as `money_scale`. Lengths are bounded by
the store's columns, and ids that name ledger transfers more tightly, so that every key built
from them (`ACCOUNT/deposit:REQUEST:RECEIPT`, a transfer key of 200 characters) fits.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationInfo,
)

from ..money import MONEY_DIGITS

__all__ = [
    "ACCOUNT_ID_MAX",
    "EVENT_ID_MAX",
    "LEDGER_ID_MAX",
    "TEXT_MAX",
    "AccountEvent",
    "AccountId",
    "Choice",
    "Count",
    "Decimal_",
    "EventBase",
    "EventId",
    "Flag",
    "IsoDate",
    "LedgerId",
    "Money",
    "Period",
    "Rate",
    "ShortCode",
    "Text",
    "money_scale",
]

EVENT_ID_MAX = 200
"""An event id: the event log's `event_id` column."""
LEDGER_ID_MAX = 60
"""An id a ledger transfer key is built from (payments, deposits, disputes, declared bills)."""
ACCOUNT_ID_MAX = 40
"""A billing account id: the event log's tenant (64), kept short enough for transfer keys."""
TEXT_MAX = 300
"""Free text (a name, a reason, a note): the store's description columns."""

_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def money_scale(info: ValidationInfo) -> int:
    """The currency's decimals (`money.scale` of the terms) the caller validates against."""
    context = info.context or {}
    if "money_scale" not in context:
        raise AssertionError("event schemas are validated with context={'money_scale': terms.money.scale}")
    return int(context["money_scale"])


def _decimal(value: Any) -> Decimal:
    if isinstance(value, (bool, float)):
        raise ValueError(
            f'a decimal string such as "12.34" or an int, never a {"boolean" if isinstance(value, bool) else "bare float (write it in quotes)"}'
        )
    if isinstance(value, int):
        return Decimal(value)
    if not isinstance(value, str) or not _DECIMAL.fullmatch(value.strip()):
        raise ValueError(f'a decimal string such as "12.34" or an int, got {value!r}')
    try:
        return Decimal(value.strip())
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        raise ValueError(f'a decimal string such as "12.34", got {value!r}') from None


def _bounded(value: Decimal, places: int, digits: int) -> Decimal:
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise ValueError(f"at most {places} decimal places, got {value}")
    whole = len(str(abs(int(value)))) if int(value) else 0
    if whole > digits - places:
        raise ValueError(f"at most {digits - places} digits before the decimal point, got {whole}")
    return value


def _money(value: Decimal, info: ValidationInfo) -> Decimal:
    if value < 0:
        raise ValueError(f"an amount of zero or more, got {value}")
    return _bounded(value, money_scale(info), MONEY_DIGITS)


def _rate(value: Decimal) -> Decimal:
    if value < 0:
        raise ValueError(f"a rate of zero or more, got {value}")
    return _bounded(value, 4, 14)  # the inventory's retail rate column, decimal(14, 4)


def _iso_date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        raise ValueError(f"a date such as 2012-08-04 (no time), got {value.isoformat()}")
    if isinstance(value, str):
        if not _ISO_DATE.fullmatch(value):
            raise ValueError(f"an ISO date such as 2012-08-04, got {value!r}")
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"a real date such as 2012-08-04, got {value!r}") from None
    if not isinstance(value, dt.date):
        raise ValueError(f"an ISO date such as 2012-08-04, got {value!r}")
    return value


Decimal_ = Annotated[Decimal, BeforeValidator(_decimal)]
"""A decimal string or an int (never a float), unbounded: bound it with `Field`."""
Money = Annotated[Decimal, BeforeValidator(_decimal), AfterValidator(_money)]
"""An amount of zero or more: a decimal string or an int, with at most the currency's decimals
and at most as many digits as the store's NUMERIC column holds."""
Rate = Annotated[Decimal, BeforeValidator(_decimal), AfterValidator(_rate)]
"""A retail monthly rate: zero or more, at most 4 decimals (the inventory's rate column)."""
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
"""A calendar date, YYYY-MM-DD (a YAML date or an ISO string)."""
Period = Annotated[StrictStr, Field(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")]
"""A billing period, YYYY-MM."""
EventId = Annotated[StrictStr, Field(min_length=1, max_length=EVENT_ID_MAX)]
LedgerId = Annotated[StrictStr, Field(min_length=1, max_length=LEDGER_ID_MAX)]
# No ':' (a bill id is ACCOUNT:PERIOD) nor '/' (a transfer key is ACCOUNT/KEY) in an account id.
AccountId = Annotated[
    StrictStr, Field(min_length=1, max_length=ACCOUNT_ID_MAX, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
]
Text = Annotated[StrictStr, Field(max_length=TEXT_MAX)]
ShortCode = Annotated[StrictStr, Field(min_length=1, max_length=8)]
"""An OCN, CCNA or company code (8 characters in the store)."""
Choice = Annotated[StrictStr, Field(min_length=1, max_length=40)]
"""A word the terms give the meaning of (a notice method, a deposit form, an order channel)."""
Count = Annotated[StrictInt, Field(ge=0)]
Flag = StrictBool


class EventBase(BaseModel):
    """What every event has: an id (optional in a file: one is made from its content), a date, a type.

    A field a type does not name is refused (`extra="forbid"`): a misspelled field must not pass
    silently. `note` is free text any event may carry."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: EventId | None = None
    date: IsoDate
    type: StrictStr
    note: Text | None = None


class AccountEvent(EventBase):
    """An event of one billing account (the event log's tenant)."""

    account: AccountId
