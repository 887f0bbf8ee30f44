"""Where an answer came from, as the label people see on it: a governed metric, ad-hoc SQL, or a question back.

A governed answer was computed from the semantic layer's definitions (a `SemanticQuery`, by the rule
planner or by the agent's governed tool); ad-hoc SQL is freehand SQL (the agent's `run_sql` or a
person's) that no metric definition vouches for. Pure: decided from the Answer's fields alone.
"""

from __future__ import annotations

from enum import StrEnum

from assistant.answer import Answer, Status


class Provenance(StrEnum):
    """The label on an answer; the value is the text shown."""

    GOVERNED = "Governed metric"
    AD_HOC = "Ad-hoc SQL"
    ASKED_BACK = "Asked back"
    NOT_ANSWERED = "Not answered"


def provenance(answer: Answer) -> Provenance:
    """The label of one answer: asked back (status clarify), governed (answered from a SemanticQuery),
    ad-hoc SQL (answered from freehand SQL), or not answered (unanswerable, refused or failed)."""
    if answer.status == Status.CLARIFY:
        return Provenance.ASKED_BACK
    if answer.status != Status.ANSWERED:
        return Provenance.NOT_ANSWERED
    return Provenance.GOVERNED if answer.query is not None else Provenance.AD_HOC
