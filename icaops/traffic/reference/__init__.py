"""Numbering reference data: who holds a number, where it is rated, and which ILEC switch serves it.

Loads LERG / NANPA central-office-code / pooling-block / operator-style CSVs, the NANPA NPA report
and the LATA list into immutable lookups (see docs/reference-data.md). Every loader returns
`(value, issues)`: a bad row is reported as a LoadIssue (`file:line: column: expected …`) and the
rest of the file still loads.

Modules: `sheets` (reading CSVs, LoadIssue), `numbering` (NPA-NXX and block entries), `nanp` (NPA
report, LATA list, localities), `areas` (ILEC serving areas), `columnar` (Arrow and DuckDB forms),
`load` (everything loaded and cross-checked), `kinds` (the file kinds a carrier loads, as published),
`shipped` (the package's own files, through importlib.resources), `coverage` (what each check can decide).
"""

from icaops.traffic.reference.areas import ServingArea, ServingAreas, load_serving_areas, serving_areas_from_table
from icaops.traffic.reference.columnar import (
    BLOCK_INDEX_SCHEMA,
    ENTRY_SCHEMA,
    block_index_arrow,
    numbering_arrow,
    register_duckdb,
)
from icaops.traffic.reference.coverage import COVERAGE_CHECKS, CoverageRange, coverage
from icaops.traffic.reference.kinds import (
    COMPLETE_KINDS,
    KINDS,
    NUMBERING_KINDS,
    ReferenceDataError,
    ReferenceFile,
    build_reference,
    read_reference_file,
    refused_message,
    with_effective,
)
from icaops.traffic.reference.load import ReferenceData, ReferenceSource, load_reference
from icaops.traffic.reference.nanp import (
    Localities,
    NpaInfo,
    NpaTable,
    load_lata_list,
    load_localities,
    load_npa_report,
    parse_nanpa_date,
)
from icaops.traffic.reference.numbering import (
    NUMBERING_COLUMNS,
    NumberingEntry,
    NumberingTable,
    SourceLine,
    load_numbering,
    normalize_number,
)
from icaops.traffic.reference.sheets import LoadIssue, Named
from icaops.traffic.reference.shipped import REFERENCE_DIR, SHIPPED_FILES, load_shipped_reference, shipped_latas

__all__ = [
    "BLOCK_INDEX_SCHEMA",
    "COMPLETE_KINDS",
    "COVERAGE_CHECKS",
    "ENTRY_SCHEMA",
    "KINDS",
    "NUMBERING_COLUMNS",
    "NUMBERING_KINDS",
    "REFERENCE_DIR",
    "SHIPPED_FILES",
    "CoverageRange",
    "LoadIssue",
    "Localities",
    "Named",
    "NpaInfo",
    "NpaTable",
    "NumberingEntry",
    "NumberingTable",
    "ReferenceData",
    "ReferenceDataError",
    "ReferenceFile",
    "ReferenceSource",
    "ServingArea",
    "ServingAreas",
    "SourceLine",
    "block_index_arrow",
    "build_reference",
    "coverage",
    "load_lata_list",
    "load_localities",
    "load_npa_report",
    "load_numbering",
    "load_reference",
    "load_serving_areas",
    "load_shipped_reference",
    "normalize_number",
    "numbering_arrow",
    "parse_nanpa_date",
    "read_reference_file",
    "refused_message",
    "register_duckdb",
    "serving_areas_from_table",
    "shipped_latas",
    "with_effective",
]
