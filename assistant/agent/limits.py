"""Per-question limits on the agent loop: tool calls, tokens and wall time, and one retry.

`Budget` is LangChain agent middleware around every model call and tool call of one
question. It stops the loop with `LimitReached` when a cap is hit, gives each model call
and each tool call only the time left (the question's `Deadline`, which the tools hand to
the runner, so no query a tool starts outlives the question), and retries a model call once
when the failure is worth it: a rate limit, a server error, a timeout or a dropped
connection (`model.is_transient`), or a reply whose tool arguments are not valid JSON (the
model is shown the parse error).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from langchain.agents.middleware import AgentMiddleware, ModelRequest, ModelResponse
from langchain_core.messages import AIMessage, ToolMessage

from assistant.agent.model import is_transient
from assistant.agent.settings import AgentLimits
from assistant.deadline import Deadline
from assistant.agent.prompt import estimate_tokens, fixed_prompt_tokens


class LimitReached(Exception):
    """A per-question cap was hit; the message says which, in words for the user."""


class Budget(AgentMiddleware):
    """Counts one question's tool calls, tokens and time, and retries a model call once where sensible."""

    def __init__(self, limits: AgentLimits, clock: Callable[[], float] = time.monotonic):
        super().__init__()
        self.limits, self.clock = limits, clock
        self.started = clock()
        self.deadline = Deadline(self.started + limits.max_seconds, limits.max_seconds, clock)
        self.tool_calls = 0
        self.tokens = 0
        self.model_calls = 0
        self.notes: list[str] = []  # each retry and why, and what stopped the loop: for the analyst
        self._lock = threading.Lock()  # the tool node runs parallel calls in threads

    def seconds_left(self) -> float:
        """Wall time left for this question; LimitReached when none is."""
        left = self.deadline.seconds_left()
        if left <= 0:
            raise LimitReached(f"I stopped: the question used its {self.limits.max_seconds:g}-second time limit.")
        return left

    def wrap_model_call(self, request: ModelRequest, handler: Callable[[ModelRequest], ModelResponse]) -> ModelResponse:
        try:
            response = self._call(request, handler)
        except Exception as error:
            if not is_transient(error):
                raise
            self.notes.append(f"model call retried after {type(error).__name__}")
            time.sleep(min(self.limits.retry_delay_s, self.seconds_left()))
            response = self._call(request, handler)
        reply = _reply(response)
        if reply.invalid_tool_calls and not reply.tool_calls:
            self.notes.append("model call retried after malformed tool arguments")
            response = self._call(request.override(messages=[*request.messages, reply, *_parse_errors(reply)]), handler)
        return response

    def _call(self, request: ModelRequest, handler: Callable[[ModelRequest], ModelResponse]) -> ModelResponse:
        """One model call, given only the time left, its tokens counted against the cap."""
        timeout = min(self.limits.call_timeout_s, self.seconds_left())
        response = handler(request.override(model_settings={**request.model_settings, "timeout": timeout}))
        self._count(request, _reply(response))
        return response

    def _count(self, request: ModelRequest, reply: AIMessage) -> None:
        used = (reply.usage_metadata or {}).get("total_tokens")
        if used is None:  # a server that reports no usage is charged our estimate, so the cap still holds
            used = (fixed_prompt_tokens(request.system_prompt, request.tools)
                    + estimate_tokens([m.content for m in request.messages]) + estimate_tokens(reply.content))
        with self._lock:
            self.model_calls += 1
            self.tokens += used
        if self.tokens > self.limits.max_tokens:
            raise LimitReached(f"I stopped: the question used more than its {self.limits.max_tokens:,}-token limit.")

    def wrap_tool_call(self, request, handler):
        self.seconds_left()
        with self._lock:
            self.tool_calls += 1
            over = self.tool_calls > self.limits.max_tool_calls
        if over:
            raise LimitReached(f"I stopped: the question needed more than {self.limits.max_tool_calls} tool calls.")
        result = handler(request)  # its queries run under self.deadline, so this returns by then
        self.seconds_left()
        return result


def _reply(response: ModelResponse) -> AIMessage:
    return next(m for m in reversed(response.result) if isinstance(m, AIMessage))


def _parse_errors(reply: AIMessage) -> list[ToolMessage]:
    """A tool-result error for each malformed call, so the model sees what to fix."""
    return [
        ToolMessage(content=f"Your arguments for {call.get('name')} were not valid JSON "
                            f"({_first_line(call.get('error'))}). Send the call again with valid JSON arguments.",
                    tool_call_id=call["id"], name=call.get("name") or "unknown", status="error")
        for call in reply.invalid_tool_calls if call.get("id")
    ]


def _first_line(text: str | None) -> str:
    return next((line for line in (text or "").splitlines() if line.strip()), "unparsable")
