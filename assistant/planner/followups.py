"""Follow-ups: a question that edits the previous interpretation instead of starting again.

  "and for EMEA?" / "only the enterprise ones"    the previous interpretation with that filter
  "break that down by plan" / "by region instead" with that grouping
  "and last year?" / "month by month"             over that period, at that grain
  "top 3 of those" / "worst 5"                    ranked and cut
  "why?" / "what drove that?"                     the metric next to its parts, against the period before
  "what about grr?"                                another metric, the rest kept

A question stands on its own, and starts fresh, when it says so ("different question: …"),
asks for all of something ("list all my accounts"), or names a metric of its own without
reading as a continuation.
"""

from __future__ import annotations

from assistant.planner.candidates import MetricChoice
from assistant.planner.grammar import RANKING, Word
from assistant.planner.interpretation import Interpretation
from assistant.planner.spans import Kind, Reading

SHORT = 8  # words: a question this short that names no metric reads as a continuation
_EDITS = frozenset({Word.group, *RANKING, Word.rank, Word.why, Word.parts,
                    Word.less, Word.more, Word.at_least, Word.at_most, Word.only, Word.back, Word.instead, Word.versus,
                    Word.list, Word.show})
_OPENINGS = frozenset({Word.conjunction, Word.instead, Word.only, Word.back})


def continues(reading: Reading, choice: MetricChoice, last: Interpretation | None,
              entities: frozenset[str] = frozenset()) -> bool:
    """Whether the question edits `last` rather than standing on its own; `entities` are the dimensions that name
    entities (accounts, CSMs)."""
    if last is None or reading.has(Word.new_topic):
        return False
    if choice.ambiguous is not None and not choice.metrics:
        return False  # "churn last month" after anything: a term of several metrics is asked about, not an edit
    if reading.has(Word.all) and any(s.kind is Kind.term and s.dimensions() for s in reading.spans):
        return False  # "now list all my accounts": a new subject
    if reading.has(Word.those) and last.rows is not None:
        return True  # "which of those renew next month", "and their health score"
    narrows = any(s.kind is Kind.number and not _cuts(reading, s) or s.kind is Kind.term and any(
        v.name in last.dimensions for v in s.values()) for s in reading.spans)  # "which mid-market accounts are
    # below 50?" after health by segment; not the N of "top 30 accounts by arr", a ranking of its own
    if not reading.has(Word.those, Word.instead) and last.dimensions and last.rows is None and not narrows and any(
            s.kind is Kind.term and s.dimensions() and any(d in entities for d in s.dimensions()) for s in reading.spans):
        return False  # "who are our top accounts" after csat by ticket category: a new subject, not accounts × categories
    if reading.has(Word.those) and choice.metrics and (len(reading.tokens) <= SHORT or not reading.of(Kind.time)):
        return True  # "how many detractors was that", "what % of those had an exec in the room": the same period
    if (last.dimensions or last.rows) and any(not reading.after(s, 1) for s in reading.grammar(Word.group)):
        return True  # "how many detractors in each?" after nps by segment: each of the groups just shown
    if choice.said_after(reading, Word.group):
        return True  # "ok now by ARR instead" after a renewal rate by count: the same rate, counted by ARR
    opening = reading.spans[0] if reading.spans else None
    opens = opening is not None and opening.kind is Kind.word and opening.word in _OPENINGS
    if choice.metrics and not opens:
        return False
    if choice.metrics and len(reading.tokens) > SHORT and not (opens and (opening.word is Word.instead or
                                                                       reading.has(Word.instead))):
        return False  # "same thing but for emea, and show it as arr": however long, it edits the last answer
    if not choice.metrics and not any(s.kind in (Kind.term, Kind.unknown) for s in reading.spans) and \
            (reading.time.compare is not None or reading.time.shift is not None or reading.has(Word.versus)):
        return True  # "how does that compare with the same period last year?": only a comparison, however long
    edits = any(s.kind in (Kind.time, Kind.number) for s in reading.spans) or any(
        s.kind is Kind.term and (s.values() or s.dimensions()) for s in reading.spans) or reading.has(*_EDITS)
    return bool(choice.metrics) or (edits and (opens or len(reading.tokens) <= SHORT))


def _cuts(reading: Reading, number) -> bool:
    """The number is how many a ranking keeps ('top 30', 'worst 5'), not a threshold."""
    return any(x.kind is Kind.word and x.word in RANKING for x in reading.before(number, 1))
