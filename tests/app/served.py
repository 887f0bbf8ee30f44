"""Helpers of the app tests: serve the chat app on a free loopback port, and read a CSM's book."""

from __future__ import annotations

import socket
import tempfile
from contextlib import contextmanager
from pathlib import Path

from assistant.app.app import launch, open_context

DEMO_USERS = Path(__file__).parents[2] / "data" / "demo_users.toml"
PASSWORDS = {"leader": "demo-leader", "analyst": "demo-analyst", "leila": "demo-leila", "grace": "demo-grace"}
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def served_app(warehouse: Path, users: Path | None = DEMO_USERS):
    """The app on 127.0.0.1 at a free port, closed (server and warehouse connection) on exit; its votes go
    to a feedback file in a temporary folder (`context.feedback.path`), never beside the demo warehouse."""
    with tempfile.TemporaryDirectory(prefix="cs-feedback-") as folder:
        context = open_context(warehouse, users, feedback=Path(folder) / "votes.feedback.sqlite")
        demo = launch(context, port=free_port(), block=False)
        try:
            yield context, demo.local_url
        finally:
            demo.close()
            context.assistant.close()
            context.files.close()



def book(context, csm_id: str) -> set[str]:
    """The account names of one CSM's book, by independent SQL through the app's own runner."""
    answer = context.assistant.run_sql(f"SELECT name FROM accounts WHERE csm_id = '{csm_id}'")
    assert answer.ok, answer.message
    return {row[0] for row in answer.rows}
