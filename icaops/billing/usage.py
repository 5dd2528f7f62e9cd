"""Usage into billing: message counts from the Daily Usage File become per-message charges.

VI.9 has the ILEC record usage of resold lines and provide it to the CLEC; Article VIII
prices "Message Provisioning, per message". Each billing number's messages of a day go to
the CLEC account whose resold line that number was on that day; a count whose number is not
a resold line that day is kept apart with the reason, never billed to a guess.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa

__all__ = ["UNMATCHED_SCHEMA", "usage_events"]

UNMATCHED_SCHEMA = pa.schema(
    [("billing_number", pa.string()), ("call_date", pa.date32()), ("messages", pa.int64()), ("reason", pa.string())]
)


def usage_events(message_counts: pa.Table, inventory: pa.Table, source: str) -> tuple[list[dict[str, Any]], pa.Table]:
    """`usage.messages` events (one per account and day) for the counts whose billing number
    was a resold line of an account on the call date (inventory: `wtn`, `account_id`,
    `start_date`, `end_date`), and the unmatched counts with their reason.

    Event ids are `usage:SOURCE:ACCOUNT:DATE`, so feeding the same file twice adds nothing.
    """
    con = duckdb.connect()
    con.register("counts", message_counts.select(["billing_number", "call_date", "messages"]))
    con.register("lines", inventory.select(["wtn", "account_id", "start_date", "end_date"]))
    matched = con.sql("""
        WITH c AS (SELECT billing_number, call_date, sum(messages)::BIGINT AS messages FROM counts GROUP BY ALL),
        m AS (
            SELECT c.billing_number, c.call_date, c.messages, any_value(l.account_id) AS account_id,
                   count(DISTINCT l.account_id) AS accounts
            FROM c LEFT JOIN lines l
              ON l.wtn = c.billing_number AND c.call_date >= l.start_date
             AND (l.end_date IS NULL OR c.call_date <= l.end_date)
            GROUP BY ALL)
        SELECT * FROM m""").to_arrow_table()
    con.register("m", matched)
    events = [
        {
            "id": f"usage:{source}:{account}:{day.isoformat()}",
            "date": day,
            "type": "usage.messages",
            "account": account,
            "count": int(total),
            "source": source,
        }
        for account, day, total in con.execute(
            "SELECT account_id, call_date, sum(messages) FROM m WHERE accounts = 1 "
            "GROUP BY ALL ORDER BY call_date, account_id"
        ).fetchall()
    ]
    unmatched = con.sql("""
        SELECT billing_number, call_date, messages,
               CASE WHEN accounts = 0 THEN 'not a resold line of any account on the call date'
                    ELSE 'a resold line of more than one account on the call date' END AS reason
        FROM m WHERE accounts <> 1 ORDER BY call_date, billing_number""").to_arrow_table()
    return events, unmatched.cast(UNMATCHED_SCHEMA)
