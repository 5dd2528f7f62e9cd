"""Every command the README shows runs as written: from the repository root, and from another
folder holding the files the commands name (issue: a new user walks through the README)."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROGRAM = ".venv/bin/icaops"


def readme_commands() -> list[list[str]]:
    """The README's command lines (indented code) that run icaops, in order, comments dropped."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    return [shlex.split(line, comments=True) for line in lines if line.startswith(f"    {PROGRAM} ")]


def _icaops() -> list[str]:
    script = Path(sys.executable).with_name("icaops")
    return [str(script)] if script.exists() else [sys.executable, "-m", "icaops.cli"]


def _run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("ICAOPS_DATABASE_URL", "ICAOPS_AGREEMENTS")}
    return subprocess.run(
        _icaops() + argv[1:], cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )


def test_the_readme_shows_commands_of_every_group():
    groups = {argv[1] for argv in readme_commands()}
    assert {"terms", "deadline", "scenario", "events", "bill", "explain", "account", "verify", "traffic"} <= groups
    assert {"orgs", "users", "tokens", "obligations", "notice"} <= groups


@pytest.mark.slow
def test_every_readme_command_runs_from_another_folder(tmp_path: Path):
    for folder in ("examples", "scenarios"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    for argv in readme_commands():
        result = _run(argv, tmp_path)
        assert result.returncode == 0, f"{shlex.join(argv)}:\n{result.stdout}\n{result.stderr}"
        assert "Traceback" not in result.stderr
    assert (tmp_path / "out" / "bills" / "GRANITE_2012-09.pdf").exists()
    assert (tmp_path / "out" / "traffic" / "report.html").exists()


@pytest.mark.slow
def test_readme_commands_that_keep_no_state_run_from_the_root():
    for argv in readme_commands():
        if argv[1] in ("terms", "deadline"):
            result = _run(argv, ROOT)
            assert result.returncode == 0, f"{shlex.join(argv)}:\n{result.stdout}\n{result.stderr}"
