"""The running app through gradio_client on 127.0.0.1: sign-in decides the viewer, follow-ups stay in
their own session, and a failing question is a message."""

from __future__ import annotations

import pytest
from gradio_client import Client

from app.served import PASSWORDS, book
from assistant.app.app import FAILED, AppContext
from assistant.viewer import Viewer

LIST = "Which accounts have a health score below 60?"


def client(url: str, user: str) -> Client:
    return Client(url, auth=(user, PASSWORDS[user]), verbose=False)


def test_each_csm_gets_only_their_own_accounts_for_the_same_question(app):
    context, url = app
    for user, csm_id, other in (("leila", "C005", "C006"), ("grace", "C006", "C005")):
        answer = client(url, user).predict(LIST, api_name="/answer")
        names = {row[answer["columns"].index("account_name")] for row in answer["rows"]}
        assert answer["status"] == "answered" and names and names <= book(context, csm_id)
        assert not names & book(context, other)


def answered_rows(session: Client) -> list:
    return session.predict(LIST, api_name="/answer")["rows"]


def test_the_chat_endpoint_answers_and_a_follow_up_builds_on_the_same_session(app):
    _, url = app
    leila = client(url, "leila")
    history, box, table, download, sql = leila.predict(LIST, api_name="/ask")
    assert box == "" and history[0]["role"] == "user" and history[1]["role"] == "assistant"
    assert "Why on the list" in table["headers"] and len(table["data"]) == len(answered_rows(leila))
    assert download["value"].endswith(".csv") and "'C005'" in sql
    _, _, table, *_ = leila.predict("break that down by plan", api_name="/ask")  # the session remembers the list
    assert table["headers"][:2] == ["Account", "Plan"]
    snowflake = leila.predict("snowflake", api_name="/sql_in_dialect")
    assert "'C005'" in snowflake and "WITH periods" in snowflake


def test_sessions_do_not_share_a_conversation(app):
    _, url = app
    first, second = client(url, "leader"), client(url, "leader")
    first.predict(LIST, api_name="/ask")
    history, *_ = second.predict("break that down by plan", api_name="/ask")
    assert "Plan" not in str(history[1]["content"])  # nothing to break down in a new session


def test_a_wrong_password_does_not_sign_in(app):
    _, url = app
    with pytest.raises(Exception):
        Client(url, auth=("leila", "demo-grace"), verbose=False)


def test_a_question_that_fails_is_a_message_not_a_traceback(app, monkeypatch):
    context, url = app

    def broken(*args, **kwargs):
        raise RuntimeError("planner exploded")

    monkeypatch.setattr(context.assistant, "ask", broken)
    answer = client(url, "analyst").predict("What is our NRR?", api_name="/answer")
    assert answer["status"] == "error" and answer["message"] == FAILED
    history, *_ = client(url, "analyst").predict("What is our NRR?", api_name="/ask")
    assert FAILED in str(history[1]["content"]) and "Traceback" not in str(history)


def test_without_a_users_file_everyone_is_one_leader():
    context = AppContext(assistant=None, users=None, source="")
    assert context.signed_in(None) == (Viewer.leader(), None)


def test_another_user_sending_a_sessions_hash_does_not_reach_that_session(app):
    _, url = app
    leila, grace = client(url, "leila"), client(url, "grace")
    leila.predict(LIST, api_name="/ask")
    grace.session_hash = leila.session_hash  # what Gradio keys its own state by, known to anyone who sees it
    assert grace.predict("snowflake", api_name="/sql_in_dialect") == ""  # no last SQL of leila's
    history, *_ = grace.predict("break that down by plan", api_name="/ask")
    questions = [m for m in history if m["role"] == "user"]
    assert len(questions) == 1 and "C005" not in str(history)  # grace's own, new conversation


def test_the_csv_of_an_answer_is_private_and_not_copied_by_gradio(app):
    import os
    import stat

    context, url = app
    client(url, "analyst").predict(LIST, api_name="/ask")
    cache = os.environ["GRADIO_TEMP_DIR"]

    def mode(path) -> int:
        return stat.S_IMODE(os.stat(path).st_mode)

    csvs = [os.path.join(d, f) for d, _, names in os.walk(cache) for f in names if f.endswith(".csv")]
    ours = [p for p in csvs if p.startswith(str(context.files.root))]
    assert mode(cache) == 0o700 and mode(context.files.root) == 0o700
    assert ours and csvs == ours and all(mode(p) == 0o600 for p in ours)
