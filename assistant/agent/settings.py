"""What configures the agent, read without importing LangChain or OpenAI.

`agent_from_env()` reads OPENAI_API_KEY / OPENAI_BASE_URL / OPENAI_MODEL; only when one of
them names a model does it import the agent (and with it LangChain and the OpenAI client,
~2–3 s of imports), so a CLI command or app started without a model starts at once.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.agent.agent import Agent

DEFAULT_MODEL = "gpt-5-mini"
LOCAL_API_KEY = "not-needed"  # local servers ignore the key, but the client insists on one


@dataclass(frozen=True)
class ModelSettings:
    """Where the model is and how long one call may take."""

    model: str = DEFAULT_MODEL
    base_url: str | None = None
    api_key: str = LOCAL_API_KEY
    max_completion_tokens: int = 1_500

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ModelSettings | None:
        """Settings from OPENAI_API_KEY / OPENAI_BASE_URL / OPENAI_MODEL; None when neither key nor URL is set."""
        env = os.environ if env is None else env
        key, url = env.get("OPENAI_API_KEY", "").strip(), env.get("OPENAI_BASE_URL", "").strip()
        if not key and not url:
            return None
        return cls(model=env.get("OPENAI_MODEL", "").strip() or DEFAULT_MODEL, base_url=url or None,
                   api_key=key or LOCAL_API_KEY)

    def describe(self) -> str:
        """The model and endpoint, without the key, for logs and answers."""
        return f"{self.model} at {self.base_url or 'api.openai.com'}"


@dataclass(frozen=True)
class AgentLimits:
    """Caps for one question."""

    max_question_chars: int = 2_000  # longer questions never reach the model
    max_tool_calls: int = 8
    max_tokens: int = 40_000  # prompt + completion, summed over the question's model calls
    max_seconds: float = 90.0
    call_timeout_s: float = 30.0  # one model call
    retry_delay_s: float = 1.0
    preview_rows: int = 10  # rows of a result shown to the model


def agent_from_env(env: Mapping[str, str] | None = None, limits: AgentLimits | None = None) -> Agent | None:
    """An Agent for the model the OPENAI_* variables name; None when none is configured (nothing imported)."""
    settings = ModelSettings.from_env(env)
    if settings is None:
        return None
    from assistant.agent.agent import Agent  # LangChain and OpenAI load here, only when a model is configured

    return Agent(settings, limits)
