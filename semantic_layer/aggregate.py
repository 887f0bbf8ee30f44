"""One CTE per metric source: its rows placed in periods, joined to dimensions, aggregated.

Each metric contributes its measures (one column, or a numerator and a denominator for a
ratio) as conditional aggregates, so metrics with different row filters share one scan.
Joins go only from a table to the tables it references (many-to-one): never fan-out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlglot import exp

from data.contract import tables
from semantic_layer.fragments import bind, column_refs
from semantic_layer.joins import join_path
from semantic_layer.model import Aggregation, Dimension, Measure, Metric, Signal, Source, TimeMode
from semantic_layer.nodes import alias as as_, all_of, any_of, as_date, col, cross_join, from_, join, left_join, select
from semantic_layer.periods import SPINE, CalendarSpan
from semantic_layer.plan import Scan
from semantic_layer.query import DimensionFilter, FilterOp


def joins_to(root_table: str, root_alias: str, needed: list[str]) -> list[tuple[str, exp.Expression]]:
    """LEFT JOINs (table, condition) that reach every `needed` table from the root, many-to-one only."""
    joined, joins = {root_table}, []
    for table in needed:
        for fk in join_path(root_table, table) or ():
            if fk.ref_table in joined:
                continue
            left = root_alias if fk.table == root_table else fk.table
            joins.append((fk.ref_table, exp.EQ(this=col(fk.ref_column, fk.ref_table), expression=col(fk.column, left))))
            joined.add(fk.ref_table)
    return joins


def dimension_value(dimension: Dimension, table: str, alias: str) -> exp.Expression:
    """The dimension's value on rows of `table` (aliased `alias`): its own column there, or joined."""
    if table in dimension.alternates:
        return bind(dimension.alternates[table], alias)
    return bind(dimension.column, alias if table == dimension.table else dimension.table)


def dimension_table(dimension: Dimension, table: str) -> str | None:
    """The table a row of `table` must join to get the dimension (None if it has it itself)."""
    return None if table in dimension.alternates or table == dimension.table else dimension.table


COMPARISONS = {FilterOp.eq: exp.EQ, FilterOp.ne: exp.NEQ, FilterOp.lt: exp.LT, FilterOp.le: exp.LTE,
                FilterOp.gt: exp.GT, FilterOp.ge: exp.GTE}


def filter_condition(f: DimensionFilter, value: exp.Expression) -> exp.Expression:
    """`value` compared as the filter says."""
    literals = [exp.convert(v) for v in f.values]
    if f.op is FilterOp.in_:
        return value.isin(*literals, copy=False)
    if f.op is FilterOp.not_in:
        return exp.not_(value.isin(*literals, copy=False), copy=False)
    return COMPARISONS[f.op](this=value, expression=literals[0])


def _measure_sql(measure: Measure, where: str | None, alias: str, aliases: dict[str, str],
                 extra: exp.Expression | None = None) -> exp.Expression:
    conditions = [bind(text, alias, aliases) for text in (where, measure.filter) if text] + ([extra] if extra else [])
    value = bind(measure.expr, alias, aliases) if measure.expr else None
    if conditions:
        value = exp.case().when(all_of(*conditions), value or exp.Literal.number(1), copy=False)
    if measure.agg is Aggregation.count:
        return exp.Count(this=value or exp.Star())
    if measure.agg is Aggregation.count_distinct:
        return exp.Count(this=exp.Distinct(expressions=[value]))
    if measure.agg is Aggregation.median:
        return exp.WithinGroup(this=exp.PercentileCont(this=exp.Literal.number(0.5)),
                               expression=exp.Order(expressions=[exp.Ordered(this=value, nulls_first=False)]))
    function = {Aggregation.sum: exp.Sum, Aggregation.avg: exp.Avg, Aggregation.max: exp.Max, Aggregation.min: exp.Min}
    return function[measure.agg](this=value)


def _measures(metric: Metric) -> list[tuple[str, Measure]]:
    if metric.ratio:
        return [(f"{metric.name}__numerator", metric.ratio.numerator), (f"{metric.name}__denominator", metric.ratio.denominator)]
    return [(metric.name, metric.measure)]


def _as_date(text: str, source: Source, alias: str) -> exp.Expression:
    """The time fragment as a DATE (timestamps are cut to their day) on the source's aliases."""
    tree = bind(text, alias, {source.table: alias})
    refs = column_refs(text)
    if len(refs) == 1 and isinstance(tree, exp.Column):
        table, column = refs[0]
        if tables()[table or source.table].column(column).type.startswith("TIMESTAMP"):
            return as_date(tree)
    return tree


def _time_condition(source: Source, alias: str) -> exp.Expression:
    time = _as_date(source.time, source, alias)
    start, end = col("period_start", SPINE), col("period_end", SPINE)
    if source.mode is TimeMode.trailing_days:
        start = col(f"trailing_{source.days}_start", SPINE)
    if source.mode in (TimeMode.open_at_end, TimeMode.rollup):
        closed = _as_date(source.end_time, source, alias)
        still_open = any_of(exp.Is(this=closed.copy(), expression=exp.Null()), exp.GT(this=closed, expression=end.copy()))
        return all_of(exp.LTE(this=time, expression=end), exp.paren(still_open, copy=False))
    if source.mode is TimeMode.after_end and source.end_time:
        # still to come and still undecided on the period's last day (a term renewed early is not coming up)
        decided = _as_date(source.end_time, source, alias)
        undecided = any_of(exp.Is(this=decided.copy(), expression=exp.Null()), exp.GT(this=decided, expression=end.copy()))
        return all_of(exp.GT(this=time, expression=end), exp.paren(undecided, copy=False))
    if source.mode is TimeMode.after_end:
        return exp.GT(this=time, expression=end)
    if source.mode is TimeMode.by_end:
        return exp.LTE(this=time, expression=end)
    return exp.Between(this=time, low=start, high=end)


def _movement_ctes(source: Source, name: str) -> list[tuple[str, exp.Select]]:
    """Per period and key: the value in the base month and in the end month (0 when absent)."""
    table = source.table
    month, value = bind(source.time, table), bind(source.value, table)

    def value_in(spine_column: str) -> exp.Expression:
        case = exp.case().when(exp.EQ(this=month.copy(), expression=col(spine_column, SPINE)), value.copy(), copy=False)
        return exp.Sum(this=case.else_(exp.Literal.number(0), copy=False))

    in_base_or_end = any_of(*[exp.EQ(this=month.copy(), expression=col(c, SPINE)) for c in ("base_month", "end_month")])
    statement = select(col("period_start", SPINE), as_(bind(source.key, table), source.key),
                       as_(value_in("base_month"), f"base_{source.value}"), as_(value_in("end_month"), f"end_{source.value}"))
    statement = join(from_(statement, SPINE), table, in_base_or_end)
    statement = statement.group_by(col("period_start", SPINE), bind(source.key, table), copy=False)
    statement.add_comments([f" {name}: each {source.key}'s {source.value} in the base month and in the end month "])
    return [(name, statement)]


@dataclass(frozen=True)
class Each:
    """How a scan reads a rollup's `each` dimension: split by it (rows per key and value) and/or filtered by it."""

    dimension: Dimension
    split: bool
    filters: tuple[DimensionFilter, ...]

    def carried_by(self, signal: Signal) -> bool:
        """Whether the signal's rows hold the dimension, and so are read per value or filtered by it."""
        return signal.table == self.dimension.table or signal.table in self.dimension.alternates

    def per_key(self, scan: Scan, shared: str) -> str:
        """The name of the per-key CTE: per value when split; the scan's own when its filters keep signal rows."""
        name = scan.name + shared.removeprefix(scan.source.name) if self.filters else shared
        return f"{name}_and_{self.dimension.name}" if self.split else name


def _each(scan: Scan) -> Each | None:
    """The scan's reading of its rollup's `each` dimension; None when the source has none or the scan ignores it."""
    dimension = scan.each
    if dimension is None:
        return None
    split = any(d.name == dimension.name for d in scan.dimensions)
    filters = tuple(f for f, d in scan.filters if d.name == dimension.name)
    return Each(dimension, split, filters) if split or filters else None


def _signal_ctes(source: Source, signal: Signal, prefix: str, each: Each | None = None) -> list[tuple[str, exp.Select]]:
    """A signal's per-key values per period (first, with `per`, its values per key and `per`), named `prefix__signal`.

    A signal carrying the rollup's `each` dimension keeps the rows its filters allow, and when split is per key and value.
    """
    table, name = signal.table, f"{prefix}__{signal.name}"
    placed = Source(name=signal.name, description=signal.description, table=table, time=signal.time, days=signal.days,
                    mode=TimeMode.trailing_days if signal.days else TimeMode.within)
    carried = each is not None and each.carried_by(signal)
    keys = [col(k, table) for k in (source.key, *([signal.per] if signal.per else []))]
    value = dimension_value(each.dimension, table, table) if carried else None
    by_value = [as_(value.copy(), each.dimension.name)] if carried and each.split else []
    first = join(from_(select(col("period_start", SPINE), *keys, *by_value), table), SPINE, _time_condition(placed, table))
    first = first.group_by(col("period_start", SPINE), *[k.copy() for k in keys], *[v.this.copy() for v in by_value],
                           copy=False)
    for f in each.filters if carried else ():
        first = first.where(filter_condition(f, value.copy()), copy=False)
    per = f"per {source.key}" + (f" and {each.dimension.name}" if by_value else "")
    if not signal.per:
        first = first.select(*[as_(_measure_sql(m, None, table, {}), c) for c, m in signal.columns.items()], copy=False)
        first.add_comments([f" {name}: {signal.description.lower()}, {per} "])
        return [(name, first)]
    inner = f"{name}__per_{signal.per.removesuffix('_id')}"
    first = first.select(*[as_(_measure_sql(m, None, table, {}), c) for c, m in signal.inner.items()], copy=False)
    first.add_comments([f" {inner}: {per} and {signal.per}, {', '.join(signal.inner)} "])
    outer = [col(source.key, inner), *([col(each.dimension.name, inner)] if by_value else [])]
    second = select(col("period_start", inner), *outer,
                    *[as_(_measure_sql(m, None, inner, {}), c) for c, m in signal.columns.items()])
    second = from_(second, inner).group_by(col("period_start", inner), *[c.copy() for c in outer], copy=False)
    second.add_comments([f" {name}: {signal.description.lower()}, {per} "])
    return [(inner, first), (name, second)]


def _rows_in_periods(source: Source) -> exp.Select:
    """Every column of the source's table, per period its rows are placed in (a keyed CTE's first step)."""
    table = source.table
    statement = select(col("period_start", SPINE), *[col(c, table) for c in tables()[table].column_names])
    return join(from_(statement, table), SPINE, _time_condition(source, table))


def _next_open_ctes(source: Source, name: str) -> list[tuple[str, exp.Select]]:
    """Per period, each key's next row still open on the period's last day: the earliest by its time."""
    table = source.table
    first = exp.Window(this=exp.RowNumber(), partition_by=[col("period_start", SPINE), col(source.key, table)],
                       order=exp.Order(expressions=[exp.Ordered(this=bind(source.time, table))]))
    statement = _rows_in_periods(source).qualify(exp.EQ(this=first, expression=exp.Literal.number(1)), copy=False)
    statement.add_comments([f" {name}: {source.description.lower()}, the next one per {source.key.removesuffix('_id')} "])
    return [(name, statement)]


def _rollup_ctes(source: Source, name: str, each: Each | None = None) -> list[tuple[str, exp.Select]]:
    """The signals' CTEs, then one row per key open at the period's end: its table's columns and its signals.

    Split by the `each` dimension, a row is per key and each value its table holds (the filters on it allowed):
    an account with no ticket of a category has a row for it, with no ticket signal.
    """
    prefix = source.name if each is None else name
    ctes = [c for signal in source.signals for c in _signal_ctes(source, signal, prefix, each)]
    table = source.table
    rows = _rows_in_periods(source)
    if each is not None and each.split:
        dimension, values = each.dimension, f"{each.dimension.name}_values"
        value = dimension_value(dimension, dimension.table, dimension.table)
        listed = from_(select(as_(value.copy(), dimension.name)).distinct(copy=False), dimension.table)
        for f in each.filters:
            listed = listed.where(filter_condition(f, value.copy()), copy=False)
        rows = cross_join(rows, listed.subquery(values, copy=False)).select(col(dimension.name, values), copy=False)
    for signal in source.signals:
        signal_cte = f"{prefix}__{signal.name}"
        on = [exp.EQ(this=col("period_start", signal_cte), expression=col("period_start", SPINE)),
              exp.EQ(this=col(source.key, signal_cte), expression=col(source.key, table))]
        if each is not None and each.split and each.carried_by(signal):
            name_of = each.dimension.name
            on.append(exp.EQ(this=col(name_of, signal_cte), expression=col(name_of, f"{name_of}_values")))
        rows = left_join(rows, signal_cte, all_of(*on)).select(*[col(c, signal_cte) for c in signal.columns], copy=False)
    rows.add_comments([f" {name}: {source.description.lower()}" + (f", per {each.dimension.label.lower()}"
                                                                    if each is not None and each.split else "") + " "])
    return [*ctes, (name, rows)]


def _threshold_condition(metric: Metric, dimension: Dimension, source: Source, alias: str) -> exp.Expression:
    """True for rows meeting the threshold of their dimension value (`otherwise` for values not listed)."""
    value = dimension_value(dimension, source.table, alias)
    aliases = {source.table: alias}
    thresholds = metric.thresholds
    cases = [all_of(exp.EQ(this=value.copy(), expression=exp.convert(v)), exp.paren(bind(c, alias, aliases), copy=False))
             for v, c in thresholds.values.items()]
    if thresholds.otherwise:
        unlisted = any_of(exp.Is(this=value.copy(), expression=exp.Null()),
                          exp.not_(value.copy().isin(*[exp.convert(v) for v in thresholds.values], copy=False), copy=False))
        cases.append(all_of(exp.paren(unlisted, copy=False),
                            exp.paren(bind(thresholds.otherwise, alias, aliases), copy=False)))
    return exp.paren(any_of(*[exp.paren(c, copy=False) for c in cases]), copy=False)


def _uses_spine(metrics: tuple[Metric, ...]) -> bool:
    """Whether any of the metrics' fragments reads a column of the period spine."""
    texts = [t for metric in metrics for t in (metric.where, *[x for _, m in _measures(metric) for x in (m.expr, m.filter)])]
    texts += [t for metric in metrics if metric.thresholds
              for t in (*metric.thresholds.values.values(), metric.thresholds.otherwise)]
    return any(table == SPINE for text in texts if text for table, _ in column_refs(text))


def _counts_distinct(metrics: tuple[Metric, ...]) -> bool:
    """Whether a measure counts distinct values: measured slower grouped by a truncated date than joined to the
    spine on DuckDB (feature and daily-activity accounts, 1.2-1.8x on the large warehouse), so those keep the join."""
    return any(m.agg is Aggregation.count_distinct for metric in metrics for _, m in _measures(metric))


def _calendar_period(scan: Scan, span: CalendarSpan | None, alias: str) -> tuple[exp.Expression, exp.Expression] | None:
    """For a `within` source over whole calendar periods: (its time truncated to the grain, the span's bounds on the
    raw time) — each row lands in exactly one period, so the rows need no join to the spine. None otherwise.

    The bounds compare the raw column with literals (no CAST per row), which lets DuckDB skip row groups by their
    zone maps; `time < end + 1 day` keeps every instant of the last day, as `CAST(time AS DATE) <= end` does."""
    source = scan.source
    if span is None or source.mode is not TimeMode.within or _uses_spine(scan.metrics) or _counts_distinct(scan.metrics):
        return None
    time = bind(source.time, alias, {source.table: alias})
    if not isinstance(time, exp.Column):
        return None
    truncated = as_date(exp.DateTrunc(this=time, unit=exp.var(span.grain.value.upper())))
    after = exp.GTE(this=time.copy(), expression=as_date(exp.Literal.string(span.start.isoformat())))
    before = exp.LT(this=time.copy(), expression=as_date(exp.Literal.string((span.end + timedelta(days=1)).isoformat())))
    return truncated, all_of(after, before)


def _other_tables(texts: list[str | None], source: Source) -> list[str]:
    """Tables other than the source's own (and the spine) that the fragments use."""
    return [t for text in texts if text for t, _ in column_refs(text) if t not in (None, SPINE, source.table)]


def source_ctes(scan: Scan, span: CalendarSpan | None = None) -> list[tuple[str, exp.Select]]:
    """The scan's CTE (and first, for a movement or rollup source, the per-key CTEs it reads), named.

    `span`: the reported periods when they are contiguous whole calendar units (and nothing is compared): a `within`
    source then groups its rows by their truncated time, without a join to the spine (see `_calendar_period`)."""
    source, metrics = scan.source, scan.metrics
    ctes = []
    thresholds = scan.threshold_dimensions
    each = _each(scan)
    own = [d for d in (*scan.dimensions, *[d for _, d in scan.filters]) if each is None or d.name != each.dimension.name]
    needed = [dimension_table(d, source.table) for d in (*own, *thresholds.values())]
    for metric in metrics:
        needed += _other_tables([metric.where, *[t for _, m in _measures(metric) for t in (m.expr, m.filter)]], source)
    next_open = source.mode is TimeMode.after_end and source.end_time is not None
    keyed = source.mode in (TimeMode.movement, TimeMode.rollup) or next_open
    if keyed:
        alias = f"{source.name}_by_{source.key.removesuffix('_id')}"  # shared by the source's scans
        alias = each.per_key(scan, alias) if each is not None else alias
        build = _movement_ctes if source.mode is TimeMode.movement else _next_open_ctes if next_open else _rollup_ctes
        ctes += build(source, alias, each) if each is not None else build(source, alias)
        period = col("period_start", alias)
    else:
        alias = source.table
        period = col("period_start", SPINE)
        needed += _other_tables([source.time, source.end_time], source)
    calendar = None if keyed else _calendar_period(scan, span, alias)
    if calendar is not None:
        period = calendar[0]
    statement = from_(select(as_(period.copy(), "period_start") if calendar else period.copy()), alias)
    for table, on in joins_to(source.table, alias, [t for t in dict.fromkeys(needed) if t]):
        statement = left_join(statement, table, on)
    if calendar is not None:
        statement = statement.where(calendar[1], copy=False)
    elif not keyed:
        # joined last, so that a time column of a joined table (accounts.contract_start) is in scope
        statement = join(statement, SPINE, _time_condition(source, alias))
    elif next_open:  # its measures count days from the period's last day
        statement = join(statement, SPINE, exp.EQ(this=col("period_start", SPINE), expression=period.copy()))
    aliases = {source.table: alias}
    dimensions = [as_(col(d.name, alias) if each is not None and d.name == each.dimension.name
                      else dimension_value(d, source.table, alias), d.name) for d in scan.dimensions]
    statement = statement.select(*dimensions, copy=False)
    for metric in metrics:
        # a threshold limits what is counted: the measure, or a ratio's numerator (its first measure)
        counted = _threshold_condition(metric, thresholds[metric.name], source, alias) if metric.thresholds else None
        statement = statement.select(*[as_(_measure_sql(m, metric.where, alias, aliases, counted if i == 0 else None), name)
                                       for i, (name, m) in enumerate(_measures(metric))], copy=False)
    for f, dimension in scan.filters:
        if each is None or dimension.name != each.dimension.name:  # those keep the signal's rows, done in its CTE
            statement = statement.where(filter_condition(f, dimension_value(dimension, source.table, alias)), copy=False)
    statement = statement.group_by(period, *[d.this.copy() for d in dimensions], copy=False)
    statement.add_comments([f" {scan.name}: {', '.join(m.name for m in metrics)} "])
    ctes.append((scan.name, statement))
    return ctes
