"""Every per-question cap, and every class of model error: retried once where sensible,
otherwise an honest Answer. The fake server counts the requests that reached it."""

from __future__ import annotations

import time

import pytest

from agent.fake_openai import NO_USAGE, Calls, Fail, Reply, Stall, call
from assistant.agent import AgentLimits, agent_from_env
from assistant.answer import Status

MRR_OCTOBER = {"metrics": ["mrr"], "time_range": {"start": "2026-10-01", "end": "2026-10-31"}}
FAST = dict(retry_delay_s=0)


def test_a_question_over_the_length_cap_never_reaches_the_model(ask):
    answer, fake = ask([Reply("unused")], "x" * 201, limits=AgentLimits(max_question_chars=200, **FAST))
    assert answer.status is Status.UNANSWERABLE and "201 characters" in answer.message
    assert fake.requests == []


def test_the_tool_call_cap_stops_the_loop_with_a_clear_answer(ask):
    script = [call("search_catalog", {"text": "mrr"})] * 3 + [Reply("unused")]
    answer, fake = ask(script, "MRR?", limits=AgentLimits(max_tool_calls=2, **FAST))
    assert answer.status is Status.ERROR and "more than 2 tool calls" in answer.message
    assert len(fake.requests) == 3 and answer.detail.count("search_catalog") == 2


def test_parallel_tool_calls_count_one_by_one(ask):
    script = [Calls((("search_catalog", {"text": "a"}), ("search_catalog", {"text": "b"}),
                     ("search_catalog", {"text": "c"}))), Reply("unused")]
    answer, _ = ask(script, "MRR?", limits=AgentLimits(max_tool_calls=2, **FAST))
    assert answer.status is Status.ERROR and "tool calls" in answer.message


def test_the_token_cap_counts_what_the_server_reports(ask):
    script = [call("search_catalog", {"text": "mrr"}, usage=600), call("search_catalog", {"text": "arr"}, usage=600),
              Reply("unused")]
    answer, fake = ask(script, "MRR?", limits=AgentLimits(max_tokens=1_000, **FAST))
    assert answer.status is Status.ERROR and "1,000-token limit" in answer.message
    assert len(fake.requests) == 2


def test_a_server_that_reports_no_usage_is_charged_an_estimate(ask):
    # Each request carries the system prompt and tool schemas (~1,700 tokens estimated): two calls pass 2,500.
    silent = call("search_catalog", {"text": "mrr"}, usage=NO_USAGE)
    script = [silent, silent, Reply("unused")]
    answer, fake = ask(script, "MRR?", limits=AgentLimits(max_tokens=2_500, **FAST))
    assert answer.status is Status.ERROR and "2,500-token limit" in answer.message
    assert len(fake.requests) == 2


def test_the_time_cap_bounds_a_model_that_stalls(ask):
    started = time.monotonic()
    answer, fake = ask([Stall(5)], "MRR?", limits=AgentLimits(max_seconds=0.6, **FAST))
    assert time.monotonic() - started < 2.5
    assert answer.status is Status.ERROR and "0.6-second time limit" in answer.message


@pytest.mark.parametrize("failure", [Fail(429), Fail(500), Fail(503), Stall(3)])
def test_a_transient_failure_is_retried_once(ask, failure):
    script = [failure, call("run_semantic_query", MRR_OCTOBER), Reply("MRR in October 2026 was 22,200.")]
    answer, fake = ask(script, "MRR in October?", limits=AgentLimits(call_timeout_s=0.5, **FAST))
    assert answer.status is Status.ANSWERED and fake.remaining == 0
    assert "retried after" in answer.detail


@pytest.mark.parametrize("failure, says", [
    (Fail(429), "rate-limiting"),
    (Fail(500), "server failed"),
    (Stall(3), "did not answer in time"),
])
def test_a_failure_that_persists_after_one_retry_becomes_an_honest_answer(ask, failure, says):
    answer, fake = ask([failure, failure, Reply("unused")], "MRR?", limits=AgentLimits(call_timeout_s=0.3, **FAST))
    assert answer.status is Status.ERROR and says in answer.message
    assert len(fake.requests) == 2 and answer.planner == "llm"


@pytest.mark.parametrize("failure, says", [
    (Fail(401, "bad key"), "OPENAI_API_KEY"),
    (Fail(404, "no such model"), "OPENAI_MODEL"),
    (Fail(400, "context too long"), "HTTP 400"),
])
def test_a_failure_a_retry_cannot_fix_is_not_retried(ask, failure, says):
    answer, fake = ask([failure, Reply("unused")], "MRR?")
    assert answer.status is Status.ERROR and says in answer.message
    assert len(fake.requests) == 1


def test_a_server_that_cannot_be_reached_is_an_honest_answer(assistant):
    agent = agent_from_env({"OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}, AgentLimits(**FAST))
    answer = agent.answer("MRR?", None, None, assistant)
    assert answer.status is Status.ERROR and "could not be reached" in answer.message


def test_malformed_tool_arguments_are_shown_to_the_model_and_retried_once(ask):
    script = [call("run_semantic_query", '{"metrics": ["mrr"], "time_range": {'),
              call("run_semantic_query", MRR_OCTOBER), Reply("MRR in October 2026 was 22,200.")]
    answer, fake = ask(script, "MRR in October?")
    assert answer.status is Status.ANSWERED and [row[-1] for row in answer.rows] == [22200]
    assert "not valid JSON" in fake.tool_results(1)[0]
    assert "malformed tool arguments" in answer.detail


def test_malformed_tool_arguments_twice_end_in_an_honest_answer(ask):
    broken = call("run_semantic_query", '{"metrics": ')
    answer, fake = ask([broken, broken, Reply("unused")], "MRR in October?")
    assert answer.status is Status.ERROR and "malformed" in answer.message
    assert len(fake.requests) == 2
