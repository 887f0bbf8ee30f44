"""What the chat keeps for one sign-in session, on the server, so a page reload shows the same conversation.

A session is found by who signed in and the sign-in's token (the cookie Gradio sets at login): a reload
sends the same cookie and finds it; another sign-in, even by the same user, gets a new token and a new
session; sign-out forgets it. Without sign-in there is no token and each page load is its own session.
Bounded: each session keeps its last MAX_TURNS turns, and the store its MAX_SESSIONS most recently used.
No Gradio here.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from assistant.answer import Answer
from assistant.app.markup import plain
from assistant.conversation import Conversation
from assistant.feedback import Vote

MAX_TURNS = 20
MAX_SESSIONS = 100


def session_key(username: str | None, token: str | None, page: str | None,
                signed_in: bool = False) -> tuple[str, str]:
    """The key of a session: the user and a hash of their sign-in token; the page's own id without one.
    When the app has sign-in (`signed_in`), a request without both a user and a token has no session:
    PermissionError, never a fall-back to the page id another user could send."""
    if signed_in and not (username and token):
        raise PermissionError("this request carries no sign-in")
    if token:
        return username or "", "sign-in:" + hashlib.sha256(token.encode()).hexdigest()
    return "", f"page:{page or ''}"


def question_message(question: str) -> dict[str, str]:
    """The chat message of a question as it was typed: Markdown in it shows as text (`markup.plain`)."""
    return {"role": "user", "content": plain(question)}


@dataclass
class ChatTurn:
    """One question in the chat, the assistant's messages for it, and the answer they show (without rows)."""

    question: str
    messages: list[dict[str, Any]]
    answer: Answer
    sql: str | None = None  # the SQL the viewer was shown (with their row-level security)
    feedback_id: int | None = None  # the row of this session's vote on it
    vote: Vote | None = None  # that vote, shown on the thumbs again after a reload


@dataclass
class Session:
    """The conversation the planner follows up on, the turns the chat shows, and the answer beside the chat."""

    conversation: Conversation = field(default_factory=Conversation)
    turns: list[ChatTurn] = field(default_factory=list)
    answer: Answer | None = None
    rated: ChatTurn | None = None  # the turn the comment box is for
    sql_open: bool = False  # whether the SQL panel is open, so a new answer's SQL in another dialect is wanted

    def history(self) -> list[dict[str, Any]]:
        """The chat's messages, oldest first: each question, then its answer's messages."""
        return [m for turn in self.turns for m in (question_message(turn.question), *turn.messages)]

    def turn_at(self, index: int) -> ChatTurn | None:
        """The turn whose answer holds message `index` of `history()`; None for a question or past the end."""
        start = 0
        for turn in self.turns:
            if start < index <= start + len(turn.messages):
                return turn
            start += 1 + len(turn.messages)
        return None

    def add(self, turn: ChatTurn) -> None:
        """Record a turn (the conversation already has it) and drop what is past the bounds; an answer
        with rows becomes the one beside the chat, any other reply leaves nothing there."""
        self.answer = turn.answer if turn.answer.ok else None
        self.turns.append(replace(turn, answer=replace(turn.answer, rows=[])))  # the rows are kept once, above
        del self.turns[:-MAX_TURNS]
        del self.conversation.turns[:-MAX_TURNS]


class SessionStore:
    """Sessions by key, the most recently used MAX_SESSIONS of them; safe to share between threads."""

    def __init__(self, max_sessions: int = MAX_SESSIONS,
                 on_end: Callable[[tuple[str, str]], None] | None = None):
        self.max_sessions = max_sessions
        self.on_end = on_end  # told the key of each session that ends (forgotten or dropped), e.g. to remove its files
        self._sessions: OrderedDict[tuple[str, str], Session] = OrderedDict()
        self._lock = threading.Lock()

    def _ended(self, keys: list[tuple[str, str]]) -> None:
        for key in keys:
            if self.on_end is not None:
                self.on_end(key)

    def get(self, key: tuple[str, str]) -> Session:
        """The session of `key`, new when there is none (or it was the least recently used and dropped)."""
        dropped = []
        with self._lock:
            session = self._sessions.pop(key, None) or Session()
            self._sessions[key] = session
            while len(self._sessions) > self.max_sessions:
                dropped.append(self._sessions.popitem(last=False)[0])
        self._ended(dropped)
        return session

    def forget(self, key: tuple[str, str]) -> None:
        """Drop the session of `key` (sign-out, Clear)."""
        with self._lock:
            self._sessions.pop(key, None)
        self._ended([key])

    def __len__(self) -> int:
        return len(self._sessions)
