"""Running scenario files (docs/scenarios.md): events in, expected results out."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..scenarios.runner import ScenarioResult, run_scenario

__all__ = ["run_scenario", "run_scenarios", "scenario_paths"]


def scenario_paths(files: Iterable[Path]) -> list[Path]:
    """The scenario files named, folders expanded to their YAML files in name order."""
    paths: list[Path] = []
    for f in files:
        paths += sorted(f.rglob("*.yaml")) if f.is_dir() else [f]
    return paths


def run_scenarios(files: Iterable[Path]) -> list[ScenarioResult]:
    """Run every scenario file named (folders expanded); each result holds its expectations."""
    return [run_scenario(p) for p in scenario_paths(files)]
