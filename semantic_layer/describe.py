"""The catalogue as text for people: a listing of every metric, and one metric in full."""

from __future__ import annotations

from semantic_layer.catalog import Catalog
from semantic_layer.model import Band, Measure, Metric


def _number(value: float) -> str:
    return f"{value:g}"


def band_text(band: Band) -> str:
    """A band as people write it: 'healthy 100–110', 'best ≥ 95', 'red flag < 85'."""
    if band.lower is not None and band.upper is not None:
        bounds = f"{_number(band.lower)}–{_number(band.upper)}"
    elif band.lower is not None:
        bounds = f"{'≥' if band.include_lower else '>'} {_number(band.lower)}"
    else:
        bounds = f"{'≤' if band.include_upper else '<'} {_number(band.upper)}"
    return f"{band.label} {bounds}"


def benchmark_text(metric: Metric) -> str:
    """The benchmark as the domain notes state it, else built from the bands; '' when there is none."""
    return metric.benchmark_note or "; ".join(band_text(b) for b in metric.benchmarks)


def catalogue_listing(catalog: Catalog) -> str:
    """Every metric: name, label, tier and unit, then its formula and benchmark, indented."""
    width = max(len(name) for name in catalog.metrics)
    blocks = []
    for metric in catalog.metrics.values():
        lines = [f"{metric.name:<{width}}  {metric.label}  [{metric.tier.value}, {metric.unit.value}]",
                 f"{'':<{width}}  {metric.formula}"]
        if benchmark := benchmark_text(metric):
            lines.append(f"{'':<{width}}  typical benchmark: {benchmark}")
        blocks.append("\n".join(lines))
    return "\n".join(blocks) + f"\n\n{len(catalog.metrics)} metrics; `cs-assistant metrics NAME` shows one in full."


def _measure_text(measure: Measure) -> str:
    text = f"{measure.agg.value}({measure.expr or '*'})"
    return f"{text} where {measure.filter}" if measure.filter else text


def _computation(metric: Metric, catalog: Catalog) -> str:
    if metric.derived is not None:
        text = f"derived: {metric.derived}"
    else:
        source = catalog.source(metric.source)
        if metric.ratio is not None:
            parts = f"{_measure_text(metric.ratio.numerator)} ÷ {_measure_text(metric.ratio.denominator)}"
        else:
            parts = _measure_text(metric.measure)
        where = f", over rows where {metric.where}" if metric.where else ""
        text = f"{parts}{where}; rows from {source.name} ({source.description.lower()})"
    return text + (f"; × {_number(metric.scale)}" if metric.scale != 1 else "")


def thresholds_text(metric: Metric) -> str:
    """A metric's thresholds per dimension value: 'by segment: SMB active_days >= 3; ...; otherwise ...'."""
    thresholds = metric.thresholds
    parts = [f"{value} {condition}" for value, condition in thresholds.values.items()]
    parts += [f"otherwise {thresholds.otherwise}"] if thresholds.otherwise else []
    return f"by {thresholds.dimension}: {'; '.join(parts)}"


def metric_card(metric: Metric, catalog: Catalog) -> str:
    """One metric in full: definition, unit, benchmark bands, dimensions and how it is computed."""
    direction = metric.direction.value.replace("_", " ")
    window = metric.default_window
    lines = [
        f"{metric.name}: {metric.label}",
        metric.description,
        "",
        f"formula:        {metric.formula}",
        f"tier:           {metric.tier.value}",
        f"unit:           {metric.unit.value} ({direction})",
        f"synonyms:       {', '.join(metric.synonyms) or '-'}",
        f"benchmark:      {benchmark_text(metric) or '-'}",
    ]
    lines += [f"  band {b.name}: {band_text(b)}" for b in metric.benchmarks]
    lines += [
        f"dimensions:     {', '.join(metric.dimensions) or 'none (whole business only)'}",
        f"default window: {window.count} {window.grain.value}{'s' if window.count > 1 else ''}",
        f"computed as:    {_computation(metric, catalog)}",
        *([f"thresholds:     {thresholds_text(metric)}"] if metric.thresholds else []),
        f"empty period:   {'0' if metric.empty.value == 'zero' else 'no value (NULL)'}",
    ]
    return "\n".join(lines)
