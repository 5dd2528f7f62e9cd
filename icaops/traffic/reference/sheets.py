"""Reading reference CSV files: header aliases, source lines, and load issues as values."""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

__all__ = ["LoadIssue", "Named", "Row", "Sheet", "Source", "normalize_header", "read_lines", "read_sheet"]


@dataclass(frozen=True, slots=True)
class Named:
    """A file's bytes under its name (as kept in a store): read like a file, reported under `name`."""

    name: str
    data: bytes

    def __str__(self) -> str:
        """The file's name, as issues report it."""
        return self.name


Source = Path | str | Named
"""What a loader reads: a path, or a file's bytes under its name."""


@dataclass(frozen=True, slots=True)
class LoadIssue:
    """A problem in a reference file: where it is, what was expected, and whether the row still loaded."""

    source: str
    line: int
    column: str
    expected: str
    found: str
    row_kept: bool = False
    row: tuple[str, ...] = ()

    def __str__(self) -> str:
        """`file:line: column: expected …, found '…'` plus what happened to the row."""
        column = f"{self.column}: " if self.column else ""
        text = f"{self.source}:{self.line}: {column}expected {self.expected}, found {self.found!r}"
        if not self.row:
            return text
        return f"{text} ({'row kept' if self.row_kept else 'row skipped'})"


@dataclass(frozen=True, slots=True)
class Row:
    """One data row: its first line in the file, canonical field → stripped value, and the raw fields."""

    line: int
    values: Mapping[str, str]
    raw: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Sheet:
    """A parsed file: which header each canonical field came from, the rows, and the lines before the header."""

    source: str
    header_line: int
    columns: Mapping[str, str]
    rows: tuple[Row, ...]
    preface: tuple[tuple[str, ...], ...]


def normalize_header(name: str) -> str:
    """A header reduced to lowercase letters and digits, so "NPA-NXX", "npa_nxx" and "NPA NXX" compare equal."""
    return re.sub(r"[^0-9a-z]", "", name.lower())


def read_lines(path: Source) -> tuple[str, ...] | LoadIssue:
    """The file's lines (without line ends), or an issue saying why it could not be read."""
    source = str(path)
    try:
        data = path.data if isinstance(path, Named) else Path(path).read_bytes()
    except OSError as err:
        return LoadIssue(source, 0, "", "a readable file", err.strerror or str(err))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # NANPA and carrier exports are often Windows-1252; latin-1 never fails and keeps the digits intact.
        text = data.decode("latin-1")
    return tuple(text.splitlines())


def read_sheet(
    path: Source,
    aliases: Mapping[str, tuple[str, ...]],
    key_fields: frozenset[str],
    rejoin: str | None = None,
) -> tuple[Sheet | None, tuple[LoadIssue, ...]]:
    """Parse a CSV (comma or tab) whose header names some of `aliases`.

    Lines starting with "#" are comments. The header is the first row naming one of the
    `key_fields` (earlier rows, such as NANPA's "File Date" line, are kept as the preface).
    Each canonical field takes the first alias present. A row with more fields than the header
    is skipped (a stray comma shifts every later column); a shorter one is kept with its missing
    fields blank. Both are reported. `rejoin` names a free-text field that its publisher writes
    with unquoted commas (NANPA's AREA_SERVED, "Alberta, Canada"): a row longer than the header
    has its extra fields joined back into that field, and is kept (reported).
    """
    lines = read_lines(path)
    if isinstance(lines, LoadIssue):
        return None, (lines,)
    source = str(path)
    cleaned = ["" if line.lstrip().startswith("#") else line for line in lines]
    sample = "\n".join(cleaned[:20])
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(cleaned, delimiter=delimiter)
    issues: list[LoadIssue] = []
    preface: list[tuple[str, ...]] = []
    header: tuple[str, ...] | None = None
    header_line = 0
    columns: dict[str, int] = {}
    rows: list[Row] = []
    previous = 0
    for fields in reader:
        line, previous = previous + 1, reader.line_num
        if not any(f.strip() for f in fields):
            continue
        if header is None:
            columns = _resolve(fields, aliases)
            if key_fields & columns.keys():
                header, header_line = tuple(fields), line
            else:
                preface.append(tuple(fields))
            continue
        raw = tuple(fields)
        at = columns.get(rejoin) if rejoin else None
        if at is not None and len(raw) > len(header):
            extra = len(raw) - len(header)
            raw = (*raw[:at], ",".join(raw[at : at + extra + 1]), *raw[at + extra + 1 :])
            issues.append(
                LoadIssue(
                    source,
                    line,
                    header[at],
                    "a quoted value (unquoted commas joined back)",
                    raw[at],
                    True,
                    tuple(fields),
                )
            )
        if len(raw) != len(header):
            kept = len(raw) < len(header)
            issues.append(
                LoadIssue(source, line, "", f"{len(header)} fields as in the header", f"{len(raw)} fields", kept, raw)
            )
            if not kept:
                continue
        values = {name: (raw[i].strip() if i < len(raw) else "") for name, i in columns.items()}
        rows.append(Row(line, MappingProxyType(values), raw))
    if header is None:
        wanted = " or ".join(sorted(a for k in key_fields for a in aliases[k][:1]))
        return None, tuple(issues) + (LoadIssue(source, previous, "", f"a header row naming {wanted}", "no such row"),)
    named = MappingProxyType({name: header[i] for name, i in columns.items()})
    return Sheet(source, header_line, named, tuple(rows), tuple(preface)), tuple(issues)


def _resolve(fields: list[str], aliases: Mapping[str, tuple[str, ...]]) -> dict[str, int]:
    """Canonical field → column index, taking each field's first alias found in the header."""
    positions: dict[str, int] = {}
    for i, name in enumerate(fields):
        positions.setdefault(normalize_header(name), i)
    resolved: dict[str, int] = {}
    for field, names in aliases.items():
        for alias in names:
            if alias in positions:
                resolved[field] = positions[alias]
                break
    return resolved
