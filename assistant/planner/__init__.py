"""The offline rule planner: a plain-English question → a SemanticQuery, a clarifying question, or "cannot answer".

The pipeline, one module per step:
    lexicon.py    words for metrics, dimensions and values, from the catalogue and the data
    timewords.py  time phrases → period, grain, comparison (against as_of)
    mentions.py   which catalogue terms a question mentions (longest match, typo-tolerant)
    parse.py      mentions → metrics, groupings, filters, thresholds, order → Plan / Clarify / Unanswerable
    followups.py  "and for EMEA?", "break that down by plan", "why?"
    plan.py       the outcome types and the planner context
"""

from assistant.planner.lexicon import build_lexicon
from assistant.planner.parse import plan_question
from assistant.planner.plan import CONFIDENT, Clarify, Outcome, Plan, PlannerContext, Unanswerable

__all__ = ["CONFIDENT", "Clarify", "Outcome", "Plan", "PlannerContext", "Unanswerable", "build_lexicon", "plan_question"]
