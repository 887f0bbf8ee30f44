"""One chat session's memory: the questions asked and the queries that answered them.

Follow-ups ("and for EMEA?", "break that down by plan", "why?") start from the last
query that was answered. Each session has its own Conversation; sessions never share one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from typing import TYPE_CHECKING

from assistant.answer import Status
from semantic_layer.query import SemanticQuery

if TYPE_CHECKING:
    from assistant.planner.interpretation import Interpretation


@dataclass(frozen=True)
class Turn:
    """One question, how it ended, and the semantic query used (None for SQL or no answer)."""

    question: str
    status: Status
    query: SemanticQuery | None = None
    interpretation: Interpretation | None = None  # how the rules read it, for a follow-up to edit


@dataclass
class Conversation:
    """The turns of one chat session, oldest first."""

    turns: list[Turn] = field(default_factory=list)

    def add(self, question: str, status: Status, query: SemanticQuery | None,
            interpretation: Interpretation | None = None) -> None:
        """Record one turn."""
        self.turns.append(Turn(question, Status(status), query, interpretation))

    def last_interpretation(self) -> Interpretation | None:
        """The interpretation of the most recent answered turn, when the rules answered it."""
        for turn in reversed(self.turns):
            if turn.status is Status.ANSWERED:
                return turn.interpretation
        return None

    def last_query(self) -> SemanticQuery | None:
        """The query of the most recent answered turn that had one."""
        for turn in reversed(self.turns):
            if turn.status is Status.ANSWERED and turn.query is not None:
                return turn.query
        return None
