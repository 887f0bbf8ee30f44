"""The offline rule planner: a plain-English question → a SemanticQuery, a clarifying question, or "cannot answer".

The pipeline, one pure module per step (pipeline.py chains them):
    normalize.py       the one normaliser: words → stems, for questions and catalogue terms alike
    grammar.yaml/.py   the closed-class words of asking ("below", "top", "by", "why", "my") as data
    lexicon.py         words for metrics, dimensions and values, from the catalogue and the data
    timewords.py       time phrases → period, grain, comparison, what is coming up (against as_of)
    spans.py           the question as typed spans: time, terms, grammar words, numbers, unknown words
    candidates.py      the metrics named, and retrieval over the catalogue for the rest
    frames.py          spans → a typed Interpretation (value, breakdown, trend, list, rank, compare, why, …)
    followups.py       whether a question edits the previous interpretation
    resolve.py         Interpretation → SemanticQuery, checked against catalogue metadata
    window.py          the period and grain when the question leaves them open
    score.py           confidence from evidence
    fallback.py        not sure: a clarifying question with full-question options, or an honest "cannot answer"
    interpretation.py  the typed interpretation; plan.py the outcomes and the planner context
"""

from assistant.planner.lexicon import build_lexicon
from assistant.planner.pipeline import plan_question
from assistant.planner.plan import CONFIDENT, Clarify, Outcome, Plan, PlannerContext, Unanswerable

__all__ = ["CONFIDENT", "Clarify", "Outcome", "Plan", "PlannerContext", "Unanswerable", "build_lexicon", "plan_question"]
