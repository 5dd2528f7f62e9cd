"""The layers of docs/architecture.md hold: domain code imports no outer layer (import-linter
contracts in pyproject.toml, run by `make test`), every package is placed in a layer, and no
module imports a module that imports it back."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
OUTER = {"icaops.app", "icaops.store", "icaops.commands", "icaops.cli", "icaops.api", "icaops.web", "icaops.__main__"}


def import_cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    cycles.append(sorted(component))
    return cycles


def _graph() -> dict[str, set[str]]:
    g = grimp.build_graph("icaops", include_external_packages=False)
    return {m: set(g.find_modules_directly_imported_by(m)) for m in g.modules}


def test_no_module_imports_a_module_that_imports_it_back():
    assert import_cycles(_graph()) == []


def test_the_cycle_finder_finds_cycles():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e2"}, "e2": {"e"}}
    assert import_cycles(graph) == [["a", "b", "c"], ["e", "e2"]]
    assert import_cycles({"a": {"b"}, "b": set()}) == []


def test_every_package_is_placed_in_a_layer():
    """A new part (orders, maintenance, directory …) is domain code and must be listed in the
    domain contract of pyproject.toml, or be one of the outer layers."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    domain = set(next(c for c in contracts if c["name"].startswith("Domain"))["source_modules"])
    top = {
        f"icaops.{p.stem}"
        for p in (ROOT / "icaops").iterdir()
        if (p.is_dir() and (p / "__init__.py").exists()) or (p.suffix == ".py" and p.stem != "__init__")
    }
    assert top - domain - OUTER == set(), "place each package in a layer (pyproject.toml [tool.importlinter])"
    assert domain & OUTER == set()
