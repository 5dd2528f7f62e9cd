"""Terms no code reads yet, and the module that is to read each (docs/terms-format.md).

Every term of the schema is read by code (tests/terms/reads.py), marked `informational: true`
in the terms files, or listed here. A new term that is none of these fails
tests/terms/test_term_reads.py. When a module starts reading a term, remove it from here.
"""

from __future__ import annotations

__all__ = ["PENDING"]

# term key -> the module that is to read it, and what it is to do with it.
PENDING: dict[str, str] = {
    "ordering.account_setup_requirements": "icaops/orders (not built yet, docs/architecture.md): the ordering gate's set-up steps (III.35.2)",
    "ordering.certificate_required": "icaops/orders (not built yet): refuse orders before the certificate (III.8.4)",
    "ordering.lsr_multiple_wtn_same_customer_location": "icaops/orders (not built yet): one LSR may carry several WTNs of one customer location (IV.7.2.1)",
}
