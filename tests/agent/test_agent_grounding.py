"""Grounding: a number in the model's text must be one a tool returned, at the precision written."""

from __future__ import annotations

import pytest

from assistant.agent.grounding import grounding_warning, stated_numbers, ungrounded

RESULT = {"columns": ["segment", "nrr"], "rows": [["Enterprise", 104.23], ["SMB", 97.5]], "row_count": 2}


@pytest.mark.parametrize("text", [
    "Enterprise NRR was 104.23%.",
    "Enterprise NRR was 104.2%.",  # rounded as written
    "Enterprise NRR was 104%.",
    "SMB fell to 97.5 and 2 segments were compared.",  # the row count is a returned value
    "SMB NRR was down -97.5 points.",  # signs are wording, not a different number
])
def test_numbers_that_a_tool_returned_are_grounded(text):
    assert ungrounded(text, [RESULT]) == []


@pytest.mark.parametrize("text, invented", [
    ("Enterprise NRR was 104.3%.", ["104.3%"]),  # wrong at the precision written
    ("Enterprise NRR was 112% and SMB 97.5.", ["112%"]),
    ("NRR averaged 100.87 across segments.", ["100.87"]),  # computed by the model, not returned
])
def test_invented_numbers_are_listed_as_written(text, invented):
    assert ungrounded(text, [RESULT]) == invented


def test_scaled_and_percentage_forms_match_the_raw_value():
    rows = {"rows": [[1_203_400.0, 0.42, 7480]]}
    assert ungrounded("MRR is $1.2M, utilisation 42%, and 7.5k events.", [rows]) == []
    assert ungrounded("MRR is $1.3M.", [rows]) == ["$1.3M"]


def test_dates_years_and_labels_are_not_quantities():
    assert stated_numbers("From 2025-07-01 to 2025-09-30 (Q3 2025), as of 2026.") == []


def test_numbers_in_the_question_and_in_returned_text_count_as_sources():
    sources = ["Which accounts renew in the next 90 days?", {"benchmark": "best-in-class ≥ 120; healthy 100–110"}]
    assert ungrounded("3 of them, none in the 90 days; healthy is 100 to 110, best 120%.", sources) == ["3"]


def test_a_comma_grouped_number_is_one_quantity():
    assert [s.value for s in stated_numbers("22,200.50 across 1,500 accounts")] == [22200.5, 1500.0]


def test_the_warning_names_each_invented_number_once():
    assert grounding_warning([]) is None
    warning = grounding_warning(["112%", "112%", "7"])
    assert "112%, 7," in warning and warning.count("112%") == 1
