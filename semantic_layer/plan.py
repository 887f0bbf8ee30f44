"""Resolve a SemanticQuery against the catalogue: names → definitions, range → periods.

Everything that can be wrong with a query is found here, before any SQL is built, and
reported as a QueryError that names the problem and what would be valid.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from semantic_layer.catalog import Catalog
from semantic_layer.errors import QueryError
from semantic_layer.model import Bounds, Dimension, Direction, Metric, Source, Unit
from semantic_layer.periods import Period, is_whole, previous_period, same_period_last_year, split
from semantic_layer.query import Comparison, DimensionFilter, MetricColumn, MetricRef, SemanticQuery
from semantic_layer.validate import derived_refs

PERIOD_COLUMNS = ("period_start", "period_end")

Filter = tuple[DimensionFilter, Dimension]


@dataclass(frozen=True)
class PeriodRow:
    """One row of the period spine: a period to compute, and whether (and against what) to report it."""

    period: Period
    reported: bool
    compare_to: Period | None


@dataclass(frozen=True)
class Output:
    """One asked metric: its output column, its definition, and its own filters (scope '' when none)."""

    name: str
    metric: Metric
    scope: str
    filters: tuple[Filter, ...]
    share: bool = False  # the scoped value as a percent of the value without the scope's filters


@dataclass(frozen=True)
class Scan:
    """One source CTE: the base metrics computed from one source under one set of filters, per dimensions."""

    name: str
    source: Source
    metrics: tuple[Metric, ...]
    filters: tuple[Filter, ...]  # the query's, then the scope's own
    dimensions: tuple[Dimension, ...]  # the query's, or fewer for a broadcast part
    threshold_dimensions: dict[str, Dimension] = field(default_factory=dict)  # metric → the dimension of its thresholds
    dropped: tuple[str, ...] = ()  # filter dimensions a broadcast part ignores
    each: Dimension | None = None  # a rollup source's dimension of its signals' rows (Source.each)


def scan_name(source: str, scope: str, dimensions: tuple[str, ...] | None = None, dropped: tuple[str, ...] = ()) -> str:
    """A scan's CTE name: the source's, then a filtered metric's alias, then the dimensions when not all of them,
    then the filters a broadcast part ignores."""
    name = f"{source}__{scope}" if scope else source
    if dimensions is not None:
        name = f"{name}__by_{'_'.join(dimensions)}" if dimensions else f"{name}__overall"
    return f"{name}__any_{'_'.join(dropped)}" if dropped else name


def _broadcast(output: Metric, part: Metric, catalog: Catalog) -> bool:
    """Whether `part` is a broadcast part of `output` (directly or through a derived part)."""
    if output.derived is None:
        return False
    return part.name in output.broadcast or any(_broadcast(catalog.metric(r), part, catalog)
                                                for r in derived_refs(output) if r in catalog.metrics)


def unfiltered(metric: Metric, broadcast: bool, dimensions: list[Dimension]) -> tuple[str, ...]:
    """The filter dimensions a broadcast part cannot take, and so ignores (sorted); () for any other metric."""
    return tuple(sorted({d.name for d in dimensions if d.name not in metric.dimensions})) if broadcast else ()


@dataclass(frozen=True)
class Plan:
    query: SemanticQuery
    catalog: Catalog
    outputs: tuple[Output, ...]
    scans: tuple[Scan, ...]
    dimensions: tuple[Dimension, ...]
    filters: tuple[Filter, ...]  # query-wide
    spine: tuple[PeriodRow, ...]

    def scan_of(self, metric: Metric, scope: str, dimensions: tuple[str, ...], broadcast: bool = False) -> str:
        """The CTE name holding a base metric computed in `scope` per `dimensions`."""
        names = tuple(d.name for d in self.dimensions)
        own = next((o.filters for o in self.outputs if o.scope == scope), ()) if scope else ()
        dropped = unfiltered(metric, broadcast or dimensions != names, [d for _, d in self.filters + own])
        return scan_name(metric.source, scope, None if dimensions == names else dimensions, dropped)

    @property
    def sources(self) -> dict[str, Source]:
        return {scan.source.name: scan.source for scan in self.scans}

    @property
    def reported(self) -> list[PeriodRow]:
        return [row for row in self.spine if row.reported]


def parts(metric: Metric, dimensions: tuple[str, ...], catalog: Catalog) -> list[tuple[Metric, tuple[str, ...]]]:
    """The base metrics behind `metric`, each with the dimensions it is computed per.

    A broadcast part keeps only the dimensions it can be sliced by; the others keep all.
    """
    if metric.derived is None:
        return [(metric, dimensions)]
    found = []
    for ref in derived_refs(metric):
        part = catalog.metric(ref)
        own = tuple(d for d in dimensions if d in part.dimensions) if ref in metric.broadcast else dimensions
        found += parts(part, own, catalog)
    return found


def _check_sliceable(metrics: list[Metric], dimensions: list[Dimension], verb: str) -> None:
    for metric in metrics:
        for dimension in dimensions:
            if dimension.name not in metric.dimensions:
                allowed = ", ".join(metric.dimensions) or "no dimension"
                raise QueryError(f"{metric.name} cannot be {verb} {dimension.name}; it can be by: {allowed}")


def _spine(query: SemanticQuery) -> tuple[PeriodRow, ...]:
    shift = {
        None: None,
        Comparison.previous_period: previous_period,
        Comparison.same_period_last_year: same_period_last_year,
        Comparison.other_period: lambda _: query.compare_with,
    }[query.compare]
    reported = {p: (shift(p) if shift else None) for p in split(query.time_range, query.grain)}
    extra = {c for c in reported.values() if c is not None and c not in reported}
    rows = [PeriodRow(p, True, c) for p, c in reported.items()] + [PeriodRow(p, False, None) for p in extra]
    return tuple(sorted(rows, key=lambda r: r.period))


def _check_whole_months(sources: dict[str, Source], spine: tuple[PeriodRow, ...]) -> None:
    monthly = [s.name for s in sources.values() if s.whole_months]
    for row in spine:
        if monthly and not row.period.is_whole_months:
            raise QueryError(
                f"{', '.join(monthly)} is computed over whole months, but the period "
                f"{row.period.start} to {row.period.end} is not; use month boundaries and a grain of month or longer"
            )


def _check_period_grain(metrics: list[Metric], spine: tuple[PeriodRow, ...]) -> None:
    """Metrics defined per one month (or quarter...) refuse longer or shorter periods."""
    for metric in metrics:
        if metric.per is None:
            continue
        for row in spine:
            if not is_whole(row.period, metric.per):
                raise QueryError(f"{metric.name} is defined per {metric.per.value} ({metric.formula}); "
                                 f"{row.period.label()} is not one {metric.per.value}: use grain {metric.per.value}")


def _check_outputs(query: SemanticQuery, outputs: tuple[Output, ...], dimensions: tuple[Dimension, ...]) -> None:
    names = [o.name for o in outputs]
    clashes = sorted({n for n in names if names.count(n) > 1} | (set(names) & {d.name for d in dimensions}))
    if clashes:
        raise QueryError(f"output name {clashes[0]!r} is used twice; give the filtered metric another alias")
    for f in query.metric_filters:
        if f.metric not in names:
            raise QueryError(f"metric filter on {f.metric!r}, which the query does not ask for; add it to metrics")
    fields = set(names) | {d.name for d in dimensions} | set(PERIOD_COLUMNS)
    for o in query.order_by:
        if o.field not in fields:
            raise QueryError(f"cannot order by {o.field!r}; choose one of {', '.join(sorted(fields))}")
    columns = [f.column for f in query.metric_filters] + [o.column for o in query.order_by]
    if query.compare is None and any(c is not MetricColumn.value for c in columns):
        raise QueryError("previous values and changes need a comparison; set compare to previous_period or same_period_last_year")


def _outputs(query: SemanticQuery, catalog: Catalog) -> tuple[Output, ...]:
    outputs: list[Output] = []
    for item in query.metrics:
        if isinstance(item, MetricRef):
            filters = tuple((f, catalog.dimension(f.dimension)) for f in item.filters)
            metric = catalog.metric(item.name)
            if item.share:
                metric = _as_share(metric, filters)
            outputs.append(Output(item.alias, metric, item.alias, filters, item.share))
            continue
        metric = catalog.metric(item)
        if metric.name not in [o.name for o in outputs if not o.scope]:  # asked twice, e.g. by name and synonym
            outputs.append(Output(metric.name, metric, "", ()))
    return tuple(outputs)


def _as_share(metric: Metric, filters: tuple[Filter, ...]) -> Metric:
    """A count or sum read as the share its filtered part is of the whole: the share of tickets that are urgent."""
    additive = metric.measure is not None and metric.measure.agg.value in ("count", "count_distinct", "sum")
    if not additive:
        raise QueryError(f"{metric.name} is not a count or a sum, so it has no share of a whole; "
                         "ask for its value with the filter instead")
    part = "; ".join(f"{d.label.lower()} {', '.join(map(str, f.values))}" for f, d in filters)
    return metric.model_copy(update={
        "label": f"Share of {metric.label.lower()}", "unit": Unit.percent, "direction": Direction.neutral,
        "formula": f"{metric.formula} where {part} ÷ {metric.formula} × 100", "benchmarks": (), "benchmark_note": None,
        "bounds": Bounds(lower=0, upper=100), "quantity": None, "statistic": None, "counts": None})


def _scans(outputs: tuple[Output, ...], filters: tuple[Filter, ...], dimensions: tuple[Dimension, ...],
           catalog: Catalog) -> tuple[Scan, ...]:
    grouped: dict[tuple[str, str, tuple[str, ...], tuple[str, ...]], dict[str, Metric]] = {}
    scope_filters = {"": ()} | {o.scope: o.filters for o in outputs}
    names = tuple(d.name for d in dimensions)
    for output in outputs:
        for scope in (output.scope, "") if output.share else (output.scope,):  # a share also needs the whole
            for metric, own in parts(output.metric, names, catalog):
                dropped = unfiltered(metric, own != names or _broadcast(output.metric, metric, catalog),
                                     [d for _, d in filters + (output.filters if scope else ())])
                grouped.setdefault((metric.source, scope, own, dropped), {}).setdefault(metric.name, metric)
    scans = []
    for (source, scope, own, dropped), metrics in grouped.items():
        # a broadcast part (all active accounts) ignores the filters it cannot take, as it ignores such dimensions
        scan_filters = tuple((f, d) for f, d in filters + scope_filters[scope] if d.name not in dropped)
        each = catalog.source(source).each
        scans.append(Scan(scan_name(source, scope, None if own == names else own, dropped), catalog.source(source),
                          tuple(metrics.values()), scan_filters, tuple(d for d in dimensions if d.name in own),
                          {m.name: catalog.dimension(m.thresholds.dimension) for m in metrics.values() if m.thresholds},
                          dropped, catalog.dimension(each) if each else None))
    return tuple(scans)


def plan_query(query: SemanticQuery, catalog: Catalog) -> Plan:
    """The query resolved against `catalog`; QueryError (or UnknownNameError) when it cannot be."""
    outputs = _outputs(query, catalog)
    dimensions = tuple(catalog.dimension(n) for n in query.dimensions)
    filters = tuple((f, catalog.dimension(f.dimension)) for f in query.filters)
    if len({d.name for d in dimensions}) != len(dimensions):
        raise QueryError("a dimension is listed twice")
    _check_sliceable([o.metric for o in outputs], list(dimensions), "sliced by")
    scans = _scans(outputs, filters, dimensions, catalog)
    for scan in scans:
        _check_sliceable(list(scan.metrics), [d for _, d in scan.filters], "filtered by")
    _check_outputs(query, outputs, dimensions)
    spine = _spine(query)
    plan = Plan(query, catalog, outputs, scans, dimensions, filters, spine)
    _check_whole_months(plan.sources, spine)
    _check_period_grain([o.metric for o in outputs], spine)
    return plan
