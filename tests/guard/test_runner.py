"""The hardened runner: locked-down connection, deadline by interrupt (planning too), row and byte caps, concurrent
questions, errors as answers; and the `cs-assistant sql` command over it."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import duckdb
import pytest

from assistant.answer import Answer, Status
from assistant.cli import main
from assistant.deadline import Deadline
from assistant.guard import GuardPolicy, check_sql
from assistant.runner import Runner, RunnerSettings, connect_hardened
from assistant.viewer import Viewer

# About 10^10 rows of work: minutes, unless interrupted.
SLOW = "SELECT sum(a.range * b.range) FROM range(100000) AS a, range(100000) AS b"


@pytest.mark.parametrize(
    "statement",
    [
        "COPY accounts TO '{tmp}/stolen.csv'",
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM '/etc/passwd'",
        "ATTACH '{tmp}/other.duckdb' AS other",
        "SET threads = 1",
        "SET enable_external_access = true",
        "INSTALL httpfs",
        "LOAD httpfs",
        "CREATE TABLE stolen AS SELECT * FROM accounts",
        "DELETE FROM accounts",
    ],
)
def test_the_connection_itself_refuses_what_the_guard_refuses(tiny_warehouse, tmp_path, statement):
    # Defence in depth: these bypass the guard on purpose and must still fail in DuckDB.
    con = connect_hardened(tiny_warehouse)
    try:
        with pytest.raises(duckdb.Error):
            con.execute(statement.format(tmp=tmp_path))
    finally:
        con.close()
    assert list(tmp_path.iterdir()) == []


def test_a_slow_query_is_stopped_within_timeout_plus_one_second_and_the_runner_answers_on(tiny_warehouse):
    assert not check_sql(SLOW).accepted  # the default guard calls it a cross join; this test allows it
    with Runner(tiny_warehouse, RunnerSettings(timeout_s=1), GuardPolicy(max_rows=None)) as runner:
        start = time.perf_counter()
        answer = runner.run(SLOW, Viewer.analyst())
        elapsed = time.perf_counter() - start
        assert answer.status is Status.ERROR
        assert answer.message.startswith("The question took longer than its 1-second limit and was stopped;")
        assert elapsed < 2.0
        assert runner.run("SELECT count(*) FROM accounts", Viewer.analyst()).rows == [[7]]


def test_other_questions_are_answered_while_a_slow_one_runs(tiny_warehouse):
    with Runner(tiny_warehouse, RunnerSettings(timeout_s=1), GuardPolicy(max_rows=None)) as runner:
        with ThreadPoolExecutor(2) as pool:
            slow = pool.submit(runner.run, SLOW, Viewer.analyst())
            time.sleep(0.1)
            fast = runner.run("SELECT count(*) FROM tickets", Viewer.csm("c2"))
            assert fast.rows == [[4]]
            assert not slow.done()
            assert slow.result().status is Status.ERROR


def test_concurrent_csms_each_get_their_own_answer(runner):
    expected = {"c1": 3, "c2": 4, "c3": 2}  # tickets per book, from tiny_warehouse.sql
    jobs = [csm for csm in expected for _ in range(10)]
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda csm: runner.run("SELECT count(*) FROM tickets", Viewer.csm(csm)), jobs))
    assert [a.rows[0][0] for a in answers] == [expected[csm] for csm in jobs]


def test_rows_are_capped_and_the_answer_says_so(tiny_warehouse):
    with Runner(tiny_warehouse, RunnerSettings(row_limit=3)) as runner:
        unlimited = runner.run("SELECT account_id FROM accounts ORDER BY account_id", Viewer.leader())
        assert unlimited.rows == [["a1"], ["a2"], ["a3"]]
        assert "Added LIMIT 3: the query had no row limit." in unlimited.warnings
        too_high = runner.run("SELECT account_id FROM accounts ORDER BY account_id LIMIT 5", Viewer.leader())
        assert len(too_high.rows) == 3
        assert "Lowered LIMIT 5 to 3, the most rows an answer returns." in too_high.warnings
        within = runner.run("SELECT account_id FROM accounts ORDER BY account_id LIMIT 2", Viewer.leader())
        assert within.rows == [["a1"], ["a2"]] and within.warnings == []


def test_a_failing_query_is_an_error_answer_with_detail(runner):
    answer = runner.run("SELECT CAST(name AS INTEGER) FROM accounts", Viewer.analyst())
    assert answer.status is Status.ERROR
    assert answer.message == "The database could not run the query."
    assert "Conversion" in answer.detail and "\n" not in answer.detail


def test_a_missing_warehouse_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="no warehouse at"):
        Runner(tmp_path / "absent.duckdb")


def test_an_answer_records_the_sql_that_ran_and_stage_timings(runner):
    answer = runner.run("SELECT name, contract_start, seats_purchased FROM accounts WHERE account_id = 'a4'",
                        Viewer.csm("c2"))
    assert answer.columns == ["name", "contract_start", "seats_purchased"]
    assert "csm_id = 'c2'" in answer.sql
    assert set(answer.timings_ms) == {"guard", "rls", "execute"}


def test_answer_json_has_every_key_and_plain_values():
    import datetime as dt
    from decimal import Decimal

    answer = Answer("q", Status.ANSWERED, "One row.", columns=["d", "m"], rows=[[dt.date(2026, 10, 1), Decimal("12.50")]])
    data = json.loads(answer.to_json())
    assert set(data) >= {"question", "status", "message", "interpretation", "sql", "columns", "rows", "metrics",
                         "planner", "warnings", "detail", "timings_ms"}
    assert data["status"] == "answered" and data["rows"] == [["2026-10-01", 12.5]]


def test_cli_sql_prints_a_table_and_exits_0(tiny_warehouse, capsys):
    code = main(["sql", "SELECT segment, count(*) AS n FROM accounts GROUP BY segment ORDER BY segment",
                 "--warehouse", str(tiny_warehouse)])
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines()[-3:] == ["Enterprise  2", "Mid-Market  2", "SMB         3"]


def test_cli_sql_as_csm_prints_json_of_their_book(tiny_warehouse, capsys):
    code = main(["sql", "SELECT name FROM accounts ORDER BY name", "--json", "--as-csm", "c2",
                 "--warehouse", str(tiny_warehouse)])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert data["status"] == "answered" and data["rows"] == [["Dune"], ["Ember"]]


def test_cli_sql_refusal_exits_1_with_the_reason(tiny_warehouse, capsys):
    code = main(["sql", "DROP TABLE accounts", "--json", "--warehouse", str(tiny_warehouse)])
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    assert data["status"] == "refused"
    assert data["message"] == "Only read-only SELECT queries can run; DROP changes the database."


def test_cli_sql_bad_flags_are_one_line(tiny_warehouse, tmp_path, capsys):
    assert main(["sql", "SELECT 1", "--as-csm", " ", "--warehouse", str(tiny_warehouse)]) == 2
    assert main(["sql", "SELECT 1", "--warehouse", str(tmp_path / "absent.duckdb")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and all(line.startswith("cs-assistant: ") for line in err)


# 300 scalar sub-queries: DuckDB's planner takes seconds over them and does not stop on an interrupt.
MANY_SUBQUERIES = "SELECT " + ", ".join(f"(SELECT count(*) FROM accounts WHERE seats_purchased > {i})"
                                        for i in range(300))


def _query_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "query"]


def test_a_result_is_cut_at_the_byte_cap_and_the_answer_says_so(tiny_warehouse):
    # Each row holds a 5,000-character string (about 5,050 bytes with the id): two rows fit in 12,000 bytes, three do not.
    with Runner(tiny_warehouse, RunnerSettings(max_result_bytes=12_000)) as runner:
        answer = runner.run("SELECT account_id, repeat('x', 5000) AS pad FROM accounts ORDER BY account_id",
                            Viewer.leader())
        assert answer.status is Status.ANSWERED
        assert [row[0] for row in answer.rows] == ["a1", "a2"]
        assert "Showing the first 2 rows: the result passed the 0.012 MB an answer may hold." in answer.warnings
        assert runner.run("SELECT count(*) FROM accounts", Viewer.leader()).rows == [[7]]


def test_rows_are_fetched_in_chunks_up_to_the_row_cap(tiny_warehouse):
    with Runner(tiny_warehouse, RunnerSettings(row_limit=1_200)) as runner:
        answer = runner.run("SELECT range AS n FROM range(5000) ORDER BY n", Viewer.analyst())
    assert answer.rows == [[n] for n in range(1_200)]  # three chunks of 500, 500 and 200


def test_a_deadline_already_passed_runs_nothing(runner):
    answer = runner.run("SELECT count(*) FROM accounts", Viewer.analyst(), deadline=Deadline.after(0))
    assert answer.status is Status.ERROR and answer.rows == []
    assert answer.message.startswith("The question took longer than its 0-second limit")
    assert "execute" not in answer.timings_ms


def test_a_query_gets_only_the_time_left_of_its_question(tiny_warehouse):
    with Runner(tiny_warehouse, RunnerSettings(timeout_s=10), GuardPolicy(max_rows=None)) as runner:
        start = time.perf_counter()
        answer = runner.run(SLOW, Viewer.analyst(), deadline=Deadline.after(0.5))
        assert time.perf_counter() - start < 1.5  # the question's 0.5 s, not the runner's 10 s, plus 1 s
        assert answer.message.startswith("The question took longer than its 0.5-second limit")


def test_a_statement_whose_planning_ignores_the_interrupt_is_answered_at_the_deadline(tiny_warehouse):
    # The runner alone (the guard refuses this many sub-queries): it must still answer on time and answer on.
    with Runner(tiny_warehouse) as runner:
        start = time.perf_counter()
        answer = runner._execute(MANY_SUBQUERIES, "many sub-queries", Deadline.after(0.5))
        elapsed = time.perf_counter() - start
        assert answer.status is Status.ERROR and "took longer than its 0.5-second limit" in answer.message
        assert elapsed < 1.5
        assert runner.run("SELECT count(*) FROM accounts", Viewer.analyst()).rows == [[7]]
        for thread in _query_threads():  # DuckDB finishes the abandoned statement, and the worker closes it
            thread.join(60)
        assert _query_threads() == []


def test_running_out_of_memory_is_a_one_line_answer_and_the_runner_answers_on(tiny_warehouse, monkeypatch):
    with Runner(tiny_warehouse) as runner:
        def exhausted(cursor):
            raise MemoryError

        monkeypatch.setattr(runner, "_fetch", exhausted)
        answer = runner.run("SELECT name FROM accounts", Viewer.analyst())
        assert answer.status is Status.ERROR
        assert answer.message == ("The answer needed more memory than a question may use, so it was stopped; ask "
                                  "for fewer rows or shorter values.")
        monkeypatch.undo()
        assert runner.run("SELECT count(*) FROM accounts", Viewer.analyst()).rows == [[7]]


def _rss_mb() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmRSS"))


def test_a_result_cut_at_the_byte_cap_gives_its_memory_back(tiny_warehouse):
    # 100 KB strings: DuckDB builds them 2,048 rows (200 MB) a chunk, far past the 50 MB an answer holds.
    with Runner(tiny_warehouse) as runner:
        before = _rss_mb()
        answer = runner._execute("SELECT repeat('x', 100000) || range AS pad FROM range(100000)", "huge",
                                 Deadline.after(10))
        assert answer.status is Status.ANSWERED and len(answer.rows) < 500
        assert answer.warnings == [f"Showing the first {len(answer.rows)} rows: the result passed the 50 MB an "
                                   "answer may hold."]
        del answer
        settled = time.monotonic() + 15
        while _rss_mb() > before + 100 and time.monotonic() < settled:
            time.sleep(0.2)
        assert _rss_mb() <= before + 100
