"""The time range and grain of a plan when the question's time words leave them open.

No period named: the latest complete default window of the metrics (the coarsest one, so
NRR next to MAU reads a quarter; a window of N periods reads the last N complete ones as one range). A trend with no period: a year of months, four quarters,
twelve weeks. Sources that count whole months only get whole months.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from semantic_layer.catalog import Catalog
from semantic_layer.model import Metric, TimeGrain
from semantic_layer.periods import Period, grain_period, grain_start, month_end

GRAIN_ORDER = (TimeGrain.day, TimeGrain.week, TimeGrain.month, TimeGrain.quarter, TimeGrain.year)
TREND_LENGTH = {TimeGrain.day: 30, TimeGrain.week: 12, TimeGrain.month: 12, TimeGrain.quarter: 4, TimeGrain.year: 3}


def latest_complete(grain: TimeGrain, as_of: date) -> Period:
    """The latest whole `grain` period that has ended by as_of."""
    current = grain_period(grain, 0, as_of)
    return current if current.end <= as_of else grain_period(grain, -1, as_of)


def trend_grain(metrics: list[Metric]) -> TimeGrain:
    """A trend's grain: the finest default window of the metrics, at least a month."""
    finest = min((m.default_window.grain for m in metrics), key=GRAIN_ORDER.index)
    return TimeGrain.month if finest in (TimeGrain.day, TimeGrain.week) else finest


def default_period(metrics: list[Metric], grain: TimeGrain | None, as_of: date) -> Period:
    """The range a question without time words is about."""
    if grain is not None:
        last = latest_complete(grain, as_of)
        first = last
        for _ in range(TREND_LENGTH[grain] - 1):
            first = grain_period(grain, -1, first.start)
        return Period(first.start, last.end)
    grains = [m.default_window.grain for m in metrics if m.default_window.grain is not TimeGrain.day]
    coarsest = max(grains or [TimeGrain.day], key=GRAIN_ORDER.index)
    last = latest_complete(coarsest, as_of)
    # A window of several periods (the cohorts of the last seven quarters) is one range, not a trend.
    count = max((m.default_window.count for m in metrics if m.default_window.grain is coarsest), default=1)
    return Period(grain_period(coarsest, 1 - count, last.start).start, last.end)


def leaves(metrics: list[Metric], catalog: Catalog) -> list[Metric]:
    """The measured metrics behind `metrics` (a derived metric's parts, recursively)."""
    out: list[Metric] = []
    for metric in metrics:
        if metric.derived is None:
            out.append(metric)
        else:
            names = re.findall(r"[a-z_][a-z0-9_]*", metric.derived)
            out += leaves([catalog.metrics[n] for n in names if n in catalog.metrics], catalog)
    return out


def whole_months_only(metrics: list[Metric], catalog: Catalog) -> bool:
    """Whether a measured metric behind `metrics` comes from a source that counts whole months only (MRR)."""
    return any(m.source in catalog.sources and catalog.sources[m.source].whole_months for m in leaves(metrics, catalog))


def fit_to_sources(period: Period, metrics: list[Metric], catalog: Catalog) -> Period:
    """`period` stretched to whole months when a metric's source counts whole months only."""
    if not whole_months_only(metrics, catalog) or period.is_whole_months:
        return period
    start = grain_start(period.start, TimeGrain.month)
    end = period.end if period.end == month_end(period.end) else grain_start(period.end, TimeGrain.month) - timedelta(days=1)
    return Period(start, max(end, month_end(start)))


def per_grain(period: Period, metrics: list[Metric]) -> TimeGrain | None:
    """A metric defined per one period of a grain (CLV per month) over a longer range is asked per that grain."""
    for metric in metrics:
        if metric.per and grain_period(metric.per, 0, period.start) != period:
            return metric.per
    return None
