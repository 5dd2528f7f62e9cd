"""Issue 14 §3: the package as installed checks traffic with its shipped numbering data.

The wheel is built from a copy of this checkout with the setuptools backend (PEP 517 `build_wheel`,
offline, by the first interpreter that has setuptools and wheel: this one, else the system's), installed
with `--no-deps` into a fresh virtualenv outside the checkout that sees the project environment's
packages through a path file (no download), and run from a folder outside the checkout: a day of
traffic generated, checked and found as planted, and scenario files run, all on the numbering data
read from the installed package (importlib.resources), never from the checkout.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # builds a wheel and a virtualenv

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios" / "traffic"


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: int = 600) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, f"{' '.join(args)}\n{done.stdout}\n{done.stderr}"
    return done


def _builder(env: dict[str, str]) -> str:
    """An interpreter with the setuptools backend and `wheel` (the project environment lacks `wheel`)."""
    for python in (sys.executable, "/usr/bin/python3"):
        probe = subprocess.run([python, "-c", "import setuptools, wheel"], env=env, capture_output=True, check=False)
        if probe.returncode == 0:
            return python
    pytest.skip("no interpreter here has setuptools and wheel to build the wheel offline")


def _build_wheel(base: Path, env: dict[str, str]) -> Path:
    """The wheel of a copy of the checkout (so the build leaves nothing in the checkout)."""
    source = base / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "icaops", source / "icaops", ignore=shutil.ignore_patterns("__pycache__"))
    code = "import sys; from setuptools import build_meta; print(build_meta.build_wheel(sys.argv[1]))"
    name = _run([_builder(env), "-c", code, str(base / "dist")], source, env).stdout.strip().splitlines()[-1]
    return base / "dist" / name


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path, dict[str, str]]:
    """(the venv's python, a work folder outside the checkout, the environment to run in)."""
    base = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "ICAOPS_AGREEMENTS", "VIRTUAL_ENV")}
    wheel = _build_wheel(base, env)
    venv = base / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], base, env)
    python = venv / "bin" / "python"
    purelib = Path(
        _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], base, env).stdout.strip()
    )
    # The project's dependencies without a download: their folder on the path (its .pth files, such as
    # the checkout's editable install, are not processed this way).
    (purelib / "project_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    _run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", str(wheel)], base, env)
    work = base / "work"
    work.mkdir()
    shutil.copytree(ROOT / "agreements", work / "agreements")  # the agreement is an input, like the calls
    return python, work, env


def test_the_installed_package_reads_its_shipped_reference_data(installed):
    """The package imported is the installed one, and its reference data comes from the package."""
    python, work, env = installed
    code = (
        "import icaops, icaops.traffic.reference as r; d = r.load_shipped_reference(); "
        "print(icaops.__file__); print(len(d.numbering)); print(sorted(d.complete_npas))"
    )
    out = _run([str(python), "-c", code], work, env).stdout.splitlines()
    assert "/venv/" in out[0] and not out[0].startswith(str(ROOT))
    assert int(out[1]) > 16_000  # the LERG 6 sample and the operator file: never 0 rows
    assert out[2] == "['208', '986']"


def test_the_installed_cli_checks_a_day_and_finds_what_was_planted(installed):
    """CPA.1.1, 7, 8, 9, 10 from the installed CLI, run outside the checkout on the shipped data."""
    python, work, env = installed
    icaops = [str(python), "-m", "icaops.cli"]
    db = f"sqlite:///{work / 'icaops.sqlite'}"
    made = _run([*icaops, "traffic", "generate", "--calls", "20000", "--out", "day.parquet"], work, env).stdout
    assert "wrote" in made and "cpn_altered 6" in made
    checked = _run(
        [*icaops, "traffic", "check", "--parquet", "day.parquet", "--out", "out", "--db", db], work, env
    ).stdout
    assert "numbering data: shipped with icaops" in checked
    for kind in ("provider_not_authorized", "cpn_missing", "cpn_altered", "cpn_other_carrier", "outside_serving_area"):
        assert kind in checked, checked
    assert (work / "out" / "undetermined.csv").exists() and (work / "out" / "coverage.csv").exists()


def test_the_installed_cli_runs_traffic_scenarios_with_their_reference_files(installed):
    """The scenarios of issue 14 (CPA.7, CPA.9, CPA.1.4) pass from the installed package, outside the checkout."""
    python, work, env = installed
    folder = work / "scenarios"
    folder.mkdir()
    shutil.copytree(SCENARIOS / "numbering", folder / "numbering")
    names = (
        "ilec-block-with-and-without-lerg-row.yaml",
        "ported-number-from-non-pooled-code.yaml",
        "provider-numbering-under-another-carriers-ocn.yaml",
        "serving-area-undetermined-vs-breach.yaml",
        "destination-outside-serving-area.yaml",
    )
    for name in names:
        shutil.copy(SCENARIOS / name, folder / name)
    out = _run([str(python), "-m", "icaops.cli", "scenario", "run", str(folder)], work, env)
    assert f"{len(names)} scenario files: {len(names)} passed, 0 failed" in out.stdout, out.stdout
