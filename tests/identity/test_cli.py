"""`icaops orgs`, `icaops users`, `icaops tokens` (issue 12 §3): the operator adds organisations
and users (the password from a file or a hidden prompt, never an argument), issues a token it
sees once, lists tokens without secrets, revokes and disables; each refusal is a message."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from icaops.app.audit import audit_entries
from icaops.app.errors import UserError
from icaops.app.identity import authenticate
from icaops.cli import app
from icaops.store import make_engine

runner = CliRunner()
PASSWORD = "a long enough passphrase"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("ICAOPS_ACTOR", "operator")
    return f"sqlite:///{tmp_path / 'icaops.sqlite'}"


def _run(db: str, *args: str, code: int = 0, given: str | None = None) -> str:
    result = runner.invoke(app, [*args, "--db", db], input=given)
    assert result.exit_code == code, result.output
    return result.output


def _setup(db: str, tmp_path: Path) -> Path:
    _run(db, "orgs", "add", "granite", "--kind", "clec", "--name", "Granite", "--ocn", "1234", "--ccna", "GTL",
         "--account", "CLEC001", "--account", "CLEC002")  # fmt: skip
    secret = tmp_path / "password"
    secret.write_text(PASSWORD + "\n")
    _run(db, "users", "add", "Ops@Granite.example", "--org", "granite", "--role", "clec_admin", "--name", "Ops",
         "--password-file", str(secret))  # fmt: skip
    return secret


def test_an_operator_sets_up_a_clec_and_issues_a_token_shown_once(db: str, tmp_path: Path):
    _setup(db, tmp_path)
    listed = _run(db, "orgs", "list")
    assert "granite" in listed and "CLEC001, CLEC002" in listed and "GTL" in listed
    out = _run(db, "tokens", "issue", "ops@granite.example", "--name", "order-system", "--scope", "orders.read",
               "--scope", "orders.submit", "--expires-days", "30")  # fmt: skip
    plaintext = next(line for line in out.splitlines() if line.startswith("icaops_"))
    engine = make_engine(db)
    now = dt.datetime.now(dt.UTC)
    actor = authenticate(engine, f"Bearer {plaintext}", now)
    assert actor.scopes == {"orders.read", "orders.submit"} and actor.accounts == {"CLEC001", "CLEC002"}
    tokens = _run(db, "tokens", "list", "ops@granite.example")
    assert actor.token_id in tokens and plaintext.split("_", 2)[2] not in tokens
    _run(db, "tokens", "revoke", str(actor.token_id))
    with pytest.raises(UserError):
        authenticate(engine, f"Bearer {plaintext}", now + dt.timedelta(seconds=1))
    assert {e.action for e in audit_entries(engine) if e.actor == "operator"} == {
        "organisation.created",
        "user.created",
        "token.issued",
        "token.revoked",
    }
    engine.dispose()


def test_the_password_is_asked_twice_without_echo_and_never_an_argument(db: str, tmp_path: Path):
    _setup(db, tmp_path)
    out = _run(db, "users", "add", "b@granite.example", "--org", "granite", "--role", "clec_user", "--name", "B",
               given=f"{PASSWORD}\n{PASSWORD}\n")  # fmt: skip
    assert PASSWORD not in out and "b@granite.example" in out
    refused = runner.invoke(
        app,
        [
            "users",
            "add",
            "c@granite.example",
            "--org",
            "granite",
            "--role",
            "clec_user",
            "--name",
            "C",
            "--password",
            PASSWORD,
            "--db",
            db,
        ],
    )
    assert refused.exit_code == 2 and "No such option" in refused.output


def test_refusals_are_messages(db: str, tmp_path: Path):
    secret = _setup(db, tmp_path)
    weak = tmp_path / "weak"
    weak.write_text("short\n")
    assert "at least 12 characters" in _run(
        db, "users", "add", "w@granite.example", "--org", "granite", "--role", "clec_user", "--name", "W",
        "--password-file", str(weak), code=2,
    )  # fmt: skip
    assert "role ilec_billing" in _run(
        db, "users", "add", "x@granite.example", "--org", "granite", "--role", "ilec_billing", "--name", "X",
        "--password-file", str(secret), code=2,
    )  # fmt: skip
    assert "has no permission orders.work" in _run(
        db, "tokens", "issue", "ops@granite.example", "--name", "x", "--scope", "orders.work", code=2
    )
    assert "no user with e-mail" in _run(db, "tokens", "list", "nobody@granite.example", code=2)
    assert "no token" in _run(db, "tokens", "revoke", "0123456789abcdef", code=2)


def test_a_disabled_user_is_listed_as_such(db: str, tmp_path: Path):
    _setup(db, tmp_path)
    _run(db, "users", "disable", "OPS@granite.example")
    listed = _run(db, "users", "list", "--org", "granite")
    assert "ops@granite.example" in listed and "disabled" in listed
    assert "0 users" in _run(db, "users", "list", "--org", "acme")
