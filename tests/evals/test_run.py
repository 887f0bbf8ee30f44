"""The runner: conversations replayed, viewers passed, expected SQL on a hardened cursor, misses judged.

The assistant here is a scripted fake, so these tests pin the harness, not any planner; the
expected queries run on the tiny hand-written warehouse (MRR in October 2026 is
21,000 + 450 + 750 = 22,200 over three paying accounts).
"""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.answer import Answer, Status
from assistant.runner import connect_hardened
from assistant.viewer import Viewer
from evals.cases import Case, ExpectedStatus, Shape
from evals.run import AgentRouted, Outcome, expected_table, run_case, run_cases
from fixtures.tiny_warehouse import build_tiny_warehouse

OCTOBER_MRR = "SELECT SUM(mrr) FROM account_mrr_monthly WHERE month = DATE '2026-10-01'"


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = tmp_path_factory.mktemp("tiny") / "tiny.duckdb"
    build_tiny_warehouse(path)
    connection = connect_hardened(path)
    yield connection
    connection.close()


class ScriptedAssistant:
    """Answers from a script keyed by question, recording every ask (question, viewer, turns so far)."""

    def __init__(self, script):
        self.script = script
        self.asked = []

    def ask(self, question, viewer=None, conversation=None):
        self.asked.append((question, viewer, len(conversation.turns) if conversation else None))
        answer = self.script[question]
        if isinstance(answer, Exception):
            raise answer
        if conversation is not None:
            conversation.add(question, answer.status, None)
        return answer


def answered(columns, rows):
    return Answer("q", Status.ANSWERED, "ok", columns=columns, rows=rows)


def case(**fields):
    defaults = dict(id="c", question="mrr in october", family="revenue", shape=Shape.single, file="t.yaml")
    return Case(**(defaults | fields))


def test_expected_sql_runs_on_the_hardened_connection(con):
    table = expected_table(con, OCTOBER_MRR)
    assert len(table.rows) == 1 and float(table.rows[0][0]) == 22200.0


def test_a_matching_answer_passes_and_is_timed(con):
    bot = ScriptedAssistant({"mrr in october": answered(
        ["period_start", "period_end", "mrr"], [[dt.date(2026, 10, 1), dt.date(2026, 10, 31), 22200.0]])})
    result = run_case(case(sql=OCTOBER_MRR), bot, con)
    assert result.passed, result.reason
    assert result.latency_ms is not None and result.latency_ms >= 0


def test_a_wrong_number_is_confidently_wrong_and_says_so(con):
    bot = ScriptedAssistant({"mrr in october": answered(["mrr"], [[22100.0]])})
    result = run_case(case(sql=OCTOBER_MRR), bot, con)
    assert result.outcome is Outcome.wrong and result.confident
    assert result.reason.startswith("no answer column holds the values")


@pytest.mark.parametrize("status", [Status.CLARIFY, Status.UNANSWERABLE, Status.ERROR, Status.REFUSED])
def test_no_number_for_an_answerable_case_is_declined(con, status):
    bot = ScriptedAssistant({"mrr in october": Answer("q", status, "Which one?")})
    result = run_case(case(sql=OCTOBER_MRR), bot, con)
    assert result.outcome is Outcome.declined and not result.confident
    assert f"status is {status}" in result.reason


def test_status_cases_are_correct_on_the_expected_status_and_declined_on_another_decline(con):
    bot = ScriptedAssistant({"churn?": Answer("churn?", Status.CLARIFY, "Logo or revenue churn?")})
    churn = case(question="churn?", shape=Shape.ambiguous, status=ExpectedStatus.clarify)
    assert run_case(churn, bot, con).outcome is Outcome.correct
    other = case(question="churn?", shape=Shape.unanswerable, status=ExpectedStatus.unanswerable)
    assert run_case(other, bot, con).outcome is Outcome.declined


def test_answering_a_question_that_should_be_declined_is_confidently_wrong(con):
    bot = ScriptedAssistant({"churn?": answered(["logo_churn_rate"], [[1.3]])})
    churn = case(question="churn?", shape=Shape.ambiguous, status=ExpectedStatus.clarify)
    assert run_case(churn, bot, con).outcome is Outcome.wrong


def test_the_conversation_is_replayed_first_with_the_cases_viewer(con):
    bot = ScriptedAssistant({"mrr in october": answered(["mrr"], [[1.0]]),
                             "by plan": answered(["mrr"], [[22200.0]])})
    viewer = Viewer.csm("C01")
    result = run_case(case(question="by plan", conversation=("mrr in october",), viewer=viewer, sql=OCTOBER_MRR),
                      bot, con)
    assert result.passed
    assert bot.asked == [("mrr in october", viewer, 0), ("by plan", viewer, 1)]


def test_every_case_gets_a_fresh_conversation(con):
    bot = ScriptedAssistant({"mrr in october": answered(["mrr"], [[22200.0]])})
    run_cases([case(id="a", sql=OCTOBER_MRR), case(id="b", sql=OCTOBER_MRR)], bot, con)
    assert [turns for _, _, turns in bot.asked] == [0, 0]


def test_a_broken_expected_query_is_a_harness_error_not_a_miss(con):
    bot = ScriptedAssistant({})
    result = run_case(case(sql="SELECT nope FROM accounts"), bot, con)
    assert not result.passed and "nope" in result.harness_error
    assert bot.asked == []


def test_an_assistant_that_raises_is_a_measured_miss(con):
    bot = ScriptedAssistant({"mrr in october": RuntimeError("boom")})
    result = run_case(case(sql=OCTOBER_MRR), bot, con)
    assert result.outcome is Outcome.declined and not result.harness_error
    assert result.reason == "the assistant raised RuntimeError: boom"


def test_progress_sees_each_result_in_order(con):
    bot = ScriptedAssistant({"mrr in october": answered(["mrr"], [[22200.0]])})
    seen = []
    run_cases([case(id="a", sql=OCTOBER_MRR), case(id="b", sql="SELECT 1 WHERE false")], bot, con,
              progress=lambda r: seen.append((r.case.id, r.passed)))
    assert seen == [("a", True), ("b", False)]


class ScriptedAgent:
    def __init__(self, answer):
        self.answer_to_give = answer
        self.calls = []

    def answer(self, question, viewer, conversation, assistant):
        self.calls.append((question, viewer))
        return self.answer_to_give


class AssistantWithAgent:
    def __init__(self, agent):
        self.agent = agent

    def ask(self, *args, **kwargs):
        raise AssertionError("--planner llm must not go through the rule planner")


def test_planner_llm_sends_every_question_to_the_agent_and_keeps_the_chat(con):
    agent = ScriptedAgent(Answer("q", Status.ANSWERED, "ok", columns=["mrr"], rows=[[22200.0]],
                                 query={"metrics": ["mrr"], "time_range": {"start": "2026-10-01", "end": "2026-10-31"}}))
    routed = AgentRouted(AssistantWithAgent(agent))
    result = run_case(case(question="by plan", conversation=("mrr in october",), sql=OCTOBER_MRR), routed, con)
    assert result.passed
    assert [q for q, _ in agent.calls] == ["mrr in october", "by plan"]
    assert result.answer.planner == "llm" and "--planner llm" in result.answer.route_reason


def test_planner_llm_without_an_agent_says_what_to_configure():
    with pytest.raises(ValueError, match="OPENAI_API_KEY"):
        AgentRouted(AssistantWithAgent(None))
