"""`icaops webhooks deliver|list|log`: the delivery worker and what it sent (docs/webhooks.md)."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.table import Table

from ..app.clock import now
from ..app.webhooks import DeliveryReport, deliver_due, delivery_log, list_subscriptions, webhook_client
from .options import DbOpt, DbPasswordFileOpt, open_db
from .output import console

__all__ = ["webhooks_app"]

webhooks_app = typer.Typer(help="Webhooks: the delivery worker, subscriptions, the delivery log.", no_args_is_help=True)
OrgOpt = typer.Option(..., "--org", help="The organisation id (an ILEC or a CLEC).")


@webhooks_app.command("deliver")
def deliver(
    once: bool = typer.Option(False, "--once", help="One pass over the due deliveries, then exit."),
    interval: float = typer.Option(2.0, "--interval", min=0.1, help="Seconds to wait when nothing is due."),
    limit: int = typer.Option(100, "--limit", min=1, help="Deliveries sent per pass."),
    db: str | None = DbOpt,
    db_password_file: Path | None = DbPasswordFileOpt,
) -> None:
    """Send the due webhooks, signed, and retry failures on the Standard Webhooks schedule.

    Stateless: several workers may run on one database; each delivery is sent by one of them."""
    engine = open_db(db, db_password_file)
    with webhook_client() as client:
        try:
            while True:
                report = deliver_due(engine, now(), client, limit=limit)
                if report.attempted:
                    _print_report(report)
                if once:
                    return
                if report.attempted < limit:  # a full pass may leave more due: go on at once
                    time.sleep(interval)
        except KeyboardInterrupt:
            console.print("stopped")
        finally:
            engine.dispose()


def _print_report(report: DeliveryReport) -> None:
    console.print(
        f"{now():%Y-%m-%d %H:%M:%S} UTC: {report.attempted} sent, {report.delivered} delivered, "
        f"{report.retrying} to retry, {report.failed} failed"
    )


@webhooks_app.command("list")
def list_command(
    org: str = OrgOpt,
    deleted: bool = typer.Option(False, "--deleted", help="Include deleted subscriptions."),
    db: str | None = DbOpt,
    db_password_file: Path | None = DbPasswordFileOpt,
) -> None:
    """An organisation's webhook subscriptions (never their secrets)."""
    subscriptions = list_subscriptions(open_db(db, db_password_file), org, include_deleted=deleted)
    table = Table(title=f"webhook subscriptions of {org}: {len(subscriptions)}")
    table.add_column("id", no_wrap=True)
    for col in ("callback", "event types", "created (UTC)", "deleted (UTC)"):
        table.add_column(col, overflow="fold")
    for s in subscriptions:
        deleted_at = f"{s.deleted_at:%Y-%m-%d %H:%M:%S}" if s.deleted_at else ""
        table.add_row(s.id, s.callback, ", ".join(s.event_types), f"{s.created_at:%Y-%m-%d %H:%M:%S}", deleted_at)
    console.print(table)


@webhooks_app.command("log")
def log_command(
    org: str = OrgOpt,
    status: str | None = typer.Option(None, "--status", help="pending, delivered or failed."),
    subscription: str | None = typer.Option(None, "--subscription", help="Only this subscription's deliveries."),
    after: int | None = typer.Option(
        None, "--after", min=1, help="Page on: the deliveries older than this id (printed under the last page)."
    ),
    limit: int = typer.Option(50, "--limit", min=1, max=500),
    db: str | None = DbOpt,
    db_password_file: Path | None = DbPasswordFileOpt,
) -> None:
    """The delivery log of an organisation, newest first: each delivery and every attempt."""
    log = delivery_log(open_db(db, db_password_file), org, subscription, status, after, limit)
    older = f" older than {after}" if after else ""
    table = Table(title=f"webhook deliveries of {org}{older}: {len(log.items)} shown")
    for col in ("id", "subscription", "event type", "webhook-id", "status"):
        table.add_column(col, no_wrap=True)
    table.add_column("attempts (UTC: status or error, ms)", overflow="fold")
    for d in log.items:
        attempts = "\n".join(
            f"{a.at:%Y-%m-%d %H:%M:%S} {a.status_code or a.error} {a.duration_ms} ms"
            + (f" ({a.error})" if a.error and a.status_code else "")
            for a in d.log
        )
        if d.status == "pending" and d.next_attempt_at:
            attempts += f"\nnext {d.next_attempt_at:%Y-%m-%d %H:%M:%S}"
        table.add_row(str(d.id), d.subscription_id, d.event_type, d.message_id, d.status, attempts.strip())
    console.print(table)
    if log.next_before is not None:
        console.print(f"more: --after {log.next_before}")
