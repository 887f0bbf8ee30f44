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
    assert outcome.options == ("what was net revenue retention last year", "what was gross revenue retention last year",
                               "what was customer retention rate last year")


def test_active_users_without_a_window_asks_daily_weekly_or_monthly(context):
    outcome = plan_question("how many active users do we have", context)
    assert isinstance(outcome, Clarify)
    assert [plan_question(o, context).query.metrics[0] for o in outcome.options] == ["dau", "wau", "mau"]
    assert plan_question("how many daily active users did we have in q3", context).query.metrics == ("dau",)


def test_active_users_against_seats_are_the_mau_seat_utilization_divides(context):
    plan = plan_question("which accounts have more active users than seats they bought in september", context)
    assert isinstance(plan, Plan) and plan.confident
    assert ("seat_utilization", ">", 100.0) in [(f.metric, f.op.value, f.value) for f in plan.query.metric_filters]


def test_a_movement_word_the_query_does_not_reflect_is_not_answered_confidently(context):
    # a band is a level: "dropped out of green" asks for a move between two weeks, which a list of green accounts is not
    plan = plan_question("which accounts dropped out of green since the end of september?", context)
    assert not (isinstance(plan, Plan) and plan.confident)
    assert "dropped" in plan.unused_words


def test_narrowing_a_previous_answer_that_is_not_there_is_not_answered_as_a_new_question(context):
    plan = plan_question("filter that to health under 60", context)
    assert not (isinstance(plan, Plan) and plan.confident)
    assert "filter that to" in plan.unused_words


def test_a_split_by_a_score_is_not_read_as_the_rows_measured(context):
    # "every ticket opened" names the rows a count is over; "by health" asks for a split no dimension gives
    plan = plan_question("arr by health band", context)
    assert not (isinstance(plan, Plan) and plan.confident)
    assert plan_question("response time for every ticket opened last quarter", context).confident


@pytest.mark.parametrize("question", [
    "csat this year for enterprise accounts in the red",
    "for accounts currently in the red, which ticket categories came up in the past 90 days? counts per category",
])
def test_a_band_that_says_which_accounts_is_not_dropped_or_shown_beside(context, question):
    # the query cannot narrow another metric to the accounts of a band: asked back, not answered as two numbers
    plan = plan_question(question, context)
    assert not (isinstance(plan, Plan) and plan.confident)


def test_a_split_with_nothing_before_it_does_not_guess_what_to_count(context):
    outcome = plan_question("ok now split that by channel", context)
    assert not (isinstance(outcome, Plan) and outcome.confident)
    assert plan_question("top ticket themes last quarter", context).query.metrics == ("ticket_volume",)


def test_at_risk_is_not_defined_by_the_domain_so_it_asks_which_definition(context):
    outcome = plan_question("which of my accounts are at risk", context)
    assert isinstance(outcome, Clarify)
    assert outcome.options == ("which of my accounts are health-risk accounts", "which of my accounts are red health accounts")
    for option, metric in zip(outcome.options, ("health_risk_accounts", "red_health_accounts")):
        assert plan_question(option, context).query.metrics[0] == metric


def test_the_askers_own_definition_settles_an_undefined_term(context):
    plan = plan_question("which accounts are at risk, i.e. health under 45", context)
    assert isinstance(plan, Plan) and plan.confident
    assert [(f.metric, f.op.value, f.value) for f in plan.query.metric_filters] == [("health_score", "<", 45.0)]


@pytest.mark.parametrize("question", ["how are we doing", "show me the numbers"])
def test_a_vague_question_asks_which_metric(context, question):
    outcome = plan_question(question, context)
    assert isinstance(outcome, Clarify)
    assert len(outcome.options) >= 2 and all(o.endswith("?") for o in outcome.options)


def test_an_unknown_metric_is_said_with_the_closest_answerable_questions(context):
    outcome = plan_question("what is our gross margin by product line", context)
    assert isinstance(outcome, Unanswerable)
    assert "margin" in outcome.message and "closest I can answer" in outcome.message
    assert outcome.suggestions and all(s.startswith("What is our") for s in outcome.suggestions)


def test_a_forecast_is_refused_honestly(context):
    outcome = plan_question("forecast nrr for next year", context)
    assert isinstance(outcome, Unanswerable)
    assert "2026-10-31" in outcome.message
    # the history it would start from is offered as a question that answers
    (history,) = outcome.suggestions
    assert isinstance(plan_question(history, context), Plan) and plan_question(history, context).confident
    assert not plan_question("what should we do about churn", context).suggestions  # no metric named, nothing offered


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


def test_a_filter_the_metric_cannot_take_is_not_answered_confidently(context):
    outcome = plan_question("cac for emea last quarter", context)
    assert isinstance(outcome, Plan) and not outcome.confident
    assert outcome.query.filters == ()
    assert any("cannot filter" in word for word in outcome.unused_words)


def test_an_unsure_plan_with_unknown_things_says_the_warehouse_lacks_them(context):
    from assistant.planner.fallback import unsure

    plan = plan_question("which competitors are our churned customers moving to", context)
    assert isinstance(plan, Plan) and not plan.confident
    outcome = unsure(plan, context)
    assert isinstance(outcome, Unanswerable)
    assert "“competitors”" in outcome.message
    assert outcome.suggestions == ("Which accounts are among the lost customers in Q3 2026?",)


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
    outcome = plan_question("nps by ticket category last month", context)  # NPS surveys are about no ticket
    assert outcome.query.dimensions == () and not outcome.confident
    assert "Net promoter score cannot be split by ticket category" in outcome.unused_words


def test_an_option_offered_back_is_a_question_the_rules_answer_the_same_way(context):
    from assistant.planner.fallback import as_question

    for question in ["nrr by segment in emea last quarter", "which enterprise accounts have health below 60",
                     "how many accounts in each plan have seat utilization under 40%", "top 10 accounts by mrr",
                     "which accounts are health-risk accounts", "tickets this quarter vs last quarter", "mau past 90 days"]:
        plan = plan_question(question, context)
        again = plan_question(as_question(plan.query, context), context)
        assert isinstance(again, Plan) and again.confident and again.query == plan.query, question


@pytest.mark.parametrize(("question", "says"), [
    ("health of Initech this month", "No account is called “Initech”"),
    ("hows globex industries' nrr trending", "No account is called “globex industries”"),
    ("mrr for northwind traders", "No account is called “northwind traders”"),
    ("nps for customers based in germany", "nothing called “germany”"),
])
def test_a_name_the_data_does_not_hold_is_said(context, question, says):
    outcome = plan_question(question, context)
    assert isinstance(outcome, Unanswerable) and says in outcome.message


def test_a_period_before_the_data_says_when_it_starts(context):
    from dataclasses import replace
    from datetime import date

    dated = replace(context, data_ranges={"mrr_movements": (date(2023, 11, 1), date(2026, 10, 1))})
    outcome = plan_question("nrr for q2 2023", dated)
    assert isinstance(outcome, Unanswerable) and "the data starts in November 2023" in outcome.message


def test_a_split_the_data_does_not_have_is_unanswerable(context):
    from assistant.planner.fallback import unsure

    plan = plan_question("lost customers this year broken down by cancellation reason", context)
    assert isinstance(plan, Plan) and not plan.confident
    assert isinstance(unsure(plan, context), Unanswerable)
