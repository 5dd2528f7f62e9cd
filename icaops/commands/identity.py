"""`icaops orgs`, `icaops users`, `icaops tokens`: the gateway's organisations, users and API
tokens (docs/security.md). Run by the operator; every change is in the audit log."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import cast

import typer
from rich.table import Table

from ..app.errors import UserError
from ..identity import OrgKind, Role
from .options import DbOpt, DbPasswordFileOpt, open_db
from .output import console

__all__ = ["orgs_app", "tokens_app", "users_app"]

orgs_app = typer.Typer(
    help="Organisations: CenturyLink, each CLEC (OCN, CCNA, accounts), auditors.", no_args_is_help=True
)
users_app = typer.Typer(help="Users of the gateway and their roles.", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens: issued once, scoped, revocable.", no_args_is_help=True)


def _when(moment: dt.datetime | None) -> str:
    return "" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


@orgs_app.command("add")
def orgs_add(
    org_id: str = typer.Argument(..., metavar="ID", help="The organisation's id, e.g. granite."),
    kind: str = typer.Option(..., "--kind", help="ilec, clec or auditor."),
    name: str = typer.Option(..., "--name", help="The organisation's name."),
    ocn: str | None = typer.Option(None, "--ocn", help="Operating Company Number (III.13.1)."),
    ccna: str | None = typer.Option(None, "--ccna", help="Customer Carrier Name Abbreviation (III.13.1)."),
    accounts: list[str] = typer.Option([], "--account", help="A billing account the CLEC owns (repeatable)."),
    db: str | None = DbOpt,
    db_password_file: Path | None = DbPasswordFileOpt,
) -> None:
    """Add an organisation (a CLEC with its billing accounts)."""
    from ..app.identity import create_organisation

    engine = open_db(db, db_password_file)
    org = create_organisation(engine, org_id, cast(OrgKind, kind), name, ocn, ccna, accounts)  # checked there
    console.print(f"organisation {org.id} ({org.kind}) added; accounts: {', '.join(sorted(org.accounts)) or 'none'}")


@orgs_app.command("list")
def orgs_list(db: str | None = DbOpt, db_password_file: Path | None = DbPasswordFileOpt) -> None:
    """The organisations and their billing accounts."""
    from ..app.identity import list_organisations

    orgs = list_organisations(open_db(db, db_password_file))
    table = Table(title=f"{len(orgs)} organisations")
    for col in ("id", "kind", "name", "OCN", "CCNA", "accounts"):
        table.add_column(col, overflow="fold")
    for o in orgs:
        table.add_row(o.id, o.kind, o.name, o.ocn or "", o.ccna or "", ", ".join(sorted(o.accounts)))
    console.print(table)


def _password(password_file: Path | None) -> str:
    """The password from a file (its first line), else asked for twice without echo."""
    if password_file is None:
        return str(typer.prompt("password", hide_input=True, confirmation_prompt=True))
    try:
        text = password_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"--password-file {password_file}: cannot be read: {exc}", field="--password-file") from None
    return text.splitlines()[0] if text else ""


@users_app.command("add")
def users_add(
    email: str = typer.Argument(..., help="The user's e-mail (the login name)."),
    org: str = typer.Option(..., "--org", help="The organisation's id."),
    role: str = typer.Option(
        ..., "--role", help="clec_user, clec_admin, ilec_operations, ilec_billing, ilec_retail_sales or auditor."
    ),
    name: str = typer.Option(..., "--name", help="The user's name."),
    password_file: Path | None = typer.Option(
        None, "--password-file", help="A file whose first line is the password (default: asked without echo)."
    ),
    db: str | None = DbOpt,
    db_password_file: Path | None = DbPasswordFileOpt,
) -> None:
    """Add a user with a role fitting its organisation; the password is never a command-line argument."""
    from ..app.identity import create_user

    engine = open_db(db, db_password_file)
    user = create_user(engine, org, email, name, cast(Role, role), _password(password_file))  # checked there
    console.print(f"user {user.email} ({user.role} of {user.org_id}) added: id {user.id}")


@users_app.command("list")
def users_list(
    org: str | None = typer.Option(None, "--org", help="Only this organisation's users."),
    db: str | None = DbOpt,
    db_password_file: Path | None = DbPasswordFileOpt,
) -> None:
    """The users, their organisation and role."""
    from ..app.identity import list_users

    users = list_users(open_db(db, db_password_file), org)
    table = Table(title=f"{len(users)} users")
    for col in ("e-mail", "name", "organisation", "role", "id", "disabled"):
        table.add_column(col, overflow="fold")
    for u in users:
        table.add_row(u.email, u.name, u.org_id, u.role, u.id, "disabled" if u.disabled else "")
    console.print(table)


@users_app.command("disable")
def users_disable(
    email: str = typer.Argument(..., help="The user's e-mail."),
    db: str | None = DbOpt,
    db_password_file: Path | None = DbPasswordFileOpt,
) -> None:
    """Disable a user: no login and none of its tokens accepted from now on."""
    from ..app.identity import disable_user, find_user

    engine = open_db(db, db_password_file)
    user = disable_user(engine, find_user(engine, email).id)
    console.print(f"user {user.email} disabled")


@tokens_app.command("issue")
def tokens_issue(
    email: str = typer.Argument(..., help="The e-mail of the token's user."),
    name: str = typer.Option(..., "--name", help="What the token is for, e.g. order-system."),
    scopes: list[str] = typer.Option(
        [], "--scope", help="A permission the token is limited to (repeatable; default: the role's)."
    ),
    expires_days: int | None = typer.Option(
        None, "--expires-days", min=1, help="Days until the token expires (default: never)."
    ),
    db: str | None = DbOpt,
    db_password_file: Path | None = DbPasswordFileOpt,
) -> None:
    """Issue a token and print it once: only a hash of its secret is kept."""
    from ..app.clock import now as clock_now
    from ..app.identity import find_user, issue_token

    engine = open_db(db, db_password_file)
    now = clock_now()
    expires_at = None if expires_days is None else now + dt.timedelta(days=expires_days)
    user = find_user(engine, email)
    plaintext, token = issue_token(engine, user.id, name, frozenset(scopes) if scopes else None, expires_at, now)
    console.print(
        f"token {token.id} for {user.email} ({', '.join(sorted(token.scopes)) if token.scopes else 'all of ' + user.role}); expires: {_when(expires_at) or 'never'}"
    )
    console.print("Keep it now; it is not shown again:")
    console.print(plaintext, soft_wrap=True)


@tokens_app.command("list")
def tokens_list(
    email: str = typer.Argument(..., help="The e-mail of the tokens' user."),
    db: str | None = DbOpt,
    db_password_file: Path | None = DbPasswordFileOpt,
) -> None:
    """A user's tokens (never their secrets)."""
    from ..app.identity import find_user, list_tokens

    engine = open_db(db, db_password_file)
    tokens = list_tokens(engine, find_user(engine, email).id)
    table = Table(title=f"{len(tokens)} tokens of {email.strip().lower()}")
    for col in ("id", "name", "scopes", "created", "expires", "revoked", "last used"):
        table.add_column(col, overflow="fold")
    for t in tokens:
        shown = ", ".join(sorted(t.scopes)) if t.scopes is not None else "(the role's)"
        table.add_row(
            t.id, t.name, shown, _when(t.created_at), _when(t.expires_at), _when(t.revoked_at), _when(t.last_used_at)
        )
    console.print(table)


@tokens_app.command("revoke")
def tokens_revoke(
    token_id: str = typer.Argument(..., metavar="ID", help="The token's id (the part after icaops_)."),
    db: str | None = DbOpt,
    db_password_file: Path | None = DbPasswordFileOpt,
) -> None:
    """Revoke a token: refused from now on."""
    from ..app.identity import revoke_token

    token = revoke_token(open_db(db, db_password_file), token_id, None)
    console.print(f"token {token.id} revoked at {_when(token.revoked_at)}")
