"""Server-side chat sessions: found again by the same sign-in, never by another; bounded in turns and in
sessions; a vote on message N of the chat finds the answer that message belongs to."""

from __future__ import annotations

from assistant.answer import Answer, Status
from assistant.app.sessions import MAX_TURNS, ChatTurn, Session, SessionStore, session_key
from assistant.conversation import Conversation


def turn(question: str, messages: int = 2, rows: int = 3, status: Status = Status.ANSWERED) -> ChatTurn:
    answer = Answer(question, status, f"answer to {question}", columns=["x"], rows=[[i] for i in range(rows)])
    return ChatTurn(question, [{"role": "assistant", "content": f"{question} part {i}"} for i in range(messages)], answer)


def test_the_key_is_the_user_and_a_hash_of_the_sign_in_token():
    key = session_key("leila", "tok-1", "page-a")
    assert key == session_key("leila", "tok-1", "page-b")  # a reload is a new page with the same cookie
    assert key != session_key("leila", "tok-2", "page-a")  # signing in again is a new session
    assert key != session_key("grace", "tok-1", "page-a")
    assert key[0] == "leila" and "tok-1" not in key[1]
    assert session_key(None, None, "page-a") == ("", "page:page-a") != session_key(None, None, "page-b")


def test_history_is_each_question_then_its_answers_messages_and_turn_at_maps_indices_to_answers():
    session = Session()
    first, second = turn("nrr", messages=2), turn("churn", messages=3)
    session.add(first)
    session.add(second)
    assert [m["content"] for m in session.history()] == [
        "nrr", "nrr part 0", "nrr part 1", "churn", "churn part 0", "churn part 1", "churn part 2"]
    assert [session.turn_at(i) and session.turn_at(i).question for i in range(8)] == [
        None, "nrr", "nrr", None, "churn", "churn", "churn", None]


def test_only_the_answer_beside_the_chat_keeps_its_rows():
    session = Session()
    session.add(turn("nrr", rows=5))
    assert len(session.answer.rows) == 5 and session.turns[0].answer.rows == []
    assert session.turns[0].answer.message == "answer to nrr"
    session.add(turn("which one?", status=Status.CLARIFY, rows=0))
    assert session.answer is None  # a reply that is not an answer leaves nothing beside the chat


def test_a_session_keeps_its_last_turns_and_the_conversation_as_many():
    session = Session(conversation=Conversation())
    for n in range(MAX_TURNS + 5):
        session.conversation.add(f"q{n}", Status.ANSWERED, None)
        session.add(turn(f"q{n}"))
    assert [t.question for t in session.turns] == [f"q{n}" for n in range(5, MAX_TURNS + 5)]
    assert [t.question for t in session.conversation.turns] == [f"q{n}" for n in range(5, MAX_TURNS + 5)]


def test_the_store_keeps_the_most_recently_used_sessions_and_forgets_on_request():
    store = SessionStore(max_sessions=2)
    a, b = store.get(("leila", "a")), store.get(("grace", "b"))
    assert store.get(("leila", "a")) is a  # the same sign-in finds the same session; a is now the most recent
    store.get(("leader", "c"))
    assert len(store) == 2 and store.get(("leila", "a")) is a and store.get(("grace", "b")) is not b
    store.forget(("leila", "a"))
    assert store.get(("leila", "a")) is not a


def test_with_sign_in_a_request_without_a_user_and_token_has_no_session():
    import pytest

    from assistant.app.sessions import session_key

    for username, token in (("leila", None), (None, "tok"), ("", "tok"), (None, None)):
        with pytest.raises(PermissionError):
            session_key(username, token, "page-hash-anyone-can-send", signed_in=True)
    assert session_key("leila", "tok", "p", signed_in=True) != session_key("grace", "tok", "p", signed_in=True)
    assert session_key(None, None, "p") == ("", "page:p")  # no sign-in configured: the page is the session
