"""`SemanticQuery`: what to compute, in the catalogue's terms, with no SQL in it.

Planners (rule-based or LLM) fill one of these; the compiler turns it into SQL. Time is
always explicit here: resolving "last quarter" into dates is the planner's job, with
`periods.grain_period` and friends.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from semantic_layer.model import NAME_PATTERN, TimeGrain
from semantic_layer.periods import Period


class Comparison(StrEnum):
    previous_period = "previous_period"
    same_period_last_year = "same_period_last_year"
    other_period = "other_period"  # the query's `compare_with`


class FilterOp(StrEnum):
    eq = "="
    ne = "!="
    lt = "<"
    le = "<="
    gt = ">"
    ge = ">="
    in_ = "in"
    not_in = "not in"


class MetricColumn(StrEnum):
    """Which of a metric's output columns a metric filter or an order refers to."""

    value = "value"
    previous = "previous"
    change = "change"
    change_pct = "change_pct"


class _Query(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DimensionFilter(_Query):
    """Keep rows whose dimension value satisfies `op` against `values`."""

    dimension: str
    op: FilterOp = FilterOp.eq
    values: tuple[str | int | float | bool, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _arity(self) -> DimensionFilter:
        if self.op not in (FilterOp.in_, FilterOp.not_in) and len(self.values) != 1:
            raise ValueError(f"operator {self.op.value!r} takes one value, got {len(self.values)}")
        return self


class MetricFilter(_Query):
    """Keep result rows whose metric (or its change) satisfies `op` against `value`."""

    metric: str = Field(description="the metric's output name: its name, or a MetricRef's alias")
    op: FilterOp
    value: float
    column: MetricColumn = MetricColumn.value

    @model_validator(mode="after")
    def _scalar_op(self) -> MetricFilter:
        if self.op in (FilterOp.in_, FilterOp.not_in):
            raise ValueError("a metric filter compares with one number; use <, <=, >, >=, = or !=")
        return self


class MetricRef(_Query):
    """A metric asked with filters of its own, under its own output name.

    E.g. open tickets of priority urgent, next to MAU of all users: `MetricRef(name="open_tickets",
    filters=[DimensionFilter(dimension="ticket_priority", values=["urgent"])], alias="urgent_open_tickets")`.
    """

    name: str
    filters: tuple[DimensionFilter, ...] = Field(min_length=1)
    alias: str = Field(pattern=NAME_PATTERN)
    share: bool = Field(False, description="the filtered value as a percent of the unfiltered one: the share of "
                                           "tickets that are urgent")


class OrderBy(_Query):
    """Sort by a metric column or a dimension (`field` is a metric or dimension name)."""

    field: str
    column: MetricColumn = MetricColumn.value
    descending: bool = False


class Tally(_Query):
    """Count the rows that pass the metric filters (the qualifying entities), per `by` dimensions.

    The query's dimensions name the rows (account_name, and the `by` dimensions); the answer is one
    row per period and `by` value with the count, and with `share`, that count as a percent of all
    the group's rows. E.g. accounts per plan with seat utilization under 40%.
    """

    by: tuple[str, ...] = ()
    share: bool = False


class SemanticQuery(_Query):
    """Metrics over a time range, optionally per period (grain) and per dimension values."""

    metrics: tuple[str | MetricRef, ...] = Field(min_length=1, description="names, or MetricRefs for filtered metrics")
    time_range: Period
    grain: TimeGrain | None = Field(None, description="one row per period of this grain; None = the whole range")
    dimensions: tuple[str, ...] = ()
    filters: tuple[DimensionFilter, ...] = ()
    metric_filters: tuple[MetricFilter, ...] = ()
    compare: Comparison | None = None
    compare_with: Period | None = Field(None, description="the period compared with, for compare other_period")
    order_by: tuple[OrderBy, ...] = ()
    limit: int | None = Field(None, ge=1)
    leading: int | None = Field(None, ge=1, description="the first N rows answer the question ('which CSM's book "
                                "moved most'); the rows after them rank the others, for context")
    tally: Tally | None = None

    @model_validator(mode="after")
    def _comparison(self) -> SemanticQuery:
        if (self.compare is Comparison.other_period) != (self.compare_with is not None):
            raise ValueError("compare other_period goes with compare_with (the period compared with), and only with it")
        if self.compare is Comparison.other_period and self.grain is not None:
            raise ValueError("a comparison with one other period needs one period: no grain")
        if self.tally is not None:
            extra = [d for d in self.tally.by if d not in self.dimensions]
            if extra or len(self.tally.by) == len(self.dimensions):
                raise ValueError("a tally counts the rows of the dimensions it is not by; its by dimensions must be "
                                 "among the query's, with at least one left to count")
        return self
