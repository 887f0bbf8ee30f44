"""The comparator: an injective column mapping under which the rows agree as a multiset (or in order)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from evals.compare import Tolerance, cells_equal, compare_status, compare_tables


def test_extra_answer_columns_and_other_names_are_fine():
    verdict = compare_tables(["segment", "nrr"], [("SMB", 102.2), ("Enterprise", 100.8)],
                             ["period_start", "period_end", "segment", "nrr"],
                             [[dt.date(2026, 7, 1), dt.date(2026, 9, 30), "Enterprise", 100.8],
                              [dt.date(2026, 7, 1), dt.date(2026, 9, 30), "SMB", 102.2]])
    assert verdict.passed
    assert verdict.mapping == (2, 3)


def test_row_order_is_ignored_unless_the_case_orders():
    expected = [("a", 1), ("b", 2)]
    answer = [["b", 2], ["a", 1]]
    assert compare_tables(["x", "y"], expected, ["x", "y"], answer).passed
    verdict = compare_tables(["x", "y"], expected, ["x", "y"], answer, ordered=True)
    assert not verdict.passed
    assert "in order" in verdict.reason


def test_an_extra_or_a_missing_row_fails():
    expected = [("a", 1), ("b", 2)]
    assert not compare_tables(["x", "y"], expected, ["x", "y"], [["a", 1], ["b", 2], ["c", 3]]).passed
    assert "expected 2 row(s), the answer has 1" == compare_tables(["x", "y"], expected, ["x", "y"], [["a", 1]]).reason


def test_rows_are_a_multiset_duplicates_count():
    assert not compare_tables(["x"], [("a",), ("a",), ("b",)], ["x"], [["a"], ["b"], ["b"]]).passed
    assert compare_tables(["x"], [("a",), ("a",), ("b",)], ["x"], [["a"], ["b"], ["a"]]).passed


def test_numbers_within_the_default_tolerance():
    assert cells_equal(104.3, 104.309)
    assert not cells_equal(104.3, 104.32)
    assert cells_equal(Decimal("3978648.50"), 3978648.5)
    assert cells_equal(1e12, 1e12 + 100)  # relative 1e-10: within rel 1e-6
    assert not cells_equal(1e6, 1e6 + 5)  # 5 apart is beyond abs 0.01 and rel 1e-6
    assert cells_equal(27, 27.0)


def test_a_case_tolerance_widens_the_check():
    assert compare_tables(["v"], [(10.0,)], ["v"], [[10.4]], tolerance=Tolerance(abs_tol=0.5)).passed
    assert not compare_tables(["v"], [(10.0,)], ["v"], [[10.4]]).passed


def test_dates_compare_as_days_whatever_their_type():
    assert cells_equal(dt.date(2026, 7, 1), dt.datetime(2026, 7, 1))
    assert cells_equal(dt.datetime(2026, 7, 1), "2026-07-01")
    assert not cells_equal(dt.date(2026, 7, 1), dt.date(2026, 7, 2))
    assert not cells_equal(dt.datetime(2026, 7, 1, 12), dt.date(2026, 7, 1))


def test_null_equals_only_null():
    assert cells_equal(None, None)
    assert not cells_equal(None, 0)
    assert not cells_equal("", None)
    assert compare_tables(["team", "nrr"], [(None, 99.0)], ["team", "nrr"], [[None, 99.0]]).passed


def test_booleans_are_not_numbers():
    assert not cells_equal(True, 1)


def test_the_mapping_is_injective():
    # Both expected columns hold 5; the answer has one such column, so one expected column stays unmapped.
    verdict = compare_tables(["a", "b"], [(5, 5)], ["v", "w"], [[5, 7]])
    assert not verdict.passed
    assert "b" in verdict.reason


def test_columns_with_the_same_values_are_told_apart_by_rows():
    # Each answer column holds {1, 2} but only one pairing gives the expected rows.
    expected = [("x", 1), ("y", 2)]
    answer = [["x", 2, 1], ["y", 1, 2]]
    verdict = compare_tables(["k", "v"], expected, ["k", "p", "q"], answer)
    assert verdict.passed and verdict.mapping == (0, 2)


def test_fewer_answer_columns_than_expected_fails():
    assert not compare_tables(["a", "b"], [(1, 2)], ["a"], [[1]]).passed


def test_no_rows_on_both_sides_passes():
    assert compare_tables(["a"], [], ["whatever"], []).passed


def test_values_near_a_rounding_edge_still_pair_up():
    expected = [("a", 1.049), ("b", 1.051)]
    answer = [["b", 1.0505], ["a", 1.0495]]  # coarse keys put them in another order
    assert compare_tables(["k", "v"], expected, ["k", "v"], answer).passed


def test_values_within_tolerance_of_several_others_are_paired_as_a_whole():
    # 0.8827 is within 0.01 of both 0.8740 and 0.8844: a greedy pairing takes the wrong one and strands 0.8740
    expected = [("EMEA", 0.8827), ("LATAM", 0.8844), ("APAC", 0.8740), ("NA", 0.8570)]
    answer = [["APAC", 0.8740], ["EMEA", 0.8827], ["LATAM", 0.8844], ["NA", 0.8570]]
    assert compare_tables(["region", "v"], expected, ["region", "v"], answer).passed
    assert compare_tables(["v"], [(v,) for _, v in expected], ["v"], [[v] for _, v in answer]).passed
    assert not compare_tables(["v"], [(0.8827,), (0.8740,)], ["v"], [[0.8827], [0.8600]]).passed


def test_rows_tied_on_every_number_may_come_in_either_order_when_order_matters():
    expected = [("Ulis", 41), ("Wila", 24), ("Lina", 24)]
    assert compare_tables(["n", "v"], expected, ["n", "v"], [["Ulis", 41], ["Lina", 24], ["Wila", 24]], ordered=True).passed
    assert not compare_tables(["n", "v"], expected, ["n", "v"], [["Lina", 24], ["Ulis", 41], ["Wila", 24]],
                              ordered=True).passed


def test_status_cases_compare_statuses():
    assert compare_status("clarify", "clarify").passed
    verdict = compare_status("unanswerable", "answered")
    assert not verdict.passed and verdict.reason == "expected status unanswerable, the answer's status is answered"


def test_a_declared_percentage_also_matches_its_fraction():
    expected = [("Acme", 0.853), ("Globex", 0.41)]
    answer = [["Acme", 85.3], ["Globex", 41.0]]
    assert compare_tables(["name", "utilization"], expected, ["account_name", "seat_utilization"], answer,
                          percent_columns=[1]).passed
    assert not compare_tables(["name", "utilization"], expected, ["account_name", "seat_utilization"], answer).passed
    # a column not declared a percentage is never rescaled
    assert not compare_tables(["name", "n"], expected, ["account_name", "mau"], answer, percent_columns=[]).passed
