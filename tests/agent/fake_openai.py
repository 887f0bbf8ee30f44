"""An OpenAI-compatible fake server that plays a scripted transcript over real HTTP.

A stdlib ThreadingHTTPServer on 127.0.0.1 (random port) serves `/v1/models` and
`/v1/chat/completions`. Each chat request takes the next step of the script: a reply, one
or more tool calls (arguments as a dict, or raw text for a malformed call), an HTTP error,
or a stall past the client's timeout. A step may also be a function of the request body, so
a scripted model can read the tool results it was sent. Every request body is kept in
`requests` for the test to inspect what reached the "model".
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


NO_USAGE = -1  # a step whose response carries no usage block, as some local servers send


@dataclass(frozen=True)
class Reply:
    """The assistant answers in text."""

    text: str
    usage: int | None = None  # total tokens to report; estimated from the request when None; NO_USAGE: none


@dataclass(frozen=True)
class Calls:
    """The assistant calls tools: (name, arguments) pairs; str arguments are sent verbatim (malformed)."""

    calls: tuple[tuple[str, dict | str], ...]
    usage: int | None = None


@dataclass(frozen=True)
class Fail:
    """The server answers with an HTTP error in OpenAI's error shape."""

    status: int
    message: str = "scripted failure"


@dataclass(frozen=True)
class Stall:
    """The server holds the request for `seconds` before replying (the client should time out first)."""

    seconds: float
    then: Reply | Calls = Reply("too late")


def call(name: str, args: dict | str | None = None, usage: int | None = None) -> Calls:
    """One tool call."""
    return Calls(((name, {} if args is None else args),), usage)


Step = Reply | Calls | Fail | Stall | Callable[[dict], "Step"]


@dataclass
class FakeOpenAI:
    """Serve `script` step by step; use as a context manager and point the client at `base_url`."""

    script: list[Step]
    model: str = "fake-model"
    requests: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    @property
    def remaining(self) -> int:
        """Steps not yet served (a finished transcript leaves none)."""
        return len(self.script)

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._closing.set()
        self._server.shutdown()
        self._server.server_close()

    def env(self) -> dict[str, str]:
        """The OPENAI_* variables that point a client at this server."""
        return {"OPENAI_API_KEY": "sk-fake", "OPENAI_BASE_URL": self.base_url, "OPENAI_MODEL": self.model}

    def tool_results(self, index: int = -1) -> list[str]:
        """The tool-result contents of request `index` (the last one by default)."""
        return [m["content"] for m in self.requests[index]["messages"] if m["role"] == "tool"]

    def _next(self, body: dict) -> Step:
        with self._lock:
            self.requests.append(body)
            if not self.script:
                return Fail(500, "the fake server's script is exhausted")
            step = self.script.pop(0)
        while callable(step):
            step = step(body)
        return step

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep pytest output clean
                pass

            def _send(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client timed out and left
                    pass

            def do_GET(self) -> None:
                if self.path.rstrip("/").endswith("/models"):
                    models = [{"id": fake.model, "object": "model", "owned_by": "fake"}]
                    self._send(200, {"object": "list", "data": models})
                else:
                    self._send(404, _error("not found", 404))

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._send(404, _error("not found", 404))
                    return
                step = fake._next(body)
                if isinstance(step, Stall):
                    fake._closing.wait(step.seconds)
                    step = step.then
                if isinstance(step, Fail):
                    self._send(step.status, _error(step.message, step.status))
                    return
                self._send(200, _completion(step, body, fake.model))

        return Handler


def _error(message: str, status: int) -> dict:
    kind = {429: "rate_limit_exceeded", 401: "invalid_api_key", 404: "not_found"}.get(status, "server_error")
    return {"error": {"message": message, "type": kind, "code": kind, "param": None}}


def _completion(step: Reply | Calls, body: dict, model: str) -> dict:
    if isinstance(step, Reply):
        message: dict[str, Any] = {"role": "assistant", "content": step.text}
        finish = "stop"
    else:
        message = {"role": "assistant", "content": None, "tool_calls": [
            {"id": f"call_{len(body['messages'])}_{i}", "type": "function",
             "function": {"name": name, "arguments": args if isinstance(args, str) else json.dumps(args)}}
            for i, (name, args) in enumerate(step.calls)
        ]}
        finish = "tool_calls"
    completion = {
        "id": f"chatcmpl-{time.monotonic_ns()}", "object": "chat.completion", "created": 0, "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
    }
    if step.usage != NO_USAGE:
        prompt = len(json.dumps(body)) // 4
        total = step.usage if step.usage is not None else prompt + 20
        completion["usage"] = {"prompt_tokens": min(prompt, total), "completion_tokens": total - min(prompt, total),
                               "total_tokens": total}
    return completion
