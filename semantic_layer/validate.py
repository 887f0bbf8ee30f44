"""Catalogue rules: each takes a parsed Catalog and returns the issues it finds.

Rules never raise and never stop at the first problem, so whoever edits the catalogue
sees every mistake at once. `validate` runs them all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from data.contract import tables
from semantic_layer.errors import Issue
from semantic_layer.fragments import FragmentError, column_refs, parse_fragment
from semantic_layer.joins import reachable
from semantic_layer.model import BandPeriod, Dimension, Measure, Metric, Signal, Source, TimeMode
from semantic_layer.periods import SPINE, SPINE_COLUMNS

if TYPE_CHECKING:
    from semantic_layer.catalog import Catalog

Rule = Callable[["Catalog"], list[Issue]]


def _issue(catalog: Catalog, section: str, name: str, field: str, message: str) -> Issue:
    origin = catalog.origin(section, name)
    return Issue(origin.file, f"{section.removesuffix('s')} {name!r}", field, message, origin.line)


def source_columns(source: Source) -> tuple[str, ...]:
    """The columns a source's rows offer to metric expressions (a rollup's: its table's and its signals')."""
    if source.mode is TimeMode.rollup:
        return tables()[source.table].column_names + tuple(c for s in source.signals for c in s.columns)
    return source.columns or tables()[source.table].column_names


def signal_row_columns(signal: Signal, key: str) -> tuple[str, ...]:
    """The columns a signal's `columns` aggregate over: the table's, or per key and `per` the inner values."""
    return (key, signal.per, *signal.inner) if signal.per else tables()[signal.table].column_names


def _column_problems(text: str, home: str, own_columns: tuple[str, ...]) -> Iterator[str]:
    """Why `text` is not a valid expression over table `home` (whose rows have `own_columns`)."""
    try:
        refs = column_refs(text)
    except FragmentError as error:
        yield str(error)
        return
    contract = tables()
    for table, column in refs:
        if table is None or table == home:
            if column not in own_columns:
                yield f"unknown column {column!r} in {text!r}; {home} has {', '.join(own_columns)}"
        elif table == SPINE:
            if column not in SPINE_COLUMNS:
                yield f"unknown column {table}.{column} in {text!r}; {SPINE} has {', '.join(SPINE_COLUMNS)}"
        elif table not in contract:
            yield f"unknown table {table!r} in {text!r}"
        elif not reachable(home, table):
            yield f"table {table!r} in {text!r} cannot be joined from {home} without fan-out"
        elif column not in contract[table].column_names:
            yield f"unknown column {table}.{column} in {text!r}"


def _measure_fragments(prefix: str, measure: Measure) -> Iterator[tuple[str, str]]:
    for attr in ("expr", "filter"):
        if getattr(measure, attr):
            yield f"{prefix}.{attr}", getattr(measure, attr)


def _metric_fragments(metric: Metric) -> Iterator[tuple[str, str]]:
    if metric.where:
        yield "where", metric.where
    if metric.thresholds:
        for value, condition in metric.thresholds.values.items():
            yield f"thresholds.values.{value}", condition
        if metric.thresholds.otherwise:
            yield "thresholds.otherwise", metric.thresholds.otherwise
    parts = {"measure": metric.measure}
    if metric.ratio:
        parts = {"ratio.numerator": metric.ratio.numerator, "ratio.denominator": metric.ratio.denominator}
    for prefix, measure in parts.items():
        if measure is not None:
            yield from _measure_fragments(prefix, measure)


def _signal_fragments(signal: Signal, key: str) -> Iterator[tuple[str, str, tuple[str, ...]]]:
    """(field, fragment, the columns it may use) for every fragment of a rollup's signal."""
    own = tables()[signal.table].column_names
    field = f"signals.{signal.name}"
    yield f"{field}.time", signal.time, own
    yield f"{field}.key", key, own
    if signal.per:
        yield f"{field}.per", signal.per, own
    for name, measure in signal.inner.items():
        yield from ((f, text, own) for f, text in _measure_fragments(f"{field}.inner.{name}", measure))
    for name, measure in signal.columns.items():
        yield from ((f, text, signal_row_columns(signal, key)) for f, text in _measure_fragments(f"{field}.columns.{name}", measure))


def unknown_tables(catalog: Catalog) -> list[Issue]:
    """Sources and dimensions must name contract tables."""
    contract = tables()
    issues = [
        _issue(catalog, "sources", s.name, field, f"unknown table {table!r}")
        for s in catalog.sources.values()
        for field, table in (("table", s.table), *((f"signals.{g.name}.table", g.table) for g in s.signals))
        if table not in contract
    ]
    for d in catalog.dimensions.values():
        for table in (d.table, *d.alternates):
            if table not in contract:
                issues.append(_issue(catalog, "dimensions", d.name, "table", f"unknown table {table!r}"))
    return issues


def source_names_shadow_tables(catalog: Catalog) -> list[Issue]:
    """A source becomes a CTE of its name, which must not hide a contract table."""
    return [
        _issue(catalog, "sources", s.name, "name", f"{s.name!r} is a contract table's name; a source needs its own")
        for s in catalog.sources.values()
        if s.name in tables()
    ]


def unknown_columns(catalog: Catalog) -> list[Issue]:
    """Every column a fragment uses exists in a table reachable from where it is used."""
    contract = tables()
    issues = []
    for s in catalog.sources.values():
        if s.table not in contract:
            continue
        for field in ("time", "end_time", "key", "value"):
            text = getattr(s, field)
            if text:
                own = contract[s.table].column_names
                issues += [_issue(catalog, "sources", s.name, field, p) for p in _column_problems(text, s.table, own)]
        for signal in s.signals:
            if signal.table not in contract:
                continue
            for field, text, own in _signal_fragments(signal, s.key):
                issues += [_issue(catalog, "sources", s.name, field, p) for p in _column_problems(text, signal.table, own)]
                if signal.per and ".columns." in field and any(table for table, _ in column_refs(text)):
                    issues.append(_issue(catalog, "sources", s.name, field, f"{text!r} aggregates the rows per "
                                         f"{s.key} and {signal.per}: use their columns ({', '.join(own)}) unqualified"))
    for d in catalog.dimensions.values():
        for table, text in ((d.table, d.column), *d.alternates.items()):
            if table in contract:
                own = contract[table].column_names
                issues += [_issue(catalog, "dimensions", d.name, "column", p) for p in _column_problems(text, table, own)]
    for m in catalog.metrics.values():
        source = catalog.sources.get(m.source or "")
        if source is None or source.table not in contract:
            continue
        for field, text in _metric_fragments(m):
            problems = _column_problems(text, source.table, source_columns(source))
            issues += [_issue(catalog, "metrics", m.name, field, p) for p in problems]
    return issues


def unknown_references(catalog: Catalog) -> list[Issue]:
    """Metrics name existing sources, dimensions and (when derived) metrics."""
    issues = []
    for m in catalog.metrics.values():
        if m.source and m.source not in catalog.sources:
            issues.append(_issue(catalog, "metrics", m.name, "source", f"unknown source {m.source!r}"))
        for d in m.dimensions:
            if d not in catalog.dimensions:
                issues.append(_issue(catalog, "metrics", m.name, "dimensions", f"unknown dimension {d!r}"))
        if m.thresholds and m.thresholds.dimension not in catalog.dimensions:
            issues.append(_issue(catalog, "metrics", m.name, "thresholds.dimension",
                                 f"unknown dimension {m.thresholds.dimension!r}"))
        for ref in derived_refs(m):
            if ref not in catalog.metrics:
                issues.append(_issue(catalog, "metrics", m.name, "derived", f"unknown metric {ref!r}"))
        for part in m.broadcast:
            if part not in derived_refs(m):
                issues.append(_issue(catalog, "metrics", m.name, "broadcast", f"{part!r} is not a part of {m.derived!r}"))
    return issues


def derived_refs(metric: Metric) -> list[str]:
    """The metric names a derived metric's expression uses ([] for other metrics)."""
    if metric.derived is None:
        return []
    try:
        return list(dict.fromkeys(name for _, name in column_refs(metric.derived)))
    except FragmentError:
        return []


def unparsable_derived(catalog: Catalog) -> list[Issue]:
    issues = []
    for m in catalog.metrics.values():
        if m.derived is None:
            continue
        try:
            parse_fragment(m.derived)
        except FragmentError as error:
            issues.append(_issue(catalog, "metrics", m.name, "derived", str(error)))
    return issues


def can_slice(source: Source, dimension: Dimension) -> bool:
    """Whether rows of `source` can be grouped by `dimension` without fan-out (a rollup's `each`: rows per value)."""
    return source.table in dimension.alternates or reachable(source.table, dimension.table) or source.each == dimension.name


def each_dimensions(catalog: Catalog) -> list[Issue]:
    """A rollup's `each` is a dimension of one of its signals' tables, which its rows are read per value of."""
    issues = []
    for s in catalog.sources.values():
        if s.each is None:
            continue
        dimension = catalog.dimensions.get(s.each)
        if dimension is None:
            issues.append(_issue(catalog, "sources", s.name, "each", f"unknown dimension {s.each!r}"))
        elif not any(g.table == dimension.table or g.table in dimension.alternates for g in s.signals):
            issues.append(_issue(catalog, "sources", s.name, "each", f"no signal reads {dimension.table}, "
                                 f"the table of {s.each!r}"))
    return issues


def unsliceable_dimensions(catalog: Catalog) -> list[Issue]:
    """A metric lists only dimensions its rows reach; a derived metric only its parts' common ones."""
    issues = []
    for m in catalog.metrics.values():
        source = catalog.sources.get(m.source or "")
        threshold = catalog.dimensions.get(m.thresholds.dimension) if m.thresholds else None
        if source is not None and threshold is not None and not can_slice(source, threshold):
            issues.append(_issue(catalog, "metrics", m.name, "thresholds.dimension",
                                 f"{threshold.name!r} cannot be read from {source.table} rows"))
        for name in m.dimensions:
            dimension = catalog.dimensions.get(name)
            if dimension is None:
                continue
            if source is not None and not can_slice(source, dimension):
                issues.append(_issue(catalog, "metrics", m.name, "dimensions",
                                     f"cannot be sliced by {name!r}: {dimension.table} is not reachable from {source.table}"))
            missing = [r for r in derived_refs(m) if r in catalog.metrics and r not in m.broadcast
                       and name not in catalog.metrics[r].dimensions]
            if missing:
                issues.append(_issue(catalog, "metrics", m.name, "dimensions",
                                     f"cannot be sliced by {name!r}: its part(s) {', '.join(missing)} cannot"))
    return issues


def normal_term(term: str) -> str:
    """A name or synonym as compared: case, spaces, '_' and '-' do not matter."""
    return re.sub(r"[\s_-]+", " ", term.casefold()).strip()


def duplicate_synonyms(catalog: Catalog) -> list[Issue]:
    """A name or synonym means one metric (or one dimension), ignoring case, spaces and '_'."""
    issues = []
    for section in ("metrics", "dimensions"):
        owners: dict[str, str] = {}
        for entry in [*getattr(catalog, section).values(), *(catalog.time_dimensions.values() if section == "dimensions" else ())]:
            for term in dict.fromkeys(normal_term(t) for t in (entry.name, *entry.synonyms)):
                if term in owners and owners[term] != entry.name:
                    issues.append(_issue(catalog, section, entry.name, "synonyms",
                                         f"{term!r} already means {owners[term]!r}"))
                owners.setdefault(term, entry.name)
    return issues


def metric_questions(catalog: Catalog) -> list[Issue]:
    """Every metric declares the question that asks for it, unless it is only a part of others (their parts,
    evidence or formula: it is shown with them, never offered on its own); no two metrics declare the same one."""
    issues, owners = [], {}
    parts = {ref for m in catalog.metrics.values() for ref in (*m.parts, *m.evidence, *derived_refs(m))}
    for m in catalog.metrics.values():
        if m.question is None and m.name not in parts:
            issues.append(_issue(catalog, "metrics", m.name, "question", "declare the full question that asks for "
                                 "this metric (suggestions offer it)"))
        elif m.question is not None and owners.setdefault(m.question.casefold(), m.name) != m.name:
            issues.append(_issue(catalog, "metrics", m.name, "question",
                                 f"{m.question!r} already asks for {owners[m.question.casefold()]!r}"))
    return issues


def derived_cycles(catalog: Catalog) -> list[Issue]:
    """No derived metric may depend on itself, directly or through others."""
    issues, done = [], set()

    def visit(name: str, trail: list[str]) -> None:
        if name in trail:
            cycle = trail[trail.index(name):] + [name]
            issues.append(_issue(catalog, "metrics", name, "derived", f"cycle: {' -> '.join(cycle)}"))
            return
        if name in done or name not in catalog.metrics:
            return
        for ref in derived_refs(catalog.metrics[name]):
            visit(ref, trail + [name])
        done.add(name)

    for name in catalog.metrics:
        visit(name, [])
    return issues


def declared_metadata(catalog: Catalog) -> list[Issue]:
    """What the planner and the checks read about a metric names real metrics, dimensions and entities."""
    issues = []
    entities = {d.entity for d in catalog.dimensions.values() if d.entity}
    metrics = catalog.metrics

    def bad(name: str, field: str, message: str) -> None:
        issues.append(_issue(catalog, "metrics", name, field, message))

    for m in metrics.values():
        for field in ("parts", "evidence", "at_most"):
            for ref in getattr(m, field):
                if ref not in metrics:
                    bad(m.name, field, f"unknown metric {ref!r}")
        if m.ahead and m.ahead not in metrics:
            bad(m.name, "ahead", f"unknown metric {m.ahead!r}")
        if m.overdue and (m.overdue not in metrics or not metrics[m.overdue].counts or not m.horizon):
            bad(m.name, "overdue", f"{m.overdue!r} must be a metric counting entities, named by a countdown")
        if m.exceeding and not any(x.quantity == m.exceeding.quantity and x.statistic for x in metrics.values()):
            bad(m.name, "exceeding", f"no metric has quantity {m.exceeding.quantity!r}")
        if m.slice_of and (m.slice_of.metric not in metrics or m.slice_of.dimension not in metrics[m.slice_of.metric].dimensions):
            bad(m.name, "slice_of", f"{m.slice_of.metric!r} must be a metric that can be split by {m.slice_of.dimension!r}")
        if m.opposite and (m.opposite not in metrics or metrics[m.opposite].counts != m.counts or not m.counts):
            bad(m.name, "opposite", f"{m.opposite!r} must be a metric counting the same entity as this one")
        if m.counts and m.counts not in entities:
            bad(m.name, "counts", f"unknown entity {m.counts!r}; dimensions name {', '.join(sorted(entities)) or 'none'}")
        if m.counts and m.unit.value != "count":
            bad(m.name, "counts", "only a count counts entities")
        if m.horizon and m.unit.value != "days":
            bad(m.name, "horizon", "a countdown is in days")
        for dimension in m.restricted_to:
            if dimension not in catalog.dimensions:
                bad(m.name, f"restricted_to.{dimension}", f"unknown dimension {dimension!r}")
        for amount, variant in m.amounts.items():
            if amount not in metrics or variant not in metrics:
                bad(m.name, f"amounts.{amount}", f"unknown metric {(amount if amount not in metrics else variant)!r}")
            elif metrics[variant].unit is not metrics[amount].unit:
                bad(m.name, f"amounts.{amount}", f"{variant} is not in the unit of {amount}")
        for dimension, variant in m.by.items():
            if dimension not in catalog.dimensions:
                bad(m.name, f"by.{dimension}", f"unknown dimension {dimension!r}")
            elif variant not in metrics:
                bad(m.name, f"by.{dimension}", f"unknown metric {variant!r}")
            elif dimension not in metrics[variant].dimensions:
                bad(m.name, f"by.{dimension}", f"{variant} cannot be split by {dimension} either")
        if m.bounds and None not in (m.bounds.lower, m.bounds.upper) and m.bounds.lower >= m.bounds.upper:
            bad(m.name, "bounds", f"lower bound {m.bounds.lower} is not below upper bound {m.bounds.upper}")
        if m.quantity and m.statistic is None:
            bad(m.name, "statistic", f"a metric of quantity {m.quantity!r} says which statistic it is")
    groups: dict[tuple[str, str], str] = {}
    for m in metrics.values():
        if m.quantity and m.statistic:
            other = groups.setdefault((m.quantity, m.statistic.value), m.name)
            if other != m.name:
                bad(m.name, "statistic", f"{other} is already the {m.statistic.value} of {m.quantity!r}")
    for source in catalog.sources.values():
        if source.cohort and (source.cohort not in catalog.dimensions or catalog.dimensions[source.cohort].grain is None):
            issues.append(_issue(catalog, "sources", source.name, "cohort", f"{source.cohort!r} is not a dimension of periods"))
    for d in catalog.dimensions.values():
        for field in ("size", "counted_by"):
            ref = getattr(d, field)
            if ref and (ref not in metrics or d.name not in metrics[ref].dimensions):
                issues.append(_issue(catalog, "dimensions", d.name, field, f"{ref!r} is not a metric split by {d.name}"))
        if d.kind_of and d.kind_of not in catalog.dimensions:
            issues.append(_issue(catalog, "dimensions", d.name, "kind_of", f"unknown dimension {d.kind_of!r}"))
        if d.listed_as and d.listed_as.dimension not in catalog.dimensions:
            issues.append(_issue(catalog, "dimensions", d.name, "listed_as", f"unknown dimension {d.listed_as.dimension!r}"))
    for term in catalog.ambiguous_terms.values():
        kinds = {"metric" if ref in metrics else "dimension" if ref in catalog.dimensions else "?" for ref in term.means}
        if "?" in kinds or len(kinds) > 1:
            unknown = [r for r in term.means if r not in metrics and r not in catalog.dimensions]
            issues.append(_issue(catalog, "ambiguous_terms", term.name, "means",
                                 f"unknown name(s) {', '.join(unknown)}" if unknown else "name metrics or dimensions, not both"))
    return issues


def _sources_of(metric: Metric, catalog: Catalog, seen: frozenset[str] = frozenset()) -> set[str]:
    """The sources a metric's rows come from: its own, or those of the parts of a derived metric."""
    if metric.source is not None:
        return {metric.source}
    found: set[str] = set()
    for ref in derived_refs(metric):
        if ref in catalog.metrics and ref not in seen:
            found |= _sources_of(catalog.metrics[ref], catalog, seen | {metric.name})
    return found


def rate_bands_basis(catalog: Catalog) -> list[Issue]:
    """Bands of a rate over a period say which period they are for, and how another period's rate converts to it.

    A metric over a movement source compares a base month with an end month, so its value depends on the
    period's length (a month's churn is not a year's): its bands cannot be read as a point in time."""
    issues = []
    for m in catalog.metrics.values():
        if not m.benchmarks or m.band_basis is None or m.band_basis.period is not BandPeriod.point:
            continue
        movement = sorted(s for s in _sources_of(m, catalog)
                          if s in catalog.sources and catalog.sources[s].mode is TimeMode.movement)
        if movement:
            issues.append(_issue(catalog, "metrics", m.name, "band_basis",
                                 f"a rate over a period ({movement[0]} compares its base month with its end month) "
                                 "needs bands with a period: give band_basis {period: month, quarter or year, "
                                 "converts: churn or retention}"))
    return issues


def distribution_bands(catalog: Catalog) -> list[Issue]:
    """`band_shares` are shares of the same rows above each bound of the bands, so the spread fills them exactly.

    A share above N counts the rows with more than N: each band must end at N inclusive, or start after it."""
    issues = []
    for m in catalog.metrics.values():
        if not m.band_shares:
            continue

        def bad(message: str, metric: Metric = m) -> None:
            issues.append(_issue(catalog, "metrics", metric.name, "band_shares", message))

        values = {}
        for ref in m.band_shares:
            share = catalog.metrics.get(ref)
            if share is None or share.exceeding is None or share.exceeding.quantity != m.quantity or m.quantity is None:
                bad(f"{ref!r} must be a share of the rows above a value of this metric's quantity {m.quantity!r}")
            elif (share.source, share.where) != (m.source, m.where):
                bad(f"{ref!r} counts other rows than this metric (its source or where differs)")
            else:
                values[share.exceeding.value] = ref
        if len(values) < len(m.band_shares):
            continue
        for band in m.benchmarks:
            for bound, closed, side in ((band.lower, band.include_lower, "lower"), (band.upper, band.include_upper, "upper")):
                if bound is None:
                    continue
                if bound not in values:
                    bad(f"no share above {bound:g}, the {side} bound of band {band.name!r}")
                elif closed is (side == "lower"):
                    bad(f"band {band.name!r} must {'start after' if side == 'lower' else 'end at'} {bound:g} "
                        f"{'' if side == 'lower' else 'inclusive '}: {values[bound]} counts the rows above it")
    return issues


RULES: tuple[Rule, ...] = (
    unknown_tables,
    source_names_shadow_tables,
    unknown_columns,
    unknown_references,
    unparsable_derived,
    unsliceable_dimensions,
    each_dimensions,
    duplicate_synonyms,
    metric_questions,
    derived_cycles,
    declared_metadata,
    rate_bands_basis,
    distribution_bands,
)


def validate(catalog: Catalog) -> list[Issue]:
    """Every issue every rule finds in `catalog`."""
    return [issue for rule in RULES for issue in rule(catalog)]
