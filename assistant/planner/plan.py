"""What the planner returns (a plan to run, a clarifying question, an honest "cannot answer") and what it reads.

Pure data: the planner context is built once per warehouse by the service; the outcomes are
what `plan_question` hands back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property, lru_cache

from assistant.planner.candidates import CatalogIndex
from assistant.planner.interpretation import Interpretation
from assistant.planner.lexicon import Lexicon
from assistant.planner.spans import Reading, read
from semantic_layer.catalog import Catalog
from semantic_layer.query import SemanticQuery

CONFIDENT = 0.6
"""Plans at or above this confidence are answered by the rules; below it the agent (or a clarification) takes over.
Calibrated on dev (score.py, `cs-assistant eval --calibrate`)."""
READINGS = 256
"""Readings kept per context (~5 KB each, a context per CSM who asks): the follow-ups offered under every answer, and
questions asked again, are read once."""


@dataclass(frozen=True)
class PlannerContext:
    """Everything the planner reads besides the question: built once per warehouse by the service."""

    catalog: Catalog
    lexicon: Lexicon
    as_of: date
    data_ranges: Mapping[str, tuple[date, date]] = field(default_factory=dict)  # source → its first and last day of rows
    book_only: bool = False  # the lexicon's names are one CSM's book: a name it lacks is "not in your book"
    remember: bool = True  # keep readings (off with the service's caches: CS_CACHE=off times every reading)

    def __post_init__(self) -> None:
        # A reading depends only on the question, the lexicon and as_of, and nothing changes one once read.
        object.__setattr__(self, "_read", lru_cache(maxsize=READINGS)(self._read_uncached))

    def _read_uncached(self, question: str) -> Reading:
        return read(question, self.lexicon, self.as_of)

    def reading(self, question: str) -> Reading:
        """`question` read against this context's lexicon and as_of (spans.read), remembered."""
        return self._read(question) if self.remember else self._read_uncached(question)

    @cached_property
    def index(self) -> CatalogIndex:
        """Retrieval over the catalogue, built on first use."""
        return CatalogIndex(self.catalog)

    def for_book(self, lexicon: Lexicon) -> PlannerContext:
        """This context with one CSM's lexicon (names from their book only), sharing the catalogue's index."""
        scoped = replace(self, lexicon=lexicon, book_only=True)
        scoped.__dict__["index"] = self.index  # the index reads only the catalogue: built once for every viewer
        return scoped


@dataclass(frozen=True)
class Plan:
    """A semantic query to run, how sure the planner is, and what it did not use."""

    query: SemanticQuery
    confidence: float
    unused_words: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # how words were read: typos corrected, "my accounts", a partial period
    reason: str = ""
    interpretation: Interpretation | None = None

    @property
    def confident(self) -> bool:
        return self.confidence >= CONFIDENT


@dataclass(frozen=True)
class Clarify:
    """Two or more readings are close: ask which one, offering each as a full question."""

    message: str
    options: tuple[str, ...]
    confidence: float = 0.5
    unused_words: tuple[str, ...] = ()
    reason: str = ""
    final: bool = False  # the catalogue itself is ambiguous here: no agent could do better than asking


@dataclass(frozen=True)
class Unanswerable:
    """Nothing answerable was understood: say what was not, and what could be asked instead."""

    message: str
    suggestions: tuple[str, ...] = field(default_factory=tuple)
    unused_words: tuple[str, ...] = ()
    reason: str = ""
    confidence: float = 0.0
    final: bool = False  # not a question at all (empty, huge, not English) or about the future: no agent needed


Outcome = Plan | Clarify | Unanswerable
