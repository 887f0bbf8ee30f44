"""100 wrong passwords in a row at the real app's login route: slowed (refused without hashing after
the first few) and every one logged, while users already signed in keep getting answers quickly."""

from __future__ import annotations

import logging
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from gradio_client import Client

import assistant.app.signin as signin
from app.served import PASSWORDS, served_app

FLOOD = 100
QUESTIONS = ("What is our MRR?", "What is our NRR?", "How many accounts do we have?")
P95_S = 2.0


def post_login(url: str, username: str, password: str) -> int:
    data = urllib.parse.urlencode({"username": username, "password": password}).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(url + "login", data=data), timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture(scope="module")
def flooded(demo_warehouse_path):
    with served_app(demo_warehouse_path) as served:
        yield served


def test_a_login_flood_is_refused_and_logged_while_others_keep_their_pace(flooded, caplog):
    _, url = flooded
    others = [Client(url, auth=(user, PASSWORDS[user]), verbose=False) for user in ("leader", "analyst")]
    latencies: list[float] = []
    done = threading.Event()

    def keep_asking(client: Client) -> None:
        while not done.is_set():
            for question in QUESTIONS:
                start = time.perf_counter()
                answer = client.predict(question, api_name="/answer")
                latencies.append(time.perf_counter() - start)
                assert answer["status"] == "answered", answer["message"]

    askers = [threading.Thread(target=keep_asking, args=(c,)) for c in others]
    with caplog.at_level(logging.INFO, logger=signin.log.name):
        for asker in askers:
            asker.start()
        start = time.perf_counter()
        statuses = [post_login(url, "leila", f"guess-{i}") for i in range(FLOOD)]
        flood_s = time.perf_counter() - start
        locked_out = post_login(url, "leila", PASSWORDS["leila"])  # the right password waits too
        done.set()
        for asker in askers:
            asker.join()
    outcomes = [r.getMessage() for r in caplog.records if "user 'leila'" in r.getMessage()]
    refused = sum(signin.REFUSED in line for line in outcomes)
    p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) >= 2 else max(latencies)
    print(f"flood of {FLOOD} in {flood_s:.1f} s, {refused} refused without hashing; "
          f"{len(latencies)} other answers, p50 {statistics.median(latencies):.2f} s, p95 {p95:.2f} s")
    assert set(statuses) == {400} and locked_out == 400
    assert len(outcomes) == FLOOD + 1 and all("guess-" not in line for line in outcomes)
    assert refused >= FLOOD - signin.FREE - 5  # at most a few hashed once the waits began
    assert latencies and p95 <= P95_S
