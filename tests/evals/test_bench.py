"""Benchmark plumbing (no timed assertions: machines are noisy): repeats, warm-up, pairing, ratios,
tables and JSON; the paired benches over a real assistant on the tiny warehouse."""

from __future__ import annotations

import json
import sys
from types import SimpleNamespace

import pytest

from evals import bench
from evals.bench import (
    BenchContext, BenchSettings, Measurement, bench_json, bench_table, pair_ratios, paired, ratios, run_benches,
    run_statements, spread, timed,
)


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
    m = Measurement("answer", "whole answer", (4.0, 1.0, 3.0, 2.0), ratios=(2.0, 1.5, 3.0))
    assert (m.p50, m.p95, m.mean, m.ratio_p50, m.ratio_p95) == (2.0, 4.0, 2.5, 2.0, 3.0)
    assert m.to_dict() == {"name": "answer", "description": "whole answer", "samples": 4,
                           "p50_ms": 2.0, "p95_ms": 4.0, "mean_ms": 2.5, "failed": 0, "failures": [],
                           "pairs": 3, "ratio_p50": 2.0, "ratio_p95": 3.0, "counts": {}}
    assert Measurement("x", "", ()).p50 is None and Measurement("x", "", ()).ratio_p50 is None


def test_pairs_interleave_and_each_baseline_gets_its_own_calls_result():
    order = []

    def call():
        order.append(f"A{len(order)}")
        return order[-1]

    samples = paired(call, lambda result: order.append(f"B for {result}"), BenchSettings(repeats=2, warmup=1))
    assert order == ["A0", "B for A0", "A2", "B for A2", "A4", "B for A4"]  # the first pair is the warm-up
    assert len(samples) == 2 and all(a >= 0 and b >= 0 for a, b in samples)


def test_ratios_come_from_pairs_not_from_two_pools():
    # Pools would give p50 30/10 = 3; the pairs' own ratios are 10, 1 and 1: their p50 is 1.
    pairs = [(100.0, 10.0), (30.0, 30.0), (10.0, 10.0)]
    m = Measurement("answer", "", tuple(a for a, _ in pairs), ratios=pair_ratios(pairs))
    assert pair_ratios(pairs) == (10.0, 1.0, 1.0)
    assert ratios([m]) == {"answer/baseline p50 (paired)": 1.0, "answer/baseline p95 (paired)": 10.0}
    assert ratios([Measurement("planning", "", (1.0,))]) == {}
    assert pair_ratios([(5.0, 0.0)]) == ()


def test_spread_takes_evenly_spaced_questions_in_order():
    assert spread(list(range(10)), 3) == [0, 3, 6]
    assert spread(list(range(4)), 10) == [0, 1, 2, 3]
    assert spread(list(range(4)), None) == [0, 1, 2, 3]


def test_table_and_json_carry_the_same_numbers_and_the_load_average():
    settings = BenchSettings(repeats=2, warmup=1)
    measured = [Measurement("answer", "whole answer", (10.0, 30.0), ratios=(5.0, 6.0),
                            counts={"queries per answer, mean": 1.5}),
                Measurement("baseline", "bare", (2.0, 5.0))]
    table = bench_table(measured, settings, (1.25, 0.5, 0.75))
    assert "2 timed run(s) (pairs) per question after 1 warm-up run(s)" in table
    assert "answer/baseline p50 (paired): 5.00×" in table and "answer: queries per answer, mean: 1.50" in table
    assert table.endswith("load average: 1.25 0.50 0.75")
    data = json.loads(bench_json(measured, settings, (1.25, 0.5, 0.75)))
    assert data["repeats"] == 2 and [m["name"] for m in data["measurements"]] == ["answer", "baseline"]
    assert data["ratios"]["answer/baseline p95 (paired)"] == 6.0 and data["load_average"] == [1.25, 0.5, 0.75]
    assert data["measurements"][0]["counts"] == {"queries per answer, mean": 1.5}


def test_bare_run_executes_every_statement_and_fetches_every_row():
    import duckdb

    con = duckdb.connect()
    try:
        assert run_statements(con, ["SELECT * FROM range(7)", "SELECT 1 UNION ALL SELECT 2"]) == 9
    finally:
        con.close()


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


def test_slow_benches_are_asked_for_not_run_by_default():
    for name in ("cold", "chat-load", "peer"):
        assert name in bench.BENCHES and name not in bench.DEFAULT_BENCHES


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


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    from fixtures.tiny_warehouse import build_tiny_warehouse

    path = tmp_path_factory.mktemp("bench") / "tiny.duckdb"
    build_tiny_warehouse(path)
    return path


def _case(question):
    from assistant.viewer import Viewer

    return SimpleNamespace(question=question, viewer=Viewer.leader(), conversation=())


def test_answer_bench_pairs_each_answer_with_the_statements_it_sent(tiny, monkeypatch):
    from assistant.cli import _bench_assistant

    sent = []
    with _bench_assistant(tiny, cache=False) as assistant:
        monkeypatch.setattr(bench, "run_statements", lambda con, statements: sent.append(list(statements)))
        cases = [_case("mrr in october 2026"), _case("what is the weather"), _case("mrr by segment")]
        context = BenchContext(assistant, cases, BenchSettings(repeats=2, warmup=1))
        answer, baseline = bench.answer_latency(context)
        expected = [assistant.ask(c.question).statements for c in (cases[0], cases[2])]
    assert all(expected) and sent == [expected[0]] * 3 + [expected[1]] * 3  # 1 warm-up + 2 pairs each
    assert len(answer.samples_ms) == len(baseline.samples_ms) == len(answer.ratios) == 4
    assert answer.counts["questions paired"] == 2 and answer.counts["questions not answered (unpaired)"] == 1
    assert answer.counts["queries per answer, max"] == max(len(s) for s in expected)


def test_cold_bench_starts_the_real_cli_and_a_bare_process(tiny, monkeypatch):
    from assistant.service import Assistant

    monkeypatch.setattr(bench, "COLD_QUESTIONS", ("mrr in october 2026",))
    with Assistant(tiny) as assistant:
        context = BenchContext(assistant, [], BenchSettings(repeats=1, warmup=0), warehouse=str(tiny))
        cold, baseline = bench.cold_latency(context)
    assert len(cold.samples_ms) == len(baseline.samples_ms) == len(cold.ratios) == 1


def test_cold_bench_says_which_process_failed(tiny):
    from assistant.service import Assistant

    with Assistant(tiny) as assistant:
        context = BenchContext(assistant, [], BenchSettings(repeats=1, warmup=0), warehouse=str(tiny),
                               cli=(sys.executable, "-c", "raise SystemExit(3)"))
        with pytest.raises(RuntimeError, match="exited 3"):
            bench.cold_latency(context)


def test_the_bench_command_builds_the_warm_assistant_with_caches_off(tiny):
    from assistant.cli import _bench_assistant

    for on in (False, True):
        with _bench_assistant(tiny, cache=on) as assistant:
            assert assistant.cache_stats()["enabled"] is on


class _Cached:
    """An assistant that answers a repeated question from its cache, as the real one does: no statement sent."""

    def __init__(self):
        self.runner, self.seen = SimpleNamespace(con=None), set()
        self.stats = {kind: {"hits": 0, "misses": 0} for kind in ("plans", "compiled", "results")}

    def ask(self, question, viewer=None):
        hit = question in self.seen
        self.seen.add(question)
        for kind in self.stats:
            self.stats[kind]["hits" if hit else "misses"] += 1
        return SimpleNamespace(question=question, status="answered", rows=[[1]], statements=[] if hit else ["SELECT 1"])

    def cache_stats(self):
        return {kind: dict(counts) for kind, counts in self.stats.items()}


def test_repeats_count_the_answers_that_sent_no_query_and_the_caches_own_hits():
    context = BenchContext(None, [_case("mrr"), _case("nrr")], BenchSettings(repeats=3, warmup=0), cached=_Cached())
    (repeat,) = bench.repeat_latency(context)
    assert repeat.counts["repeats"] == 6 and repeat.counts["cache hits (no query sent)"] == 6
    assert repeat.counts["results cache hits / misses"] == "6 / 2"


def test_an_answer_bench_fed_from_a_cache_refuses_to_pair(monkeypatch):
    monkeypatch.setattr(bench, "run_statements", lambda con, statements: len(statements))
    context = BenchContext(_Cached(), [_case("mrr")], BenchSettings(repeats=1, warmup=0))
    with pytest.raises(RuntimeError, match="answered without a query.*caches off"):
        bench.answer_latency(context)


def test_bench_flags_out_of_range_are_one_line(capsys):
    from assistant.cli import main

    assert main(["bench", "--limit", "0"]) == 2
    assert capsys.readouterr().err.strip().startswith("cs-assistant: limit must be at least 1")
