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
from semantic_layer.query import Comparison, MetricColumn, SemanticQuery
from semantic_layer.validate import derived_refs

PERIOD_COLUMNS = ("period_start", "period_end")


@dataclass(frozen=True)
class PeriodRow:
    """One row of the period spine: a period to compute, and whether (and against what) to report it."""

    period: Period
    reported: bool
    compare_to: Period | None


@dataclass(frozen=True)
class Plan:
    query: SemanticQuery
    metrics: tuple[Metric, ...]  # as asked, canonical
    base_metrics: dict[str, Metric]  # measure and ratio metrics the asked ones need, by name
    sources: dict[str, Source]  # sources of the base metrics, in first-use order
    dimensions: tuple[Dimension, ...]
    filter_dimensions: tuple[Dimension, ...]  # one per query.filters entry
    spine: tuple[PeriodRow, ...]

    def metrics_of(self, source: str) -> list[Metric]:
        return [m for m in self.base_metrics.values() if m.source == source]

    @property
    def reported(self) -> list[PeriodRow]:
        return [row for row in self.spine if row.reported]


def _base_metrics(catalog: Catalog, metric: Metric, into: dict[str, Metric]) -> None:
    if metric.derived is None:
        into.setdefault(metric.name, metric)
    for ref in derived_refs(metric):
        _base_metrics(catalog, catalog.metric(ref), into)


def _check_sliceable(metrics: tuple[Metric, ...], dimensions: tuple[Dimension, ...], verb: str) -> None:
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


def _check_period_grain(metrics: tuple[Metric, ...], spine: tuple[PeriodRow, ...]) -> None:
    """Metrics defined per one month (or quarter...) refuse longer or shorter periods."""
    for metric in metrics:
        if metric.per is None:
            continue
        for row in spine:
            if not is_whole(row.period, metric.per):
                raise QueryError(f"{metric.name} is defined per {metric.per.value} ({metric.formula}); "
                                 f"{row.period.label()} is not one {metric.per.value}: use grain {metric.per.value}")


def _check_outputs(query: SemanticQuery, metrics: tuple[Metric, ...], dimensions: tuple[Dimension, ...]) -> None:
    names = {m.name for m in metrics}
    for f in query.metric_filters:
        if f.metric not in names:
            raise QueryError(f"metric filter on {f.metric!r}, which the query does not ask for; add it to metrics")
    fields = names | {d.name for d in dimensions} | set(PERIOD_COLUMNS)
    for o in query.order_by:
        if o.field not in fields:
            raise QueryError(f"cannot order by {o.field!r}; choose one of {', '.join(sorted(fields))}")
    columns = [f.column for f in query.metric_filters] + [o.column for o in query.order_by]
    if query.compare is None and any(c is not MetricColumn.value for c in columns):
        raise QueryError("previous values and changes need a comparison; set compare to previous_period or same_period_last_year")


def plan_query(query: SemanticQuery, catalog: Catalog) -> Plan:
    """The query resolved against `catalog`; QueryError (or UnknownNameError) when it cannot be."""
    metrics = tuple({m.name: m for m in (catalog.metric(n) for n in query.metrics)}.values())
    dimensions = tuple(catalog.dimension(n) for n in query.dimensions)
    filter_dimensions = tuple(catalog.dimension(f.dimension) for f in query.filters)
    if len({d.name for d in dimensions}) != len(dimensions):
        raise QueryError("a dimension is listed twice")
    _check_sliceable(metrics, dimensions, "sliced by")
    base: dict[str, Metric] = {}
    for metric in metrics:
        _base_metrics(catalog, metric, base)
    _check_sliceable(tuple(base.values()), filter_dimensions, "filtered by")
    _check_outputs(query, metrics, dimensions)
    sources = {m.source: catalog.source(m.source) for m in base.values()}
    spine = _spine(query)
    _check_whole_months(sources, spine)
    _check_period_grain(metrics, spine)
    return Plan(query, metrics, base, sources, dimensions, filter_dimensions, spine)
