"""The chat load test: N simulated users asking through the app's chat endpoint on loopback for T seconds.

`cs-assistant bench` (evals/bench.py) calls `chat_load` and reports p50/p95 latency and the
failed requests. A request fails when it raises, times out, or comes back as the app's
"something went wrong" message; an honest "cannot answer" is an answer, not a failure.
Bounded: at most MAX_USERS users and MAX_SECONDS seconds, on 127.0.0.1 only.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from gradio_client import Client

from assistant.app.app import CONCURRENCY, FAILED, AppContext, build_app

MAX_USERS = 50
MAX_SECONDS = 300.0


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


def _user(url: str, questions: Sequence[str], first: int, deadline: float) -> tuple[list[float], list[str]]:
    client = Client(url, verbose=False)
    samples, failures = [], []
    turn = first
    while time.perf_counter() < deadline:
        question = questions[turn % len(questions)]
        turn += 1
        start = time.perf_counter()
        try:
            history, *_ = client.predict(question, api_name="/ask")
            if FAILED in str(history):
                failures.append(f"{question}: the app's failure message")
        except Exception as error:  # a failed request is counted and described, the load goes on
            failures.append(f"{question}: {type(error).__name__}: {error}")
        samples.append((time.perf_counter() - start) * 1000)
    return samples, failures


def chat_load(assistant, questions: Sequence[str], *, users: int = 20, seconds: float = 60.0,
              concurrency: int = CONCURRENCY) -> LoadResult:
    """`users` sessions, each asking `questions` in turn (from a different start) until `seconds` pass."""
    if not questions:
        raise ValueError("the load test needs at least one question")
    if not 1 <= users <= MAX_USERS or not 0 < seconds <= MAX_SECONDS:
        raise ValueError(f"users must be 1–{MAX_USERS} and seconds 0–{MAX_SECONDS:g}")
    demo = build_app(AppContext(assistant, None, "load test"), concurrency=concurrency)
    demo.launch(server_name="127.0.0.1", server_port=_free_port(), prevent_thread_lock=True, quiet=True,
                show_error=False)
    try:
        deadline = time.perf_counter() + seconds
        with ThreadPoolExecutor(users) as pool:
            results = list(pool.map(lambda i: _user(demo.local_url, questions, i, deadline), range(users)))
    finally:
        demo.close()
    return LoadResult(users, seconds, concurrency, tuple(s for r in results for s in r[0]),
                      tuple(f for r in results for f in r[1]))
