"""load.py: the chat load test is bounded and counts failed requests (the 60 s run is `cs-assistant bench`);
its users (chat_client.py) run in another process and count what they cannot reach."""

from __future__ import annotations

import asyncio
import socket
import time

import pytest

from assistant.app.app import FAILED
from assistant.app.chat_client import Job, run
from assistant.app.load import MAX_USERS, chat_load
from assistant.service import Assistant


@pytest.fixture(scope="module")
def assistant(demo_warehouse_path):
    with Assistant(demo_warehouse_path) as opened:
        yield opened


def test_a_short_run_answers_every_request_of_every_user(assistant):
    result = chat_load(assistant, ["What is our NRR?", "What is our MRR by segment?"], users=3, seconds=1.0)
    assert result.failures == () and len(result.samples_ms) >= 3 and all(s > 0 for s in result.samples_ms)


def test_failures_are_counted_not_raised(assistant, monkeypatch):
    monkeypatch.setattr(assistant, "ask", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("down")))
    result = chat_load(assistant, ["What is our NRR?"], users=2, seconds=0.5)
    assert result.failures and len(result.failures) == len(result.samples_ms)
    assert all("failure message" in f for f in result.failures)


@pytest.mark.parametrize("users, seconds", [(0, 1.0), (MAX_USERS + 1, 1.0), (2, 0), (2, 1000.0)])
def test_the_load_is_bounded(assistant, users, seconds):
    with pytest.raises(ValueError, match="users must be"):
        chat_load(assistant, ["What is our NRR?"], users=users, seconds=seconds)


def test_a_user_who_cannot_connect_counts_each_request_as_failed_until_the_time_is_up():
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    job = Job(f"http://127.0.0.1:{port}", 0, ["What is our NRR?"], users=2, seconds=0.3, failed=FAILED, timeout_s=5.0)
    started = time.perf_counter()
    done = asyncio.run(run(job))
    assert time.perf_counter() - started < 3.0
    assert done["failures"] and len(done["failures"]) == len(done["samples_ms"])
    assert all("ConnectError" in f for f in done["failures"])
