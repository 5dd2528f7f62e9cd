"""Collect scenario files (scenarios/**/*.yaml) as pytest items, one per expectation."""

from __future__ import annotations

import pytest

from icaops.scenarios.runner import run_scenario


def pytest_collect_file(parent, file_path):
    if file_path.suffix == ".yaml" and "scenarios" in file_path.parts:
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFile(pytest.File):
    def collect(self):
        result = run_scenario(self.path)
        if result.errors or not result.results:
            yield ScenarioItem.from_parent(self, name="load", result=None, errors=result.errors)
            return
        for res in result.results:
            yield ScenarioItem.from_parent(self, name=f"{res.expectation.index}:{res.expectation.label()}", result=res, errors=())


class ScenarioFailure(Exception):
    pass


class ScenarioItem(pytest.Item):
    def __init__(self, *, result, errors, **kwargs):
        super().__init__(**kwargs)
        self.result = result
        self.errors = errors

    def runtest(self):
        if self.errors:
            raise ScenarioFailure("\n".join(self.errors))
        if not self.result.passed:
            raise ScenarioFailure(self._describe())

    def _describe(self) -> str:
        r = self.result
        lines = [f"{r.expectation.label()}: expected {r.expected!r}, got {r.actual!r}"]
        if r.error:
            lines.append(r.error)
        if r.explanation:
            lines += [f"  - {s.render()}" for s in r.explanation.steps]
        return "\n".join(lines)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, ScenarioFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        line = self.result.expectation.line if self.result else 0
        return self.path, (line or 1) - 1, f"scenario: {self.name}"
