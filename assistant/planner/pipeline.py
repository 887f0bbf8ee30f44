"""Question → Plan, Clarify or Unanswerable: the planner's steps, in order.

    refuse     what is not a question (empty, huge, no words, not English)
    read       spans: time, catalogue terms, grammar words, numbers, unknown words   (spans.py)
    choose     the metrics the question names                                        (candidates.py)
    continue   a follow-up edits the previous interpretation                         (followups.py)
    interpret  frames fill a typed interpretation                                    (frames.py)
    resolve    interpretation → SemanticQuery, checked against the catalogue         (resolve.py)
    score      confidence from the evidence                                          (score.py)

Pure: the question, the planner context, the viewer and the previous interpretation in; an
outcome out. No database, no clock.
"""

from __future__ import annotations

import re

from assistant.planner.candidates import choose_metrics
from assistant.planner.fallback import ask_for, ask_which_metric, ask_which_value, missing_name, nothing_understood
from assistant.planner.followups import continues
from assistant.planner.frames import interpret
from assistant.planner.grammar import RANKING, Word
from assistant.planner.interpretation import Evidence, Interpretation
from assistant.planner.normalize import normalize
from assistant.planner.plan import CONFIDENT, Outcome, Plan, PlannerContext, Unanswerable
from assistant.planner.resolve import NotInData, resolve
from assistant.planner.score import confidence, reason
from assistant.planner.spans import Kind
from assistant.viewer import Viewer

MAX_QUESTION = 1000
_LETTERS = re.compile(r"[a-z]")
_NON_LATIN = re.compile(r"[^\x00-\x7f\u00c0-\u024f\u2018-\u201d\u2013\u2014\u2026\u00a0-\u00bf]")


def plan_question(question: str, context: PlannerContext, viewer: Viewer | None = None,
                  last: Interpretation | None = None) -> Outcome:
    """Plan `question` for `viewer` (a leader by default), editing `last` when it is a follow-up."""
    viewer = viewer or Viewer.leader()
    refusal = not_a_question(question)
    if refusal:
        return refusal
    reading = context.reading(question)
    future = [s for s in reading.grammar(Word.future, Word.advice) if not _names_a_thing(reading, s)]
    choice = choose_metrics(reading, context.catalog)
    if future:
        words = ", ".join(s.text for s in future)
        named = [context.catalog.metrics[name] for name, _ in choice.metrics][:2]
        history = tuple(q for m in named if (q := ask_for(m, "by month over the last 12 months")))  # a forecast's start
        return Unanswerable(f"I can only report what happened up to {context.as_of.isoformat()}, the last day of data; "
                            f"forecasts, predictions and advice (“{words}”) are not in this warehouse."
                            + (" Here is the history a forecast would start from:" if history else ""),
                            suggestions=history, reason="asks about the future or for advice", final=True)
    entities = frozenset(d.name for d in context.catalog.dimensions.values() if d.entity)
    base = last if continues(reading, choice, last, entities) else None
    if base is None:
        if choice.ambiguous and not choice.metrics:
            span, names = choice.ambiguous
            return ask_which_metric(question, span, names, context.catalog)
        if not choice.metrics and not _asks_for_rows(reading, context):
            return missing_name(reading, context) or nothing_understood(reading, context)
    interpretation = interpret(reading, choice, context, viewer, base)
    if interpretation.choose:
        clarify = ask_which_value(question, interpretation.choose, context)
        if clarify is not None:
            return clarify
    if not interpretation.metrics:
        return missing_name(reading, context) or nothing_understood(reading, context)
    if interpretation.rows is None and not interpretation.metrics:
        return nothing_understood(reading, context)
    missing = missing_name(reading, context)
    if missing is not None:
        return missing
    evidence = interpretation.evidence
    if base is None and reading.has(Word.back):  # "filter that to …" with nothing before it: not a question of its own
        evidence = evidence.merged(Evidence(unused=tuple(s.text for s in reading.grammar(Word.back))))
    try:
        query = resolve(interpretation, context)
    except NotInData as error:
        understood = confidence(evidence) >= CONFIDENT  # else the period may not be what was meant: let the agent try
        return Unanswerable(f"I understood the question, but {error}." if understood else f"I could not answer that: {error}.",
                            reason="period not in the data", final=understood, confidence=confidence(evidence))
    except ValueError as error:
        return Unanswerable(f"I understood the question but could not build a query for it: {error}",
                            reason="invalid query")
    notes = [*interpretation.notes, *(["follow-up on the previous question"] if base is not None else [])]
    return Plan(query, confidence(evidence), (*evidence.unknown, *evidence.unused), tuple(notes),
                "follow-up edits the previous question" if base is not None and not evidence.unknown + evidence.unused
                else reason(evidence), interpretation)


def _names_a_thing(reading, span) -> bool:
    """'the renewal forecast call': a forecast word right before an unknown noun names a thing, not a forecast."""
    after = reading.after(span, 1)
    return bool(after) and after[0].kind is Kind.unknown and after[0].start == span.end


def _asks_for_rows(reading, context: PlannerContext) -> bool:
    """No metric, but rows asked for that the catalogue knows how to show or count: 'list my accounts', 'our biggest
    customers' (by their declared size), 'top ticket themes', 'how many accounts in EMEA' (by what counts them)."""
    dimensions = [context.catalog.dimensions[d] for s in reading.of(Kind.term) for d in s.dimensions()]
    shown = any(d.size for d in dimensions) and (reading.names_own_rows or  # "my accounts", not "how did my … do"
                                                 reading.has(Word.list, Word.all, *RANKING, Word.rank, Word.show))
    # "split that by channel" with nothing before it names no count: only asking for one ("how many", "top") does
    counted = any(d.counted_by for d in dimensions) and reading.has(Word.count, Word.list, *RANKING, Word.rank)
    valued = [context.catalog.dimensions[v.name] for s in reading.of(Kind.term) for v in s.values()]
    return shown or counted or (any(d.counted_by for d in valued) and reading.has(Word.count))  # "number of EBRs"


def not_a_question(question: str) -> Unanswerable | None:
    """An empty, huge, wordless or non-English 'question', answered in one sentence."""
    if not isinstance(question, str) or not question.strip():
        return Unanswerable("Ask a question about your customers, for example “What is our NRR last quarter?”",
                            reason="empty question", final=True)
    if len(question) > MAX_QUESTION:
        return Unanswerable(f"That question is {len(question):,} characters long; ask it in a sentence or two "
                            f"(at most {MAX_QUESTION:,} characters).", reason="question too long", final=True)
    text = normalize(question)
    if not _LETTERS.search(text):
        return Unanswerable("I could not find any words in that; ask about a metric, e.g. “NRR by segment last "
                            "quarter”.", reason="no words", final=True)
    if len(_NON_LATIN.findall(question)) > len(_LETTERS.findall(text)):
        return Unanswerable("I can only read questions in English; try e.g. “What is our NRR last quarter?”",
                            reason="not English", final=True)
    return None
