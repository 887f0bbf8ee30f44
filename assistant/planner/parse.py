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
from assistant.planner.draft import AGGREGATE, COUNTING, GRAMMAR, VERDICT, GROUP_WORDS, LIST_FOLLOWERS, LISTING_WORDS, MINE, Draft, account_dimension
from assistant.planner.fallback import nothing_understood
from assistant.planner.followups import drivers, follow_up
from assistant.planner.lexicon import STOPWORDS, key, normalize
from assistant.planner.mentions import Mention, Words, blank_spans, find_mentions
from assistant.planner.plan import Clarify, Outcome, Plan, PlannerContext, Unanswerable
from assistant.planner.timewords import TimeWords, parse_time
from assistant.planner.window import default_period, fit_to_sources, per_grain, trend_grain
from assistant.viewer import Viewer
from semantic_layer.model import Unit
from semantic_layer.query import Comparison, DimensionFilter, FilterOp, MetricRef, SemanticQuery

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
    text = normalize(question)
    time = parse_time(_mask_metric_adverbs(text, context), context.as_of)
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
    draft = Draft(context.catalog, words)
    if FUTURE & set(words.tokens):
        return Unanswerable(f"I can only report what happened up to {context.as_of.isoformat()}, the last day of data; "
                            "forecasts and predictions are not in this warehouse.", reason="asks about the future",
                            final=True)
    ambiguity = _choose_metrics(question, draft)
    if ambiguity is not None:
        return ambiguity
    _viewer_words(draft, viewer)
    shape.horizon(time, draft)
    _groupings(draft)
    _grouped_inside_terms(draft, context.lexicon)
    if not draft.metrics:
        _counted_by_dimension(draft, draft.dimensions)
    if not draft.metrics:
        return nothing_understood(question, words, draft, context)
    shape.share_of(draft)
    shape.components(draft, drivers)
    _filters(draft)
    shape.thresholds(draft)
    shape.listing(draft)
    shape.movement(time, draft)
    shape.ordering(draft)
    draft.mark(VERDICT | AGGREGATE)
    draft.absorb_vocabulary()
    try:
        query = _query(draft, time, context)
    except ValueError as error:
        return Unanswerable(f"I understood the question but could not build a query for it: {error}",
                            reason="invalid query")
    unused = words.unused(draft.used)
    content = max(1, len(words.unused()))
    confidence = round(max(0.0, 1.0 - 0.5 * len(unused) / content - 0.1 * len(unused) - draft.penalty), 2)
    notes = [*draft.notes, *([time.partial] if time.partial else [])]
    reason = "rules understood every word" if not unused else f"rules did not use: {', '.join(unused)}"
    return Plan(query, confidence, tuple(unused), tuple(notes), reason)


def metric_senses(mention: Mention) -> list[str]:
    return list(dict.fromkeys(s.name for s in mention.senses if s.kind == "metric"))


def _lists_accounts(draft: Draft, mention: Mention) -> bool:
    """Whether an 'accounts'/'customers' word asks for a list of them (rather than naming them in passing)."""
    before, after = draft.before(mention), draft.after(mention, 3)
    if COUNTING & draft.before(mention, 2):
        return False
    return bool(LISTING_WORDS & before or GROUP_WORDS & draft.before(mention, 1) or LIST_FOLLOWERS & after)


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
        if any(s.kind == "dimension" for s in others) and (draft.metrics or _lists_accounts(draft, mention)):
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
    return Clarify(f"“{mention.text}” can mean {' or '.join(labels)}. Which one?", options,
                   reason=f"“{mention.text}” names {len(names)} metrics", final=True)


def _replace_words(question: str, text: str, replacement: str) -> str:
    """`question` with the words `text` (as the planner read them) replaced, keeping the rest as typed."""
    pattern = r"\b" + r"[\s'’\-_]+".join(re.escape(w) for w in text.split()) + r"\w*"
    replaced, count = re.subn(pattern, replacement, question, count=1, flags=re.IGNORECASE)
    return replaced if count else f"{question.rstrip('?')} ({replacement})?"


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


def _groupings(draft: Draft) -> None:
    """Dimensions named as such ("by segment", "which accounts", "per csm") become groupings."""
    account = account_dimension(draft.catalog)
    for mention in draft.words.mentions:
        dims = [s.name for s in mention.senses if s.kind == "dimension"]
        if not dims or any(i in draft.used for i in range(mention.start, mention.end)):
            continue
        draft.use(mention)
        if _qualifies_value(draft.words, mention, dims):
            continue
        if account in dims and not _lists_accounts(draft, mention):
            continue  # "enterprise accounts in EMEA": the accounts are named, not listed
        allowed = [d for d in dims if draft.allowed(d)]
        if not allowed and "which" in draft.before(mention, 2) and account not in dims:
            _count_instead(draft, dims)  # "which ticket themes drag health down": themes counted, health cannot be split
            allowed = [d for d in dims if draft.allowed(d)]
        if not allowed:
            continue  # "retention cost per customer": part of the metric's own wording
        tables = draft.source_tables()
        allowed.sort(key=lambda d: (draft.catalog.dimensions[d].table not in tables,
                                    not any(s.exact for s in mention.senses if s.name == d)))
        if allowed[0] not in draft.dimensions:
            draft.dimensions.append(allowed[0])


def _grouped_inside_terms(draft: Draft, lexicon) -> None:
    """'accounts using each feature': a grouping word before a dimension that a longer metric term swallowed."""
    tokens = draft.words.tokens
    by_others = {i for m in draft.words.mentions if any(s.kind != "metric" for s in m.senses) for i in m.positions}
    for i, token in enumerate(tokens[:-1]):
        if token not in GROUP_WORDS or i in draft.used:  # "average revenue per account" is one term
            continue
        for n in (2, 1):
            if any(j in by_others for j in range(i + 1, i + 1 + n)):
                continue
            senses = lexicon.lookup(key(" ".join(tokens[i + 1:i + 1 + n])))
            dims = [s.name for s in senses if s.kind == "dimension" and draft.allowed(s.name)]
            if dims and dims[0] not in draft.dimensions:
                draft.dimensions.append(dims[0])
                draft.used.update(range(i, i + 1 + n))
                break


def _qualifies_value(words: Words, mention: Mention, dims: list[str]) -> bool:
    """'Growth plan', 'integration category': the dimension word names the value's dimension, not a grouping."""
    before = [m for m in words.mentions if m.end == mention.start]
    return bool(before) and any(s.kind == "value" and s.name in dims for s in before[0].senses)


def _count_instead(draft: Draft, dims: list[str]) -> None:
    labels = ", ".join(draft.catalog.metrics[m].label for m in draft.metrics)
    before = list(draft.metrics)
    draft.metrics.clear()
    _counted_by_dimension(draft, dims)
    if draft.metrics:
        draft.notes.append(f"{labels} cannot be split by {draft.catalog.dimensions[dims[0]].label.lower()}; "
                           f"counting {draft.catalog.metrics[draft.metrics[0]].label.lower()} instead")
        for name in before:
            draft.metric_mentions.pop(name, None)
    else:
        draft.metrics.extend(before)


def _counted_by_dimension(draft: Draft, dims: list[str]) -> None:
    """'top ticket themes': no metric named, a category is; count the rows of its table."""
    account = account_dimension(draft.catalog)
    for name in dims:
        if name == account:
            continue
        table = draft.catalog.dimensions[name].table
        for metric in draft.catalog.metrics.values():
            if metric.unit is Unit.count and metric.measure is not None and metric.source \
                    and draft.catalog.sources[metric.source].table == table and name in metric.dimensions:
                draft.add_metric(metric.name)
                return


def _filters(draft: Draft) -> None:
    """Values of dimensions ("enterprise", "EMEA", "Maria") become filters the metrics can take."""
    tokens = draft.words.tokens
    for mention in draft.words.mentions:
        values = [s for s in mention.senses if s.kind == "value"]
        if not values or any(i in draft.used for i in mention.positions):
            continue
        usable = [s for s in values if draft.allowed(s.name)]
        if not usable and (_sibling_that_takes(draft, values) or _scope_to_one_metric(draft, mention, values)):
            usable = [s for s in values if draft.allowed(s.name)]
            if not usable:
                continue
        if not usable:
            if any(s.exact for s in values):
                draft.penalty += 0.2
                draft.notes.append(f"“{mention.text}” cannot filter {', '.join(draft.metrics)}")
            continue
        tables = draft.source_tables()  # "onboarding surveys": the survey touchpoint, not the CSM team
        sense = min(usable, key=lambda s: (not s.exact, draft.catalog.dimensions[s.name].table not in tables))
        chosen = draft.filters.setdefault(sense.name, [])
        if sense.value not in chosen:
            chosen.append(sense.value)
        draft.use(mention)
        if mention.fuzzy:
            draft.penalty += 0.1
            draft.notes.append(f"read “{mention.text}” as {sense.value}")
        if mention.end < len(tokens) and tokens[mention.end] in ("book", "portfolio", "team", "only"):
            draft.used.add(mention.end)


def _sibling_that_takes(draft: Draft, values: list) -> bool:
    """'dashboards adoption rate': the metric named by the same words that can be split by feature replaces it."""
    for sense in values:
        for i, name in enumerate(draft.metrics):
            mention = draft.metric_mentions.get(name)
            if mention is None or sense.name in draft.catalog.metrics[name].dimensions:
                continue
            words = set(key(mention.text))
            for other in draft.catalog.metrics.values():
                label = set(key(other.label))
                if other.name != name and sense.name in other.dimensions and words <= label:
                    draft.metrics[i] = other.name
                    draft.metric_mentions[other.name] = draft.metric_mentions.pop(name)
                    draft.notes.append(f"{draft.catalog.metrics[name].label} cannot be split by "
                                       f"{draft.catalog.dimensions[sense.name].label.lower()}; using {other.label}")
                    return True
    return False


def _scope_to_one_metric(draft: Draft, mention: Mention, values: list) -> bool:
    """'MAU and open urgent tickets': a value only some metrics can take filters the nearest of them alone."""
    for sense in values:
        takers = [m for m in draft.metrics if sense.name in draft.catalog.metrics[m].dimensions]
        if not takers or len(takers) == len(draft.metrics):
            continue
        near = min(takers, key=lambda m: abs(draft.metric_mentions[m].start - mention.start)
                   if m in draft.metric_mentions else 99)
        chosen = draft.scoped.setdefault(near, {}).setdefault(sense.name, [])
        if sense.value not in chosen:
            chosen.append(sense.value)
        draft.use(mention)
        return True
    return False


def _filter(dimension: str, values: list[str]) -> DimensionFilter:
    return DimensionFilter(dimension=dimension, op=FilterOp.eq if len(values) == 1 else FilterOp.in_, values=tuple(values))


def _metric_refs(draft: Draft) -> tuple[list, dict[str, str]]:
    """The query's metrics, those with filters of their own as MetricRefs; and each such metric's alias."""
    metrics, aliases = [], {}
    for name in draft.metrics:
        scoped = draft.scoped.get(name)
        if not scoped:
            metrics.append(name)
            continue
        words = [re.sub(r"[^a-z0-9]+", "_", str(v).lower()).strip("_") for vs in scoped.values() for v in vs]
        aliases[name] = f"{name}__{'_'.join(words)}"[:60].rstrip("_")
        metrics.append(MetricRef(name=name, alias=aliases[name],
                                 filters=tuple(_filter(d, v) for d, v in scoped.items())))
    return metrics, aliases


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
    metric_refs, aliases = _metric_refs(draft)
    metric_filters = [f.model_copy(update={"metric": aliases.get(f.metric, f.metric)}) for f in draft.metric_filters]
    order_by = [o.model_copy(update={"field": aliases.get(o.field, o.field)}) for o in draft.order_by]
    return SemanticQuery(metrics=tuple(metric_refs), time_range=period, grain=grain,
                         dimensions=tuple(draft.dimensions), filters=tuple(_filter(d, v) for d, v in draft.filters.items()),
                         metric_filters=tuple(metric_filters), compare=compare, order_by=tuple(order_by), limit=draft.limit)
