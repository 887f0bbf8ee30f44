"""Benchmark plumbing (no timed assertions: machines are noisy): repeats, warm-up, tables, ratios."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from evals import bench
from evals.bench import BenchContext, BenchSettings, Measurement, bench_json, bench_table, ratios, run_benches, timed


def test_warm_up_runs_are_not_timed():
    calls = []
    samples = timed(lambda: calls.append(1), BenchSettings(repeats=3, warmup=2))
    assert len(calls) == 5 and len(samples) == 3 and all(s >= 0 for s in samples)


def test_settings_refuse_nonsense():
    with pytest.raises(ValueError):
        BenchSettings(repeats=0)
    with pytest.raises(ValueError):
        BenchSettings(warmup=-1)
    with pytest.raises(ValueError):
        BenchSettings(users=0)
    with pytest.raises(ValueError):
        BenchSettings(seconds=0)


def test_measurement_statistics():
    m = Measurement("answer", "whole answer", (4.0, 1.0, 3.0, 2.0))
    assert (m.p50, m.p95, m.mean) == (2.0, 4.0, 2.5)
    assert m.to_dict() == {"name": "answer", "description": "whole answer", "samples": 4,
                           "p50_ms": 2.0, "p95_ms": 4.0, "mean_ms": 2.5, "failed": 0, "failures": []}
    assert Measurement("x", "", ()).p50 is None


def test_ratio_of_whole_answer_to_baseline():
    measured = [Measurement("answer", "", (10.0, 30.0)), Measurement("baseline", "", (2.0, 5.0))]
    assert ratios(measured) == {"answer/baseline p50": 5.0, "answer/baseline p95": 6.0}
    assert ratios(measured[:1]) == {}


def test_table_and_json_carry_the_same_numbers():
    settings = BenchSettings(repeats=2, warmup=1)
    measured = [Measurement("answer", "whole answer", (10.0, 30.0)), Measurement("baseline", "bare", (2.0, 5.0))]
    table = bench_table(measured, settings)
    assert "2 timed run(s) per question after 1 warm-up run(s)" in table and "answer/baseline p50: 5.00×" in table
    data = json.loads(bench_json(measured, settings))
    assert data["repeats"] == 2 and [m["name"] for m in data["measurements"]] == ["answer", "baseline"]
    assert data["ratios"]["answer/baseline p95"] == 6.0


def test_benches_are_a_registry_a_new_one_plugs_in(monkeypatch):
    monkeypatch.setattr(bench, "BENCHES", {"one": lambda ctx: [Measurement("one", "", (1.0,))],
                                           "two": lambda ctx: [Measurement("two", "", (2.0,))],
                                           "slow": lambda ctx: [Measurement("slow", "", (9.0,))]})
    monkeypatch.setattr(bench, "DEFAULT_BENCHES", ("one", "two"))
    context = BenchContext(assistant=None, cases=[])
    assert [m.name for m in run_benches(context)] == ["one", "two"]
    assert [m.name for m in run_benches(context, ["slow", "one"])] == ["one", "slow"]
    assert [m.name for m in run_benches(context, ["two"])] == ["two"]
    with pytest.raises(ValueError, match="unknown benchmark"):
        run_benches(context, ["load"])


def test_chat_load_is_asked_for_not_run_by_default():
    assert "chat-load" in bench.BENCHES and "chat-load" not in bench.DEFAULT_BENCHES


def test_chat_load_reports_every_request_and_the_failed_ones(monkeypatch):
    from assistant.app import load

    asked = {}

    def fake_chat_load(assistant, questions, *, users, seconds):
        asked.update(questions=list(questions), users=users, seconds=seconds)
        return load.LoadResult(users, seconds, 2, (120.0, 80.0, 100.0), ("q: TimeoutError",))

    monkeypatch.setattr(load, "chat_load", fake_chat_load)
    question = SimpleNamespace(question="nrr last quarter", conversation=())
    context = BenchContext(assistant=object(), cases=[question], settings=BenchSettings(users=5, seconds=2.0))
    (measured,) = bench.chat_load_latency(context)
    assert asked == {"questions": ["nrr last quarter"], "users": 5, "seconds": 2.0}
    assert (measured.name, measured.p50, len(measured.failures)) == ("chat-load", 100.0, 1)
    table = bench_table([measured], context.settings)
    assert "failed: q: TimeoutError" in table
