"""Hostile questions on the demo warehouse (as of 2026-10-31): a day-grain question over centuries is refused
with a change that fits, through `ask` (leader and CSM) and through the agent's tool, long before the deadline;
a statement that runs to the deadline does not hold up another user's question; a deadline passed or memory
run out anywhere is one line. Timing bounds are the contract (deadline + 1 s, ≤ 2 s), kept loose on purpose:
speed figures belong to `cs-assistant bench`."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest

from agent.fake_openai import FakeOpenAI, Reply, call
from assistant.agent import AgentLimits, agent_from_env
from assistant.agent.tools import Toolbox
from assistant.answer import Status
from assistant.conversation import Conversation
from assistant.deadline import Deadline
from assistant.planner.candidates import CatalogIndex
from assistant.runner import RunnerSettings
from assistant.service import Assistant
from assistant.viewer import Viewer

DEADLINE_S = 3.0
LEILA = Viewer.csm("C005")
# 1900-01-01 … 2026-10-31: 126 whole years with 31 leap days (1904 … 2024), then 304 days of 2026; 127 years.
CENTURY_BY_DAY = "How many renewals are due by day in January 1900 to October 2026?"
CENTURY_REFUSAL = ("That is 46,325 days × 1 metric, more than one answer may hold; ask by year instead of by day "
                   "(127 years) or for a shorter period.")
# About 10^10 rows of work: minutes, unless interrupted (the guard calls it a cross join; the runner alone runs it).
SLOW = "SELECT sum(a.range * b.range) FROM range(100000) AS a, range(100000) AS b"


@pytest.fixture(scope="module")
def assistant(demo_warehouse_path):
    with Assistant(demo_warehouse_path, settings=RunnerSettings(timeout_s=DEADLINE_S)) as running:
        yield running


def _timed(call):
    start = time.perf_counter()
    result = call()
    return result, time.perf_counter() - start


@pytest.mark.parametrize("viewer", [Viewer.leader(), LEILA], ids=["leader", "csm"])
def test_a_century_by_day_is_refused_with_the_coarser_grain_that_fits(assistant, viewer):
    answer, elapsed = _timed(lambda: assistant.ask(CENTURY_BY_DAY, viewer))
    assert answer.status is Status.REFUSED
    assert answer.message == CENTURY_REFUSAL
    assert elapsed < 2.0


def test_two_centuries_by_day_never_reach_the_database(assistant):
    answer, elapsed = _timed(lambda: assistant.ask("renewals due by day from 1900 to 2100", LEILA))
    assert answer.status in (Status.CLARIFY, Status.REFUSED) and answer.rows == []
    assert elapsed < 2.0


def test_the_agents_query_tool_is_refused_the_same_way_within_the_questions_deadline(assistant):
    toolbox = Toolbox(assistant, LEILA, "renewals by day since 1900", CatalogIndex(assistant.catalog),
                      deadline=Deadline.after(90))
    shown, elapsed = _timed(lambda: json.loads(toolbox.run_semantic_query(
        metrics=["renewals_due"], time_range={"start": "1900-01-01", "end": "2100-12-31"}, grain="day")))
    assert shown["status"] == "refused"
    assert shown["message"] == ("That is 73,414 days × 1 metric, more than one answer may hold; ask by year instead "
                                "of by day (201 years) or for a shorter period.")
    assert elapsed < 2.0


def test_an_agents_tool_call_cannot_outlive_the_questions_time_cap(assistant, monkeypatch):
    # The runner would give the statement its own 3 s; the question has 1.5 s in all, so the tool stops then.
    monkeypatch.setattr(assistant.runner, "policy", replace(assistant.runner.policy, max_rows=None))
    with FakeOpenAI([call("run_sql", {"sql": SLOW}), Reply("unused")]) as fake:
        agent = agent_from_env(fake.env(), AgentLimits(max_seconds=1.5, retry_delay_s=0))
        answer, elapsed = _timed(lambda: agent.answer("sum every pair", Viewer.leader(), None, assistant))
    assert answer.status is Status.ERROR and "1.5-second time limit" in answer.message
    assert elapsed < 1.5 + 1.0


def test_another_users_question_is_answered_while_a_statement_runs_to_its_deadline(assistant):
    with ThreadPoolExecutor(3) as pool:
        slow = pool.submit(_timed, lambda: assistant.runner._execute(SLOW, "slow", Deadline.after(DEADLINE_S)))
        century = pool.submit(_timed, lambda: assistant.ask(CENTURY_BY_DAY, LEILA))
        time.sleep(0.2)  # the slow statement is running
        mrr, mrr_elapsed = _timed(lambda: assistant.ask("what is our MRR", Viewer.leader()))
        assert not slow.done()
        (stopped, slow_elapsed), (refused, century_elapsed) = slow.result(), century.result()
    assert mrr.status is Status.ANSWERED and mrr_elapsed < 2.0
    assert refused.status is Status.REFUSED and century_elapsed < 2.0
    assert stopped.status is Status.ERROR and "took longer than its 3-second limit" in stopped.message
    assert slow_elapsed < DEADLINE_S + 1.0


def test_a_deadline_passed_is_one_line_and_the_turn_is_kept(assistant):
    conversation = Conversation()
    answer = assistant.ask("what is our MRR", Viewer.leader(), conversation, deadline=Deadline.after(0))
    assert answer.status is Status.ERROR and "\n" not in answer.message
    assert answer.message.startswith("The question took longer than its 0-second limit and was stopped")
    assert len(conversation.turns) == 1


def _exhausted(*_, **__):
    raise MemoryError


def test_memory_run_out_anywhere_in_an_answer_is_one_line_and_the_next_question_is_answered(assistant):
    conversation = Conversation()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(assistant, "run_semantic_query", _exhausted)
        answer = assistant.ask("what is our MRR", Viewer.leader(), conversation)
    assert (answer.status, answer.message.split(";")[0]) == (
        Status.ERROR, "The answer needed more memory than a question may use, so it was stopped")
    assert len(conversation.turns) == 1 and "\n" not in answer.message
    assert assistant.ask("what is our MRR", Viewer.leader(), conversation).status is Status.ANSWERED


def test_the_question_offered_back_for_two_centuries_by_day_fits_the_budget_and_answers(assistant):
    # Offering back the day-grain reading would only lead to a refusal: the offer is the grain that fits.
    asked = assistant.ask("renewals due by day from 1900 to 2100", LEILA)
    assert asked.status is Status.CLARIFY and len(asked.options) == 1
    assert " by year " in asked.options[0] and " by day " not in asked.options[0]
    answer, elapsed = _timed(lambda: assistant.ask(asked.options[0], LEILA))
    assert answer.status is Status.ANSWERED, answer.message
    assert elapsed < 2.0
