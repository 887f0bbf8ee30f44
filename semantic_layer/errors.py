"""The semantic layer's errors: each says what is wrong, where, and what would be valid."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz, process


class SemanticLayerError(Exception):
    """Base of every error the semantic layer raises on purpose."""


@dataclass(frozen=True)
class Issue:
    """One problem found in the catalogue, located by file, entry and field."""

    file: str
    entry: str
    field: str
    message: str
    line: int | None = None

    def text(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f", field {self.field!r}" if self.field else ""
        return f"{where}: {self.entry}{field}: {self.message}"


class CatalogError(SemanticLayerError):
    """The catalogue is invalid; `issues` lists every problem found, not just the first."""

    def __init__(self, issues: Iterable[Issue]):
        self.issues = tuple(issues)
        lines = "\n".join(f"  {i.text()}" for i in self.issues)
        super().__init__(f"the metric catalogue has {len(self.issues)} problem(s):\n{lines}")


class UnknownNameError(SemanticLayerError, KeyError):
    """A metric, dimension or source name that the catalogue does not define."""

    def __init__(self, kind: str, name: str, known: Mapping[str, str]):
        self.kind, self.name = kind, name
        self.suggestions = suggest(name, known)
        hint = f"; did you mean {' or '.join(repr(s) for s in self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"unknown {kind} {name!r}{hint}")

    def __str__(self) -> str:  # KeyError would repr() the message
        return self.args[0]


class QueryError(SemanticLayerError):
    """A semantic query that cannot be compiled as asked."""


def suggest(name: str, known: Mapping[str, str], limit: int = 3) -> list[str]:
    """The names whose terms (name or synonym → name in `known`) are closest to `name`, best first."""
    matches = process.extract(name, list(known), scorer=fuzz.WRatio, limit=limit * 3, score_cutoff=65)
    return list(dict.fromkeys(known[term] for term, _, _ in matches))[:limit]
