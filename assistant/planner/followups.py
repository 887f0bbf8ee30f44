"""Follow-ups: a short question that edits the previous query instead of starting again.

  "and for EMEA?" / "what about enterprise?"   the same query with that filter
  "break that down by plan" / "by region?"     the same query with that grouping
  "and last year?"                             the same query over that period
  "why?" / "what drove that?"                  the metric's drivers (its source's parts), against the previous period
A question that names a metric of its own is a new question, not a follow-up.
"""

from __future__ import annotations

from assistant.planner.mentions import Words
from assistant.planner.plan import Outcome, Plan, PlannerContext
from assistant.planner.timewords import TimeWords
from semantic_layer.catalog import Catalog
from semantic_layer.model import Metric
from semantic_layer.query import Comparison, DimensionFilter, SemanticQuery

WHY = frozenset({"why", "drove", "driver", "drivers", "driving", "explain", "cause", "caused", "reason", "behind"})
CONTINUE = ("and ", "what about", "how about", "same for", "now ", "only ", "just ", "also ", "then ", "ok ")
BREAKDOWN = frozenset({"break", "breakdown", "split", "by", "per", "across", "segment", "slice"})


def follow_up(text: str, words: Words, time: TimeWords, last: SemanticQuery, context: PlannerContext) -> Outcome | None:
    """The previous query edited by this follow-up, or None when the question stands on its own."""
    names_metric = any(s.kind == "metric" and not any(o.kind != "metric" for o in m.senses)
                       for m in words.mentions for s in m.senses)
    if names_metric:
        return None
    tokens = set(words.tokens)
    if WHY & tokens:
        return _why(last, context)
    short = len(words.tokens) <= 8
    if not (text.startswith(CONTINUE) or short):
        return None
    metric_dims = _allowed(last, context)
    # One reading per mention: the first value (or dimension) the previous query's metrics accept.
    values = [next(s for s in m.senses if s.kind == "value" and s.name in metric_dims) for m in words.mentions
              if any(s.kind == "value" and s.name in metric_dims for s in m.senses)]
    dims = [next(s.name for s in m.senses if s.kind == "dimension" and s.name in metric_dims) for m in words.mentions
            if any(s.kind == "dimension" and s.name in metric_dims for s in m.senses)]
    if not (values or dims or time.period or time.grain or time.compare):
        return None
    query = last
    used = 0
    chosen_values: dict[str, list[str]] = {}
    for sense in values:
        if sense.name in metric_dims and sense.value not in chosen_values.get(sense.name, []):
            chosen_values.setdefault(sense.name, []).append(sense.value)
    if chosen_values:
        kept = [f for f in query.filters if f.dimension not in chosen_values]
        added = [DimensionFilter(dimension=d, op="=" if len(v) == 1 else "in", values=tuple(v))
                 for d, v in chosen_values.items()]
        query = query.model_copy(update={"filters": tuple(kept + added)})
        used += 1
    new_dims = [d for d in dict.fromkeys(dims) if d in metric_dims and d not in query.dimensions
                and d not in chosen_values]
    if new_dims and (BREAKDOWN & tokens or not chosen_values):
        query = query.model_copy(update={"dimensions": (*query.dimensions, *new_dims[:1])})
        used += 1
    if time.period:
        query = query.model_copy(update={"time_range": time.period})
        used += 1
    if time.grain:
        query = query.model_copy(update={"grain": time.grain})
        used += 1
    if time.compare:
        query = query.model_copy(update={"compare": time.compare})
        used += 1
    if not used:
        return None
    return Plan(SemanticQuery.model_validate(query.model_dump()), 0.9, (), ("follow-up on the previous question",),
                "follow-up edits the previous query")


def _allowed(query: SemanticQuery, context: PlannerContext) -> set[str]:
    names = [m if isinstance(m, str) else m.name for m in query.metrics]
    sets = [set(context.catalog.metrics[n].dimensions) for n in names]
    return set.intersection(*sets) if sets else set()


def drivers(metric: Metric, catalog: Catalog) -> list[str]:
    """The metrics that make up `metric`: its source's other plain measures (of its unit, when it is one itself)."""
    sources = {metric.source} if metric.source else {
        m.source for m in catalog.metrics.values() if m.name in (metric.derived or "") and m.source}
    parts = [m.name for m in catalog.metrics.values()
             if m.source in sources and m.measure is not None and m.name != metric.name
             and (metric.measure is None or m.unit is metric.unit)]
    return parts


def _why(last: SemanticQuery, context: PlannerContext) -> Outcome:
    first = last.metrics[0]
    name = first if isinstance(first, str) else first.name
    metric = context.catalog.metrics[name]
    parts = drivers(metric, context.catalog)
    query = last.model_copy(update={
        "metrics": (name, *parts), "compare": last.compare or Comparison.previous_period, "metric_filters": (),
        "order_by": (), "limit": last.limit,
    })
    note = f"why: {metric.label} next to its parts ({', '.join(context.catalog.metrics[p].label for p in parts)}), " \
           f"against the previous period" if parts else f"why: {metric.label} against the previous period"
    return Plan(SemanticQuery.model_validate(query.model_dump()), 0.85, (), (note,), "follow-up asks why")
