"""Resolve a SemanticQuery against the catalogue: names → definitions, range → periods.

Everything that can be wrong with a query is found here, before any SQL is built, and
reported as a QueryError that names the problem and what would be valid.
"""

from __future__ import annotations

from dataclasses import dataclass

from semantic_layer.catalog import Catalog
from semantic_layer.errors import QueryError
from semantic_layer.model import Dimension, Metric, Source
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


@dataclass(frozen=True)
class Scan:
    """One source CTE: the base metrics computed from one source under one set of filters."""

    name: str
    source: Source
    metrics: tuple[Metric, ...]
    filters: tuple[Filter, ...]  # the query's, then the scope's own


def scan_name(source: str, scope: str) -> str:
    """The CTE name of a source's scan: the source's name, suffixed by a filtered metric's alias."""
    return f"{source}__{scope}" if scope else source


@dataclass(frozen=True)
class Plan:
    query: SemanticQuery
    outputs: tuple[Output, ...]
    scans: tuple[Scan, ...]
    dimensions: tuple[Dimension, ...]
    filters: tuple[Filter, ...]  # query-wide
    spine: tuple[PeriodRow, ...]

    @property
    def sources(self) -> dict[str, Source]:
        return {scan.source.name: scan.source for scan in self.scans}

    @property
    def reported(self) -> list[PeriodRow]:
        return [row for row in self.spine if row.reported]


def _base_metrics(catalog: Catalog, metric: Metric, into: dict[str, Metric]) -> None:
    if metric.derived is None:
        into.setdefault(metric.name, metric)
    for ref in derived_refs(metric):
        _base_metrics(catalog, catalog.metric(ref), into)


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
            outputs.append(Output(item.alias, catalog.metric(item.name), item.alias, filters))
            continue
        metric = catalog.metric(item)
        if metric.name not in [o.name for o in outputs if not o.scope]:  # asked twice, e.g. by name and synonym
            outputs.append(Output(metric.name, metric, "", ()))
    return tuple(outputs)


def _scans(outputs: tuple[Output, ...], filters: tuple[Filter, ...], catalog: Catalog) -> tuple[Scan, ...]:
    grouped: dict[tuple[str, str], dict[str, Metric]] = {}
    scope_filters = {o.scope: o.filters for o in outputs}
    for output in outputs:
        base: dict[str, Metric] = {}
        _base_metrics(catalog, output.metric, base)
        for metric in base.values():
            grouped.setdefault((metric.source, output.scope), {}).setdefault(metric.name, metric)
    return tuple(
        Scan(scan_name(source, scope), catalog.source(source), tuple(metrics.values()), filters + scope_filters[scope])
        for (source, scope), metrics in grouped.items()
    )


def plan_query(query: SemanticQuery, catalog: Catalog) -> Plan:
    """The query resolved against `catalog`; QueryError (or UnknownNameError) when it cannot be."""
    outputs = _outputs(query, catalog)
    dimensions = tuple(catalog.dimension(n) for n in query.dimensions)
    filters = tuple((f, catalog.dimension(f.dimension)) for f in query.filters)
    if len({d.name for d in dimensions}) != len(dimensions):
        raise QueryError("a dimension is listed twice")
    _check_sliceable([o.metric for o in outputs], list(dimensions), "sliced by")
    scans = _scans(outputs, filters, catalog)
    for scan in scans:
        _check_sliceable(list(scan.metrics), [d for _, d in scan.filters], "filtered by")
    _check_outputs(query, outputs, dimensions)
    spine = _spine(query)
    plan = Plan(query, outputs, scans, dimensions, filters, spine)
    _check_whole_months(plan.sources, spine)
    _check_period_grain([o.metric for o in outputs], spine)
    return plan
