"""The chat model, configured from the usual OpenAI environment variables.

`OPENAI_API_KEY` and `OPENAI_BASE_URL` (any OpenAI-compatible server: Azure, vLLM,
llama.cpp, Ollama) say where the model is; `OPENAI_MODEL` which one. With neither a key
nor a base URL there is no model, and nothing touches the network. The OpenAI client's
own retries are switched off: the agent retries once itself (`is_transient`), so a
question's wall-time cap holds.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

import openai
from langchain_openai import ChatOpenAI

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


def chat_model(settings: ModelSettings, timeout_s: float) -> ChatOpenAI:
    """A ChatOpenAI over the Chat Completions API with client retries off; `timeout_s` caps one call."""
    return ChatOpenAI(
        model=settings.model,
        base_url=settings.base_url,
        api_key=settings.api_key,
        timeout=timeout_s,
        max_retries=0,
        max_completion_tokens=settings.max_completion_tokens,
        temperature=0,
        use_responses_api=False,
    )


def is_transient(error: BaseException) -> bool:
    """Errors worth one retry: rate limits, server errors, timeouts and dropped connections."""
    return isinstance(error, (openai.RateLimitError, openai.InternalServerError, openai.APIConnectionError))


# Most specific first: a timeout is also a connection error.
_ERROR_MESSAGES: tuple[tuple[type[openai.OpenAIError], str], ...] = (
    (openai.APITimeoutError, "The language model did not answer in time, even after one retry."),
    (openai.RateLimitError, "The language model is rate-limiting requests right now; try again in a minute."),
    (openai.InternalServerError, "The language model's server failed, even after one retry."),
    (openai.APIConnectionError, "The language model's server could not be reached."),
    (openai.AuthenticationError, "The language model refused the API key; check OPENAI_API_KEY."),
    (openai.NotFoundError,
     "The language model endpoint or model was not found; check OPENAI_BASE_URL and OPENAI_MODEL."),
)


def model_error_message(error: BaseException) -> str:
    """One sentence for the user about a failed model call."""
    for kind, message in _ERROR_MESSAGES:
        if isinstance(error, kind):
            return message
    if isinstance(error, openai.APIStatusError):
        return f"The language model rejected the request (HTTP {error.status_code})."
    return "The language model's reply could not be used."
