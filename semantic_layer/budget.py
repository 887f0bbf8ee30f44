"""The size of a query before it is compiled: periods × groups × metrics, and the limit on it.

A query's cost is decided by its shape, long before any SQL runs: the compiled statement
holds one spine row per period, and the answer's grid is every period × every group of its
dimensions × every metric. `check_size` estimates those from the query and the catalogue
(a dimension's group count from the values known for it, passed in, else a conservative
default) and refuses a query too large with the smallest change that fits: a coarser grain,
a shorter period, or one breakdown fewer. Pure: no database, no clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from semantic_layer.errors import QueryError
from semantic_layer.model import TimeGrain
from semantic_layer.periods import Period, grain_start, week_start
from semantic_layer.query import Comparison, FilterOp, SemanticQuery

# The spine is one VALUES row per period (14-25 syntax nodes each, more with a comparison or a trailing
# window), compiled at ~0.5-1.5 ms a row, and the guard refuses statements over 10,000 nodes; a year by
# day (366 rows) is the longest series a person reads, and fits both with room to spare.
MAX_PERIODS = 366
# Periods × groups × metrics: the grid DuckDB computes and the rows the answer could hold. Every
# account by month for a year with a few metrics (~54,000) fits; every account by day for a year does not.
MAX_CELLS = 200_000
# A dimension whose values nobody counted (a computed band, a cohort): counted as this many groups.
DEFAULT_GROUPS = 100

_COARSER = (TimeGrain.day, TimeGrain.week, TimeGrain.month, TimeGrain.quarter, TimeGrain.year)
_PERIODS_PER_YEAR = {TimeGrain.day: 366, TimeGrain.week: 53, TimeGrain.month: 12, TimeGrain.quarter: 4,
                     TimeGrain.year: 1}


class QueryTooLarge(QueryError):
    """A query over the size budget; the message names its size and the smallest change that fits."""


@dataclass(frozen=True)
class QuerySize:
    """A query's estimated size: periods reported, periods only compared with, groups per period, metrics."""

    periods: int
    compared: int
    groups: int
    metrics: int

    @property
    def rows(self) -> int:
        """The spine's rows: every period computed."""
        return self.periods + self.compared

    @property
    def cells(self) -> int:
        return self.rows * self.groups * self.metrics

    @property
    def fits(self) -> bool:
        return self.rows <= MAX_PERIODS and self.cells <= MAX_CELLS


def period_count(period: Period, grain: TimeGrain | None) -> int:
    """How many `grain` periods `period` is cut into (1 with no grain), by arithmetic, never by listing them."""
    if grain is None:
        return 1
    start, end = period.start, period.end
    if grain is TimeGrain.day:
        return period.days
    if grain is TimeGrain.week:
        return (week_start(end) - week_start(start)).days // 7 + 1
    months = {TimeGrain.month: 1, TimeGrain.quarter: 3, TimeGrain.year: 12}[grain]
    first, last = grain_start(start, grain), grain_start(end, grain)
    return ((last.year - first.year) * 12 + last.month - first.month) // months + 1


def _compared(query: SemanticQuery, reported: int) -> int:
    """How many periods are computed only to be compared with (an upper bound)."""
    if query.compare is None:
        return 0
    if query.compare is Comparison.same_period_last_year and query.grain is not None:
        return min(reported, _PERIODS_PER_YEAR[query.grain])  # the year before the first reported periods
    return 1  # the period before the first, or the one other period


def _groups(query: SemanticQuery, known: Mapping[str, int]) -> int:
    filtered = {f.dimension: len(f.values) for f in query.filters if f.op in (FilterOp.eq, FilterOp.in_)}
    groups = 1
    for name in query.dimensions:
        count = known.get(name, DEFAULT_GROUPS)
        groups *= min(count, filtered[name]) if name in filtered else count
    return groups


def query_size(query: SemanticQuery, known_groups: Mapping[str, int] | None = None) -> QuerySize:
    """The estimated size of `query`; `known_groups` maps a dimension to how many values it has."""
    reported = period_count(query.time_range, query.grain)
    return QuerySize(reported, _compared(query, reported), _groups(query, known_groups or {}), len(query.metrics))


def check_size(query: SemanticQuery, known_groups: Mapping[str, int] | None = None) -> QuerySize:
    """The query's size when it fits the budget; QueryTooLarge naming its size and the smallest change that fits."""
    size = query_size(query, known_groups)
    if size.fits:
        return size
    raise QueryTooLarge(f"That is {_describe(query, size)}, more than one answer may hold; "
                        f"{_smallest_change(query, size, known_groups or {})}.")


def _describe(query: SemanticQuery, size: QuerySize) -> str:
    parts = [_count(size.periods, _unit(query.grain))
             + (f" (and {size.compared:,} more compared with)" if size.compared else "")]
    if query.dimensions:
        parts.append(_count(size.groups, "group"))
    parts.append(_count(size.metrics, "metric"))
    total = f" ({size.cells:,} values)" if size.cells > size.rows else ""
    return " × ".join(parts) + total


def within_budget(query: SemanticQuery, known_groups: Mapping[str, int] | None = None) -> SemanticQuery:
    """`query` itself when it fits, else the same query by the finest coarser grain that fits, else unchanged:
    what to offer back instead of a question that would be refused."""
    if query_size(query, known_groups).fits or query.grain is None:
        return query
    for grain in _COARSER[_COARSER.index(query.grain) + 1:]:
        coarser = query.model_copy(update={"grain": grain})
        if query_size(coarser, known_groups).fits:
            return coarser
    return query


def _smallest_change(query: SemanticQuery, size: QuerySize, known: Mapping[str, int]) -> str:
    """The coarser grain that fits, else a shorter period, else one breakdown fewer."""
    coarser = within_budget(query, known)
    if coarser.grain != query.grain:
        return (f"ask by {coarser.grain.value} instead of by {query.grain.value} "
                f"({_count(query_size(coarser, known).periods, coarser.grain.value)}) or for a shorter period")
    per_period = size.groups * size.metrics
    longest = min(MAX_PERIODS, MAX_CELLS // per_period) - size.compared
    if query.grain is not None and longest >= 1:
        start = _periods_back(query.time_range.end, query.grain, longest)
        return (f"ask for at most {_count(longest, _unit(query.grain))} (from {start.isoformat()} to "
                f"{query.time_range.end.isoformat()}, say)" + (" or with one breakdown fewer" if query.dimensions else ""))
    if query.dimensions:
        return "ask with one breakdown fewer, or filter it to the groups you need"
    return "ask for fewer metrics at once"


def _periods_back(end: date, grain: TimeGrain, count: int) -> date:
    """The first day of the `count` whole `grain` periods ending with the one holding `end`."""
    start = grain_start(end, grain)
    for _ in range(count - 1):
        start = grain_start(start - timedelta(days=1), grain)
    return start


def _unit(grain: TimeGrain | None) -> str:
    return grain.value if grain is not None else "period"


def _count(n: int, unit: str) -> str:
    return f"{n:,} {unit}{'' if n == 1 else 's'}"
