"""Question → Plan, Clarify or Unanswerable: the offline rule planner.

Pure: the question, the planner context (catalogue, lexicon, as_of), the viewer and the
previous query in; an outcome out. No database, no clock. The steps:
  1. refuse what is not a question (empty, huge, no words, not English);
  2. take out time phrases (timewords.py), then find catalogue mentions (mentions.py);
  3. a follow-up ("and for EMEA?", "why?") edits the previous query (followups.py);
  4. otherwise pick metrics, groupings, filters, thresholds, order and limit, and a period.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

from assistant.planner.lexicon import STOPWORDS, Sense, key, normalize
from assistant.planner.mentions import Mention, Words, blank_spans, find_mentions
from assistant.planner.plan import Clarify, Outcome, Plan, PlannerContext, Unanswerable
from assistant.planner.timewords import TimeWords, parse_time
from assistant.viewer import Viewer
from semantic_layer.errors import suggest
from semantic_layer.model import Metric, TimeGrain, TimeMode, Unit
from semantic_layer.periods import Period, add_months, grain_period, grain_start, month_end
from semantic_layer.query import (
    Comparison,
    DimensionFilter,
    FilterOp,
    MetricColumn,
    MetricFilter,
    OrderBy,
    SemanticQuery,
)

MAX_QUESTION = 1000

# Grammar: English words that shape a query. None of them names a metric or a value.
GROUP_WORDS = frozenset({"by", "per", "each", "across", "split", "breakdown", "broken", "every", "within"})
LISTING_WORDS = frozenset({"which", "list", "show", "who", "top", "bottom", "worst", "best", "name", "whose"})
DESCENDING = frozenset({"highest", "most", "top", "biggest", "largest", "greatest", "max", "maximum", "heaviest"})
ASCENDING = frozenset({"lowest", "least", "bottom", "smallest", "min", "minimum", "fewest"})
BEST = frozenset({"best", "healthiest", "strongest", "happiest"})
WORST = frozenset({"worst", "weakest", "unhealthiest", "riskiest", "poorest", "unhappiest"})
UP = frozenset({"rising", "increasing", "growing", "grew", "grown", "improving", "improved", "increase", "increased",
                "gain", "gained", "growth", "climbing", "up", "positive", "more"})
DOWN = frozenset({"declining", "decreasing", "dropping", "dropped", "drop", "drops", "falling", "fell", "decline",
                  "declined", "decrease", "decreased", "worsening", "worsened", "shrinking", "negative", "down",
                  "lower", "less", "slipping", "deteriorating"})
CHANGE = frozenset({"change", "changed", "changes", "movement", "moved", "move", "delta", "shift", "swing"})
LESS = frozenset({"below", "under", "less", "lower", "<", "<=", "fewer", "beneath", "sub"})
MORE = frozenset({"above", "over", "more", "greater", "higher", ">", ">=", "exceeding", "exceeds", "exceed"})
MINE = frozenset({"book", "portfolio", "accounts", "account", "customers", "customer", "clients", "territory"})
HAVING = frozenset({"with", "have", "has", "having", "got"})
POSSESSIVE = frozenset({"their", "its", "his", "her", "the"})
GRAMMAR = GROUP_WORDS | LISTING_WORDS | DESCENDING | ASCENDING | BEST | WORST | UP | DOWN | CHANGE | LESS | MORE | MINE

_LETTERS = re.compile(r"[a-z]")
_NON_LATIN = re.compile(r"[^\x00-\x7f\u00c0-\u024f\u2018-\u201d\u2013\u2014\u2026\u00a0-\u00bf]")


@dataclass
class _Draft:
    """The query being built, with the evidence the confidence is computed from."""

    metrics: list[str] = field(default_factory=list)
    metric_mentions: dict[str, Mention] = field(default_factory=dict)
    dimensions: list[str] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=dict)
    metric_filters: list[MetricFilter] = field(default_factory=list)
    order_by: list[OrderBy] = field(default_factory=list)
    limit: int | None = None
    compare: Comparison | None = None
    used: set[int] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    penalty: float = 0.0


def plan_question(question: str, context: PlannerContext, viewer: Viewer | None = None,
                  last_query: SemanticQuery | None = None) -> Outcome:
    """Plan `question` for `viewer` (a leader by default), continuing from `last_query` when it is a follow-up."""
    from assistant.planner.followups import follow_up  # followups builds on this module's helpers

    viewer = viewer or Viewer.leader()
    refusal = _not_a_question(question)
    if refusal:
        return refusal
    text = normalize(question)
    time = parse_time(text, context.as_of)
    words = find_mentions(blank_spans(text, time.spans), context.lexicon, GRAMMAR)
    if last_query is not None:
        outcome = follow_up(text, words, time, last_query, context)
        if outcome is not None:
            return outcome
    return _plan(question, words, time, context, viewer)


def _not_a_question(question: str) -> Unanswerable | None:
    if not isinstance(question, str) or not question.strip():
        return Unanswerable("Ask a question about your customers, for example “What is our NRR last quarter?”",
                            reason="empty question")
    if len(question) > MAX_QUESTION:
        return Unanswerable(f"That question is {len(question):,} characters long; ask it in a sentence or two "
                            f"(at most {MAX_QUESTION:,} characters).", reason="question too long")
    text = normalize(question)
    if not _LETTERS.search(text):
        return Unanswerable("I could not find any words in that; ask about a metric, e.g. “NRR by segment last "
                            "quarter”.", reason="no words")
    if len(_NON_LATIN.findall(question)) > len(_LETTERS.findall(text)):
        return Unanswerable("I can only read questions in English; try e.g. “What is our NRR last quarter?”",
                            reason="not English")
    return None


def _plan(question: str, words: Words, time: TimeWords, context: PlannerContext, viewer: Viewer) -> Outcome:
    catalog = context.catalog
    draft = _Draft()
    ambiguity = _choose_metrics(question, words, draft, context)
    if ambiguity is not None:
        return ambiguity
    _viewer_words(words, draft, viewer)
    _groupings(words, draft, catalog)
    if not draft.metrics:
        return _nothing_understood(question, words, draft, context)
    _filters(words, draft, catalog)
    _listing_defaults(words, draft, catalog)
    _thresholds(words, draft, context)
    _horizon(time, draft, catalog)
    _movement(words, time, draft)
    _ordering(words, draft, catalog)
    try:
        query = _query(draft, time, context)
    except ValueError as error:
        return Unanswerable(f"I understood the question but could not build a query for it: {error}",
                            reason="invalid query")
    unused = words.unused(draft.used)
    confidence = round(max(0.0, 1.0 - 0.2 * len(unused) - draft.penalty), 2)
    notes = [*draft.notes, *([time.partial] if time.partial else [])]
    reason = "rules understood every word" if not unused else f"rules did not use: {', '.join(unused)}"
    return Plan(query, confidence, tuple(unused), tuple(notes), reason)


def _metric_senses(mention: Mention) -> list[str]:
    return list(dict.fromkeys(s.name for s in mention.senses if s.kind == "metric"))


def _listing_context(words: Words, mention: Mention) -> bool:
    """Whether an 'accounts'/'customers' word asks for a list rather than a count."""
    before = words.tokens[max(0, mention.start - 3):mention.start]
    after = words.tokens[mention.end:mention.end + 2]
    if {"many", "number", "count"} & set(before):
        return False
    return bool(LISTING_WORDS & set(before) or {"with", "that", "who", "where", "whose", "renewing", "at", "in",
                                                "are", "which", "having", "by"} & set(after) or mention.start == 0
                or words.has("which", "list", "top", "worst", "best"))


def _choose_metrics(question: str, words: Words, draft: _Draft, context: PlannerContext) -> Clarify | None:
    """Metrics from mentions; a mention that names two metrics equally well asks which."""
    for mention in words.mentions:
        names = _metric_senses(mention)
        if not names:
            continue
        others = [s for s in mention.senses if s.kind != "metric"]
        if others and any(s.kind == "dimension" for s in others) and _listing_context(words, mention):
            continue  # "which customers …": the account dimension, handled with groupings
        if others and any(s.kind == "value" for s in others) and _metric_elsewhere(words, mention):
            continue  # "onboarding nps": a value filter next to another metric
        if len(names) > 1:
            return _clarify_metric(question, mention, names, context)
        if names[0] not in draft.metrics:
            draft.metrics.append(names[0])
            draft.metric_mentions[names[0]] = mention
        draft.used.update(range(mention.start, mention.end))
        if mention.fuzzy:
            draft.penalty += 0.1
            draft.notes.append(f"read “{mention.text}” as {context.catalog.metrics[names[0]].label}")
    return None


def _metric_elsewhere(words: Words, mention: Mention) -> bool:
    return any(m is not mention and any(s.kind == "metric" for s in m.senses)
               and not any(s.kind == "value" for s in m.senses) for m in words.mentions)


def _clarify_metric(question: str, mention: Mention, names: list[str], context: PlannerContext) -> Clarify:
    labels = [context.catalog.metrics[n].label for n in names]
    options = tuple(_replace_words(question, mention.text, label.lower()) for label in labels)
    return Clarify(f"“{mention.text}” can mean {' or '.join(labels)}. Which one?", options,
                   reason=f"“{mention.text}” names {len(names)} metrics")


def _replace_words(question: str, text: str, replacement: str) -> str:
    """`question` with the words `text` (as the planner read them) replaced, keeping the rest as typed."""
    pattern = r"\b" + r"[\s'’\-_]+".join(re.escape(w) for w in text.split()) + r"\w*"
    replaced, count = re.subn(pattern, replacement, question, count=1, flags=re.IGNORECASE)
    return replaced if count else f"{question.rstrip('?')} ({replacement})?"


def _viewer_words(words: Words, draft: _Draft, viewer: Viewer) -> None:
    """'my accounts', 'my book': the viewer's own book, which row-level security already gives a CSM."""
    i = words.index("my")
    if i is None or i + 1 >= len(words.tokens) or words.tokens[i + 1] not in MINE:
        return
    draft.used.update({i, i + 1})
    if viewer.sees_all_accounts:
        draft.notes.append("“my accounts”: you see every account, so this covers all accounts")
    else:
        draft.notes.append(f"“my accounts”: your book (CSM {viewer.csm_id})")


def _allowed(dimension: str, draft: _Draft, catalog) -> bool:
    return all(dimension in catalog.metrics[m].dimensions for m in draft.metrics)


def _groupings(words: Words, draft: _Draft, catalog) -> None:
    """Dimensions named as such ("by segment", "which accounts", "per csm") become groupings."""
    for mention in words.mentions:
        if any(s.kind == "metric" for s in mention.senses) and range(mention.start, mention.end)[0] in draft.used:
            continue
        dims = [s.name for s in mention.senses if s.kind == "dimension"]
        if not dims:
            continue
        if _qualifies_value(words, mention, dims):
            draft.used.update(range(mention.start, mention.end))
            continue
        if mention.start in draft.used:  # "my accounts"
            continue
        allowed = [d for d in dims if _allowed(d, draft, catalog)] or dims
        if len(allowed) > 1:
            exact = [s.name for s in mention.senses if s.kind == "dimension" and s.exact and s.name in allowed]
            allowed = exact or allowed
        if allowed[0] not in draft.dimensions:
            draft.dimensions.append(allowed[0])
        draft.used.update(range(mention.start, mention.end))


def _qualifies_value(words: Words, mention: Mention, dims: list[str]) -> bool:
    """'Growth plan', 'integration category': the dimension word names the value's dimension, not a grouping."""
    before = [m for m in words.mentions if m.end == mention.start]
    return bool(before) and any(s.kind == "value" and s.name in dims for s in before[0].senses)


def _filters(words: Words, draft: _Draft, catalog) -> None:
    """Values of dimensions ("enterprise", "EMEA", "Maria") become filters the metrics can take."""
    for mention in words.mentions:
        if mention.start in draft.used and not any(s.kind == "value" for s in mention.senses):
            continue
        if any(i in draft.used for i in range(mention.start, mention.end)) and _metric_senses(mention):
            continue
        values = [s for s in mention.senses if s.kind == "value"]
        if not values:
            continue
        usable = [s for s in values if _allowed(s.name, draft, catalog)]
        if not usable:
            if any(s.exact for s in values):
                draft.penalty += 0.2
                draft.notes.append(f"“{mention.text}” cannot filter {', '.join(draft.metrics)}")
            continue
        exact = [s for s in usable if s.exact] or usable
        sense = exact[0]
        chosen = draft.filters.setdefault(sense.name, [])
        if sense.value not in chosen:
            chosen.append(sense.value)
        draft.used.update(range(mention.start, mention.end))
        if mention.fuzzy:
            draft.penalty += 0.1
            draft.notes.append(f"read “{mention.text}” as {sense.value}")
        after = mention.end
        if after < len(words.tokens) and words.tokens[after] in ("book", "portfolio", "accounts", "team"):
            draft.used.add(after)


def _account_dimension(catalog) -> str | None:
    """The dimension that names one account: the indexed one whose column is the accounts' own name."""
    for dimension in catalog.dimensions.values():
        if dimension.table == "accounts" and dimension.column == "name":
            return dimension.name
    return None


def _listing_defaults(words: Words, draft: _Draft, catalog) -> None:
    """In a list of accounts, a count of accounts (at-risk accounts) means 'is one'; 'with open tickets' means > 0."""
    account = _account_dimension(catalog)
    if account not in draft.dimensions:
        return
    for name in draft.metrics:
        metric = catalog.metrics[name]
        mention = draft.metric_mentions[name]
        before = set(words.tokens[max(0, mention.start - 2):mention.start])
        counts_accounts = metric.unit is Unit.count and "account" in key(metric.label)
        had = metric.unit is Unit.count and bool(HAVING & before) and not (POSSESSIVE & before)
        if counts_accounts or had:
            draft.metric_filters.append(MetricFilter(metric=name, op=FilterOp.gt, value=0))


_NUMBER = re.compile(r"^(\d+(?:\.\d+)?)(%?)$")


def _thresholds(words: Words, draft: _Draft, context: PlannerContext) -> None:
    """'health below 60', 'more than 3 open tickets', 'dropped by more than 10 points'."""
    tokens = words.tokens
    for i, token in enumerate(tokens):
        number = _NUMBER.match(token)
        if not number or i in draft.used:
            continue
        window = tokens[max(0, i - 4):i]
        op = _comparison(window)
        if op is None:
            continue
        metric = _nearest_metric(words, draft, i)
        if metric is None:
            continue
        value = float(number[1])
        percent = bool(number[2]) or (i + 1 < len(tokens) and tokens[i + 1] in ("%", "percent", "pct"))
        column = MetricColumn.value
        if DOWN & set(window) or UP & set(window):
            column = MetricColumn.change_pct if percent and context.catalog.metrics[metric].unit is not Unit.percent \
                else MetricColumn.change
            if DOWN & set(window):
                op, value = {FilterOp.gt: FilterOp.lt, FilterOp.ge: FilterOp.le}.get(op, op), -value
            draft.compare = Comparison.previous_period
        draft.metric_filters.append(MetricFilter(metric=metric, op=op, value=value, column=column))
        draft.used.update(j for j in range(max(0, i - 4), i + 2) if j < len(tokens)
                          and (tokens[j] in LESS | MORE | DOWN | UP | {"than", "at", "least", "most", "or", "equal",
                                                                       "to", "points", "%", "percent", "pct"} or j == i))


def _comparison(window: list[str]) -> FilterOp | None:
    text = " ".join(window)
    if re.search(r"(at least|>=|or more|no less than)", text):
        return FilterOp.ge
    if re.search(r"(at most|<=|or less|no more than)", text):
        return FilterOp.le
    last = [w for w in window if w in LESS | MORE]
    if not last:
        return None
    return FilterOp.lt if last[-1] in LESS else FilterOp.gt


def _nearest_metric(words: Words, draft: _Draft, position: int) -> str | None:
    """The metric mentioned closest before a number (or right after it: 'more than 3 open tickets')."""
    best, distance = None, None
    for name, mention in draft.metric_mentions.items():
        gap = position - mention.end if mention.end <= position else (mention.start - position) * 1.5
        if gap >= 0 and (distance is None or gap < distance):
            best, distance = name, gap
    return best


def _horizon(time: TimeWords, draft: _Draft, catalog) -> None:
    """'renewing in the next 90 days': the days-until metric of what is coming up, at most that many days."""
    if time.horizon_days is None:
        return
    upcoming = [m for m in catalog.metrics.values()
                if m.unit is Unit.days and m.source and catalog.sources[m.source].mode is TimeMode.after_end]
    if not upcoming:
        draft.notes.append("nothing in the catalogue looks ahead in time")
        draft.penalty += 0.3
        return
    metric = upcoming[0]
    if metric.name not in draft.metrics:
        draft.metrics.insert(0, metric.name)
    draft.metric_filters.append(MetricFilter(metric=metric.name, op=FilterOp.le, value=time.horizon_days))
    draft.order_by.append(OrderBy(field=metric.name))
    account = _account_dimension(catalog)
    if account and account not in draft.dimensions and not draft.dimensions:
        draft.dimensions.append(account)


def _movement(words: Words, time: TimeWords, draft: _Draft) -> None:
    """'declining adoption', 'health trend' in a list: compare with the previous period; declining keeps falls."""
    if time.compare:
        draft.compare = time.compare
    tokens = words.tokens
    for name, mention in draft.metric_mentions.items():
        near = set(tokens[max(0, mention.start - 2):mention.start]) | set(tokens[mention.end:mention.end + 2])
        direction = DOWN & near and "down" not in near or UP & near and not {"more", "up"} >= (UP & near)
        if direction and not any(f.metric == name and f.column is not MetricColumn.value for f in draft.metric_filters):
            draft.compare = draft.compare or Comparison.previous_period
            if draft.dimensions:
                falling = bool(DOWN & near)
                draft.metric_filters.append(MetricFilter(metric=name, op=FilterOp.lt if falling else FilterOp.gt,
                                                         value=0, column=MetricColumn.change))
            draft.used.update(i for i in range(max(0, mention.start - 2), mention.end + 2)
                              if i < len(tokens) and tokens[i] in DOWN | UP)
    if CHANGE & set(tokens):
        draft.compare = draft.compare or Comparison.previous_period
        draft.used.update(i for i, t in enumerate(tokens) if t in CHANGE)


def _ordering(words: Words, draft: _Draft, catalog) -> None:
    """Superlatives order the rows; 'top 5' and 'which segment has the lowest' limit them."""
    tokens = words.tokens
    target = draft.metrics[0] if draft.metrics else None
    if target is None:
        return
    descending = None
    for i, token in enumerate(tokens):
        if token in DESCENDING | ASCENDING | BEST | WORST:
            after = [m for m in words.mentions if m.start > i and _metric_senses(m) and _metric_senses(m)[0] in draft.metrics]
            if after and after[0].start - i <= 3:
                target = _metric_senses(after[0])[0]
            direction = catalog.metrics[target].direction.value
            if token in DESCENDING:
                descending = True
            elif token in ASCENDING:
                descending = False
            elif token in BEST:
                descending = direction != "lower_is_better"
            else:
                descending = direction == "lower_is_better"
            draft.used.add(i)
            break
    limit = _limit(tokens, draft)
    column = MetricColumn.value
    if draft.compare and (CHANGE | DOWN | UP) & set(tokens):
        column = MetricColumn.change
        if DOWN & set(tokens) and descending is not False:
            descending = False
        elif UP & set(tokens) and descending is None:
            descending = True
    if descending is None and limit is None:
        return
    if not draft.dimensions:
        account = _account_dimension(catalog)
        if account:
            draft.dimensions.append(account)
    if descending is None:
        descending = catalog.metrics[target].direction.value != "lower_is_better"
    draft.order_by.insert(0, OrderBy(field=target, column=column, descending=descending))
    if limit is None:
        singular = words.has("which", "what") and not any(t.endswith("s") and t in ("accounts", "customers")
                                                          for t in tokens) and draft.dimensions != [_account_dimension(catalog)]
        limit = 1 if singular and words.has("has", "is", "had", "was", "the") else 10 if draft.dimensions == [
            _account_dimension(catalog)] else None
    draft.limit = limit


def _limit(tokens: tuple[str, ...], draft: _Draft) -> int | None:
    for i, token in enumerate(tokens):
        if token in ("top", "bottom", "first", "worst", "best") and i + 1 < len(tokens) and tokens[i + 1].isdigit():
            draft.used.update({i, i + 1})
            return int(tokens[i + 1])
        if token.isdigit() and i + 1 < len(tokens) and tokens[i + 1] in WORST | BEST | DESCENDING | ASCENDING:
            draft.used.update({i, i + 1})
            return int(token)
    return None


def _query(draft: _Draft, time: TimeWords, context: PlannerContext) -> SemanticQuery:
    catalog = context.catalog
    metrics = [catalog.metrics[m] for m in draft.metrics]
    grain = time.grain
    compare = draft.compare
    account = _account_dimension(catalog)
    if time.trend and grain is None:
        if account in draft.dimensions:
            compare = compare or Comparison.previous_period
        else:
            grain = _trend_grain(metrics)
    period = time.period or _default_period(metrics, grain, context)
    period = _fit(period, metrics, catalog)
    if grain is None and any(m.per for m in metrics) and not _is_one(period, metrics[0].per):
        grain = metrics[0].per
    filters = [DimensionFilter(dimension=d, op=FilterOp.eq if len(v) == 1 else FilterOp.in_, values=tuple(v))
               for d, v in draft.filters.items()]
    return SemanticQuery(metrics=tuple(draft.metrics), time_range=period, grain=grain,
                         dimensions=tuple(draft.dimensions), filters=tuple(filters),
                         metric_filters=tuple(draft.metric_filters), compare=compare,
                         order_by=tuple(draft.order_by), limit=draft.limit)


def _is_one(period: Period, grain: TimeGrain) -> bool:
    return grain_period(grain, 0, period.start) == period


_GRAIN_ORDER = [TimeGrain.day, TimeGrain.week, TimeGrain.month, TimeGrain.quarter, TimeGrain.year]


def _trend_grain(metrics: list[Metric]) -> TimeGrain:
    grains = [m.default_window.grain for m in metrics]
    finest = min(grains, key=_GRAIN_ORDER.index)
    return TimeGrain.month if finest in (TimeGrain.day, TimeGrain.week) else finest


def _default_period(metrics: list[Metric], grain: TimeGrain | None, context: PlannerContext) -> Period:
    """The latest complete default window (the coarsest of the metrics'), or a year of history for a trend."""
    as_of = context.as_of
    if grain is not None:
        count = {TimeGrain.day: 30, TimeGrain.week: 12, TimeGrain.month: 12, TimeGrain.quarter: 4, TimeGrain.year: 3}[grain]
        last = _latest_complete(grain, as_of)
        first = last
        for _ in range(count - 1):
            first = grain_period(grain, -1, first.start)
        return Period(first.start, last.end)
    grains = [m.default_window.grain for m in metrics if m.default_window.grain is not TimeGrain.day] or [TimeGrain.day]
    coarsest = max(grains, key=_GRAIN_ORDER.index)
    return _latest_complete(coarsest, as_of)


def _latest_complete(grain: TimeGrain, as_of) -> Period:
    current = grain_period(grain, 0, as_of)
    return current if current.end <= as_of else grain_period(grain, -1, as_of)


def _fit(period: Period, metrics: list[Metric], catalog) -> Period:
    """Stretch a range to whole months when a metric's source counts whole months only."""
    whole = any(m.source and catalog.sources[m.source].whole_months for m in _leaves(metrics, catalog))
    if not whole or period.is_whole_months:
        return period
    start = grain_start(period.start, TimeGrain.month)
    end = month_end(period.end) if period.end == month_end(period.end) else grain_start(period.end, TimeGrain.month) - timedelta(days=1)
    if end < start:
        end = month_end(start)
    return Period(start, end)


def _leaves(metrics: list[Metric], catalog) -> list[Metric]:
    out: list[Metric] = []
    for metric in metrics:
        if metric.derived is None:
            out.append(metric)
        else:
            names = re.findall(r"[a-z_][a-z0-9_]*", metric.derived)
            out += _leaves([catalog.metrics[n] for n in names if n in catalog.metrics], catalog)
    return out


def _nothing_understood(question: str, words: Words, draft: _Draft, context: PlannerContext) -> Outcome:
    """No metric: offer the closest metrics, by partial words or typos, as full questions."""
    catalog = context.catalog
    unused = words.unused(draft.used)
    content = [w for w in words.tokens if w not in STOPWORDS and _LETTERS.search(w) and w not in GRAMMAR]
    candidates = _partial_matches(content, catalog)
    if not candidates:
        known = {s: m.name for m in catalog.metrics.values() for s in (m.label, *m.synonyms)} | {n: n for n in catalog.metrics}
        candidates = [n for w in content for n in suggest(w, known)] if content else []
        candidates = list(dict.fromkeys(candidates))[:3]
    options = tuple(f"What is our {catalog.metrics[n].label} {_default_words(catalog.metrics[n])}?" for n in candidates)
    if not content:
        return Unanswerable("I did not recognise a metric in that question; ask e.g. “NRR by segment last quarter” or "
                            "“which accounts renew in the next 90 days?”", options, tuple(unused), "no metric")
    if len(candidates) > 1 and _partial_matches(content, catalog):
        labels = " or ".join(catalog.metrics[n].label for n in candidates)
        return Clarify(f"Did you mean {labels}?", options, 0.3, tuple(unused), "several metrics share those words")
    hint = f" Did you mean {' or '.join(catalog.metrics[n].label for n in candidates)}?" if candidates else ""
    return Unanswerable(f"I could not match “{' '.join(unused or content)}” to a metric in the catalogue.{hint}",
                        options, tuple(unused), "no metric")


def _partial_matches(content: list[str], catalog) -> list[str]:
    """Metrics whose label or synonyms contain one of the content words ('retention' → NRR, GRR…)."""
    stems = {key(w)[0] for w in content if key(w)}
    found = []
    for metric in catalog.metrics.values():
        terms = [set(key(t)) for t in (metric.label, *metric.synonyms)]
        if any(stems & t for t in terms):
            found.append(metric.name)
    return found[:4] if len(found) <= 4 else []


def _default_words(metric: Metric) -> str:
    return {TimeGrain.quarter: "last quarter", TimeGrain.month: "last month", TimeGrain.week: "last week",
            TimeGrain.day: "this month", TimeGrain.year: "last year"}[metric.default_window.grain]
