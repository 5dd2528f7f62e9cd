"""Collect scenario files (scenarios/**/*.yaml) as pytest items, one per expectation.

Collection only parses a file and loads its agreement; the file runs when its first item
runs, once, and its items share that run.
"""

from __future__ import annotations

from functools import cached_property

import pytest

from icaops.scenarios.runner import (
    ExpectationResult,
    ScenarioResult,
    load_scenario,
    run_loaded,
)


def pytest_collect_file(parent, file_path):
    if file_path.suffix == ".yaml" and "scenarios" in file_path.parts:
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFile(pytest.File):
    def collect(self):
        loaded = load_scenario(self.path)
        if isinstance(loaded, ScenarioResult) or loaded.errors:
            yield ScenarioItem.from_parent(self, name="load", index=None, line=0, errors=loaded.errors)
            return
        self.loaded = loaded
        for exp in loaded.scenario.expectations:
            yield ScenarioItem.from_parent(
                self, name=f"{exp.index}:{exp.label()}", index=exp.index, line=exp.line, errors=()
            )

    @cached_property
    def run(self) -> ScenarioResult:
        """The file's run, computed by its first item that runs and shared by the others."""
        return run_loaded(self.loaded)


class ScenarioFailure(Exception):
    pass


class ScenarioItem(pytest.Item):
    def __init__(self, *, index, line, errors, **kwargs):
        super().__init__(**kwargs)
        self.index = index
        self.line = line
        self.errors = errors

    def runtest(self):
        if self.errors:
            raise ScenarioFailure("\n".join(self.errors))
        run = self.parent.run
        if run.errors:
            raise ScenarioFailure("\n".join(run.errors))
        result = next(r for r in run.results if r.expectation.index == self.index)
        if not result.passed:
            raise ScenarioFailure(_describe(result))

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, ScenarioFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, (self.line or 1) - 1, f"scenario: {self.name}"


def _describe(r: ExpectationResult) -> str:
    lines = [f"{r.expectation.label()}: expected {r.expected!r}, got {r.actual!r}"]
    if r.error:
        lines.append(r.error)
    if r.explanation:
        lines += [f"  - {s.render()}" for s in r.explanation.steps]
    return "\n".join(lines)
