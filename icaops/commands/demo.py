"""`icaops demo` (`make demo`): the reference agreement's terms and deadlines at work, a month of
billing and a day of traffic, each printed with its explanation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from ..app.agreements import open_agreement
from ..billing.cycle import cycle_for
from ..billing.late_charge import late_payment_charge
from ..calendar.deadlines import Deadlines
from ..explain import Explained
from ..privatefiles import private_folder
from ..terms.display import display
from ..terms.loader import Agreement
from .options import AgreementOpt
from .output import console, print_explained

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..app.workspace import Workspace
    from ..billing.model import Bill

__all__ = ["KEY_TERMS", "demo", "run_billing_and_gateway", "run_billing_demo", "run_demo"]

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


def _explained(title: str, result: Explained[object]) -> None:
    console.print()
    print_explained(title, result)


def run_demo(agreement: Agreement) -> None:
    """Print the agreement's key terms and a set of computed deadlines, each explained."""
    terms = agreement.terms
    console.rule(f"[bold]{agreement.title}")
    layers = ", ".join(f"{l.id} ({len(l.docs)} file{'s' if len(l.docs) != 1 else ''})" for l in agreement.layers)
    console.print(
        f"agreement {agreement.id}, version {agreement.version}; layers: {layers}; {sum(1 for _ in terms.flat())} terms, each with its clause"
    )
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
    _explained("Bill Date for the cycle closing 2012-08-03", bill_date)
    due = dl.bill_due_date(bill_date.value)
    _explained("Bill Due Date", due)
    _explained("Last day to dispute that bill", dl.dispute_filing_deadline(bill_date.value))
    timeline = dl.nonpayment(bill_date.value)
    _explained("If unpaid: latest day for the order-suspension notice", timeline.suspension_notice_by)
    _explained("If unpaid: earliest day order processing may stop", timeline.earliest_suspension)
    _explained("If unpaid: earliest disconnection", timeline.earliest_disconnection)
    _explained("If unpaid: Default under III.2.6(d) from", timeline.nonpayment_default)
    _explained(
        "Late payment charge on $10,000.00 paid 2012-10-15",
        late_payment_charge(terms, Decimal("10000.00"), bill_date.value, due.value, dt.date(2012, 10, 15)),
    )
    _explained(
        "Dispute resolved 2012-12-27: credit due by", dl.dispute_credit_deadline(dt.date(2012, 12, 27), bill_date.value)
    )
    _explained(
        "New Year's Day 2022 (observed Friday 2021-12-31): Bill Due Date of a bill dated 2021-12-01",
        dl.bill_due_date(dt.date(2021, 12, 1)),
    )
    _explained(
        "First Class notice mailed Thursday 2021-12-30 is received",
        dl.notice_received(dt.date(2021, 12, 30), "first_class_mail"),
    )
    _explained(
        "Orders may be submitted from (set-up completed 2012-08-01)", dl.ordering_allowed_from(dt.date(2012, 8, 1))
    )
    _explained(
        "Notice of Termination received 2014-04-15 ends the Agreement on", dl.termination_date(dt.date(2014, 4, 15))
    )
    _explained("USF certification for 2027 due", dl.usf_certification_due(2027))


def run_billing_demo(
    agreement: Agreement,
    out: Path,
    lines: int = 3000,
    between: Callable[[Workspace, Bill], None] | None = None,
) -> tuple[Workspace, dt.date]:
    """Set up the reference CLEC with `lines` resold lines and a month of activity, close the
    cycle, print the bill, write the invoice (HTML, PDF), the CSV and the X12 811 under `out`;
    run `between` (the gateway's month), then the bill's follow-up (a dispute, a late payment,
    a suspension notice) and print the account status with explanations; returns the demo's
    workspace and the day of that status."""
    from ..app.billing import close_cycle, explain_line, write_outputs
    from ..app.workspace import open_workspace
    from ..billing.books import Books
    from ..samples.activity import REFERENCE_ACCOUNT, after_the_bill, reference_month
    from .billing import print_bill, print_status

    private_folder(out)
    db = out / "icaops.sqlite"
    for stale in out.glob("icaops.sqlite*"):
        stale.unlink()  # the demo starts from an empty log each time
    ws = open_workspace(f"sqlite:///{db}", agreement)
    console.rule(f"[bold]Billing: {agreement.manifest['parties']['clec']['short']} with {lines:,} resold lines")
    period, log = reference_month(agreement, lines)
    added, _ = ws.append(log, "demo")
    console.print(
        f"event log {db}: {added:,} events (account set-up, as-is migrations, orders, searches, dispatches, usage)"
    )
    (bill,) = close_cycle(ws, period, [REFERENCE_ACCOUNT])
    print_bill(bill, lines=12)
    paths = write_outputs(ws, bill, out)
    console.print("written: " + ", ".join(str(p) for p in paths.values()))
    books = Books(ws.agreement, ws.events())
    wtn = bill.recurring.column("line_id")[0].as_py()
    for line_id in (f"{bill.id}:{wtn}", f"{bill.id}:surcharge:fusc"):
        _, explanation = explain_line(books, line_id)
        print_explained(f"explain {line_id}", explanation)

    if between is not None:
        between(ws, bill)
        books = Books(ws.agreement, ws.events())
    follow_up = after_the_bill(bill, books.deadlines())
    ws.append(follow_up, "demo")
    notice = next(e for e in follow_up if e["type"] == "notice.given")
    as_of = notice["date"] + dt.timedelta(days=6)
    console.print(
        f"\nthen: dispute of the trip charges, a late partial payment, the ILEC's suspension notice ({len(follow_up)} events)"
    )
    print_status(ws, REFERENCE_ACCOUNT, as_of)
    return ws, as_of


def run_billing_and_gateway(loaded: Agreement, out: Path, lines: int) -> Workspace:
    """The month of billing (`run_billing_demo`) with, after its bill, the next month through
    the gateway's API (`run_gateway_demo`); then both parties' obligations, their iCalendar
    feeds and a notice letter (`run_obligations_demo`). Returns the demo's workspace."""
    from .demo_gateway import run_gateway_demo, run_obligations_demo

    bill_dates: list[dt.date] = []

    def gateway_month(ws: Workspace, bill: Bill) -> None:
        # The month after the bill, through the API; the next cycle closes on its Bill Date.
        billed = bill.cycle.bill_date.value
        bill_dates.append(billed)
        after = (billed.replace(day=1) + dt.timedelta(days=31)).replace(day=1)
        nxt = cycle_for(bill.account.id, f"{after:%Y-%m}", bill.account.cycle_close_day, Deadlines(ws.agreement.terms))
        run_gateway_demo(ws.engine, loaded, out, billed, nxt.period, nxt.bill_date.value)

    ws, as_of = run_billing_demo(loaded, out, lines, gateway_month)
    run_obligations_demo(ws, out, as_of, unpaid_bill_date=bill_dates[0])
    return ws


def demo(
    agreement: str = AgreementOpt,
    out: Path = typer.Option(Path("out/demo"), "--out", help="Folder for the demo's database and files."),
    lines: int = typer.Option(3000, "--lines", help="Resold lines of the reference CLEC."),
) -> None:
    """The main job on embedded defaults: terms and deadlines, a month of billing for the
    reference CLEC (SQLite state) with its invoice, 811 and account status, the next month
    through the gateway's REST API (an order, a trouble ticket, a refused CSR search, the next
    bill), both parties' obligations with a calendar feed and a notice letter, then a day of
    VoIP traffic checked against the Carrier Partner rules (DuckDB) with its report, and how to
    start `icaops serve` on the demo database."""
    from ..app.traffic import demo_day
    from .demo_gateway import DEMO_USERS_FILE, print_serve_help
    from .traffic import print_demo_day

    loaded = open_agreement(agreement)
    run_demo(loaded)
    ws = run_billing_and_gateway(loaded, out, lines)
    print_demo_day(demo_day(loaded, out / "traffic", audit_log=ws.engine))
    print_serve_help(out / "icaops.sqlite", out / DEMO_USERS_FILE)
