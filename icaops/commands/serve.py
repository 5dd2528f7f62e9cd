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
) -> None:
    """Serve the wholesale gateway's REST API (OpenAPI at /openapi.json, docs at /docs)."""
    import uvicorn

    from ..api.app import AGREEMENT_VARIABLE
    from ..store.db import PASSWORD_FILE_VARIABLE, URL_VARIABLE

    open_db(db, db_password_file).dispose()  # migrated once here, before the workers start
    if db:
        os.environ[URL_VARIABLE] = db
    if db_password_file:
        os.environ[PASSWORD_FILE_VARIABLE] = str(db_password_file)
    os.environ[AGREEMENT_VARIABLE] = agreement
    console.print(
        f"icaops gateway on http://{host}:{port} ({workers} worker{'s' if workers > 1 else ''}); OpenAPI at /openapi.json"
    )
    uvicorn.run(
        "icaops.api.app:from_environment", factory=True, host=host, port=port, workers=workers, log_level="info"
    )
