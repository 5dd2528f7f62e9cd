"""Reference files named in data: a folder's `reference.yaml` (`--reference DIR`) or a scenario's list.

Each entry is `{file: PATH, kind: KIND}` (optionally `effective: YYYY-MM-DD`); PATH is relative to
the folder or scenario file, or `shipped:NAME` for a file shipped with the package. See
docs/traffic-reference.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from icaops.terms.yamlsource import read_yaml
from icaops.traffic.reference.kinds import (
    KINDS,
    ReferenceDataError,
    ReferenceFile,
    build_reference,
    read_reference_file,
)
from icaops.traffic.reference.load import ReferenceData
from icaops.traffic.reference.shipped import shipped_file, shipped_latas

__all__ = ["MANIFEST", "SHIPPED_PREFIX", "reference_from_dir", "reference_from_entries"]

MANIFEST = "reference.yaml"
SHIPPED_PREFIX = "shipped:"


def _entry_file(raw: Any, base: Path, where: str) -> ReferenceFile:
    """One `{file, kind[, effective]}` entry read as its kind."""
    if not isinstance(raw, dict) or "file" not in raw or "kind" not in raw:
        raise ReferenceDataError(f"{where}: expected a mapping with file: PATH and kind: one of {', '.join(KINDS)}")
    kind, name = str(raw["kind"]), str(raw["file"])
    if kind not in KINDS:
        raise ReferenceDataError(f"{where}: kind: expected one of {', '.join(KINDS)}, found {kind!r}")
    effective = raw.get("effective")
    if effective is not None and not isinstance(effective, dt.date):
        raise ReferenceDataError(f"{where}: effective: expected a date YYYY-MM-DD, found {effective!r}")
    if name.startswith(SHIPPED_PREFIX):
        shipped = name.removeprefix(SHIPPED_PREFIX)
        read = read_reference_file(shipped_file(shipped), kind)
    else:
        path = base / name
        if not path.is_file():
            raise ReferenceDataError(f"{where}: file: expected a readable file, found no {path}")
        read = read_reference_file(path, kind)
    return replace(read, effective=effective)


def reference_from_entries(entries: Sequence[Any], base: Path, where: str) -> ReferenceData:
    """The reference data of a list of entries, paths relative to `base`; `where` prefixes every error."""
    if not isinstance(entries, list | tuple) or not entries:
        raise ReferenceDataError(f"{where}: expected a list of {{file: PATH, kind: KIND}} entries")
    files = [_entry_file(raw, base, f"{where}[{i}]") for i, raw in enumerate(entries)]
    return build_reference(files, shipped_latas())


def reference_from_dir(folder: Path) -> ReferenceData:
    """The reference data a folder's `reference.yaml` lists (`files:`)."""
    manifest = folder / MANIFEST if folder.is_dir() else folder
    doc, errors = read_yaml(manifest)
    if doc is None or errors:
        found = "; ".join(str(e) for e in errors) or "no document"
        raise ReferenceDataError(f"{manifest}: expected a reference manifest ({found})")
    data = doc.data if isinstance(doc.data, dict) else {}
    return reference_from_entries(data.get("files") or [], manifest.parent, f"{manifest}: files")
