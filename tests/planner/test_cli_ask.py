"""`cs-assistant ask`: a thin shell over Assistant.ask; errors are one line, never a traceback."""

from __future__ import annotations

import json

import pytest

from assistant.cli import build_parser, main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_answer_has_the_agreed_keys(capsys, demo_warehouse_path):
    code, out, _ = run(capsys, "ask", "nrr by segment last quarter", "--json", "--warehouse", str(demo_warehouse_path))
    data = json.loads(out)
    assert code == 0
    assert {"question", "status", "message", "interpretation", "sql", "columns", "rows", "metrics", "planner",
            "timings_ms"} <= set(data)
    assert (data["status"], data["planner"], data["columns"][-1]) == ("answered", "rules", "nrr")


def test_text_answer_shows_the_table_and_the_sql_in_the_dialect(capsys, demo_warehouse_path):
    code, out, _ = run(capsys, "ask", "grr last quarter", "--dialect", "snowflake", "--warehouse", str(demo_warehouse_path))
    assert code == 0 and "Gross revenue retention" in out and "SQL (snowflake):" in out


def test_as_csm_answers_for_their_book(capsys, demo_warehouse_path):
    code, out, _ = run(capsys, "ask", "mrr in october", "--as-csm", "C028", "--warehouse", str(demo_warehouse_path))
    assert code == 0 and "your book of accounts" in out


@pytest.mark.parametrize("question", ["", "🙂🙂🙂", "x" * 50_000])
def test_junk_is_one_line_and_exit_1(capsys, demo_warehouse_path, question):
    code, out, err = run(capsys, "ask", question, "--warehouse", str(demo_warehouse_path))
    assert code == 1 and len(out.strip().splitlines()) == 1 and "Traceback" not in out + err


def test_a_missing_warehouse_is_one_line_exit_2(capsys, tmp_path):
    code, _, err = run(capsys, "ask", "nrr", "--warehouse", str(tmp_path / "nope.duckdb"))
    assert code == 2 and err.count("\n") == 1 and "no warehouse" in err


def test_ask_has_help_for_every_flag():
    ask = build_parser()._subparsers._group_actions[0].choices["ask"]
    assert all(action.help for action in ask._actions)


def test_several_questions_are_one_conversation_one_json_object_per_line(capsys, demo_warehouse_path):
    code, out, _ = run(capsys, "ask", "nrr by segment last quarter", "and for emea?", "--json",
                       "--warehouse", str(demo_warehouse_path))
    turns = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [t["question"] for t in turns] == ["nrr by segment last quarter", "and for emea?"]
    assert [t["status"] for t in turns] == ["answered", "answered"]
    assert "region" in json.dumps(turns[1]["query"]["filters"]) and not turns[0]["query"].get("filters")


def test_several_questions_in_text_are_headed_by_each_question(capsys, demo_warehouse_path):
    code, out, _ = run(capsys, "ask", "mrr in october", "what about september?", "--warehouse", str(demo_warehouse_path))
    assert code == 0 and "» mrr in october" in out and "» what about september?" in out
    assert out.index("» mrr in october") < out.index("» what about september?")
