"""Question → Plan, Clarify or Unanswerable: the offline rule planner.

Pure: the question, the planner context (catalogue, lexicon, as_of), the viewer and the
previous query in; an outcome out. No database, no clock. The steps:
  1. refuse what is not a question (empty, huge, no words, not English);
  2. take out time phrases (timewords.py), then find catalogue mentions (mentions.py);
  3. a follow-up ("and for EMEA?", "why?") edits the previous query (followups.py);
  4. otherwise choose metrics, groupings and filters (here), then the shape of the answer
     (shape.py) and the period (window.py).
"""

from __future__ import annotations

import re

from assistant.planner import shape
from assistant.planner.draft import AGGREGATE, CHOOSING, COUNTING, GRAMMAR, LESS, LISTING_WORDS, MINE, MORE, VERDICT, Draft, account_dimension
from assistant.planner.fallback import nothing_understood
from assistant.planner.filters import dimension_filter, filters, metric_refs
from assistant.planner.followups import drivers, follow_up
from assistant.planner.groupings import counted_by_dimension, grouped_inside_terms, groupings, lists_accounts
from assistant.planner.lexicon import STOPWORDS, key, normalize
from assistant.planner.mentions import Mention, Words, blank_spans, find_mentions
from assistant.planner.plan import Clarify, Outcome, Plan, PlannerContext, Unanswerable
from assistant.planner.timewords import TimeWords, correct_time_typos, parse_time
from assistant.planner.window import default_period, fit_to_sources, per_grain, trend_grain
from assistant.viewer import Viewer
from semantic_layer.query import Comparison, SemanticQuery

MAX_QUESTION = 1000
FUTURE = frozenset({"forecast", "forecasts", "predict", "predicted", "prediction", "projection", "projected", "will"})

_LETTERS = re.compile(r"[a-z]")
_NON_LATIN = re.compile(r"[^\x00-\x7f\u00c0-\u024f\u2018-\u201d\u2013\u2014\u2026\u00a0-\u00bf]")
_TIME_ADVERB = re.compile(r"\b([a-z]+ )?(daily|weekly|monthly|quarterly|yearly|annual)((?: [a-z/]+){0,2})")


def plan_question(question: str, context: PlannerContext, viewer: Viewer | None = None,
                  last_query: SemanticQuery | None = None) -> Outcome:
    """Plan `question` for `viewer` (a leader by default), continuing from `last_query` when it is a follow-up."""
    viewer = viewer or Viewer.leader()
    refusal = _not_a_question(question)
    if refusal:
        return refusal
    text, corrected = correct_time_typos(normalize(question), context.lexicon.knows)
    time = parse_time(_mask_metric_adverbs(text, context), context.as_of)
    time.corrected = corrected
    words = find_mentions(blank_spans(text, time.spans), context.lexicon, GRAMMAR)
    if last_query is not None:
        outcome = follow_up(text, words, time, last_query, context)
        if outcome is not None:
            return outcome
    return _plan(question, words, time, context, viewer)


def _not_a_question(question: str) -> Unanswerable | None:
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


def _mask_metric_adverbs(text: str, context: PlannerContext) -> str:
    """Hide 'daily active users', 'average weekly health' from the time grammar: they name metrics, not grains."""
    def mask(match: re.Match) -> str:
        before, adverb, after = (match.group(1) or "").split(), match.group(2), (match.group(3) or "").split()
        for lead in (before, []):
            for n in range(len(after), -1, -1):
                phrase = " ".join([*lead, adverb, *after[:n]])
                if (lead or n) and any(s.kind == "metric" for s in context.lexicon.lookup(key(phrase))):
                    return match.group(0).replace(adverb, "#" * len(adverb), 1)
        return match.group(0)

    return _TIME_ADVERB.sub(mask, text)


def _plan(question: str, words: Words, time: TimeWords, context: PlannerContext, viewer: Viewer) -> Outcome:
    draft = Draft(context.catalog, words, context.lexicon)
    if FUTURE & set(words.tokens):
        return Unanswerable(f"I can only report what happened up to {context.as_of.isoformat()}, the last day of data; "
                            "forecasts and predictions are not in this warehouse.", reason="asks about the future",
                            final=True)
    ambiguity = _choose_metrics(question, draft)
    if ambiguity is not None:
        return ambiguity
    _viewer_words(draft, viewer)
    shape.horizon(time, draft)
    groupings(draft)
    grouped_inside_terms(draft)
    if not draft.metrics:
        counted_by_dimension(draft, draft.dimensions)
    if not draft.metrics:
        return nothing_understood(question, words, draft, context)
    if draft.choose and draft.choose not in draft.filters:
        choice = _choose_value(question, draft)
        if choice is not None:
            return choice
    shape.share_of(draft)
    shape.components(draft, drivers)
    filters(draft)
    shape.thresholds(draft)
    shape.listing(draft)
    shape.movement(time, draft)
    shape.ordering(draft)
    shape.movement_parts(draft, drivers)
    draft.mark(VERDICT | AGGREGATE | MORE | LESS | COUNTING)  # grammar that only colours the question
    draft.absorb_vocabulary()
    try:
        query = _query(draft, time, context)
    except ValueError as error:
        return Unanswerable(f"I understood the question but could not build a query for it: {error}",
                            reason="invalid query")
    unused = words.unused(draft.used)
    content = max(1, len(words.unused()))
    confidence = round(max(0.0, 1.0 - 0.5 * len(unused) / content - 0.1 * len(unused) - draft.penalty), 2)
    notes = [*draft.notes, *time.corrected, *([time.partial] if time.partial else [])]
    reason = "rules understood every word" if not unused else f"rules did not use: {', '.join(unused)}"
    return Plan(query, confidence, tuple(unused), tuple(notes), reason)


def metric_senses(mention: Mention) -> list[str]:
    return list(dict.fromkeys(s.name for s in mention.senses if s.kind == "metric"))


def _choose_metrics(question: str, draft: Draft) -> Clarify | None:
    """Metrics from mentions: plain ones first, then words that could be a metric or something else."""
    mixed = []
    for mention in draft.words.mentions:
        names = metric_senses(mention)
        if names and len(names) == len(mention.senses) == 1:
            draft.add_metric(names[0], mention)
            _note_typo(draft, mention, names[0])
        elif names:
            mixed.append(mention)
    for mention in mixed:
        names = metric_senses(mention)
        others = [s for s in mention.senses if s.kind != "metric"]
        if set(names) & set(draft.metrics):
            draft.use(mention)  # "dau/mau stickiness": already chosen
            continue
        if any(s.kind == "dimension" for s in others) and (draft.metrics or lists_accounts(draft, mention)):
            continue  # "which customers …": the account dimension, handled with groupings
        if any(s.kind == "value" for s in others) and draft.metrics:
            if _same_source(draft, names):
                draft.use(mention)  # "conversion rate of trials": the word restates the topic
            continue  # "onboarding nps": a value next to another metric filters it
        if len(names) > 1:
            names = _by_neighbours(draft, mention, names)
        if len(names) > 1:
            return _clarify_metric(question, mention, names, draft)
        draft.add_metric(names[0], mention)
        _note_typo(draft, mention, names[0])
    return None


def _by_neighbours(draft: Draft, mention: Mention, names: list[str]) -> list[str]:
    """The readings whose own words appear elsewhere in the question ("revenue churn" → revenue churn rate).

    A neighbouring word that decides the reading is part of it: a metric it named on its own
    ("revenue" → MRR) is dropped.
    """
    others = {i: key(t)[0] for i, t in enumerate(draft.words.tokens)
              if not mention.start <= i < mention.end and t not in STOPWORDS and key(t)}
    vocabularies = {}
    for name in names:
        metric = draft.catalog.metrics[name]
        vocabularies[name] = {w for phrase in (metric.label, metric.name.replace("_", " "), *metric.synonyms)
                              for w in key(phrase)}
    scores = {n: len(set(others.values()) & v) for n, v in vocabularies.items()}
    best = max(scores.values())
    winners = [n for n in names if scores[n] == best]
    if len(winners) != 1 or best == 0:
        return names
    deciding = {i for i, stem_ in others.items() if stem_ in vocabularies[winners[0]]}
    for name, named in list(draft.metric_mentions.items()):
        if set(range(named.start, named.end)) <= deciding:
            draft.metrics.remove(name)
            del draft.metric_mentions[name]
    draft.used.update(deciding)
    return winners


def _same_source(draft: Draft, names: list[str]) -> bool:
    sources = {draft.catalog.metrics[m].source for m in draft.metrics}
    return any(draft.catalog.metrics[n].source in sources for n in names)


def _note_typo(draft: Draft, mention: Mention, name: str) -> None:
    if mention.fuzzy:
        draft.penalty += 0.1
        draft.notes.append(f"read “{mention.text}” as {draft.catalog.metrics[name].label}")


def _clarify_metric(question: str, mention: Mention, names: list[str], draft: Draft) -> Clarify:
    labels = [draft.catalog.metrics[n].label for n in names]
    options = tuple(_replace_words(question, mention.text, label.lower()) for label in labels)
    known = {i for m in draft.words.mentions for i in m.positions} | draft.used
    unknown = [w for w in draft.words.unused(known) if w not in GRAMMAR]
    # Only the ambiguity stands between the rules and an answer: asking is all anyone could do.
    return Clarify(f"“{mention.text}” can mean {' or '.join(labels)}. Which one?", options, unused_words=tuple(unknown),
                   reason=f"“{mention.text}” names {len(names)} metrics", final=not unknown)


def _replace_words(question: str, text: str, replacement: str) -> str:
    """`question` with the words `text` (as the planner read them) replaced, keeping the rest as typed."""
    pattern = r"\b" + r"[\s'’\-_]+".join(re.escape(w) for w in text.split()) + r"\w*"
    replaced, count = re.subn(pattern, replacement, question, count=1, flags=re.IGNORECASE)
    return replaced if count else f"{question.rstrip('?')} ({replacement})?"


MAX_OPTIONS = 8


def _choose_value(question: str, draft: Draft) -> Clarify | None:
    """'… in a specific segment': ask which one, offering the question once per value the data holds."""
    dimension = draft.catalog.dimensions[draft.choose]
    values = sorted({s.value for senses in draft.lexicon.terms.values() for s in senses
                     if s.kind == "value" and s.name == dimension.name and s.value})
    if not values or len(values) > MAX_OPTIONS:
        return None
    mention = next(m for m in draft.words.mentions if any(s.name == dimension.name for s in m.senses))
    phrase = r"\b(?:(?:a|an|one|any) )?(?:" + "|".join(CHOOSING) + r") " + r"[\s'’\-_]+".join(
        re.escape(w) for w in mention.text.split()) + r"\w*"
    options = tuple(re.sub(phrase, f"the {value} {mention.text}", question, count=1, flags=re.IGNORECASE) for value in values)
    return Clarify(f"Which {dimension.label.lower()}? {', '.join(values)}.", options,
                   reason=f"asks about one {dimension.label.lower()} without naming it", final=True)


def _viewer_words(draft: Draft, viewer: Viewer) -> None:
    """'my accounts', 'my book': the viewer's own book, which row-level security already gives a CSM."""
    tokens = draft.words.tokens
    i = draft.words.index("my")
    if i is None or i + 1 >= len(tokens) or tokens[i + 1] not in MINE:
        return
    draft.used.add(i)
    listed = LISTING_WORDS & set(tokens[max(0, i - 3):i])
    if not listed or tokens[i + 1] not in ("accounts", "customers", "clients"):
        draft.used.add(i + 1)
    if viewer.sees_all_accounts:
        draft.notes.append("“my accounts”: you see every account, so this covers all accounts")
    else:
        draft.notes.append(f"“my accounts”: your book (CSM {viewer.csm_id}), as row-level security keeps it")


def _query(draft: Draft, time: TimeWords, context: PlannerContext) -> SemanticQuery:
    catalog = context.catalog
    metrics = [catalog.metrics[m] for m in draft.metrics]
    grain, compare = time.grain, draft.compare
    if time.trend and grain is None:
        if account_dimension(catalog) in draft.dimensions:
            compare = compare or Comparison.previous_period  # a list's "trend": each account against before
        else:
            grain = time.unit_grain or trend_grain(metrics)
    period = fit_to_sources(time.period or default_period(metrics, grain, context.as_of), metrics, catalog)
    grain = grain or per_grain(period, metrics)
    refs, aliases = metric_refs(draft)
    metric_filters = [f.model_copy(update={"metric": aliases.get(f.metric, f.metric)}) for f in draft.metric_filters]
    order_by = [o.model_copy(update={"field": aliases.get(o.field, o.field)}) for o in draft.order_by]
    return SemanticQuery(metrics=tuple(refs), time_range=period, grain=grain,
                         dimensions=tuple(draft.dimensions), filters=tuple(dimension_filter(d, v) for d, v in draft.filters.items()),
                         metric_filters=tuple(metric_filters), compare=compare, order_by=tuple(order_by), limit=draft.limit)
