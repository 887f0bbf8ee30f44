"""Loading and validating case files: every problem at once, with file and case id."""

from __future__ import annotations

import pytest

from assistant.viewer import Viewer
from evals.cases import CaseError, ExpectedStatus, Shape, load_cases, parse_cases, parse_viewer, select_cases

FAMILIES = {"revenue", "health"}


def write(folder, name, text):
    (folder / name).write_text(text, encoding="utf-8")


def test_a_valid_file_gives_cases_with_defaults_and_categories(tmp_path):
    write(tmp_path, "health.yaml", """
family: health
cases:
  - id: health-october
    question: avg health in october
    shape: single
    sql: SELECT 1
  - id: my-health
    question: and for my accounts?
    shape: single
    viewer: csm C005
    conversation: [avg health in october]
    domain: 7
    sql: SELECT 2
  - {id: churn, family: none, shape: ambiguous, status: clarify, question: "churn?"}
""")
    cases, issues = parse_cases(tmp_path, FAMILIES)
    assert issues == []
    first, second, third = cases
    assert (first.family, first.shape, first.viewer, first.ordered, first.tolerance) == (
        "health", Shape.single, Viewer.leader(), False, 0.01)
    assert second.viewer == Viewer.csm("C005")
    assert second.categories == ("health", "single", "follow-up", "rls", "seven-questions")
    assert third.status is ExpectedStatus.clarify and third.sql is None and third.categories == ("none", "ambiguous")


def test_every_problem_is_reported_with_file_and_id(tmp_path):
    write(tmp_path, "a.yaml", """
family: revenue
cases:
  - id: Bad_ID
    question: ""
    shape: pie
    sql: SELECT 1
    status: clarify
    colour: red
  - id: ok-one
    question: q
    shape: single
    viewer: manager
    family: marketing
    sql: SELECT 1
    tolerance: -1
    domain: 9
  - id: no-expectation
    question: q
    shape: single
    status: maybe
""")
    write(tmp_path, "b.yaml", "cases: [{id: ok-two, question: q, shape: single, family: health, sql: SELECT 1}]\n")
    write(tmp_path, "c.yaml", "cases: [{id: ok-two, question: q, shape: single, family: health, sql: SELECT 1}]\n")
    write(tmp_path, "d.yaml", "cases: [unclosed\n")
    _, issues = parse_cases(tmp_path, FAMILIES)
    lines = [i.line() for i in issues]
    expected_fragments = [
        "a.yaml: Bad_ID: id must be lower-case",
        "a.yaml: Bad_ID: unknown key(s) colour",
        "a.yaml: Bad_ID: question is missing or empty",
        "a.yaml: Bad_ID: shape 'pie' is not one of",
        "a.yaml: Bad_ID: give exactly one of sql",
        "a.yaml: ok-one: family 'marketing' is not a catalogue family",
        "a.yaml: ok-one: viewer 'manager' is not one of",
        "a.yaml: ok-one: tolerance must be a non-negative number",
        "a.yaml: ok-one: domain must be the number",
        "a.yaml: no-expectation: status 'maybe' is not one of clarify, unanswerable",
        "c.yaml: ok-two: duplicate id (also in b.yaml)",
        "d.yaml: -: not valid YAML",
    ]
    for fragment in expected_fragments:
        assert any(line.startswith(fragment) for line in lines), (fragment, lines)
    assert len(lines) == len(expected_fragments)


def test_load_cases_raises_with_every_issue(tmp_path):
    write(tmp_path, "x.yaml", "cases: [{id: a, question: q, shape: single, family: nope, sql: SELECT 1}]\n")
    with pytest.raises(CaseError) as raised:
        load_cases(tmp_path)
    assert [i.case_id for i in raised.value.issues] == ["a"]


def test_an_empty_folder_is_a_problem(tmp_path):
    _, issues = parse_cases(tmp_path, FAMILIES)
    assert issues and "no *.yaml case files" in issues[0].message


def test_viewers_are_written_as_words():
    assert parse_viewer("leader") == Viewer.leader()
    assert parse_viewer("analyst") == Viewer.analyst()
    assert parse_viewer("csm C012") == Viewer.csm("C012")
    for wrong in ("csm", "csm a b", "boss"):
        with pytest.raises(ValueError):
            parse_viewer(wrong)


def test_selecting_by_category_or_id(tmp_path):
    write(tmp_path, "x.yaml", """
cases:
  - {id: a, question: q, shape: single, family: revenue, sql: SELECT 1}
  - {id: b, question: q, shape: trend, family: health, sql: SELECT 1}
""")
    cases, _ = parse_cases(tmp_path, FAMILIES)
    assert [c.id for c in select_cases(cases, category="trend")] == ["b"]
    assert [c.id for c in select_cases(cases, case_id="a")] == ["a"]
    with pytest.raises(CaseError, match="categories: health, revenue, single, trend"):
        select_cases(cases, category="usage")


def test_a_question_cut_by_a_yaml_comment_is_a_problem(tmp_path):
    write(tmp_path, "a.yaml", """
family: health
cases:
  - id: cut
    question: renewal rate (by # of renewals) last quarter
    shape: single
    sql: SELECT 1
  - id: quoted
    question: "renewal rate (by # of renewals) last quarter"
    shape: single
    sql: SELECT 1
""")
    cases, issues = parse_cases(tmp_path, FAMILIES)
    assert [i.message for i in issues] == ["line 5: a ' #' starts a YAML comment and cuts the question; quote it"]
    assert [c.question for c in cases if c.id == "quoted"] == ["renewal rate (by # of renewals) last quarter"]
