"""`cs-assistant eval` and `cs-assistant bench` on the demo warehouse: exit codes, report file, one-line errors."""

from __future__ import annotations

import json

from assistant.cli import main


def test_eval_one_case_writes_the_report_and_exits_zero(demo_warehouse_path, tmp_path, capsys):
    report = tmp_path / "out" / "report.md"
    code = main(["eval", "--case", "mrr-october", "--report", str(report), "--warehouse", str(demo_warehouse_path)])
    out = capsys.readouterr().out
    assert code == 0
    assert "Eval (rules planner)" in out and "dev: 1/1 correct (100.0%), 0 declined" in out
    assert report.read_text(encoding="utf-8").startswith("# Evaluation report: rules planner")


def test_an_unknown_category_is_one_line_and_exit_two(demo_warehouse_path, capsys):
    code = main(["eval", "--category", "astrology", "--warehouse", str(demo_warehouse_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("cs-assistant: ") and "no case has category 'astrology'" in err and err.count("\n") == 1


def test_llm_planner_without_a_model_says_what_to_set(demo_warehouse_path, capsys, monkeypatch):
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL"):
        monkeypatch.delenv(name, raising=False)
    code = main(["eval", "--planner", "llm", "--case", "mrr-october", "--warehouse", str(demo_warehouse_path)])
    assert code == 2 and "OPENAI_API_KEY" in capsys.readouterr().err


def test_bench_prints_json_with_the_chosen_benchmark(demo_warehouse_path, capsys):
    code = main(["bench", "--bench", "planning", "--category", "meetings", "--repeats", "1", "--warmup", "0", "--json",
                 "--warehouse", str(demo_warehouse_path)])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [m["name"] for m in data["measurements"]] == ["planning"]
    assert data["measurements"][0]["samples"] >= 8  # one per standalone meetings question
    assert data["ratios"] == {}


def test_bench_refuses_zero_repeats_in_one_line(demo_warehouse_path, capsys):
    code = main(["bench", "--repeats", "0", "--warehouse", str(demo_warehouse_path)])
    assert code == 2 and "repeats must be at least 1" in capsys.readouterr().err
