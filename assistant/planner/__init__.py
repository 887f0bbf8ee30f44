"""The offline rule planner: a plain-English question → a SemanticQuery, a clarifying question, or "cannot answer".

The pipeline, one module per step:
    lexicon.py    words for metrics, dimensions and values, from the catalogue and the data
    timewords.py  time phrases → period, grain, comparison (against as_of)
    mentions.py   which catalogue terms a question mentions (longest match, any order, typo-tolerant)
    parse.py      the entry point: refusals, metric choice, then the steps below → Plan / Clarify / Unanswerable
    draft.py      the query being built, and the English grammar words that shape it
    groupings.py  "by segment", "which accounts", "each feature"
    filters.py    dimension values → query-wide or per-metric filters
    shape.py      thresholds, account lists, what is coming up, movement, order and limit
    window.py     the period and grain when the question leaves them open
    followups.py  "and for EMEA?", "break that down by plan", "why?"
    fallback.py   no metric, or not sure: a clarifying question or an honest "cannot answer"
    plan.py       the outcome types and the planner context
"""

from assistant.planner.lexicon import build_lexicon
from assistant.planner.parse import plan_question
from assistant.planner.plan import CONFIDENT, Clarify, Outcome, Plan, PlannerContext, Unanswerable

__all__ = ["CONFIDENT", "Clarify", "Outcome", "Plan", "PlannerContext", "Unanswerable", "build_lexicon", "plan_question"]
