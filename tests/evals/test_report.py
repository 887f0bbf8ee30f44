"""Summaries and reports: the three outcomes per category and set, nearest-rank percentiles, every miss shown
with evidence, confidently wrong ones first."""

from __future__ import annotations

from assistant.answer import Answer, Status
from assistant.viewer import Viewer
from evals.cases import Case, ExpectedStatus, Shape
from evals.report import markdown_report, percentile, summarize, terminal_report
from evals.run import CaseResult, Outcome, Table

ANSWERED = Answer("q", Status.ANSWERED, "ok", columns=["x"], rows=[[1]])


def case(id, family="revenue", shape=Shape.single, **fields):
    return Case(id=id, question=f"question {id}", family=family, shape=shape, file="f.yaml", sql="SELECT 1", **fields)


def result(c, passed, latency=10.0, answer=None, expected=None, reason="", harness_error="", outcome=None):
    outcome = outcome or (Outcome.correct if passed else Outcome.wrong)
    if answer is None and outcome is not Outcome.declined:
        answer = ANSWERED
    return CaseResult(c, outcome, reason or ("rows match" if passed else "wrong"), answer, expected, latency,
                      harness_error)


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))  # 1..100
    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile([7.0], 95) == 7.0
    assert percentile([3, 1, 2], 50) == 2
    assert percentile([], 50) is None


def test_accuracy_overall_and_per_category_families_first():
    results = [
        result(case("a"), True, 10),
        result(case("b", shape=Shape.trend), False, 30),
        result(case("c", family="health", viewer=Viewer.csm("C005")), True, 20),
        result(case("d", family="health", conversation=("x",)), True, 40),
    ]
    summary = summarize(results)
    assert (summary.overall.cases, summary.overall.correct, summary.overall.accuracy) == (4, 3, 75.0)
    table = {t.label: (t.cases, t.correct) for t in summary.categories}
    assert table == {"health": (2, 2), "revenue": (2, 1), "single": (3, 3), "trend": (1, 0),
                     "follow-up": (1, 1), "rls": (1, 1)}
    assert [t.label for t in summary.categories] == ["health", "revenue", "single", "trend", "follow-up", "rls"]
    assert (summary.p50_ms, summary.p95_ms) == (20, 40)
    assert [r.case.id for r in summary.misses] == ["b"]


def test_harness_errors_are_kept_apart_from_misses():
    summary = summarize([result(case("a"), False, None, harness_error="no such column"), result(case("b"), True)])
    assert summary.misses == () and [r.case.id for r in summary.harness_errors] == ["a"]
    assert summary.overall.cases == 1
    assert "HARNESS ERROR dev f.yaml: a: no such column" in terminal_report(summary)


def test_three_outcomes_and_the_precision_of_confident_answers():
    results = [result(case("a"), True), result(case("b"), False),
               result(case("c"), False, outcome=Outcome.declined, answer=Answer("q", Status.CLARIFY, "which?")),
               result(case("d"), True)]
    overall = summarize(results).overall
    assert (overall.correct, overall.declined, overall.wrong) == (2, 1, 1)
    assert (overall.answered, overall.answered_correct) == (3, 2)
    assert round(overall.confident_precision, 1) == 66.7
    assert [r.case.id for r in summarize(results).misses] == ["b", "c"]  # confidently wrong first


def test_sets_are_reported_side_by_side_with_a_headline_each():
    dev = summarize([result(case("a"), True), result(case("b"), True)], name="dev")
    held = summarize([result(case("a"), True), result(case("b"), False)], name="heldout-1")
    text = terminal_report([dev, held], show_misses=False)
    assert "dev: 2/2 correct (100.0%), 0 declined (0.0%), 0 confidently wrong (0.0%); of 2 confident answers" in text
    assert "heldout-1: 1/2 correct (50.0%), 0 declined (0.0%), 1 confidently wrong (50.0%)" in text
    header = next(line for line in text.splitlines() if line.startswith("category"))
    assert header.split() == ["category", "dev", "cases", "correct", "declined", "wrong",
                              "heldout-1", "cases", "correct", "declined", "wrong"]
    assert "| overall | 2 | 100.0% | 0.0% | 0.0% | 2 | 50.0% | 0.0% | 50.0% |" in markdown_report([dev, held])


def test_a_miss_shows_what_the_planner_did_and_both_tables():
    answer = Answer("q", Status.ANSWERED, "MRR 21,000.", interpretation="MRR in October 2026",
                    columns=["period_start", "mrr"], rows=[["2026-10-01", 21000.0]], planner="rules",
                    query={"metrics": ["mrr"]}, route_reason="rules understood the question")
    expected = Table(("mrr",), tuple((float(v),) for v in range(22200, 22207)))
    miss = result(case("m", conversation=("earlier",)), False, answer=answer, expected=expected,
                  reason="expected 7 row(s), the answer has 1")
    text = terminal_report(summarize([miss]))
    for fragment in ("✗ m", "why: expected 7 row(s), the answer has 1", "after: earlier", "outcome: confidently wrong",
                     "status: answered (rules; rules understood the question)", "interpretation: MRR in October 2026",
                     'query: {"metrics": ["mrr"]}', "expected (7 rows):", "answer (1 rows):", "… 2 more row(s)"):
        assert fragment in text, fragment
    markdown = markdown_report(summarize([miss]))
    assert "### ✗ `m` (f.yaml)" in markdown and "- **why**: expected 7 row(s), the answer has 1" in markdown
    assert "| overall | 1 | 0.0% | 0.0% | 100.0% |" in markdown


def test_status_misses_and_a_clean_run_render():
    miss = result(Case(id="s", question="churn?", family="none", shape=Shape.ambiguous, file="f.yaml",
                       status=ExpectedStatus.clarify), False,
                  answer=Answer("churn?", Status.UNANSWERABLE, "I could not match churn"), outcome=Outcome.declined,
                  reason="expected status clarify, the answer's status is unanswerable")
    assert "message: I could not match churn" in terminal_report(summarize([miss]))
    clean = markdown_report(summarize([result(case("a"), True)], planner="llm"))
    assert clean.startswith("# Evaluation report: llm planner") and "## Misses: dev (0)\n\nNone." in clean


def _scored(id, confidence, outcome):
    answer = Answer("q", Status.ANSWERED if outcome is not Outcome.declined else Status.CLARIFY, "ok",
                    columns=["x"], rows=[[1]])
    answer.confidence = confidence
    return result(case(id), outcome is Outcome.correct, answer=answer, outcome=outcome)


def test_outcomes_are_shown_per_band_of_confidence():
    results = [_scored("a", 1.0, Outcome.correct), _scored("b", 0.92, Outcome.wrong), _scored("c", 0.55, Outcome.declined),
               _scored("d", 0.1, Outcome.declined), _scored("e", 0.65, Outcome.correct)]
    bins = {(round(b.low, 1), round(b.high, 1)): (b.cases, b.correct, b.wrong) for b in summarize(results).bins}
    assert bins[(0.8, 1.0)] == (2, 1, 1)
    assert bins[(0.6, 0.8)] == (1, 1, 0)
    assert bins[(0.4, 0.6)] == (1, 0, 0) and bins[(0.0, 0.2)] == (1, 0, 0)
    report = markdown_report(summarize(results))
    assert "## Confidence and outcomes" in report and "| dev | 0.8–1.0 | 2 | 50.0% | 50.0% |" in report
