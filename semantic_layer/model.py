"""The catalogue's vocabulary: frozen models for sources, dimensions and metrics.

These are plain data. `catalog.py` reads them from YAML, `validate.py` checks them against
each other and against the warehouse contract, and `compile.py` turns a query over them
into SQL. SQL fragments (expressions, filters) are kept as DuckDB-dialect text here and
parsed by sqlglot where they are used, so the catalogue stays readable YAML.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

NAME_PATTERN = r"^[a-z][a-z0-9_]*$"
QUESTION_PATTERN = r"^[A-Z][^?\n]*\?$"  # one sentence: a capital first, one '?' last


class Tier(StrEnum):
    leading = "leading"
    lagging = "lagging"


class Unit(StrEnum):
    percent = "percent"
    currency = "currency"
    days = "days"
    hours = "hours"
    minutes = "minutes"
    ratio = "ratio"
    count = "count"
    score = "score"
    date = "date"


class Statistic(StrEnum):
    """Which statistic of a quantity a metric is: metrics of one `quantity` differ only in this."""

    count = "count"
    share = "share"
    mean = "mean"
    median = "median"
    total = "total"


class Direction(StrEnum):
    higher_is_better = "higher_is_better"
    lower_is_better = "lower_is_better"
    neutral = "neutral"


class TimeGrain(StrEnum):
    day = "day"
    week = "week"
    month = "month"
    quarter = "quarter"
    year = "year"


class BandPeriod(StrEnum):
    """The period a metric's benchmark bands are published for."""

    month = "month"
    quarter = "quarter"
    year = "year"
    point = "point"  # a level at one moment or over the metric's own window (health, CSAT, TTV): never converted

    @property
    def months(self) -> int | None:
        """The period's length in months; None for a point in time."""
        return {"month": 1, "quarter": 3, "year": 12}.get(self.value)


class Compounding(StrEnum):
    """How a rate over one period converts to a period of another length (n = basis months ÷ months measured)."""

    churn = "churn"  # a share lost each period: 1 − (1 − m)^n (the domain notes' 6.4% a month ≈ 55% a year)
    retention = "retention"  # a ratio kept each period (NRR, GRR): r^n


class Aggregation(StrEnum):
    sum = "sum"
    count = "count"
    count_distinct = "count_distinct"
    avg = "avg"
    median = "median"
    max = "max"
    min = "min"


class TimeMode(StrEnum):
    """How a source's rows are assigned to a period."""

    within = "within"  # the time column falls inside the period
    trailing_days = "trailing_days"  # the time column falls in the last `days` days of the period
    open_at_end = "open_at_end"  # started on or before the period's last day and not ended by then
    after_end = "after_end"  # the time column falls after the period's last day (what is coming up)
    by_end = "by_end"  # the time column falls on or before the period's last day (terms already ended)
    movement = "movement"  # one row per key: its value in the base month and in the end month
    rollup = "rollup"  # one row per key open at the period's end (like open_at_end), with per-key signals


class Empty(StrEnum):
    """What a metric shows for a period (or group) with no rows."""

    zero = "zero"
    null = "null"


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Source(Frozen):
    """A table (or the MRR movement built from one) that metrics aggregate over."""

    name: str = Field(pattern=NAME_PATTERN)
    description: str
    table: str
    mode: TimeMode
    time: str = Field(description="column (or expression) that places a row in time")
    end_time: str | None = Field(None, description="open_at_end: the column that closes a row; after_end: the column "
                                                   "that decides a row (a term's closed_on), making the source each "
                                                   "key's next row still undecided on the period's last day")
    days: int | None = Field(None, ge=1, description="trailing_days: the window length")
    key: str | None = Field(None, description="movement: the entity whose value moves, e.g. account_id")
    value: str | None = Field(None, description="movement: the value column, e.g. mrr")
    whole_months: bool = Field(False, description="periods must be whole calendar months")
    scheduled: bool = Field(False, description="rows are known before their time comes (a contract term's end is set "
                                               "when it is signed): a period after the data's last day is what was "
                                               "scheduled for it then, not a partial count")
    cohort: str | None = Field(None, description="the dimension whose values are the periods this source places rows "
                                                 "in (signup quarter): a metric placed otherwise but split by it, asked "
                                                 "of accounts that signed in a period, is narrowed to those cohorts")
    signals: tuple[Signal, ...] = Field((), description="rollup: per-key values from other tables, as extra columns")
    each: str | None = Field(None, description="rollup: a dimension of a signal's table (ticket category); split by it, "
                                               "a row is per key and each of its values, and a signal over that table "
                                               "per key and value (the accounts that raised each category and those "
                                               "that did not); filtered by it, such a signal keeps the matching rows")
    placed_by: tuple[str, ...] = Field((), description="words that say how a row is placed in time ('opened', 'raised' "
                                                       "for tickets opened): a question using them restates the period")
    rows_called: tuple[str, ...] = Field((), description="words for this source's rows ('users' of activity): said "
                                                      "next to a metric of these rows, they only say what is measured")
    once_per_account: bool = Field(False, description="within: an account has such a row once (a milestone, a contract "
                                                      "start, a churn), so a named account with no period said is read "
                                                      "over all of its history")

    @model_validator(mode="after")
    def _mode_fields(self) -> Source:
        needed = {
            TimeMode.open_at_end: ("end_time",),
            TimeMode.trailing_days: ("days",),
            TimeMode.movement: ("key", "value"),
            TimeMode.rollup: ("end_time", "key"),
        }.get(self.mode, ())
        missing = [f for f in needed if getattr(self, f) is None]
        if missing:
            raise ValueError(f"mode {self.mode.value} needs {', '.join(missing)}")
        if self.mode is TimeMode.rollup and not self.signals:
            raise ValueError("mode rollup needs signals")
        if self.signals and self.mode is not TimeMode.rollup:
            raise ValueError("only a rollup source has signals")
        if self.each and self.mode is not TimeMode.rollup:
            raise ValueError("only a rollup source has rows per value of a dimension (each)")
        if self.mode is TimeMode.after_end and self.end_time and not self.key:
            raise ValueError("an after_end source with end_time needs the key whose next row it keeps")
        if self.once_per_account and self.mode is not TimeMode.within:
            raise ValueError("only a within source can be once_per_account")
        return self

    @property
    def columns(self) -> tuple[str, ...] | None:
        """The columns a movement source exposes; None for a plain table source."""
        if self.mode is not TimeMode.movement:
            return None
        return (self.key, f"base_{self.value}", f"end_{self.value}")


class DefaultFilter(Frozen):
    """A filter applied when the rows of an answer are this dimension's entities (accounts: current customers)."""

    dimension: str
    value: str


class Dimension(Frozen):
    """Something to group or filter by: a column of a contract table."""

    name: str = Field(pattern=NAME_PATTERN)
    label: str
    description: str = ""
    synonyms: tuple[str, ...] = ()
    table: str
    column: str = Field(description="column or expression over `table`")
    indexed: bool = Field(False, description="index its values for entity matching")
    grain: TimeGrain | None = Field(None, description="values are the first days of periods of this grain "
                                                      "(a signup cohort by quarter), named like 'Q2 2025'")
    listed: bool = Field(True, description="a breakdown lists every value its table holds; False: only the values "
                                           "the period's rows have (a signup cohort outside the period is not asked)")
    alternates: dict[str, str] = Field(
        default_factory=dict,
        description="tables that carry the same attribute themselves: table -> column",
    )
    entity: str | None = Field(None, pattern=NAME_PATTERN,
                               description="the dimension names one entity (account, csm): answers can list them")
    size: str | None = Field(None, description="the metric 'biggest' or 'smallest' ranks this dimension's entities by")
    counted_by: str | None = Field(None, description="the metric that counts this dimension's rows ('top ticket themes': "
                                                     "tickets per category)")
    listed_as: DefaultFilter | None = Field(None, description="when an answer lists these entities, only those passing "
                                                              "this filter (current customers), unless a metric is about former ones")
    person: bool = Field(False, description="values are people's names: a first or a last name alone can name one")
    split_blended: bool = Field(False, description="a blended number with a benchmark is checked against a split by "
                                                   "this dimension, and a group that departs is named")
    value_phrases: dict[str, tuple[str, ...]] = Field(
        default_factory=dict, description="value -> phrases that name it, for values the data's own labels do not say "
                                          "('current customers': customer status current)")
    kind_of: str | None = Field(None, description="its values are kinds of this dimension's members: 'each key feature' "
                                                  "is each feature, of the key kind")


class TimeDimension(Frozen):
    """The time a metric is placed in, at one of its grains."""

    name: str = Field(pattern=NAME_PATTERN)
    label: str
    synonyms: tuple[str, ...] = ()
    grains: tuple[TimeGrain, ...]


class Band(Frozen):
    """A benchmark band between two bounds (lower inclusive, upper exclusive unless said); either may be open."""

    name: str = Field(pattern=NAME_PATTERN)
    label: str
    lower: float | None = None
    upper: float | None = None
    include_lower: bool = True
    include_upper: bool = False

    @model_validator(mode="after")
    def _bounds(self) -> Band:
        if self.lower is None and self.upper is None:
            raise ValueError("a band needs a lower or an upper bound")
        if self.lower is not None and self.upper is not None and self.lower >= self.upper:
            raise ValueError(f"lower bound {self.lower} is not below upper bound {self.upper}")
        return self

    def contains(self, value: float) -> bool:
        above_lower = self.lower is None or value > self.lower or (self.include_lower and value == self.lower)
        below_upper = self.upper is None or value < self.upper or (self.include_upper and value == self.upper)
        return above_lower and below_upper


class BandBasis(Frozen):
    """What a metric's benchmark bands are for: the period they are published for, and for a rate over a period,
    how a value over a period of another length converts to it before it is banded."""

    period: BandPeriod
    converts: Compounding | None = None

    @model_validator(mode="after")
    def _conversion(self) -> BandBasis:
        if self.period is BandPeriod.point and self.converts is not None:
            raise ValueError("bands for a point in time are never converted: drop converts")
        if self.period is not BandPeriod.point and self.converts is None:
            raise ValueError(f"bands published per {self.period.value} need converts (churn or retention): how a "
                             "rate over another period converts to it")
        return self


class Measure(Frozen):
    """One aggregate over a source's rows, optionally over the rows matching `filter`."""

    agg: Aggregation
    expr: str | None = Field(None, description="what to aggregate; omitted for count of rows")
    filter: str | None = None

    @model_validator(mode="after")
    def _expr_needed(self) -> Measure:
        if self.expr is None and self.agg is not Aggregation.count:
            raise ValueError(f"aggregation {self.agg.value} needs an expr")
        return self


class Signal(Frozen):
    """Per-key values of a rollup source, aggregated from one table's rows placed in the period.

    With `per`, rows are first aggregated per key and `per` (e.g. per user: `inner` values such as
    the user's active days), and `columns` aggregate those rows; otherwise `columns` aggregate the
    table's rows directly. A key without rows gets NULL.
    """

    name: str = Field(pattern=NAME_PATTERN)
    description: str
    table: str
    time: str = Field(description="column that places a row in time")
    days: int | None = Field(None, ge=1, description="only the last `days` days of the period; None = the whole period")
    per: str | None = None
    inner: dict[str, Measure] = Field(default_factory=dict)
    columns: dict[str, Measure] = Field(min_length=1)

    @model_validator(mode="after")
    def _inner_needs_per(self) -> Signal:
        if bool(self.inner) != (self.per is not None):
            raise ValueError("give per and inner together (values per key and `per` first), or neither")
        return self


class Thresholds(Frozen):
    """A condition that depends on a dimension's value: each value its own, `otherwise` for the rest.

    E.g. a usage threshold per segment: SMB `active_days >= 3`, Enterprise `power_users >= 5`.
    """

    dimension: str
    values: dict[str, str] = Field(min_length=1)
    otherwise: str | None = Field(None, description="for values not listed; None = they never meet it")


class Ratio(Frozen):
    numerator: Measure
    denominator: Measure


class Bounds(Frozen):
    """The values a metric's definition allows (GRR ≤ 100%); a value outside is a bug, not an answer."""

    lower: float | None = None
    upper: float | None = None


class Slice(Frozen):
    """A metric that is another one for a single value of a dimension (green accounts: scored accounts, band green)."""

    metric: str
    dimension: str
    value: str


class Exceeding(Frozen):
    """A share of rows whose quantity is above a value (TTV over 60 days: ttv above 60)."""

    quantity: str
    value: float


class Window(Frozen):
    """A metric's default time window: `count` periods of `grain` ending with the latest."""

    grain: TimeGrain
    count: int = Field(1, ge=1)


class Metric(Frozen):
    """One governed metric: exactly one of measure, ratio or derived says how to compute it."""

    name: str = Field(pattern=NAME_PATTERN)
    label: str
    question: str | None = Field(None, pattern=QUESTION_PATTERN,
                                 description="the full question that asks for this metric, as the planner answers it: "
                                             "what a suggestion offers (a period or filters go before its first comma "
                                             "or its '?'); every catalogue metric declares one, unless it is only a "
                                             "part of others (never offered on its own)")
    description: str
    formula: str
    tier: Tier
    unit: Unit
    direction: Direction
    synonyms: tuple[str, ...] = ()
    benchmarks: tuple[Band, ...] = ()
    benchmark_note: str | None = None
    band_basis: BandBasis | None = Field(None, description="required with benchmarks: the period the bands are "
                                         "published for (logo churn: a year; health: a point in time) and how a rate "
                                         "over another period converts to it")
    band_shares: tuple[str, ...] = Field((), description="the metrics giving the share of rows above each bound of "
                                         "the bands (TTV over 30, 60, 90 days): the bands judge how the rows spread "
                                         "over them, never this statistic alone")
    dimensions: tuple[str, ...] = ()
    default_window: Window
    per: TimeGrain | None = Field(None, description="defined per one period of this grain only (CLV: per month)")
    source: str | None = None
    where: str | None = Field(None, description="rows of the source this metric counts")
    measure: Measure | None = None
    ratio: Ratio | None = None
    derived: str | None = Field(None, description="expression over other metrics' names")
    broadcast: tuple[str, ...] = Field(
        (), description="derived parts computed without the dimensions they cannot be sliced by, their value "
        "repeated across those dimensions (the all-accounts denominator of per-feature adoption)")
    thresholds: Thresholds | None = Field(
        None, description="rows counted only when they meet the threshold of their dimension value (the numerator of a ratio)")
    scale: float = 1.0
    empty: Empty = Empty.null
    # What the planner, the narrative and the checks need to know, declared rather than read from the wording:
    counts: str | None = Field(None, description="the entity this count counts (account): per entity it is 1 or 0")
    former: bool = Field(False, description="counts entities that left (lost customers): a list of them keeps churned ones")
    exceeding: Exceeding | None = Field(None, description="the share of the rows whose quantity is above a value: "
                                                          "'what share took more than 60 days' asks for this metric")
    slice_of: Slice | None = Field(None, description="the metric and dimension value this one is: several slices "
                                                    "asked side by side are the metric split by the dimension")
    opposite: str | None = Field(None, description="the count of the entities this one does not count yet "
                                                   "(accounts reaching first value: accounts without first value)")
    quantity: str | None = Field(None, pattern=NAME_PATTERN,
                                 description="metrics of one quantity differ only in their statistic (TTV median, mean)")
    statistic: Statistic | None = None
    parts: tuple[str, ...] = Field((), description="the metrics it is made of, shown when asked why it moved")
    weights: dict[str, float] = Field(default_factory=dict, description="each part's weight in it (health = 0.4 usage "
                                      "+ …): a move is explained by the parts' weighted contributions")
    evidence: tuple[str, ...] = Field((), description="the measures shown beside each listed entity: why it is listed")
    overdue: str | None = Field(None, description="a countdown: the metric counting the entities whose time has passed "
                                                  "still undecided (overdue renewals), named beside what is coming up")
    by: dict[str, str] = Field(default_factory=dict,
                               description="dimension -> the variant of this metric that can be split by it")
    amounts: dict[str, str] = Field(default_factory=dict, description="metric -> the metric that is that amount of "
                                    "the rows this one counts (the ARR of renewals due: ARR up for renewal)")
    ahead: str | None = Field(None, description="the metric that answers this one about what is coming up "
                                                "(renewals due in the next 90 days: days to renewal)")
    horizon: bool = Field(False, description="a countdown: 'in the next N days' keeps the rows where it is at most N")
    bounds: Bounds | None = None
    at_most: tuple[str, ...] = Field((), description="metrics this one can never exceed (DAU <= MAU)")
    restricted_to: dict[str, str] = Field(default_factory=dict, description="dimension -> the value all its rows "
                                          "already have (product adoption counts key features only): naming it asks "
                                          "for nothing more")
    no_history: bool = Field(False, description="read from a column kept only as it is today (seats purchased): a "
                                                "period's value uses today's figure, so its change over time is unknown")

    @model_validator(mode="after")
    def _one_kind(self) -> Metric:
        kinds = [k for k in ("measure", "ratio", "derived") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError(f"give exactly one of measure, ratio, derived (got {', '.join(kinds) or 'none'})")
        if self.derived is None and self.source is None:
            raise ValueError(f"a {kinds[0]} metric needs a source")
        if self.broadcast and self.derived is None:
            raise ValueError("only a derived metric has parts to broadcast")
        if self.derived is not None and (self.source is not None or self.where is not None or self.thresholds):
            raise ValueError("a derived metric takes no source, where or thresholds; its parts have them")
        if set(self.weights) - set(self.parts):
            raise ValueError(f"weights name metrics that are not its parts: {', '.join(sorted(set(self.weights) - set(self.parts)))}")
        if self.benchmarks and self.band_basis is None:
            raise ValueError("benchmarks need a band_basis: the period the bands are published for (month, quarter, "
                             "year, or point for a level that is never converted)")
        if self.band_basis is not None and not self.benchmarks:
            raise ValueError("band_basis says what benchmark bands are for, and this metric has none")
        if self.band_basis and self.band_basis.converts and self.unit not in (Unit.percent, Unit.ratio):
            raise ValueError(f"only a rate (percent or ratio) converts between periods, not a {self.unit.value}")
        if self.band_shares and not self.benchmarks:
            raise ValueError("band_shares say how the benchmark bands judge this metric, and it has none")
        return self

    def band_for(self, value: float) -> Band | None:
        """The first benchmark band holding `value`, or None."""
        return next((b for b in self.benchmarks if b.contains(value)), None)

    def on_band_basis(self, value: float, months: float | None) -> float | None:
        """`value`, measured over `months` months, as the bands' period would show it; None when it cannot be judged.

        Point-in-time bands take the value as it is. A rate over another period converts by its declared
        compounding, n = the bands' months ÷ `months` (n < 1 for a period longer than the bands'): churn
        1 − (1 − m)^n (1.3% a month ≈ 14.5% a year), retention r^n (NRR 102% a quarter ≈ 108.2% a year).
        Without the period's length (`months` None or not positive) a rate cannot be judged.
        """
        if self.band_basis is None:
            return None
        basis = self.band_basis.period.months
        if basis is None:
            return value
        if months is None or months <= 0:
            return None
        if abs(months - basis) < 1e-9:
            return value
        scale = 100.0 if self.unit is Unit.percent else 1.0
        fraction, n = value / scale, basis / months
        if self.band_basis.converts is Compounding.churn:
            return scale * (1 - (1 - min(fraction, 1.0)) ** n)
        return scale * max(fraction, 0.0) ** n


class AmbiguousTerm(Frozen):
    """A word people use for several metrics ("churn": logo or revenue churn) or dimensions ("channel").

    The planner asks which metric was meant, unless a neighbouring word decides it; for dimensions,
    the ones the asked metric can be split by decide."""

    name: str = Field(description="the term as people write it")
    means: tuple[str, ...] = Field(min_length=2, description="metric names, or dimension names")


Source.model_rebuild()
