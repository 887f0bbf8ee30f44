"""load.py: the chat load test is bounded and counts failed requests (the 60 s run is `cs-assistant bench`)."""

from __future__ import annotations

import pytest

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
