"""Opening an agreement by id or folder, with term overrides, for every front end."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..terms.errors import TermsLoadError
from ..terms.loader import Agreement, agreements_root, list_agreements, load_agreement, parse_override_value
from .errors import UserError

__all__ = ["DEFAULT_AGREEMENT", "open_agreement", "parse_overrides"]

# The reference agreement the project ships (agreements/<id>/).
DEFAULT_AGREEMENT = "centurylink-granite-id-2012"


def parse_overrides(items: Iterable[str]) -> dict[str, object]:
    """`KEY=VALUE` strings as a mapping; each value parsed as YAML."""
    pairs: dict[str, object] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise UserError(f"--set {item!r}: expected KEY=VALUE", field="--set")
        pairs[key.strip()] = parse_override_value(value)
    return pairs


def open_agreement(agreement: str = DEFAULT_AGREEMENT, overrides: Iterable[str] = ()) -> Agreement:
    """The agreement (an id under agreements/ or a folder path) with `KEY=VALUE` overrides
    applied and its terms resolved, so that any error in them is raised here."""
    folder = Path(agreement) if Path(agreement).is_dir() else agreements_root() / str(agreement)
    if not (folder / "agreement.yaml").is_file():
        raise UserError(
            f"no agreement {agreement!r} (no {folder / 'agreement.yaml'}); known: {', '.join(list_agreements())}",
            code="not_found",
            field="--agreement",
        )
    try:
        loaded = load_agreement(agreement)
        pairs = parse_overrides(overrides)
        if pairs:
            loaded = loaded.with_overrides(pairs, source="--set")
            _ = loaded.terms  # resolve now: an override of the wrong type fails here, not later
        return loaded
    except TermsLoadError as exc:
        raise UserError(
            f"agreement {agreement!r}: {len(exc.errors)} error(s) in its terms",
            field="--agreement",
            details=tuple(str(e) for e in exc.errors),
        ) from None
    except FileNotFoundError:
        raise UserError(
            f"no agreement {agreement!r}; known: {', '.join(list_agreements())}", code="not_found", field="--agreement"
        ) from None
