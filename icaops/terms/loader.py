"""Load an agreement from `agreements/<id>/`: base terms, then amendments layered on top.

Pipeline: read manifest -> read each layer's YAML (with line numbers) -> merge layers in
order (an amendment's term replaces the base term and keeps the base citation in
`supersedes`) -> apply overrides -> validate against the schema -> Terms.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeGuard

from pydantic import ValidationError

from .errors import TermsError, TermsLoadError
from .schema import Terms
from .yamlsource import SourceDoc, read_yaml

__all__ = ["Agreement", "Layer", "agreements_root", "list_agreements", "load_agreement", "parse_override_value"]


@dataclass(frozen=True, slots=True)
class Layer:
    """The base agreement or one amendment: its files and the date it takes effect."""

    id: str
    title: str
    effective: dt.date | None
    docs: tuple[SourceDoc, ...]


@dataclass(frozen=True)
class Agreement:
    """An agreement as loaded: metadata, and its layers of terms."""

    id: str
    title: str
    version: str
    path: Path
    manifest: Mapping[str, Any]
    layers: tuple[Layer, ...]
    overrides: tuple[tuple[str, Any], ...] = ()
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def terms(self) -> Terms:
        """The terms with every layer applied (the latest version)."""
        return self._terms_for(tuple(layer.id for layer in self.layers))

    def terms_at(self, on: dt.date) -> Terms:
        """The terms in force on `on`: the base plus amendments effective on or before it."""
        active = tuple(layer.id for layer in self.layers if layer.effective is None or layer.effective <= on)
        return self._terms_for(active)

    def with_overrides(self, overrides: Mapping[str, Any], source: str = "override") -> Agreement:
        """A copy whose terms have these values replaced (clause and quote kept, origin noted).

        Raises TermsLoadError for an informational term: no code reads it, so an override
        would change nothing while looking as if it did. Other errors (an unknown key, a
        value of the wrong type or out of range) are raised when the terms are resolved.
        """
        refused = [
            TermsError(
                source,
                None,
                key,
                "a term the code reads; this one is informational (the agreement's "
                "text kept for people, read by no computation), so overriding it would change nothing",
            )
            for key in overrides
            if _informational(self.terms, key)
        ]
        if refused:
            raise TermsLoadError(refused)
        merged = self.overrides + tuple((k, (v, source)) for k, v in overrides.items())
        return Agreement(self.id, self.title, self.version, self.path, self.manifest, self.layers, merged)

    def _terms_for(self, active: tuple[str, ...]) -> Terms:
        if active not in self._cache:
            self._cache[active] = _build_terms([l for l in self.layers if l.id in active], self.overrides)
        return self._cache[active]


def _informational(terms: Terms, key: str) -> bool:
    try:
        return terms.get(key).informational
    except KeyError:
        return False


def agreements_root() -> Path:
    """The folder holding `<id>/agreement.yaml`: $ICAOPS_AGREEMENTS, ./agreements, or the repo's."""
    env = os.environ.get("ICAOPS_AGREEMENTS")
    if env:
        return Path(env)
    here = Path.cwd() / "agreements"
    if here.is_dir():
        return here
    return Path(__file__).resolve().parents[2] / "agreements"


def list_agreements(root: Path | None = None) -> list[str]:
    """Ids of the agreements found under the root folder."""
    root = root or agreements_root()
    return sorted(p.parent.name for p in root.glob("*/agreement.yaml"))


def load_agreement(agreement: str | Path, root: Path | None = None) -> Agreement:
    """Load an agreement by id (under the root) or by folder path; raise TermsLoadError."""
    folder = Path(agreement) if Path(agreement).is_dir() else (root or agreements_root()) / str(agreement)
    return _load_cached(folder.resolve())


@lru_cache(maxsize=16)
def _load_cached(folder: Path) -> Agreement:
    manifest_doc, errors = read_yaml(folder / "agreement.yaml", _display(folder / "agreement.yaml"))
    if manifest_doc is None:
        raise TermsLoadError(errors)
    manifest = manifest_doc.data
    errors += _check_manifest(manifest_doc)
    if errors:
        raise TermsLoadError(errors)
    layers = [_read_layer(folder, "base", manifest.get("title", ""), None, manifest["base"], errors)]
    for amendment in manifest.get("amendments") or []:
        layers.append(
            _read_layer(
                folder,
                amendment["id"],
                amendment.get("title", ""),
                amendment.get("effective"),
                [amendment["file"]],
                errors,
            )
        )
    if errors:
        raise TermsLoadError(errors)
    agreement = Agreement(
        id=str(manifest["id"]),
        title=str(manifest.get("title", "")),
        version=str(manifest.get("version", "")),
        path=folder,
        manifest=manifest,
        layers=tuple(layers),
    )
    _ = agreement.terms  # validate every layer now, so a broken file fails at load time
    return agreement


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _check_manifest(doc: SourceDoc) -> list[TermsError]:
    m = doc.data
    errors: list[TermsError] = []
    if not isinstance(m, dict):
        return [TermsError(doc.file, 1, "", "a mapping with id, title, version, base and amendments")]
    for key in ("id", "version", "base"):
        if key not in m:
            errors.append(TermsError(doc.file, 1, key, f"a top-level key {key!r}"))
    if "base" in m and not (isinstance(m["base"], list) and all(isinstance(f, str) for f in m["base"])):
        errors.append(TermsError(doc.file, doc.lines.get(("base",)), "base", "a list of terms file paths"))
    for i, a in enumerate(m.get("amendments") or []):
        where = doc.lines.get(("amendments", i))
        if not isinstance(a, dict) or "id" not in a or "file" not in a:
            errors.append(TermsError(doc.file, where, f"amendments[{i}]", "a mapping with id, file and effective"))
        elif a.get("effective") is not None and not isinstance(a["effective"], dt.date):
            errors.append(TermsError(doc.file, where, f"amendments[{i}].effective", "a date such as 2012-06-20"))
    return errors


def _read_layer(
    folder: Path, layer_id: str, title: str, effective: Any, files: list[str], errors: list[TermsError]
) -> Layer:
    docs = []
    for name in files:
        doc, errs = read_yaml(folder / name, _display(folder / name))
        errors += errs
        if doc is not None:
            if not isinstance(doc.data, dict):
                errors.append(TermsError(doc.file, 1, "", "a mapping of sections to terms"))
            else:
                docs.append(doc)
    return Layer(layer_id, title, effective, tuple(docs))


# -- merging ----------------------------------------------------------------------------


def _is_term(node: Any) -> TypeGuard[dict[str, Any]]:
    # A term is a mapping with a value or a clause; the schema then demands both, and a
    # quote, so a term missing its clause is reported as exactly that.
    return isinstance(node, dict) and ("value" in node or "clause" in node)


def _build_terms(layers: list[Layer], overrides: tuple[tuple[str, Any], ...]) -> Terms:
    tree: dict[str, Any] = {}
    origins: dict[tuple[str, ...], tuple[SourceDoc, tuple[str, ...]] | tuple[str, None]] = {}
    errors: list[TermsError] = []
    for layer in layers:
        for doc in layer.docs:
            _merge(tree, doc.data, (), doc, layer, origins, errors, is_base=layer.id == "base")
    for key, (value, source) in overrides:
        _override(tree, key, value, source, errors)
        origins[tuple(key.split("."))] = (source, None)
    if errors:
        raise TermsLoadError(errors)
    try:
        return Terms.model_validate(tree)
    except ValidationError as exc:
        raise TermsLoadError([_locate(err, origins) for err in exc.errors()]) from None


def _merge(
    tree: dict, data: dict, path: tuple, doc: SourceDoc, layer: Layer, origins: dict, errors: list, is_base: bool
) -> None:
    for key, node in data.items():
        here = path + (key,)
        if _is_term(node):
            term = dict(node, origin=doc.where(here), layer=layer.id)
            previous = tree.get(key)
            if previous is not None and is_base:
                errors.append(
                    TermsError(
                        doc.file,
                        doc.lines.get(here),
                        ".".join(here),
                        f"one definition of this term (also at {previous.get('origin')})",
                    )
                )
                continue
            if previous is not None:
                citation = {k: previous.get(k) for k in ("clause", "quote", "origin", "layer", "value")}
                term["supersedes"] = tuple(previous.get("supersedes", ())) + (citation,)
            tree[key] = term
            origins[here] = (doc, here)
        elif isinstance(node, dict):
            branch = tree.setdefault(key, {})
            if _is_term(branch):
                errors.append(
                    TermsError(
                        doc.file,
                        doc.lines.get(here),
                        ".".join(here),
                        "a term (value, clause, quote), as in the base agreement",
                    )
                )
                continue
            origins.setdefault(here, (doc, here))
            _merge(branch, node, here, doc, layer, origins, errors, is_base)
        else:
            errors.append(
                TermsError(
                    doc.file,
                    doc.lines.get(here),
                    ".".join(here),
                    "a term with value, clause and quote, or a section of terms",
                )
            )


def _override(tree: dict, key: str, value: Any, source: str, errors: list[TermsError]) -> None:
    node: Any = tree
    parts = key.split(".")
    for part in parts[:-1]:
        node = node.get(part) if isinstance(node, dict) else None
    current = node.get(parts[-1]) if isinstance(node, dict) else None
    if not _is_term(current):
        errors.append(TermsError(source, None, key, "the key of an existing term (see `icaops terms show`)"))
        return
    citation = {k: current.get(k) for k in ("clause", "quote", "origin", "layer", "value")}
    replaced = copy.deepcopy(current)
    replaced.update(
        value=value, origin=source, layer="override", supersedes=tuple(current.get("supersedes", ())) + (citation,)
    )
    node[parts[-1]] = replaced


def _locate(err: Mapping[str, Any], origins: dict) -> TermsError:
    loc = tuple(p for p in err["loc"])
    key = ".".join(str(p) for p in loc)
    for end in range(len(loc), 0, -1):
        hit = origins.get(tuple(str(p) for p in loc[:end]))
        if hit:
            doc, path = hit
            if path is None:  # an override: name its source (`--set`, a scenario file), not the terms file
                return TermsError(str(doc), None, key, _expected(err))
            return TermsError(doc.file, doc.lines.get(tuple(loc)) or doc.lines.get(path), key, _expected(err))
    return TermsError("terms", None, key, _expected(err))


def _expected(err: Mapping[str, Any]) -> str:
    msg = str(err.get("msg", "a valid value"))
    msg = msg.removeprefix("Value error, ")
    if err.get("type") == "missing":
        return "this key to be present (it is required)"
    if err.get("type") == "extra_forbidden":
        return "no such key here (unknown term; check the spelling against the schema)"
    got = err.get("input")
    return f"{msg} (got {got!r})" if got is not None and not isinstance(got, dict) else msg


def parse_override_value(text: str) -> Any:
    """Parse a `KEY=VALUE` override's value as YAML (so '0.01' stays a string for decimals)."""
    import yaml

    value = yaml.safe_load(text)
    return str(value) if isinstance(value, float) else value
