"""The narrative, chart suggestion and warnings, over compiled plans and hand-made result rows."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.narrative import band_text, benchmark_sentence, chart_suggestion, format_value, narrative
from assistant.viewer import Viewer
from assistant.warnings import broken_invariants, partial_period_warnings, sample_query, small_sample_warnings
from semantic_layer.catalog import default_catalog
from semantic_layer.compile import compile_query
from semantic_layer.model import Unit
from semantic_layer.periods import Period, calendar_period
from semantic_layer.query import DimensionFilter, SemanticQuery

Q3 = calendar_period("2025-Q3")


def plan(**fields):
    return compile_query(SemanticQuery(time_range=fields.pop("time_range", Q3), **fields)).plan


def test_a_number_sits_next_to_its_band_and_the_typical_benchmark():
    nrr = default_catalog().metrics["nrr"]
    assert benchmark_sentence(nrr, 104.3).startswith(" — healthy (100–110%); typical benchmark: best-in-class ≥ 120%")
    assert benchmark_sentence(nrr, 96.0).startswith(" — the base is shrinking (< 100%)")
    assert benchmark_sentence(default_catalog().metrics["mrr"], 5000) == ""


def test_a_months_churn_is_judged_against_annual_bands_once_compounded():
    churn = default_catalog().metrics["logo_churn_rate"]
    september, year = Period.months("2026-09"), Period.months("2025-01", "2025-12")
    # 1.3% a month is 1 − (1 − 0.013)^12 ≈ 14.5% a year: a systemic problem, not "best (< 5%)"
    assert benchmark_sentence(churn, 1.3, september).startswith(" — about 14.5% a year, systemic problem")
    assert benchmark_sentence(churn, 4.0, year).startswith(" — best (annual)")  # a year's rate is judged as it is
    assert churn.on_band_basis(6.4, 1) == pytest.approx(54.8, abs=0.1)  # the domain notes' 6.4% monthly ≈ 55% annual


@pytest.mark.parametrize(("value", "unit", "text"), [
    (104.26, Unit.percent, "104.3%"), (1234567.8, Unit.currency, "$1,234,568"), (42.5, Unit.currency, "$42.50"),
    (0.4234, Unit.ratio, "0.42"), (1500, Unit.count, "1,500"), (23.04, Unit.days, "23.0 days"), (1, Unit.days, "1 day"), (55.0, Unit.days, "55 days"), (None, Unit.score, "–"),
])
def test_values_are_written_as_a_reader_expects(value, unit, text):
    assert format_value(value, unit) == text


def test_band_with_one_open_bound():
    grr = default_catalog().metrics["grr"]
    assert [band_text(b, grr.unit) for b in grr.benchmarks] == ["best (≥ 95%)", "healthy (90–95%)", "red flag (< 85%)"]


def test_single_number_narrative_names_period_scope_and_filters():
    p = plan(metrics=["nrr"], filters=[DimensionFilter(dimension="region", values=["EMEA"])])
    text = narrative(p, ["period_start", "period_end", "nrr"], [[Q3.start, Q3.end, 104.3]], Viewer.csm("C1"))
    assert text.startswith("Net revenue retention 104.3% — healthy (100–110%)")
    assert "Q3 2025, your book of accounts only" in text and "Region = EMEA" in text


def test_an_account_list_says_why_each_account_is_there():
    p = compile_query(SemanticQuery(metrics=["health_score"], time_range=Q3, dimensions=["account_name"],
                                    metric_filters=[{"metric": "health_score", "op": "<", "value": 50}])).plan
    rows = [[Q3.start, Q3.end, "Acme Corp", 41.0], [Q3.start, Q3.end, "Globex", 47.5]]
    text = narrative(p, ["period_start", "period_end", "account_name", "health_score"], rows, Viewer.leader())
    assert "2 rows by account" in text and "Acme Corp: Health score 41.0" in text
    assert "listed because it meets Health score < 50" in text


@pytest.mark.parametrize(("fields", "chart"), [
    ({"metrics": ["nrr"]}, None),
    ({"metrics": ["nrr"], "dimensions": ["segment"]}, {"kind": "bar", "x": "segment", "y": ["nrr"], "series": None}),
    ({"metrics": ["nrr", "grr"], "grain": "month", "dimensions": ["segment"]},
     {"kind": "line", "x": "period_start", "y": ["nrr", "grr"], "series": "segment"}),
])
def test_chart_suggestion(fields, chart):
    assert chart_suggestion(plan(**fields)) == chart


def test_a_list_charts_what_it_compares_not_the_flag_that_put_each_row_there():
    flagged = compile_query(SemanticQuery(metrics=["health_risk_accounts", "health_score"], time_range=Q3,
                                          dimensions=["account_name"])).plan
    assert chart_suggestion(flagged, rows=12) == {"kind": "bar", "x": "account_name", "y": ["health_score"],
                                                  "series": None}
    assert chart_suggestion(flagged, rows=257) is None  # 257 bars cannot be read
    only_flag = compile_query(SemanticQuery(metrics=["health_risk_accounts"], time_range=Q3,
                                            dimensions=["account_name"])).plan
    assert chart_suggestion(only_flag, rows=12) is None


def test_a_breakdown_in_words_names_its_largest_groups_and_its_smallest():
    p = compile_query(SemanticQuery(metrics=["open_tickets"], time_range=Q3, dimensions=["ticket_category"])).plan
    rows = [[Q3.start, Q3.end, c, n] for c, n in [("access", 130), ("billing", 151), ("bug", 466), ("how-to", 403),
                                                   ("integration", 321)]]
    text = narrative(p, ["period_start", "period_end", "ticket_category", "open_tickets"], rows, Viewer.leader())
    assert "bug: Open tickets 466. how-to: Open tickets 403. access: Open tickets 130." in text
    assert "integration" not in text and "billing" not in text


def test_grr_above_100_is_a_bug_not_an_answer():
    p = plan(metrics=["grr", "nrr"])
    problems = broken_invariants(p, ["period_start", "period_end", "grr", "nrr"], [[Q3.start, Q3.end, 100.4, 104.0]])
    assert problems == ["Gross revenue retention came out above 100 (100.4), which its definition rules out"]


def test_dau_above_mau_is_a_bug():
    p = plan(metrics=["dau", "mau"], time_range=Period.months("2025-07"))
    assert broken_invariants(p, ["period_start", "period_end", "dau", "mau"], [[None, None, 900, 800]]) == [
        "DAU came out above MAU, which cannot happen"]


def test_dau_above_wau_is_a_bug_within_a_week_but_not_over_a_month():
    from datetime import date
    week, month = (date(2026, 10, 19), date(2026, 10, 25)), (date(2026, 10, 1), date(2026, 10, 31))
    p = plan(metrics=["dau", "wau"], dimensions=["account_name"])
    columns = ["period_start", "period_end", "account_name", "dau", "wau"]
    # an account whose only user was active on October 1st: a month's average DAU of 1/31, nobody in the last 7 days
    assert broken_invariants(p, columns, [[*month, "Quiet Co", 1 / 31, 0]]) == []
    assert broken_invariants(p, columns, [[*week, "Quiet Co", 1 / 7, 0]]) == ["DAU came out above WAU, which cannot happen"]


def test_a_share_outside_0_to_100_is_a_bug_and_a_good_result_is_not():
    p = plan(metrics=["csat"])
    assert broken_invariants(p, ["period_start", "period_end", "csat"], [[None, None, 101.0]])
    assert broken_invariants(p, ["period_start", "period_end", "csat"], [[None, None, -1.0]])
    assert broken_invariants(p, ["period_start", "period_end", "csat"], [[None, None, 84.0]]) == []


def test_small_samples_are_read_from_the_rate_denominator():
    p = plan(metrics=["nps", "csat", "mrr"], dimensions=["segment"])
    query, names = sample_query(p, compile_query(p.query).tree)
    assert names == ["nps", "csat"]
    assert "MIN(nps__denominator)" in query.sql() and query.sql().startswith("WITH")
    assert small_sample_warnings(p, names, [12, 30]) == [
        "Small sample: Net promoter score rests on only 12 responses or records in at least one row (fewer than 30); "
        "treat it as a signal, not a measurement."]


def test_partial_period_only_when_the_period_runs_past_as_of():
    q4 = plan(metrics=["ticket_volume"], time_range=calendar_period("2026-Q4"))
    assert partial_period_warnings(q4, date(2026, 10, 31)) == [
        "Partial period: Q4 2026 is not complete; the data runs to 2026-10-31."]
    assert partial_period_warnings(q4, date(2026, 12, 31)) == []


def test_a_period_ahead_of_the_data_is_what_was_scheduled_for_contract_terms():
    q1 = plan(metrics=["arr_up_for_renewal"], time_range=calendar_period("2027-Q1"))
    assert partial_period_warnings(q1, date(2026, 10, 31)) == [
        "Scheduled, not final: Q1 2027 runs past the data's last day (2026-10-31); this is what was scheduled for it "
        "on that day."]


def test_a_metric_with_its_own_filter_says_so():
    from semantic_layer.query import MetricRef

    urgent = MetricRef(name="open_tickets", alias="open_tickets__urgent",
                       filters=[DimensionFilter(dimension="ticket_priority", values=["urgent"])])
    p = plan(metrics=["mau", urgent], time_range=Period.months("2025-07"))
    text = narrative(p, ["period_start", "period_end", "mau", "open_tickets__urgent"], [[None, None, 10, 2]],
                     Viewer.leader())
    assert "Open tickets (ticket priority urgent) 2" in text


def test_a_why_answer_names_the_parts_that_moved_most():
    p = plan(metrics=["health_score", "usage_score", "support_score", "payment_score"], compare="previous_period",
             time_range=Period.months("2025-07"))
    columns = ["period_start", "period_end"]
    row = [None, None]
    for name, now, before in (("health_score", 60, 70), ("usage_score", 30, 46), ("support_score", 63, 78),
                              ("payment_score", 100, 97)):
        columns += [name, f"{name}__previous", f"{name}__change", f"{name}__change_pct"]
        row += [now, before, now - before, None]
    text = narrative(p, columns, [row], Viewer.leader())
    assert ("Moved most: Usage score -16.0 (-6.4 points of Health score), Support score -15.0 (-3.0 points of Health "
            "score), Payment score +3.0 (+0.3 points of Health score).") in text


def test_the_parts_that_pulled_a_drop_come_first_by_their_weight_not_the_largest_raw_move():
    p = plan(metrics=["health_score", "usage_score", "support_score", "payment_score"], compare="previous_period",
             time_range=Period.months("2026-10"))
    columns, row = ["period_start", "period_end"], [None, None]
    # the demo's Calosys Water: payment +60 raw is +6 points of health; support -58 raw is -11.6, usage -13 is -5.2
    for name, now, before in (("health_score", 54.3, 66.0), ("usage_score", 32.6, 45.6), ("support_score", 26.0, 84.0),
                              ("payment_score", 100.0, 40.0)):
        columns += [name, f"{name}__previous", f"{name}__change", f"{name}__change_pct"]
        row += [now, before, now - before, None]
    text = narrative(p, columns, [row], Viewer.leader())
    assert "Moved most: Support score -58.0 (-11.6 points of Health score), Usage score -13.0 (-5.2 points" in text


def test_a_trend_by_segment_reads_the_latest_period_its_band_and_the_segment_that_departs():
    q4, q1, q3 = calendar_period("2025-Q4"), calendar_period("2026-Q1"), calendar_period("2026-Q3")
    p = compile_query(SemanticQuery(metrics=["nrr"], time_range=Period(q4.start, q3.end), grain="quarter",
                                    dimensions=["segment"])).plan
    rows = [[q4.start, q4.end, "Enterprise", 101.2], [q4.start, q4.end, "Mid-Market", 101.4], [q4.start, q4.end, "SMB", 100.6],
            [q1.start, q1.end, "Enterprise", 102.0], [q1.start, q1.end, "Mid-Market", 103.0], [q1.start, q1.end, "SMB", 100.4],
            [q3.start, q3.end, "Enterprise", 100.8], [q3.start, q3.end, "Mid-Market", 95.5], [q3.start, q3.end, "SMB", 102.2]]
    text = narrative(p, ["period_start", "period_end", "segment", "nrr"], rows, Viewer.leader())
    assert "In Q3 2026: Enterprise Net revenue retention 100.8% — healthy (100–110%), down from 101.2% in Q4 2025 (high 102.0% in Q1 2026)" in text
    assert "Mid-Market Net revenue retention 95.5% — the base is shrinking (< 100%), down from 101.4% in Q4 2025 (high 103.0% in Q1 2026)" in text
    assert "Mid-Market departs from the rest on Net revenue retention (95.5% against 100.8%–102.2% elsewhere)" in text
    assert "Is it healthy? Not everywhere: Mid-Market Net revenue retention 95.5% short of the typical healthy band." in text


def test_a_healthy_trend_says_so_and_a_value_between_bands_is_placed():
    months = [calendar_period("2026-08"), calendar_period("2026-09")]
    p = compile_query(SemanticQuery(metrics=["grr"], time_range=Period(months[0].start, months[1].end), grain="month")).plan
    text = narrative(p, ["period_start", "period_end", "grr"], [[m.start, m.end, v] for m, v in zip(months, [91.0, 92.5])],
                     Viewer.leader())
    assert "In September 2026: Gross revenue retention 92.5% — healthy (90–95%), up from 91.0% in August 2026." in text
    assert "Is it healthy? Yes" in text
    between = narrative(p, ["period_start", "period_end", "grr"], [[m.start, m.end, v] for m, v in zip(months, [91.0, 87.0])],
                        Viewer.leader())
    assert "87.0% — between red flag (< 85%) and healthy (90–95%)" in between
    assert "Not everywhere: Gross revenue retention 87.0%" in between


def test_a_breakdown_names_the_group_in_a_worse_band_than_every_other():
    span = Period(date(2025, 1, 1), date(2025, 12, 31))
    p = compile_query(SemanticQuery(metrics=["cohort_ttv_median_days"], time_range=span, dimensions=["signup_cohort"])).plan
    cohorts = [date(2025, 1, 1), date(2025, 4, 1), date(2025, 7, 1), date(2025, 10, 1)]
    rows = [[span.start, span.end, c, v] for c, v in zip(cohorts, [28.0, 55.0, 25.0, 30.0])]
    text = narrative(p, ["period_start", "period_end", "signup_cohort", "cohort_ttv_median_days"], rows, Viewer.leader())
    assert "Q2 2025 (signup cohort) departs from the rest on Cohort time to value (55 days against 25 days–30 days elsewhere)." in text
    assert "Q3 2025 (signup cohort): Cohort time to value 25 days" in text  # cohorts named as people name quarters
    even = narrative(p, ["period_start", "period_end", "signup_cohort", "cohort_ttv_median_days"],
                     [[span.start, span.end, c, v] for c, v in zip(cohorts, [28.0, 29.0, 25.0, 30.0])], Viewer.leader())
    assert "departs" not in even


def test_an_account_list_of_a_definition_says_the_definition_instead_of_a_column_of_ones():
    p = compile_query(SemanticQuery(metrics=["expansion_ready_accounts", "health_score"], time_range=Q3,
                                    dimensions=["account_name"],
                                    metric_filters=[{"metric": "expansion_ready_accounts", "op": ">", "value": 0}])).plan
    text = narrative(p, ["period_start", "period_end", "account_name", "expansion_ready_accounts", "health_score"],
                     [[Q3.start, Q3.end, "Acme Corp", 1, 91.0]], Viewer.leader())
    assert "Acme Corp: Health score 91.0." in text and "Expansion-ready accounts 1" not in text
    assert "listed because it is one of the Expansion-ready accounts: accounts under contract at the end of P whose" in text


def test_a_long_account_list_sums_the_money_and_counts_who_got_worse():
    p = compile_query(SemanticQuery(metrics=["next_renewal_arr", "health_score"], time_range=Q3, dimensions=["account_name"],
                                    compare="previous_period")).plan
    columns = ["period_start", "period_end", "account_name", "next_renewal_arr", "health_score", "health_score__previous",
               "health_score__change", "health_score__change_pct"]
    rows = [[Q3.start, Q3.end, name, arr, health, health - change, change, None]
            for name, arr, health, change in [("A", 1000, 70, -5), ("B", 2500, 80, 3), ("C", 500, 60, -1), ("D", 0, 90, 0)]]
    text = narrative(p, columns, rows, Viewer.leader())
    assert "ARR at next renewal $4,000 in all; Health score worse than the period before for 2 of 4." in text


def test_the_one_book_that_moved_most_names_the_parts_that_moved_it():
    p = compile_query(SemanticQuery(metrics=["health_score", "usage_score", "support_score", "payment_score"],
                                    time_range=Q3, dimensions=["csm_name"], compare="previous_period", limit=1)).plan
    columns = ["period_start", "period_end", "csm_name"] + [f"{m}{s}" for m in ("health_score", "usage_score", "support_score",
               "payment_score") for s in ("", "__previous", "__change", "__change_pct")]
    row = [Q3.start, Q3.end, "Leila Johnson"]
    for value, change in [(59.4, -10.4), (29.4, -16.6), (63.4, -14.9), (100.0, 3.0)]:
        row += [value, value - change, change, None]
    text = narrative(p, columns, [row], Viewer.leader())
    assert text.endswith("Moved most: Usage score -16.6 (-6.6 points of Health score), Support score -14.9 (-3.0 points "
                         "of Health score), Payment score +3.0 (+0.3 points of Health score).")


def test_a_months_churn_is_judged_healthy_or_not_on_the_same_annual_basis_as_its_band():
    months = [calendar_period("2026-09"), calendar_period("2026-10")]
    p = compile_query(SemanticQuery(metrics=["logo_churn_rate"], time_range=Period(months[0].start, months[1].end),
                                    grain="month")).plan
    # 1.5% a month compounds to about 16.6% a year: the systemic band, so not healthy
    text = narrative(p, ["period_start", "period_end", "logo_churn_rate"],
                     [[m.start, m.end, v] for m, v in zip(months, [1.2, 1.5])], Viewer.leader())
    assert "systemic" in text and "Is it healthy? Not everywhere" in text and "Is it healthy? Yes" not in text
