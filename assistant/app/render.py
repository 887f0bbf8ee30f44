"""An Answer as people see it in the chat app: pure functions, no Gradio, no database.

Each function takes an `Answer` (and the catalogue, for units, labels and benchmarks) and
returns plain data: Markdown text, a plotly figure as a JSON-ready dict, table cells formatted
by unit, CSV text, or the SQL in another dialect. The app (`assistant/app/app.py`) only places them.
Nothing here compiles again: the SQL comes from the CompiledQuery the answer ran (`answer.compiled`).
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import functools
import io
import math
from dataclasses import dataclass
from typing import Any

from plotly.colors import qualitative
import sqlglot

from assistant.answer import Answer, Status
from assistant.app.markup import CUT_NOTE, MAX_CHARS, cut, fence, plain
from assistant.formatting import MISSING, format_change, format_value
from assistant.guard import contract_relations
from assistant.narrative import MAX_BARS, list_order, row_reasons
from assistant.rls import restrict
from assistant.verdict import verdict
from assistant.viewer import Viewer
from semantic_layer.catalog import Catalog
from semantic_layer.compile import DIALECTS, WIDTH, output_column
from semantic_layer.describe import benchmark_text
from semantic_layer.errors import SemanticLayerError
from semantic_layer.model import Dimension, Metric, TimeGrain, Unit
from semantic_layer.periods import Period, next_grain_start, split
from semantic_layer.plan import Plan, plan_query
from semantic_layer.query import MetricColumn, SemanticQuery
from semantic_layer.validate import normal_term

PERIOD_START, PERIOD_END = "period_start", "period_end"
PERIOD_LABEL = "Period"
WHY_LABEL = "Why on the list"
MEASURE_LABEL = "Measure"
CELL_CHARS = 200  # a cell of a table in a message; the table beside the chat has the whole value
_SUFFIX = {f"__{c.value}": c for c in MetricColumn if c is not MetricColumn.value}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class ColumnSpec:
    """One result column: its name in the answer, its heading, and how its numbers read."""

    name: str
    label: str
    unit: Unit | None = None
    part: MetricColumn | None = None  # which of a metric's columns; None for periods and dimensions
    grain: TimeGrain | None = None  # a dimension whose values start periods of this grain (a signup cohort)

    def format(self, value: Any) -> str:
        """The cell as text: 104.2%, $12,300, 34 days, +2.1 pp, a cohort 'Q2 2025' …"""
        if self.grain is not None and _as_date(value) is not None:
            return grain_label(_as_date(value), self.grain)
        if self.part is MetricColumn.change:
            return format_change(value, self.unit)
        if self.part is MetricColumn.change_pct:
            return format_value(value, Unit.percent, signed=True)
        return format_value(value, self.unit)


# --- columns -----------------------------------------------------------------------------

def _query(answer: Answer) -> SemanticQuery | None:
    if not answer.query:
        return None
    try:
        return SemanticQuery.model_validate(answer.query)
    except ValueError:
        return None


def _metric_names(query: SemanticQuery | None) -> dict[str, str]:
    """Output name → catalogue metric name (a MetricRef's alias names its metric)."""
    if query is None:
        return {}
    return {m if isinstance(m, str) else m.alias: m if isinstance(m, str) else m.name for m in query.metrics}


_NAMES: dict[int, tuple[Catalog, dict[str, Metric], dict[str, Dimension]]] = {}


def _names(catalog: Catalog) -> tuple[dict[str, Metric], dict[str, Dimension]]:
    """Metrics and dimensions by every name and synonym, compared as `Catalog.metric` compares them (the first
    entry wins); built once per catalogue, since most columns are not metrics and the catalogue's own lookup
    raises (with did-you-mean suggestions) for each of them."""
    held = _NAMES.get(id(catalog))
    if held is None or held[0] is not catalog:
        index = [{}, {}]
        for names, entries in zip(index, (catalog.metrics, catalog.dimensions)):
            for entry in entries.values():
                for term in (entry.name, *getattr(entry, "synonyms", ())):
                    names.setdefault(normal_term(term), entry)
        held = _NAMES[id(catalog)] = (catalog, *index)
    return held[1], held[2]


def _metric(catalog: Catalog, name: str) -> Metric | None:
    return catalog.metrics.get(name) or _names(catalog)[0].get(normal_term(name))


def _dimension(catalog: Catalog, name: str) -> Dimension | None:
    return catalog.dimensions.get(name) or _names(catalog)[1].get(normal_term(name))


def _split_metric_column(column: str) -> tuple[str, MetricColumn]:
    for suffix, part in _SUFFIX.items():
        if column.endswith(suffix):
            return column[: -len(suffix)], part
    return column, MetricColumn.value


_PART_HEADING = {MetricColumn.value: "Value", MetricColumn.previous: "Previous", MetricColumn.change: "Change",
                 MetricColumn.change_pct: "Change %"}
_PART_LABEL = {
    MetricColumn.value: "{}",
    MetricColumn.previous: "{} (previous)",
    MetricColumn.change: "{} change",
    MetricColumn.change_pct: "{} change %",
}


def column_specs(answer: Answer, catalog: Catalog) -> list[ColumnSpec]:
    """A spec per answer column: metric columns get their metric's unit and label, dimensions their label."""
    outputs = _metric_names(_query(answer))
    specs = []
    for column in answer.columns:
        output, part = _split_metric_column(column)
        metric = _metric(catalog, outputs.get(output, output))
        if metric is not None:
            label = metric.label if output == metric.name else f"{metric.label} [{output.replace('_', ' ')}]"
            specs.append(ColumnSpec(column, _PART_LABEL[part].format(label), metric.unit, part))
            continue
        dimension = _dimension(catalog, column)
        label, grain = (dimension.label, dimension.grain) if dimension is not None else \
            (column.replace("_", " ").capitalize(), None)
        specs.append(ColumnSpec(column, label, grain=grain))
    return specs


# --- periods -----------------------------------------------------------------------------

def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _day(day: dt.date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def period_label(start: Any, end: Any) -> str:
    """A period as people name it: 'Sep 2026', 'Q3 2026', '2025', 'Week of 3 Aug 2026', '28–30 Sep 2026',
    '3 Aug – 31 Oct 2026', '31 Oct 2026'."""
    first, last = _as_date(start), _as_date(end)
    if first is None or last is None:
        return f"{format_value(start)} – {format_value(end)}"
    next_day = last + dt.timedelta(days=1)
    months = (next_day.year - first.year) * 12 + next_day.month - first.month
    if first.day == 1 and next_day.day == 1:
        if months == 1:
            return f"{_MONTHS[first.month - 1]} {first.year}"
        if months == 3 and first.month % 3 == 1:
            return f"Q{first.month // 3 + 1} {first.year}"
        if months == 12 and first.month == 1:
            return str(first.year)
    if first == last:
        return _day(first)
    if first.weekday() == 0 and (last - first).days == 6:
        return f"Week of {_day(first)}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{_day(last)}"
    if first.year == last.year:
        return f"{first.day} {_MONTHS[first.month - 1]} – {_day(last)}"
    return f"{_day(first)} – {_day(last)}"


def grain_label(start: dt.date, grain: TimeGrain) -> str:
    """The period of `grain` starting on `start`, named as `period_label` names it: a cohort 'Q2 2025'."""
    return period_label(start, next_grain_start(start, grain) - dt.timedelta(days=1))


# --- the table ---------------------------------------------------------------------------

MAX_COLUMNS = 8  # columns a table shows at first; the rest are one click away


@dataclass(frozen=True)
class Table:
    """The result as shown beside the chat: headings, raw values (for sorting) and display text; `hidden` names
    the columns left out of this view (shown with all columns)."""

    headers: list[str]
    values: list[list[Any]]
    display: list[list[str]]
    hidden: tuple[str, ...] = ()

    def keep(self, columns: list[int]) -> Table:
        """The table with only `columns` (positions, in order); the others are named in `hidden`."""
        hidden = tuple(h for i, h in enumerate(self.headers) if i not in columns)
        return Table([self.headers[i] for i in columns], [[row[i] for i in columns] for row in self.values],
                     [[row[i] for i in columns] for row in self.display], self.hidden + hidden)


# What a column of the table is, in the order columns are chosen for the first view.
_KEPT, _VALUE = "kept", "value"  # a period, a dimension, what the rows are ranked or filtered by, why; a value
_RANK = {_KEPT: 0, _VALUE: 1, MetricColumn.change.value: 2, MetricColumn.previous.value: 3,
         MetricColumn.change_pct.value: 4}


FEWER_COLUMNS = "Show fewer columns"


def more_columns_label(hidden: tuple[str, ...], named: int = 3) -> str:
    """The control that shows the columns a first view leaves out: 'Show 5 more columns: A, B, C and 2 more'."""
    names = ", ".join(hidden[:named]) + (f" and {len(hidden) - named} more" if len(hidden) > named else "")
    return f"Show {len(hidden)} more column{'s' if len(hidden) != 1 else ''}: {names}"


def column_choice(kinds: list[str], limit: int = MAX_COLUMNS) -> list[int]:
    """The positions of the columns a table shows first, in their order: every period, dimension and reason column,
    then metric values, then changes, previous values and changes in percent, until `limit` columns."""
    ranked = sorted(range(len(kinds)), key=lambda i: (_RANK[kinds[i]], i))
    always = [i for i in ranked if kinds[i] == _KEPT]
    chosen = always + [i for i in ranked if kinds[i] != _KEPT][:max(limit - len(always), 0)]
    return sorted(chosen)


def _sortable(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def result_table(answer: Answer, catalog: Catalog, all_columns: bool = False) -> Table:
    """The answer's rows for the sortable table: one Period column (when rows cover several periods), numbers
    formatted by unit, and for an account list a column saying why each account is on it. At most MAX_COLUMNS
    columns unless `all_columns` (the rest named in `hidden`); one row of many metrics that is not a list (a why
    answer: a metric and its parts) reads one metric a line."""
    table, kinds = _full_table(answer, catalog)
    if all_columns:
        return table
    if len(answer.rows) == 1 and len(table.headers) > MAX_COLUMNS and WHY_LABEL not in table.headers:
        return _one_metric_a_line(answer, catalog)
    return table.keep(column_choice(kinds))


def _one_metric_a_line(answer: Answer, catalog: Catalog) -> Table:
    """A one-row answer of many metrics turned on its side: a line per dimension and per metric, with its value,
    previous value and changes as columns."""
    specs = column_specs(answer, catalog)
    cells = dict(zip(answer.columns, answer.rows[0]))
    parts = [p for p in MetricColumn if any(s.part is p for s in specs)]
    headers = [MEASURE_LABEL, *[_PART_HEADING[p] for p in parts]]
    display = [[s.label, s.format(cells[s.name]), *[""] * (len(parts) - 1)]
               for s in specs if s.part is None and s.name not in (PERIOD_START, PERIOD_END)]
    flags = _flag_columns(answer, catalog)
    for spec in specs:
        if spec.part is MetricColumn.value and spec.name not in flags:
            by_part = {s.part: s for s in specs if _split_metric_column(s.name)[0] == spec.name and s.part is not None}
            display.append([spec.label, *[by_part[p].format(cells[by_part[p].name]) if p in by_part else ""
                                          for p in parts]])
    return Table(headers, [list(row) for row in display], display)  # mixed units: sorted as they read


def _full_table(answer: Answer, catalog: Catalog) -> tuple[Table, list[str]]:
    """Every column of the table, and what each column is (for choosing the first view)."""
    specs = column_specs(answer, catalog)
    names = [s.name for s in specs]
    periods = {(row[names.index(PERIOD_START)], row[names.index(PERIOD_END)]) for row in answer.rows} \
        if PERIOD_START in names and PERIOD_END in names else set()
    has_period = len(periods) > 1  # one period for every row is said in the message, not repeated per row
    reasons = list_reasons(answer, catalog)
    flags = _flag_columns(answer, catalog) if reasons is not None else set()  # said in "Why on the list" instead
    shown = [s for s in specs if s.name not in (PERIOD_START, PERIOD_END) and s.name not in flags]
    headers = ([PERIOD_LABEL] if has_period else []) + [s.label for s in shown]
    query = _query(answer)
    asked = {output_column(o.field, o.column) for o in query.order_by} | \
        {output_column(f.metric, f.column) for f in query.metric_filters} if query is not None else set()
    kinds = ([_KEPT] if has_period else []) + [_KEPT if s.part is None or s.name in asked else
                                               _VALUE if s.part is MetricColumn.value else s.part.value for s in shown]
    if reasons is not None:
        headers.append(WHY_LABEL)
        kinds.append(_KEPT)
    values, display = [], []
    plan = _plan(answer, catalog) if reasons is not None else None
    order = list_order(plan, answer.columns, answer.rows) if plan is not None else range(len(answer.rows))
    for index in order:  # a list in the order its words name it (largest first when it was not ranked)
        cells = dict(zip(names, answer.rows[index]))
        raw = [_sortable(cells[s.name]) for s in shown]
        text = [s.format(cells[s.name]) for s in shown]
        if has_period:
            raw.insert(0, _sortable(cells[PERIOD_START]))
            text.insert(0, period_label(cells[PERIOD_START], cells[PERIOD_END]))
        if reasons is not None:
            raw.append(reasons[index])
            text.append(reasons[index])
        values.append(raw)
        display.append(text)
    return Table(headers, values, display), kinds


def markdown_table(table: Table, max_rows: int = 12, columns: list[str] | None = None) -> str:
    """The first rows of a table as a Markdown table (for a message), with a count of the rest;
    `columns` picks headings to keep (all by default)."""
    keep = [i for i, h in enumerate(table.headers) if columns is None or h in columns]
    if not keep:
        return ""

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(plain(cells[i], CELL_CHARS).replace("\n", " ") for i in keep) + " |"

    lines = [line(table.headers), line(["---"] * len(table.headers)), *(line(r) for r in table.display[:max_rows])]
    if (rest := len(table.display) - max_rows) > 0:
        lines.append(f"\n… and {rest:,} more row{'s' if rest > 1 else ''} in the table beside the chat.")
    return "\n".join(lines)


def csv_text(answer: Answer) -> str:
    """The full result as CSV: the answer's own column names and unformatted values."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(answer.columns)
    for row in answer.rows:
        writer.writerow(["" if v is None else _sortable(v) for v in row])
    return out.getvalue()


# --- account lists -----------------------------------------------------------------------

def _plan(answer: Answer, catalog: Catalog) -> Plan | None:
    """The answer's query resolved against the catalogue (no SQL), or None when it has none or it does not resolve."""
    query = _query(answer)
    if query is None:
        return None
    try:
        return plan_query(query, catalog)
    except (SemanticLayerError, ValueError):
        return None


def list_reasons(answer: Answer, catalog: Catalog) -> list[str] | None:
    """For a list of accounts, per row the values that put the account on the list, in words ('health score 42.0
    (red), open tickets 3'); None otherwise. The one rule is the narrative's `row_reasons`."""
    plan = _plan(answer, catalog)
    if plan is None or not answer.rows:
        return None
    return row_reasons(plan, answer.columns, answer.rows)


def _flag_columns(answer: Answer, catalog: Catalog) -> set[str]:
    """The columns of metrics that count the listed entity: 1 on every listed row, so what matters is their name."""
    query = _query(answer)
    if query is None:
        return set()
    entities = {catalog.dimensions[d].entity for d in query.dimensions if d in catalog.dimensions} - {None}
    outputs = _metric_names(query)
    return {c for c in answer.columns if (m := _metric(catalog, outputs.get(c, c))) is not None and m.counts in entities}


# --- the narrative -----------------------------------------------------------------------

def benchmark_band(metric: Metric, value: Any, period: Period | None, cells: dict[str, Any], catalog: Catalog) -> str | None:
    """Where the value over `period` stands against its bands, on their basis ('≈ 14.5% annualised: systemic
    problem (> 10% a year)', 'healthy (100–110% a year)'), a distribution by the shares among `cells`; None when it
    cannot be judged."""
    shares = [(m, cells[n]) for n in metric.band_shares if n in cells and (m := _metric(catalog, n)) is not None]
    return verdict(metric, value, period, shares)


def _row_period(answer: Answer, cells: dict[str, Any]) -> Period | None:
    """The period a one-row answer's values are over, from its query; None when the answer has no query."""
    query = _query(answer)
    if query is None:
        return None
    periods = split(query.time_range, query.grain)
    return periods[0] if len(periods) == 1 else next((p for p in periods if p.start == cells.get(PERIOD_START)), None)


def _answer_metrics(answer: Answer, catalog: Catalog) -> list[tuple[str, Metric]]:
    """(output column, metric) for each metric of the answer, in order, without repeats."""
    seen, found = set(), []
    outputs = _metric_names(_query(answer))
    names = [*outputs] or [m.get("name", "") for m in answer.metrics if isinstance(m, dict)]
    for output in names:
        metric = _metric(catalog, outputs.get(output, output))
        if metric is not None and output not in seen:
            seen.add(output)
            found.append((output, metric))
    return found


def benchmark_lines(answer: Answer, catalog: Catalog) -> list[str]:
    """Each metric's typical benchmark; for a one-row answer also its value and the band it falls in."""
    if not answer.rows:
        return []
    cells = dict(zip(answer.columns, answer.rows[0])) if len(answer.rows) == 1 else {}
    lines = []
    for output, metric in _answer_metrics(answer, catalog):
        benchmark = benchmark_text(metric)
        if not benchmark or output not in answer.columns:
            continue
        if output not in cells:
            lines.append(f"{metric.label} — typical benchmark: {benchmark}")
            continue
        band = benchmark_band(metric, cells[output], _row_period(answer, cells), cells, catalog)
        value = format_value(cells[output], metric.unit)
        verdict = f" — **{band}**" if band else ""
        lines.append(f"{metric.label}: **{value}**{verdict} (typical benchmark: {benchmark})")
    return lines


def narrative_markdown(answer: Answer, catalog: Catalog) -> str:
    """The message: the answer's headline in bold and its short lines as a list, the typical benchmarks (when the
    lines do not give them), the row count, the notes."""
    message, was_cut = cut(answer.message)
    headline, *rest = [plain(line) for line in message.split("\n")]
    parts = [f"**{headline}**" if answer.ok and headline else headline, "\n".join(f"- {line}" for line in rest if line)]
    if was_cut:
        parts.append(f"_{CUT_NOTE.format(limit=MAX_CHARS)}_")
    lines = benchmark_lines(answer, catalog)
    if lines and "benchmark" not in answer.message.lower():  # set apart from the answer's own lines
        parts.append("  \n".join(f"_{line}_" for line in lines))
    if answer.status is Status.ANSWERED and len(answer.rows) > 1:
        parts.append(f"_{len(answer.rows):,} rows — the full table is beside the chat._")
    if answer.warnings:
        parts.append("\n".join(f"> {plain(w)}" for w in answer.warnings))
    if answer.status is Status.CLARIFY and answer.options:
        parts.append("Pick one of the questions below, or rephrase yours.")
    return "\n\n".join(p for p in parts if p)


def _definition_lines(answer: Answer, catalog: Catalog) -> list[str]:
    lines = []
    for _output, metric in _answer_metrics(answer, catalog):
        benchmark = benchmark_text(metric)
        line = f"- **{metric.label}** (`{metric.name}`): {metric.formula.rstrip('.')}."
        lines.append(line + (f" Typical benchmark: {benchmark.rstrip('.')}." if benchmark else ""))
    return lines


def computation_markdown(answer: Answer, catalog: Catalog, sql: str | None = None, dialect: str = "duckdb") -> str:
    """'How this was computed': the interpretation, the metric definitions and the SQL in a fenced block."""
    parts = []
    if answer.interpretation:
        parts.append(f"**Understood as:** {plain(answer.interpretation)}")
    if definitions := _definition_lines(answer, catalog):
        parts.append("**Definitions**\n" + "\n".join(definitions))
    if answer.planner:
        parts.append(f"_Planner: {answer.planner}" + (f" — {answer.route_reason}_" if answer.route_reason else "_"))
    sql = sql if sql is not None else answer.sql
    if sql:
        parts.append(f"**SQL** ({dialect}):\n\n{fence(sql.strip(), 'sql')}")
    if answer.detail and not answer.ok:
        parts.append(f"**Detail:** {plain(answer.detail)}")
    return "\n\n".join(parts)


# --- SQL in another dialect --------------------------------------------------------------

def sql_in_dialect(answer: Answer, dialect: str, viewer: Viewer) -> str:
    """The answer's SQL in `dialect`: the query it compiled (row-level security applied for a
    CSM; a leader's text rendered once per dialect by the CompiledQuery) when it came from a
    semantic query, else the SQL that ran, transpiled."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r}; choose one of {', '.join(DIALECTS)}")
    compiled = answer.compiled
    if compiled is not None:
        if viewer.sees_all_accounts:
            return compiled.sql(dialect)
        restricted = restrict(compiled.tree, viewer, contract_relations())
        if restricted.accepted:
            return restricted.expression.sql(dialect=dialect, pretty=True, max_text_width=WIDTH)
    if not answer.sql:
        return ""
    if dialect == "duckdb":
        return answer.sql
    return ";\n".join(sqlglot.transpile(answer.sql, read="duckdb", write=dialect, pretty=True))


# --- the chart ---------------------------------------------------------------------------

LONG_NAME = 12  # category names longer than this (or more than MANY_BARS of them) get horizontal bars
MANY_BARS = 8
AXIS_TICKS = 5  # period labels a trend's time axis shows at most (readable on a phone); the others stay on hover
COLOURS = qualitative.Plotly
DASHES = ("solid", "dot", "dash", "dashdot")


@functools.cache
def _template() -> dict[str, Any]:
    """plotly's 'plotly_white' template as plotly.js reads it (a figure dict carries it whole, as plotly's own
    JSON of a figure does)."""
    import plotly.io

    return plotly.io.templates["plotly_white"].to_plotly_json()


def chart_spec(answer: Answer, catalog: Catalog) -> dict[str, Any] | None:
    """A plotly figure, as the JSON-ready dict plotly.js draws, for the answer's chart spec
    (`narrative.chart_suggestion`): lines over the table's period labels for a trend, ranked bars for a breakdown —
    at most the spec's `limit`, horizontal for long or many names; None when the spec is missing, names unknown
    columns, or there is nothing to draw. Plain data, not a plotly Figure: building and validating one cost more
    than the answer's query, for the same JSON."""
    spec = answer.chart
    if not spec or len(answer.rows) < 2:
        return None
    index = {c: i for i, c in enumerate(answer.columns)}
    x, ys, series = spec.get("x"), list(spec.get("y") or []), spec.get("series")
    if x not in index or not ys or any(y not in index for y in ys) or (series and series not in index):
        return None
    specs = {s.name: s for s in column_specs(answer, catalog)}
    ys = [y for y in ys if specs[y].unit == specs[ys[0]].unit]  # one axis: only metrics of the first one's unit
    line = spec.get("kind") == "line"
    rows, shown_of = (answer.rows, None) if line else _bar_rows(answer.rows, index, spec, ys[0])
    groups: dict[Any, list[list[Any]]] = {}
    for row in rows:
        groups.setdefault(row[index[series]] if series else None, []).append(row)
    names = list(dict.fromkeys(_chart_x(r, index, x, specs) for r in rows))
    flat = not line and (len(names) > MANY_BARS or max(len(str(n)) for n in names) > LONG_NAME)
    traces = []
    for m, y in enumerate(ys):
        for k, (key, group) in enumerate(groups.items()):
            trace = _trace(line, flat, _trace_name(key, specs[y].label, series, len(ys)),
                           [_chart_x(r, index, x, specs) for r in group], [r[index[y]] for r in group], specs[y])
            if line and len(ys) > 1:  # a series keeps its colour across metrics, a metric its dash
                trace["line"] = {"color": COLOURS[k % len(COLOURS)], "dash": DASHES[m % len(DASHES)]}
            traces.append(trace)
    title = ", ".join(specs[y].label for y in ys)
    if shown_of is not None:
        title += f" — {'top' if spec.get('order') == 'value' else 'first'} {len(names)} of {shown_of}; the rest in the table"
    unit = specs[ys[0]].unit
    values_axis = dict(ticksuffix="%" if unit is Unit.percent else "", tickprefix="$" if unit is Unit.currency else "")
    names_axis = dict(type="category", categoryorder="array", categoryarray=names, automargin=True)
    if flat:
        names_axis["autorange"] = "reversed"  # the first-ranked bar on top
    elif line and len(names) > AXIS_TICKS:
        step = -(-len(names) // AXIS_TICKS)
        names_axis.update(tickmode="array", tickvals=names[::step], ticktext=names[::step])
    layout = dict(
        height=max(320, 26 * len(names) + 110) if flat else 320, margin=dict(l=50, r=20, t=40, b=40),
        template=_template(), title=dict(text=title, font=dict(size=14)),
        showlegend=len(traces) > 1, legend=dict(orientation="h", y=-0.2),
        xaxis=values_axis if flat else dict(names_axis, tickangle=0),
        yaxis=names_axis if flat else values_axis,
    )
    return {"data": traces, "layout": layout}


def _bar_rows(rows: list[list[Any]], index: dict[str, int], spec: dict[str, Any], ranked_by: str
              ) -> tuple[list[list[Any]], int | None]:
    """The rows a bar chart draws, in its order (the list's own, largest value first, or the categories' own order
    for periods such as cohorts), cut to the spec's limit of categories; and how many categories there were when
    it cut (None when all are drawn)."""
    x, order = index[spec["x"]], spec.get("order")
    if order == "value":
        totals: dict[Any, float] = {}
        for row in rows:
            totals[row[x]] = totals.get(row[x], 0.0) + float(row[index[ranked_by]] or 0)
        rows = sorted(rows, key=lambda r: -totals[r[x]])
    elif order == "x":
        rows = sorted(rows, key=lambda r: (r[x] is None, r[x]))
    categories = list(dict.fromkeys(r[x] for r in rows))
    limit = min(int(spec.get("limit") or MAX_BARS), MAX_BARS)
    if len(categories) <= limit:
        return rows, None
    of = len(categories)
    if order == "value":  # of many, the ones with nothing to show are not among the top
        categories = [c for c in categories if totals[c]] or categories
    kept = set(categories[:limit])
    return [r for r in rows if r[x] in kept], of


def _trace_name(key: Any, label: str, series: str | None, metrics: int) -> str:
    """'SMB' for one metric split by segment, 'SMB · NRR' for several, the metric's label without a series."""
    if not series:
        return label
    return f"{key} · {label}" if metrics > 1 else str(key)


def _trace(line: bool, flat: bool, name: str, names: list[Any], raw: list[Any], column: ColumnSpec) -> dict[str, Any]:
    """One plotly trace as a dict: a line of markers, or bars (horizontal when `flat`)."""
    values = [float(v) if v is not None and math.isfinite(v) else None for v in raw]  # JSON has no NaN
    text = [column.format(v) for v in raw]
    if line:
        return dict(type="scatter", x=names, y=values, mode="lines+markers", name=name, text=text,
                    hovertemplate="%{x}: %{text}<extra>%{fullData.name}</extra>")
    if flat:
        return dict(type="bar", y=names, x=values, orientation="h", name=name, text=text, textposition="auto",
                    hovertemplate="%{y}: %{text}<extra>%{fullData.name}</extra>")
    return dict(type="bar", x=names, y=values, name=name, text=text, textposition="auto",
                hovertemplate="%{x}: %{text}<extra>%{fullData.name}</extra>")


def _chart_x(row: list[Any], index: dict[str, int], x: str, specs: dict[str, ColumnSpec]) -> str:
    """A point's name on the axis, as the table names it: a period 'Q2 2025', a cohort 'Q2 2025', a name."""
    if x == PERIOD_START and PERIOD_END in index:
        return period_label(row[index[PERIOD_START]], row[index[PERIOD_END]])
    return specs[x].format(row[index[x]]) if x in specs else format_value(row[index[x]])
