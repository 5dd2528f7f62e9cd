"""The reference data shipped inside the package (icaops/traffic/reference/data/, PROVENANCE.md there).

Read through importlib.resources, so an installed package reads the same files as a checkout. A
shipped file that is missing or holds no rows is an error naming it, never an empty lookup.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path
from types import MappingProxyType

from icaops.traffic.reference.kinds import ReferenceDataError, build_reference, read_reference_file
from icaops.traffic.reference.load import ReferenceData
from icaops.traffic.reference.nanp import load_lata_list
from icaops.traffic.reference.sheets import Named

__all__ = ["REFERENCE_DIR", "SHIPPED_FILES", "load_shipped_reference", "shipped_file", "shipped_latas"]

_PACKAGE = "icaops.traffic.reference"
SHIPPED_FILES: tuple[tuple[str, str], ...] = (
    ("lerg6", "lerg_sample_id.csv"),
    ("pooling-blocks", "nanp_operator_by_npanxx_x_2023-03-07.csv"),
    ("nanpa-npa", "nanpa_npa_report_2020-03-04.csv"),
)
"""(kind, file) of the shipped numbering data: the synthetic LERG 6 sample, the real pooling-derived
operator file, the real NPA report (the LATA list is read beside them for LATA names)."""
LATA_LIST = "lata-description-list.txt"
REFERENCE_DIR = Path(str(files(_PACKAGE).joinpath("data")))
"""The shipped folder on disk (for tests and benchmarks; loading goes through importlib.resources)."""


def shipped_file(name: str) -> Named:
    """The shipped file `name` (its bytes, reported under its name); missing is an error."""
    resource = files(_PACKAGE).joinpath("data", name)
    if not resource.is_file():
        raise ReferenceDataError(
            f"shipped reference file {name}: expected it in the installed package ({_PACKAGE}/data/), found none; "
            "reinstall icaops, or give your own numbering data (`icaops reference load`, `--reference DIR`)"
        )
    return Named(name, resource.read_bytes())


def shipped_latas() -> Mapping[str, str]:
    """LATA code → name from the shipped LATA list; a missing or empty list is an error."""
    latas, _ = load_lata_list(shipped_file(LATA_LIST))
    if not latas:
        raise ReferenceDataError(f"shipped reference file {LATA_LIST}: expected LATA lines, found none")
    return MappingProxyType(dict(latas))


def load_shipped_reference() -> ReferenceData:
    """The shipped files as reference data (SHIPPED_FILES, plus the LATA list)."""
    return build_reference(
        [read_reference_file(shipped_file(name), kind) for kind, name in SHIPPED_FILES], shipped_latas()
    )
