"""Scripted transcripts for eval cases pass the evaluation harness with the agent answering.

The fake server plays each transcript of eval_transcripts.yaml on the demo warehouse; the
agent answers every turn (`AgentRouted`, as `cs-assistant eval --planner llm` does), and
the harness (evals/run.py) compares the answer's rows with the case's independent expected
SQL. The scripted model closes each turn by restating the last tool result's message, and
no number in it may be flagged as ungrounded.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from agent.fake_openai import FakeOpenAI, Reply, call
from assistant.agent import AgentLimits, agent_from_env
from assistant.service import Assistant
from evals.cases import load_cases
from evals.run import AgentRouted, run_case

TRANSCRIPTS = yaml.safe_load((Path(__file__).parent / "eval_transcripts.yaml").read_text())
CASES = {case.id: case for case in load_cases()}
END_OF_TURN = "answer"


def restate_last_result(request: dict):
    """The scripted model's closing text: the message of the last tool result it was sent."""
    last = [m for m in request["messages"] if m["role"] == "tool"][-1]
    return Reply(json.loads(last["content"])["message"])


def script(steps: list) -> list:
    """The fake server's script: `answer` restates the last result, `say` replies with its text, others are calls."""
    played = []
    for step in steps:
        if step == END_OF_TURN:
            played.append(restate_last_result)
            continue
        [(name, argument)] = step.items()
        played.append(Reply(argument) if name == "say" else call(name, argument))
    return played


@pytest.fixture(scope="module")
def demo_service(demo_warehouse_path):
    with Assistant(demo_warehouse_path) as service:
        yield service


def test_at_least_25_transcripts_each_for_a_known_case():
    names = [t["case"] for t in TRANSCRIPTS]
    assert len(set(names)) == len(names) >= 25
    assert [n for n in names if n not in CASES] == []


@pytest.mark.parametrize("transcript", TRANSCRIPTS, ids=[t["case"] for t in TRANSCRIPTS])
def test_the_transcript_passes_the_harness(transcript, demo_service, monkeypatch):
    case = CASES[transcript["case"]]
    with FakeOpenAI(script(transcript["steps"])) as fake:
        monkeypatch.setattr(demo_service, "agent", agent_from_env(fake.env(), AgentLimits(retry_delay_s=0)))
        result = run_case(case, AgentRouted(demo_service), demo_service.runner.con)
    assert result.passed, result.reason
    assert result.answer.planner == "llm" and fake.remaining == 0
    assert not [w for w in result.answer.warnings if "no query it ran returned" in w]
