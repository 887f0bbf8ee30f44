"""20 people signed in at once (leaders, analysts and CSMs of eight books) asking real questions through
the running app's HTTP API: no request fails, and every CSM's accounts come only from their own book."""

from __future__ import annotations

import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from gradio_client import Client

from app.served import book, served_app
from assistant.app.app import FAILED
from assistant.app.users import hash_password

LIST = "Which accounts have a health score below 60?"
QUESTIONS = (LIST, "What is our MRR?", "How many renewals are due next quarter?")
LEADERS, ANALYSTS, CSMS = 3, 3, 14
BOOKS = 8  # CSMs share books two by two, so a book is open in two sessions at once


@pytest.fixture(scope="module")
def crowd(demo_warehouse_path, tmp_path_factory):
    """The app signed in from a users file of 20 people, and who they are: (username, password, csm_id)."""
    from assistant.service import Assistant

    with Assistant(demo_warehouse_path) as probe:
        csm_ids = sorted(r[0] for r in probe.run_sql("SELECT csm_id FROM csms ORDER BY csm_id").rows)[:BOOKS]
    people = ([(f"leader{i}", "leader", None) for i in range(LEADERS)]
              + [(f"analyst{i}", "analyst", None) for i in range(ANALYSTS)]
              + [(f"csm{i}", "csm", csm_ids[i % len(csm_ids)]) for i in range(CSMS)])
    entries = []
    for username, role, csm_id in people:
        # Cheap hashes: the test is about answering, not about PBKDF2's cost (test_signin covers that).
        entries.append(f'[[user]]\nusername = "{username}"\nrole = "{role}"\n'
                       f'password = "{hash_password("pw-" + username, iterations=1_000)}"\n'
                       + (f'csm_id = "{csm_id}"\n' if csm_id else ""))
    users = tmp_path_factory.mktemp("crowd") / "users.toml"
    users.write_text("\n".join(entries))
    with served_app(demo_warehouse_path, users) as (context, url):
        yield context, url, [(u, "pw-" + u, c) for u, _, c in people]


def test_twenty_mixed_users_at_once_get_answers_and_csms_only_their_book(crowd):
    context, url, people = crowd
    books = {c: book(context, c) for _, _, c in people if c}
    everyone = {r[0] for r in context.assistant.run_sql("SELECT name FROM accounts").rows}

    def session(person) -> list[tuple[str, float, dict | str]]:
        username, password, _ = person
        client = Client(url, auth=(username, password), verbose=False)
        done = []
        for question in QUESTIONS:
            start = time.perf_counter()
            reply = client.predict(question, api_name="/answer")
            done.append(("answer", time.perf_counter() - start, reply))
        start = time.perf_counter()
        history, *_ = client.predict(LIST, api_name="/ask")  # the chat's own endpoint, with its session
        done.append(("ask", time.perf_counter() - start, str(history)))
        return done

    began = time.perf_counter()
    with ThreadPoolExecutor(len(people)) as pool:
        results = list(pool.map(session, people))
    wall = time.perf_counter() - began
    failures, latencies, listed = [], [], 0
    for (username, _, csm_id), done in zip(people, results):
        for kind, seconds, reply in done:
            latencies.append(seconds)
            if kind == "ask":
                if FAILED in reply or "Traceback" in reply:
                    failures.append(f"{username}: the chat failed")
                continue
            if reply["status"] not in ("answered", "clarify", "unanswerable"):
                failures.append(f"{username}: {reply['question']} -> {reply['status']}: {reply['message']}")
            if reply["question"] == LIST:
                assert reply["status"] == "answered", reply["message"]
                names = {row[reply["columns"].index("account_name")] for row in reply["rows"]}
                assert names <= (books[csm_id] if csm_id else everyone), username
                listed += len(names)
                if not csm_id:
                    assert not names <= books[people[-1][2]], username  # a leader's list is not one book
    p95 = statistics.quantiles(latencies, n=20)[-1]
    print(f"{len(people)} users, {len(latencies)} requests in {wall:.1f} s: "
          f"p50 {statistics.median(latencies):.2f} s, p95 {p95:.2f} s, {len(failures)} failures")
    assert failures == [] and listed > 0
    assert len(latencies) == len(people) * (len(QUESTIONS) + 1)
