"""When the planner is not sure: a clarifying question whose options are full questions, or an honest
"cannot answer" that says what is missing and what can be asked instead.

Options are questions the planner answers when clicked: the asker's own words with the
ambiguous term replaced by each reading, or the interpretation said back ("NRR by segment
for EMEA, Q3 2026"). Suggestions come from retrieval over the catalogue (candidates.py),
else the catalogue's headline metrics (those with published benchmark bands), each asked
with the question its metric declares in the catalogue, never built from its label.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz, process

from assistant.planner.candidates import retrieve
from assistant.planner.plan import Clarify, Plan, PlannerContext, Unanswerable
from assistant.planner.spans import Kind, Reading, Span
from semantic_layer.budget import within_budget
from semantic_layer.catalog import Catalog
from semantic_layer.model import Metric
from semantic_layer.periods import Period
from semantic_layer.query import FilterOp, MetricColumn, SemanticQuery

MAX_OPTIONS = 4
MAX_VALUES = 8  # "in a specific segment": offer one question per value, when there are at most this many
NEAR = 80  # rapidfuzz score above which an unknown word is taken for a typo of a known term
NAME_NEAR = 70  # a name nobody has, against the names the data has: the closest are offered
_OPS = {FilterOp.lt: "below", FilterOp.le: "at most", FilterOp.gt: "above", FilterOp.ge: "at least", FilterOp.eq: "of"}


def ask_which_metric(question: str, span: Span, names: tuple[str, ...], catalog: Catalog) -> Clarify:
    """'churn' can mean logo or revenue churn: the question once per reading, in the asker's own words."""
    labels = [catalog.metrics[n].label for n in names]
    said = next((t.name for t in catalog.ambiguous_terms.values() if set(t.means) == set(names)
                 and re.search(rf"\b{re.escape(t.name)}\b", question, re.IGNORECASE)), span.text)  # "at risk", whole
    options = tuple(replace_words(question, said, in_sentence(label)) for label in labels)
    return Clarify(f"“{said}” can mean {' or '.join(labels)}. Which one?", options,
                   reason=f"“{said}” names {len(names)} metrics", final=True)


def in_sentence(label: str) -> str:
    """A label as it reads mid-sentence: lower case, but acronyms kept ('DAU', 'ARR up for renewal')."""
    return " ".join(w if len(w) > 1 and w.isupper() else w.lower() for w in label.split())


def replace_words(question: str, text: str, replacement: str) -> str:
    """`question` with the words `text` (as the planner read them) replaced, keeping the rest as typed."""
    pattern = r"\b" + r"[\s'’\-_]+(?:\w+[\s'’\-_]+)?".join(re.escape(w) for w in text.split()) + r"\w*"
    replaced, count = re.subn(pattern, replacement, question, count=1, flags=re.IGNORECASE)
    if not count:
        return f"{question.rstrip('?')} ({replacement})?"
    last = replacement.split()[-1]  # "at risk accounts" → "health-risk accounts", not "… accounts accounts"
    return re.sub(rf"\b{re.escape(last)}\s+{re.escape(last)}\b", last, replaced, count=1, flags=re.IGNORECASE)


def ask_which_value(question: str, dimension: str, context: PlannerContext) -> Clarify | None:
    """'… in a specific segment': ask which one, offering the question once per value the data holds."""
    label = context.catalog.dimensions[dimension].label.lower()
    values = context.lexicon.values_of(dimension)
    if not values or len(values) > MAX_VALUES:
        return None
    phrase = r"\b(?:(?:a|an|one|any) )?(?:specific|particular|given|certain) "
    options = tuple(re.sub(phrase, f"the {value} ", question, count=1, flags=re.IGNORECASE) for value in values)
    return Clarify(f"Which {label}? {', '.join(values)}.", options, reason=f"asks about one {label} without naming it",
                   final=True)


def nothing_understood(reading: Reading, context: PlannerContext) -> Clarify | Unanswerable:
    """No metric named: offer the metrics closest to the question's words, or say what the data does not hold.

    Every word understood, or one word unknown (or a typo of something known): ask back with the
    closest metrics. Two or more words nothing resembles: this warehouse does not hold that.
    """
    catalog = context.catalog
    unknown = [s.text for s in reading.unknown()]
    found = retrieve(context.index, reading.text)
    near = [w for w in unknown if context.lexicon.closest((w,), cutoff=NEAR)]
    if len(unknown) > 2 and not reading.filler and all(s.kind is Kind.unknown for s in reading.spans):
        return Unanswerable("I can only read questions in English, about the customer metrics in the catalogue; try "
                            "e.g. “What is our NRR last quarter?”", options(_headline(catalog), reading, catalog),
                            tuple(unknown), "no English words", final=True)
    if not unknown:
        return Clarify("Which metric would you like? For example:",
                       options(found.names or _headline(catalog), reading, catalog), 0.2, (), "no metric named")
    if found.names and (near or len(unknown) <= 1):
        names = " or ".join(catalog.metrics[n].label for n in found.names[:3])
        return Clarify(f"I could not match “{' '.join(unknown)}” to a metric; did you mean {names}?",
                       options(found.names, reading, catalog), 0.3, tuple(unknown),
                       f"no metric named; retrieval offers {', '.join(found.names[:3])} (margin {found.margin:.2f})")
    hint = f" The closest I can answer: {', '.join(catalog.metrics[n].label for n in found.names[:3])}." if found.names else ""
    return Unanswerable(f"This warehouse has nothing on “{' '.join(unknown)}”, so I cannot answer that from this "
                        f"data.{hint}", options(found.names or _headline(catalog), reading, catalog), tuple(unknown),
                        "no metric")


def options(names, reading: Reading, catalog: Catalog) -> tuple[str, ...]:
    """Full questions for metrics: each metric's declared question with the asker's period words, and the values
    they named that the metric can be filtered by ('What is our net revenue retention for EMEA last quarter?')."""
    time = " ".join(s.text for s in reading.of(Kind.time))
    named = [s for s in reading.of(Kind.term) if s.values() and not s.metrics()]
    asked = []
    for name in names:
        metric = catalog.metrics[name]
        values = [next(v.value for v in s.values() if v.name in metric.dimensions) for s in named
                  if any(v.name in metric.dimensions for v in s.values())]
        question = ask_for(metric, " ".join(p for p in (f"for {' '.join(values)}" if values else "", time) if p))
        if question is not None:
            asked.append(question)
    return tuple(asked[:MAX_OPTIONS])


def ask_for(metric: Metric, tail: str = "") -> str | None:
    """The question `metric` declares, with `tail` (filters, a period) closing its main clause: 'What is our net
    revenue retention for EMEA in Q3 2026?', 'Which customers did we lose in Q3 2026, and when?'; None if it
    declares none (only a part of others, never offered on its own)."""
    if metric.question is None or not tail:
        return metric.question
    main, comma, rest = metric.question[:-1].partition(", ")
    return f"{main} {tail}{comma}{rest}?"


def _headline(catalog: Catalog) -> list[str]:
    return [m.name for m in catalog.metrics.values() if m.benchmarks][:MAX_OPTIONS]


def missing_name(reading: Reading, context: PlannerContext) -> Unanswerable | None:
    """A name the data does not have ("Initech's health"): say so, and offer the closest names it has."""
    typed = _name_like(reading, context)
    if typed is None:
        return None
    for entity_name in ("account", "csm"):
        entity = context.catalog.entity_dimension(entity_name)
        if entity is None:
            continue
        names = context.lexicon.values_of(entity.name)
        close = [n for n, score, _ in process.extract(typed, names, scorer=fuzz.WRatio, limit=3) if score >= NAME_NEAR]
        if close or entity_name == "account":
            where = "in your book" if context.book_only else "in this data"
            if not close and not any(c.isupper() for c in typed) and " " not in typed:
                return Unanswerable(f"I found nothing called “{typed}” {where}, so I cannot answer that as asked.",
                                    (), (typed,), f"nothing named {typed} {where}", final=True)
            options = tuple(re.sub(re.escape(typed), c, reading.question, count=1, flags=re.IGNORECASE) for c in close)
            return Unanswerable(no_such_name(entity.label, typed, close, context.book_only), options, (typed,),
                                f"no {entity.label.lower()} named {typed} {where}", final=True)
    return None


def no_such_name(label: str, typed: str, close=(), book_only: bool = False) -> str:
    """The one sentence for a name nobody the viewer may see has: for a CSM, a name from another book reads exactly
    like a name that does not exist ('No account in your book is called “Initech”; the closest are …'), the closest
    names offered being their own."""
    where = " in your book" if book_only else ""
    closest = f"; the closest are {', '.join(close)}" if close else ""
    return f"No {in_sentence(label)}{where} is called “{typed}”{closest}."


def _name_like(reading: Reading, context: PlannerContext) -> str | None:
    """Words nobody understood that read as a name: capitalised mid-sentence, possessive ("globex's nrr"), or
    running on into words the data's names use ("globex industries")."""
    question = reading.question
    vocabulary = context.lexicon.names
    for span in reading.of(Kind.term):  # "northwind traders": a name's first word, then words no name has
        entities = [v for v in span.values() if context.catalog.dimensions[v.name].entity]
        following = reading.at(span.end) if span.end < len(reading.tokens) else None
        if entities and not any(v.exact for v in entities) and following is not None and following.kind is Kind.unknown:
            words = [_as_typed(question, reading.tokens[p].text) or reading.tokens[p].text
                     for p in (*span.positions, *following.positions)]
            return " ".join(words)
    for span in reading.unknown():
        word = reading.tokens[span.start].text
        typed = _as_typed(question, word)
        if typed is None:
            continue
        run = [typed]
        for token in reading.tokens[span.end:span.end + 3]:
            following = _as_typed(question, token.text)
            if following is None or _possessive(question, run[-1]):
                break
            position = reading.tokens.index(token)
            named = reading.at(position) is not None and reading.at(position).kind is not Kind.unknown
            # "Aliswick Analytics GmbH", "Alaix Media Co": a capitalised name runs on whatever book it is in
            title_case = typed[0].isupper() and following[0].isupper() and not following.isupper()
            if _possessive(question, following) or title_case or (token.text in vocabulary and not named):
                run.append(following)  # "globex industries' nrr": a name's own words, up to its possessive
            else:
                break
        capitalised = typed[0].isupper() and not typed.isupper() and not _starts_sentence(question, typed)
        if capitalised or _possessive(question, run[-1]) or len(run) > 1:
            return " ".join(run)
        if _said_after(question, typed, _PLACE_BEFORE) and len(reading.unknown()) == 1:
            return typed  # "customers based in germany": a place the data does not have
        unknown_run = [reading.tokens[p].text for s in reading.unknown() if s.start >= span.start for p in s.positions]
        named_after = _said_after(question, typed, _NAMING_BEFORE, then_a_word=True)
        if named_after and len(unknown_run) >= 2 and unknown_run[:2] == [word, reading.tokens[span.end].text
                                                                           if span.end < len(reading.tokens) else ""]:
            return " ".join(_as_typed(question, w) or w for w in unknown_run[:2])  # "mrr for northwind traders"
    return None


# Where a word of the question stands, as typed. A question's unknown words are new words: a pattern compiled for
# each costs 50-250 µs, so an ASCII question and a word of letters and digits (which then can only be one whole run
# of word characters, matched regardless of case exactly as re.IGNORECASE does in ASCII) are read from the question's
# runs through fixed patterns; anything else goes through the pattern built for the word.
_PLACE_BEFORE = r"\b(?:based in|located in|headquartered in|in|from)\s+"
_NAMING_BEFORE = r"\b(?:for|at|of|about|from)\s+"
_ENDS_WITH = {before: re.compile(before + r"\Z", re.IGNORECASE) for before in (_PLACE_BEFORE, _NAMING_BEFORE)}
_POSSESSIVE = r"(?:'s|’s|'|’)(?!\w)"
_POSSESSIVE_AT = re.compile(_POSSESSIVE, re.IGNORECASE)
_WORD_FOLLOWS = r"\s+\w"
_WORD_FOLLOWS_AT = re.compile(_WORD_FOLLOWS)
_SENTENCE_ENDS = re.compile(r"[.?!]\s+\Z")
_RUN = re.compile(r"\w+")
_PLAIN = re.compile(r"[A-Za-z0-9]+")


@lru_cache(maxsize=256)
def _runs(question: str) -> tuple[tuple[str, int, int], ...]:
    """The runs of word characters of `question`: (lower-cased text, start, end)."""
    return tuple((m.group(0).lower(), m.start(), m.end()) for m in _RUN.finditer(question))


def _whole_word(question: str, word: str) -> list[tuple[int, int]] | None:
    """Where `word` stands in `question` as a whole word, any case, in order; None when only its own pattern can
    say (a word of other characters, or a question beyond ASCII, where case-insensitive matching is not lower())."""
    if not (question.isascii() and _PLAIN.fullmatch(word)):
        return None
    lowered = word.lower()
    return [(start, end) for text, start, end in _runs(question) if text == lowered]


def _said_after(question: str, typed: str, before: str, then_a_word: bool = False) -> bool:
    """Whether `typed` is said right after the words `before` (a pattern), and followed by a word when asked."""
    places = _whole_word(question, typed)
    if places is None:
        return bool(re.search(before + re.escape(typed) + (_WORD_FOLLOWS if then_a_word else r"\b"), question,
                              re.IGNORECASE))
    return any(_ENDS_WITH[before].search(question, 0, start) and (not then_a_word or _WORD_FOLLOWS_AT.match(question, end))
               for start, end in places)


def _possessive(question: str, word: str) -> bool:
    places = _whole_word(question, word)
    if places is None:
        return bool(re.search(r"\b" + re.escape(word) + _POSSESSIVE, question, flags=re.IGNORECASE))
    return any(_POSSESSIVE_AT.match(question, end) for _, end in places)


def _as_typed(question: str, word: str) -> str | None:
    places = _whole_word(question, word)
    if places is None:
        match = re.search(r"\b" + re.escape(word) + r"\b", question, flags=re.IGNORECASE)
        return match.group(0) if match else None
    return question[places[0][0]:places[0][1]] if places else None


def _starts_sentence(question: str, typed: str) -> bool:
    places = _whole_word(question, typed)
    if places is None:
        return bool(re.match(r"^\W*" + re.escape(typed) + r"\b", question)) or bool(
            re.search(r"[.?!]\s+" + re.escape(typed) + r"\b", question))
    if not places:
        return False
    first = _runs(question)[0][1]
    return any(question[start:end] == typed and (start == first or _SENTENCE_ENDS.search(question, 0, start))
               for start, end in places)  # as typed: case counts here


def unsure(plan: Plan, context: PlannerContext) -> Clarify | Unanswerable:
    """A plan below the confidence bar, with no agent to ask: offer it back, or say what is not in the data.

    Words close to something the catalogue or the data knows ("helth", "renewl"), or a single
    unknown word in an otherwise understood question, make it a clarifying question; more words
    nothing resembles ("support agent … shift") are things this warehouse does not hold, and the
    answer says so, with the plan offered as the closest question.
    """
    words = ", ".join(f"“{w}”" for w in plan.unused_words)
    offer = (as_question(within_budget(plan.query), context),)  # never offer back what would be refused
    interpretation = plan.interpretation
    unknown = interpretation.evidence.unknown if interpretation is not None else plan.unused_words
    near = [w for w in unknown if context.lexicon.closest((w,), cutoff=NEAR)]
    unexplained = len(plan.unused_words)
    missing = interpretation.evidence.missing if interpretation is not None else ()
    if missing:
        return Unanswerable(f"This warehouse has no {', '.join(missing)}, so I cannot answer that as asked. The closest "
                            "question I can answer is offered below.", offer, plan.unused_words,
                            f"asks for {', '.join(missing)}, which the data does not hold", plan.confidence)
    if near or len(unknown) == 0 or (len(unknown) == 1 and unexplained < 3):
        return Clarify(f"I am not sure I understood {words}; did you mean this?", offer, plan.confidence,
                       plan.unused_words, f"rules were not confident ({plan.confidence:.2f}; {plan.reason})")
    return Unanswerable(f"This warehouse has nothing on {words}, so I cannot answer that as asked. The closest question I "
                        f"can answer is offered below.", offer, plan.unused_words,
                        f"rules did not recognise {words} (confidence {plan.confidence:.2f})", plan.confidence)


def period_phrase(period: Period, as_of) -> str:
    """A period as words the time grammar reads back: 'Q3 2026', 'October 2026', 'the last 90 days'."""
    if period.end == as_of and not period.is_whole_months:
        return f"the last {period.days} days"
    label = period.label()
    return label if not label[0].isdigit() or period.is_whole_months else f"from {period.start} to {period.end}"


def as_question(query: SemanticQuery, context: PlannerContext) -> str:
    """A plan said back as a question the user can click, in words the planner reads back:
    'What is our net revenue retention by segment for EMEA, Q3 2026?', 'Which accounts have health score below 60
    in October 2026?', 'Which accounts are among the at-risk accounts in October 2026?'."""
    catalog = context.catalog
    names = list(dict.fromkeys(m if isinstance(m, str) else m.name for m in query.metrics))
    labels = " and ".join(in_sentence(catalog.metrics[n].label) for n in names)
    entity = next((d for d in query.dimensions if catalog.dimensions[d].entity), None)
    groups = [catalog.dimensions[d].label.lower() for d in query.dimensions if d != entity]
    values = [("excluding " if f.op is FilterOp.not_in else "for ") + ", ".join(map(str, f.values))
              for f in query.filters if f.dimension != _listed_dimension(catalog, entity)]
    when = period_phrase(query.time_range, context.as_of)
    flags = [f for f in query.metric_filters if f.op is FilterOp.gt and f.value == 0 and not f.metric.count("__")
             and catalog.metrics.get(f.metric) is not None and catalog.metrics[f.metric].counts]
    conditions = [f for f in query.metric_filters if f not in flags]
    noun = f"{catalog.dimensions[entity].entity}s" if entity else ""
    if query.tally is not None and entity:
        head = f"How many {noun} have " + " and ".join(_condition(f, catalog) for f in conditions)
    elif entity and flags:
        head = f"Which {noun} are among the {in_sentence(catalog.metrics[flags[0].metric].label)}"
    elif entity and conditions:
        head = f"Which {noun} have " + " and ".join(_condition(f, catalog) for f in conditions)
    elif entity and query.order_by:
        order = query.order_by[0]
        word = "top" if order.descending else "bottom"
        head = f"{word.capitalize()} {query.limit or ''} {noun} by {labels}".replace("  ", " ")
    elif entity:
        head = f"{labels.capitalize()} per {catalog.dimensions[entity].entity}"
    else:
        head = f"What is our {labels}"
    parts = [*(["by " + " and ".join(groups)] if groups else []), *values]
    if query.grain:
        parts.append(f"by {query.grain.value}")
    parts.append(("over " if when.startswith("the ") else "" if when.startswith("from ") else "in ") + when)
    if query.compare is not None:
        parts.append("vs the previous period" if query.compare.value == "previous_period" else
                     "vs the same period last year" if query.compare.value == "same_period_last_year" else
                     f"vs {period_phrase(query.compare_with, context.as_of)}")
    one = catalog.metrics[names[0]] if len(names) == 1 and entity is None else None
    if one is not None and one.question is not None:  # one metric's value: its own question, with this tail
        return ask_for(one, " ".join(parts))
    return " ".join([head, *parts]) + "?"


def _listed_dimension(catalog: Catalog, entity: str | None) -> str | None:
    listed = catalog.dimensions[entity].listed_as if entity else None
    return listed.dimension if listed else None


def _condition(f, catalog: Catalog) -> str:
    metric = catalog.metrics.get(f.metric.split("__")[0])
    label = in_sentence(metric.label) if metric else f.metric.replace("_", " ")
    return f"{label}{_column(f.column)} {_OPS.get(f.op, f.op.value)} {f.value:g}"


def _column(column: MetricColumn) -> str:
    return "" if column is MetricColumn.value else " change"
