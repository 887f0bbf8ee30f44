"""The answer in words: one headline sentence, then at most three short lines.

Pure: a compiled plan, the result rows and the viewer in, text out. The headline is the number
and its verdict, or the one thing that stands out (the group in a worse band than every other,
the largest group, the top of a ranking, what put accounts on a list). The lines after it name
groups by size or by how far they stand out, never in the order the rows came, and name a
comparison for what it is ("a year earlier", "the month before", "4 weeks earlier"). Numbers go
through the one formatter (`assistant.formatting`), verdicts through `assistant.verdict`, and what
is known about a metric (its unit, direction, parts and weights, what it counts, what a list shows
as evidence) comes from the catalogue, never from its label's words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from assistant.formatting import format_change, format_value, is_number, lower_first, moved
from assistant.verdict import departing, is_healthy, place, short_verdict, verdict, verdict_text
from assistant.viewer import Viewer
from semantic_layer.compile import output_column
from semantic_layer.describe import benchmark_text
from semantic_layer.errors import UnknownNameError
from semantic_layer.model import Aggregation, Dimension, Direction, TimeGrain, TimeMode, Unit
from semantic_layer.periods import Period, add_months, is_whole, period_name
from semantic_layer.plan import Output, Plan, parts
from semantic_layer.query import Comparison, FilterOp, MetricColumn, MetricFilter, OrderBy

LINES = 3  # short lines after the headline
NAMED = 3  # groups or accounts one line names
LINE_CHARS = 240  # a line naming accounts stops before it is longer than this
MAX_BARS = 20  # bars a chart shows; the rest of the rows are left to the table
MAX_SERIES = 8  # lines one trend chart can tell apart

_OP_WORDS = {FilterOp.lt: "below", FilterOp.le: "of at most", FilterOp.gt: "above", FilterOp.ge: "of at least",
             FilterOp.eq: "of exactly", FilterOp.ne: "other than"}
_ADDITIVE = (Aggregation.sum, Aggregation.count, Aggregation.count_distinct)


# --- words for names, periods and comparisons ----------------------------------------------

def _label(output: Output) -> str:
    """A metric's label, with the filters it was asked with of its own ('Open tickets (ticket priority urgent)')."""
    own = "; ".join(f"{d.label.lower()} {', '.join(map(str, f.values))}" for f, d in output.filters)
    return f"{output.metric.label} ({own})" if own else output.metric.label


def _name(output: Output) -> str:
    return lower_first(_label(output))


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def in_period(period: Period) -> str:
    """'in October 2026', 'in Q3 2026', 'in the week of 2026-10-19', 'on 2026-10-31', 'from 2026-08-02 to 2026-10-31'."""
    label = period.label()
    if period.start == period.end:
        return f"on {label}"
    if " to " in label:  # a span from one named month or day to another
        return f"from {label}"
    return f"in the {label}" if is_whole(period, TimeGrain.week) and not period.is_whole_months else f"in {label}"


def _when(plan: Plan, output: Output, period: Period) -> str:
    """When a metric's value is from, as its sources place it: a snapshot is 'at the end of October 2026', a
    trailing window shorter than the period 'in the 7 days to 2026-10-31', a countdown 'from 2026-10-31'."""
    try:
        sources = [plan.catalog.sources[m.source] for m, _ in parts(output.metric, (), plan.catalog) if m.source]
    except UnknownNameError:  # a metric made for the answer (a tally's count) has no sources of its own
        sources = []
    modes = {s.mode for s in sources}
    over_the_period = any(sig.days is None for s in sources for sig in s.signals)  # tickets opened in the period
    if modes and modes <= {TimeMode.open_at_end, TimeMode.rollup, TimeMode.by_end} and not over_the_period:
        return f"at the end of {period.label()}" if period.start != period.end else f"on {period.label()}"
    if modes == {TimeMode.after_end}:
        return f"from {period.end.isoformat()}"
    windows = {s.days for s in sources if s.mode is TimeMode.trailing_days}
    if modes == {TimeMode.trailing_days} and len(windows) == 1 and period.days > next(iter(windows)):
        days = next(iter(windows))
        return f"in the {'week' if days == 7 else f'{days} days'} to {period.end.isoformat()}"
    return in_period(period)


def comparison_name(plan: Plan) -> str:
    """What the answer's values are compared with, named for what it is: 'the month before', 'the quarter before',
    'a year earlier', '4 weeks earlier', 'in the week of 2026-09-28'; '' without a comparison."""
    query = plan.query
    if query.compare is None:
        return ""
    if query.compare is Comparison.same_period_last_year:
        return "a year earlier"
    period = plan.reported[-1].period
    if query.compare is Comparison.previous_period:
        return _before(period)
    other = query.compare_with
    if other.days == period.days or (other.is_whole_months and period.is_whole_months
                                      and other.month_count == period.month_count):
        months = (period.start.year - other.start.year) * 12 + period.start.month - other.start.month
        if other.is_whole_months and period.is_whole_months and add_months(other.start, months) == period.start:
            return "a year earlier" if months == 12 else _before(period) if months == period.month_count \
                else f"{months} months earlier"
        days = (period.start - other.start).days
        if days > 0 and days % 7 == 0:
            return f"{days // 7} week{'s' if days > 7 else ''} earlier"
        if days > 0:
            return f"{days} days earlier"
    return in_period(other)


def _before(period: Period) -> str:
    if period.is_whole_months:
        months = period.month_count
        named = {1: "month", 3: "quarter", 12: "year"}
        return f"the {named[months]} before" if months in named else f"the {months} months before"
    return "the week before" if period.days == 7 else f"the {period.days} days before"


def _filter_words(op: FilterOp, values: Sequence[Any]) -> str:
    shown = [str(v) for v in values]
    if op is FilterOp.in_:
        return "is " + " or ".join(shown)
    if op is FilterOp.not_in:
        return "is not " + " or ".join(shown)
    return {FilterOp.eq: "is", FilterOp.ne: "is not"}.get(op, op.value) + " " + shown[0]


def _scope_line(plan: Plan, viewer: Viewer) -> str:
    """'Counted over your book of accounts only, where segment is Enterprise.'; '' for all accounts unfiltered."""
    filters = [f"{d.label.lower()} {_filter_words(f.op, f.values)}" for f, d in plan.filters]
    if viewer.sees_all_accounts and not filters:
        return ""
    who = "your book of accounts only (row-level security)" if not viewer.sees_all_accounts else "accounts"
    return f"Counted over {who}" + (f" where {' and '.join(filters)}" if filters else "") + "."


def _condition(plan: Plan, f: MetricFilter) -> str:
    """'health score below 60.0', 'MRR change of at least +$500': a metric filter in words, its bound in the unit."""
    output = next((o for o in plan.outputs if o.name == f.metric), None)
    metric = output.metric if output is not None else plan.catalog.metrics.get(f.metric)
    if metric is None:
        return f"{f.metric} {f.op.value} {f.value:g}"
    name = _name(output) if output is not None else lower_first(metric.label)
    if f.column is MetricColumn.value:
        return f"{name} {_OP_WORDS[f.op]} {format_value(f.value, metric.unit)}"
    if f.column is MetricColumn.change_pct:
        return f"{name} change {_OP_WORDS[f.op]} {format_value(f.value, Unit.percent, signed=True)}"
    bound = format_change(f.value, metric.unit) if f.column is MetricColumn.change else format_value(f.value, metric.unit)
    return f"{name} {f.column.value.replace('_', ' ')} {_OP_WORDS[f.op]} {bound}"


# --- the rows --------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Rows:
    """The result rows with their columns' positions."""

    plan: Plan
    rows: Sequence[Sequence[Any]]
    index: dict[str, int]

    def get(self, row: Sequence[Any], name: str, part: MetricColumn = MetricColumn.value) -> Any:
        position = self.index.get(output_column(name, part))
        return None if position is None else row[position]

    def number(self, row: Sequence[Any], name: str, part: MetricColumn = MetricColumn.value) -> float | None:
        value = self.get(row, name, part)
        return float(value) if is_number(value) else None

    def group(self, row: Sequence[Any], full: bool = False) -> str:
        """The row's group as people name it: 'Mid-Market', 'Enterprise, EMEA', a cohort 'Q2 2025' ('Q2 2025 signup
        cohort' when `full`, where the sentence names it first)."""
        return ", ".join(_named(row[self.index[d.name]], d, full) for d in self.plan.dimensions)

    def period(self, row: Sequence[Any]) -> Period:
        start = row[self.index["period_start"]] if "period_start" in self.index else None
        return next((r.period for r in self.plan.reported if r.period.start == start), self.plan.reported[-1].period)


def _named(value: Any, dimension: Dimension, full: bool = True) -> str:
    """A group's value as people name it: a signup cohort by quarter is 'Q2 2025', in full 'Q2 2025 signup cohort'."""
    if isinstance(value, date) and dimension.grain is not None:
        return f"{period_name(value, dimension.grain)}{' ' + dimension.label.lower() if full else ''}"
    return str(value)


def _shown(plan: Plan) -> list[Output]:
    """The outputs whose values the words compare: not dates, not the membership flags that are 1 on every row."""
    members = _membership(plan)
    return [o for o in plan.outputs if o.metric.unit is not Unit.date and o.name not in members]


def _membership(plan: Plan) -> set[str]:
    """Counts of entities asked as 'is one' (> 0) in a list: 1 on every row, so their definition says why instead."""
    return {f.metric for f in plan.query.metric_filters
            if f.op is FilterOp.gt and f.value == 0 and f.column is MetricColumn.value
            and any(o.name == f.metric and o.metric.counts for o in plan.outputs)}


def _with_verdict(output: Output, value: Any, period: Period) -> str:
    """'95.5% (the base is shrinking)', '$2,565,432': a value with its band's short verdict when it has one."""
    verdict = short_verdict(place(output.metric, value, period))
    return format_value(value, output.metric.unit) + (f" ({verdict})" if verdict else "")


def _by_size(r: _Rows, output: Output):
    """The sort key of rows largest first, rows without a value last: the order people name groups in."""
    return lambda row: (r.number(row, output.name) is None, -(r.number(row, output.name) or 0.0))


def _ranked(r: _Rows, output: Output) -> list[Sequence[Any]]:
    """Rows with a value, largest first."""
    return sorted((row for row in r.rows if r.number(row, output.name) is not None), key=_by_size(r, output))


def _additive(output: Output) -> bool:
    """A sum or count whose groups add up to a whole (MRR, tickets): its groups have shares of the total."""
    measure = output.metric.measure
    return measure is not None and measure.agg in _ADDITIVE and output.metric.unit in (Unit.currency, Unit.count)


def _most(output: Output) -> str:
    """'the most' of an amount or a count (the most MRR, the most accounts), 'the highest' of a rate or a score."""
    return "the most" if _additive(output) or output.metric.unit is Unit.count else "the highest"


# --- the narrative ---------------------------------------------------------------------------

def narrative(plan: Plan, columns: Sequence[str], rows: Sequence[Sequence[Any]], viewer: Viewer) -> str:
    """The answer in words: a headline sentence, then at most three short lines (newline-separated)."""
    scope = _scope_line(plan, viewer)
    if not rows:
        when = " to ".join(dict.fromkeys([plan.reported[0].period.label(), plan.reported[-1].period.label()]))
        return "\n".join(filter(None, [f"No rows match in {when}.", scope]))
    r = _Rows(plan, rows, {c: i for i, c in enumerate(columns)})
    if len(plan.reported) > 1:
        headline, lines = _trend(r)
    elif any(d.entity for d in plan.dimensions):
        headline, lines = _entity_list(r)
    elif plan.dimensions and len(rows) > 1:
        headline, lines = _breakdown(r)
    else:
        headline, lines = _single(r)
    lines = [line for line in lines if line][:LINES - (1 if scope else 0)]
    return "\n".join([_upper_first(headline), *lines, *([scope] if scope else [])])


def _single(r: _Rows) -> tuple[str, list[str]]:
    """One number: its value, when, its verdict and how it moved; then what moved it, the other values, the benchmark."""
    row, plan = r.rows[0], r.plan
    shown = _shown(plan) or list(plan.outputs)
    head, period = shown[0], plan.reported[0].period
    value = r.get(row, head.name)
    group = r.group(row)
    subject = f"{group}: {_label(head)}" if group else _label(head)
    if value is None:
        return f"{subject}: no value {_when(plan, head, period)}.", []
    shares = [(o.metric, r.get(row, o.name)) for o in plan.outputs if not o.filters]  # a distribution's verdict
    said = verdict(head.metric, value, period, shares)
    headline = f"{subject} {format_value(value, head.metric.unit)} {_when(plan, head, period)}"
    headline += f" — {said}" if said else ""
    change = _change_phrase(r, row, head)
    headline += f", {change}" if change else ""
    others = [o for o in shown[1:] if (o.metric.name not in head.metric.parts or not plan.query.compare)
              and not (said and o.metric.name in head.metric.band_shares)]  # the spread already says them
    also = [f"{_name(o)} {_with_verdict(o, r.get(row, o.name), period)}" + _change_suffix(r, row, o)
            for o in others[:NAMED] if r.get(row, o.name) is not None]
    benchmark = benchmark_text(head.metric)
    return headline + ".", [_moved_line(r, row), _upper_first(f"also: {', '.join(also)}.") if also else "",
                            f"Typical benchmark: {benchmark.rstrip('.')}." if benchmark else ""]


def _change_phrase(r: _Rows, row: Sequence[Any], output: Output) -> str:
    """'down from 100.6% the quarter before', 'no change on a year earlier', or '' without a comparison."""
    previous, change = r.get(row, output.name, MetricColumn.previous), r.get(row, output.name, MetricColumn.change)
    compared = comparison_name(r.plan)
    if not compared or previous is None or change is None:
        return ""
    if not moved(change, output.metric.unit):
        return f"no change on {compared}"
    return f"{'up' if change > 0 else 'down'} from {format_value(previous, output.metric.unit)} {compared}"


def _change_suffix(r: _Rows, row: Sequence[Any], output: Output) -> str:
    """' (+$793,690 vs a year earlier)', or '' when there is no comparison or the change is none."""
    change = r.get(row, output.name, MetricColumn.change)
    compared = comparison_name(r.plan)
    if not compared or not moved(change, output.metric.unit):
        return ""
    return f" ({format_change(change, output.metric.unit)} vs {compared})"


def _moved_line(r: _Rows, row: Sequence[Any]) -> str:
    """'What moved it since the month before: usage score −16.6 (−6.6 points of health score), …': the parts of the
    headline metric that pushed it the way it went, by their weighted effect where the catalogue gives weights; a
    part that pushed the other way is named after them."""
    plan = r.plan
    base = plan.outputs[0]
    total = r.number(row, base.name, MetricColumn.change)
    compared = comparison_name(plan)
    if total is None or not moved(total, base.metric.unit) or not base.metric.parts:
        return ""
    went = 1 if (total > 0) == (base.metric.direction is not Direction.lower_is_better) else -1  # +1 better, −1 worse
    pushes = []
    for output in plan.outputs[1:]:
        change = r.number(row, output.name, MetricColumn.change)
        if output.metric.name not in base.metric.parts or change is None or not moved(change, output.metric.unit) \
                or output.metric.direction is Direction.neutral:
            continue
        weight = base.metric.weights.get(output.metric.name)
        effect = change * (weight if weight is not None else 1)
        better = effect if output.metric.direction is Direction.higher_is_better else -effect
        points = format_value(effect, base.metric.unit, signed=True) if weight is not None else ""
        pushes.append((better * went, f"{_name(output)} {format_change(change, output.metric.unit)}", points))
    pushes.sort(key=lambda p: -p[0])
    chosen = [p for p in pushes if p[0] > 0][:NAMED] + [p for p in pushes if p[0] < 0][:1]
    if not chosen or chosen[0][0] <= 0:
        return ""
    texts = [text + (f" ({points} points{' of ' + _name(base) if i == 0 else ''})" if points else "")
             for i, (_, text, points) in enumerate(chosen)]
    along = [t for t, (push, _, _) in zip(texts, chosen) if push > 0]
    against = [t for t, (push, _, _) in zip(texts, chosen) if push < 0]
    line = f"What moved it since {compared}: {', '.join(along)}"
    return line + (f"; the other way: {against[0]}" if against else "") + "."


def _breakdown(r: _Rows) -> tuple[str, list[str]]:
    """Groups of one period: the group that stands out or the largest first, then the next ones and the smallest."""
    plan, period = r.plan, r.plan.reported[0].period
    shown = _shown(plan) or list(plan.outputs)
    head = shown[0]
    ranked = _ranked(r, head)
    if not ranked:
        return f"No {_name(head)} values {_when(plan, head, period)}.", []
    unit = head.metric.unit
    shares = [o for name in head.metric.band_shares for o in plan.outputs if o.metric.name == name and not o.filters]
    if shares and len(shares) == len(head.metric.band_shares) and not plan.query.order_by:
        return _spread_breakdown(r, head, shares)
    order_by = next((o for o in plan.query.order_by if o.field == head.name), None)
    if order_by is not None:  # ranked as asked ('themes dragging health down': the worst first), not by size
        ranked = [row for row in r.rows if r.number(row, head.name, order_by.column) is not None] or ranked
    values = {tuple(row[r.index[d.name]] for d in plan.dimensions): r.number(row, head.name) for row in ranked}
    departs = departing(head.metric, values, period) if len(values) > 2 and order_by is None else None
    if order_by is not None:
        first = ranked[0]
        evidence = [o for o in shown[1:] if o.metric.name in head.metric.evidence and o.metric.unit is unit
                    and r.get(first, o.name) is not None]  # what the ranked number is made of: 68.4 against 78.6
        beside = ", ".join(f"{_name(o)} {format_value(r.get(first, o.name), o.metric.unit)}" for o in evidence[:NAMED + 1])
        headline = f"{_ranking_headline(r, first, head, order_by, _when(plan, head, period))}" \
                   f"{f' ({beside})' if beside else ''}."
    elif departs is not None:
        standing = next(row for row in ranked if tuple(row[r.index[d.name]] for d in plan.dimensions) == departs)
        others = [v for g, v in values.items() if g != departs]
        headline = (f"{r.group(standing, full=True)} stands out on {_name(head)} {_when(plan, head, period)}: "
                    f"{_with_verdict(head, r.get(standing, head.name), period)}, against "
                    f"{format_value(min(others), unit)}–{format_value(max(others), unit)} elsewhere.")
        first = standing
    else:
        first = ranked[0]
        headline = f"{r.group(first, full=True)} has {_most(head)} {_name(head)} {_when(plan, head, period)}: " \
                   f"{_with_verdict(head, r.get(first, head.name), period)}"
        total = sum(values.values())
        if _additive(head) and total > 0 and min(values.values()) >= 0:
            headline += f", {format_value(100 * values[next(iter(values))] / total, Unit.percent)} of " \
                        f"{format_value(total, unit)} in all"
        headline += "."
    rest = [row for row in ranked if row is not first]
    named = rest[:NAMED - 1] + ([rest[-1]] if len(rest) >= NAMED else [])  # the next ones, and always the smallest
    verdicts = {short_verdict(place(head.metric, r.get(row, head.name), period)) for row in ranked}
    alike = len(verdicts) == 1 and "" not in verdicts and len(ranked) > 2  # one band for all: said once
    then = [f"{r.group(row)} " + (format_value(r.get(row, head.name), unit) if alike else
                                  _with_verdict(head, r.get(row, head.name), period)) for row in named]
    last = "last" if order_by is not None else "smallest"
    lines = [f"Then {_series(then, smallest=len(rest) >= NAMED, last=last)}"
             f"{' — all ' + next(iter(verdicts)) if alike else ''}." if then else ""]
    order = [first, *rest]
    if comparison_name(plan):
        lines.append(_changes_line(r, head, order))
    for other in shown[1:]:
        cells = [f"{r.group(row)} {_with_verdict(other, r.get(row, other.name), period)}" for row in order[:NAMED + 1]
                 if r.get(row, other.name) is not None]
        lines.append(f"{_label(other)}: {', '.join(cells)}." if cells else "")
    if plan.query.tally and plan.query.metric_filters:
        lines.append(f"Counted: {_name(head)} with {' and '.join(_condition(plan, f) for f in plan.query.metric_filters)}.")
    return headline, lines


def _spread_breakdown(r: _Rows, head: Output, shares: list[Output]) -> tuple[str, list[str]]:
    """Groups of a distribution (time to value by cohort): judged by how their rows spread over the bands, never
    the median alone — the group with the most rows past the first bound first, with its spread."""
    plan, period = r.plan, r.plan.reported[0].period
    first_bound = shares[0]
    rows = sorted((row for row in r.rows if r.number(row, first_bound.name) is not None),
                  key=lambda row: -(r.number(row, first_bound.name) or 0.0))
    if not rows:
        return f"No {_name(head)} values {_when(plan, head, period)}.", []

    def spread_of(row: Sequence[Any]) -> str:
        return verdict(head.metric, r.get(row, head.name), period, [(o.metric, r.get(row, o.name)) for o in shares]) or ""

    def past(output: Output) -> str:  # 'over 30 days': the bound a share counts past, in the metric's unit
        return f"over {format_value(output.metric.exceeding.value, head.metric.unit)}"

    top = rows[0]
    headline = (f"{r.group(top, full=True)} is furthest past the best band {_when(plan, head, period)}: "
                f"{format_value(r.get(top, first_bound.name), Unit.percent)} {past(first_bound)} "
                f"({_name(head)} {format_value(r.get(top, head.name), head.metric.unit)}) — {spread_of(top)}.")
    then = [f"{r.group(row)} {format_value(r.get(row, first_bound.name), Unit.percent)}"
            + (f" ({format_value(r.get(row, shares[-1].name), Unit.percent)} {past(shares[-1])})"
               if r.get(row, shares[-1].name) else "") for row in rows[1:NAMED + 1]]
    lines = [f"Then, {past(first_bound)}: {'; '.join(then)}." if then else ""]
    benchmark = benchmark_text(head.metric)
    lines.append(f"Typical benchmark: {benchmark.rstrip('.')}." if benchmark else "")
    return headline, lines


def _series(items: list[str], smallest: bool, last: str = "smallest") -> str:
    """'A, B and C' — or 'A, B; smallest C' when the last one named is the smallest (or the last ranked) of many."""
    if smallest and len(items) > 1:
        return f"{', '.join(items[:-1])}; {last} {items[-1]}"
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _changes_line(r: _Rows, output: Output, order: Sequence[Sequence[Any]]) -> str:
    """'Against a year earlier, all up: Enterprise +$793,690 (+44.8%), …'; groups with no change are left out."""
    unit, compared = output.metric.unit, comparison_name(r.plan)
    changes = [(row, r.number(row, output.name, MetricColumn.change)) for row in order]
    changes = [(row, c) for row, c in changes if c is not None]
    if not changes:
        return ""
    shown = [(row, c) for row, c in changes if moved(c, unit)]
    if not shown:
        return f"No change on {compared}."
    ways = {c > 0 for _, c in shown}
    way = (", all up" if ways == {True} else ", all down" if ways == {False} else "") if len(shown) == len(changes) > 1 else ""
    cells = []
    for row, change in shown[:NAMED + 1]:
        pct = r.number(row, output.name, MetricColumn.change_pct)
        extra = f" ({format_value(pct, Unit.percent, signed=True)})" if pct is not None and unit is not Unit.percent else ""
        cells.append(f"{r.group(row)} {format_change(change, unit)}{extra}")
    return f"Against {compared}{way}: {', '.join(cells)}."


def _trend(r: _Rows) -> tuple[str, list[str]]:
    """Several periods: whether the latest values are healthy (or the one that moved most), then one line per metric
    with each series' latest value, largest first, and where it started."""
    plan = r.plan
    series: dict[str, list[Sequence[Any]]] = {}
    for row in r.rows:
        series.setdefault(r.group(row), []).append(row)
    outputs = _shown(plan) or list(plan.outputs)
    weak, judged, lines, departures = [], 0, [], []
    for output in outputs[:LINES]:
        ends = {}
        for name, group_rows in series.items():
            valued = sorted((row for row in group_rows if r.number(row, output.name) is not None),
                            key=lambda row: row[r.index["period_start"]])
            if valued:
                ends[name] = (valued[0], valued[-1], valued)
        if not ends:
            continue
        for name, (_, last, _) in ends.items():
            healthy = is_healthy(output.metric, r.get(last, output.name), r.period(last))
            judged += healthy is not None
            if healthy is False:
                weak.append((output, name, last))
        lines.append(_trend_line(r, output, ends))
        latest = {(name,): r.number(last, output.name) for name, (_, last, _) in ends.items()}
        departs = departing(output.metric, latest, plan.reported[-1].period) if len(latest) > 2 else None
        if departs is not None and not any(w[0] is output and w[1] == departs[0] for w in weak):
            others = [v for g, v in latest.items() if g != departs]
            unit = output.metric.unit
            departures.append(f"{departs[0]} departs from the rest on {_name(output)} ({format_value(latest[departs], unit)} "
                              f"against {format_value(min(others), unit)}–{format_value(max(others), unit)} elsewhere).")
    latest_period = plan.reported[-1].period
    if len(series) == 1 and len(lines) == 1:
        headline = _one_series_headline(r, outputs[0], next(iter(series.values())))
    elif weak:
        named = [f"{name + ' ' if name else ''}{_name(o)} {format_value(r.get(last, o.name), o.metric.unit)} — "
                 f"{verdict_text(place(o.metric, r.get(last, o.name), r.period(last)))}" for o, name, last in weak[:2]]
        more = f", and {len(weak) - 2} more" if len(weak) > 2 else ""
        headline = f"Not everywhere healthy {in_period(latest_period)}: {'; '.join(named)}{more}."
    elif judged:
        headline = f"Healthy {in_period(latest_period)}: every latest value is in the typical healthy band or better."
    else:
        headline = _leader_headline(r, outputs[0], series)
    return headline, [*lines, *departures]


def _trend_line(r: _Rows, output: Output, ends: dict[str, tuple]) -> str:
    """'Net revenue retention, Q3 2026: SMB 102.2% (up from 100.6% in Q4 2025), Enterprise 100.8% (…), …'."""
    unit = output.metric.unit
    order = sorted(ends, key=lambda name: -r.number(ends[name][1], output.name))
    if len(order) == 1:
        return _range_line(r, output, ends[order[0]][2])
    cells = []
    for name in order[:NAMED + 1]:
        first, last, _ = ends[name]
        placing = place(output.metric, r.get(last, output.name), r.period(last))
        notes = [placing.band.label] if placing is not None and placing.band is not None else []
        if first is not last:
            way = r.number(last, output.name) - r.number(first, output.name)
            notes.append(f"{'up' if way > 0 else 'down'} from {format_value(r.get(first, output.name), unit)} "
                         f"{in_period(r.period(first))}" if moved(way, unit) else f"no change since {r.period(first).label()}")
        cells.append(f"{name} {format_value(r.get(last, output.name), unit)}" + (f" ({'; '.join(notes)})" if notes else ""))
    more = f", and {len(order) - NAMED - 1} more" if len(order) > NAMED + 1 else ""
    return f"{_label(output)}, {r.period(ends[order[0]][1]).label()}: {', '.join(cells)}{more}."


def _range_line(r: _Rows, output: Output, valued: Sequence[Sequence[Any]]) -> str:
    """'Low $2,986,328 in January 2026, high $3,978,648 in October 2026.' for one series over three periods or more."""
    if len(valued) < 3:
        return ""
    low = min(valued, key=lambda row: r.number(row, output.name))
    high = max(valued, key=lambda row: r.number(row, output.name))
    unit = output.metric.unit
    return (f"{_label(output)}: low {format_value(r.get(low, output.name), unit)} {in_period(r.period(low))}, "
            f"high {format_value(r.get(high, output.name), unit)} {in_period(r.period(high))}.")


def _one_series_headline(r: _Rows, output: Output, rows: Sequence[Sequence[Any]]) -> str:
    """'MRR $3,978,648 in October 2026, up from $2,986,328 in January 2026 (+33.2%).' with the verdict when banded."""
    valued = sorted((row for row in rows if r.number(row, output.name) is not None),
                    key=lambda row: row[r.index["period_start"]])
    first, last = valued[0], valued[-1]
    unit, value = output.metric.unit, r.get(last, output.name)
    placing = place(output.metric, value, r.period(last))
    text = f"{_label(output)} {format_value(value, unit)} {in_period(r.period(last))}"
    text += f" — {verdict_text(placing)}" if placing else ""
    change = r.number(last, output.name) - r.number(first, output.name)
    if first is not last and moved(change, unit):
        text += f", {'up' if change > 0 else 'down'} from {format_value(r.get(first, output.name), unit)} " \
                f"{in_period(r.period(first))}"
        base = r.number(first, output.name)
        if unit is not Unit.percent and base:
            text += f" ({format_value(100 * change / abs(base), Unit.percent, signed=True)})"
    elif first is not last:
        text += f", no change since {r.period(first).label()}"
    return text + "."


def _leader_headline(r: _Rows, output: Output, series: dict[str, list[Sequence[Any]]]) -> str:
    """'In October 2026, Enterprise has the highest MRR: $2,565,432.' for several series without bands."""
    latest = r.plan.reported[-1].period
    values = {name: next((r.number(row, output.name) for row in rows if r.period(row) == latest), None)
              for name, rows in series.items()}
    values = {n: v for n, v in values.items() if v is not None}
    if not values:
        return f"{_label(output)} by {', '.join(d.label.lower() for d in r.plan.dimensions)}."
    top = max(values, key=values.get)
    return f"{_upper_first(in_period(latest))}, {top} has {_most(output)} {_name(output)}: {format_value(values[top], output.metric.unit)}."


def list_order(plan: Plan, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[int]:
    """The positions of a list's rows in the order people read them: the list's own order when it was ranked, else
    by the first value it shows, largest first (never the alphabetical order the rows came in)."""
    if plan.query.order_by:
        return list(range(len(rows)))
    r = _Rows(plan, rows, {c: i for i, c in enumerate(columns)})
    key = _by_size(r, (_shown(plan) or list(plan.outputs))[0])
    return sorted(range(len(rows)), key=lambda i: key(rows[i]))


def _entity_list(r: _Rows) -> tuple[str, list[str]]:
    """A list of accounts (or CSMs): what put them there and how many — or, for a ranking, its top — then totals,
    then the next ones with the values that put each one there."""
    plan, period = r.plan, r.plan.reported[0].period
    entity = next(d for d in plan.dimensions if d.entity)
    count = len(r.rows)
    noun = lower_first(entity.label) + ("s" if count != 1 else "")
    members = [o for o in plan.outputs if o.name in _membership(plan)]
    thresholds = [f for f in plan.query.metric_filters if f.metric not in _membership(plan)]
    order = next((o for o in plan.query.order_by if any(out.name == o.field for out in plan.outputs)), None)
    if order is None and not plan.query.order_by:  # an unranked list reads largest first
        order = OrderBy(field=(_shown(plan) or list(plan.outputs))[0].name, descending=True)
    ranked_by = next((o for o in plan.outputs if order is not None and o.name == order.field), None)
    subject = members[0] if members else next((o for o in plan.outputs if thresholds and o.name == thresholds[0].metric),
                                               ranked_by or (_shown(plan) or list(plan.outputs))[0])
    when = _when(plan, subject, period)
    rows = [r.rows[i] for i in list_order(plan, list(r.index), r.rows)]
    lines = []
    if members:
        headline = f"{count:,} {noun} {'qualifies' if count == 1 else 'qualify'} as {_name(members[0])} {when}."
    elif thresholds:
        headline = f"{count:,} {noun} {'has' if count == 1 else 'have'} " \
                   f"{' and '.join(_condition(plan, f) for f in thresholds)} {when}."
    elif ranked_by is not None:  # a ranking: its top is the headline, what moved it and the next ones the lines
        top, rows = rows[0], rows[1:]
        headline = f"{_ranking_headline(r, top, ranked_by, order, when)}."
        lines.append(_moved_line(r, top))
        if count > 1 and not plan.query.limit:
            lines.append(f"{count:,} {noun} in all, ranked by {_name(ranked_by)}"
                         f"{' change' if order.column is not MetricColumn.value else ''}.")
    else:
        headline = f"{count:,} {noun} {when}."
    lines.append(_list_totals(r))
    named = [f"{row[r.index[entity.name]]}" + (f" — {reason}" if reason else "")
             for row, reason in zip(rows[:NAMED], row_reasons(plan, list(r.index), rows[:NAMED]) or [])]
    while len(named) > 1 and len("; ".join(named)) > LINE_CHARS:
        named.pop()
    if named:
        lines.append(f"{'Then' if ranked_by is not None and not (members or thresholds) else 'First'}: {'; '.join(named)}.")
    return headline, lines


def _ranking_headline(r: _Rows, top: Sequence[Any], output: Output, order, when: str) -> str:
    """'Leila Johnson has the largest drop in health score vs the month before: −10.4, to 59.4 (yellow)'."""
    unit = output.metric.unit
    if order.column in (MetricColumn.change, MetricColumn.change_pct):
        change = r.number(top, output.name, order.column)
        shown = format_change(change, unit) if order.column is MetricColumn.change else \
            format_value(change, Unit.percent, signed=True)
        size = "largest drop" if (change or 0) < 0 else "largest rise" if (change or 0) > 0 else "smallest change"
        return (f"{r.group(top)} has the {size} in {_name(output)} vs {comparison_name(r.plan)}: {shown}, to "
                f"{_with_verdict(output, r.get(top, output.name), r.plan.reported[0].period)}")
    most = _most(output) if order.descending else "the lowest"
    return f"{r.group(top)} has {most} {_name(output)} {when}: " \
           f"{_with_verdict(output, r.get(top, output.name), r.plan.reported[0].period)}"


def _list_totals(r: _Rows) -> str:
    """Over a list longer than the lines name: money summed, and for how many the first compared metric got worse."""
    plan = r.plan
    if len(r.rows) <= NAMED:
        return ""
    compared = comparison_name(plan)
    sums = [f"{_name(o)} {format_value(sum(v for row in r.rows if (v := r.number(row, o.name)) is not None), o.metric.unit)}"
            f" in all" for o in plan.outputs if _additive(o) and o.metric.unit is Unit.currency]
    worse = []
    judged = [o for o in plan.outputs if o.metric.direction is not Direction.neutral and o.name not in _membership(plan)
              and any(r.number(row, o.name, MetricColumn.change) is not None for row in r.rows)]
    if compared and judged:
        output = judged[0]
        sign = -1 if output.metric.direction is Direction.higher_is_better else 1
        count = sum(1 for row in r.rows if (c := r.number(row, output.name, MetricColumn.change)) is not None
                    and moved(c, output.metric.unit) and sign * c > 0)
        worse.append(f"{_name(output)} worse than {compared} for {count:,} of {len(r.rows):,}")
    return _upper_first("; ".join(sums + worse)) + "." if sums or worse else ""


# --- why each row is on a list -----------------------------------------------------------------

def _reason_columns(plan: Plan) -> list[tuple[Output, MetricColumn]]:
    """The values that put each entity on a list: the thresholds' columns, the evidence of a membership it was asked
    as, the metric it is ranked by; for a plain list, the metrics shown."""
    outputs = {o.name: o for o in plan.outputs}
    members = _membership(plan)
    chosen: list[tuple[Output, MetricColumn]] = []

    def add(name: str, part: MetricColumn) -> None:
        if name in outputs and name not in members and (outputs[name], part) not in chosen:
            chosen.append((outputs[name], part))

    for f in plan.query.metric_filters:
        if f.metric in members:
            evidence = outputs[f.metric].metric.evidence
            for output in plan.outputs:
                if output.metric.name in evidence:
                    add(output.name, MetricColumn.value)
        else:
            add(f.metric, f.column)
    for order in plan.query.order_by:
        add(order.field, order.column)
    if not chosen and not members:
        for output in _shown(plan):
            add(output.name, MetricColumn.value)
    return chosen


def row_reasons(plan: Plan, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str] | None:
    """For a list of entities, per row the values that put it there, in words ('health score 44.0 (red), open tickets
    2'); None when the rows are not a list of entities."""
    if not any(d.entity for d in plan.dimensions) or plan.query.tally:
        return None
    r = _Rows(plan, rows, {c: i for i, c in enumerate(columns)})
    chosen = _reason_columns(plan)
    members = [lower_first(o.metric.label) for o in plan.outputs if o.name in _membership(plan)]
    period, compared = plan.reported[0].period, comparison_name(plan)
    reasons = []
    for row in rows:
        words = []
        for output, part in chosen:
            value = r.get(row, output.name, part)
            if value is None:
                continue
            if part is MetricColumn.value:
                words.append(f"{_name(output)} {_with_verdict(output, value, period)}")
            elif part is MetricColumn.change:
                change = format_change(value, output.metric.unit) if moved(value, output.metric.unit) else "no change"
                words.append(f"{_name(output)} {change} vs {compared}")
            elif part is MetricColumn.change_pct:
                words.append(f"{_name(output)} {format_value(value, Unit.percent, signed=True)} vs {compared}")
            else:
                words.append(f"{_name(output)} {format_value(value, output.metric.unit)} {compared}")
        words += _parts_moved(r, row, [o for o, part in chosen if part is MetricColumn.value], compared)
        reasons.append(", ".join(words) or ", ".join(members))
    return reasons


PARTS_NAMED = 2  # "support score −75.0, usage score −5.9 vs the month before": what moved an account's score most


def _parts_moved(r: _Rows, row: Sequence[Any], scores: list[Output], compared: str) -> list[str]:
    """For a score shown with its parts against before: the parts that pulled it the wrong way most (by their weight
    in it), in words; [] without a comparison or parts."""
    if not compared:
        return []
    words = []
    for score in scores:
        metric = score.metric
        sign = -1 if metric.direction is Direction.higher_is_better else 1
        pulls = []
        for part in (o for o in r.plan.outputs if o.metric.name in metric.parts):
            change = r.number(row, part.name, MetricColumn.change)
            if change is not None and moved(change, part.metric.unit) and sign * change > 0:
                pulls.append((sign * change * metric.weights.get(part.metric.name, 1.0), part, change))
        named = sorted(pulls, key=lambda p: -p[0])[:PARTS_NAMED]
        if named:
            words.append(", ".join(f"{_name(part)} {format_change(change, part.metric.unit)}" for _, part, change in named)
                         + f" vs {compared}")
    return words


# --- the chart -------------------------------------------------------------------------------

def chart_suggestion(plan: Plan, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> dict[str, Any] | None:
    """What to draw, from the answer's shape and data: a line per series for a trend, ranked bars for a breakdown
    or a list, nothing for a single number.

    Never charted: dates, countdowns (a horizon), a count of the listed entity (1 on every row), a value that is
    the same on every row. A bar chart shows at most MAX_BARS bars — the top ones as the rows are ranked (by the
    list's order, else by value; a cohort in time order) — and a trend at most MAX_SERIES lines."""
    index = {c: i for i, c in enumerate(columns)}
    dimensions = list(plan.dimensions)
    entity = next((d.entity for d in dimensions if d.entity), None)
    chartable = []
    for output in plan.outputs:
        metric = output.metric
        if metric.unit is Unit.date or metric.horizon or (entity and metric.counts == entity) or output.name not in index:
            continue
        values = {row[index[output.name]] for row in rows if row[index[output.name]] is not None}
        if len(values) > 1:
            chartable.append(output)
    if not chartable or len(rows) < 2:
        return None
    ys = [o.name for o in chartable if o.metric.unit is chartable[0].metric.unit]  # one axis, one unit
    if (entity or plan.query.order_by) and len(plan.reported) == 1:  # a list or a ranking compares on one thing
        ranked = next((output_column(o.field, o.column) for o in plan.query.order_by
                       if o.field in [c.name for c in chartable] and output_column(o.field, o.column) in index), None)
        ys = [ranked or ys[0]]
    if len(plan.reported) > 1:
        if len(dimensions) > 1:
            return None
        series = dimensions[0].name if dimensions else None
        if series and len({row[index[series]] for row in rows}) > MAX_SERIES:
            return None
        return {"kind": "line", "x": "period_start", "y": ys, "series": series}
    if not dimensions:
        return None
    x = dimensions[0]
    categories = len({row[index[x.name]] for row in rows})
    order = "x" if x.grain is not None else "rows" if plan.query.order_by else "value"
    spec = {"kind": "bar", "x": x.name, "y": ys, "series": dimensions[1].name if len(dimensions) > 1 else None,
            "order": order}
    if categories > MAX_BARS:
        spec["limit"] = MAX_BARS
    return spec


def breakdown_outliers(plan: Plan, rows: Sequence[Sequence[Any]], index: dict[str, int]) -> list[str]:
    """In a breakdown (not an account list), the group whose value sits in a worse band than every other group's:
    'Mid-Market departs from the rest on Net revenue retention (95.5% against 100.8%–102.2% elsewhere).'

    `index` maps the result's column names to positions."""
    if not plan.dimensions or plan.query.metric_filters:
        return []
    r = _Rows(plan, rows, index)
    outliers = []
    for output in [o for o in plan.outputs if o.metric.benchmarks]:
        values = {tuple(row[index[d.name]] for d in plan.dimensions): v for row in rows
                  if (v := r.number(row, output.name)) is not None}
        departs = departing(output.metric, values, plan.reported[0].period) if len(values) > 2 else None
        if departs is None:
            continue
        others, unit = [v for g, v in values.items() if g != departs], output.metric.unit
        outliers.append(f"{', '.join(map(_named, departs, plan.dimensions))} departs from the rest on {_label(output)} "
                        f"({format_value(values[departs], unit)} against {format_value(min(others), unit)}–"
                        f"{format_value(max(others), unit)} elsewhere)")
    return [_upper_first("; ".join(outliers)) + "."] if outliers else []
