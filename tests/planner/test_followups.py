"""Follow-ups edit the previous query; a question with its own metric starts afresh."""

from __future__ import annotations

from assistant.planner import Plan, plan_question
from semantic_layer.query import Comparison


def _ask(context, question, last=None):
    outcome = plan_question(question, context, last_query=last)
    assert isinstance(outcome, Plan), outcome
    return outcome.query


def test_and_for_a_region_replaces_or_adds_that_filter(context):
    first = _ask(context, "nps by segment last quarter")
    second = _ask(context, "and for EMEA?", first)
    assert (second.metrics, second.dimensions) == (first.metrics, first.dimensions)
    assert [(f.dimension, f.values) for f in second.filters] == [("region", ("EMEA",))]
    third = _ask(context, "what about apac", second)
    assert [(f.dimension, f.values) for f in third.filters] == [("region", ("APAC",))]


def test_enterprise_alone_reads_as_the_segment_once(context):
    first = _ask(context, "nps last quarter")
    second = _ask(context, "and for enterprise only?", first)
    assert [(f.dimension, f.values) for f in second.filters] == [("segment", ("Enterprise",))]


def test_break_that_down_adds_a_grouping(context):
    first = _ask(context, "health in october")
    second = _ask(context, "break that down by plan", first)
    assert second.dimensions == ("plan",) and second.time_range == first.time_range


def test_a_new_period_keeps_the_rest(context):
    first = _ask(context, "nrr by segment last quarter")
    second = _ask(context, "and in 2025?", first)
    assert (second.dimensions, second.time_range.start.isoformat(), second.time_range.end.isoformat()) == \
        (("segment",), "2025-01-01", "2025-12-31")


def test_why_shows_the_health_components_against_the_previous_period(context):
    first = _ask(context, "leila johnson's book health this month")
    why = _ask(context, "why?", first)
    assert why.metrics[0] == "health_score"
    assert {"usage_score", "support_score", "engagement_score", "payment_score", "executive_score"} <= set(why.metrics)
    assert why.compare is Comparison.previous_period and why.filters == first.filters


def test_why_for_nrr_shows_its_revenue_movements(context):
    first = _ask(context, "nrr last quarter")
    why = _ask(context, "what drove that?", first)
    assert {"expansion_mrr", "contraction_mrr", "churned_mrr"} <= set(why.metrics)


def test_a_question_with_its_own_metric_is_not_a_follow_up(context):
    first = _ask(context, "nps by segment last quarter")
    second = _ask(context, "and csat in emea?", first)
    assert second.metrics == ("csat",) and second.dimensions == ()
