"""DNS rebinding (OWASP API8, security misconfiguration): a page on an attacker's domain whose
name is re-pointed at the gateway's address would send the user's browser to it with that
domain in the Host header. The gateway answers only the Host names it is configured for
($ICAOPS_ALLOWED_HOSTS; loopback and the address `icaops serve --host` binds by default):
any other is refused (400) before a route, the API's and the portal's alike (docs/security.md)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from icaops.api.app import (
    AGREEMENT_VARIABLE,
    ALLOWED_HOSTS_VARIABLE,
    LOOPBACK_HOSTS,
    allowed_hosts,
    create_app,
    from_environment,
)
from icaops.app.agreements import DEFAULT_AGREEMENT, open_agreement
from icaops.app.errors import UserError
from icaops.app.workspace import open_store
from icaops.cli import app as cli
from icaops.store.db import URL_VARIABLE

PATHS = ("/openapi.json", "/portal/login")


def test_by_default_the_loopback_names_and_the_address_served_on() -> None:
    assert allowed_hosts(None) == LOOPBACK_HOSTS == ("localhost", "127.0.0.1", "[::1]")
    assert allowed_hosts(None, "127.0.0.1") == LOOPBACK_HOSTS
    assert allowed_hosts(None, "10.0.0.5") == (*LOOPBACK_HOSTS, "10.0.0.5")
    assert allowed_hosts(None, "fd00::5") == (*LOOPBACK_HOSTS, "[fd00::5]")


def test_the_setting_names_the_hosts_and_a_malformed_one_is_refused() -> None:
    assert allowed_hosts(" GW.example.com, *.granite.example ,::1", "0.0.0.0") == (
        "gw.example.com", "*.granite.example", "[::1]",
    )  # fmt: skip
    assert allowed_hosts("*") == ("*",)
    for wrong in ("gw.example.com:8443", "https://gw.example.com", "gw.*.example", "", " , "):
        with pytest.raises(UserError) as refused:
            allowed_hosts(wrong)
        assert refused.value.field == ALLOWED_HOSTS_VARIABLE, wrong


def _client(tmp_path: Path, hosts: tuple[str, ...]) -> TestClient:
    engine = open_store(f"sqlite:///{tmp_path / 'hosts.sqlite'}")
    return TestClient(create_app(engine, open_agreement(DEFAULT_AGREEMENT), hosts=hosts), base_url="http://127.0.0.1")


def _status(client: TestClient, host: str, path: str) -> int:
    return client.get(path, headers={"host": host}).status_code


def test_a_foreign_host_is_refused_and_the_default_ones_pass(tmp_path: Path) -> None:
    with _client(tmp_path, allowed_hosts(None)) as client:
        for path in PATHS:
            for host in ("localhost", "127.0.0.1:8000", "[::1]:8000", "LOCALHOST:8000"):
                assert _status(client, host, path) == 200, (host, path)
            for host in ("attacker.example", "attacker.example:8000", "127.0.0.1.attacker.example", "[::2]"):
                r = client.get(path, headers={"host": host})
                assert (r.status_code, r.text) == (400, "Invalid host header"), (host, path)
        assert client.post("/auth/token", headers={"host": "attacker.example"}, json={}).status_code == 400


def test_a_domain_wildcard_answers_its_hosts_only(tmp_path: Path) -> None:
    with _client(tmp_path, allowed_hosts("*.granite.example")) as client:
        assert _status(client, "gw.granite.example", "/openapi.json") == 200
        assert _status(client, "granite.example.attacker.example", "/openapi.json") == 400
        assert _status(client, "127.0.0.1", "/openapi.json") == 400


def test_the_server_reads_the_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`from_environment` (each uvicorn worker): $ICAOPS_ALLOWED_HOSTS, loopback when unset."""
    monkeypatch.setenv(URL_VARIABLE, f"sqlite:///{tmp_path / 'env.sqlite'}")
    monkeypatch.setenv(ALLOWED_HOSTS_VARIABLE, "x")
    monkeypatch.delenv(ALLOWED_HOSTS_VARIABLE)
    with TestClient(from_environment(), base_url="http://127.0.0.1") as client:
        assert (_status(client, "localhost", "/openapi.json"), _status(client, "gw.example", "/openapi.json")) == (
            200, 400,
        )  # fmt: skip
    monkeypatch.setenv(ALLOWED_HOSTS_VARIABLE, "gw.example")
    with TestClient(from_environment(), base_url="http://127.0.0.1") as client:
        assert (_status(client, "localhost", "/openapi.json"), _status(client, "gw.example", "/openapi.json")) == (
            400, 200,
        )  # fmt: skip


def test_serve_hands_its_workers_the_hosts_and_refuses_a_malformed_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[dict[str, Any]] = []
    monkeypatch.setattr("uvicorn.run", lambda *args, **kwargs: started.append(kwargs))
    for variable in (ALLOWED_HOSTS_VARIABLE, URL_VARIABLE, AGREEMENT_VARIABLE):  # serve sets them: restored after
        monkeypatch.setenv(variable, "x")
        monkeypatch.delenv(variable)
    db = f"sqlite:///{tmp_path / 'serve.sqlite'}"
    result = CliRunner().invoke(cli, ["serve", "--db", db, "--host", "10.0.0.5"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert started and started[0]["host"] == "10.0.0.5"
    assert os.environ[ALLOWED_HOSTS_VARIABLE] == "localhost,127.0.0.1,[::1],10.0.0.5"
    monkeypatch.setenv(ALLOWED_HOSTS_VARIABLE, "gw.example.com:443")
    result = CliRunner().invoke(cli, ["serve", "--db", db])
    assert result.exit_code != 0 and "expected host names without a port" in result.output, result.output
    assert len(started) == 1
