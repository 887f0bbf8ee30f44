"""Benchmark verdicts: a metric's value placed in the catalogue's bands, on the bands' own basis.

Pure. Every band the assistant names is chosen here, by `place`: a rate over a period is first
converted to the period its bands are published for (`Metric.on_band_basis`, the catalogue's declared
compounding), and the answer says both numbers ("1.3% ≈ 14.5% annualised: systemic problem (> 10% a
year)"). A value that cannot be judged on its bands' basis (a rate whose period is unknown, a median
whose bands judge how the rows spread) gets no band at all: the verdict of a distribution is how its
rows fill the bands, read off the shares of them above each bound (time to value over 30, 60, 90 days).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.formatting import format_value, is_number
from semantic_layer.describe import band_text as catalogue_band_text
from semantic_layer.model import Band, BandPeriod, Direction, Metric, Unit
from semantic_layer.periods import Period

_BOUND_UNITS = {Unit.percent: "%", Unit.days: " days", Unit.hours: " h", Unit.minutes: " min"}
_PER_PERIOD = {BandPeriod.month: "a month", BandPeriod.quarter: "a quarter", BandPeriod.year: "a year"}
_CONVERTED = {BandPeriod.month: "a month", BandPeriod.quarter: "a quarter", BandPeriod.year: "annualised"}


@dataclass(frozen=True)
class Placing:
    """Where one value stands against its metric's bands: the value judged (on the bands' basis) and its band."""

    metric: Metric
    value: float  # as measured over its period
    judged: float  # on the bands' basis: the same number unless converted
    band: Band | None  # the band holding `judged`, None in a gap between bands
    rank: int | None  # 0 = the worst band; a value in a gap ranks with the band below it; None when direction is neutral

    @property
    def converted(self) -> bool:
        return self.judged != self.value


def period_months(period: Period | None) -> float | None:
    """A period's length in months: whole calendar months counted, other spans by their days; None when unknown."""
    if period is None:
        return None
    if period.is_whole_months:
        return float(period.month_count)
    return period.days / (365.25 / 12)


def place(metric: Metric, value: Any, period: Period | None) -> Placing | None:
    """`value` of `metric` over `period` against the metric's bands; None when it has none or cannot be judged."""
    if not metric.benchmarks or metric.band_shares or not is_number(value):
        return None
    judged = metric.on_band_basis(float(value), period_months(period))
    if judged is None:
        return None
    return Placing(metric, float(value), judged, metric.band_for(judged), _rank(metric, judged))


def _rank(metric: Metric, judged: float) -> int | None:
    if metric.direction is Direction.neutral:
        return None
    flip = -1 if metric.direction is Direction.lower_is_better else 1
    floors = [b.lower if flip == 1 else b.upper for b in metric.benchmarks]
    return sum(1 for floor in floors if floor is not None and flip * judged >= flip * floor)


def band_text(band: Band, metric: Metric) -> str:
    """'healthy (100–110% a year)', 'best (≥ 95%)', 'red flag (> 90 days)': the catalogue's wording, with the unit
    and the period the band is published for."""
    bounds = catalogue_band_text(band)[len(band.label) + 1:] + _BOUND_UNITS.get(metric.unit, "")
    per = _PER_PERIOD.get(metric.band_basis.period) if metric.band_basis else None
    return f"{band.label} ({bounds}{' ' + per if per else ''})"


def conversion_text(placing: Placing) -> str:
    """'≈ 14.5% annualised', '≈ 0.4% a month': the value on the bands' basis, or '' when it was judged as measured."""
    if not placing.converted:
        return ""
    return f"≈ {format_value(placing.judged, placing.metric.unit)} {_CONVERTED[placing.metric.band_basis.period]}"


def position_text(placing: Placing) -> str:
    """The band the value is in, or where it sits between bands ('between acceptable (5–7% a year) and …')."""
    metric, judged = placing.metric, placing.judged
    if placing.band is not None:
        return band_text(placing.band, metric)
    below = [b for b in metric.benchmarks if b.upper is not None and b.upper <= judged]
    above = [b for b in metric.benchmarks if b.lower is not None and b.lower >= judged]
    low = max(below, key=lambda b: b.upper) if below else None
    high = min(above, key=lambda b: b.lower) if above else None
    if low is not None and high is not None:
        return f"between {band_text(low, metric)} and {band_text(high, metric)}"
    if high is not None:
        return f"short of {band_text(high, metric)}"
    return f"past {band_text(low, metric)}" if low is not None else "outside the published bands"


def verdict_text(placing: Placing) -> str:
    """'≈ 14.5% annualised: systemic problem (> 10% a year)', 'healthy (100–110% a year)'."""
    converted = conversion_text(placing)
    return f"{converted}: {position_text(placing)}" if converted else position_text(placing)


def short_verdict(placing: Placing | None) -> str:
    """A group's verdict beside its value in a breakdown: '≈ 14.5% annualised: systemic problem', 'healthy', ''."""
    if placing is None:
        return ""
    words = [w for w in (conversion_text(placing), placing.band.label if placing.band else "") if w]
    return ": ".join(words)


def verdict(metric: Metric, value: Any, period: Period | None, shares: Sequence[tuple[Metric, Any]] = ()) -> str | None:
    """Where a value over `period` stands, in words: its band on the bands' basis ('≈ 14.5% annualised: systemic
    problem (> 10% a year)'), or for a distribution how its rows spread over the bands, from `shares` (each of
    `metric.band_shares` with its value). None when it cannot be judged."""
    if metric.band_shares:
        stretches = spread(metric, shares)
        return None if stretches is None else "spread over the bands: " + ", ".join(
            f"{format_value(share, Unit.percent)} {text}" for text, share in stretches)
    placing = place(metric, value, period)
    return None if placing is None else verdict_text(placing)


def benchmark_sentence(metric: Metric, value: Any, period: Period | None,
                       shares: Sequence[tuple[Metric, Any]] = ()) -> str:
    """' — <verdict>; typical benchmark: <note>' for a value over `period`, or '' when the catalogue gives none."""
    if value is None or not (metric.benchmarks or metric.benchmark_note):
        return ""
    said = verdict(metric, value, period, shares)
    parts = [f"— {said}"] if said else []
    if metric.benchmark_note:
        parts.append(f"typical benchmark: {metric.benchmark_note}")
    return " " + "; ".join(parts) if parts else ""


def band_rank(metric: Metric, value: Any, period: Period | None) -> int | None:
    """Where `value` over `period` stands among the metric's bands, 0 = the worst; None when it cannot be ranked."""
    placing = place(metric, value, period)
    return None if placing is None else placing.rank


def is_healthy(metric: Metric, value: Any, period: Period | None) -> bool | None:
    """At or past the floor of the band above the worst one (NRR ≥ 100% a year); None when it cannot be judged."""
    rank = band_rank(metric, value, period)
    return None if rank is None else rank >= 1


def rankable(metric: Metric, period: Period | None) -> bool:
    """Whether `band_rank` ranks values of `metric` over `period` at all: its bands, direction and basis decide it,
    never the value (so a check that needs a rank can be skipped before its query runs)."""
    return (bool(metric.benchmarks) and not metric.band_shares and metric.direction is not Direction.neutral
            and metric.on_band_basis(1.0, period_months(period)) is not None)


def departing(metric: Metric, values: Mapping[tuple, float], period: Period | None) -> tuple | None:
    """The one group whose value over `period` sits in a worse band than every other group's, if there is one."""
    ranks = {g: band_rank(metric, v, period) for g, v in values.items()}
    if not ranks or any(r is None for r in ranks.values()):
        return None
    worst = min(ranks, key=ranks.get)
    return worst if all(ranks[g] > ranks[worst] for g in ranks if g != worst) else None


def spread(metric: Metric, shares: Sequence[tuple[Metric, Any]]) -> list[tuple[str, float]] | None:
    """How the rows of a distribution fill its bands: (band text, or 'between bands (60–90 days)'; percent of rows).

    `shares` pairs each of `metric.band_shares` with its value, the percent of rows above one bound; each
    stretch between two bounds then holds share(above lower) − share(above upper). None when one is missing."""
    values = {share.name: (share, value) for share, value in shares}
    if not metric.band_shares or any(name not in values or not is_number(values[name][1]) for name in metric.band_shares):
        return None
    above = {values[name][0].exceeding.value: float(values[name][1]) for name in metric.band_shares}
    bounds = [None, *sorted(above), None]
    stretches = []
    for low, high in zip(bounds, bounds[1:]):
        share = (100.0 if low is None else above[low]) - (0.0 if high is None else above[high])
        band = next((b for b in metric.benchmarks if (b.lower is None or (low is not None and b.lower <= low))
                     and (b.upper is None or (high is not None and b.upper >= high))), None)
        text = band_text(band, metric) if band else f"between bands ({low:g}–{high:g}{_BOUND_UNITS.get(metric.unit, '')})"
        stretches.append((text, share))
    return stretches
