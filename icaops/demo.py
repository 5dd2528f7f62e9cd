"""`make demo`: load the reference agreement and show its terms and deadlines at work."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from rich.console import Console
from rich.table import Table

from .billing.late_charge import late_payment_charge
from .calendar.deadlines import Deadlines
from .explain import Explained
from .terms.display import display
from .terms.loader import Agreement

__all__ = ["run_demo", "KEY_TERMS"]

KEY_TERMS = (
    "lifecycle.effective_date",
    "resale.discount_rate",
    "billing.late_payment.rate_per_month",
    "billing.late_payment.daily_rate_method",
    "deposit.minimum_amount",
    "deadlines.bill_due_date",
    "deadlines.order_suspension_earliest",
    "deadlines.disconnection_notice",
    "prices.account_establishment",
    "prices.message_provisioning",
    "carrier_partner.rules.denial_of_service",
)


def _explained(console: Console, title: str, result: Explained) -> None:
    console.print(f"\n[bold]{title}[/bold] → [bold yellow]{result.value}[/bold yellow]")
    for i, step in enumerate(result.steps, 1):
        console.print(f"   {i}. {step.text} [green]\\[{step.clause}][/green]" if step.clause else f"   {i}. {step.text}")


def run_demo(agreement: Agreement, console: Console) -> None:
    """Print the agreement's key terms and a set of computed deadlines, each explained."""
    terms = agreement.terms
    console.rule(f"[bold]{agreement.title}")
    layers = ", ".join(f"{l.id} ({len(l.docs)} file{'s' if len(l.docs) != 1 else ''})" for l in agreement.layers)
    console.print(f"agreement {agreement.id}, version {agreement.version}; layers: {layers}; {sum(1 for _ in terms.flat())} terms, each with its clause")
    table = Table(title="Key terms")
    for col in ("key", "value", "clause", "quote"):
        table.add_column(col, overflow="fold")
    for key in KEY_TERMS:
        term = terms.get(key)
        table.add_row(key, display(term.value), term.clause, term.quote[:70] + ("…" if len(term.quote) > 70 else ""))
    console.print(table)

    dl = Deadlines(terms)
    console.rule("[bold]Deadlines, each explained by its clauses")
    bill_date = dl.bill_date(dt.date(2012, 8, 3))
    _explained(console, "Bill Date for the cycle closing 2012-08-03", bill_date)
    due = dl.bill_due_date(bill_date.value)
    _explained(console, "Bill Due Date", due)
    _explained(console, "Last day to dispute that bill", dl.dispute_filing_deadline(bill_date.value))
    timeline = dl.nonpayment(bill_date.value)
    _explained(console, "If unpaid: latest day for the order-suspension notice", timeline.suspension_notice_by)
    _explained(console, "If unpaid: earliest day order processing may stop", timeline.earliest_suspension)
    _explained(console, "If unpaid: earliest disconnection", timeline.earliest_disconnection)
    _explained(console, "If unpaid: Default under III.2.6(d) from", timeline.nonpayment_default)
    _explained(console, "Late payment charge on $10,000.00 paid 2012-10-15", late_payment_charge(terms, Decimal("10000.00"), bill_date.value, due.value, dt.date(2012, 10, 15)))
    _explained(console, "Dispute resolved 2012-12-27: credit due by", dl.dispute_credit_deadline(dt.date(2012, 12, 27), bill_date.value))
    _explained(console, "New Year's Day 2022 (observed Friday 2021-12-31): Bill Due Date of a bill dated 2021-12-01", dl.bill_due_date(dt.date(2021, 12, 1)))
    _explained(console, "First Class notice mailed Thursday 2021-12-30 is received", dl.notice_received(dt.date(2021, 12, 30), "first_class_mail"))
    _explained(console, "Orders may be submitted from (set-up completed 2012-08-01)", dl.ordering_allowed_from(dt.date(2012, 8, 1)))
    _explained(console, "Notice of Termination received 2014-04-15 ends the Agreement on", dl.termination_date(dt.date(2014, 4, 15)))
    _explained(console, "USF certification for 2027 due", dl.usf_certification_due(2027))
