"""Which terms the code reads: a grep of icaops/**/*.py for each term key (see docs/terms-format.md).

A term counts as read when code outside the terms package, the command printers and the
scenario expectation checker (which read terms to show or compare them, not to compute)
  - names its dotted key in a string (`terms.get("carrier_partner.dos_thresholds")`), or
  - accesses its last key segment as an attribute other than for its citation
    (`lp.rate_per_month.value`, `term = terms.billing.proration`; not `x.taxes_as_separate_items.clause`), or
  - for an entry of a keyed collection (prices, discount rules, Carrier Partner rules, notice
    methods, deadlines), reaches that collection (code looks entries up by name or by what they
    say, e.g. a price's trigger, so a collection read is a read of each entry; entries no lookup
    can select are marked informational by hand).
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["COLLECTIONS", "code_text", "is_read"]

REPO = Path(__file__).resolve().parents[2]
_EXCLUDED = ("icaops/terms/", "icaops/commands/", "icaops/scenarios/kinds.py", "icaops/explain.py")
# Keyed collections of terms whose entries code reaches by iterating or indexing the collection.
COLLECTIONS = ("prices", "deadlines", "resale.discount_rules", "carrier_partner.rules", "notices.methods")
_CITATION_ONLY = r"(?!\.(?:clause|quote|see_also|origin|note|unit|layer)\b)"


def code_text() -> str:
    """The source of every module whose reads of terms count (one string)."""
    files = sorted((REPO / "icaops").rglob("*.py"))
    return "\n".join(p.read_text() for p in files if not str(p.relative_to(REPO)).startswith(_EXCLUDED))


def is_read(key: str, text: str) -> bool:
    """Whether code reads the term at `key` (by the rules in this module's docstring)."""
    if f'"{key}"' in text or f"'{key}'" in text:
        return True
    for collection in COLLECTIONS:
        if key.startswith(collection + "."):
            last = collection.rsplit(".", 1)[-1]
            return bool(re.search(rf"\.{last}\b{_CITATION_ONLY}", text))
    last = key.rsplit(".", 1)[-1]
    return bool(re.search(rf"\.{last}\b{_CITATION_ONLY}", text))
