"""The one-paragraph narrative of an answer: the number with its benchmark band, what was counted, and for whom.

Pure: a compiled plan's metrics, the result rows and the viewer in, text out. Bands come
from the catalogue ("NRR 104.3% — healthy (100–110%); best-in-class ≥ 120%"); an account
list says why each account is there (the values of the filters that put it there).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from assistant.formatting import format_value
from assistant.verdict import benchmark_sentence, departing, is_healthy, place, short_verdict, verdict_text
from assistant.viewer import Viewer
from semantic_layer.compile import output_column
from semantic_layer.model import Dimension, Direction, Unit
from semantic_layer.periods import Period, period_name
from semantic_layer.plan import Plan
from semantic_layer.query import MetricColumn

LIST_REASONS = 3  # accounts whose reasons are spelled out in the paragraph


def _scope(viewer: Viewer) -> str:
    return "your book of accounts only, as row-level security keeps it" if not viewer.sees_all_accounts else "all accounts"


def narrative(plan: Plan, columns: Sequence[str], rows: Sequence[Sequence[Any]], viewer: Viewer) -> str:
    """The answer in one paragraph."""
    query = plan.query
    period = plan.reported[0].period.label() if len(plan.reported) == 1 else \
        f"{plan.reported[0].period.label()} to {plan.reported[-1].period.label()}"
    where = "; ".join(f"{d.label} {f.op.value} {', '.join(map(str, f.values))}" for f, d in plan.filters)
    context = f"{period}, {_scope(viewer)}" + (f", where {where}" if where else "")
    if not rows:
        return f"No rows match: {context}."
    index = {c: i for i, c in enumerate(columns)}
    if len(rows) == 1 and not plan.dimensions:
        return _single(plan, rows[0], index, context)
    count = f"{len(rows):,} row{'s' if len(rows) != 1 else ''}"
    if plan.dimensions:
        head = ", ".join(d.label.lower() for d in plan.dimensions)
        text = f"{count} by {head}: {context}."
    else:
        text = f"{count}, one per {query.grain.value}: {context}."
    if len(plan.reported) > 1:
        return " ".join([text, *trend_sentences(plan, rows, index)])
    moved = [_largest_changes(plan, rows[0], index)] if len(rows) == 1 else []
    return " ".join([text, *breakdown_outliers(plan, rows, index), *_list_totals(plan, rows, index),
                     *_first_rows(plan, rows, index), *filter(None, moved)]).strip()


def trend_sentences(plan: Plan, rows: Sequence[Sequence[Any]], index: dict[str, int]) -> list[str]:
    """A trend in words: each series' latest value with its band, how it moved since the first period,
    whether the latest values are healthy, and the group that departs from the rest."""
    series: dict[tuple, list[Sequence[Any]]] = {}
    for row in rows:
        series.setdefault(tuple(row[index[d.name]] for d in plan.dimensions), []).append(row)
    labels = {r.period.start: r.period.label() for r in plan.reported}
    periods = {r.period.start: r.period for r in plan.reported}
    latest_label = labels.get(max(row[index["period_start"]] for row in rows), "the latest period")
    lines, weak, outliers, judged = [], [], [], 0
    for output in [o for o in plan.outputs if o.metric.unit is not Unit.date]:
        unit, column = output.metric.unit, index[output.name]
        latest: dict[tuple, float] = {}
        for group, group_rows in series.items():
            ordered = sorted((r for r in group_rows if r[column] is not None), key=lambda r: r[index["period_start"]])
            if not ordered:
                continue
            first, last = ordered[0], ordered[-1]
            value = float(last[column])
            latest[group] = value
            name = " ".join(map(str, group))
            text = f"{name + ' ' if name else ''}{_label(output)} {format_value(value, unit)}"
            placing = place(output.metric, value, periods.get(last[index["period_start"]]))
            text += f" — {verdict_text(placing)}" if placing else ""
            if len(ordered) > 1:
                change = value - float(first[column])
                way = "up" if change > 0 else "down" if change < 0 else "flat"
                since = labels.get(first[index["period_start"]], "the first period")
                text += f", {way} from {format_value(first[column], unit)} in {since}" if way != "flat" else f", flat since {since}"
                peak = max(ordered, key=lambda r: float(r[column]) * (1 if way == "down" else -1))
                if way != "flat" and peak is not first and peak is not last:
                    text += f" ({'high' if way == 'down' else 'low'} {format_value(peak[column], unit)} in " \
                            f"{labels.get(peak[index['period_start']], 'between')})"
            lines.append(text)
            healthy = is_healthy(output.metric, value, periods.get(last[index["period_start"]]))
            if healthy is not None:
                judged += 1
                if not healthy:
                    weak.append(f"{name + ' ' if name else ''}{_label(output)} {format_value(value, unit)}")
        outliers += _departure(output, latest, plan.dimensions, plan.reported[-1].period)
    sentences = [f"In {latest_label}: " + "; ".join(lines) + "."]
    if outliers:
        sentences.append(_sentence(outliers))
    if judged:
        if weak:
            sentences.append(f"Is it healthy? Not everywhere: {', '.join(weak)} short of the typical healthy band.")
        else:
            sentences.append("Is it healthy? Yes: every latest value is in the typical healthy band or better.")
    return sentences


def _named(value: Any, dimension: Dimension) -> str:
    """A group's value as people name it: a signup cohort by quarter is 'the Q2 2025 cohort'."""
    if isinstance(value, date) and dimension.grain is not None:
        return f"{period_name(value, dimension.grain)} ({dimension.label.lower()})"
    return f"the group of {value}" if isinstance(value, date) else str(value)


def _sentence(parts: list[str]) -> str:
    joined = "; ".join(parts)
    return joined[0].upper() + joined[1:] + "."


def _departure(output, values: dict[tuple, float], dimensions: Sequence[Dimension], period: Period) -> list[str]:
    """'Mid-Market departs from the rest on NRR (95.5% against 100.8%–102.2% elsewhere)', or nothing."""
    departs = departing(output.metric, values, period) if len(values) > 2 else None
    if departs is None:
        return []
    unit, others = output.metric.unit, [v for g, v in values.items() if g != departs]
    return [f"{' '.join(map(_named, departs, dimensions))} departs from the rest on {_label(output)} "
            f"({format_value(values[departs], unit)} against {format_value(min(others), unit)}–"
            f"{format_value(max(others), unit)} elsewhere)"]


def breakdown_outliers(plan: Plan, rows: Sequence[Sequence[Any]], index: dict[str, int]) -> list[str]:
    """In a breakdown (not an account list), the group whose value sits in a worse band than every other group's.

    `index` maps the result's column names to positions."""
    if not plan.dimensions or plan.query.metric_filters:
        return []
    outliers = []
    for output in [o for o in plan.outputs if o.metric.benchmarks]:
        values = {tuple(r[index[d.name]] for d in plan.dimensions): float(r[index[output.name]])
                  for r in rows if r[index[output.name]] is not None}
        outliers += _departure(output, values, plan.dimensions, plan.reported[0].period)
    return [_sentence(outliers)] if outliers else []


def _label(output) -> str:
    """A metric's label, with the filters it was asked with of its own ('Open tickets (ticket priority urgent)')."""
    own = "; ".join(f"{d.label.lower()} {', '.join(map(str, f.values))}" for f, d in output.filters)
    return f"{output.metric.label} ({own})" if own else output.metric.label


def _single(plan: Plan, row: Sequence[Any], index: dict[str, int], context: str) -> str:
    sentences = []
    for output in plan.outputs:
        value = row[index[output.name]]
        sentence = f"{_label(output)} {format_value(value, output.metric.unit)}"
        sentence += benchmark_sentence(output.metric, value, plan.reported[0].period)
        previous = index.get(output_column(output.name, MetricColumn.previous))
        if previous is not None and row[previous] is not None:
            sentence += f" (was {format_value(row[previous], output.metric.unit)} in the period before)"
        sentences.append(sentence)
    moved = _largest_changes(plan, row, index)
    return ". ".join(sentences) + f". {moved}{context[0].upper()}{context[1:]}."


def _largest_changes(plan: Plan, row: Sequence[Any], index: dict[str, int]) -> str:
    """'Moved most: Support score −58.0 (−11.6 points of Health score), Usage score −13.0 (−5.2 …)': the parts
    behind a change, those that moved it the way it went first, by their weighted effect where the catalogue
    declares the weights."""
    base = plan.outputs[0]
    total = index.get(output_column(base.name, MetricColumn.change))
    moved = 0.0 if total is None or row[total] is None else float(row[total])
    way = (moved > 0) - (moved < 0)  # +1 up, -1 down, 0 flat
    changes = []
    for output in plan.outputs[1:]:
        column = index.get(output_column(output.name, MetricColumn.change))
        if column is None or row[column] is None:
            continue
        change, weight = float(row[column]), base.metric.weights.get(output.metric.name)
        effect = change * weight if weight is not None else change
        text = f"{_label(output)} {change:+,.1f}" + (f" ({effect:+,.1f} points of {_label(base)})" if weight else "")
        changes.append((effect * way if way else abs(effect), text))
    if len(changes) < 2:
        return ""
    return "Moved most: " + ", ".join(text for _, text in sorted(changes, reverse=True)[:LIST_REASONS]) + ". "


def _first_rows(plan: Plan, rows: Sequence[Sequence[Any]], index: dict[str, int]) -> list[str]:
    """The first rows spelled out with their values: why each account (or group) is in the list."""
    members = _membership(plan)
    lines = []
    shown = [o for o in plan.outputs if o.name not in members and o.metric.unit is not Unit.date]
    entity = any(d.entity for d in plan.dimensions)
    if not plan.query.order_by and not entity and shown:  # a breakdown in words: its largest groups, not A, B, C
        column = index[shown[0].name]
        rows = sorted(rows, key=lambda r: -float(r[column]) if r[column] is not None else float("inf"))
        valued = [r for r in rows if r[column] is not None]
        if len(valued) > LIST_REASONS:  # and the smallest, so the weakest group is never left unsaid
            rows = [*valued[:LIST_REASONS - 1], valued[-1]]
    for row in rows[:LIST_REASONS]:
        name = ", ".join(_named(row[index[d.name]], d) for d in plan.dimensions) or str(row[index["period_start"]])
        values = []
        for output in plan.outputs:
            if output.name in members:
                continue
            value = format_value(row[index[output.name]], output.metric.unit)
            change = index.get(output_column(output.name, MetricColumn.change))
            if change is not None and row[change] is not None:
                value += f" ({float(row[change]):+,.1f})"
            elif not plan.query.metric_filters and row[index[output.name]] is not None and output.metric.benchmarks:
                verdict = short_verdict(place(output.metric, row[index[output.name]], plan.reported[0].period))
                value += f" ({verdict})" if verdict else ""  # a breakdown's groups against the benchmark
            values.append(f"{_label(output)} {value}")
        lines.append(f"{name}: {', '.join(values)}.")
    thresholds = [f for f in plan.query.metric_filters if f.metric not in members]
    if thresholds:
        named = {o.name: _label(o) for o in plan.outputs}
        lines.append("Each row is listed because it meets " + "; ".join(
            f"{named.get(f.metric, f.metric)}{'' if f.column is MetricColumn.value else ' ' + f.column.value.replace('_', ' ')} "
            f"{f.op.value} {f.value:g}" for f in thresholds) + ".")
    for output in plan.outputs:
        if output.name in members:
            definition = output.metric.formula.removeprefix("count of ")
            lines.append(f"Each account is listed because it is one of the {output.metric.label}: {definition}.")
    return lines


def _list_totals(plan: Plan, rows: Sequence[Sequence[Any]], index: dict[str, int]) -> list[str]:
    """Over a list of more rows than the paragraph spells out: money summed, and how many got worse."""
    if len(rows) <= LIST_REASONS or not plan.dimensions:
        return []
    parts = []
    for output in plan.outputs:
        metric = output.metric
        if metric.unit is Unit.currency:
            total = sum(float(r[index[output.name]]) for r in rows if r[index[output.name]] is not None)
            parts.append(f"{_label(output)} {format_value(total, metric.unit)} in all")
        change = index.get(output_column(output.name, MetricColumn.change))
        if change is not None and metric.direction is not Direction.neutral:
            sign = -1 if metric.direction is Direction.higher_is_better else 1
            worse = sum(1 for r in rows if r[change] is not None and sign * float(r[change]) > 0)
            parts.append(f"{_label(output)} worse than the period before for {worse:,} of {len(rows):,}")
    return [_sentence(parts)] if parts else []


def _membership(plan: Plan) -> set[str]:
    """Counts of accounts asked as 'is one' (> 0) in an account list: 1 on every row, so the definition says why instead."""
    return {f.metric for f in plan.query.metric_filters
            if f.op.value == ">" and f.value == 0 and f.column is MetricColumn.value
            and any(o.name == f.metric and o.metric.counts for o in plan.outputs)}


MAX_BARS = 50  # a bar chart of more accounts than this is unreadable


def chart_suggestion(plan: Plan, rows: int = 0) -> dict[str, Any] | None:
    """A line over time for a trend, bars for a breakdown, nothing for a single number.

    In a list of entities, a metric that counts the entity (1 for each listed account) and a countdown are what put
    the rows there, not something to compare; a list of more rows than bars can be read has no chart."""
    first = plan.dimensions[0] if plan.dimensions else None
    listing = first is not None and first.entity is not None and len(plan.reported) == 1
    metrics = [o.name for o in plan.outputs if o.metric.unit is not Unit.date
               and not (listing and (o.metric.counts == first.entity or o.metric.horizon))]
    first = first.name if first is not None else None
    if not metrics or (listing and rows > MAX_BARS):
        return None
    if len(plan.reported) > 1:
        return {"kind": "line", "x": "period_start", "y": metrics, "series": first}
    if first is not None:
        return {"kind": "bar", "x": first, "y": metrics, "series": plan.dimensions[1].name if len(plan.dimensions) > 1 else None}
    return None
