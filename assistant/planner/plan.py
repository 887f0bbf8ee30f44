"""What the planner returns: a plan to run, a clarifying question, or an honest "cannot answer"."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from assistant.planner.lexicon import Lexicon
from semantic_layer.catalog import Catalog
from semantic_layer.query import SemanticQuery

CONFIDENT = 0.6
"""Plans at or above this confidence are answered by the rules; below it the agent (or a clarification) takes over."""


@dataclass(frozen=True)
class PlannerContext:
    """Everything the planner reads besides the question: built once per warehouse by the service."""

    catalog: Catalog
    lexicon: Lexicon
    as_of: date


@dataclass(frozen=True)
class Plan:
    """A semantic query to run, how sure the planner is, and what it did not use."""

    query: SemanticQuery
    confidence: float
    unused_words: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # how words were read: typos corrected, "my accounts", a partial period
    reason: str = ""

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
