"""The CSV files the app hands out: private, removed with their session or after an hour."""

from __future__ import annotations

import os
import stat

from assistant.app.files import MAX_AGE_S, AnswerFiles
from assistant.app.sessions import SessionStore


class Clock:
    def __init__(self):
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_file_is_0600_in_a_0700_folder_under_a_0700_root(tmp_path):
    files = AnswerFiles(tmp_path / "answers")
    path = files.write("s1", "list.csv", "a,b\n1,2\n")
    assert path.read_text() == "a,b\n1,2\n"
    assert (mode(path), mode(path.parent), mode(files.root)) == (0o600, 0o700, 0o700)


def test_files_go_with_their_session_and_no_other(tmp_path):
    files = AnswerFiles(tmp_path / "answers")
    mine, theirs = files.write("s1", "a.csv", "x"), files.write("s2", "a.csv", "y")
    assert mine != theirs and files.drop("s1") == 1
    assert not mine.exists() and not mine.parent.exists() and theirs.exists()
    assert files.owned("s1") == [] and files.owned("s2") == [theirs]


def test_files_older_than_an_hour_are_swept_on_the_next_write(tmp_path):
    clock = Clock()
    files = AnswerFiles(tmp_path / "answers", clock=clock)
    old = files.write("s1", "old.csv", "x")
    clock.now += MAX_AGE_S - 1
    young = files.write("s2", "young.csv", "y")
    assert old.exists()
    clock.now += 1
    newest = files.write("s2", "new.csv", "z")
    assert not old.exists() and young.exists() and newest.exists()
    clock.now += MAX_AGE_S
    assert files.sweep() == 2 and not young.exists()


def test_ending_a_session_in_the_store_removes_its_files(tmp_path):
    files = AnswerFiles(tmp_path / "answers")
    store = SessionStore(max_sessions=1, on_end=files.drop)
    first = files.write(("leila", "t1"), "a.csv", "x")
    store.get(("leila", "t1"))
    store.get(("grace", "t2"))  # leila's session is the least recently used: dropped
    assert not first.exists()
    second = files.write(("grace", "t2"), "b.csv", "y")
    store.forget(("grace", "t2"))  # sign-out
    assert not second.exists()


def test_close_removes_everything(tmp_path):
    files = AnswerFiles(tmp_path / "answers")
    files.write("s1", "a.csv", "x")
    files.close()
    assert not (tmp_path / "answers").exists()
