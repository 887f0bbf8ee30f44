"""The label on every answer: governed metric, ad-hoc SQL, asked back, or not answered."""

from __future__ import annotations

import pytest

from assistant.answer import Answer, Status
from assistant.provenance import Provenance, provenance

QUERY = {"metrics": ["nrr"]}


@pytest.mark.parametrize("answer, label", [
    # the rule planner answered from the semantic layer
    (Answer("nrr?", Status.ANSWERED, "NRR is 104%.", sql="WITH periods AS (SELECT 1) SELECT 1", query=QUERY,
            planner="rules"), Provenance.GOVERNED),
    # the agent answered through its governed tool: still a semantic query
    (Answer("nrr?", Status.ANSWERED, "NRR is 104%.", sql="SELECT 1", query=QUERY, planner="llm"), Provenance.GOVERNED),
    # the agent fell back to its run_sql tool: rows from freehand SQL
    (Answer("tickets per tier?", Status.ANSWERED, "3 tiers.", sql="SELECT tier, count(*) FROM tickets GROUP BY 1",
            planner="llm"), Provenance.AD_HOC),
    # a person's own SQL through Assistant.run_sql
    (Answer("SELECT 1", Status.ANSWERED, "1 row.", sql="SELECT 1", planner="none"), Provenance.AD_HOC),
    # a clarifying question, even one that carries the unsure plan's query
    (Answer("at risk?", Status.CLARIFY, "Which one?", options=["a", "b"], query=QUERY), Provenance.ASKED_BACK),
    # no figures: the planner could not plan it, the guard refused, or something failed
    (Answer("weather?", Status.UNANSWERABLE, "Not in the data.", query=QUERY), Provenance.NOT_ANSWERED),
    (Answer("DROP TABLE x", Status.REFUSED, "Only SELECT.", sql="DROP TABLE x"), Provenance.NOT_ANSWERED),
    (Answer("nrr?", Status.ERROR, "Broken invariant.", sql="SELECT 1", query=QUERY), Provenance.NOT_ANSWERED),
])
def test_the_label_follows_status_then_whether_a_semantic_query_answered(answer, label):
    assert provenance(answer) is label


def test_the_labels_read_as_shown():
    assert [str(p) for p in Provenance] == ["Governed metric", "Ad-hoc SQL", "Asked back", "Not answered"]
