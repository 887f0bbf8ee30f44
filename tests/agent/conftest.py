"""Fixtures for the agent tests: the tiny hand-made warehouse, an assistant over it, and a
fake OpenAI server per test. The OPENAI_* variables are cleared for every test, so a test
reaches a model only through the fake server it starts."""

from __future__ import annotations

import pytest

from agent.fake_openai import FakeOpenAI
from assistant.agent import AgentLimits, agent_from_env
from assistant.service import Assistant
from fixtures.tiny_warehouse import build_tiny_warehouse


@pytest.fixture(autouse=True)
def no_openai_env(monkeypatch):
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def tiny_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("agent") / "tiny.duckdb"
    build_tiny_warehouse(path)
    return path


@pytest.fixture(scope="session")
def assistant(tiny_path):
    """The service over the tiny warehouse, without an agent of its own (tests hand theirs in)."""
    with Assistant(tiny_path) as service:
        yield service


@pytest.fixture
def ask(assistant):
    """ask(script, question, ...) -> (Answer, fake): one question through an Agent talking to a fake server."""

    def run(script, question, *, viewer=None, conversation=None, limits=None):
        with FakeOpenAI(list(script)) as fake:
            agent = agent_from_env(fake.env(), limits or AgentLimits(retry_delay_s=0))
            answer = agent.answer(question, viewer, conversation, assistant)
        return answer, fake

    return run
