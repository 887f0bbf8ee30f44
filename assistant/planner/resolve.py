"""Interpretation → SemanticQuery, checked against catalogue metadata (never against display labels).

Pure. Fills what the question left open from the catalogue (a metric's default window, a
countdown's evidence, the current customers of an account list) and refuses what the data
cannot answer: a period before the data starts, a grouping no asked metric can take.
"""

from __future__ import annotations

from datetime import date, timedelta

from assistant.planner.interpretation import Frame, Interpretation, ValueFilter
from assistant.planner.plan import PlannerContext
from assistant.planner.window import default_period, fit_to_sources, leaves, per_grain, trend_grain
from semantic_layer.catalog import Catalog
from semantic_layer.model import Direction, Metric, TimeGrain, TimeMode
from semantic_layer.periods import Period, add_months, month_label, month_start, week_start
from semantic_layer.query import (
    Comparison, DimensionFilter, FilterOp, MetricColumn, MetricFilter, MetricRef, OrderBy, SemanticQuery, Tally,
)


class NotInData(ValueError):
    """The question is understood but the data cannot answer it (a period before the data starts)."""


def resolve(interpretation: Interpretation, context: PlannerContext) -> SemanticQuery:
    """The semantic query of an interpretation; NotInData or ValueError when there is none."""
    catalog = context.catalog
    i = interpretation
    metrics = [catalog.metrics[a.metric] for a in i.metrics]
    refs, aliases = _refs(i)
    refs += _verdict_shares(i, metrics, catalog)
    dimensions = tuple(dict.fromkeys([*([i.rows] if i.rows else []), *i.dimensions]))
    filters = [_dimension_filter(f) for f in i.filters]
    filters += _listed_as(i, catalog, metrics, {f.dimension for f in filters})
    grain, compare, period = _time(i, metrics, catalog, context.as_of)
    period = _whole_history(i, metrics, context) or period
    _check_data_starts(period, compare, i, metrics, catalog, context)
    thresholds = [MetricFilter(metric=aliases.get(t.metric, t.metric), op=t.op, value=t.value, column=t.column)
                  for t in i.thresholds]
    order, limit = _order(i, metrics, aliases, catalog)
    leading, limit = _leading(i, limit, catalog)
    tally = Tally(by=tuple(d for d in dimensions if d != i.rows), share=i.share) if i.frame is Frame.tally else None
    if tally is not None:
        order, limit = (), None
    if compare is None and any(t.column is not MetricColumn.value for t in thresholds) or \
            compare is None and any(o.column is not MetricColumn.value for o in order):
        compare = Comparison.previous_period
    return SemanticQuery(metrics=tuple(refs), time_range=period, grain=grain, dimensions=dimensions,
                         filters=tuple(filters), metric_filters=tuple(thresholds), compare=compare,
                         compare_with=i.compare_with if compare is Comparison.other_period else None,
                         order_by=tuple(order), limit=limit, leading=leading, tally=tally)


def _verdict_shares(i: Interpretation, metrics: list[Metric], catalog: Catalog) -> list[str]:
    """The shares that decide a distribution's band (time to value: over 30/60/90 days), shown beside it: a verdict
    is read off them, so the answer carries them; not for a list of entities, where each row is one account."""
    if i.rows is not None or i.frame is Frame.tally:
        return []
    asked = set(i.metric_names)
    shares = [s for m in metrics for s in m.band_shares if s not in asked and s in catalog.metrics]
    return list(dict.fromkeys(shares))


RANKED_ACCOUNTS = 10  # "which account has the highest ARR": the first, then the next nine for context


def _leading(i: Interpretation, limit: int | None, catalog: Catalog) -> tuple[int | None, int | None]:
    """'Which CSM's book moved most': the one row answers, and the whole ranking (of accounts, the first ten) shows how
    far ahead it is; (leading rows, query limit)."""
    ranked = [i.rows] if i.rows is not None and not i.dimensions else list(i.dimensions) if i.rows is None else []
    if limit != 1 or len(ranked) != 1 or i.grain is not None or i.frame is Frame.tally:
        return None, limit
    account = catalog.entity_dimension("account")
    return 1, RANKED_ACCOUNTS if account is not None and ranked[0] == account.name else None


def _dimension_filter(f: ValueFilter) -> DimensionFilter:
    if f.negated:
        return DimensionFilter(dimension=f.dimension, op=FilterOp.not_in, values=f.values)
    return DimensionFilter(dimension=f.dimension, op=FilterOp.eq if len(f.values) == 1 else FilterOp.in_, values=f.values)


def _refs(i: Interpretation) -> tuple[list, dict[str, str]]:
    """The query's metrics, those with filters of their own as MetricRefs; and each such metric's alias."""
    refs, aliases = [], {}
    for asked in i.metrics:
        if not asked.filters:
            refs.append(asked.metric)
            continue
        words = [str(v).lower() for f in asked.filters for v in f.values] + (["share"] if asked.share else [])
        alias = "__".join([asked.metric, "_".join("".join(c if c.isalnum() else "_" for c in w).strip("_") for w in words)])
        aliases[asked.metric] = alias[:60].rstrip("_")
        refs.append(MetricRef(name=asked.metric, alias=aliases[asked.metric], share=asked.share,
                              filters=tuple(_dimension_filter(f) for f in asked.filters)))
    return refs, aliases


def _listed_as(i: Interpretation, catalog: Catalog, metrics: list[Metric], filtered: set[str]) -> list[DimensionFilter]:
    """An account list keeps current customers (the dimension's declared filter), unless a metric is about former ones."""
    if i.rows is None:
        return []
    listed = catalog.dimensions[i.rows].listed_as
    if listed is None or listed.dimension in filtered or any(m.former for m in metrics):
        return []
    if not all(listed.dimension in m.dimensions for m in metrics):
        return []
    return [DimensionFilter(dimension=listed.dimension, values=(listed.value,))]


def _time(i: Interpretation, metrics: list[Metric], catalog: Catalog, as_of: date):
    grain, compare = i.grain, i.compare
    if i.compare_with is not None:
        compare = Comparison.other_period
    if i.trend and grain is None:
        if i.rows is not None:
            compare = compare or Comparison.previous_period  # a list's "trend": each account against before
        else:
            grain = trend_grain(metrics)
    if compare is Comparison.other_period:
        grain = None
    period = fit_to_sources(i.period or default_period(metrics, grain, as_of), metrics, catalog)
    if grain is TimeGrain.week and period.start != week_start(period.start):
        aligned = week_start(period.start) + timedelta(days=7)
        period = Period(aligned, period.end) if aligned <= period.end else period  # "the last 8 weeks": 8 whole weeks
    grain = grain or per_grain(period, metrics)
    return grain, compare, period


def _whole_history(i: Interpretation, metrics: list[Metric], context: PlannerContext) -> Period | None:
    """'how many days did Acme take to reach first value': with no period said, a named account's own milestone,
    whenever its contract started, not the latest quarter's cohort (which it is most likely not in)."""
    catalog = context.catalog
    account = catalog.entity_dimension("account")
    if i.period is not None or i.grain is not None or i.trend or account is None or \
            not any(f.dimension == account.name and not f.negated for f in i.filters):
        return None
    sources = [catalog.sources[m.source] for m in leaves(metrics, catalog) if m.source]
    if not sources or not all(s.once_per_account for s in sources):
        return None
    if not all(s.name in context.data_ranges for s in sources):
        return None
    return Period(min(context.data_ranges[s.name][0] for s in sources), context.as_of)


def _check_data_starts(period: Period, compare, i: Interpretation, metrics: list[Metric], catalog: Catalog,
                       context: PlannerContext) -> None:
    """A period the data does not reach: before a source's first rows (or, for revenue movements, its base month
    before them), or after its last; say how far the data goes instead of answering 'no value'."""
    periods = [period] + ([i.compare_with] if i.compare_with is not None else [])
    for metric in leaves(metrics, catalog):
        span = context.data_ranges.get(metric.source or "")
        if span is None:
            continue
        first, last = span
        source = catalog.sources[metric.source]
        movement = source.mode is TimeMode.movement
        for asked in periods:
            needed = add_months(asked.start, -1) if movement else asked.start
            if asked.end < first or (movement and needed < month_start(first)):
                raise NotInData(f"the data starts in {month_label(first)}, so {asked.label()} cannot be answered"
                                + (" (its revenue movements compare with the month before it)" if movement else ""))
            reads_from = asked.trailing_start(source.days) if source.mode is TimeMode.trailing_days else asked.start
            if reads_from > last:  # "health today" reads the last 7 days: the week that started this week
                raise NotInData(f"the data runs to {last.isoformat()}, so {asked.label()} is not in it yet")


def _order(i: Interpretation, metrics: list[Metric], aliases: dict[str, str], catalog: Catalog):
    """The ranking asked for; else a list kept by a threshold comes furthest past it first, a flag list by its evidence."""
    if i.ranking is not None:
        r = i.ranking
        return [OrderBy(field=aliases.get(r.metric, r.metric), column=r.column, descending=r.descending)], r.limit
    if i.rows is None or not i.thresholds:
        return [], None
    flags = [t for t in i.thresholds if t.op is FilterOp.gt and t.value == 0 and catalog.metrics[t.metric].counts]
    others = [t for t in i.thresholds if t not in flags]
    if others:
        first = others[0]
        return [OrderBy(field=aliases.get(first.metric, first.metric), column=first.column,
                        descending=first.op in (FilterOp.gt, FilterOp.ge))], None
    flag = catalog.metrics[flags[0].metric]
    evidence = [m for m in metrics if m.name != flag.name and not m.counts]
    if not evidence:
        return [], None
    picks_trouble = flag.direction is Direction.lower_is_better
    worst_first = evidence[0].direction is Direction.lower_is_better
    return [OrderBy(field=evidence[0].name, descending=worst_first if picks_trouble else not worst_first)], None
