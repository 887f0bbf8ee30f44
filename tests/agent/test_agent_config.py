"""Configuration from OPENAI_* variables, no network without them, and the prompt's size."""

from __future__ import annotations

import logging
import socket

import openai
import pytest

from agent.fake_openai import FakeOpenAI, Reply
from assistant.agent import agent_from_env
from assistant.agent.agent import Agent
from assistant.agent.settings import DEFAULT_MODEL, ModelSettings
from assistant.agent.prompt import estimate_tokens, fixed_prompt_tokens, system_prompt
from assistant.planner.candidates import CatalogIndex
from assistant.agent.tools import Toolbox
from assistant.viewer import Viewer

PROMPT_BUDGET = 3_000  # tokens: system prompt plus tool schemas, sent with every model call


def test_without_openai_variables_there_is_no_agent_and_no_network(monkeypatch):
    attempts = []
    monkeypatch.setattr(socket.socket, "connect", lambda self, address: attempts.append(address))
    monkeypatch.setattr(socket, "create_connection", lambda *args, **kw: attempts.append(args))
    assert agent_from_env() is None
    assert agent_from_env({"OPENAI_MODEL": "gpt-4.1"}) is None  # a model name alone says nowhere to send
    assert attempts == []


@pytest.mark.parametrize("env, model, url, key", [
    ({"OPENAI_API_KEY": "sk-1"}, DEFAULT_MODEL, None, "sk-1"),
    ({"OPENAI_API_KEY": "sk-1", "OPENAI_MODEL": "gpt-4.1"}, "gpt-4.1", None, "sk-1"),
    ({"OPENAI_BASE_URL": "http://localhost:11434/v1", "OPENAI_MODEL": "llama3.1"},
     "llama3.1", "http://localhost:11434/v1", "not-needed"),  # a local server needs no key
    ({"OPENAI_API_KEY": " ", "OPENAI_BASE_URL": " "}, None, None, None),  # blank is unset
])
def test_settings_come_from_the_environment(env, model, url, key):
    settings = ModelSettings.from_env(env)
    if model is None:
        assert settings is None
        return
    assert (settings.model, settings.base_url, settings.api_key) == (model, url, key)
    assert key not in settings.describe() or key == "not-needed"


def test_agent_from_env_reads_the_process_environment(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    agent = agent_from_env()
    assert isinstance(agent, Agent) and agent.model.max_retries == 0  # the agent retries, not the client


@pytest.mark.parametrize("viewer", [Viewer.leader(), Viewer.csm("C01")])
def test_system_prompt_and_tool_schemas_stay_under_the_token_budget(assistant, viewer):
    tools = Toolbox(assistant, viewer, "", CatalogIndex(assistant.catalog)).tools()
    assert fixed_prompt_tokens(system_prompt(assistant.as_of, viewer), tools) < PROMPT_BUDGET


def test_the_estimate_is_four_characters_per_token():
    assert estimate_tokens("abcd" * 10) == 10 and estimate_tokens("abcde") == 2
    assert estimate_tokens({"a": 1}) == 2  # '{"a": 1}' is 8 characters


def test_prompt_size_is_logged_per_question(ask, caplog):
    with caplog.at_level(logging.INFO, logger="assistant.agent.agent"):
        answer, _ = ask([Reply("Nothing to report.")], "How are we doing?")
    [record] = [r for r in caplog.records if "prompt" in r.getMessage()]
    assert "How are we doing?" in record.getMessage() and "tokens" in record.getMessage()
    assert "first prompt ~" in answer.detail


def test_the_fake_server_lists_its_model_to_the_real_client():
    with FakeOpenAI([]) as fake:
        client = openai.OpenAI(base_url=fake.base_url, api_key="sk-fake", max_retries=0)
        assert [m.id for m in client.models.list()] == [fake.model]
