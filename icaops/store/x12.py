"""Persistent X12 control numbers (docs/x12-811.md): each interchange gets the next number.

The counter row is created on first use and incremented under its row lock in the same
transaction (SQLite: the IMMEDIATE write lock), so concurrent writers get distinct numbers
and a number once given is never given again, even if the file is then not sent.
"""

from __future__ import annotations

from sqlalchemy import Engine, update

from .db import writing
from .models import X12ControlRow
from .sql import insert_or_ignore

__all__ = ["INTERCHANGE", "next_control_number"]

INTERCHANGE = "interchange"
_LARGEST = 999_999_999  # ISA13 has nine digits


def next_control_number(engine: Engine, name: str = INTERCHANGE) -> int:
    """The next control number of counter `name` (1, 2, 3 …), committed before it is returned."""
    with writing(engine) as conn:
        conn.execute(insert_or_ignore(conn, X12ControlRow.__table__, ("name",)), {"name": name, "last": 0})
        number = conn.execute(
            update(X12ControlRow)
            .where(X12ControlRow.name == name)
            .values(last=X12ControlRow.last + 1)
            .returning(X12ControlRow.last)
        ).scalar_one()
    if number > _LARGEST:
        raise ValueError(f"X12 control numbers of {name!r} are used up (the last is {_LARGEST})")
    return int(number)
