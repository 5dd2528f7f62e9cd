"""`icaops serve`: the REST API under uvicorn, with as many workers as asked; they share nothing
but the database, so several behave as one."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from .options import AgreementOpt, DbOpt, DbPasswordFileOpt, open_db
from .output import console

__all__ = ["serve"]


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="Worker processes (stateless; one database)."),
    agreement: str = AgreementOpt,
    db: str | None = DbOpt,
    db_password_file: Path | None = DbPasswordFileOpt,
    clock_file: Path | None = typer.Option(
        None,
        "--clock-file",
        help="Rehearsals only (a demo, the docs' examples): read the server's current moment from this file "
        "(ISO 8601 with offset, e.g. 2013-03-04T10:00-06:00) on every request. Never in production.",
    ),
) -> None:
    """Serve the wholesale gateway's REST API (OpenAPI at /openapi.json, docs at /docs) and the web portal (/portal)."""
    import uvicorn

    from ..api.app import AGREEMENT_VARIABLE, ALLOWED_HOSTS_VARIABLE, CLOCK_FILE_VARIABLE, allowed_hosts, file_clock
    from ..store.db import PASSWORD_FILE_VARIABLE, URL_VARIABLE

    hosts = allowed_hosts(os.environ.get(ALLOWED_HOSTS_VARIABLE), host)  # refused here, before the workers start
    open_db(db, db_password_file).dispose()  # migrated once here, before the workers start
    if ALLOWED_HOSTS_VARIABLE not in os.environ and host in ("0.0.0.0", "::"):
        console.print(
            f"[yellow]every interface[/yellow]: only Host {', '.join(hosts)} is answered; set {ALLOWED_HOSTS_VARIABLE} "
            "to the names clients use (docs/security.md)"
        )
    os.environ[ALLOWED_HOSTS_VARIABLE] = ",".join(hosts)
    if db:
        os.environ[URL_VARIABLE] = db
    if db_password_file:
        os.environ[PASSWORD_FILE_VARIABLE] = str(db_password_file)
    os.environ[AGREEMENT_VARIABLE] = agreement
    if clock_file:
        clock_file = clock_file.resolve()
        moment = file_clock(clock_file)()  # a malformed file is refused here, before the workers start
        os.environ[CLOCK_FILE_VARIABLE] = str(clock_file)
        console.print(
            f"[yellow]rehearsal clock[/yellow]: the server's time is read from {clock_file} (now {moment.isoformat()})"
        )
    console.print(
        f"icaops gateway on http://{host}:{port} ({workers} worker{'s' if workers > 1 else ''}); OpenAPI at /openapi.json; "
        f"the web portal at http://{host}:{port}/portal/; answering Host {', '.join(hosts)} ({ALLOWED_HOSTS_VARIABLE})"
    )
    uvicorn.run(
        "icaops.api.app:from_environment", factory=True, host=host, port=port, workers=workers, log_level="info"
    )
