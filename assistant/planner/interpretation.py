"""The typed interpretation of a question: what the frames filled, frozen, before it becomes a SemanticQuery.

A follow-up edits the previous interpretation (followups.py); resolve.py turns one into a
query; score.py reads its `Evidence` for the confidence. Nothing here knows English.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

from semantic_layer.model import TimeGrain
from semantic_layer.periods import Period
from semantic_layer.query import Comparison, FilterOp, MetricColumn


class Frame(StrEnum):
    """The shape of the answer asked for."""

    value = "value"  # the number(s) for one period
    breakdown = "breakdown"  # split by one or more dimensions
    trend = "trend"  # one row per period
    list = "list"  # the entities (accounts, CSMs) that qualify
    rank = "rank"  # rows in order, perhaps only the first N
    compare = "compare"  # against another period
    why = "why"  # a metric next to its parts, against the period before
    upcoming = "upcoming"  # what is coming up in the next N days
    tally = "tally"  # how many entities qualify (per group)


@dataclass(frozen=True)
class ValueFilter:
    """Keep rows whose dimension has one of `values` (or none of them, when negated)."""

    dimension: str
    values: tuple[str, ...]
    negated: bool = False


@dataclass(frozen=True)
class Asked:
    """One metric the answer shows, with filters of its own ("open tickets of urgent priority")."""

    metric: str
    filters: tuple[ValueFilter, ...] = ()
    share: bool = False  # the filtered value as a share of the whole ("% of tickets that were urgent")


@dataclass(frozen=True)
class Threshold:
    """Keep rows whose metric (or its change) compares with a number: 'health below 60'."""

    metric: str
    op: FilterOp
    value: float
    column: MetricColumn = MetricColumn.value


@dataclass(frozen=True)
class Ranking:
    """Order rows by a metric (or its change), perhaps keeping the first `limit`."""

    metric: str
    descending: bool
    column: MetricColumn = MetricColumn.value
    limit: int | None = None

    def by(self, metric: str) -> Ranking:
        """The same order and cut, by another metric (the one `metric` was read as)."""
        return replace(self, metric=metric)


@dataclass(frozen=True)
class Evidence:
    """What the confidence is computed from (score.py)."""

    unknown: tuple[str, ...] = ()  # content words no span covered
    unused: tuple[str, ...] = ()  # words a span covered that no slot used
    fuzzy: tuple[str, ...] = ()  # words read through a typo
    retrieved: bool = False  # the metric was found by retrieval over the catalogue, not named
    margin: float = 1.0  # retrieval: how far the chosen metric is ahead of the next (0-1)
    defaults: tuple[str, ...] = ()  # slots filled by a default that changes the answer
    missing: tuple[str, ...] = ()  # asked for, and not in the data (a split by a reason nobody records)

    def merged(self, other: Evidence) -> Evidence:
        return Evidence(self.unknown + other.unknown, self.unused + other.unused, self.fuzzy + other.fuzzy,
                        self.retrieved or other.retrieved, min(self.margin, other.margin), self.defaults + other.defaults,
                        self.missing + other.missing)


@dataclass(frozen=True)
class Interpretation:
    """A question's meaning in the catalogue's terms: the frame and the slots it filled."""

    frame: Frame
    metrics: tuple[Asked, ...]
    rows: str | None = None  # the entity dimension listed, ranked or tallied (account_name, csm_name)
    dimensions: tuple[str, ...] = ()  # groups, besides the rows
    filters: tuple[ValueFilter, ...] = ()
    thresholds: tuple[Threshold, ...] = ()
    ranking: Ranking | None = None
    period: Period | None = None  # None: the metrics' default window
    grain: TimeGrain | None = None
    compare: Comparison | None = None
    compare_with: Period | None = None  # an explicit earlier period ("than at the end of July")
    horizon_days: int | None = None  # "in the next 90 days"
    share: bool = False  # a tally as the share of all the group's entities
    trend: bool = False  # "trend", "over time" without a grain: one row per period of the metrics' grain
    choose: str | None = None  # "in a specific segment": the dimension whose value the asker must pick
    notes: tuple[str, ...] = ()
    evidence: Evidence = field(default_factory=Evidence)

    @property
    def metric_names(self) -> list[str]:
        return [a.metric for a in self.metrics]

    def edit(self, **changes) -> Interpretation:
        """A copy with some slots changed."""
        return replace(self, **changes)
