"""One chat session's memory: the questions asked and the queries that answered them.

Follow-ups ("and for EMEA?", "break that down by plan", "why?") start from the last
query that was answered. Each session has its own Conversation; sessions never share one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.answer import Status
from semantic_layer.query import SemanticQuery


@dataclass(frozen=True)
class Turn:
    """One question, how it ended, and the semantic query used (None for SQL or no answer)."""

    question: str
    status: Status
    query: SemanticQuery | None = None


@dataclass
class Conversation:
    """The turns of one chat session, oldest first."""

    turns: list[Turn] = field(default_factory=list)

    def add(self, question: str, status: Status, query: SemanticQuery | None) -> None:
        """Record one turn."""
        self.turns.append(Turn(question, Status(status), query))

    def last_query(self) -> SemanticQuery | None:
        """The query of the most recent answered turn that had one."""
        for turn in reversed(self.turns):
            if turn.status is Status.ANSWERED and turn.query is not None:
                return turn.query
        return None
