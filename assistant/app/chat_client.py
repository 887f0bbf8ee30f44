"""Simulated chat users, run in their own process by `load.chat_load`: each asks through the app's queue
as the browser does (POST /gradio_api/queue/join, then the SSE stream of /gradio_api/queue/data for its
session), over one kept-alive HTTP connection per user, reading only the messages (no file is downloaded).

Run as `python -m assistant.app.chat_client` with a JSON job on stdin ({"url", "fn_index", "questions",
"users", "seconds", "failed", "timeout_s"}); prints {"samples_ms": [...], "failures": [...]} on stdout.
No Gradio here, so the process starts quickly and costs the server's cores only what a client costs.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

API = "/gradio_api"


@dataclass(frozen=True)
class Job:
    """What the users do: ask `questions` in turn at `url`'s function `fn_index` until `seconds` pass; a reply
    holding the text `failed` (the app's failure message) counts as failed, as does one slower than `timeout_s`."""

    url: str
    fn_index: int
    questions: Sequence[str]
    users: int
    seconds: float
    failed: str
    timeout_s: float = 60.0


async def _ask(http: httpx.AsyncClient, job: Job, session: str, question: str) -> str | None:
    """One question as the browser sends it; what went wrong, or None when the answer came."""
    joined = await http.post(f"{API}/queue/join", json={
        "data": [question, "duckdb"], "event_data": None, "fn_index": job.fn_index, "trigger_id": None,
        "session_hash": session})
    joined.raise_for_status()
    event = joined.json()["event_id"]
    problem = "the stream closed before the answer"
    # Read to the stream's end (the server closes it after the answer): a response left unread would close
    # the connection instead of keeping it for the next question.
    async with http.stream("GET", f"{API}/queue/data", params={"session_hash": session}) as stream:
        stream.raise_for_status()
        async for line in stream.aiter_lines():
            if not line.startswith("data:"):
                continue
            message = json.loads(line[5:])
            if message.get("msg") == "unexpected_error":
                problem = f"unexpected error: {message.get('message')}"
            elif message.get("msg") == "process_completed" and message.get("event_id") == event:
                problem = (f"error: {message.get('output')}" if not message.get("success") else
                           "the app's failure message" if job.failed in json.dumps(_reply(message)) else None)
    return problem


def _reply(completed: dict) -> list:
    """The chat's messages after the last question in a completed event: this question's reply (the event
    carries the whole chat, and an earlier failed reply is not this one's)."""
    chat = (completed.get("output") or {}).get("data", [[]])[0] or []
    last = max((i for i, m in enumerate(chat) if isinstance(m, dict) and m.get("role") == "user"), default=-1)
    return chat[last + 1:]


async def _user(job: Job, first: int, deadline: float) -> tuple[list[float], list[str]]:
    """One person's session: questions from `first` on, one connection for all of them."""
    samples, failures = [], []
    session = uuid.uuid4().hex[:11]
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with httpx.AsyncClient(base_url=job.url, limits=limits, timeout=job.timeout_s) as http:
        turn = first
        while time.perf_counter() < deadline:
            question = job.questions[turn % len(job.questions)]
            turn += 1
            start = time.perf_counter()
            try:
                problem = await asyncio.wait_for(_ask(http, job, session, question), job.timeout_s)
            except Exception as error:  # a failed request is counted and described, the load goes on
                problem = f"{type(error).__name__}: {error}"
            samples.append((time.perf_counter() - start) * 1000)
            if problem is not None:
                failures.append(f"{question}: {problem}")
    return samples, failures


async def run(job: Job) -> dict[str, list]:
    """Every user at once until the job's seconds pass; their latencies (ms) and failures, all together.
    The users start spread over the questions, so they do not ask the same one a turn apart."""
    deadline = time.perf_counter() + job.seconds
    spread = max(len(job.questions) // job.users, 1)
    results = await asyncio.gather(*(_user(job, i * spread, deadline) for i in range(job.users)))
    return {"samples_ms": [s for r in results for s in r[0]], "failures": [f for r in results for f in r[1]]}


def main() -> None:
    job = Job(**json.load(sys.stdin))
    json.dump(asyncio.run(run(job)), sys.stdout)


if __name__ == "__main__":
    main()
