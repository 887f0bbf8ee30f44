"""Questions the rules should not guess at: ambiguous words ask, unknown metrics suggest, junk gets one line."""

from __future__ import annotations

import pytest

from assistant.planner import Clarify, Plan, Unanswerable, plan_question


def test_churn_asks_logo_or_revenue_with_full_questions(context):
    outcome = plan_question("what was churn last month?", context)
    assert isinstance(outcome, Clarify)
    assert outcome.options == ("what was logo churn rate last month?", "what was revenue churn rate last month?")


def test_a_qualifier_settles_the_ambiguity(context):
    assert plan_question("revenue churn last month", context).query.metrics == ("revenue_churn_rate",)
    assert plan_question("logo churn last month", context).query.metrics == ("logo_churn_rate",)


def test_a_word_shared_by_several_metrics_offers_them(context):
    outcome = plan_question("what was retention last year", context)
    assert isinstance(outcome, Clarify)
    assert {"What is our Net revenue retention?", "What is our Gross revenue retention?"} <= set(outcome.options)


@pytest.mark.parametrize("question", ["how are we doing", "show me the numbers"])
def test_a_vague_question_asks_which_metric(context, question):
    outcome = plan_question(question, context)
    assert isinstance(outcome, Clarify)
    assert len(outcome.options) >= 2 and all(o.endswith("?") for o in outcome.options)


def test_an_unknown_metric_gets_did_you_mean(context):
    outcome = plan_question("what is our gross margin by product line", context)
    assert isinstance(outcome, Unanswerable)
    assert "margin" in outcome.message and "Did you mean" in outcome.message


def test_a_forecast_is_refused_honestly(context):
    outcome = plan_question("forecast nrr for next year", context)
    assert isinstance(outcome, Unanswerable)
    assert "2026-10-31" in outcome.message


@pytest.mark.parametrize(("question", "says"), [
    ("", "Ask a question"),
    ("   \n\t ", "Ask a question"),
    ("x" * 50_000, "50,000 characters"),
    ("🙂🙂🚀", "could not find any words"),
    ("Каков наш NRR за прошлый квартал?", "English"),
    ("Quel est notre taux de désabonnement ?", "English"),
    ("？？？", "could not find any words"),
])
def test_junk_gets_one_clear_line(context, question, says):
    outcome = plan_question(question, context)
    assert isinstance(outcome, Unanswerable)
    assert says in outcome.message and "\n" not in outcome.message


def test_an_unanswerable_question_offers_answerable_ones(context):
    outcome = plan_question("which competitors are we losing deals to", context)
    assert not isinstance(outcome, Plan) or not outcome.confident
    assert all(o.startswith("What is our") for o in getattr(outcome, "suggestions", getattr(outcome, "options", ())))


def test_a_filter_the_metric_cannot_take_lowers_confidence(context):
    outcome = plan_question("cac for emea last quarter", context)
    assert isinstance(outcome, Plan)
    assert outcome.query.filters == ()
    assert any("cannot filter" in note for note in outcome.notes)


def test_an_unsure_plan_with_unknown_things_says_the_warehouse_lacks_them(context):
    from assistant.planner.fallback import unsure

    plan = plan_question("which competitors are our churned customers moving to", context)
    assert isinstance(plan, Plan) and not plan.confident
    outcome = unsure(plan, context)
    assert isinstance(outcome, Unanswerable)
    assert "“competitors”" in outcome.message and outcome.suggestions[0].startswith("What is our Lost customers")


def test_an_unsure_plan_with_near_misses_asks_instead(context):
    from assistant.planner.fallback import unsure

    plan = plan_question("mrr by region and sgmnt", context)  # sgmnt: near segment, too far to be read as it
    assert isinstance(plan, Plan) and not plan.confident
    assert isinstance(unsure(plan, context), Clarify)


def test_no_text_makes_the_planner_raise(context):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    words = st.sampled_from(["nrr", "by", "segment", "last", "q3", "top", "10", "below", "60", "my", "accounts", "vs",
                             "since", "march", "next", "90", "days", "which", "churn", "emea", "?", "%", "'s", "-"])

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.one_of(st.text(max_size=80), st.lists(words, max_size=12).map(" ".join)))
    def never_raises(text):
        outcome = plan_question(text, context)
        assert isinstance(outcome, (Plan, Clarify, Unanswerable))

    never_raises()


def test_a_specific_segment_left_unnamed_is_asked_for_with_each_segment_as_an_option(context):
    outcome = plan_question("Which recurring issue themes are dragging down health in a specific segment?", context)
    assert isinstance(outcome, Clarify) and outcome.message == "Which segment? Enterprise, Mid-Market, SMB."
    assert outcome.options == tuple(f"Which recurring issue themes are dragging down health in the {s} segment?"
                                    for s in ("Enterprise", "Mid-Market", "SMB"))
    chosen = plan_question(outcome.options[0], context)
    assert isinstance(chosen, Plan) and chosen.query.dimensions == ("ticket_category",)
    assert [f.values for f in chosen.query.filters] == [("Enterprise",)]


def test_a_grouping_the_metric_cannot_take_is_said_not_dropped_silently(context):
    outcome = plan_question("csat by ticket category last month", context)
    assert outcome.query.dimensions == ()
    assert "CSAT cannot be split by ticket category; shown overall" in outcome.notes
