"""The feedback store and `cs-assistant feedback`: one row per vote, read back as it was written, listed
with question, query and viewer; a missing or foreign file is one sentence, never a traceback."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from assistant.answer import Answer, Status
from assistant.cli import build_parser, main
from assistant.feedback import MAX_COMMENT, Feedback, FeedbackError, FeedbackStore, Vote, feedback_file
from assistant.viewer import Viewer

QUERY = {"metrics": ["nrr"], "dimensions": ["segment"]}
NRR = Answer("nrr by segment", Status.ANSWERED, "NRR is 104.2% for Enterprise.", sql="SELECT 1", query=QUERY)
CET = dt.timezone(dt.timedelta(hours=1))


def vote(answer: Answer = NRR, vote: Vote = Vote.DOWN, at: dt.datetime = dt.datetime(2026, 11, 3, 15, 5, 9, tzinfo=CET),
         viewer: Viewer = Viewer.csm("C005"), username: str = "leila", sql: str | None = None) -> Feedback:
    return Feedback.on(answer, viewer, username, vote, at, sql)


@pytest.fixture
def store(tmp_path) -> FeedbackStore:
    return FeedbackStore(tmp_path / "warehouse.duckdb.feedback.sqlite")


def raw(store: FeedbackStore, sql: str) -> list[tuple]:
    with sqlite3.connect(store.path) as con:
        return con.execute(sql).fetchall()


def test_the_file_sits_beside_the_warehouse():
    assert feedback_file(Path("/data/acme.duckdb")) == Path("/data/acme.duckdb.feedback.sqlite")


def test_a_vote_is_one_row_with_time_viewer_question_message_label_query_sql_vote_and_comment(store):
    row_id = store.add(vote(sql="SELECT 1 WHERE csm_id = 'C005'"))
    store.comment(row_id, "  Enterprise looks too high  ")
    assert raw(store, "SELECT * FROM feedback") == [
        (row_id, "2026-11-03T14:05:09Z", "leila", "csm", "C005", "nrr by segment", "NRR is 104.2% for Enterprise.",
         "Governed metric", '{"metrics": ["nrr"], "dimensions": ["segment"]}', "SELECT 1 WHERE csm_id = 'C005'",
         "down", "Enterprise looks too high")]
    [read] = store.rows()
    assert read.time == dt.datetime(2026, 11, 3, 14, 5, 9, tzinfo=dt.UTC) and read.query == QUERY
    assert (read.vote, read.comment, read.viewer_text()) == (Vote.DOWN, "Enterprise looks too high", "leila (csm C005)")


def test_the_sql_defaults_to_the_answers_and_the_label_follows_the_answer(store):
    asked_back = Answer("at risk?", Status.CLARIFY, "Which one?", options=["a", "b"])
    store.add(vote(answer=asked_back, viewer=Viewer.leader(), username="leader", vote=Vote.UP))
    store.add(vote())
    assert raw(store, "SELECT label, sql, role, csm_id, vote FROM feedback ORDER BY id") == [
        ("Asked back", None, "leader", None, "up"), ("Governed metric", "SELECT 1", "csm", "C005", "down")]


def test_a_changed_vote_updates_its_row_and_a_withdrawn_one_removes_it(store):
    first, second = store.add(vote()), store.add(vote(vote=Vote.UP))
    store.revote(first, Vote.UP, dt.datetime(2026, 11, 4, 9, 0, tzinfo=dt.UTC))
    store.withdraw(second)
    assert raw(store, "SELECT id, vote, time FROM feedback") == [(first, "up", "2026-11-04T09:00:00Z")]
    with pytest.raises(FeedbackError, match=f"no feedback row {second}"):
        store.comment(second, "too late")


def test_since_keeps_the_votes_from_that_day_on_in_utc(store):
    late_october = dt.datetime(2026, 11, 1, 0, 30, tzinfo=CET)  # 2026-10-31 23:30 UTC
    store.add(vote(at=late_october))
    november = store.add(vote(at=dt.datetime(2026, 11, 1, 0, 0, tzinfo=dt.UTC)))
    assert [f.id for f in store.rows(dt.date(2026, 11, 1))] == [november]
    assert len(store.rows()) == 2 and store.rows(dt.date(2026, 11, 2)) == []


def test_a_comment_has_a_limit_and_a_time_needs_a_zone(store):
    row_id = store.add(vote())
    with pytest.raises(FeedbackError, match="at most 2,000 characters"):
        store.comment(row_id, "x" * (MAX_COMMENT + 1))
    with pytest.raises(ValueError, match="time zone"):
        store.add(vote(at=dt.datetime(2026, 11, 3, 12, 0)))


def test_reading_a_missing_file_says_so_and_creates_nothing(store):
    with pytest.raises(FeedbackError, match="there is no feedback file at .*warehouse.duckdb.feedback.sqlite"):
        store.rows()
    assert not store.path.exists()


def test_a_file_that_is_not_a_feedback_file_is_refused_for_reading_and_writing(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("hello\n" * 200)
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as con:
        con.execute("CREATE TABLE feedback (id INTEGER, stars INTEGER)")
    for path, said in ((text, "cannot be used as a feedback file"), (other, "columns id, stars")):
        for use in (lambda s: s.rows(), lambda s: s.add(vote())):
            with pytest.raises(FeedbackError, match=said):
                use(FeedbackStore(path))
    assert text.read_text() == "hello\n" * 200


def test_a_damaged_row_names_itself(store):
    row_id = store.add(vote())
    with sqlite3.connect(store.path) as con:
        con.execute("UPDATE feedback SET time = 'last tuesday'")
    with pytest.raises(FeedbackError, match=f"feedback row {row_id} is damaged"):
        store.rows()


# --- cs-assistant feedback -------------------------------------------------------------------

def test_the_command_lists_question_query_and_viewer(store, capsys):
    store.comment(store.add(vote()), "Enterprise looks too high")
    sql_answer = Answer("tickets per plan", Status.ANSWERED, "3 plans.", sql="SELECT plan,\n  count(*) FROM t", planner="llm")
    store.add(vote(answer=sql_answer, viewer=Viewer.analyst(), username="analyst", vote=Vote.UP))
    assert main(["feedback", "--file", str(store.path)]) == 0
    out = capsys.readouterr().out
    assert "2026-11-03 14:05 UTC  thumbs down  leila (csm C005)  [Governed metric]" in out
    assert "question: nrr by segment" in out and '"metrics": ["nrr"]' in out
    assert "comment:  Enterprise looks too high" in out
    assert "thumbs up  analyst (analyst)  [Ad-hoc SQL]" in out and "sql:      SELECT plan, count(*) FROM t" in out


def test_json_is_one_object_per_line_and_since_filters(store, capsys):
    store.add(vote(at=dt.datetime(2026, 10, 30, 12, 0, tzinfo=dt.UTC)))
    store.add(vote(vote=Vote.UP, at=dt.datetime(2026, 11, 2, 12, 0, tzinfo=dt.UTC)))
    assert main(["feedback", "--file", str(store.path), "--json", "--since", "2026-11-01"]) == 0
    [line] = capsys.readouterr().out.splitlines()
    assert json.loads(line) == {
        "id": 2, "time": "2026-11-02T12:00:00Z", "username": "leila", "role": "csm", "csm_id": "C005",
        "question": "nrr by segment", "message": "NRR is 104.2% for Enterprise.", "label": "Governed metric",
        "query": QUERY, "sql": "SELECT 1", "vote": "up", "comment": ""}


def test_the_default_file_is_beside_the_warehouse(tmp_path, capsys):
    warehouse = tmp_path / "acme.duckdb"
    FeedbackStore(feedback_file(warehouse)).add(vote())
    assert main(["feedback", "--warehouse", str(warehouse), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["question"] == "nrr by segment"
    assert main(["feedback", "--warehouse", str(warehouse), "--since", "2027-01-01"]) == 0
    assert capsys.readouterr().out.startswith("No feedback since 2027-01-01 in ")


@pytest.mark.parametrize("setup, flags, said", [
    (None, [], "there is no feedback file at"),
    ("text", [], "cannot be used as a feedback file (file is not a database)"),
    ("store", ["--since", "last week"], "--since takes a day as YYYY-MM-DD"),
])
def test_a_bad_or_missing_file_or_date_is_one_sentence(tmp_path, capsys, setup, flags, said):
    path = tmp_path / "votes.feedback.sqlite"
    if setup == "text":
        path.write_text("not a database, just text that is long enough to have a header. " * 4)
    elif setup == "store":
        FeedbackStore(path).add(vote())
    assert main(["feedback", "--file", str(path), *flags]) == 2
    captured = capsys.readouterr()
    assert said in captured.err and len(captured.err.strip().splitlines()) == 1 and "Traceback" not in captured.err
    assert captured.out == ""


def test_the_readme_documents_the_command_and_every_flag_it_takes():
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Feedback on answers", 1)[1].split("\n## ", 1)[0]
    command = build_parser()._subparsers._group_actions[0].choices["feedback"]
    flags = [o for action in command._actions for o in action.option_strings if o.startswith("--") and o != "--help"]
    assert "cs-assistant feedback" in section and sorted(flags) == ["--file", "--json", "--since", "--warehouse"]
    assert all(flag in section for flag in flags)
