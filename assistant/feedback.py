"""Thumbs up or down on an answer, with an optional comment, kept in a small SQLite file beside the warehouse.

One row per vote: when (UTC), who (username, role, CSM id), the question, the answer's message and its
label, the SemanticQuery JSON and the SQL that answered it, the vote and the comment. A changed vote
updates its row and a withdrawn one deletes it, so each row is what one person thinks of one answer.
The warehouse itself is never written: the file is `<warehouse>.feedback.sqlite` next to it.

No Gradio here: the chat app and `cs-assistant feedback` are thin shells over `FeedbackStore`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from assistant.answer import Answer
from assistant.provenance import provenance
from assistant.viewer import Viewer

SUFFIX = ".feedback.sqlite"
MAX_COMMENT = 2_000
COLUMNS = ("id", "time", "username", "role", "csm_id", "question", "message", "label", "query", "sql", "vote",
           "comment")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY,
    time TEXT NOT NULL,          -- UTC, ISO 8601 ending in Z: sorts and compares as text
    username TEXT NOT NULL,      -- '' when the app runs without sign-in
    role TEXT NOT NULL,
    csm_id TEXT,
    question TEXT NOT NULL,
    message TEXT NOT NULL,       -- the answer's one sentence
    label TEXT NOT NULL,         -- Governed metric, Ad-hoc SQL, Asked back, Not answered
    query TEXT,                  -- the SemanticQuery as JSON
    sql TEXT,                    -- the SQL shown to the viewer
    vote TEXT NOT NULL CHECK (vote IN ('up', 'down')),
    comment TEXT NOT NULL DEFAULT ''
)
"""


class Vote(StrEnum):
    UP = "up"
    DOWN = "down"


class FeedbackError(Exception):
    """The feedback file cannot be used; the message is one sentence naming the file."""


def feedback_file(warehouse: str | os.PathLike) -> Path:
    """Where the votes on answers over `warehouse` are kept: `<warehouse>.feedback.sqlite` beside it."""
    warehouse = Path(warehouse)
    return warehouse.with_name(warehouse.name + SUFFIX)


def utc_text(moment: dt.datetime) -> str:
    """A moment as the stored text: UTC to the second, ending in Z."""
    if moment.tzinfo is None:
        raise ValueError("a feedback time needs a time zone")
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Feedback:
    """One vote on one answer, and who gave it."""

    time: dt.datetime
    username: str
    role: str
    csm_id: str | None
    question: str
    message: str
    label: str
    query: dict[str, Any] | None
    sql: str | None
    vote: Vote
    comment: str = ""
    id: int | None = None

    @classmethod
    def on(cls, answer: Answer, viewer: Viewer, username: str, vote: Vote, time: dt.datetime,
           sql: str | None = None) -> Feedback:
        """A vote on `answer` by `username` seeing data as `viewer`; `sql` is what they were shown
        (default: the answer's own SQL)."""
        return cls(time, username, str(viewer.role), viewer.csm_id, answer.question, answer.message,
                   str(provenance(answer)), answer.query, sql if sql is not None else answer.sql, Vote(vote))

    def viewer_text(self) -> str:
        """'leila (csm C005)', 'leader (leader)'; '(no sign-in)' for the app without a users file."""
        who = f"{self.role} {self.csm_id}" if self.csm_id else self.role
        return f"{self.username or '(no sign-in)'} ({who})"

    def to_dict(self) -> dict[str, Any]:
        """The row as JSON-safe data: the time as stored text, the query as an object."""
        return {"id": self.id, "time": utc_text(self.time), "username": self.username, "role": self.role,
                "csm_id": self.csm_id, "question": self.question, "message": self.message, "label": self.label,
                "query": self.query, "sql": self.sql, "vote": str(self.vote), "comment": self.comment}


def _checked_comment(text: str) -> str:
    text = text.strip()
    if len(text) > MAX_COMMENT:
        raise FeedbackError(f"a comment is at most {MAX_COMMENT:,} characters; this one has {len(text):,}")
    return text


class FeedbackStore:
    """The votes in one SQLite file; each call opens and closes its own connection (votes are rare,
    and the chat app calls from many threads)."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)

    def add(self, feedback: Feedback) -> int:
        """Save one vote (creating the file on the first); its row id."""
        row = feedback.to_dict()
        row["query"] = json.dumps(feedback.query, ensure_ascii=False) if feedback.query is not None else None
        row["comment"] = _checked_comment(feedback.comment)
        names = [c for c in COLUMNS if c != "id"]
        with self._open(write=True) as con:
            cursor = con.execute(f"INSERT INTO feedback ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                                 [row[c] for c in names])
            return int(cursor.lastrowid)

    def revote(self, row_id: int, vote: Vote, time: dt.datetime) -> None:
        """The same person changed their vote on the same answer: the row says the new vote and when."""
        self._change(row_id, "UPDATE feedback SET vote = ?, time = ? WHERE id = ?", str(Vote(vote)), utc_text(time))

    def comment(self, row_id: int, text: str) -> None:
        """Attach (or replace) the comment of one vote."""
        self._change(row_id, "UPDATE feedback SET comment = ? WHERE id = ?", _checked_comment(text))

    def withdraw(self, row_id: int) -> None:
        """The person took their vote back: the row goes."""
        self._change(row_id, "DELETE FROM feedback WHERE id = ?")

    def rows(self, since: dt.date | None = None) -> list[Feedback]:
        """Every vote, oldest first; with `since`, those on or after that day (UTC). Read-only."""
        sql, params = f"SELECT {', '.join(COLUMNS)} FROM feedback", []
        if since is not None:
            sql, params = sql + " WHERE time >= ?", [since.isoformat()]
        with self._open(write=False) as con:
            found = con.execute(sql + " ORDER BY time, id", params).fetchall()
        return [self._feedback(row) for row in found]

    def _change(self, row_id: int, sql: str, *params: Any) -> None:
        with self._open(write=True) as con:
            if con.execute(sql, [*params, row_id]).rowcount != 1:
                raise FeedbackError(f"{self.path} has no feedback row {row_id}")

    @contextmanager
    def _open(self, *, write: bool) -> Iterator[sqlite3.Connection]:
        """A connection in a transaction (committed on success), closed after; SQLite errors become one line."""
        con = self._connect(write=write)
        try:
            with con:
                yield con
        except sqlite3.DatabaseError as error:
            raise FeedbackError(f"{self.path} cannot be used as a feedback file ({error})") from None
        finally:
            con.close()

    def _connect(self, *, write: bool) -> sqlite3.Connection:
        if not write and not self.path.is_file():
            raise FeedbackError(f"there is no feedback file at {self.path}; it is made when someone first rates "
                                "an answer in the chat app")
        con = None
        try:
            if write:
                con = sqlite3.connect(self.path, timeout=5)
                con.execute(_SCHEMA)
            else:
                con = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
            columns = tuple(row[1] for row in con.execute("PRAGMA table_info(feedback)"))
        except sqlite3.DatabaseError as error:
            if con is not None:
                con.close()
            raise FeedbackError(f"{self.path} cannot be used as a feedback file ({error})") from None
        if columns != COLUMNS:
            con.close()
            found = f"columns {', '.join(columns)}" if columns else "no feedback table"
            raise FeedbackError(f"{self.path} is not a feedback file: it has {found}, not {', '.join(COLUMNS)}")
        return con

    def _feedback(self, row: tuple) -> Feedback:
        values = dict(zip(COLUMNS, row))
        try:
            return Feedback(
                time=dt.datetime.fromisoformat(values["time"]), username=values["username"], role=values["role"],
                csm_id=values["csm_id"], question=values["question"], message=values["message"],
                label=values["label"], query=json.loads(values["query"]) if values["query"] is not None else None,
                sql=values["sql"], vote=Vote(values["vote"]), comment=values["comment"], id=values["id"])
        except (TypeError, ValueError) as error:
            raise FeedbackError(f"{self.path}: feedback row {values['id']} is damaged ({error})") from None


def feedback_report(votes: list[Feedback]) -> str:
    """The votes as text for a terminal: per vote its time, thumb, viewer and label, then the question, the
    answer's message, the query that answered it (the SQL when there was no governed query) and the comment."""
    blocks = []
    for vote in votes:
        lines = [f"#{vote.id}  {vote.time.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC  thumbs {vote.vote}  "
                 f"{vote.viewer_text()}  [{vote.label}]",
                 f"  question: {vote.question}",
                 f"  answer:   {vote.message}"]
        if vote.query is not None:
            lines.append(f"  query:    {json.dumps(vote.query, ensure_ascii=False)}")
        elif vote.sql:
            lines.append(f"  sql:      {' '.join(vote.sql.split())}")
        if vote.comment:
            lines.append(f"  comment:  {vote.comment}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
