"""Load the metric catalogue: YAML files → frozen models → validated `Catalog`.

Every `*.yaml` file in the catalogue folder may hold any of the sections `sources`,
`dimensions`, `time_dimensions`, `metrics` and `ambiguous_terms`, each a list of entries
with a `name`.
Loading collects every problem (bad YAML, a wrong field, an unknown column, a cycle...)
and raises one `CatalogError` listing them all, each with file, line, entry and field.

Parsing and validating take ~0.5 s, so `default_catalog()` keeps the validated catalogue
on disk (`cached_catalog`), keyed by a hash of the YAML files' bytes and of the code that
reads them; an entry that is missing, stale, unreadable or not signed by this user's key
is ignored and rebuilt.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pydantic

import yaml
from pydantic import BaseModel, ValidationError

from semantic_layer.errors import CatalogError, Issue, UnknownNameError
from semantic_layer.model import AmbiguousTerm, Dimension, Metric, Source, TimeDimension
from semantic_layer.signed_store import SignedStore, code_digest
from semantic_layer.validate import normal_term, validate

CATALOG_DIR = Path(__file__).with_name("catalog")
# What a cached catalogue is made of: dataclasses, pydantic models and enums of these modules only.
CATALOG_MODULES = ("semantic_layer.catalog", "semantic_layer.model")

SECTIONS: dict[str, type[BaseModel]] = {
    "sources": Source,
    "dimensions": Dimension,
    "time_dimensions": TimeDimension,
    "metrics": Metric,
    "ambiguous_terms": AmbiguousTerm,
}
_LINE = "__line__"


@dataclass(frozen=True)
class Origin:
    file: str
    line: int | None


@dataclass(frozen=True)
class Catalog:
    """Every source, dimension and metric by name, with where each was defined."""

    sources: dict[str, Source] = field(default_factory=dict)
    dimensions: dict[str, Dimension] = field(default_factory=dict)
    time_dimensions: dict[str, TimeDimension] = field(default_factory=dict)
    metrics: dict[str, Metric] = field(default_factory=dict)
    ambiguous_terms: dict[str, AmbiguousTerm] = field(default_factory=dict)
    origins: dict[tuple[str, str], Origin] = field(default_factory=dict)

    def metric(self, name: str) -> Metric:
        """The metric called `name` (or having it as a synonym); UnknownNameError otherwise."""
        return self._lookup("metric", self.metrics, name)

    def dimension(self, name: str) -> Dimension:
        """The dimension called `name` (or having it as a synonym); UnknownNameError otherwise."""
        return self._lookup("dimension", self.dimensions, name)

    def source(self, name: str) -> Source:
        return self._lookup("source", self.sources, name)

    def entity_dimension(self, entity: str) -> Dimension | None:
        """The dimension naming one `entity` (account → account_name), or None."""
        return next((d for d in self.dimensions.values() if d.entity == entity), None)

    def origin(self, section: str, name: str) -> Origin:
        return self.origins.get((section, name), Origin("?", None))

    def _lookup(self, kind: str, entries: dict, name: str):
        if name in entries:
            return entries[name]
        wanted = normal_term(name)
        for entry in entries.values():
            if wanted in (normal_term(s) for s in (entry.name, *getattr(entry, "synonyms", ()))):
                return entry
        known = {s: e.name for e in entries.values() for s in getattr(e, "synonyms", ())} | {n: n for n in entries}
        raise UnknownNameError(kind, name, known)


# libyaml's parser when PyYAML was built with it: the catalogue parses ~5× faster than in pure Python.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeLoader):
    """A safe YAML loader that records each mapping's line and refuses duplicate keys."""

    def construct_mapping(self, node, deep=False):
        keys = [self.construct_object(k, deep=deep) for k, _ in node.value]
        duplicates = sorted({k for k in keys if keys.count(k) > 1}, key=str)
        if duplicates:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {duplicates[0]!r}", node.start_mark
            )
        # SafeConstructor's own method: CSafeLoader's MRO reaches it without super()'s bound-class check
        mapping = yaml.constructor.SafeConstructor.construct_mapping(self, node, deep=deep)
        mapping[_LINE] = node.start_mark.line + 1
        return mapping


def _without_lines(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_lines(v) for k, v in value.items() if k != _LINE}
    if isinstance(value, list):
        return [_without_lines(v) for v in value]
    return value


def _entries(path: Path, issues: list[Issue]) -> Iterator[tuple[str, dict]]:
    """(section, raw entry) pairs of one file; problems with the file's shape go to `issues`."""
    try:
        document = yaml.load(path.read_text(), Loader=_LineLoader) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = mark.line + 1 if mark else None
        issues.append(Issue(path.name, "(file)", "", f"not valid YAML: {getattr(error, 'problem', error)}", line))
        return
    if not isinstance(document, dict):
        issues.append(Issue(path.name, "(file)", "", "expected a mapping of sections"))
        return
    for section, entries in document.items():
        if section == _LINE:
            continue
        if section not in SECTIONS:
            issues.append(Issue(path.name, "(file)", section, f"unknown section; use one of {', '.join(SECTIONS)}"))
            continue
        if not isinstance(entries, list):
            issues.append(Issue(path.name, "(file)", section, "expected a list of entries"))
            continue
        for raw in entries:
            yield section, raw


def _field_name(location: tuple) -> str:
    return ".".join(str(part) for part in location)


def parse_catalog(folder: Path = CATALOG_DIR) -> tuple[Catalog, list[Issue]]:
    """Read every YAML file of `folder` into a Catalog, with the per-entry problems found.

    Entries that fail their own model are left out of the Catalog; cross-entry checks are
    `validate.validate`'s job.
    """
    catalog = Catalog()
    issues: list[Issue] = []
    for path in sorted(folder.glob("*.yaml")):
        for section, raw in _entries(path, issues):
            singular = section.removesuffix("s")
            if not isinstance(raw, dict):
                issues.append(Issue(path.name, f"{singular} ?", "", "expected a mapping with a name"))
                continue
            name = str(raw.get("name", "?"))
            entry, line = f"{singular} {name!r}", raw.get(_LINE)
            try:
                model = SECTIONS[section].model_validate(_without_lines(raw))
            except ValidationError as error:
                for problem in error.errors():
                    issues.append(Issue(path.name, entry, _field_name(problem["loc"]), problem["msg"], line))
                continue
            entries: dict = getattr(catalog, section)
            if name in entries:
                first = catalog.origin(section, name)
                issues.append(Issue(path.name, entry, "name", f"defined twice (first in {first.file}:{first.line})", line))
                continue
            entries[name] = model
            catalog.origins[(section, name)] = Origin(path.name, line)
    return catalog, issues


def load_catalog(folder: Path = CATALOG_DIR) -> Catalog:
    """The validated catalogue in `folder`; CatalogError listing every problem otherwise."""
    catalog, issues = parse_catalog(folder)
    issues += validate(catalog)
    if issues:
        raise CatalogError(issues)
    return catalog


def catalog_digest(folder: Path = CATALOG_DIR) -> str:
    """A hash of what the loaded catalogue depends on: every YAML file's name and bytes, the semantic layer's
    code (its classes are what a cached catalogue is made of) and the Python and pydantic versions."""
    digest = code_digest(Path(__file__).parent)
    digest.update(f"{sys.version}|{pydantic.VERSION}".encode())
    for path in sorted(folder.glob("*.yaml")):
        digest.update(f"\0{path.name}\0{path.stat().st_size}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cached_catalog(folder: Path = CATALOG_DIR, cache: Path | None = None,
                   digest: str | None = None) -> tuple[Catalog, bool]:
    """The validated catalogue of `folder` and whether it came from the cache in `cache` (default `cache_dir()`).

    A hit needs an entry named by `catalog_digest(folder)` and signed with this user's key in a folder only
    this user can write (semantic_layer/signed_store.py); anything else is a miss: the YAML is loaded
    (CatalogError as `load_catalog`) and the entry rewritten. `digest`: `catalog_digest(folder)`, when known.
    """
    store = SignedStore("catalog", CATALOG_MODULES, cache)
    digest = digest or catalog_digest(folder)
    catalog = store.read(digest, Catalog)
    if catalog is not None:
        return catalog, True
    catalog = load_catalog(folder)
    store.write(digest, catalog)
    return catalog, False


@cache
def default_catalog() -> Catalog:
    """The project's own catalogue, loaded once per process (from the on-disk cache when it is current)."""
    return cached_catalog(CATALOG_DIR, digest=default_catalog_digest())[0]


@cache
def default_catalog_digest() -> str:
    """`catalog_digest` of the project's own catalogue, computed once per process (~10 ms: every YAML and code file
    is read): what `default_catalog` was loaded under, and what start-up work kept on disk is keyed by."""
    return catalog_digest(CATALOG_DIR)
