"""Terms no code reads yet, and the module that is to read each (docs/terms-format.md).

Every term of the schema is read by code (tests/terms/reads.py), marked `informational: true`
in the terms files, or listed here. A new term that is none of these fails
tests/terms/test_term_reads.py. When a module starts reading a term, remove it from here.
"""

from __future__ import annotations

__all__ = ["PENDING"]

# term key -> the module that is to read it, and what it is to do with it.
PENDING: dict[str, str] = {
    "ordering.blanket_loa_required_for_cpni": "icaops/orders (not built yet): CPNI pre-order access needs the blanket LOA (VI.8.4.1)",
    "ordering.csr_search_requires_loa": "icaops/orders (not built yet): a CSR search needs the End User's LOA (II.2.26)",
    "ordering.data_validation_files_per_quarter": "icaops/orders (not built yet): at most this many Data Validation Files a quarter (VI.8.5.2)",
}
