"""A plain-English account of a planned query, for the answer to show next to its numbers."""

from __future__ import annotations

from semantic_layer.model import TimeGrain, TimeMode
from semantic_layer.periods import month_label
from semantic_layer.describe import thresholds_text
from semantic_layer.plan import Filter, Plan, parts
from semantic_layer.query import Comparison, MetricColumn

_COMPARISON_WORDS = {
    Comparison.previous_period: "the previous period of the same length",
    Comparison.same_period_last_year: "the same period a year earlier",
    Comparison.other_period: "the period asked for",
}


def _period_lines(plan: Plan) -> list[str]:
    reported = plan.reported
    first, last = reported[0].period, reported[-1].period
    grain = plan.query.grain
    if len(reported) == 1 and grain is None:
        dates = f"{first.start} to {first.end}"
        lines = [f"Period: {first.label()}{'' if first.label() == dates else f' ({dates})'}."]
    else:
        count = f"{len(reported)} {grain.value}{'s' if len(reported) > 1 else ''}"
        span = f"{first.label()} to {last.label()}" if first.is_whole_months else f"{first.start} to {last.end}"
        lines = [f"Trend: one row per {grain.value}, {count} from {span}."]
    if any(s.mode is TimeMode.movement for s in plan.sources.values()):
        if len(reported) == 1:
            p = first
            lines.append(f"Revenue movements compare the base month {month_label(p.base_month)} "
                         f"with the end month {month_label(p.end_month)}; starting customers had MRR in the base month.")
        else:
            example = f"{month_label(first.end_month)} against {month_label(first.base_month)}"
            if grain is TimeGrain.month:
                lines.append(f"Each month's revenue movements compare it with the month before ({example}).")
            else:
                lines.append(f"Each {grain.value}'s revenue movements compare its last month with the month before "
                             f"it starts ({first.label()}: {example}).")
    for source in plan.sources.values():
        if source.mode is TimeMode.trailing_days:
            lines.append(f"{source.description} (the last {source.days} days of each period).")
        elif source.mode in (TimeMode.open_at_end, TimeMode.rollup):
            lines.append(f"{source.description} (as at the last day of each period).")
            lines += [f"{s.description} ({f'the last {s.days} days' if s.days else 'the whole'} of each period)."
                      for s in source.signals]
        elif source.mode is TimeMode.after_end:
            lines.append(f"{source.description} (after the last day of each period).")
        elif source.mode is TimeMode.by_end:
            lines.append(f"{source.description} (on or before the last day of each period).")
    if plan.query.compare:
        compared = reported[0].compare_to
        lines.append(f"Compared with {_COMPARISON_WORDS[plan.query.compare]} ({compared.label()} for {first.label()}).")
    return lines


def _filters_text(filters: tuple[Filter, ...]) -> str:
    return "; ".join(f"{d.label} {f.op.value} {', '.join(str(v) for v in f.values)}" for f, d in filters)


def _only_where(filters: tuple[Filter, ...]) -> str:
    return f", only where {_filters_text(filters)}" if filters else ""


def explain(plan: Plan) -> str:
    """What was computed: each definition, the period and its base/end months, filters, grain and order."""
    query = plan.query
    lines = [f"{o.metric.label} ({o.name}){_only_where(o.filters)}: {o.metric.formula}" for o in plan.outputs]
    labels = {o.name: f"{o.metric.label} ({o.name})" if o.scope else o.metric.label for o in plan.outputs}
    with_thresholds = {m.name: m for o in plan.outputs for m, _ in parts(o.metric, (), plan.catalog) if m.thresholds}
    lines += [f"Thresholds of {m.name}, {thresholds_text(m)}." for m in with_thresholds.values()]
    lines += _period_lines(plan)
    if plan.filters:
        lines.append(f"Filters: {_filters_text(plan.filters)}.")
    per = [query.grain.value] if query.grain else []
    per += [d.label.lower() for d in plan.dimensions]
    lines.append(f"One row per {' and '.join(per)}." if per else "One row for the whole period.")
    for f in query.metric_filters:
        column = "" if f.column is MetricColumn.value else f" ({f.column.value.replace('_', ' ')})"
        lines.append(f"Only rows where {labels[f.metric]}{column} {f.op.value} {f.value:g}.")
    if query.order_by:
        keys = [f"{o.field}{'' if o.column is MetricColumn.value else ' ' + o.column.value}"
                f"{' descending' if o.descending else ''}" for o in query.order_by]
        lines.append(f"Ordered by {', '.join(keys)}.")
    if query.limit:
        lines.append(f"At most {query.limit} rows.")
    return "\n".join(lines)
