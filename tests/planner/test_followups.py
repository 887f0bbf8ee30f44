"""Follow-ups edit the previous interpretation; a question that stands on its own starts afresh."""

from __future__ import annotations

from assistant.planner import Plan, plan_question
from semantic_layer.query import Comparison


class Chat:
    """Questions asked in order, each after the last interpretation the rules made."""

    def __init__(self, context):
        self.context, self.last = context, None

    def ask(self, question):
        outcome = plan_question(question, self.context, last=self.last)
        assert isinstance(outcome, Plan), outcome
        self.last = outcome.interpretation
        return outcome.query


def _ask(context, question, last=None):
    chat = Chat(context)
    chat.last = last
    return chat.ask(question)


def test_and_for_a_region_replaces_or_adds_that_filter(context):
    chat = Chat(context)
    first = chat.ask("nps by segment last quarter")
    second = chat.ask("and for EMEA?")
    assert (second.metrics, second.dimensions) == (first.metrics, first.dimensions)
    assert [(f.dimension, f.values) for f in second.filters] == [("region", ("EMEA",))]
    third = chat.ask("what about apac")
    assert [(f.dimension, f.values) for f in third.filters] == [("region", ("APAC",))]


def test_enterprise_alone_reads_as_the_segment_once(context):
    chat = Chat(context)
    first = chat.ask("nps last quarter")
    second = chat.ask("and for enterprise only?")
    assert [(f.dimension, f.values) for f in second.filters] == [("segment", ("Enterprise",))]


def test_break_that_down_adds_a_grouping(context):
    chat = Chat(context)
    first = chat.ask("health in october")
    second = chat.ask("break that down by plan")
    assert second.dimensions == ("plan",) and second.time_range == first.time_range


def test_a_new_period_keeps_the_rest(context):
    chat = Chat(context)
    first = chat.ask("nrr by segment last quarter")
    second = chat.ask("and in 2025?")
    assert (second.dimensions, second.time_range.start.isoformat(), second.time_range.end.isoformat()) == \
        (("segment",), "2025-01-01", "2025-12-31")


def test_why_shows_the_health_components_against_the_previous_period(context):
    chat = Chat(context)
    first = chat.ask("leila johnson's book health this month")
    why = chat.ask("why?")
    assert why.metrics[0] == "health_score"
    assert {"usage_score", "support_score", "engagement_score", "payment_score", "executive_score"} <= set(why.metrics)
    assert why.compare is Comparison.previous_period and why.filters == first.filters


def test_why_for_nrr_shows_its_revenue_movements(context):
    chat = Chat(context)
    chat.ask("nrr last quarter")
    why = chat.ask("what drove that?")
    assert {"expansion_mrr", "contraction_mrr", "churned_mrr"} <= set(why.metrics)


def test_a_question_with_its_own_metric_is_not_a_follow_up(context):
    chat = Chat(context)
    chat.ask("nps by segment last quarter")
    second = chat.ask("csat in emea for september")
    assert second.metrics == ("csat",) and second.dimensions == ()


def test_another_metric_as_a_continuation_keeps_the_rest(context):
    chat = Chat(context)
    chat.ask("nps by segment last quarter")
    second = chat.ask("and csat?")
    assert second.metrics == ("csat",) and second.dimensions == ("segment",)


def test_all_accounts_after_one_account_starts_fresh(context):
    chat = Chat(context)
    chat.ask("health of acme this month")
    listed = chat.ask("now list all accounts with health below 50")
    assert listed.dimensions == ("account_name",)
    assert [f.dimension for f in listed.filters] == ["customer_status"]  # not Acme's filter


def test_a_new_topic_starts_fresh(context):
    chat = Chat(context)
    chat.ask("nrr by segment in emea last quarter")
    fresh = chat.ask("different question: csat last month")
    assert (fresh.metrics, fresh.dimensions, fresh.filters) == (("csat",), (), ())


def test_top_n_of_those_ranks_the_previous_rows(context):
    chat = Chat(context)
    chat.ask("tickets by category last month")
    top = chat.ask("top 3 of those")
    assert top.dimensions == ("ticket_category",) and top.limit == 3
    assert top.order_by[0].field == "ticket_volume" and top.order_by[0].descending


def test_the_year_before_moves_the_period_back(context):
    chat = Chat(context)
    chat.ask("grr by segment for 2025")
    before = chat.ask("what about the year before?")
    assert (before.time_range.start.isoformat(), before.time_range.end.isoformat()) == ("2024-01-01", "2024-12-31")
    assert before.dimensions == ("segment",)


def test_by_plan_instead_replaces_the_grouping(context):
    chat = Chat(context)
    chat.ask("mau by region in october")
    assert chat.ask("by plan instead").dimensions == ("plan",)
