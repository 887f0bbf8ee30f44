"""An Answer as people see it in the chat app: pure functions, no Gradio, no database.

Each function takes an `Answer` (and the catalogue, for units, labels and benchmarks) and
returns plain data: Markdown text, a plotly figure, table cells formatted by unit, CSV
text, or the SQL in another dialect. The app (`assistant/app/app.py`) only places them.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
import sqlglot

from assistant.answer import Answer, Status
from assistant.formatting import MISSING, format_change, format_value
from assistant.guard import contract_relations
from assistant.rls import restrict
from assistant.verdict import place, verdict_text
from assistant.viewer import Viewer
from semantic_layer.catalog import Catalog
from semantic_layer.compile import DIALECTS, compile_query, output_column
from semantic_layer.describe import benchmark_text
from semantic_layer.errors import UnknownNameError
from semantic_layer.model import Metric, Unit
from semantic_layer.periods import Period, split
from semantic_layer.query import FilterOp, MetricColumn, SemanticQuery

PERIOD_START, PERIOD_END = "period_start", "period_end"
PERIOD_LABEL = "Period"
WHY_LABEL = "Why on the list"
_SUFFIX = {f"__{c.value}": c for c in MetricColumn if c is not MetricColumn.value}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class ColumnSpec:
    """One result column: its name in the answer, its heading, and how its numbers read."""

    name: str
    label: str
    unit: Unit | None = None
    part: MetricColumn | None = None  # which of a metric's columns; None for periods and dimensions

    def format(self, value: Any) -> str:
        """The cell as text: 104.2%, $12,300, 34 days, +2.1 pp …"""
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


def _metric(catalog: Catalog, name: str) -> Metric | None:
    try:
        return catalog.metric(name)
    except UnknownNameError:
        return None


def _split_metric_column(column: str) -> tuple[str, MetricColumn]:
    for suffix, part in _SUFFIX.items():
        if column.endswith(suffix):
            return column[: -len(suffix)], part
    return column, MetricColumn.value


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
        try:
            label = catalog.dimension(column).label
        except UnknownNameError:
            label = column.replace("_", " ").capitalize()
        specs.append(ColumnSpec(column, label))
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


def period_label(start: Any, end: Any) -> str:
    """A period as people name it: 'Sep 2026', 'Q3 2026', '2025', else '2026-08-03 – 2026-10-31'."""
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
        return first.isoformat()
    return f"{first.isoformat()} – {last.isoformat()}"


# --- the table ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Table:
    """The result as shown beside the chat: headings, raw values (for sorting) and display text."""

    headers: list[str]
    values: list[list[Any]]
    display: list[list[str]]


def _sortable(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def result_table(answer: Answer, catalog: Catalog) -> Table:
    """The answer's rows for the sortable table: one Period column (when rows cover several periods),
    numbers formatted by unit, and for an account list a column saying why each account is on it."""
    specs = column_specs(answer, catalog)
    names = [s.name for s in specs]
    periods = {(row[names.index(PERIOD_START)], row[names.index(PERIOD_END)]) for row in answer.rows} \
        if PERIOD_START in names and PERIOD_END in names else set()
    has_period = len(periods) > 1  # one period for every row is said in the message, not repeated per row
    reasons = list_reasons(answer, catalog)
    flags = _flag_columns(answer, catalog) if reasons is not None else set()  # said in "Why on the list" instead
    shown = [s for s in specs if s.name not in (PERIOD_START, PERIOD_END) and s.name not in flags]
    headers = ([PERIOD_LABEL] if has_period else []) + [s.label for s in shown]
    if reasons is not None:
        headers.append(WHY_LABEL)
    values, display = [], []
    for index, row in enumerate(answer.rows):
        cells = dict(zip(names, row))
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
    return Table(headers, values, display)


def markdown_table(table: Table, max_rows: int = 12, columns: list[str] | None = None) -> str:
    """The first rows of a table as a Markdown table (for a message), with a count of the rest;
    `columns` picks headings to keep (all by default)."""
    keep = [i for i, h in enumerate(table.headers) if columns is None or h in columns]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(cells[i].replace("|", "\\|") for i in keep) + " |"

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

_OP_TEXT = {FilterOp.lt: "<", FilterOp.le: "≤", FilterOp.gt: ">", FilterOp.ge: "≥", FilterOp.eq: "=", FilterOp.ne: "≠"}


def list_reasons(answer: Answer, catalog: Catalog) -> list[str] | None:
    """For a list of accounts, per row the values that put the account on the list; None otherwise.

    The reasons are the metric filters of the query (e.g. 'Health score 42.0 (< 50)'), then
    the metric the list is ranked by; a list with neither names the metrics shown."""
    query = _query(answer)
    if query is None or not answer.rows or not any(catalog.dimensions[d].entity for d in query.dimensions
                                                    if d in catalog.dimensions):
        return None
    specs = {s.name: s for s in column_specs(answer, catalog)}
    index = {c: i for i, c in enumerate(answer.columns)}
    parts: list[tuple[str, str]] = []  # (column, condition text)
    for f in query.metric_filters:
        column = output_column(f.metric, f.column)
        spec = specs.get(column)
        bound = spec.format(f.value) if spec else format_value(f.value)
        parts.append((column, f"({_OP_TEXT.get(f.op, f.op.value)} {bound})"))
    for order in query.order_by:
        column = output_column(order.field, order.column)
        if column in specs and specs[column].unit is not None and column not in [c for c, _ in parts]:
            parts.append((column, "(highest first)" if order.descending else "(lowest first)"))
    if not parts:
        parts = [(s.name, "") for s in specs.values() if s.unit is not None]
    parts = [(c, t) for c, t in parts if c in index]
    flags = _flag_columns(answer, catalog)
    return ["; ".join(specs[c].label if c in flags else f"{specs[c].label} {specs[c].format(row[index[c]])} {t}".rstrip()
                      for c, t in parts) for row in answer.rows]


def _flag_columns(answer: Answer, catalog: Catalog) -> set[str]:
    """The columns of metrics that count the listed entity: 1 on every listed row, so what matters is their name."""
    query = _query(answer)
    if query is None:
        return set()
    entities = {catalog.dimensions[d].entity for d in query.dimensions if d in catalog.dimensions} - {None}
    outputs = _metric_names(query)
    return {c for c in answer.columns if (m := _metric(catalog, outputs.get(c, c))) is not None and m.counts in entities}


# --- the narrative -----------------------------------------------------------------------

def benchmark_band(metric: Metric, value: Any, period: Period | None) -> str | None:
    """Where the value over `period` stands against its bands, on their basis ('≈ 14.5% annualised: systemic
    problem (> 10% a year)', 'healthy (100–110% a year)'); None when it cannot be judged."""
    placing = place(metric, value, period)
    return verdict_text(placing) if placing is not None else None


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
        band = benchmark_band(metric, cells[output], _row_period(answer, cells))
        value = format_value(cells[output], metric.unit)
        verdict = f" — **{band}**" if band else ""
        lines.append(f"{metric.label}: **{value}**{verdict} (typical benchmark: {benchmark})")
    return lines


def narrative_markdown(answer: Answer, catalog: Catalog) -> str:
    """The message: the answer's sentence, the benchmark band of a headline number, the notes."""
    parts = [answer.message]
    lines = benchmark_lines(answer, catalog)
    if lines and "benchmark" not in answer.message.lower():
        parts.append("\n".join(f"- {line}" for line in lines))
    if answer.status is Status.ANSWERED and len(answer.rows) > 1:
        parts.append(f"_{len(answer.rows):,} rows — the full table is beside the chat._")
    if answer.warnings:
        parts.append("\n".join(f"> {w}" for w in answer.warnings))
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
        parts.append(f"**Understood as:** {answer.interpretation}")
    if definitions := _definition_lines(answer, catalog):
        parts.append("**Definitions**\n" + "\n".join(definitions))
    if answer.planner:
        parts.append(f"_Planner: {answer.planner}" + (f" — {answer.route_reason}_" if answer.route_reason else "_"))
    sql = sql if sql is not None else answer.sql
    if sql:
        parts.append(f"**SQL** ({dialect}):\n\n```sql\n{sql.strip()}\n```")
    if answer.detail and not answer.ok:
        parts.append(f"**Detail:** {answer.detail}")
    return "\n\n".join(parts)


# --- SQL in another dialect --------------------------------------------------------------

def sql_in_dialect(answer: Answer, dialect: str, viewer: Viewer, catalog: Catalog) -> str:
    """The answer's SQL in `dialect`: the compiled query (row-level security applied for a
    CSM) when the answer came from a semantic query, else the SQL that ran, transpiled."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r}; choose one of {', '.join(DIALECTS)}")
    query = _query(answer)
    if query is not None:
        compiled = compile_query(query, catalog)
        restricted = restrict(compiled.tree, viewer, contract_relations())
        if restricted.accepted:
            return restricted.expression.sql(dialect=dialect, pretty=True)
    if not answer.sql:
        return ""
    if dialect == "duckdb":
        return answer.sql
    return ";\n".join(sqlglot.transpile(answer.sql, read="duckdb", write=dialect, pretty=True))


# --- the chart ---------------------------------------------------------------------------

def chart_figure(answer: Answer, catalog: Catalog) -> go.Figure | None:
    """A plotly figure for the answer's chart spec: lines for a trend, bars for a breakdown; None
    when the spec is missing, names unknown columns, or there is nothing to draw."""
    spec = answer.chart
    if not spec or len(answer.rows) < 2:
        return None
    index = {c: i for i, c in enumerate(answer.columns)}
    x, ys, series = spec.get("x"), list(spec.get("y") or []), spec.get("series")
    if x not in index or not ys or any(y not in index for y in ys) or (series and series not in index):
        return None
    specs = {s.name: s for s in column_specs(answer, catalog)}
    ys = [y for y in ys if specs[y].unit == specs[ys[0]].unit]  # one axis: only metrics of the first one's unit
    groups: dict[Any, list[list[Any]]] = {}
    for row in answer.rows:
        groups.setdefault(row[index[series]] if series else None, []).append(row)
    figure = go.Figure()
    for y in ys:
        for key, rows in groups.items():
            figure.add_trace(_trace(spec.get("kind"), _trace_name(key, specs[y].label, series, len(ys)),
                                    [_chart_x(r, index, x) for r in rows],
                                    [r[index[y]] for r in rows], specs[y]))
    unit = specs[ys[0]].unit
    figure.update_layout(
        height=320, margin=dict(l=50, r=20, t=40, b=40), template="plotly_white",
        title=dict(text=", ".join(specs[y].label for y in ys), font=dict(size=14)),
        showlegend=len(figure.data) > 1, legend=dict(orientation="h", y=-0.2),
        yaxis=dict(ticksuffix="%" if unit is Unit.percent else "", tickprefix="$" if unit is Unit.currency else ""),
    )
    return figure


def _trace_name(key: Any, label: str, series: str | None, metrics: int) -> str:
    """'SMB' for one metric split by segment, 'SMB · NRR' for several, the metric's label without a series."""
    if not series:
        return label
    return f"{key} · {label}" if metrics > 1 else str(key)


def _trace(kind: str | None, name: str, xs: list[Any], raw: list[Any], column: ColumnSpec) -> go.Scatter | go.Bar:
    values = [None if v is None else float(v) for v in raw]
    text = [column.format(v) for v in raw]
    hover = "%{x}: %{text}<extra>%{fullData.name}</extra>"
    if kind == "line":
        return go.Scatter(x=xs, y=values, mode="lines+markers", name=name, text=text, hovertemplate=hover)
    return go.Bar(x=xs, y=values, name=name, text=text, textposition="auto", hovertemplate=hover)


def _chart_x(row: list[Any], index: dict[str, int], x: str) -> Any:
    if x == PERIOD_START and PERIOD_END in index:
        return period_label(row[index[PERIOD_START]], row[index[PERIOD_END]])
    value = row[index[x]]
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value
