"""No metric understood: a clarifying question when the words were all known, an honest refusal otherwise.

Either way the answer offers the closest answerable questions, built from the catalogue:
metrics sharing a word with the question ("retention" → NRR, GRR, customer retention
rate), else the nearest names by spelling, else the catalogue's headline metrics (those
with published benchmark bands).
"""

from __future__ import annotations

import re

from assistant.planner.draft import GRAMMAR, Draft
from assistant.planner.lexicon import STOPWORDS, key
from assistant.planner.mentions import Words
from assistant.planner.plan import Clarify, Outcome, Plan, PlannerContext, Unanswerable
from semantic_layer.catalog import Catalog
from semantic_layer.errors import suggest

MAX_OPTIONS = 4
NEAR = 75  # rapidfuzz score above which an unknown word is taken for a typo of a known term
_LETTERS = re.compile(r"[a-z]")


def nothing_understood(question: str, words: Words, draft: Draft, context: PlannerContext) -> Outcome:
    """The outcome for a question in which no metric was found."""
    catalog = context.catalog
    unknown = words.unused(draft.used)
    content = [w for w in words.tokens if w not in STOPWORDS and _LETTERS.search(w) and w not in GRAMMAR]
    shared = shared_word_metrics(content, catalog)
    shared_words = {w for n in shared for phrase in (catalog.metrics[n].label, *catalog.metrics[n].synonyms)
                    for w in key(phrase)}
    if len(shared) > 1 and all(key(w) and key(w)[0] in shared_words for w in unknown):
        labels = " or ".join(catalog.metrics[n].label for n in shared)
        return Clarify(f"Did you mean {labels}?", _options(shared, catalog), 0.3, (), "several metrics share those words")
    if not unknown:
        headline = shared or [m.name for m in catalog.metrics.values() if m.benchmarks][:MAX_OPTIONS]
        return Clarify("Which metric would you like? For example:", _options(headline, catalog), 0.2, (),
                       "no metric named")
    if not words.mentions and not set(words.tokens) & STOPWORDS and len(unknown) > 1:
        return Unanswerable("I can only read questions in English, about the customer metrics in the catalogue; try "
                            "e.g. “What is our NRR last quarter?”", _options(_headline(catalog), catalog),
                            tuple(unknown), "no English words")
    known = {s: m.name for m in catalog.metrics.values() for s in (m.label, *m.synonyms)} | {n: n for n in catalog.metrics}
    near = shared or list(dict.fromkeys(n for w in unknown for n in suggest(w, known)))[:MAX_OPTIONS]
    hint = f" Did you mean {' or '.join(catalog.metrics[n].label for n in near)}?" if near else ""
    return Unanswerable(f"I could not match “{' '.join(unknown)}” to a metric in the catalogue, so I cannot answer "
                        f"that from this data.{hint}", _options(near or _headline(catalog), catalog), tuple(unknown),
                        "no metric")


def shared_word_metrics(content: list[str], catalog: Catalog) -> list[str]:
    """Metrics whose label (first) or synonyms contain one of the content words ('retention' → NRR, GRR …)."""
    stems = {key(w)[0] for w in content if key(w)}
    by_label = [m.name for m in catalog.metrics.values() if stems & set(key(m.label))]
    by_synonym = [m.name for m in catalog.metrics.values()
                  if m.name not in by_label and any(stems & set(key(s)) for s in m.synonyms)]
    return (by_label + by_synonym)[:MAX_OPTIONS]


def _headline(catalog: Catalog) -> list[str]:
    return [m.name for m in catalog.metrics.values() if m.benchmarks][:MAX_OPTIONS]


def _options(names: list[str], catalog: Catalog) -> tuple[str, ...]:
    return tuple(f"What is our {catalog.metrics[n].label}?" for n in names)


def as_question(query, catalog: Catalog) -> str:
    """A plan read back as a question the user can click: 'What is our NRR by segment where region = EMEA, Q3 2026?'."""
    labels = " and ".join(catalog.metrics[m if isinstance(m, str) else m.name].label for m in query.metrics)
    by = f" by {', '.join(catalog.dimensions[d].label.lower() for d in query.dimensions)}" if query.dimensions else ""
    where = "; ".join(f"{catalog.dimensions[f.dimension].label.lower()} {f.op.value} {', '.join(map(str, f.values))}"
                      for f in query.filters)
    grain = f" per {query.grain.value}" if query.grain else ""
    return f"What is our {labels}{by}{grain}{f' where {where}' if where else ''}, {query.time_range.label()}?"


def unsure(plan: Plan, context: PlannerContext) -> Clarify | Unanswerable:
    """A plan below the confidence bar, without an agent to ask: offer it back, or say what is not in the data.

    Words close to something the catalogue or the data knows ("helth", "renewl") make it a
    clarifying question; words nothing resembles ("competitors", "employee") are things this
    warehouse does not hold, and the answer says so.
    """
    unknown = ", ".join(f"“{w}”" for w in plan.unused_words)
    offer = (as_question(plan.query, context.catalog),)
    near = [w for w in plan.unused_words if context.lexicon.closest(key(w) or (w,), cutoff=NEAR) is not None]
    if near:
        return Clarify(f"I am not sure I understood {unknown}; did you mean this?", offer, plan.confidence,
                       plan.unused_words, f"rules were not confident ({plan.confidence:.2f}; {plan.reason})")
    return Unanswerable(f"This warehouse has nothing on {unknown}, so I cannot answer that as asked. The closest I can "
                        f"answer is below.", offer, plan.unused_words,
                        f"rules did not recognise {unknown} (confidence {plan.confidence:.2f})", plan.confidence)
