"""Warnings an answer must carry: small samples, partial periods, and broken invariants.

Pure functions over a compiled plan and its result rows. A small sample is read from the
ratio's own denominator (responses, tickets, accounts), which the main query carries in hidden
columns (`CompiledQuery.samples`); a broken invariant (GRR above 100%, DAU above MAU, a share outside
0–100%) means a bug in a definition or in the data, and the answer says so instead of
presenting the number.
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from assistant.formatting import format_value, lower_first
from semantic_layer.catalog import Catalog
from semantic_layer.model import Metric, TimeMode
from semantic_layer.plan import Plan

SMALL_SAMPLE = 30
"""Fewer responses, tickets or accounts than this behind a rate make it unreliable (NPS, CSAT: 30 responses)."""



def is_share(metric: Metric) -> bool:
    """A share of a whole: the numerator counts a filtered part of what the denominator counts."""
    ratio = metric.ratio
    return (ratio is not None and ratio.numerator.agg is ratio.denominator.agg and ratio.numerator.expr == ratio.denominator.expr
            and ratio.numerator.filter is not None and ratio.denominator.filter is None)


def small_sample_warnings(plan: Plan, smallest: Mapping[str, Any]) -> list[str]:
    """One warning per counted rate whose smallest group has fewer than SMALL_SAMPLE behind it (`smallest`: output
    name → its smallest denominator, as `semantic_layer.compile.split_samples` reads it off the result)."""
    labels = {o.name: o.metric.label for o in plan.outputs}
    out = []
    for name, count in smallest.items():
        if count is not None and float(count) < SMALL_SAMPLE:
            where = " in at least one row" if plan.dimensions or len(plan.reported) > 1 else ""
            out.append(f"Small sample: {labels[name]} rests on only {int(count)} responses or records{where} "
                       f"(fewer than {SMALL_SAMPLE}); treat it as a signal, not a measurement.")
    return out


def partial_period_warnings(plan: Plan, as_of: date) -> list[str]:
    """The reported periods that are not complete at as_of (the current month or quarter); for sources whose rows
    are scheduled ahead (contract terms), what was scheduled by then."""
    scheduled = bool(plan.scans) and all(scan.source.scheduled for scan in plan.scans)
    out = []
    for row in plan.reported:
        period = row.period
        if period.end > as_of and scheduled:
            out.append(f"Scheduled, not final: {period.label()} runs past the data's last day ({as_of.isoformat()}); "
                       f"this is what was scheduled for it on that day.")
        elif period.end > as_of:
            out.append(f"Partial period: {period.label()} is not complete; the data runs to {as_of.isoformat()}.")
    return out


def _values(columns: Sequence[str], rows: Sequence[Sequence[Any]], name: str) -> list[float | None]:
    if name not in columns:
        return []
    i = list(columns).index(name)
    return [float(r[i]) if isinstance(r[i], (int, float, decimal.Decimal)) and not isinstance(r[i], bool) else None
            for r in rows]


def broken_invariants(plan: Plan, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    """Every value the definitions make impossible: each one is a bug, never an answer."""
    problems = []
    outputs = {o.name: o.metric for o in plan.outputs}
    for name, metric in outputs.items():
        values = [v for v in _values(columns, rows, name) if v is not None]
        bounds = metric.bounds
        upper = bounds.upper if bounds and bounds.upper is not None else metric.scale if is_share(metric) else None
        lower = bounds.lower if bounds and bounds.lower is not None else 0.0 if is_share(metric) else None
        if upper is not None and any(v > upper + 1e-9 for v in values):
            problems.append(f"{metric.label} came out above {upper:g} ({max(values):.1f}), which its definition rules out")
        if lower is not None and any(v < lower - 1e-9 for v in values):
            problems.append(f"{metric.label} came out below {lower:g} ({min(values):.1f}), which its definition rules out")
    starts, ends = _dates(columns, rows, "period_start"), _dates(columns, rows, "period_end")
    for name, metric in outputs.items():  # the catalogue's own invariants: DAU never above MAU, GRR never above NRR
        for higher in metric.at_most:
            if higher not in outputs:
                continue
            lows, highs = _values(columns, rows, name), _values(columns, rows, higher)
            if any(a is not None and b is not None and a > b + 1e-9 and
                   _within(plan, metric, outputs[higher], start, end) for a, b, start, end in zip(lows, highs, starts, ends)):
                problems.append(f"{metric.label} came out above {outputs[higher].label}, which cannot happen")
    return problems


def _dates(columns: Sequence[str], rows: Sequence[Sequence[Any]], name: str) -> list[date | None]:
    if name not in columns:
        return [None] * len(rows)
    i = list(columns).index(name)
    return [r[i] if isinstance(r[i], date) else None for r in rows]


def _within(plan: Plan, low: Metric, high: Metric, start: date | None, end: date | None) -> bool:
    """Whether `low` reads days that `high` reads too, so it cannot exceed it: October's average DAU counts users of
    October 1st, whom WAU (the last 7 days) never sees, so for a month DAU above WAU is possible, not a bug."""
    if start is None or end is None:
        return True

    def first_day(metric: Metric) -> date:
        source = plan.catalog.sources.get(metric.source or "")
        if source is not None and source.mode is TimeMode.trailing_days:
            return end - timedelta(days=source.days - 1)
        return start

    return first_day(low) >= first_day(high)


def overdue_sentence(overdue: Metric, catalog: Catalog, columns: Sequence[str], rows: Sequence[Sequence[Any]],
                     entity: str, question: str | None, named: int = 3) -> str:
    """'Not in this list, as their date has already passed: 22 overdue renewals — Acme (overdue term end 2026-10-11,
    …); … Ask: “…”': what a list of what is coming up leaves out, still undecided, because its time has passed."""
    index = {c: i for i, c in enumerate(columns)}
    evidence = [catalog.metrics[e] for e in overdue.evidence if e in index]
    total = sum(int(row[index[overdue.name]] or 0) for row in rows)

    def one(row: Sequence[Any]) -> str:
        shown = ", ".join(f"{lower_first(m.label)} {format_value(row[index[m.name]], m.unit)}" for m in evidence)
        return f"{row[index[entity]]}" + (f" ({shown})" if shown else "")

    first = evidence[0] if evidence else None
    if first is not None:  # the longest passed first (its evidence is when it passed)
        rows = sorted(rows, key=lambda row: (row[index[first.name]] is None, row[index[first.name]]))
    names = "; ".join(one(row) for row in rows[:named]) + (f"; and {len(rows) - named:,} more" if len(rows) > named else "")
    ask = f" Ask: “{question}”" if question else ""
    return f"Not in this list, as their date has already passed: {total:,} {lower_first(overdue.label)} — {names}.{ask}"


def overdue_question(overdue: Metric, catalog: Catalog) -> str | None:
    """The declared question that lists what has passed undecided (its first evidence's, else its own)."""
    first = next((catalog.metrics[e] for e in overdue.evidence if e in catalog.metrics), None)
    return first.question if first is not None and first.question else overdue.question
