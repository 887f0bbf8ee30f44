"""Suggested questions are full, grammatical questions the planner answers as intended.

Three kinds: the question each metric declares in the catalogue (offered when the planner is not
sure, or finds nothing to answer), with the asker's period and filters; and the follow-ups under
an answer (the accounts behind a count, the split by segment, the trend, the change from the
period before), each planned as a follow-up of that answer and kept only when it plans to the
intended edit of the answered query. Expected queries are written out by hand below.
"""

from __future__ import annotations

import re
import shutil
from datetime import date

import pytest

from assistant.conversation import Conversation
from assistant.planner import Clarify, Plan, Unanswerable, plan_question
from assistant.planner.fallback import ask_for, as_question
from assistant.suggestions import Candidate, follow_ups
from assistant.viewer import Viewer
from semantic_layer.catalog import CATALOG_DIR, default_catalog, load_catalog
from semantic_layer.errors import CatalogError
from semantic_layer.periods import Period
from semantic_layer.query import Comparison, DimensionFilter, FilterOp, MetricFilter, SemanticQuery

Q2_2026 = Period(date(2026, 4, 1), date(2026, 6, 30))
Q3_2026 = Period(date(2026, 7, 1), date(2026, 9, 30))
OCTOBER_2026 = Period(date(2026, 10, 1), date(2026, 10, 31))
CURRENT = DimensionFilter(dimension="customer_status", values=("current",))
CATALOG = default_catalog()


def names(query: SemanticQuery) -> list[str]:
    return [m if isinstance(m, str) else m.name for m in query.metrics]


def asks_for(outcome, metric: str) -> bool:
    """A confident plan answering with `metric`: first, or shown beside each row of a list of entities."""
    if not isinstance(outcome, Plan) or not outcome.confident:
        return False
    listed = any(CATALOG.dimensions[d].entity for d in outcome.query.dimensions)
    return names(outcome.query)[0] == metric or (listed and metric in names(outcome.query))


def grammatical(question: str) -> bool:
    """One question: a capital first, '?' last, and no metric label capitalised mid-sentence ('our Accounts with')."""
    labels = [m.label for m in CATALOG.metrics.values() if m.label[0].isupper() and not m.label.split()[0].isupper()]
    return bool(re.fullmatch(r"[A-Z][^?]*\?", question)) and not any(f" {label}" in question for label in labels)


def ask(context, *questions: str):
    """Each question planned as a follow-up of the one before; the last outcome."""
    last = None
    for question in questions:
        outcome = plan_question(question, context, None, last)
        last = outcome.interpretation if isinstance(outcome, Plan) else last
    return outcome


# --- the question every metric declares ------------------------------------------------------

ASKED = sorted(name for name, m in CATALOG.metrics.items() if m.question is not None)


@pytest.mark.parametrize("metric", ASKED)
def test_every_declared_question_is_one_the_planner_answers_with_its_metric(context, metric):
    question = CATALOG.metrics[metric].question
    assert grammatical(question), question
    assert asks_for(plan_question(question, context), metric), question


def test_only_the_parts_of_the_issue_theme_gap_declare_no_question_and_they_are_never_offered(context):
    from assistant.planner.fallback import options
    from assistant.planner.spans import read

    unasked = {name for name, m in CATALOG.metrics.items() if m.question is None}
    assert unasked == {"theme_tickets", "theme_accounts", "theme_raisers_health", "theme_others_health"}
    gap = CATALOG.metrics["theme_health_gap"]
    assert unasked <= {*gap.parts, *gap.evidence}  # shown with the gap, never asked on their own
    reading = read("health of ticket raisers", context.lexicon, context.as_of)
    assert options([*sorted(unasked), "theme_health_gap"], reading, CATALOG) == (gap.question,)


@pytest.mark.parametrize("metric", ASKED)
def test_a_declared_question_with_a_period_and_a_filter_still_asks_for_its_metric(context, metric):
    m = CATALOG.metrics[metric]
    timed = plan_question(ask_for(m, "in Q2 2026"), context)
    assert asks_for(timed, metric) and timed.query.time_range == Q2_2026, ask_for(m, "in Q2 2026")
    if "region" in m.dimensions:
        filtered = plan_question(ask_for(m, "for EMEA"), context)
        assert asks_for(filtered, metric), ask_for(m, "for EMEA")
        assert DimensionFilter(dimension="region", values=("EMEA",)) in filtered.query.filters


def test_a_tail_closes_the_main_clause():
    assert ask_for(CATALOG.metrics["nrr"], "for EMEA in Q3 2026") == "What is our net revenue retention for EMEA in Q3 2026?"
    assert ask_for(CATALOG.metrics["churn_date"], "in Q3 2026") == "Which customers did we lose in Q3 2026, and when?"
    assert ask_for(CATALOG.metrics["onboarding_incomplete_accounts"]) == "How many accounts have incomplete onboarding?"


def _catalogue_copy(tmp_path, edit):
    folder = tmp_path / "catalog"
    shutil.copytree(CATALOG_DIR, folder)
    path = folder / "40_onboarding.yaml"
    path.write_text(edit(path.read_text()))
    return folder


def test_a_metric_without_a_question_is_a_catalogue_issue_unless_it_is_a_part_of_another(tmp_path):
    rate = "    question: What is our onboarding completion rate?\n"
    with pytest.raises(CatalogError) as caught:
        load_catalog(_catalogue_copy(tmp_path / "rate", lambda text: text.replace(rate, "", 1)))
    assert [(i.entry, i.field) for i in caught.value.issues if i.field == "question"] == [
        ("metric 'onboarding_completion_rate'", "question")]
    part = "    question: How many accounts have incomplete onboarding?\n"  # the numerator of the rate
    assert load_catalog(_catalogue_copy(tmp_path / "part", lambda text: text.replace(part, "", 1)))


def test_two_metrics_declaring_one_question_is_a_catalogue_issue(tmp_path):
    copied = _catalogue_copy(tmp_path, lambda text: text.replace(
        "question: How many accounts have incomplete onboarding?", "question: How many accounts are onboarding?", 1))
    with pytest.raises(CatalogError) as caught:
        load_catalog(copied)
    assert any("already asks for 'onboarding_accounts'" in i.text() for i in caught.value.issues)


def test_a_question_that_is_not_one_sentence_ending_in_a_question_mark_does_not_load(tmp_path):
    copied = _catalogue_copy(tmp_path, lambda text: text.replace(
        "question: How many accounts have incomplete onboarding?", "question: accounts with onboarding incomplete", 1))
    with pytest.raises(CatalogError):
        load_catalog(copied)


# --- what the planner offers when it is not sure ---------------------------------------------

def test_the_closest_answerable_questions_are_declared_questions_with_the_askers_period(context):
    outcome = plan_question("what is our hlth scroe last quarter", context)
    assert isinstance(outcome, (Clarify, Unanswerable))
    offered = outcome.options if isinstance(outcome, Clarify) else outcome.suggestions
    assert offered
    for question in offered:
        assert grammatical(question) and question.endswith(" last quarter?"), question
        metric = next(m for m in CATALOG.metrics.values() if question == ask_for(m, "last quarter"))
        planned = plan_question(question, context)
        assert asks_for(planned, metric.name) and planned.query.time_range == Q3_2026, question


def test_a_value_the_metric_cannot_be_filtered_by_is_left_out_of_its_suggestion(context):
    from assistant.planner.fallback import options
    from assistant.planner.spans import read

    reading = read("emea spend numbers in q2 2026", context.lexicon, context.as_of)
    assert options(["cs_spend", "mrr"], reading, CATALOG) == ("What is our customer success spend in q2 2026?",
                                                             "What is our MRR for EMEA in q2 2026?")


def test_a_plan_said_back_for_one_metric_is_its_declared_question(context):
    query = SemanticQuery(metrics=("onboarding_incomplete_accounts",), time_range=Q3_2026, dimensions=("segment",),
                          filters=(DimensionFilter(dimension="region", values=("EMEA",)),))
    said = as_question(query, context)
    assert said == "How many accounts have incomplete onboarding by segment for EMEA in Q3 2026?"
    assert plan_question(said, context).query == query


def test_a_forecast_is_declined_with_the_history_it_would_start_from(context):
    outcome = plan_question("what will our nrr be next quarter?", context)
    assert isinstance(outcome, Unanswerable)
    assert outcome.suggestions == ("What is our net revenue retention by month over the last 12 months?",)
    planned = plan_question(outcome.suggestions[0], context).query
    assert (planned.metrics, planned.grain.value, planned.time_range) == (
        ("nrr",), "month", Period(date(2025, 11, 1), date(2026, 10, 31)))


# --- follow-ups under an answer --------------------------------------------------------------

def _answered(context, question):
    plan = plan_question(question, context)
    assert isinstance(plan, Plan) and plan.confident
    return plan


def test_a_rate_for_a_past_quarter_offers_the_split_the_trend_and_the_change(context):
    plan = _answered(context, "What is our NRR in Q2 2026?")
    offered = follow_ups(plan.query, plan.interpretation, context)
    assert offered == ("What about by segment?", "What about its trend by quarter from Q3 2025 to Q2 2026?",
                       "How did that change from the period before?")
    nrr = SemanticQuery(metrics=("nrr",), time_range=Q2_2026)
    expected = [nrr.model_copy(update={"dimensions": ("segment",)}),
                nrr.model_copy(update={"grain": "quarter", "time_range": Period(date(2025, 7, 1), date(2026, 6, 30))}),
                nrr.model_copy(update={"compare": Comparison.previous_period})]
    assert [ask(context, "What is our NRR in Q2 2026?", f).query for f in offered] == expected


def test_the_latest_quarter_trend_is_said_as_the_last_four(context):
    plan = _answered(context, "What is our net revenue retention?")
    offered = follow_ups(plan.query, plan.interpretation, context)
    assert "What about its trend over the last 4 quarters?" in offered
    trend = ask(context, "What is our net revenue retention?", "What about its trend over the last 4 quarters?").query
    assert (trend.grain.value, trend.time_range) == ("quarter", Period(date(2025, 10, 1), date(2026, 9, 30)))


def test_a_count_of_accounts_offers_the_accounts_behind_it(context):
    plan = _answered(context, "How many red health accounts do we have?")
    offered = follow_ups(plan.query, plan.interpretation, context)
    assert offered[0] == "Which accounts are those?"
    listed = ask(context, "How many red health accounts do we have?", "Which accounts are those?").query
    assert (names(listed)[0], listed.dimensions, listed.time_range) == ("red_health_accounts", ("account_name",),
                                                                         OCTOBER_2026)
    assert listed.filters == (CURRENT,)
    assert listed.metric_filters == (MetricFilter(metric="red_health_accounts", op=FilterOp.gt, value=0),)


def test_accounts_that_left_are_listed_without_the_current_customers_filter(context):
    plan = _answered(context, "How many customers did we lose last quarter?")
    assert follow_ups(plan.query, plan.interpretation, context)[0] == "Which accounts are those?"
    listed = ask(context, "How many customers did we lose last quarter?", "Which accounts are those?").query
    assert (listed.filters, listed.time_range) == ((), Q3_2026)


def test_a_split_answer_is_offered_the_segment_split_instead(context):
    plan = _answered(context, "open tickets by priority")
    offered = follow_ups(plan.query, plan.interpretation, context)
    assert offered[0] == "What about by segment instead?"
    assert ask(context, "open tickets by priority", offered[0]).query == SemanticQuery(
        metrics=("open_tickets",), time_range=OCTOBER_2026, dimensions=("segment",))


def test_filters_of_the_answer_are_kept_by_every_follow_up(context):
    plan = _answered(context, "What is our MRR for EMEA?")
    emea = DimensionFilter(dimension="region", values=("EMEA",))
    for question in follow_ups(plan.query, plan.interpretation, context):
        assert emea in ask(context, "What is our MRR for EMEA?", question).query.filters, question


@pytest.mark.parametrize("question", ["Which accounts have a health score below 60?", "top 5 accounts by mrr",
                                      "nrr trend by segment"])
def test_lists_rankings_and_split_trends_offer_no_follow_up(context, question):
    plan = _answered(context, question)
    assert follow_ups(plan.query, plan.interpretation, context) == ()


def test_a_follow_up_the_planner_reads_otherwise_is_not_offered(context):
    plan = _answered(context, "What is our NRR in Q2 2026?")
    # the planner reads "the last 4 quarters" as the latest four, not the four up to Q2 2026: not this edit
    wrong = Candidate(("What about its trend over the last 4 quarters?",), plan.query.model_copy(
        update={"grain": "quarter", "time_range": Period(date(2025, 7, 1), date(2026, 6, 30))}))
    outcome = plan_question(wrong.wordings[0], context, None, plan.interpretation)
    assert isinstance(outcome, Plan) and outcome.confident and not wrong.planned_as(outcome)
    assert wrong.wordings[0] not in follow_ups(plan.query, plan.interpretation, context)


@pytest.mark.parametrize("question", ["What is our NRR in Q2 2026?", "How many red health accounts do we have?",
                                      "open tickets by priority", "logo churn rate in 2025", "csat by region"])
def test_follow_ups_are_grammatical_questions(context, question):
    plan = _answered(context, question)
    offered = follow_ups(plan.query, plan.interpretation, context)
    assert 1 <= len(offered) <= 3 and all(grammatical(q) for q in offered), offered


def test_the_service_adds_follow_ups_to_an_answer_and_a_click_edits_it(assistant):
    conversation = Conversation()
    answer = assistant.ask("What is our NRR in Q2 2026?", conversation=conversation)
    assert answer.ok and answer.follow_ups[0] == "What about by segment?" and "follow_ups" in answer.timings_ms
    split = assistant.ask(answer.follow_ups[0], conversation=conversation)
    assert split.ok and split.query["dimensions"] == ["segment"] and split.query["time_range"] == {
        "start": "2026-04-01", "end": "2026-06-30"}
    assert [row[split.columns.index("segment")] for row in split.rows] == ["Enterprise", "Mid-Market", "SMB"]
    clarified = assistant.ask("which accounts are at risk")
    assert clarified.status.value == "clarify" and clarified.follow_ups == []


def test_a_context_reads_a_question_once_unless_told_to_remember_nothing(context, monkeypatch):
    import dataclasses

    import assistant.planner.plan as plan_module

    read = []
    real = plan_module.read
    monkeypatch.setattr(plan_module, "read", lambda *a: read.append(a[0]) or real(*a))
    remembering = dataclasses.replace(context)  # a fresh context: nothing read yet
    first = remembering.reading("What is our NRR in Q3 2025?")
    assert remembering.reading("What is our NRR in Q3 2025?") is first and read == ["What is our NRR in Q3 2025?"]
    forgetting = dataclasses.replace(context, remember=False)  # CS_CACHE=off: every reading is made again
    forgetting.reading("What is our NRR in Q3 2025?")
    forgetting.reading("What is our NRR in Q3 2025?")
    assert len(read) == 3
