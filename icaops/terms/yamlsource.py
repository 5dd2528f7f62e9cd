"""Read YAML while remembering the line of every key, so errors can point at file:line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import TermsError

__all__ = ["MAX_DEPTH", "MAX_FILE_BYTES", "MAX_ITEM_BYTES", "SourceDoc", "read_yaml"]

Path_ = tuple[str | int, ...]

MAX_FILE_BYTES = 1 << 20
"""Largest YAML file read (1 MiB): terms files are tens of KB; split bigger event files."""
MAX_ITEM_BYTES = 64 << 10
"""Largest text of one list entry (an event, a fact, a rate row): 64 KiB."""
MAX_DEPTH = 64
"""Deepest nesting of mappings and lists."""


class _Refused(yaml.YAMLError):
    """A YAML construct icaops does not read, at a mark."""

    def __init__(self, mark: yaml.Mark, expected: str) -> None:
        super().__init__(expected)
        self.problem_mark, self.problem = mark, expected


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps an impossible date (2014-13-03) as text, for a precise error later,
    and refuses anchors, aliases and deep nesting while composing."""

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        # An alias makes a few bytes stand for an exponential tree ("billion laughs") that every
        # later copy (the event log's JSON) expands; no shipped file uses one, so none is read.
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Refused(event.start_mark, "no anchors (&) or aliases (*): write each value out")
        if self._depth >= MAX_DEPTH:
            raise _Refused(event.start_mark, f"at most {MAX_DEPTH} levels of nesting")
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)
# YAML 1.1 reads on/off/yes/no as booleans, which turns a scenario's `on:` key into True.
# Keep YAML 1.2's booleans only: true and false.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass(frozen=True, slots=True)
class SourceDoc:
    """A parsed YAML file: its data and the line each key path starts on."""

    file: str
    data: Any
    lines: dict[Path_, int]

    def where(self, path: Path_) -> str:
        """`file:line` of the longest known prefix of `path`."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return f"{self.file}:{line}"
        return self.file


def read_yaml(path: Path, display: str | None = None) -> tuple[SourceDoc | None, list[TermsError]]:
    """Parse one YAML file; return the document or the errors that stopped it."""
    name = display or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [
                TermsError(name, None, "", f"a file of at most {MAX_FILE_BYTES:,} bytes, found {size:,} (split it)")
            ]
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        return None, [TermsError(name, None, "", f"a readable file ({exc.strerror})")]
    except UnicodeDecodeError as exc:
        return None, [TermsError(name, None, "", f"UTF-8 text (byte {exc.start} is not)")]
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except _Refused as exc:
        return None, [TermsError(name, exc.problem_mark.line + 1, "", exc.problem)]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        return None, [TermsError(name, line, "", f"valid YAML ({getattr(exc, 'problem', exc)})")]
    finally:
        loader.dispose()
    lines: dict[Path_, int] = {(): 1}
    errors: list[TermsError] = []
    if node is not None:
        _index(node, (), lines, errors, name)
    return SourceDoc(name, data if data is not None else {}, lines), errors


def _index(node: yaml.Node, path: Path_, lines: dict[Path_, int], errors: list[TermsError], name: str) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            child = path + (key,)
            line = key_node.start_mark.line + 1
            if key in seen:
                # PyYAML silently keeps the last duplicate; a terms file must not.
                errors.append(
                    TermsError(name, line, ".".join(map(str, child)), "each key once in a mapping (duplicate key)")
                )
            seen.add(key)
            lines[child] = line
            _index(value_node, child, lines, errors, name)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[path + (i,)] = item.start_mark.line + 1
            span = item.end_mark.index - item.start_mark.index
            if span > MAX_ITEM_BYTES:
                errors.append(
                    TermsError(
                        name,
                        item.start_mark.line + 1,
                        ".".join(map(str, path + (i,))),
                        f"a list entry of at most {MAX_ITEM_BYTES:,} characters, found {span:,}",
                    )
                )
                continue
            _index(item, path + (i,), lines, errors, name)
