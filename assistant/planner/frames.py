"""Spans → a typed Interpretation: which frame the question asks for, and its slots.

Each step below reads the spans, fills slots and says which words it used; a word no slot
used stays unused and lowers the confidence (score.py). Nothing here names a metric, a
segment or a person, and nothing reads a label or a description: what the steps need to
know about a metric (it counts accounts, its parts, its variants, what it shows as evidence)
is declared in the catalogue.

  metrics     the metrics named (candidates.py chose them)
  viewer      "my accounts": the viewer's own book
  time        period, grain, comparison, what is coming up
  groups      "by segment", "which accounts", "each plan", "top 5 csms"
  filters     values ("EMEA", "not SMB", "smb vs enterprise"), per metric when only some take them
  thresholds  "health below 60", "dropped more than 10 points", "at least 2 urgent tickets"
  ranking     "top 5", "the two plans with the worst churn", "biggest customers"
  counting    "how many accounts … have …" (a tally), "what % of accounts …"
  listing     which accounts qualify: thresholds, flags ("at risk"), "without a QBR"
  upcoming    "renewing in the next 90 days"
  why         "why did health drop", "health components"
"""

from __future__ import annotations

import re

from dataclasses import dataclass, field
from datetime import timedelta

from assistant.planner.candidates import MetricChoice
from assistant.planner.grammar import COMPARING, MOVING, NEGATING, RANKING, SIZE, Word
from assistant.planner.interpretation import Asked, Evidence, Frame, Interpretation, Ranking, Threshold, ValueFilter
from assistant.planner.normalize import key
from assistant.planner.plan import PlannerContext
from assistant.planner.window import default_period, leaves, whole_months_only
from assistant.planner.spans import Kind, Reading, Span
from assistant.planner.timewords import parse_time
from assistant.viewer import Viewer
from semantic_layer.model import Direction, Metric, TimeGrain, TimeMode, Unit
from semantic_layer.periods import Period, grain_start, previous_period, same_period_last_year, split
from semantic_layer.query import Comparison, FilterOp, MetricColumn
from semantic_layer.validate import derived_refs

# Grammar that only colours a question: used wherever it stands.
COLOURING = frozenset({Word.conjunction, Word.verdict, Word.all, Word.only, Word.back, Word.instead, Word.new_topic,
                       Word.having, Word.total, Word.book, Word.those, Word.defining, Word.recent})
DEFAULT_LIST_LIMIT = 10  # "which accounts have the lowest health": the worst ten

_OPS = {Word.less: FilterOp.lt, Word.more: FilterOp.gt, Word.at_least: FilterOp.ge, Word.at_most: FilterOp.le,
        Word.equal: FilterOp.eq}
_FLIP = {FilterOp.gt: FilterOp.lt, FilterOp.ge: FilterOp.le, FilterOp.lt: FilterOp.gt, FilterOp.le: FilterOp.ge}


@dataclass
class Draft:
    """The slots being filled, and the token positions each step used."""

    reading: Reading
    context: PlannerContext
    viewer: Viewer
    metrics: list[str] = field(default_factory=list)
    spans: dict[str, Span] = field(default_factory=dict)  # metric → the span that named it
    own: dict[str, list[ValueFilter]] = field(default_factory=dict)  # metric → its own filters
    shares: set[str] = field(default_factory=set)  # metrics asked as the share their own filters are of the whole
    value_spans: dict[str, Span] = field(default_factory=dict)  # filtered dimension → the span naming its value
    rows: str | None = None
    dimensions: list[str] = field(default_factory=list)
    filters: list[ValueFilter] = field(default_factory=list)
    thresholds: list[Threshold] = field(default_factory=list)
    ranking: Ranking | None = None
    period: Period | None = None
    grain: object = None
    compare: Comparison | None = None
    compare_with: Period | None = None
    horizon: Period | None = None
    trend: bool = False
    tally: bool = False
    share: bool = False
    why: bool = False
    used: set[int] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    defaults: list[str] = field(default_factory=list)
    unusable: list[str] = field(default_factory=list)  # things understood but not answerable as asked
    missing: list[str] = field(default_factory=list)  # things asked for that the data does not hold
    choose: str | None = None  # "in a specific segment": the dimension whose value must be picked
    base: Interpretation | None = None  # the previous interpretation, when this is a follow-up
    regrouped: bool = False  # a follow-up's "instead" replaced the grouping
    undecided: Span | None = None  # a term of several metrics nothing decided ("at risk")

    @property
    def catalog(self):
        return self.context.catalog

    def metric(self, name: str) -> Metric:
        return self.catalog.metrics[name]

    def use(self, *spans: Span | None) -> None:
        for span in spans:
            if span is not None:
                self.used.update(span.positions)

    def allowed(self, dimension: str, metrics: list[str] | None = None) -> bool:
        """Whether every chosen metric (or those given) can be grouped or filtered by `dimension`."""
        return all(dimension in self.metric(m).dimensions for m in (self.metrics if metrics is None else metrics))

    def source_mode(self, name: str) -> TimeMode | None:
        source = self.catalog.sources.get(self.metric(name).source or "")
        return source.mode if source is not None else None

    def table_of(self, name: str) -> str | None:
        """The table a metric's rows come from (None for a derived metric)."""
        source = self.catalog.sources.get(self.metric(name).source or "")
        return source.table if source is not None else None

    def source_tables(self) -> set[str]:
        return {table for m in self.metrics if (table := self.table_of(m)) is not None}

    def swap(self, old: str, new: str) -> None:
        """Read metric `old` as `new`, where it stood, with the words that named it, and what `old` was restricted to
        ('key feature adoption' per feature: the adoption of each feature, of the key ones)."""
        self.metrics[self.metrics.index(old)] = new
        span = self.spans.pop(old, None)
        if span is not None:
            self.spans[new] = span
        for dimension, value in self.metric(old).restricted_to.items():
            kept = self.metric(new).restricted_to.get(dimension) == value or any(
                f.dimension == dimension for f in self.filters)
            if not kept and dimension in self.metric(new).dimensions and span is not None and self.says(span, dimension,
                                                                                                         value):
                self.filters.append(ValueFilter(dimension, (value,)))

    def says(self, span: Span, dimension: str, value: str) -> bool:
        """Whether words inside `span` name that value ('key feature' in 'key feature adoption')."""
        stems = [self.reading.tokens[p].stem for p in span.positions]
        runs = [stems[i:j] for i in range(len(stems)) for j in range(i + 1, len(stems) + 1) if j - i < len(stems)]
        return any(x.kind == "value" and x.name == dimension and x.value == value
                   for run in runs for x in self.context.lexicon.lookup(run))

    def drop(self, name: str) -> None:
        """Leave metric `name` out of the answer."""
        self.metrics.remove(name)
        self.spans.pop(name, None)

    def mentions(self) -> list[tuple[str, Span]]:
        """Every place a chosen metric is named, in order: 'health and mrr of the accounts with the highest mrr'."""
        said = [*self.spans.items(), *((name, span) for span in self.reading.of(Kind.term) for name in span.metrics()
                                       if name in self.spans)]
        return sorted(dict.fromkeys(said), key=lambda pair: pair[1].start)

    def words_near(self, span: Span, before: int = 3, after: int = 0) -> list[Span]:
        return [*self.reading.before(span, before), *self.reading.after(span, after)]

    def near(self, span: Span, classes: frozenset[Word] | set[Word], before: int = 3, after: int = 0) -> list[Span]:
        return [s for s in self.words_near(span, before, after) if s.kind is Kind.word and s.word in classes]

    def entity_of(self, dimension: str) -> str | None:
        return self.catalog.dimensions[dimension].entity


def interpret(reading: Reading, choice: MetricChoice, context: PlannerContext, viewer: Viewer,
              base: Interpretation | None = None) -> Interpretation:
    """The interpretation of a question whose metrics `choice` named; a follow-up edits `base`, the previous one."""
    d = Draft(reading, context, viewer)
    # "filter that to health under 60" after a list: a condition on the same rows, not a new subject
    narrowing = base is not None and base.rows is not None and bool(choice.metrics) and (reading.has(Word.back) or all(
        any(s.kind is Kind.word and s.word in COMPARING for s in reading.after(span, 1)) for _, span in choice.metrics))
    # "just the top 5 by ARR" after a list: the same rows, ranked by the measure said after "by"
    ranked_by = base is not None and base.rows is not None and reading.has(*RANKING) and choice.said_after(reading,
                                                                                                       Word.group)
    narrowing = narrowing or ranked_by
    named_rows = _base_rows_named(d, choice, base) if base is not None and not narrowing else []
    if base is not None:  # "and their health?" after a list: the same rows, one more column
        counted = _counted_rows(d, base)
        _start_from(d, base, replace_metrics=bool(choice.metrics) and not named_rows and not narrowing and not (
            reading.has(Word.those) and (base.rows or counted)))
        if counted:  # "how many smb accounts are red" → "list them": the accounts that were counted
            d.rows, d.tally = counted, False
    for name, span in choice.metrics:
        if span in named_rows:
            d.use(span)
            continue
        if ranked_by:  # "top 5 by ARR" of renewals coming up: the ARR of what each row is listed for
            name = next((a for m in base.metric_names if (a := d.metric(m).amounts.get(name))), name)
            if base.horizon_days is not None and d.metric(name).ahead in base.metric_names:
                name = d.metric(name).ahead
        _add_metric(d, name, span)
    d.used.update(choice.used)
    d.notes += choice.notes
    d.undecided = choice.ambiguous[0] if choice.ambiguous else None
    # _placing runs again after _thresholds: a share read from "took more than 60 days" may have a cohort variant
    for step in (_viewer, _time, _other_statistic, _why, _placing, _rows_named, _dimension_owner, _opposites,
                 _left_out, _amount_of, _slices, _groups, _both_periods, _filters, _counting, _share_of, _thresholds,
                 _placing, _ranking, _movement, _listing, _own_definition, _count_behind, _which_pass, _whether_any,
                 _grain_fits, _top_of_a_series, _upcoming, _colouring, _no_history, _between_ends, _what_they_took):
        step(d)
    return _freeze(d)


def _start_from(d: Draft, base: Interpretation, replace_metrics: bool) -> None:
    """A follow-up's draft begins as the previous interpretation; a newly named metric replaces the old ones."""
    if not replace_metrics:
        d.metrics = base.metric_names
        d.own = {a.metric: list(a.filters) for a in base.metrics if a.filters}
        d.thresholds = list(base.thresholds)
        d.ranking = base.ranking
    d.rows, d.dimensions, d.filters = base.rows, list(base.dimensions), list(base.filters)
    d.period, d.grain, d.compare, d.compare_with, d.trend = base.period, base.grain, base.compare, base.compare_with, base.trend
    if replace_metrics and base.period is None and base.grain is None and not base.trend and base.horizon_days is None:
        # "whats our MAU rn" → "and wau?": the period the last answer showed, not the new metric's own default
        d.period = default_period([d.metric(m) for m in base.metric_names], None, d.context.as_of)
    d.share = base.share
    d.tally = base.frame is Frame.tally
    d.why = base.frame is Frame.why and not replace_metrics
    if base.horizon_days is not None:
        d.horizon = Period(d.context.as_of + timedelta(days=1), d.context.as_of + timedelta(days=base.horizon_days))
    d.base = base


def _base_rows_named(d: Draft, choice: MetricChoice, base: Interpretation) -> list[Span]:
    """'and for trials started in H1 2026' after a trial conversion rate: the plain count of the previous metric's
    own rows, said with a period, names those rows in that period, not a new metric. 'Same but only for enterprise
    customers': a word for the accounts after a value narrows the previous answer to them."""
    reading = d.reading
    nouns = [span for _, span in choice.metrics if any(d.entity_of(x) for x in span.dimensions()) and any(
        s.kind is Kind.term and s.values() and s.end == span.start for s in reading.before(span, 1))]
    if nouns and len(nouns) == len(choice.metrics):
        return nouns
    sources = {d.metric(m).source for m in base.metric_names}
    named = [span for name, span in choice.metrics if d.metric(name).source in sources and d.metric(name).measure
             is not None and d.metric(name).measure.filter is None and d.metric(name).where is None
             and name not in base.metric_names and any(s.kind is Kind.time for s in d.reading.after(span, 1))]
    return named if len(named) == len(choice.metrics) else []


def _counted_rows(d: Draft, base: Interpretation) -> str | None:
    """The rows a count answered, when the follow-up asks to see them ('which ones?', 'list them'): the accounts a
    tally counted, or those an account count ('red health accounts') counted."""
    reading = d.reading
    if not (reading.has(Word.list, Word.show) or reading.has(Word.those)) or reading.has(Word.count, Word.share):
        return None
    if base.frame is Frame.tally:
        return base.rows
    account = d.catalog.entity_dimension("account")
    if base.rows is None and not base.dimensions and account is not None and \
            any(d.metric(m).counts == "account" for m in base.metric_names):
        return account.name
    return None


def _add_metric(d: Draft, name: str, span: Span | None = None) -> None:
    if name not in d.metrics:
        d.metrics.append(name)
    if span is not None:
        d.spans.setdefault(name, span)
        d.use(span)


# ---------------------------------------------------------------- viewer and time

def _viewer(d: Draft) -> None:
    """'my accounts', 'my book': the viewer's own book, which row-level security already gives a CSM."""
    mine = d.reading.grammar(Word.mine)
    if not mine:
        return
    d.use(*mine)
    d.use(*d.reading.grammar(Word.book))
    if d.viewer.sees_all_accounts:
        d.notes.append("“my accounts”: you see every account, so this covers all accounts")
    else:
        d.notes.append(f"“my accounts”: your book (CSM {d.viewer.csm_id}), as row-level security keeps it")


def _time(d: Draft) -> None:
    """The period, grain and comparison the time words set; a follow-up keeps what it does not say again."""
    time = d.reading.time
    d.use(*d.reading.of(Kind.time))
    said = {"period": time.period, "grain": time.grain, "compare": time.compare, "compare_with": time.compare_with,
            "horizon": time.ahead}
    if d.base is None:
        for slot, value in said.items():
            setattr(d, slot, value)
        d.trend = time.trend
    else:
        for slot, value in said.items():
            if value is not None:
                setattr(d, slot, value)
        if time.period is not None and time.compare is None and time.compare_with is None:
            d.compare_with = None if d.compare is Comparison.other_period else d.compare_with
        d.trend = d.trend or time.trend
        if time.period is not None and time.grain is None and not time.trend and d.grain is not None \
                and d.base.period is not None and time.period.days < d.base.period.days \
                and len(split(time.period, d.grain)) == 1:
            d.grain = None  # "and in september?" after a monthly trend: that month alone; "just q3": its months
    if d.trend and d.grain is None and time.unit_grain is not None and not (
            time.unit_grain is TimeGrain.week and whole_months_only([d.metric(x) for x in d.metrics], d.catalog)):
        d.grain = time.unit_grain  # "health trend over the last 8 weeks": week by week
    if time.shift is not None:
        start = d.period or (d.base.period if d.base is not None else None) or \
            default_period([d.metric(m) for m in d.metrics], d.grain, d.context.as_of) if d.metrics else None
        if start is not None:  # "what about the year before": the period asked about, moved back
            d.period = same_period_last_year(start) if time.shift is Comparison.same_period_last_year else previous_period(start)
    if time.compare is not None or time.compare_with is not None:
        d.use(*d.reading.grammar(Word.versus))
    if time.whole is not None and d.period is not None and d.period.end == d.context.as_of and _reach_ahead(d):
        d.period = time.whole  # "renewals due in 2026": contract terms ending after today are in the data
    elif time.partial:
        d.notes.append(time.partial)


def _reach_ahead(d: Draft) -> bool:
    """Whether every asked metric counts or sums rows that run past as_of (contract terms ending), so a period can be
    whole; a rate of outcomes (renewal rate) is of what has been decided, up to today."""
    ranges = d.context.data_ranges
    return bool(d.metrics) and all(ranges.get(d.metric(m).source or "", (None, d.context.as_of))[1] > d.context.as_of
                                   and d.metric(m).measure is not None for m in d.metrics)


def _other_statistic(d: Draft) -> None:
    """'now the mean instead' after a median: the same quantity, the other statistic the catalogue declares."""
    if d.base is None or d.spans:
        return
    statistics = {Word.mean: "mean", Word.median: "median", Word.count: "count", Word.share: "share"}
    for word in d.reading.grammar(*statistics):
        for i, name in enumerate(d.metrics):
            quantity = d.metric(name).quantity
            sibling = next((m.name for m in d.catalog.metrics.values() if quantity and m.quantity == quantity
                            and m.statistic is not None and m.statistic.value == statistics[word.word]), None)
            if sibling is not None:
                d.metrics[i] = sibling
                d.use(word)


# ---------------------------------------------------------------- opposites

def _opposites(d: Draft) -> None:
    """'accounts that have not reached first value': the declared count of the entities the metric does not count."""
    for name in list(d.metrics):
        opposite, span = d.metric(name).opposite, d.spans.get(name)
        if opposite is None or span is None:
            continue
        negation = d.near(span, {Word.negation}, before=3)
        if negation:
            d.swap(name, opposite)
            d.use(*negation, *d.near(span, {Word.having}, before=3))


def _left_out(d: Draft) -> None:
    """'churned mrr last quarter, not contraction': a metric named right after a negation, beside another metric
    asked for, is the one the asker leaves out."""
    for name in list(d.metrics):
        span = d.spans.get(name)
        if span is None or len(d.metrics) < 2 or d.metric(name).opposite is not None:
            continue
        negation = [s for s in d.reading.before(span, 1) if s.kind is Kind.word and s.word in NEGATING]
        kept = [m for m in d.metrics if m != name and m in d.spans and d.spans[m].end <= (negation or [span])[0].start]
        if negation and kept:
            d.drop(name)
            d.use(*negation, span)


def _amount_of(d: Draft) -> None:
    """'ARR of contracts ending each month': an amount named right before a count of rows is that amount of those
    rows, the metric the count declares for it (ARR up for renewal), not the two side by side."""
    named = sorted(((s, m) for m, s in d.spans.items()), key=lambda pair: pair[0].start)
    for (first, a), (second, b) in zip(named, named[1:]):
        amount = d.metric(b).amounts.get(a)
        between = [s for s in d.reading.spans if first.end <= s.start < second.start]
        # "ARR on contracts whose term ends …", "ARR still open for renewal": only the rows' own name, a relative word
        # or a value qualifying them between
        if amount is None or first is second or not all(_qualifies_rows(d, s) for s in between):
            continue
        between = [s for s in between if not (s.kind is Kind.term and s.values())]  # the value is a filter, later
        d.swap(a, amount)
        d.drop(b)
        d.use(second, *between)
        table = d.table_of(b)
        for later, c in [(s, m) for s, m in named if s.start >= second.end]:  # "… with terms ending in the next 90 days"
            gap = [s for s in d.reading.spans if second.end <= s.start < later.start]
            if c in d.metrics and d.table_of(c) == table and all(_qualifies_rows(d, s) for s in gap):
                d.drop(c)
                d.use(later, *[s for s in gap if s.kind is Kind.word])
        return


def _qualifies_rows(d: Draft, span: Span) -> bool:
    """A span between an amount and the rows it is of that only names or qualifies those rows."""
    return bool(set(span.positions) & d.used) or (span.kind is Kind.word and span.word in (Word.list, Word.having)) or (
        span.kind is Kind.term and bool(span.values()) and not span.metrics())


def _slices(d: Draft) -> None:
    """'how many accounts are green vs yellow vs red': slices of one metric side by side are that metric split by
    their dimension, one row per value (only the values named, when not all are)."""
    groups: dict[tuple[str, str], list[str]] = {}
    for name in d.metrics:
        part = d.metric(name).slice_of
        if part is not None:
            groups.setdefault((part.metric, part.dimension), []).append(name)
    for (base, dimension), names in groups.items():
        if len(names) < 2:
            continue
        values = tuple(d.metric(n).slice_of.value for n in names)
        declared = {m.slice_of.value for m in d.catalog.metrics.values()
                    if m.slice_of is not None and (m.slice_of.metric, m.slice_of.dimension) == (base, dimension)}
        spans = [d.spans[n] for n in names if n in d.spans]
        if spans:  # "green vs yellow vs red", "green / yellow / red": the joining words
            first, last = min(s.start for s in spans), max(s.end for s in spans)
            d.use(*[w for w in d.reading.grammar(Word.versus, Word.conjunction) if first <= w.start < last])
            d.use(*[w for w in d.reading.grammar(Word.group) if w.end <= first and
                    d.reading.distance(w, min(spans, key=lambda x: x.start)) <= 1])  # "split across green, …"
        at = d.metrics.index(names[0])
        d.metrics[:] = [m for m in d.metrics if m not in names]
        d.metrics.insert(at, base)
        d.spans[base] = d.spans.get(names[0])
        for n in names:
            d.spans.pop(n, None)
        if dimension not in d.dimensions:
            d.dimensions.append(dimension)
        if set(values) != declared:
            d.filters.append(ValueFilter(dimension, values, False))


# ---------------------------------------------------------------- placing

def _placing(d: Draft) -> None:
    """'tickets raised this quarter', '2025 signups', 'the q3 cohort': words saying how the asked metrics' rows sit
    in time (declared by their sources) restate the period. A word placing rows another way than the metric does
    ('time to value for accounts that *signed* in Q2') reads the metric's variant that places them that way."""
    for span in d.reading.of(Kind.term):
        placing = set(span.placing()) | _cohort_of(d, span)
        grouped = span.dimensions() and (d.near(span, {Word.group, Word.list}, before=1) or any(  # "each 2025 signup quarter"
            s.kind is Kind.time and d.near(s, {Word.group}, before=1) for s in d.reading.before(span, 1)))
        if not placing or set(span.positions) & d.used or grouped:
            continue
        sources = {m.source for m in leaves([d.metric(n) for n in d.metrics], d.catalog) if m.source}
        if placing & sources or _placed_variant(d, placing) or _narrowed_to_cohorts(d, placing):
            d.use(span)


def _rows_named(d: Draft) -> None:
    """'session length for users at my accounts', 'per user': a word for the rows the asked metric measures says
    what is measured, not a split or another metric."""
    tables = d.source_tables()
    for span in d.reading.of(Kind.term):
        named = {d.catalog.sources[x].table for x in span.rows()}
        if named and named & tables and not (span.metrics() or span.dimensions() or span.values()):
            d.use(span, *d.near(span, {Word.group}, before=1))


def _dimension_owner(d: Draft) -> None:
    """'CES by the channel of the ticket it was about': the noun after a dimension's name is what the dimension
    belongs to (tickets), not a count of them asked beside the metric."""
    reading = d.reading
    for name, span in list(d.spans.items()):
        table = d.table_of(name)
        owned = [s for s in reading.before(span, 1) if s.kind is Kind.term and reading._gap(s.end, span.start) == 0
                 and any(d.catalog.dimensions[x].table == table for x in s.dimensions())]
        if owned and len(d.metrics) > 1:
            d.drop(name)
            d.use(span)


def _cohort_of(d: Draft, span: Span) -> set[str]:
    """'the q2 2025 signup cohort': a dimension of periods (its values are quarters) named next to a time phrase is
    that period, for the sources that place rows by it (the sources declaring its words)."""
    reading = d.reading
    timed = [x for x in span.dimensions() if d.catalog.dimensions[x].grain is not None]
    if not timed or not any(s.kind is Kind.time for s in [*reading.before(span, 1), *reading.after(span, 1)]):
        return set()
    words = {t.stem for p in span.positions for t in [reading.tokens[p]]}
    return {source.name for source in d.catalog.sources.values()
            if any(set(key(w)) & words for w in source.placed_by)}


def _narrowed_to_cohorts(d: Draft, placing: set[str]) -> bool:
    """'accounts that signed last quarter and still have not reached first value': a metric placed another way (as
    of the period's end), asked of the accounts a period placed, is that metric now over those signup cohorts."""
    cohorts = [d.catalog.sources[s].cohort for s in sorted(placing) if d.catalog.sources[s].cohort]
    if not cohorts or d.period is None or not d.metrics or not d.allowed(cohorts[0]):
        return False
    dimension = d.catalog.dimensions[cohorts[0]]
    if grain_start(d.period.start, dimension.grain) != d.period.start:
        return False  # "signed since mid-july": not whole cohorts
    starts = tuple(part.start.isoformat() for part in split(d.period, dimension.grain))
    d.filters.append(ValueFilter(dimension.name, starts))
    d.notes.append(f"signed in {d.period.label()}: the {dimension.label.lower()}s of that period, as they are now")
    d.period = default_period([d.metric(m) for m in d.metrics], None, d.context.as_of)
    return True


def _placed_variant(d: Draft, placing: set[str]) -> bool:
    """Swap each metric for its declared variant whose source places rows as the word says, if all have one."""
    swaps = {}
    for name in d.metrics:
        variants = [v for v in d.metric(name).by.values() if d.metric(v).source in placing]
        if not variants:
            return False
        swaps[name] = variants[0]
    for old, new in swaps.items():
        d.swap(old, new)
        d.notes.append(f"{d.metric(old).label} of the accounts that started then: read as {d.metric(new).label}")
    return bool(swaps)


# ---------------------------------------------------------------- groups

def _groups(d: Draft) -> None:
    """Dimensions named as such become groupings; entity nouns ('accounts') become the rows when asked for."""
    reading = d.reading
    _grouped_inside_terms(d)
    _kinds_grouped(d)
    for span in d.reading.of(Kind.term):
        dims = span.dimensions()
        if not dims or set(span.positions) & d.used:
            continue
        if _qualifies_value(d, span, dims):
            d.use(span)
            continue
        entity = next((x for x in dims if d.entity_of(x)), None)
        if entity is not None:
            _entity_noun(d, span, entity)
            continue
        if not d.metrics and _count_instead(d, span, dims):  # "top ticket themes": tickets per category
            if dims[0] not in d.dimensions:
                d.dimensions.append(dims[0])
            d.use(*d.near(span, {Word.group, Word.list}, before=2))
            continue
        every = [w for w in reading.before(span, 1) if w.kind is Kind.word and w.word is Word.all]
        if every:  # "nps across all touchpoints": all of them together, not one row each
            d.use(span, *every, *d.near(every[0], {Word.group}, before=1))
            continue
        if d.near(span, {Word.choose}, before=2):
            d.choose = dims[0]
            d.use(span, *d.near(span, {Word.choose}, before=2))
            continue
        chosen = _allowed_dimension(d, span, dims)
        if chosen is None and _count_instead(d, span, dims):
            chosen = dims[0]
        if chosen is None:
            d.unusable.append(f"{', '.join(d.metric(m).label for m in d.metrics) or 'that'} cannot be split by "
                              f"{d.catalog.dimensions[dims[0]].label.lower()}")
            continue
        d.use(span, *d.near(span, {Word.group}, before=2), *d.near(span, {Word.list}, before=1),
              *[s for s in reading.after(span, 1) if s.kind is Kind.word and s.word is Word.group])  # "segment combos"
        if d.base is not None and not d.regrouped and (d.reading.has(Word.instead) or (
                chosen not in d.base.dimensions and d.near(span, {Word.group}, before=2))):
            # "by plan instead", "ok now by plan" after a split by region: the grouping is replaced
            d.dimensions = [x for x in d.dimensions if x == d.rows]
            d.regrouped = True
            for word in reading.grammar(Word.instead):  # "instead of quarter": the grouping it replaced, named
                d.use(*[s for s in reading.after(word, 1) if s.kind in (Kind.unknown, Kind.term) and s.start >= span.end])
        _group_by(d, chosen)


def _group_by(d: Draft, dimension: str) -> None:
    """Split by `dimension`; in a follow-up, the previous answer's filter on it gives way ('nps for enterprise' →
    'now by segment': every segment)."""
    if d.base is not None:
        d.filters = [f for f in d.filters if f.dimension != dimension or f not in d.base.filters]
    if dimension not in d.dimensions:
        d.dimensions.append(dimension)


def _both_periods(d: Draft) -> None:
    """'by signup quarter, for the 2024 and 2025 cohorts': two periods joined by 'and', split by periods anyway,
    are one range, not one compared with the other."""
    both = d.reading.time.both
    by_period = d.grain is not None or any(d.catalog.dimensions[x].grain for x in d.dimensions)
    if both is not None and by_period and d.compare is not None and d.reading.time.compare is not None:
        d.period, d.compare = both, None


def _kinds_grouped(d: Draft) -> None:
    """'each key feature', 'which key feature': the members of that kind, one row each (by feature, key ones)."""
    reading = d.reading
    for span in reading.of(Kind.term):
        kinds = [v for v in span.values() if d.catalog.dimensions[v.name].kind_of]
        asks = d.near(span, {Word.group, Word.list}, before=1)
        if not kinds or not asks or set(span.positions) & d.used:
            continue
        members = d.catalog.dimensions[kinds[0].name].kind_of
        chosen = _allowed_dimension(d, span, [members])
        if chosen is not None and chosen not in d.dimensions:
            _group_by(d, chosen)
            d.use(*asks)


def _grouped_inside_terms(d: Draft) -> None:
    """'accounts using each feature': a grouping word before a dimension that a longer metric term took in."""
    reading = d.reading
    for word in reading.grammar(Word.group):
        if set(word.positions) & d.used:
            continue
        following = [s for s in reading.of(Kind.term) if s.metrics() and any(p >= word.end for p in s.positions)
                     and reading._gap(word.end, min(p for p in s.positions if p >= word.end)) == 0]
        if not following:
            continue
        position = min(p for p in following[0].positions if p >= word.end)
        senses = d.context.lexicon.lookup([reading.tokens[position].stem])
        dims = [s.name for s in senses if s.kind == "dimension" and d.allowed(s.name) and not any(
            d.metric(m).counts and d.metric(m).counts == d.entity_of(s.name) for m in following[0].metrics())]
        if dims and dims[0] not in d.dimensions:  # but "by logo count" is not by logo: it counts them
            d.dimensions.append(dims[0])
            d.use(word)


def _count_instead(d: Draft, span: Span, dims: list[str]) -> bool:
    """'which ticket themes drag health down', 'top ticket themes': rows of the dimension counted, when the
    metric asked (if any) cannot be split by it and the dimension declares what counts it."""
    counter = next((d.catalog.dimensions[x].counted_by for x in dims if d.catalog.dimensions[x].counted_by), None)
    # with a metric asked, only "themes dragging health down": what pulls it is counted; "the categories with the
    # worst csat" asks for csat itself, which a count would not answer
    if counter is None or (d.metrics and not d.reading.has(*MOVING)):
        return False
    flags = [m for m in d.metrics if d.metric(m).counts]
    if flags:  # "ticket categories of accounts in the red": the flag says which accounts, which a count cannot take
        d.unusable.append(f"{d.metric(counter).label.lower()} of {d.metric(flags[0]).label.lower()}")
    if d.metrics:
        d.notes.append(f"{', '.join(d.metric(m).label for m in d.metrics)} cannot be split by "
                       f"{d.catalog.dimensions[dims[0]].label.lower()}; counting {d.metric(counter).label.lower()} instead")
        d.metrics.clear()
        d.spans.clear()
    _add_metric(d, counter)
    d.use(span, *d.reading.grammar(*MOVING))
    return True


def _qualifies_value(d: Draft, span: Span, dims: list[str]) -> bool:
    """'Growth plan', 'integration category', 'segment enterprise': the dimension word names a value's dimension."""
    before = [s for s in d.reading.before(span, 1) if s.kind is Kind.term]
    if before and any(v.name in dims for v in before[-1].values()):
        return True
    after = [s for s in d.reading.after(span, 1) if s.kind is Kind.term and s.start == span.end]
    grouped = d.near(span, {Word.group}, before=1)
    return bool(after) and not grouped and any(v.name in dims for v in after[0].values())  # "service model low-touch"


def _entity_noun(d: Draft, span: Span, dimension: str) -> None:
    """'accounts', 'customers', 'csms': the rows when listed, ranked or grouped by; in passing otherwise
    ('enterprise accounts in EMEA', 'my accounts', 'retention cost per customer'). Counting is _counting's."""
    d.use(span)
    reading = d.reading
    if d.metrics and not d.allowed(dimension):
        d.use(*d.near(span, {Word.group}, before=1))
        return  # "cost per customer": part of the metric's own meaning
    mine = d.near(span, {Word.mine}, before=1)
    asks = d.near(span, {Word.list, Word.rank} | RANKING, before=4)
    if reading.has(Word.list, Word.show):
        asks += d.near(span, {Word.all}, before=2)  # "list all accounts"; "total mrr across all accounts" is one number
    valued = any(s.kind is Kind.term and s.values() and s.end == span.start for s in reading.before(span, 1))
    asks += [s for s in d.near(span, {Word.group}, before=2 if mine or valued else 1)  # "each pooled csm"
             if not (mine or valued) or s.text in ("each", "per", "every", "for each")]  # "across my accounts": in passing
    asks += [s for s in reading.after(span, 2) if s.kind is Kind.word and s.word in (Word.having, *NEGATING)
             and not any(x.kind is Kind.word and x.word is Word.group for x in reading.after(s, 1))
             and any(x.kind is Kind.number or x.kind is Kind.term and (x.metrics() or x.values() or x.dimensions())
                     or x.word in (*NEGATING, *COMPARING, *MOVING, *RANKING) for x in reading.after(s, 2))
             ]  # "accounts with …", not "do my accounts have?", "… have, by priority" nor "tickets they have opened"
    joined = [s for s in reading.after(span, 1) if s.kind is Kind.word and s.word is Word.conjunction]
    if joined and any(x.kind is Kind.term and x.metrics() for x in reading.after(joined[0], 2)) and not reading.has(
            Word.count, Word.total):
        asks += joined  # "renewals past due - accounts and arr": the accounts, each with its ARR
    if reading.spans and span is reading.spans[0]:  # "whose book took the biggest hit": the subject ranked
        asks += [s for s in reading.after(span, 2) if s.kind is Kind.word and s.word in RANKING]
        if not reading.has(Word.count, Word.share, Word.total) and any(
                d.metric(m).counts == d.entity_of(dimension) for m in d.metrics):
            asks.append(span)  # "accounts that signed since july and still have not hit first value": those accounts
    follows_value = any(s.kind is Kind.term and s.values() for s in reading.before(span, 1))
    if follows_value and d.dimensions and d.base is None and reading.has(*RANKING) and not reading.has(Word.mine):
        return  # "which key feature has the worst adoption among emea accounts": the accounts are in passing
    clause = d.rows is None and not follows_value and _relative_clause(d, span)
    if asks or clause or not d.metrics and not d.reading.has(Word.count, Word.share):
        if d.rows is None or d.rows == dimension:
            d.rows = dimension
            d.use(*[s for s in asks if s.word in (Word.list, Word.group, Word.rank, Word.all)])
        elif dimension not in d.dimensions:
            d.dimensions.append(dimension)


def _relative_clause(d: Draft, span: Span) -> bool:
    """'my accts that dropped…': the noun is followed by a movement said of each."""
    after = d.reading.after(span, 1)
    if not after:
        return False
    said = after[0]
    return said.kind is Kind.word and said.word in MOVING and bool(d.reading.after(said, 3))


def _allowed_dimension(d: Draft, span: Span, dims: list[str]) -> str | None:
    """The dimension of `dims` the metrics can take, or whose variant can ('time to value by cohort')."""
    allowed = [x for x in dims if d.allowed(x)]
    if not allowed:
        for dim in dims:
            variants = {m: d.metric(m).by.get(dim) for m in d.metrics}
            if d.metrics and all(variants.values()):
                for old, new in variants.items():
                    d.swap(old, new)
                    d.notes.append(f"{d.metric(old).label} by {d.catalog.dimensions[dim].label.lower()}: "
                                   f"read as {d.metric(new).label}")
                    _variant_shown(d, new)
                return dim
        return None
    tables = d.source_tables()
    allowed.sort(key=lambda x: d.catalog.dimensions[x].table not in tables)
    return allowed[0]


def _variant_shown(d: Draft, variant: str) -> None:
    """A variant read for a split shows its evidence ('health by ticket theme': the raisers' health against the
    rest's, and how many raised it); asked what drags it down or lifts it, its groups are ranked that way."""
    for evidence in d.metric(variant).evidence:
        _add_metric(d, evidence)
    moving = d.reading.grammar(*MOVING)
    if not moving or d.ranking is not None or d.compare is not None or d.trend or d.grain is not None:
        return
    metric = d.metric(variant)
    down = any(s.word is Word.down for s in moving)
    worst_first = down == (metric.direction is not Direction.lower_is_better)  # down a higher-is-better: lowest first
    d.ranking = Ranking(variant, descending=not worst_first)
    d.use(*moving)


# ---------------------------------------------------------------- filters

def _filters(d: Draft) -> None:
    """Values ("EMEA", "Maria") become filters the metrics can take; 'not'/'excluding' negates; 'a vs b' splits."""
    reading = d.reading
    chosen: dict[str, list[str]] = {}
    negated: set[str] = set()
    for span in reading.of(Kind.term):
        values = span.values()
        entity_too = any(d.entity_of(x) for x in span.dimensions())  # "current customers": rows and a filter
        if not values or set(span.positions) & d.used and not entity_too:
            continue
        usable = [v for v in values if d.allowed(v.name)]
        if not usable:
            usable = _variant_taking(d, values) or []
        if not usable and all(any(d.metric(m).restricted_to.get(v.name) == v.value for v in values) for m in d.metrics):
            d.use(span)  # "product adoption (key features)": what the metric counts already
            continue
        if not usable:
            if _scope_to_one_metric(d, span, values):
                continue
            if any(v.exact for v in values):
                d.unusable.append(f"“{span.text}” cannot filter {', '.join(d.metric(m).label for m in d.metrics)}")
            continue
        if any(v.name in d.dimensions for v in usable) and not _narrows(d, span):
            d.use(span)  # "by segment … to see if smb is as sticky as enterprise": the groups named, not a filter
            continue
        beyond = d.near(span, {Word.beyond}, before=3)
        if beyond:  # "every csat response, not just the support touchpoint": named to say it is not the only one
            d.use(span, *beyond, *[s for s in reading.after(span, 1) if s.kind is Kind.term and
                                   set(s.dimensions()) & {v.name for v in usable}])
            continue
        tables = d.source_tables()
        order = list(d.catalog.dimensions)
        named = {x for s in reading.after(span, 1) if s.kind is Kind.term for x in s.dimensions()}  # "enterprise plan"
        entity_tables = {d.catalog.dimensions[x].table for x in named if d.entity_of(x)}
        named |= {v.name for v in usable if d.catalog.dimensions[v.name].table in entity_tables}  # "pooled csm": its team
        before = {f.dimension for f in d.base.filters} if d.base is not None else set()  # "same for growth": the team
        sense = min(usable, key=lambda v: (v.name not in named, v.name not in before, not v.exact,
                                           d.catalog.dimensions[v.name].table not in tables, order.index(v.name)))
        values_of = chosen.setdefault(sense.name, [])
        if sense.value not in values_of:
            values_of.append(sense.value)
        d.value_spans.setdefault(sense.name, span)
        d.use(span, *d.near(span, {Word.group}, before=1))  # "qbrs held by Leila Johnson": hers
        if span.fuzzy:
            d.notes.append(f"read “{span.text}” as {sense.value}")
        not_words = d.near(span, {Word.exclusion}, before=2) or (
            [] if _counted_after(d, span) else d.near(span, {Word.negation}, before=2))  # "without urgent tickets": none
        if not_words and not any(s.word is Word.having for s in reading.before(span, 2) if s.kind is Kind.word):
            negated.add(sense.name)
            d.use(*not_words)
        d.use(*[s for s in reading.after(span, 1) if s.kind is Kind.word and s.word in (Word.book, Word.only, Word.back)])
        # "smb vs enterprise", "smb and enterprise separately", "maria's accounts and leila's accounts, separately"
        versus = d.near(span, {Word.versus}, before=1, after=1) or [
            s for s in d.near(span, {Word.versus}, before=0, after=2) if all(
                x.kind is Kind.term and any(d.entity_of(y) for y in x.dimensions())
                for x in reading.spans if span.end <= x.start < s.start)]
        if versus and len(values_of) > 1 and sense.name != d.rows:
            if sense.name not in d.dimensions:
                d.dimensions.append(sense.name)  # "smb vs enterprise": side by side, not blended
            d.use(*versus)
    d.filters = [f for f in d.filters if f.dimension not in chosen]  # a follow-up's value replaces its dimension's
    for dimension, values in chosen.items():
        d.filters.append(ValueFilter(dimension, tuple(values), dimension in negated))


def _counted_after(d: Draft, span: Span) -> bool:
    """Whether a count the answer shows follows the value: 'without any urgent tickets' negates the count."""
    after = [s for s in d.reading.after(span, 2) if s.kind is Kind.term]
    return bool(after) and any(d.metric(m).unit is Unit.count for m in after[0].metrics() if m in d.metrics)


_NARROWING = frozenset({"for", "in", "only", "just", "among", "within", "excluding", "except", "where", "from", "at",
                        "not", "non", "without"})


def _narrows(d: Draft, span: Span) -> bool:
    """Whether a value of a dimension the answer is split by narrows it ('by segment for smb and enterprise', 'smb
    vs enterprise') rather than naming groups in passing."""
    tokens = d.reading.tokens
    before = tokens[span.start - 1].text if span.start > 0 else ""
    listed = [s for s in d.reading.before(span, 2) if s.kind is Kind.term and s.values()]
    joined = [s for s in d.reading.before(span, 1) if s.kind is Kind.word and (s.word is Word.conjunction or (
        s.word is Word.versus and s.text in ("vs", "versus", "against", "compared to", "compared with")))]
    if before in _NARROWING or (bool(listed) and bool(joined) and _narrows(d, listed[-1])):
        return True
    if any(s.kind is Kind.term and s.start == span.end and any(d.entity_of(x) for x in s.dimensions())
           for s in d.reading.after(span, 1)):
        return True  # "which smb accounts are below 0.4" after a split by segment: those accounts only
    named_after = [s for s in d.reading.before(span, 1) if s.kind is Kind.term and s.end == span.start and
                   {v.name for v in span.values()} & set(s.dimensions())]
    joins_next = [s for s in d.reading.after(span, 1) if s.kind is Kind.word and s.start == span.end and
                  (s.word is Word.conjunction or s.text in ("vs", "versus"))]
    return bool(named_after and joins_next)  # "by touchpoint (qbr vs support)": the groups asked for


def _variant_taking(d: Draft, values) -> list | None:
    """'dashboards adoption rate': the metric's declared variant that can be filtered by the value's dimension."""
    for sense in values:
        if any(sense.name in d.metric(m).dimensions for m in d.metrics):
            continue  # another asked metric takes the value: 'health of accounts with billing tickets' filters that
        swaps = {m: d.metric(m).by.get(sense.name) for m in d.metrics if sense.name not in d.metric(m).dimensions}
        if swaps and all(swaps.values()):
            for old, new in swaps.items():
                d.swap(old, new)
                d.notes.append(f"{d.metric(old).label} for one {d.catalog.dimensions[sense.name].label.lower()}: "
                               f"read as {d.metric(new).label}")
            return [sense]
    return None


_RELATIVE = frozenset({"that", "which", "who", "whose"})


def _scope_to_one_metric(d: Draft, span: Span, values) -> bool:
    """'MAU and open urgent tickets': a value only some metrics can take filters the nearest of them alone."""
    for sense in values:
        takers = [m for m in d.metrics if sense.name in d.metric(m).dimensions]
        if not takers or len(takers) == len(d.metrics):
            continue
        near = min(takers, key=lambda m: abs(d.spans[m].start - span.start) if m in d.spans else 99)
        earlier = [m for m in takers if m in d.spans and d.spans[m].end <= span.start]
        clause = {t.text for t in d.reading.tokens[max(0, span.start - 3):span.start]} & _RELATIVE
        if earlier and clause:  # "renewals coming up that are still pending": the clause is about what came before
            near = max(earlier, key=lambda m: d.spans[m].end)
        own = d.own.setdefault(near, [])
        for i, f in enumerate(own):
            if f.dimension == sense.name:
                own[i] = ValueFilter(f.dimension, (*f.values, sense.value))
                break
        else:
            own.append(ValueFilter(sense.name, (sense.value,)))
        d.use(span)
        return True
    return False


# ---------------------------------------------------------------- counting

def _counting(d: Draft) -> None:
    """'how many …' and 'what % of …': a count metric already answers; 'how many accounts … have …' is a tally of
    the accounts that qualify; 'how many accounts in EMEA' counts them with the metric that counts the entity."""
    reading = d.reading
    for word in reading.grammar(Word.count, Word.share):
        after = [s for s in reading.after(word, 4) if s.kind is Kind.term]
        counter = next((d.catalog.dimensions[v.name].counted_by for v in (after[0].values() if after else ())
                        if d.catalog.dimensions[v.name].counted_by), None)
        if not d.metrics and counter is not None and word.word is Word.count:
            _add_metric(d, counter)  # "number of executive reviews": the meetings of that type, counted
            d.use(word)
            continue
        while after and after[0].values() and not after[0].dimensions():
            after = after[1:]  # "what share of enterprise accounts": the accounts, of a segment
        entity = next((x for x in (after[0].dimensions() if after else []) if d.entity_of(x)), None)
        share = word.word is Word.share
        if entity is not None and share and d.metrics and not reading.has(*COMPARING) and \
                all(_share_of_entity(d, m, d.entity_of(entity)) for m in d.metrics):
            d.use(word, after[0])  # "what share of the q1 signups completed onboarding": the rate is that share
            continue
        qualifies = reading.has(*COMPARING, *NEGATING) or (reading.has(Word.having) and any(
            d.metric(m).unit is Unit.count for m in d.metrics))  # "… have open tickets": more than none
        if entity is not None and share and d.metrics and not qualifies:
            d.use(word)  # "seat utilization % for my accounts": nothing to qualify by, so the metric itself
            continue
        if entity is not None and not any(d.metric(m).counts == d.entity_of(entity) for m in d.metrics):
            if d.metrics:
                d.rows, d.tally, d.share = entity, True, share  # "how many accounts in each plan have …"
            else:
                counter = d.catalog.dimensions[entity].counted_by
                if counter is None:
                    continue
                _add_metric(d, counter)
                if d.rows == entity:
                    d.rows = None
            d.use(word, after[0])
        elif entity is not None and not share:  # "how many accounts have not reached first value": the count answers
            if d.rows == entity:
                d.rows = None
            d.use(word, after[0])
        elif not share and (any(d.metric(m).unit is Unit.count for m in d.metrics)):
            d.use(word)  # "how many promoters": the count itself
        elif share and any(d.metric(m).unit is Unit.percent for m in d.metrics):
            d.use(word)


def _share_of_entity(d: Draft, name: str, entity: str | None) -> bool:
    """A percentage of entities: a derived rate over a count of them (onboarding completion over onboarding accounts)."""
    metric = d.metric(name)
    return metric.unit is Unit.percent and metric.derived is not None and entity is not None and \
        any(d.metric(part).counts == entity for part in derived_refs(metric) if part in d.catalog.metrics)


def _share_of(d: Draft) -> None:
    """'what % of tickets opened last quarter were urgent': a count (or sum) whose filtered part is asked as a share of
    the whole; the part is the value said after the metric, the rest of the filters keep the whole."""
    shares = [w for w in d.reading.grammar(Word.share) if not set(w.positions) & d.used]
    if not shares or d.tally or len(d.metrics) != 1:
        return
    name = d.metrics[0]
    metric = d.metric(name)
    additive = metric.measure is not None and metric.measure.agg.value in ("count", "count_distinct", "sum")
    span = d.spans.get(name)
    parts = [f for f in d.filters if f.dimension in d.value_spans and span is not None
             and d.value_spans[f.dimension].start > span.start and f.dimension not in d.dimensions]
    if not additive or not parts or metric.quantity:
        return
    d.filters = [f for f in d.filters if f not in parts]
    d.own.setdefault(name, []).extend(parts)
    d.shares.add(name)
    d.use(*shares)


# ---------------------------------------------------------------- thresholds

def _thresholds(d: Draft) -> None:
    """'health below 60', 'more than 3 open tickets', 'dropped by more than 10 points', '90% or more'."""
    reading = d.reading
    _metric_against_metric(d)
    for number in reading.of(Kind.number):
        if set(number.positions) & d.used or number.number is None:
            continue
        op_span = _comparison_for(d, number)
        metric = _nearest_metric(d, number)
        if op_span is None or metric is None:
            continue
        op = _OPS[op_span.word]
        value = number.number
        if _share_exceeding(d, metric, number, op_span, op) or _against_a_base(d, metric, number, op_span, op):
            continue
        column = MetricColumn.value
        moving = d.near(number, MOVING, before=4)
        unit = d.metric(metric).unit
        if moving:
            column = MetricColumn.change_pct if number.percent and unit is not Unit.percent else MetricColumn.change
            if moving[-1].word is Word.down:
                op, value = _FLIP.get(op, op), -value
            d.compare = d.compare or Comparison.previous_period
            d.use(*moving)
        elif number.percent and unit is not Unit.percent:
            d.unusable.append(f"{number.text} is a percentage, but {d.metric(metric).label} is not one")
            continue
        said = [s for s in d.reading.after(number, 3)[:2] if s.kind is Kind.word and s.word is Word.unit]
        if said and not _unit_fits(said[0].text, unit, column):
            d.unusable.append(f"{number.text} {said[0].text} does not measure {d.metric(metric).label}")
            continue
        d.thresholds.append(Threshold(metric, op, value, column))
        d.use(number, op_span, *[s for s in reading.after(number, 3) if s.kind is Kind.word and s.word is Word.unit])


def _against_a_base(d: Draft, metric: str, number: Span, op_span: Span, op: FilterOp) -> bool:
    """'October MAU below 70% of July's', '10% higher than in June': a metric against its own value in another
    period, named right after, as a percentage change from that base (below 70% of it: down more than 30%)."""
    reading = d.reading
    if not number.percent or d.metric(metric).unit is Unit.percent:
        return False
    after = [s for s in reading.spans if s.start >= number.end and reading._gap(number.end, s.start) <= 2]
    base = next((s for s in after if s.kind is Kind.time), None)
    tokens = reading.tokens
    of = number.end < len(tokens) and tokens[number.end].text == "of"  # "70% of July's": a level, not a change
    compared = [s for s in after if s.kind is Kind.word and s.word in COMPARING and s.start < (base.start if base else 0)]
    if base is None or not (of or compared):
        return False
    named = [m for s in reading.of(Kind.term) if s.start >= base.end and reading.distance(base, s) <= 1
             and not any(w.kind is Kind.word and w.word is Word.conjunction for w in reading.spans
                         if base.end <= w.start < s.start)  # "up 10% on june, and health > 85": not health's
             for m in s.metrics() if m in d.metrics]
    metric = named[0] if named else metric  # "more than 10% higher than June MAU": MAU's own change
    based = parse_time(base.text, d.context.as_of)
    base_period = based.period
    others = [parse_time(s.text, d.context.as_of).period for s in reading.of(Kind.time) if s is not base]
    if based.ends is not None:  # "lost 30% of their MAU between july and october": october against july
        base_period, others = based.ends[0], [based.ends[1]]
    if base_period is None:
        return False
    moving = [s for s in reading.before(op_span, 2) if s.kind is Kind.word and s.word in MOVING]
    if of and moving and op in (FilterOp.gt, FilterOp.ge):  # "lost more than 25% of their MAU": the move's size;
        # "dropped below 70% of July's" stays a level
        down = moving[-1].word is Word.down
        op, value = (_FLIP.get(op, op), -number.number) if down else (op, number.number)
    elif of:
        value = number.number - 100
    else:  # "10% higher than June": the direction is the word after the number
        op = _OPS[compared[0].word]
        value = -number.number if compared[0].word is Word.less else number.number
        d.use(compared[0])
    d.thresholds.append(Threshold(metric, op, value, MetricColumn.change_pct))
    d.period = next((p for p in others if p is not None), None) or \
        default_period([d.metric(metric)], None, d.context.as_of)
    d.compare, d.compare_with = Comparison.other_period, base_period
    d.use(number, op_span, *d.near(number, MOVING, before=4))
    return True


def _share_exceeding(d: Draft, metric: str, number: Span, op_span: Span, op: FilterOp) -> bool:
    """'what share took more than 60 days to reach first value': the declared share of the rows above that value,
    of the same rows as the metric named (accounts reaching first value: TTV over 60 days)."""
    if op not in (FilterOp.gt, FilterOp.ge) or not (d.reading.has(Word.share) or d.metric(metric).exceeding):
        return False
    source = d.metric(metric).source
    said = [s for s in d.reading.after(number, 3)[:2] if s.kind is Kind.word and s.word is Word.unit]
    for share in d.catalog.metrics.values():
        above = share.exceeding
        if above is None or above.value != number.number or share.source != source:
            continue
        units = {m.unit for m in d.catalog.metrics.values() if m.quantity == above.quantity}
        if said and not any(_unit_fits(said[0].text, u, MetricColumn.value) for u in units):
            continue
        if metric in d.metrics and d.metric(metric).exceeding is None and not d.metric(metric).quantity:
            d.swap(metric, share.name)  # the rows named only to say whose share
        else:
            _add_metric(d, share.name)
        d.use(number, op_span, *said, *d.reading.grammar(Word.share))
        return True
    return False


_UNIT_WORDS = {Unit.days: ("day", "days"), Unit.hours: ("hour", "hours"), Unit.minutes: ("minute", "minutes"),
               Unit.currency: ("dollar", "dollars", "usd", "$"), Unit.ratio: ("ratio",), Unit.percent: ("rate", "rates")}


def _unit_fits(word: str, unit: Unit, column: MetricColumn) -> bool:
    """'over 60 days' fits a metric in days; 'points' a score or a change of one; 'dollars' money."""
    if word in ("point", "points"):
        return unit in (Unit.score, Unit.percent) or column is not MetricColumn.value
    return word in _UNIT_WORDS.get(unit, ())


def _metric_against_metric(d: Draft) -> None:
    """'accounts whose MAU is above the seats they bought', 'more active users than seats': one metric compared with
    another, read as the catalogue's ratio of the two (seat utilization above 100%)."""
    reading = d.reading
    for word in reading.grammar(*COMPARING):
        if set(word.positions) & d.used:
            continue
        before = [(m, s) for m, s in d.spans.items() if s.end <= word.start and reading.distance(s, word) <= 2]
        after = sorted([(m, s) for m, s in d.spans.items() if s.start >= word.end and reading.distance(word, s) <= 3],
                       key=lambda pair: pair[1].start)
        if word.word in (Word.more, Word.less) and not before and len(after) >= 2:  # "more X than Y"
            before, after = after[:1], after[1:]
        if not before or not after:
            continue
        (a, _), (b, _) = before[-1], after[0]
        ratio = next((m for m in d.catalog.metrics.values()
                      if m.derived and m.derived.replace(" ", "") == f"{a}/{b}"), None)
        if ratio is None:
            continue
        if ratio.name in d.metrics and ratio.name not in (a, b):  # "seat utilisation, total MAU over total seats": its
            d.metrics[:] = [m for m in d.metrics if m not in (a, b)]  # definition said again, not a comparison
            d.use(word, *reading.grammar(Word.total))
            continue
        _add_metric(d, ratio.name)
        d.thresholds.append(Threshold(ratio.name, _OPS[word.word], ratio.scale))
        d.use(word)


def _comparison_for(d: Draft, number: Span) -> Span | None:
    before = d.near(number, COMPARING, before=3)
    if before:
        return before[-1]
    after = [s for s in d.reading.after(number, 2) if s.kind is Kind.word and s.word in (Word.at_least, Word.at_most)]
    return after[0] if after else None


def _nearest_metric(d: Draft, number: Span) -> str | None:
    """The metric named closest before a number (or just after it: 'more than 3 open tickets'); in a follow-up
    that names none, the previous question's."""
    if not d.spans:
        return d.metrics[0] if d.base is not None and d.metrics else None
    best, distance = None, None
    said = d.mentions()  # every mention: "whose MAU … and whose MAU is up 10%"
    compared = [s for s in d.reading.before(number, 1) if s.kind is Kind.word and s.word in COMPARING]
    flag_after = [name for name, span in said if span.start >= number.end and d.reading._gap(number.end, span.start) == 0
                  and d.metric(name).counts]
    if compared and flag_after:  # "health above 85 - expansion candidates": the metric the comparison follows
        right_before = [name for name, span in said if span.end <= compared[-1].start
                        and d.reading._gap(span.end, compared[-1].start) == 0]
        if right_before:
            return right_before[-1]
    for name, span in said:
        gap = number.start - span.end if span.end <= number.start else (span.start - number.end) * 1.5
        if gap >= 0 and (distance is None or gap < distance):
            best, distance = name, gap
    shown = [e for e in d.metric(best).evidence if e in d.spans] if best is not None and d.metric(best).counts else []
    return shown[0] if shown else best  # "accounts in the red (<50) on health": the number is of the health score


# ---------------------------------------------------------------- ranking

def _ranking(d: Draft) -> None:
    """Superlatives order the rows; 'top 5', 'the two worst' and 'which segment has the lowest' limit them."""
    reading = d.reading
    words = reading.grammar(*RANKING, Word.rank)
    if not words:
        return
    word = next((w for w in words if w.word in RANKING), words[0])
    # "health and mrr of the 10 accounts with the highest mrr": the metric said after the word, wherever else it is
    following = list(dict.fromkeys(m for m, s in d.mentions() if s.start >= word.end
                                   and 0 <= reading._gap(word.end, s.start) <= 3))
    if not d.metrics:
        size = d.rows and d.catalog.dimensions[d.rows].size
        if not size:
            return
        _add_metric(d, size)  # "our biggest customers": by their size, as the catalogue declares it
        if word.word not in SIZE:  # "our top customers": top by what is not said
            d.unusable.append(f"{word.text} {d.catalog.dimensions[d.rows].label.lower()}s by which measure (read as "
                              f"by {d.metric(size).label})")
    kept = d.ranking if d.base is not None and d.ranking is not None and d.ranking.metric in d.metrics else None
    target = following[0] if following else kept.metric if kept else d.metrics[0]  # "just the top 5": by the same
    direction = d.metric(target).direction
    if word.word in (Word.highest, Word.lowest, *SIZE):
        descending = word.word in (Word.highest, Word.largest)
    elif word.word in (Word.best, Word.worst):
        descending = (word.word is Word.best) != (direction is Direction.lower_is_better)
    else:
        descending = direction is not Direction.lower_is_better  # "rank csms by health": best first
    column = kept.column if kept and not following else MetricColumn.value
    if reading.has(Word.change, *MOVING):  # "dropped most", "biggest negative movement": the change is ranked
        column = MetricColumn.change
        d.compare = d.compare or Comparison.previous_period
        if reading.has(Word.down) and word.word is not Word.rank:
            descending = False  # "biggest negative movement", "dropped most": the largest fall first
        d.use(*reading.grammar(Word.change, *MOVING))
    if any(s.kind is Kind.word and s.word is Word.why for s in reading.after(word, 2)):
        d.missing.append("a breakdown by reason")  # "top churn reasons": no reason is recorded for what happened
    limit = next((n for n in (_limit(d, w) for w in words) if n is not None), None)
    d.use(*words, *reading.grammar(Word.first))
    if target in d.spans:  # "top 10 accounts by mrr", "rank csms by their book's health": what the rows are ordered by
        first = min(w.start for w in words)  # "rank every csm by average health, lowest first"
        d.use(*[s for s in reading.grammar(Word.group) if first < s.start < d.spans[target].start
                and reading._gap(s.end, d.spans[target].start) <= 3])
    if column is MetricColumn.change:  # "rank csms by change in avg health": ordered by the change
        d.use(*[s for s in reading.grammar(Word.group) if any(
            x.kind is Kind.word and x.word is Word.change for x in reading.after(s, 1))])
    if d.rows is None and not d.dimensions:
        entity = d.catalog.entity_dimension("account")
        if entity is not None and d.allowed(entity.name):
            d.rows = entity.name
    if limit is None:
        if _asks_for_one(d):
            limit = 1
        elif d.rows and not d.dimensions and not reading.has(Word.rank):  # "rank the csms by …": all of them
            limit = DEFAULT_LIST_LIMIT
    d.ranking = Ranking(target, descending, column, limit)
    if limit == 1 and column is MetricColumn.change and len(d.metrics) == 1:
        # "which CSM's book has the biggest negative health movement": the one row, with the parts that moved it
        rows = [x for x in (d.rows, *d.dimensions) if x]
        d.metrics += [p for p in d.metric(target).parts if all(x in d.metric(p).dimensions for x in rows)
                      and p not in d.metrics]


def _limit(d: Draft, word: Span) -> int | None:
    """'top 5', '5 worst', 'the two plans with the worst churn', 'bottom 3', '10 enterprise accounts with the lowest'."""
    reading = d.reading
    numbers = [s for s in reading.of(Kind.number) if not set(s.positions) & d.used and not s.percent]
    for number in numbers:
        close = reading._gap(word.end, number.start) == 0 and number.start >= word.end
        before = reading._gap(number.end, word.start) <= 2 and number.end <= word.start
        nouns = [s for s in reading.after(number, 3) if s.kind is Kind.term and s.dimensions()]
        counted = number.end <= word.start and bool(nouns) and all(
            s.kind in (Kind.term, Kind.word) for s in reading.spans if number.end <= s.start < nouns[0].start)
        if (close or before or counted) and number.number == int(number.number) and number.number > 0:
            d.use(number)
            return int(number.number)
    return None


def _asks_for_one(d: Draft) -> bool:
    """'which segment has the lowest NRR', 'which CSM's book …', 'the segment with the lowest NRR': a singular
    dimension right after which/what, or opening the question."""
    opening = d.reading.spans[0] if d.reading.spans else None
    for span in d.reading.of(Kind.term):
        kinds = [v for v in span.values() if d.catalog.dimensions[v.name].kind_of]  # "which key feature"
        if (span.dimensions() or kinds) and (d.near(span, {Word.list}, before=1) or span is opening) and \
                not span.text.endswith("s"):
            return True
    return False


# ---------------------------------------------------------------- listing

def _no_history(d: Draft) -> None:
    """'how have seats purchased changed this year': a column kept only as it is today has no change to show."""
    for i, threshold in enumerate(d.thresholds):
        if threshold.column is MetricColumn.value or not d.metric(threshold.metric).no_history:
            continue
        unit = d.metric(threshold.metric).unit  # "MAU above their seat count and 10% higher than june": MAU moved
        others = [m for m in d.metrics if m in d.spans and not d.metric(m).no_history and d.metric(m).unit is unit]
        if len(others) == 1:
            d.thresholds[i] = Threshold(others[0], threshold.op, threshold.value, threshold.column)
    if d.trend or d.grain is not None or d.compare is not None or d.compare_with is not None:
        moving = {t.metric for t in d.thresholds if t.column is not MetricColumn.value} | (
            {d.ranking.metric} if d.ranking is not None and d.ranking.column is not MetricColumn.value else set())
        for name in d.metrics:
            if moving and name not in moving:
                continue  # "MAU above seats and MAU up 10% on June": only MAU's change is asked
            if d.metric(name).no_history:
                d.missing.append(f"history of {d.metric(name).label.lower()} (only today's figure is kept)")


def _grain_fits(d: Draft) -> None:
    """'nrr weekly': a metric computed over whole months cannot go week by week; say so rather than fail."""
    if d.grain not in (TimeGrain.day, TimeGrain.week):
        return
    for name in d.metrics:
        if whole_months_only([d.metric(name)], d.catalog):
            d.unusable.append(f"{d.metric(name).label} is computed over whole months, not by {d.grain.value}")


def _own_definition(d: Draft) -> None:
    """'at risk meaning health under 40 and no QBR this year': the asker's own definition of a term the catalogue
    reads several ways decides it, once the accounts it lists are known."""
    if d.thresholds and d.undecided is not None and d.rows is not None and not set(d.undecided.positions) & d.used:
        d.use(d.undecided)
        d.notes.append(f"“{d.undecided.text}” read by your definition, not the catalogue's")


def _top_of_a_series(d: Draft) -> None:
    """'just the top 5' after a monthly series by plan: the top 5 plans in which month, or over the whole range?
    A limit over period-by-group rows is neither, so ask rather than cut the series."""
    several = d.period is None or grain_start(d.period.end, d.grain) > d.period.start if d.grain else False
    if d.ranking is not None and d.ranking.limit and several and d.dimensions and d.rows is None:
        d.unusable.append(f"the top {d.ranking.limit} of a series by {d.catalog.dimensions[d.dimensions[0]].label.lower()}"
                          " (say the period to rank them in)")


def _count_behind(d: Draft) -> None:
    """'logo churn rate last quarter' → 'how many logos is that': the count behind the rate just given (lost
    customers), not every customer; the catalogue says which count shares the rate's quantity."""
    if d.base is None or not d.reading.has(Word.those):
        return
    for before in d.base.metrics:
        quantity = d.metric(before.metric).quantity
        if quantity is None:
            continue
        for name in list(d.metrics):
            counted = d.metric(name).counts
            sibling = next((m.name for m in d.catalog.metrics.values() if m.quantity == quantity and counted
                            and m.counts == counted and m.name != name), None)
            if sibling is not None and name != before.metric:
                d.swap(name, sibling)
                d.notes.append(f"{d.metric(name).label} of that {d.metric(before.metric).label}: read as "
                               f"{d.metric(sibling).label}")


def _which_pass(d: Draft) -> None:
    """'dau/mau by segment - which are above 0.4': a list word before a threshold asks for the rows that pass it."""
    if not d.thresholds or (d.rows is None and not d.dimensions):
        return
    for word in d.reading.grammar(Word.list):
        after = d.reading.after(word, 2)
        if any(s.kind is Kind.word and s.word in COMPARING and set(s.positions) <= d.used for s in after):
            d.use(word)


_WHETHER_ANY = re.compile(r"\b(?:are|is|do|does|did|were|was|has|have) any\b")


def _whether_any(d: Draft) -> None:
    """'by segment — are any of them over 0.4?': a yes-or-no about the groups is answered by showing every group
    against the number, not by a table that may be empty."""
    if d.rows is not None or not d.dimensions or not d.thresholds or not _WHETHER_ANY.search(d.reading.text):
        return
    for t in d.thresholds:
        d.notes.append(f"every {d.catalog.dimensions[d.dimensions[0]].label.lower()} shown, to see which have "
                       f"{d.metric(t.metric).label} {t.op.value} {t.value:g}")
    d.thresholds.clear()


def _listing(d: Draft) -> None:
    """Which accounts qualify: thresholds, flags ('at risk'), 'with open tickets', 'without a QBR'."""
    account = d.catalog.entity_dimension("account")
    reading = d.reading
    if d.rows is None and not d.dimensions and account is not None and _asks_list(d) and not d.tally:
        _rate_as_flag(d)  # "which of my customers churned": the lost customers, not the churn rate
    if d.rows is None and not d.dimensions and account is not None and d.allowed(account.name):
        per_account = [t for t in d.thresholds if t.column is MetricColumn.value]
        flags = [m for m in d.metrics if d.metric(m).counts == "account"]
        theirs = d.base is None and not reading.has(Word.count) and any(  # "accts in the red + their ARR"
            s.start >= d.spans[f].end for f in flags if f in d.spans for s in reading.grammar(Word.those))
        asked = _asks_list(d) or theirs or (flags and (reading.has(Word.show) and not reading.has(Word.count)
                                                        or reading.names_own_rows))  # "my red accts?": them
        if per_account or (asked and (d.thresholds or flags)):
            d.rows = account.name
    if d.rows is None:
        return
    if not d.metrics and d.catalog.dimensions[d.rows].size:
        _add_metric(d, d.catalog.dimensions[d.rows].size)  # "list my accounts": shown with their size
    entity = d.entity_of(d.rows)
    filtered = {t.metric for t in d.thresholds}
    numbers = reading.of(Kind.number)
    labelled = filtered and numbers and any(  # "MAU over their seats and health above 85 - expansion candidates"
        d.spans.get(m) is not None and d.spans[m].start >= max(n.end for n in numbers)
        for m in d.metrics if d.metric(m).counts == entity and m not in filtered)
    if (reading.has(Word.defining) or labelled) and filtered:  # "ready to expand, i mean MAU above seats and …"
        flags = [m for m in d.metrics if d.metric(m).counts == entity and m not in filtered]
        for flag in flags:
            d.metrics.remove(flag)
            d.metrics[:] = [m for m in d.metrics if m not in d.metric(flag).evidence or m in filtered]
            d.notes.append(f"{d.metric(flag).label}: read by your definition, not the catalogue's")
    for name in list(d.metrics):
        metric = d.metric(name)
        if metric.counts == entity and name not in filtered:
            d.thresholds.append(Threshold(name, FilterOp.gt, 0))  # "is one of the at-risk accounts"
            for evidence in metric.evidence:
                if evidence in d.catalog.metrics and d.rows in d.metric(evidence).dimensions:
                    _add_metric(d, evidence)
            if metric.evidence and not d.why and reading.grammar(Word.why):
                d.use(*reading.grammar(Word.why))  # "my red accounts and why": each shown with what put it there,
                moved = [p for e in metric.evidence if e in d.catalog.metrics for p in d.metric(e).parts
                         if d.rows in d.metric(p).dimensions]
                for part in moved:  # and the parts of that score that moved it, against the period before
                    _add_metric(d, part)
                if moved:
                    d.compare = d.compare or Comparison.previous_period
            continue
        span = d.spans.get(name)
        if span is None or name in filtered or metric.unit is not Unit.count:
            continue
        having = [s for s in reading.before(span, 3) if s.kind is Kind.word and s.word is Word.having] or \
            _having_before_values(d, span)  # "have urgent or high prio tickets open"
        absent = [s for s in reading.before(span, 4) if s.kind is Kind.word and s.word is Word.negation]
        if absent:  # "accounts without a QBR", "that haven't had a single QBR"
            d.thresholds.append(Threshold(name, FilterOp.eq, 0))
            d.use(*absent, *having)
        elif having:  # "accounts with open urgent tickets"
            d.thresholds.append(Threshold(name, FilterOp.gt, 0))
            d.use(*having)
    flags = [m for m in d.metrics if d.metric(m).counts == entity]
    for flag in flags:  # "overdue renewals - the accounts and their arr": the ARR of what each is listed for
        amounts = d.metric(flag).amounts
        d.metrics[:] = [amounts.get(m, m) for m in d.metrics]
        d.thresholds[:] = [Threshold(amounts.get(t.metric, t.metric), t.op, t.value, t.column) for t in d.thresholds]
    evidence = [e for f in flags for e in d.metric(f).evidence if e in d.metrics]
    d.metrics[:] = list(dict.fromkeys([*flags, *evidence, *d.metrics]))  # the flag, then why each row is there
    if d.thresholds:
        d.use(*reading.grammar(Word.having))


def _having_before_values(d: Draft, span: Span) -> list[Span]:
    """A 'have' before a run of values that qualify the counted rows ('have urgent or high priority tickets open')."""
    run = []
    for before in reversed(d.reading.before(span, 8)):
        if before.kind is Kind.word and before.word is Word.having:
            return [before] if any(s.kind is Kind.term and s.values() for s in run) else []
        if not (before.kind is Kind.term and (before.values() or before.dimensions() and not before.metrics())
                or before.kind is Kind.word and before.word is Word.conjunction):
            return []
        run.append(before)
    return []


def _asks_list(d: Draft) -> bool:
    """A list word asking for rows, not a relative one right after the rows' own name ('contracts whose term ends')."""
    reading = d.reading
    return any(not any(s.kind is Kind.term and s.rows() and s.end == word.start for s in reading.before(word, 1))
               for word in reading.grammar(Word.list))


def _what_they_took(d: Draft) -> None:
    """'the biggest logos we lost, by MRR': the MRR of a customer that left is 0, so each is shown with what it took
    away, the measure of the same unit its flag shows as evidence (churned MRR)."""
    flags = [m for m in d.metrics if d.metric(m).former and d.metric(m).counts]
    for flag in flags:
        for i, name in enumerate(d.metrics):
            if name in flags or name in d.metric(flag).evidence:
                continue
            lost = next((e for e in d.metric(flag).evidence if d.metric(e).unit is d.metric(name).unit), None)
            if lost is None:
                continue
            d.metrics[i] = lost
            if d.ranking is not None and d.ranking.metric == name:
                d.ranking = d.ranking.by(lost)
            d.notes.append(f"{d.metric(name).label} of {d.metric(flag).label.lower()}: read as {d.metric(lost).label}")
    d.metrics[:] = list(dict.fromkeys(d.metrics))


def _movement(d: Draft) -> None:
    """'accounts with declining adoption', 'rising active users': in a list, keep the rows that moved that way."""
    reading = d.reading
    if d.rows is None or d.ranking is not None or any(d.metric(m).former for m in d.metrics):
        return  # "the accounts we lost at renewal, with the arr we lost": the loss is what the rows are
    for name, span in list(d.spans.items()):
        after = [s for s in reading.after(span, 1) if s.text not in ("up", "down")]  # "the arr up (for renewal)"
        near = [s for s in [*reading.before(span, 2), *after] if s.kind is Kind.word and s.word in MOVING]
        if not near and (d.compare_with is not None or d.compare is not None):
            near = [s for s in reading.before(span, 2) if s.kind is Kind.word and s.word in (Word.less, Word.more)
                    and not set(s.positions) & d.used]  # "fewer active users than at the end of July"
        if not near or any(t.metric == name for t in d.thresholds) or d.metric(name).counts:
            continue
        falling = near[-1].word in (Word.down, Word.less)
        d.thresholds.append(Threshold(name, FilterOp.lt if falling else FilterOp.gt, 0, MetricColumn.change))
        d.compare = d.compare or Comparison.previous_period
        d.use(*near)


def _between_ends(d: Draft) -> None:
    """'lost the most health between the week of Sep 28 and the week of Oct 26': a change across a range of two
    named periods is the later one against the earlier one, not the range against the one before it."""
    time = d.reading.time
    if d.compare is not Comparison.previous_period or time.compare is not None:
        return
    if time.ends is not None:
        d.period, d.compare, d.compare_with = time.ends[1], Comparison.other_period, time.ends[0]
    elif time.since is not None and all(d.metric(m).measure is None or d.source_mode(m) is not TimeMode.within
                                        for m in d.metrics):
        # "lost 10% of their MAU since July": a state now against then (events since July are a count instead)
        d.period = default_period([d.metric(m) for m in d.metrics], None, d.context.as_of)
        d.compare, d.compare_with = Comparison.other_period, time.since


def _rate_as_flag(d: Draft) -> None:
    """A list asked of a rate whose quantity has a count of accounts: list those accounts instead."""
    for name in list(d.metrics):
        metric = d.metric(name)
        if metric.quantity is None or metric.counts:
            continue
        sibling = next((m for m in d.catalog.metrics.values() if m.quantity == metric.quantity and m.counts == "account"),
                       None)
        if sibling is not None:
            d.swap(name, sibling.name)
            d.notes.append(f"which accounts: {sibling.label}, listed")


# ---------------------------------------------------------------- upcoming

def _upcoming(d: Draft) -> None:
    """'renewing in the next 90 days': the countdown metric, at most that far; or a total over the days ahead."""
    if d.horizon is None:
        return
    catalog = d.catalog
    ahead = [d.metric(m).ahead for m in d.metrics if d.metric(m).ahead and catalog.metrics[d.metric(m).ahead].horizon]
    countdown = _countdown(d, ahead)
    counted = d.reading.has(Word.count, Word.total) and not _asks_list(d)
    # "renewals due per month next quarter": a series of the terms ending, not a list counting down
    lists = (d.rows is not None or _asks_list(d) or (bool(ahead) and not counted)) and \
        not ((d.grain is not None or d.dimensions) and d.rows is None and not _asks_list(d))  # "… by segment"
    if not lists and d.metrics and all(_about_terms_ending(d, m) for m in d.metrics):
        d.period = d.horizon  # "ARR up for renewal in the next 90 days": the terms ending then
        return
    blocked = countdown is not None and any(f.dimension not in countdown.dimensions for f in d.filters)
    if blocked and d.metrics and all(_about_terms_ending(d, m) for m in d.metrics):
        d.period = d.horizon  # "renewals in the next 60 days not closed yet": the terms ending then, by outcome
        account = catalog.entity_dimension("account")
        if lists and d.rows is None and account is not None:
            d.rows = account.name
            if not any(t.metric in d.metrics for t in d.thresholds):
                d.thresholds.append(Threshold(d.metrics[0], FilterOp.gt, 0))
        return
    if countdown is not None and countdown.name in d.metrics:
        return  # a follow-up of a list of what is coming up: already counted down
    if countdown is None or not (ahead or _about_terms_ending_any(d)):
        d.unusable.append("nothing in the catalogue looks ahead for that")
        return
    for name in list(d.metrics):
        if d.metric(name).ahead:
            target = d.metric(name).ahead
            d.drop(name)
            # "with a renewal in the next 30 days": the countdown's window says it; "arr up for renewal over 200k":
            # the same number about the next renewal
            d.thresholds[:] = [t if t.metric != name else Threshold(target, t.op, t.value, t.column)
                               for t in d.thresholds if t.metric != name or target != countdown.name]
            if target != countdown.name and target not in d.metrics:
                d.metrics.append(target)
            if d.ranking is not None and d.ranking.metric == name:
                d.ranking = d.ranking.by(target)
            for kept in d.own.pop(name, []):  # "renewals … still pending": the next renewal that is still pending
                if kept.dimension in countdown.dimensions:
                    for taker in (countdown.name, *countdown.evidence):
                        d.own.setdefault(taker, []).append(kept)
                else:
                    d.unusable.append(f"{countdown.label} cannot be narrowed by {d.catalog.dimensions[kept.dimension].label}")
    d.metrics.insert(0, countdown.name)
    for evidence in reversed(countdown.evidence):
        if evidence not in d.metrics:
            d.metrics.insert(1, evidence)
    days_first = (d.horizon.start - d.context.as_of).days
    days_last = (d.horizon.end - d.context.as_of).days
    if days_first > 1:
        d.thresholds.append(Threshold(countdown.name, FilterOp.ge, days_first))
    d.thresholds.append(Threshold(countdown.name, FilterOp.le, days_last))
    d.ranking = d.ranking or Ranking(countdown.name, False)
    account = catalog.entity_dimension("account")
    if d.rows is None and account is not None:
        d.rows = account.name
    d.period = None
    if d.trend:
        d.compare = d.compare or Comparison.previous_period  # "with their health trend": each against before
        d.trend = False


def _countdown(d: Draft, ahead: list[str]) -> Metric | None:
    """The countdown asked for: the one a named metric looks ahead with ('term end': days to term end), else the one
    over the rows the question names ('contracts ending'), else the catalogue's first ('renewals coming up')."""
    countdowns = [m for m in d.catalog.metrics.values() if m.horizon]
    named = {source for span in d.reading.spans if span.kind is Kind.term for source in span.rows()}
    return next((d.catalog.metrics[a] for a in ahead), None) or \
        next((m for m in countdowns if m.source in named), None) or next(iter(countdowns), None)


def _about_terms_ending(d: Draft, name: str) -> bool:
    """Whether the metric counts contract terms ending in the period (so a future period means what is coming up)."""
    metric = d.metric(name)
    source = d.catalog.sources.get(metric.source or "")
    return source is not None and source.mode is TimeMode.within and metric.ahead is not None \
        or (source is not None and source.mode is TimeMode.within and any(
            d.metric(o).ahead and d.metric(o).source == metric.source for o in d.catalog.metrics))


def _about_terms_ending_any(d: Draft) -> bool:
    return any(_about_terms_ending(d, m) for m in d.metrics)


# ---------------------------------------------------------------- why and parts

def _why(d: Draft) -> None:
    """'why did health drop for acme', 'health components': the metric next to the parts it is made of."""
    reading = d.reading
    why = reading.grammar(Word.why)
    parts = reading.grammar(Word.parts)
    if not d.metrics or not (why or parts):
        return
    at = (why or parts)[0]
    base = min(d.metrics, key=lambda m: abs(d.spans[m].start - at.start) if m in d.spans else 99)
    pieces = list(d.metric(base).parts)
    if not pieces:
        return
    d.metrics[:] = [base, *pieces, *[m for m in d.metrics if m != base and m not in pieces]]
    d.use(*parts, *[s for p in parts for s in reading.before(p, 2) if s.kind is Kind.number])  # "its 5 components"
    if parts:
        d.use(*reading.grammar(*MOVING))  # "what's dragging it": the parts are the answer
    if why:
        d.why = True
        d.compare = d.compare or Comparison.previous_period
        d.use(*why, *reading.grammar(Word.change, *MOVING))
    vocabulary = {w for p in pieces for phrase in (p.replace("_", " "), *d.metric(p).synonyms) for w in key(phrase)}
    for span in reading.of(Kind.term, Kind.unknown):  # parts named in passing: "health components (usage, support, …)"
        if set(span.metrics()) & set(pieces) or all(reading.tokens[p].stem in vocabulary for p in span.positions):
            d.use(span)  # the word names a part, so a metric read from it alone is not asked for
            d.metrics[:] = [m for m in d.metrics if m in (base, *pieces) or d.spans.get(m) is not span]


def _colouring(d: Draft) -> None:
    """Words that only colour the question, and movement words that asked for a comparison already made."""
    reading = d.reading
    d.use(*reading.grammar(*COLOURING), *reading.grammar(Word.show))
    for word in reading.grammar(Word.having):  # "qbrs that had an exec": describes the rows of the metric after it
        after = [s for s in reading.after(word, 2) if s.kind is not Kind.time]
        if not after or any(s.kind is Kind.term and set(s.metrics()) & set(d.metrics) for s in after):
            d.use(word)  # "how many open tickets do we have": the verb, not a condition
    _loose_groupings(d)
    if d.metrics and not (d.compare or d.compare_with or d.trend or d.grain or d.thresholds or d.ranking) and \
            reading.has(Word.change) and not reading.has(*RANKING):
        d.compare = Comparison.previous_period  # "how has usage moved", "the change in NRR": against the period before
        d.use(*reading.grammar(Word.change, *MOVING))
    for word in reading.grammar(Word.versus):  # "green vs yellow vs red", "whether emea lags apac": side by side
        named = [s for s in d.spans.values()] + [s for s in reading.of(Kind.term) if s.values()]
        if any(s.end <= word.start and reading.distance(s, word) <= 1 for s in named) and \
                any(s.start >= word.end and reading.distance(word, s) <= 1 for s in named):
            d.use(word)
        elif d.dimensions and not reading.after(word, 1):
            d.use(word)  # "by signup quarter - is any cohort lagging?": the split shows which
    if d.dimensions or d.compare or d.compare_with:  # "do partner customers retain better than inbound? nrr by channel"
        for word in reading.grammar(*COMPARING):
            if not set(word.positions) & d.used and word.text.replace(" ", "").isalpha() and \
                    not any(s.kind is Kind.number for s in reading.after(word, 3)):
                d.use(word)  # words only: "q1 -> q2 -> q3" is a sequence, not a verdict
    units = {d.metric(m).unit for m in d.metrics}
    column = MetricColumn.change if d.compare or d.compare_with else MetricColumn.value
    for word in reading.grammar(Word.unit):  # "downgrades in dollars", "(median hours)", "and how many points"
        if any(_unit_fits(word.text, unit, column) for unit in units):
            d.use(word, *[s for s in reading.before(word, 1) if s.kind is Kind.word and s.word is Word.count])
    _modifying_metrics(d)
    moved = any(t.column is not MetricColumn.value for t in d.thresholds)  # a threshold on a level is no movement
    if d.metrics and (d.compare or d.compare_with or d.trend or moved or d.grain is not None):
        d.use(*reading.grammar(*MOVING), *reading.grammar(Word.change))  # "is any region slipping?" over a series
    if d.metrics:
        _statistic_words(d)
    if d.rows is not None:  # the words that asked for the rows, and for what each shows ("with their health")
        d.use(*reading.grammar(Word.list, Word.having, Word.first))
    for span in reading.of(Kind.term):  # "customers who signed up": a relative pronoun after a noun of entities
        if any(d.entity_of(x) for x in span.dimensions()):
            d.use(*[s for s in reading.after(span, 1) if s.kind is Kind.word and s.word is Word.list
                    and s.start == span.end])
    csm = d.catalog.entity_dimension("csm")
    if csm is not None and (d.rows == csm.name or csm.name in d.dimensions or any(f.dimension == csm.name for f in d.filters)):
        d.use(*reading.grammar(Word.book))  # "Maria's book", "which CSM's book"


def _loose_groupings(d: Draft) -> None:
    """A grouping word with no dimension after it: 'across my book' is in passing; 'by churn reason' asks for a
    split this data does not have, which is said (and makes the answer decline)."""
    reading = d.reading
    for word in reading.grammar(Word.group):
        if set(word.positions) & d.used:
            continue
        after = reading.after(word, 2)
        if not after or after[0].kind is Kind.time or (after[0].kind is Kind.word and after[0].word in (
                Word.mine, Word.book, Word.all, Word.group, Word.those, Word.parts, *COMPARING)) or \
                any(s.kind is Kind.word and s.word is Word.parts for s in after) or after[0].kind is Kind.number or (
                after[0].kind is Kind.term and (
                after[0].dimensions() or after[0].values())):
            d.use(word)
        elif d.rows is not None and after[0].kind is Kind.word and after[0].word is Word.having:
            d.use(word, after[0])  # "how many open tickets each has": each of the rows listed
        elif _metric_by(d, word, after[0]):
            d.use(word, after[0])
        elif after[0].kind is Kind.term and after[0].metrics() and \
                all(s.kind is Kind.time or s.start > after[0].end for s in after[1:]) and \
                all(d.table_of(m) in d.source_tables() and _counts_rows(d.metric(m)) for m in after[0].metrics()):
            d.use(word, after[0])  # "response time for every ticket opened last quarter": the rows measured
        elif after[0].kind in (Kind.unknown, Kind.term) or after[0].word is Word.why:
            d.missing.append(f"a split by {' '.join(s.text for s in after)}")


def _counts_rows(metric: Metric) -> bool:
    """A count of its source's rows ('tickets opened'): naming it after 'every' names those rows."""
    return metric.measure is not None and metric.measure.agg.value == "count"


def _metric_by(d: Draft, word: Span, after: Span) -> bool:
    """'by' before a metric rather than a dimension: 'the 10 biggest logos we lost, by mrr' ranks by it; 'renewal
    rate, by count and by arr' names the variants whose own terms say so ('renewal rate by arr')."""
    by_metric = [m for m, s in d.spans.items() if s is after]
    if d.ranking is not None and by_metric and by_metric[0] != d.ranking.metric:
        d.ranking = d.ranking.by(by_metric[0])
        return True
    stems = [t.stem for t in d.reading.tokens]
    said = [stems[p] for p in (*word.positions, *after.positions)]
    earlier = [name for name, span in d.spans.items() if span.end <= word.start]
    named = [(name, [stems[p] for p in d.spans[name].positions]) for name in earlier]
    if not named and d.base is not None:  # "ok and by arr?" after "renewal rate by count": the metric's own words
        earlier = list(d.base.metric_names)
    # "renewal rate by logo count and by arr": the words said, then the metric's own (its term took "by logo count")
    named += [(name, list(key(phrase))) for name in earlier for phrase in (name.replace("_", " "), *d.metric(name).synonyms)]
    for name, words in named:
        variant = next((x.name for x in d.context.lexicon.lookup(words + said) if x.kind == "metric"), None)
        if variant is not None:
            for other in by_metric:  # "arr" was only ever the name of the variant
                d.drop(other)
            if d.base is not None and name in d.metrics and not d.reading.has(Word.conjunction):
                d.metrics.remove(name)  # "now by arr": instead of by count
            _add_metric(d, variant, after)
            return True
    return False


def _modifying_metrics(d: Draft) -> None:
    """'ARR at risk': a flag right after another metric qualifies it (the ARR of at-risk accounts), which this
    query cannot do; it is said, so the question is asked back rather than answered as two numbers."""
    named = sorted(((s, m) for m, s in d.spans.items()), key=lambda pair: pair[0].start)
    for (first, a), (second, b) in zip(named, named[1:]):
        if first is second:
            continue  # "logo churn rate and how many": two statistics of one term
        between = [s for s in d.reading.spans if first.end <= s.start < second.start]
        # "arr of at-risk accounts", "csat this year for enterprise accts in the red", "adoption by month since march,
        # accounts using it": said of those accounts, which this query cannot narrow to
        qualifying = all(s.kind is Kind.word and s.word is Word.having or s.kind is Kind.time or
                         s.kind is Kind.term and s.values() and not s.metrics() for s in between)
        flag = d.metric(b).counts or any(m.counts and m.quantity == d.metric(b).quantity for m in d.catalog.metrics.values()
                                         if d.metric(b).quantity)
        if qualifying and flag and not d.metric(a).counts and d.rows is None:
            d.unusable.append(f"{d.metric(a).label} of {d.metric(b).label.lower()}")
        theirs = any(s.kind is Kind.word and s.word is Word.those for s in between)
        if theirs and d.metric(a).counts and not d.metric(b).counts and d.rows is None:  # "… red, and their total arr"
            d.unusable.append(f"{d.metric(b).label} of {d.metric(a).label.lower()}")


def _statistic_words(d: Draft) -> None:
    """'average health', 'total MRR': the statistic the metric already is."""
    reading = d.reading
    asked = [d.metric(m) for m in d.metrics]
    for span in reading.grammar(Word.mean):
        if any(m.statistic is not None and m.statistic.value == "mean" for m in asked) or \
                any(m.measure is not None and m.measure.agg.value == "avg" for m in asked):
            d.use(span)
    for span in reading.grammar(Word.median):
        if any(m.statistic is not None and m.statistic.value == "median" for m in asked):
            d.use(span)
    for span in reading.grammar(Word.total):
        if all(m.unit in (Unit.count, Unit.currency) for m in asked) or d.tally:
            d.use(span)


# ---------------------------------------------------------------- the frame

def _frame(d: Draft) -> Frame:
    if d.why:
        return Frame.why
    if d.horizon is not None and any(m.horizon for m in map(d.metric, d.metrics)):
        return Frame.upcoming
    if d.tally:
        return Frame.tally
    if d.ranking is not None:
        return Frame.rank
    if d.rows is not None:
        return Frame.list
    if d.grain is not None or d.trend:
        return Frame.trend
    if d.compare is not None:
        return Frame.compare
    if d.dimensions:
        return Frame.breakdown
    return Frame.value


def _freeze(d: Draft) -> Interpretation:
    reading = d.reading
    unknown = tuple(s.text for s in reading.unknown() if not set(s.positions) & d.used)
    unused = tuple(s.text for s in reading.spans if s.kind is not Kind.unknown and not set(s.positions) & d.used)
    fuzzy = tuple(s.text for s in reading.spans if s.fuzzy and set(s.positions) & d.used)
    evidence = Evidence(unknown=unknown, unused=unused + tuple(d.unusable) + tuple(d.missing), fuzzy=fuzzy,
                        defaults=tuple(d.defaults), missing=tuple(d.missing))
    metrics = tuple(Asked(m, tuple(d.own.get(m, ())), m in d.shares) for m in d.metrics)
    return Interpretation(
        frame=_frame(d), metrics=metrics, rows=d.rows, dimensions=tuple(d.dimensions), filters=tuple(d.filters),
        thresholds=tuple(d.thresholds), ranking=d.ranking, period=d.period, grain=d.grain, compare=d.compare,
        compare_with=d.compare_with, horizon_days=(d.horizon.end - d.context.as_of).days if d.horizon else None,
        share=d.share, trend=d.trend, choose=d.choose, notes=tuple(dict.fromkeys([*d.notes, *reading.notes])),
        evidence=evidence)
