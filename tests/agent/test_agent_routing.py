"""The agent inside the service: rules answer what they understand, the agent the rest, and a
chat's follow-ups reach the agent with the turns before them (tiny warehouse: MRR in
October 2026 is 22,200; EMEA is Harbor & Vine alone at 750)."""

from __future__ import annotations

import json

import pytest

from agent.fake_openai import FakeOpenAI, Reply, call
from assistant.agent import AgentLimits, agent_from_env
from assistant.answer import Status
from assistant.conversation import Conversation
from assistant.service import Assistant

LOOKALIKES = "which of my accounts look like the ones that churned last year?"


@pytest.fixture
def service_with(tiny_path):
    """service_with(script) -> (Assistant with an agent, fake server)."""
    opened = []

    def make(script):
        fake = FakeOpenAI(list(script)).__enter__()
        service = Assistant(tiny_path, agent=agent_from_env(fake.env(), AgentLimits(retry_delay_s=0)))
        opened.append((service, fake))
        return service, fake

    yield make
    for service, fake in opened:
        service.close()
        fake.__exit__(None, None, None)


def test_a_question_the_rules_understand_never_reaches_the_model(service_with):
    service, fake = service_with([Reply("unused")])
    answer = service.ask("What was MRR in October 2026?")
    assert answer.planner == "rules" and answer.status is Status.ANSWERED
    assert fake.requests == []


def test_the_rest_goes_to_the_agent_and_the_answer_says_why(service_with):
    service, fake = service_with([Reply("Lookalike scoring is not something this data can do yet.")])
    answer = service.ask(LOOKALIKES)
    assert answer.planner == "llm" and "the agent answered" in answer.route_reason
    assert len(fake.requests) == 1


def test_a_follow_up_after_a_rules_answer_reaches_the_agent_with_that_query(service_with):
    smb = {"metrics": ["mrr"], "time_range": {"start": "2026-10-01", "end": "2026-10-31"},
           "filters": [{"dimension": "segment", "values": ["SMB"]}]}
    service, fake = service_with([call("run_semantic_query", smb),
                                  Reply("Taking SMB accounts as the lookalikes, their MRR in October 2026 was 1,200.")])
    chat = Conversation()
    assert service.ask("What was MRR in October 2026?", conversation=chat).planner == "rules"
    answer = service.ask("and only for the ones that look like churners?", conversation=chat)
    assert answer.planner == "llm" and [row[-1] for row in answer.rows] == [1200]  # 450 + 750
    assert "What was MRR in October 2026?" in json.dumps(fake.requests[0]["messages"])
    assert [t.status for t in chat.turns] == [Status.ANSWERED, Status.ANSWERED]
    assert chat.last_query().filters[0].values == ("SMB",)  # the agent's query is the chat's context now
