"""Column types that keep money exact and times zone-aware on every database.

PostgreSQL has NUMERIC and timestamptz. SQLite has neither: its NUMERIC affinity turns
`18.47` into a binary float, and SQLAlchemy's SQLite DATETIME drops the zone. So on
SQLite an exact amount is stored as an INTEGER count of its smallest unit (cents for
scale 2), which SQLite sums exactly, and a time is stored in UTC and read back in UTC.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import BigInteger, DateTime, Numeric, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

__all__ = ["Bounded", "Exact", "UtcDateTime", "to_units"]


def to_units(value: Decimal, scale: int, column: str = "amount") -> int:
    """`value` as an integer number of 10**-scale units; more decimal places is an error."""
    units = value.scaleb(scale)
    if units != units.to_integral_value():
        raise ValueError(f"{column}: {value} has more than {scale} decimal places; expected a rounded amount")
    return int(units)


class Exact(TypeDecorator[Decimal]):
    """NUMERIC(precision, scale) read as Decimal; on SQLite an INTEGER of 10**-scale units."""

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int = 18, scale: int = 2) -> None:
        super().__init__(precision=precision, scale=scale, asdecimal=True)
        self.precision, self.scale = precision, scale

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value, dialect: Dialect):
        if value is None:
            return None
        if isinstance(value, float) or not isinstance(value, (Decimal, int)):
            raise TypeError(f"an exact amount must be a Decimal or int, never {type(value).__name__}: {value!r}")
        units = to_units(Decimal(value), self.scale)  # no database may round it silently
        return units if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect: Dialect):
        if value is None:
            return None
        if dialect.name == "sqlite":
            return Decimal(int(value)).scaleb(-self.scale)
        return Decimal(value)

    @property
    def python_type(self) -> type:
        return Decimal


class Bounded(TypeDecorator[str]):
    """VARCHAR(length) that refuses a longer value on every database: PostgreSQL refuses it
    itself, but SQLite stores it whole and other databases may truncate it."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        """The value, if it fits the column; a longer one is refused, never cut."""
        length = getattr(self.impl_instance, "length", None)
        if value is not None and length is not None and len(value) > length:
            raise ValueError(f"{value[:40]!r}...: {len(value)} characters; the column holds at most {length}")
        return value


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A zone-aware timestamp: naive datetimes are refused; read back in UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect: Dialect):
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError(f"timestamp {value} has no time zone; expected an aware datetime")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value, dialect: Dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)
