"""The chat model built from `settings.ModelSettings`, and what its errors mean for the user.

Imported only when a model is configured (it pulls in LangChain and the OpenAI client).
The OpenAI client's own retries are switched off: the agent retries once itself
(`is_transient`), so a question's wall-time cap holds.
"""

from __future__ import annotations

import openai
from langchain_openai import ChatOpenAI

from assistant.agent.settings import ModelSettings


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
