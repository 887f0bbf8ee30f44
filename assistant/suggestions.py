"""Follow-up questions offered under an answer, each one the planner answers as intended.

From the answered SemanticQuery and what the catalogue declares about its metrics (which
dimensions they can be split by, which entity a count counts, what a list of those entities
keeps, whether a metric has history) and the grain of the answer's period, `candidates`
proposes the edits people ask next: the accounts behind a count, the split by segment, the
trend over recent periods, the change from the period before. Each comes with the query it
must lead to. `follow_ups` plans every candidate as a follow-up of the answer and keeps only
those the planner turns into exactly that query, so an offered question is correct by
construction. Pure: planning only, no database, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.planner import PlannerContext, plan_question
from assistant.planner.interpretation import Interpretation
from assistant.planner.plan import Plan
from assistant.viewer import Viewer
from semantic_layer.model import TimeGrain
from semantic_layer.periods import Period, add_months, is_whole, period_name
from semantic_layer.query import Comparison, DimensionFilter, FilterOp, MetricFilter, SemanticQuery

MAX_FOLLOW_UPS = 3
# An answer for one whole period: its trend is over the periods of this grain ending with it.
TRENDS = ((TimeGrain.quarter, TimeGrain.quarter, 4), (TimeGrain.month, TimeGrain.month, 12),
          (TimeGrain.year, TimeGrain.quarter, 4))
_MONTHS_PER = {TimeGrain.month: 1, TimeGrain.quarter: 3}


@dataclass(frozen=True)
class Candidate:
    """A follow-up, in its wordings (shortest first), and the query it must plan to.

    For a list of entities (`listing`), what the planner adds to show each row (the evidence
    columns beside the listed metric, and the order they set) is the planner's own: the
    comparison keeps the listed metric first and leaves the order out.
    """

    wordings: tuple[str, ...]
    expected: SemanticQuery
    listing: bool = False

    def planned_as(self, outcome) -> bool:
        """Whether the planner's outcome for a wording is a confident plan of exactly `expected`."""
        if not isinstance(outcome, Plan) or not outcome.confident:
            return False
        planned = outcome.query
        if self.listing:
            planned = planned.model_copy(update={"metrics": planned.metrics[:1], "order_by": ()})
        return planned == self.expected


def follow_ups(query: SemanticQuery, interpretation: Interpretation | None, context: PlannerContext,
               viewer: Viewer | None = None) -> tuple[str, ...]:
    """Up to MAX_FOLLOW_UPS questions to ask after the answer to `query` (read as `interpretation`), each one
    planned for `viewer` as a follow-up and kept only when it plans to its intended edit of `query` (the service
    keeps them per answer in its caches, so an answer given again plans nothing)."""
    viewer = viewer or Viewer.leader()
    kept = []
    for candidate in candidates(query, context):
        asked = next((w for w in candidate.wordings
                      if candidate.planned_as(plan_question(w, context, viewer, interpretation))), None)
        if asked is not None:
            kept.append(asked)
            if len(kept) == MAX_FOLLOW_UPS:
                break
    return tuple(kept)


def candidates(query: SemanticQuery, context: PlannerContext) -> list[Candidate]:
    """The follow-ups worth offering after `query`, most telling first, each with the query it should plan to."""
    catalog = context.catalog
    names = [m if isinstance(m, str) else m.name for m in query.metrics]
    metrics = [catalog.metrics[n] for n in names if n in catalog.metrics]
    if len(metrics) != len(names) or query.tally is not None or query.metric_filters or query.order_by or query.limit:
        return []  # rankings, thresholds and tallies: their rows are the answer, no edit here is obvious
    if any(catalog.dimensions[d].entity for d in query.dimensions):
        return []
    found = [_accounts_behind(query, metrics, context), _split(query, metrics, context)]
    if query.grain is None and query.compare is None and not any(m.no_history for m in metrics):
        found += [_trend(query), _change(query)]
    return [c for c in found if c is not None]


def _accounts_behind(query: SemanticQuery, metrics, context: PlannerContext) -> Candidate | None:
    """A count of entities (lost customers, red accounts): which ones they are, in the same period and filters."""
    if len(metrics) != 1 or query.dimensions or query.grain or query.compare or not metrics[0].counts:
        return None
    metric = metrics[0]
    entity = context.catalog.entity_dimension(metric.counts)
    if entity is None or not isinstance(query.metrics[0], str):
        return None
    filters = query.filters
    listed = entity.listed_as
    if listed is not None and not metric.former and all(f.dimension != listed.dimension for f in filters):
        filters = (*filters, DimensionFilter(dimension=listed.dimension, values=(listed.value,)))
    expected = query.model_copy(update={"dimensions": (entity.name,), "filters": filters,
                                        "metric_filters": (MetricFilter(metric=metric.name, op=FilterOp.gt, value=0),)})
    return Candidate((f"Which {metric.counts}s are those?",), expected, listing=True)


def _split(query: SemanticQuery, metrics, context: PlannerContext) -> Candidate | None:
    """The same figures split by the dimension a blended number is checked against (segment), instead of the split
    the answer has, if any."""
    split = next((d for d in context.catalog.dimensions.values() if d.split_blended), None)
    if split is None or split.name in query.dimensions or any(f.dimension == split.name for f in query.filters) \
            or not all(split.name in m.dimensions for m in metrics):
        return None
    expected = query.model_copy(update={"dimensions": (split.name,)})
    instead = " instead" if query.dimensions else ""
    return Candidate((f"What about by {split.name.replace('_', ' ')}{instead}?",), expected)


def _trend(query: SemanticQuery) -> Candidate | None:
    """One whole month, quarter or year: the trend over the months or quarters up to its end ('over the last 12
    months' when those are the latest, else from the first to the last by name)."""
    period = query.time_range
    for whole, grain, count in TRENDS:
        if is_whole(period, whole):
            first = add_months(period.end.replace(day=1), -_MONTHS_PER[grain] * count + 1)
            last = add_months(period.end.replace(day=1), 1 - _MONTHS_PER[grain])
            expected = query.model_copy(update={"grain": grain, "time_range": Period(first, period.end)})
            return Candidate((f"What about its trend over the last {count} {grain.value}s?",
                              f"What about its trend by {grain.value} from {period_name(first, grain)} to "
                              f"{period_name(last, grain)}?"), expected)
    return None


def _change(query: SemanticQuery) -> Candidate:
    """The same figures next to the period of the same length just before."""
    return Candidate(("How did that change from the period before?",),
                     query.model_copy(update={"compare": Comparison.previous_period}))
