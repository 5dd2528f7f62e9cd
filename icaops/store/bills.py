"""Reads of the closed bills the store keeps (saved once at close, never edited): headers by
account and period, one header, and a bill's lines, a page at a time."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, Row, select, tuple_

from .models import BillLineRow, BillRow

__all__ = ["bill_header", "bill_headers", "bill_lines"]


def bill_headers(
    conn: Connection,
    accounts: Iterable[str] | None,
    period: str | None = None,
    after: tuple[str, str] | None = None,
    limit: int = 50,
) -> list[Row]:
    """Closed bills of these accounts (None: every account), of one period when given, in
    (account, bill id) order after `after`."""
    query = select(BillRow).where(BillRow.closed.is_(True)).order_by(BillRow.account_id, BillRow.id).limit(limit)
    if accounts is not None:
        query = query.where(BillRow.account_id.in_(sorted(accounts)))
    if period is not None:
        query = query.where(BillRow.period == period)
    if after is not None:
        query = query.where(tuple_(BillRow.account_id, BillRow.id) > tuple_(*after))
    return list(conn.execute(query))


def bill_header(conn: Connection, bill_id: str) -> Row | None:
    """One closed bill's header, or None."""
    return conn.execute(select(BillRow).where(BillRow.id == bill_id, BillRow.closed.is_(True))).first()


def bill_lines(conn: Connection, bill_id: str, after: str | None = None, limit: int = 50) -> list[Row]:
    """A page of a bill's lines in line id order after `after`."""
    query = select(BillLineRow).where(BillLineRow.bill_id == bill_id).order_by(BillLineRow.line_id).limit(limit)
    if after is not None:
        query = query.where(BillLineRow.line_id > after)
    return list(conn.execute(query))
