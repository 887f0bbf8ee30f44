"""Compile a SemanticQuery into one readable SQL statement, built as a sqlglot tree.

The statement is a chain of CTEs:
  periods   one row per period (computed here, in Python): its first and last day, base
            and end month, and the period it is compared with;
  <source>  one per metric source, aggregating that source's rows per period and
            dimension values (a comment names its metrics; built in aggregate.py);
  grid      the rows of the answer: every reported period × every value of the requested
            dimensions, so that an empty period is a row, not a gap;
  results   the grid joined to each source; ratios are divided here, from sums at the
            requested grain, never averaged from finer ratios.
The final SELECT adds changes against the comparison period, metric filters, order and limit,
and last, hidden from `columns`, the sample size of each rate over counted things (see `samples`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlglot import exp

from data.contract import tables
from semantic_layer.aggregate import COMPARISONS, dimension_table, dimension_value, filter_condition, joins_to, source_ctes
from semantic_layer.budget import check_size
from semantic_layer.catalog import Catalog, default_catalog
from semantic_layer.explain import explain
from semantic_layer.fragments import parse_fragment
from semantic_layer.joins import join_path
from semantic_layer.model import Aggregation, Dimension, Empty, Metric, TimeMode, Unit
from semantic_layer.nodes import alias, all_of, as_date, col, cross_join, from_, left_join, select, table, with_ctes
from semantic_layer.periods import SPINE, calendar_span
from semantic_layer.plan import PERIOD_COLUMNS, Plan, plan_query, scan_name
from semantic_layer.query import MetricColumn, SemanticQuery

GRID = "grid"
RESULTS = "results"
QUALIFYING = "qualifying"
PREVIOUS = "__previous"
SAMPLE = "__sample"  # suffix of a hidden sample-size column: `nps__sample`
WIDTH = 160  # one period per line in the spine, one CASE per line in an aggregate
DIALECTS = ("duckdb", "snowflake", "bigquery", "postgres", "spark", "trino")


@dataclass(frozen=True)
class CompiledQuery:
    """The SQL for a query, its visible output columns, and a plain-English account of it.

    `samples` pairs each counted rate's output name with the hidden column, after `columns` in the
    tree's SELECT, that holds its smallest denominator; `split_samples` takes them off a result.
    The tree is not to be changed once compiled: its SQL is rendered once per dialect and kept.
    """

    plan: Plan
    tree: exp.Select
    columns: tuple[str, ...]
    explanation: str
    samples: tuple[tuple[str, str], ...] = ()
    _rendered: dict[tuple[str, bool], str] = field(default_factory=dict, init=False, repr=False, compare=False)

    def sql(self, dialect: str = "duckdb", pretty: bool = True) -> str:
        """The statement in `dialect` (one of DIALECTS), pretty-printed by default; rendered once per instance."""
        if dialect not in DIALECTS:
            raise ValueError(f"unknown dialect {dialect!r}; choose one of {', '.join(DIALECTS)}")
        key = (dialect, pretty)
        if key not in self._rendered:
            self._rendered[key] = render_sql(self.tree, dialect, pretty)
        return self._rendered[key]


# Nodes DuckDB's generator rewrites in place while rendering (a median's WITHIN GROUP becomes QUANTILE_CONT(x, 0.5
# ORDER BY x)): a tree holding one is rendered from a copy. tests/semantic_layer/test_semantic_render.py checks that
# rendering every other compiled shape leaves the tree as it was.
_REWRITTEN_BY_DUCKDB = (exp.WithinGroup,)


def render_sql(tree: exp.Expression, dialect: str = "duckdb", pretty: bool = True) -> str:
    """`tree` as SQL text in `dialect`, the tree unchanged. sqlglot renders from a deep copy of the whole tree
    (~2 ms for a compiled query, more than compiling it); in DuckDB a tree without a node its generator rewrites
    is rendered as it is."""
    in_place = dialect == "duckdb" and tree.find(*_REWRITTEN_BY_DUCKDB) is None
    return tree.sql(dialect=dialect, pretty=pretty, max_text_width=WIDTH, copy=not in_place)


def counted_denominator(metric: Metric) -> bool:
    """Whether the metric is a rate over counted things (responses, tickets, accounts), so its sample can be small."""
    return metric.ratio is not None and metric.ratio.denominator.agg in (Aggregation.count, Aggregation.count_distinct)


def split_samples(compiled: CompiledQuery, columns: Sequence[str], rows: Sequence[Sequence]
                  ) -> tuple[list[str], list[tuple], dict[str, object]]:
    """A result of `compiled` without its hidden sample columns, and each counted rate's smallest denominator
    (output name → value; none when there are no rows). Columns and rows without them pass through unchanged."""
    hidden = {column: output for output, column in compiled.samples}
    keep = [i for i, c in enumerate(columns) if c not in hidden]
    smallest = {hidden[c]: rows[0][i] for i, c in enumerate(columns) if c in hidden and rows}
    return [columns[i] for i in keep], [tuple(row[i] for i in keep) for row in rows], smallest


def compile_query(query: SemanticQuery, catalog: Catalog | None = None,
                  known_groups: Mapping[str, int] | None = None,
                  known_values: Mapping[str, Sequence[str]] | None = None) -> CompiledQuery:
    """Compile `query` against `catalog` (the project catalogue by default); QueryTooLarge, before anything is
    built, when it is over the size budget (`known_groups`: how many values each dimension has, when known).

    `known_values` maps a dimension to every value its own table holds, as the viewer sees that table: a breakdown
    by it lists them in the SQL instead of reading them with a SELECT DISTINCT (see `_known_list`)."""
    check_size(query, known_groups)
    catalog = catalog or default_catalog()
    plan = plan_query(query, catalog)
    ctes: dict[str, exp.Select] = {SPINE: _spine(plan)}
    span = None if query.compare else calendar_span([row.period for row in plan.spine])
    for scan in plan.scans:
        for name, body in source_ctes(scan, span):
            ctes.setdefault(name, body)  # scans of one movement source share its per-key CTE
    ctes[GRID] = _grid(plan, known_values or {})
    ctes[RESULTS] = _results(plan)
    final, columns = _final(plan)
    explanation = explain(plan)
    samples: tuple[tuple[str, str], ...] = ()
    if query.tally is not None:  # a tally shows counts of rows, none of them a rate with a denominator
        ctes[QUALIFYING] = _unordered(final)
        plan, final, columns = tallied(plan)
        explanation += " " + tally_explanation(plan)
    else:
        final, samples = _with_samples(plan, final)
    return CompiledQuery(plan, with_ctes(final, ctes), columns, explanation, samples)


def _with_samples(plan: Plan, final: exp.Select) -> tuple[exp.Select, tuple[tuple[str, str], ...]]:
    """`final` with a last column per counted rate: the smallest denominator in its scan, over every period and group
    the scan computed (a scalar subquery, the same on every row), and the (output, column) pairs."""
    dimensions = tuple(d.name for d in plan.dimensions)
    samples = []
    for output in plan.outputs:
        if not counted_denominator(output.metric):
            continue
        scan = plan.scan_of(output.metric, output.scope, dimensions)
        smallest = from_(select(exp.Min(this=col(f"{output.metric.name}__denominator", scan))), scan)
        final = final.select(alias(exp.Subquery(this=smallest), output.name + SAMPLE), copy=False)
        samples.append((output.name, output.name + SAMPLE))
    return final, tuple(samples)


def _unordered(statement: exp.Select) -> exp.Select:
    """The statement without its ORDER BY and LIMIT (the qualifying rows of a tally)."""
    statement.set("order", None)
    statement.set("limit", None)
    return statement


def _date(day: date | None) -> exp.Expression:
    return as_date(exp.Null() if day is None else exp.Literal.string(day.isoformat()))


def _trailing_days(plan: Plan) -> list[int]:
    """The window lengths the spine must offer: trailing sources' and rollup signals'."""
    windows = {s.days for s in plan.sources.values() if s.mode is TimeMode.trailing_days}
    return sorted(windows | {g.days for s in plan.sources.values() for g in s.signals if g.days})


def _spine(plan: Plan) -> exp.Select:
    trailing = _trailing_days(plan)
    names = ["period_start", "period_end", "period_days", "base_month", "end_month"]
    names += [f"trailing_{n}_start" for n in trailing]
    names += ["reported", "compare_start"] if plan.query.compare else []
    rows = []
    for row in plan.spine:
        p = row.period
        values = [_date(p.start), _date(p.end), exp.Literal.number(p.days), _date(p.base_month), _date(p.end_month)]
        values += [_date(p.trailing_start(n)) for n in trailing]
        if plan.query.compare:
            values += [exp.Boolean(this=row.reported), _date(row.compare_to and row.compare_to.start)]
        rows.append(exp.Tuple(expressions=values))
    spine_alias = exp.TableAlias(this=exp.to_identifier(SPINE), columns=[exp.to_identifier(n) for n in names])
    spine = from_(select(exp.Star()), exp.Values(expressions=rows, alias=spine_alias))
    spine.add_comments([" one row per period; base month = the month before the period, end month = its last month "])
    return spine


def _identifies_rows(dimension: Dimension) -> bool:
    """Whether the dimension's column is a key of its table (account_name: one account per name)."""
    table = tables()[dimension.table]
    return dimension.column in (table.primary_key, *table.unique)


def _dimension_groups(plan: Plan) -> list[tuple[str, list[Dimension]]]:
    """Requested dimensions in groups whose value combinations are listed together.

    An entity's attributes go with the entity (account_name with its segment and CSM: only
    the real pairs); other dimensions of one table go together (segment and plan: the pairs
    the accounts hold); independent dimensions (segment and feature) form groups of their own,
    crossed so that combinations without data still get a row.
    """
    groups: list[tuple[str, list[Dimension]]] = []
    grouped: set[str] = set()
    for entity in [d for d in plan.dimensions if _identifies_rows(d)]:
        if entity.name in grouped:
            continue
        members = [d for d in plan.dimensions if d.name not in grouped and join_path(entity.table, d.table) is not None]
        groups.append((entity.table, members))
        grouped |= {d.name for d in members}
    by_table: dict[str, list] = {}
    for d in plan.dimensions:  # segment and plan: the pairs their one table holds, one subquery per table
        if d.name not in grouped:
            by_table.setdefault(d.table, []).append(d)
    tables = [table for table, _ in groups]
    for table, members in by_table.items():
        if table in tables:  # an entity's group of that table already exists: it takes them too
            groups[tables.index(table)][1].extend(members)
        else:
            groups.append((table, members))
    return groups


def _known_list(plan: Plan, root: str, members: list[Dimension], known: Mapping[str, Sequence[str]]
                ) -> exp.Select | None:
    """A group's values listed in the SQL, when the caller knows them and they are the same rows the group's
    SELECT DISTINCT would read: one dimension, a category rather than an entity's names (those are many, and a
    viewer's book scopes them), a text column of its own table that is never NULL, and no filter on that table but
    on the dimension itself (applied to the list)."""
    if len(members) != 1 or not known.get(members[0].name) or members[0].entity is not None:
        return None  # an empty list would be no VALUES at all: read them
    dimension = members[0]
    column = next((c for c in tables()[root].columns if c.name == dimension.column), None)
    if root != dimension.table or column is None or column.nullable or column.type != "VARCHAR":
        return None
    filters = [(f, d) for f, d in plan.filters if join_path(root, d.table) is not None]
    if any(d.name != dimension.name for _, d in filters):
        return None
    name, listed = dimension.name, f"known_{dimension.name}"
    rows = [exp.Tuple(expressions=[exp.Literal.string(v)]) for v in sorted(known[name])]
    values = from_(select(col(name, listed)), exp.Values(expressions=rows, alias=exp.TableAlias(
        this=exp.to_identifier(listed), columns=[exp.to_identifier(name)])))
    for f, _ in filters:
        values = values.where(filter_condition(f, col(name, listed)), copy=False)
    return values


def _distinct_values(plan: Plan, root: str, members: list[Dimension]) -> exp.Select:
    """A group's value combinations as `root` holds them (joined to its dimensions' tables), under the filters."""
    values = from_(select(*[alias(dimension_value(d, root, root), d.name) for d in members]).distinct(copy=False), root)
    filters = [(f, d) for f, d in plan.filters if join_path(root, d.table) is not None]
    needed = [dimension_table(d, root) for d in (*members, *[d for _, d in filters])]
    for joined, on in joins_to(root, root, [t for t in needed if t]):
        values = left_join(values, joined, on)
    for f, d in filters:
        values = values.where(filter_condition(f, dimension_value(d, root, root)), copy=False)
    return values


def _catalogue_values(plan: Plan, known: Mapping[str, Sequence[str]]) -> exp.Select:
    """Every combination of the requested dimensions' values as their own tables hold them."""
    combined = None
    for root, members in _dimension_groups(plan):
        values = _known_list(plan, root, members, known)
        subquery = (values if values is not None else _distinct_values(plan, root, members)).subquery(
            f"{root}_values", copy=False)
        combined = from_(select(), subquery) if combined is None else cross_join(combined, subquery)
        combined = combined.select(*[col(d.name, f"{root}_values") for d in members], copy=False)
    return combined


def _grid(plan: Plan, known: Mapping[str, Sequence[str]]) -> exp.Select:
    """Reported periods × dimension values: those the tables hold, plus those the sources found.

    A dimension that is not `listed` (a signup cohort) takes only the values the sources found.

    The sources' own values add what the dimension tables cannot list, such as accounts
    without a CSM (NULL) or an account that only appears in the comparison period.
    """
    compare = ["compare_start"] if plan.query.compare else []
    grid = from_(select(*[col(c, SPINE) for c in (*PERIOD_COLUMNS, *compare)]), SPINE)
    if plan.dimensions:
        values = _catalogue_values(plan, known) if all(d.listed for d in plan.dimensions) else None
        for scan in [s for s in plan.scans if s.dimensions == plan.dimensions and not s.dropped]:
            found = from_(select(*[col(d.name, scan.name) for d in plan.dimensions]), scan.name)
            # a row without a value of the dimension (an account with no CSM) is not one of its groups
            found = found.where(all_of(*[exp.Not(this=exp.Is(this=col(d.name, scan.name), expression=exp.Null()))
                                         for d in plan.dimensions]), copy=False)
            values = found.distinct(copy=False) if values is None else exp.union(values, found, distinct=True, copy=False)
        grid = cross_join(grid, values.subquery("dimension_values", copy=False))
        grid = grid.select(*[col(d.name, "dimension_values") for d in plan.dimensions], copy=False)
    return grid.where(col("reported", SPINE), copy=False) if compare else grid


def _nullif_denominators(tree: exp.Expression) -> exp.Expression:
    for division in list(tree.find_all(exp.Div)):
        denominator = division.expression
        division.set("expression", exp.Nullif(this=denominator.copy(), expression=exp.Literal.number(0)))
    return tree


def metric_value(plan: Plan, metric: Metric, scope: str = "", suffix: str = "",
                 dimensions: tuple[str, ...] | None = None, broadcast: bool = False) -> exp.Expression:
    """The SQL for `metric`'s value at the grid's grain, over its scans in `scope` (aliased with `suffix`)."""
    dimensions = tuple(d.name for d in plan.dimensions) if dimensions is None else dimensions
    if metric.derived is not None:
        tree = _nullif_denominators(parse_fragment(metric.derived))
        for column in list(tree.find_all(exp.Column)):
            part = plan.catalog.metric(column.name)
            spread = broadcast or part.name in metric.broadcast
            own = tuple(d for d in dimensions if d in part.dimensions) if part.name in metric.broadcast else dimensions
            value = metric_value(plan, part, scope, suffix, own, spread)
            column.replace(exp.paren(value, copy=False) if isinstance(value, exp.Binary) else value)
        value = tree
    elif metric.ratio is not None:
        table = plan.scan_of(metric, scope, dimensions, broadcast) + suffix
        numerator = exp.Mul(this=col(f"{metric.name}__numerator", table), expression=exp.Literal.number(float(metric.scale)))
        denominator = exp.Nullif(this=col(f"{metric.name}__denominator", table), expression=exp.Literal.number(0))
        value = exp.Div(typed=False, this=numerator, expression=denominator)
    else:
        value = col(metric.name, plan.scan_of(metric, scope, dimensions, broadcast) + suffix)
    if metric.derived is not None and metric.scale != 1:
        value = exp.Mul(this=exp.paren(value, copy=False), expression=exp.Literal.number(metric.scale))
    if metric.empty is Empty.zero:
        value = exp.Coalesce(this=value, expressions=[exp.Literal.number(0)])
    return value


def _output_value(plan: Plan, output, suffix: str) -> exp.Expression:
    """An output's value: its metric in its scope, or for a share, that as a percent of the metric without the scope."""
    value = metric_value(plan, output.metric, output.scope, suffix)
    if not output.share:
        return value
    whole = exp.Nullif(this=metric_value(plan, output.metric, "", suffix), expression=exp.Literal.number(0))
    return exp.Div(typed=False, this=exp.Mul(this=exp.paren(value, copy=False), expression=exp.Literal.number(100.0)),
                   expression=whole)


def _results(plan: Plan) -> exp.Select:
    results = from_(select(*[col(c, GRID) for c in PERIOD_COLUMNS], *[col(d.name, GRID) for d in plan.dimensions]), GRID)
    suffixes = [""] + ([PREVIOUS] if plan.query.compare else [])
    for suffix in suffixes:
        period = "period_start" if not suffix else "compare_start"
        for scan in plan.scans:
            named = scan.name + suffix
            on = [exp.EQ(this=col("period_start", named), expression=col(period, GRID))]
            on += [exp.NullSafeEQ(this=col(d.name, named), expression=col(d.name, GRID)) for d in scan.dimensions]
            results = left_join(results, table(scan.name, named if suffix else None), all_of(*on))
        results = results.select(*[alias(_output_value(plan, o, suffix), o.name + suffix) for o in plan.outputs], copy=False)
    return results


def _metric_column(metric: str, column: MetricColumn) -> exp.Expression:
    current, previous = col(metric, RESULTS), col(metric + PREVIOUS, RESULTS)
    if column is MetricColumn.value:
        return current
    if column is MetricColumn.previous:
        return previous
    change = exp.Sub(this=current, expression=previous)
    if column is MetricColumn.change:
        return change
    absolute = exp.Abs(this=previous.copy())
    return exp.Div(typed=False, this=exp.Mul(this=exp.paren(change, copy=False), expression=exp.Literal.number(100.0)),
                   expression=exp.Nullif(this=absolute, expression=exp.Literal.number(0)))


def output_column(metric: str, column: MetricColumn) -> str:
    """The stable output name of a metric column: `nrr`, `nrr__previous`, `nrr__change`, `nrr__change_pct`."""
    return metric if column is MetricColumn.value else f"{metric}__{column.value}"


def _comparable(plan: Plan, metric: Metric) -> bool:
    """Whether a comparison with the previous period means anything: not for a countdown from the period's end
    (days to renewal), which last month only shows a month longer."""
    source = plan.catalog.sources.get(metric.source) if metric.source else None
    return source is None or source.mode is not TimeMode.after_end


def _columns_of(plan: Plan, metric: Metric, columns: list[MetricColumn]) -> list[MetricColumn]:
    """A metric's output columns: no comparison for a countdown, no arithmetic change for a date (churn date)."""
    if not _comparable(plan, metric):
        return columns[:1]
    if metric.unit is Unit.date:
        return [c for c in columns if c in (MetricColumn.value, MetricColumn.previous)]
    return columns


def _final(plan: Plan) -> tuple[exp.Select, tuple[str, ...]]:
    query = plan.query
    keys = [*PERIOD_COLUMNS, *[d.name for d in plan.dimensions]]
    metric_columns = [MetricColumn.value] + (list(MetricColumn)[1:] if query.compare else [])
    outputs = [(o.name, c) for o in plan.outputs for c in _columns_of(plan, o.metric, metric_columns)]
    final = from_(select(*[col(k, RESULTS) for k in keys],
                         *[alias(_metric_column(m, c), output_column(m, c)) for m, c in outputs]), RESULTS)
    for f in query.metric_filters:
        final = final.where(COMPARISONS[f.op](this=_metric_column(f.metric, f.column), expression=exp.convert(f.value)),
                            copy=False)
    order = [exp.Ordered(this=_metric_column(o.field, o.column) if o.field not in keys else col(o.field, RESULTS),
                         desc=o.descending, nulls_first=False) for o in query.order_by]
    order += [exp.Ordered(this=col(k, RESULTS), nulls_first=False) for k in keys]
    final = final.order_by(*order, copy=False)
    if query.limit:
        final = final.limit(exp.Literal.number(query.limit), copy=False)
    return final, tuple(keys + [output_column(m, c) for m, c in outputs])


def tally_metric(name: str, label: str, share: bool, conditions: str) -> Metric:
    """The count (or share) a tally shows, as a metric the narrative and the table can read."""
    return Metric(name=name, label=label, description=f"{label}: {conditions}", formula=conditions, tier="leading",
                  unit="percent" if share else "count", direction="neutral", default_window={"grain": "month"},
                  derived=name, bounds={"lower": 0, "upper": 100} if share else {"lower": 0}, empty="zero")


def _conditions(plan: Plan) -> str:
    return " and ".join(f"{f.metric}{'' if f.column is MetricColumn.value else ' ' + f.column.value.replace('_', ' ')} "
                        f"{f.op.value} {f.value:g}" for f in plan.query.metric_filters) or "every row"


def tallied(plan: Plan) -> tuple[Plan, exp.Select, tuple[str, ...]]:
    """A tally's plan as shown (its count and share as outputs, its `by` dimensions), SELECT and columns.

    Every group of the grid gets a row: the qualifying rows of `qualifying` are counted against
    all the group's rows in `results`, so a group with none shows 0.
    """
    from dataclasses import replace

    from semantic_layer.plan import Output

    tally = plan.query.tally
    by = [d for d in plan.dimensions if d.name in tally.by]
    counted = next(d for d in plan.dimensions if d.name not in tally.by)
    noun = f"{counted.entity}s" if counted.entity else f"{counted.name}_rows"
    conditions = f"{noun} with {_conditions(plan)}"
    outputs = [Output(noun, tally_metric(noun, noun.replace("_", " ").capitalize(), False, conditions), "", ())]
    if tally.share:
        outputs.append(Output(f"{noun}_share", tally_metric(f"{noun}_share", f"Share of {noun.replace('_', ' ')}",
                                                           True, conditions), "", ()))
    keys = [*PERIOD_COLUMNS, *[d.name for d in by]]
    on = [exp.EQ(this=col(k, RESULTS), expression=col(k, QUALIFYING)) for k in PERIOD_COLUMNS]
    on += [exp.NullSafeEQ(this=col(d.name, RESULTS), expression=col(d.name, QUALIFYING)) for d in plan.dimensions]
    count = exp.Count(this=col(counted.name, QUALIFYING))
    counts = from_(select(*[col(k, RESULTS) for k in keys], alias(count.copy(), noun)), RESULTS)
    if tally.share:
        total = exp.Nullif(this=exp.Count(this=col(counted.name, RESULTS)), expression=exp.Literal.number(0))
        share = exp.Div(typed=False, this=exp.Mul(this=count, expression=exp.Literal.number(100.0)), expression=total)
        counts = counts.select(alias(share, f"{noun}_share"), copy=False)
    counts = left_join(counts, QUALIFYING, all_of(*on)).group_by(*[col(k, RESULTS) for k in keys], copy=False)
    counts = counts.order_by(*[exp.Ordered(this=col(k, RESULTS), nulls_first=False) for k in keys], copy=False)
    shown = replace(plan, outputs=tuple(outputs), dimensions=tuple(by))
    return shown, counts, tuple(keys + [o.name for o in outputs])


def tally_explanation(plan: Plan) -> str:
    """How a tally counted, for the answer's account of its computation."""
    counted = plan.outputs[0].metric
    per = f" per {', '.join(d.label.lower() for d in plan.dimensions)}" if plan.dimensions else ""
    share = "; and their share of all of them" if len(plan.outputs) > 1 else ""
    return f"Counted: {counted.formula}{per}{share}."
