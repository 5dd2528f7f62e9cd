"""Value types that terms are made of: clause ids, periods, roll rules, holiday sources."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from enum import Enum
from typing import Annotated, Literal

import holidays
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, model_validator

__all__ = [
    "ClauseId",
    "Direction",
    "HolidaySource",
    "Money",
    "PerSecond",
    "Period",
    "PeriodUnit",
    "Rate",
    "Roll",
    "bounded",
]

# Article.Section[.sub...][(item)] as the agreement numbers them (README: III.9.3, CPA.8),
# with letters for the lettered sub-items of Article VII (VII.2.g) and "CPA.def" for the
# amendment's definitions; "Preface" for the Preface & Recitals (the separate ILEC entities).
_CLAUSE = re.compile(
    r"^(?:Preface|(?:VIII|VII|VI|IV|V|III|II|I|CPA)(?:\.[0-9]+[a-z]?|\.[a-z]|\.def)*(?:\([0-9a-z]+\))?)$"
)


def _clause(value: object) -> str:
    if not isinstance(value, str) or not _CLAUSE.match(value.strip()):
        raise ValueError(f"a clause id such as III.9.3, VII.2.g or CPA.8, got {value!r}")
    return value.strip()


ClauseId = Annotated[str, BeforeValidator(_clause)]


def _decimal(value: object) -> Decimal:
    # Floats are refused on purpose: YAML 0.015 arrives as a float, and binary floats
    # are how cents go missing. Terms files quote money and rates as strings.
    if isinstance(value, (bool, float)):
        raise ValueError(f"a decimal written as a quoted string (e.g. '0.015'), got {value!r}")
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, str):
        text = value.strip().replace(",", "").lstrip("$")
        if text.endswith("%"):
            return Decimal(text[:-1]) / 100
        try:
            return Decimal(text)
        except ArithmeticError:
            pass
    raise ValueError(f"a decimal amount or rate such as '12.34' or '10.5%', got {value!r}")


def bounded(low: int | Decimal | None, high: int | Decimal | None, what: str) -> AfterValidator:
    """A check that a number lies in [low, high] (either end open when None); `what` says what was expected."""

    def check(value: int | Decimal | None) -> int | Decimal | None:
        if value is None:
            return value
        if (low is not None and value < low) or (high is not None and value > high):
            raise ValueError(what)
        return value

    return AfterValidator(check)


# Amounts of money in the terms are prices, deposits and thresholds: never negative
# (a credit is a bill line, not a term).
Money = Annotated[
    Decimal, BeforeValidator(_decimal), bounded(0, None, "an amount of money of zero or more, e.g. '12.34'")
]
# Every rate in the agreement is a fraction of an amount: a discount, a monthly interest
# rate, a tax factor, a share of listings or of calls. Written '0.015' or '1.5%'.
Rate = Annotated[
    Decimal, BeforeValidator(_decimal), bounded(0, 1, "a rate from 0 to 1 (0 % to 100 %), e.g. '0.015' or '1.5%'")
]
# A count per second (DoS call attempts): above zero, no upper bound in the text.
PerSecond = Annotated[
    Decimal,
    BeforeValidator(_decimal),
    bounded(Decimal("0.000001"), None, "a number of events per second above zero, e.g. '50'"),
]


class PeriodUnit(str, Enum):
    CALENDAR_DAYS = "calendar_days"
    BUSINESS_DAYS = "business_days"
    WEEKS = "weeks"
    MONTHS = "months"
    YEARS = "years"
    HOURS = "hours"


_UNIT_WORDS = {
    "day": PeriodUnit.CALENDAR_DAYS,
    "days": PeriodUnit.CALENDAR_DAYS,
    "calendar day": PeriodUnit.CALENDAR_DAYS,
    "calendar days": PeriodUnit.CALENDAR_DAYS,
    "business day": PeriodUnit.BUSINESS_DAYS,
    "business days": PeriodUnit.BUSINESS_DAYS,
    "week": PeriodUnit.WEEKS,
    "weeks": PeriodUnit.WEEKS,
    "month": PeriodUnit.MONTHS,
    "months": PeriodUnit.MONTHS,
    "year": PeriodUnit.YEARS,
    "years": PeriodUnit.YEARS,
    "hour": PeriodUnit.HOURS,
    "hours": PeriodUnit.HOURS,
}


_MOST = {
    PeriodUnit.CALENDAR_DAYS: 3653,
    PeriodUnit.BUSINESS_DAYS: 2610,
    PeriodUnit.WEEKS: 522,
    PeriodUnit.MONTHS: 120,
    PeriodUnit.YEARS: 10,
    PeriodUnit.HOURS: 87660,
}


class Period(BaseModel):
    """A length of time in the agreement's own unit ("30 calendar days", "3 business days")."""

    model_config = ConfigDict(frozen=True)

    amount: int
    unit: PeriodUnit

    @model_validator(mode="after")
    def _sane(self) -> Period:
        # The longest period in the agreement is two years (the Initial Term); ten years
        # bounds any period of a commercial agreement and catches a unit typed wrong.
        most = _MOST[self.unit]
        if not 0 <= self.amount <= most:
            unit = self.unit.value.replace("_", " ")
            raise ValueError(f"a period from 0 to {most} {unit} (ten years)")
        return self

    @model_validator(mode="before")
    @classmethod
    def _parse_text(cls, data: object) -> object:
        if isinstance(data, str):
            match = re.match(r"^\s*(\d+)\s+([a-z_ ]+?)\s*$", data.lower())
            words = match.group(2).replace("_", " ") if match else ""
            if not match or words not in _UNIT_WORDS:
                raise ValueError(
                    "a period such as '30 calendar days', '10 business days', '12 months', "
                    f"'2 years' or '48 hours', got {data!r}"
                )
            return {"amount": int(match.group(1)), "unit": _UNIT_WORDS[words]}
        return data

    def __str__(self) -> str:
        unit = self.unit.value.replace("_", " ")
        return f"{self.amount} {unit[:-1] if self.amount == 1 else unit}"


class Roll(str, Enum):
    """What happens when a computed date is not a day on which the act can be done."""

    NONE = "none"
    NEXT_BUSINESS_DAY = "next_business_day"
    PREVIOUS_BUSINESS_DAY = "previous_business_day"
    # III.9.2: "If the Bill Due Date is a Saturday, Sunday, or has been designated a bank
    # holiday, payment will be made the next Business Day."
    WEEKEND_OR_BANK_HOLIDAY_TO_NEXT_BUSINESS_DAY = "weekend_or_bank_holiday_to_next_business_day"


class Direction(str, Enum):
    AFTER = "after"
    BEFORE = "before"


class HolidaySource(BaseModel):
    """Where a set of holidays comes from: the `holidays` package, or listed dates."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["country", "financial", "dates"]
    code: str | None = None
    subdivision: str | None = None
    observed: bool = True
    dates: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> HolidaySource:
        if self.kind in ("country", "financial") and not self.code:
            raise ValueError(f"holiday source of kind {self.kind!r} needs a code (e.g. US, XFED)")
        if self.kind == "country":
            countries = holidays.list_supported_countries()
            if self.code not in countries:
                raise ValueError(f"code: expected a country code of the holidays package such as US, got {self.code!r}")
            if self.subdivision is not None and self.subdivision not in countries[self.code]:
                raise ValueError(
                    f"subdivision: expected a subdivision of {self.code} such as "
                    f"{countries[self.code][0] if countries[self.code] else '(none)'}, got {self.subdivision!r}"
                )
        if self.kind == "financial" and self.code not in holidays.list_supported_financial():
            raise ValueError(
                f"code: expected a financial market code of the holidays package such as XNYS, got {self.code!r}"
            )
        for day in self.dates:
            try:
                dt.date.fromisoformat(day[:10])
            except ValueError:
                raise ValueError(
                    f"dates: expected an ISO date, optionally with a name, such as "
                    f"'2012-12-24 Christmas Eve', got {day!r}"
                ) from None
        return self
