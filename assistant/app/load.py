"""The chat load test: N simulated users asking through the app's chat endpoint on loopback for T seconds.

`cs-assistant bench` (evals/bench.py) calls `chat_load` and reports p50/p95 latency and the
failed requests. The app is served from this process; the users run in another one
(`chat_client.py`), each over one kept-alive connection, asking through the queue as the
browser does and downloading nothing, so the benchmark measures the server and not its
client. A request fails when it errors, times out, or comes back as the app's "something went
wrong" message; an honest "cannot answer" is an answer, not a failure.
Bounded: at most MAX_USERS users and MAX_SECONDS seconds, on 127.0.0.1 only; the client process
is stopped if it overruns.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from assistant.app.app import CONCURRENCY, FAILED, AppContext, build_app
from assistant.app.chat_client import Job

MAX_USERS = 50
MAX_SECONDS = 300.0
REQUEST_TIMEOUT_S = 60.0  # a request slower than this is a failure
SPARE_S = 30.0  # what the client process may take beyond its seconds (starting, the last requests) before it is stopped


@dataclass(frozen=True)
class LoadResult:
    """Latency of every request (ms) and what went wrong with the failed ones."""

    users: int
    seconds: float
    concurrency: int
    samples_ms: tuple[float, ...]
    failures: tuple[str, ...]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _fn_index(demo, api_name: str) -> int:
    """The id of the event the chat's `api_name` endpoint runs, as the browser names it when it joins the queue."""
    return next(fn._id for fn in demo.fns.values() if fn.api_name == api_name)


def _run_clients(job: Job) -> dict[str, list]:
    """Run the users in their own process; what it printed. Stopped (and an error) when it overruns."""
    limit = job.seconds + REQUEST_TIMEOUT_S + SPARE_S
    with subprocess.Popen([sys.executable, "-m", "assistant.app.chat_client"], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as clients:
        try:
            out, err = clients.communicate(json.dumps(asdict(job)), timeout=limit)
        except subprocess.TimeoutExpired:
            clients.kill()
            clients.communicate()
            raise RuntimeError(f"the load's client process ran past {limit:g} s and was stopped") from None
    if clients.returncode != 0:
        raise RuntimeError(f"the load's client process failed: {err.strip()[-500:]}")
    return json.loads(out)


def chat_load(assistant, questions: Sequence[str], *, users: int = 20, seconds: float = 60.0,
              concurrency: int = CONCURRENCY) -> LoadResult:
    """`users` sessions, each asking `questions` in turn (from different starts) until `seconds` pass."""
    if not questions:
        raise ValueError("the load test needs at least one question")
    if not 1 <= users <= MAX_USERS or not 0 < seconds <= MAX_SECONDS:
        raise ValueError(f"users must be 1–{MAX_USERS} and seconds 0–{MAX_SECONDS:g}")
    context = AppContext(assistant, None, "load test")
    demo = build_app(context, concurrency=concurrency)
    demo.launch(server_name="127.0.0.1", server_port=_free_port(), prevent_thread_lock=True, quiet=True,
                show_error=False)
    try:
        done = _run_clients(Job(demo.local_url.rstrip("/"), _fn_index(demo, "ask"), list(questions), users,
                                seconds, FAILED, REQUEST_TIMEOUT_S))
    finally:
        demo.close()
        context.files.close()
    return LoadResult(users, seconds, concurrency, tuple(done["samples_ms"]), tuple(done["failures"]))
