"""Fixtures for the agent tests: the tiny hand-made warehouse, an assistant over it, and a
fake OpenAI server per test. The OPENAI_* variables are cleared for every test, so a test
reaches a model only through the fake server it starts."""

from __future__ import annotations

import datetime as dt

import pytest

from agent.fake_openai import FakeOpenAI
from assistant.agent import AgentLimits, agent_from_env
from assistant.answer import Answer, Status
from assistant.runner import Runner
from semantic_layer.catalog import default_catalog
from semantic_layer.compile import compile_query
from semantic_layer.errors import SemanticLayerError
from fixtures.tiny_warehouse import AS_OF_DATE, build_tiny_warehouse


@pytest.fixture(autouse=True)
def no_openai_env(monkeypatch):
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def tiny_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("agent") / "tiny.duckdb"
    build_tiny_warehouse(path)
    return path


class RunnerAssistant:
    """Until the service lands: run_semantic_query and run_sql over the runner directly."""

    def __init__(self, path):
        self.runner = Runner(path)
        self.catalog = default_catalog()
        self.as_of = dt.date.fromisoformat(AS_OF_DATE)

    def run_semantic_query(self, query, viewer=None, *, question=""):
        try:
            compiled = compile_query(query, self.catalog)
        except SemanticLayerError as error:
            return Answer(question, Status.UNANSWERABLE, str(error))
        answer = self.runner.run_expression(compiled.tree, viewer, question)
        answer.interpretation = compiled.explanation
        answer.query = query.model_dump(mode="json")
        return answer

    def run_sql(self, sql, viewer=None, *, question=""):
        answer = self.runner.run(sql, viewer, question)
        answer.warnings.append("This answer used SQL outside the governed metric definitions.")
        return answer


@pytest.fixture(scope="session")
def assistant(tiny_path):
    backend = RunnerAssistant(tiny_path)
    yield backend
    backend.runner.close()


@pytest.fixture
def ask(assistant):
    """ask(script, question, ...) -> (Answer, fake): one question through an Agent talking to a fake server."""

    def run(script, question, *, viewer=None, conversation=None, limits=None):
        with FakeOpenAI(list(script)) as fake:
            agent = agent_from_env(fake.env(), limits or AgentLimits(retry_delay_s=0))
            answer = agent.answer(question, viewer, conversation, assistant)
        return answer, fake

    return run
