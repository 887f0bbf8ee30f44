"""The narrative, chart suggestion and warnings, over compiled plans and hand-made result rows.

Expected texts are written out by hand from the rows (the sums, shares and weighted effects in comments)."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.formatting import format_value
from assistant.narrative import breakdown_outliers, chart_suggestion, comparison_name, narrative, row_reasons
from assistant.verdict import band_rank, band_text, benchmark_sentence, rankable
from assistant.viewer import Viewer
from assistant.warnings import broken_invariants, partial_period_warnings, small_sample_warnings
from semantic_layer.catalog import default_catalog
from semantic_layer.compile import compile_query
from semantic_layer.model import Unit
from semantic_layer.periods import Period, calendar_period
from semantic_layer.query import DimensionFilter, SemanticQuery

Q3 = calendar_period("2025-Q3")


def plan(**fields):
    return compile_query(SemanticQuery(time_range=fields.pop("time_range", Q3), **fields)).plan


def test_a_number_sits_next_to_its_band_and_the_typical_benchmark():
    nrr, year = default_catalog().metrics["nrr"], Period.months("2025-01", "2025-12")
    assert benchmark_sentence(nrr, 104.3, year).startswith(" — healthy (100–110% a year); typical benchmark: best-in-class ≥ 120%")
    assert benchmark_sentence(nrr, 96.0, year).startswith(" — the base is shrinking (< 100% a year)")
    assert benchmark_sentence(default_catalog().metrics["mrr"], 5000, year) == ""


def test_a_months_churn_is_judged_against_annual_bands_once_compounded():
    churn = default_catalog().metrics["logo_churn_rate"]
    september, year = Period.months("2026-09"), Period.months("2025-01", "2025-12")
    # 1.3% a month is 1 − (1 − 0.013)^12 ≈ 14.5% a year: a systemic problem, not "best (< 5%)"
    assert benchmark_sentence(churn, 1.3, september).startswith(" — ≈ 14.5% annualised: systemic problem (> 10% a year)")
    assert benchmark_sentence(churn, 4.0, year).startswith(" — best (< 5% a year)")  # a year's rate is judged as it is
    assert churn.on_band_basis(6.4, 1) == pytest.approx(54.8, abs=0.1)  # the domain notes' 6.4% monthly ≈ 55% annual


@pytest.mark.parametrize(("value", "unit", "text"), [
    (104.26, Unit.percent, "104.3%"), (1234567.8, Unit.currency, "$1,234,568"), (42.5, Unit.currency, "$42.50"),
    (0.4234, Unit.ratio, "0.42"), (1500, Unit.count, "1,500"), (23.04, Unit.days, "23.0 days"), (1, Unit.days, "1 day"), (55.0, Unit.days, "55 days"), (None, Unit.score, "–"),
])
def test_values_are_written_as_a_reader_expects(value, unit, text):
    assert format_value(value, unit) == text


def test_band_with_one_open_bound():
    grr = default_catalog().metrics["grr"]
    assert [band_text(b, grr) for b in grr.benchmarks] == ["best (≥ 95% a year)", "healthy (90–95% a year)",
                                                          "red flag (< 85% a year)"]


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
    assert [output for output, _ in compile_query(p.query).samples] == ["nps", "csat"]
    assert small_sample_warnings(p, {"nps": 12, "csat": 30}) == [
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


# --- the narrative: a headline, then at most three short lines --------------------------------

def lines_of(text: str) -> list[str]:
    return text.split("\n")


def test_a_single_number_is_a_headline_with_its_verdict_then_the_benchmark_and_the_scope():
    p = plan(metrics=["nrr"], filters=[DimensionFilter(dimension="region", values=["EMEA"])])
    text = narrative(p, ["period_start", "period_end", "nrr"], [[Q3.start, Q3.end, 104.3]], Viewer.csm("C1"))
    headline, *rest = lines_of(text)
    # a quarter's 104.3% kept is 1.043^4 ≈ 118.3% a year: past healthy, short of best-in-class
    assert headline == ("Net revenue retention 104.3% in Q3 2025 — ≈ 118.3% annualised: between healthy (100–110% a year) "
                        "and best-in-class (≥ 120% a year).")
    assert rest == ["Typical benchmark: best-in-class ≥ 120%; healthy 100–110%; below 100% the base is shrinking.",
                    "Counted over your book of accounts only (row-level security) where region is EMEA."]


def test_a_number_compared_with_a_year_earlier_says_so():
    p = plan(metrics=["mrr"], time_range=Period.months("2026-10"), compare="same_period_last_year")
    text = narrative(p, ["period_start", "period_end", "mrr", "mrr__previous", "mrr__change", "mrr__change_pct"],
                     [[None, None, 3978648.0, 2750000.0, 1228648.0, 44.7]], Viewer.leader())
    assert lines_of(text)[0] == "MRR $3,978,648 in October 2026, up from $2,750,000 a year earlier."
    assert "period before" not in text


@pytest.mark.parametrize(("compare", "compare_with", "named"), [
    ("previous_period", None, "the month before"),
    ("same_period_last_year", None, "a year earlier"),
    ("other_period", Period(date(2026, 9, 7), date(2026, 10, 4)), "4 weeks earlier"),
    ("other_period", Period.months("2026-07"), "3 months earlier"),
])
def test_a_comparison_is_named_for_what_it_is(compare, compare_with, named):
    time_range = Period.months("2026-10") if compare_with is None or compare_with.is_whole_months \
        else Period(date(2026, 10, 5), date(2026, 11, 1))
    p = plan(metrics=["open_tickets"], time_range=time_range, compare=compare, compare_with=compare_with)
    assert comparison_name(p) == named
    text = narrative(p, ["period_start", "period_end", "open_tickets", "open_tickets__previous", "open_tickets__change",
                         "open_tickets__change_pct"], [[None, None, 40, 52, -12, -23.1]], Viewer.leader())
    assert f"down from 52 {named}" in text


def test_no_change_is_said_in_words_never_as_plus_zero():
    p = plan(metrics=["open_tickets"], time_range=Period.months("2026-10"), compare="previous_period")
    text = narrative(p, ["period_start", "period_end", "open_tickets", "open_tickets__previous", "open_tickets__change",
                         "open_tickets__change_pct"], [[None, None, 7, 7, 0, 0.0]], Viewer.leader())
    assert lines_of(text)[0] == "Open tickets 7 at the end of October 2026, no change on the month before."
    assert "+0" not in text and "0.0" not in text


def test_a_weekly_figure_over_a_month_is_said_for_its_own_window():
    p = plan(metrics=["wau"], time_range=Period.months("2026-10"))
    text = narrative(p, ["period_start", "period_end", "wau"], [[None, None, 32367]], Viewer.leader())
    assert text == "WAU 32,367 in the week to 2026-10-31."  # the last 7 days of October, not "October 2026"


def region_rows(values):
    return [[Q3.start, Q3.end, region, v] for region, v in values.items()]


def test_a_breakdown_names_its_largest_group_first_not_the_first_alphabetically():
    p = plan(metrics=["mrr"], dimensions=["region"])
    rows = region_rows({"APAC": 597_358, "EMEA": 989_018, "LATAM": 331_769, "North America": 1_893_477})
    text = narrative(p, ["period_start", "period_end", "region", "mrr"], rows, Viewer.leader())
    headline, *rest = lines_of(text)
    # 1,893,477 of 3,811,622 = 49.7%
    assert headline == "North America has the most MRR in Q3 2025: $1,893,477, 49.7% of $3,811,622 in all."
    assert rest == ["Then EMEA $989,018, APAC $597,358; smallest LATAM $331,769."]


def test_a_breakdown_compared_with_a_year_earlier_names_it_and_gives_each_groups_change():
    p = plan(metrics=["mrr"], dimensions=["segment"], compare="same_period_last_year")
    columns = ["period_start", "period_end", "segment", "mrr", "mrr__previous", "mrr__change", "mrr__change_pct"]
    rows = [[Q3.start, Q3.end, "Enterprise", 2_565_432, 1_771_742, 793_690, 44.8],
            [Q3.start, Q3.end, "Mid-Market", 1_196_660, 819_994, 376_666, 45.9],
            [Q3.start, Q3.end, "SMB", 216_557, 216_557, 0, 0.0]]
    text = narrative(p, columns, rows, Viewer.leader())
    assert "Against a year earlier: Enterprise +$793,690 (+44.8%), Mid-Market +$376,666 (+45.9%)." in text
    assert "SMB +" not in text and "the period before" not in text


def test_a_breakdown_headline_is_the_group_in_a_worse_band_than_every_other():
    p = plan(metrics=["health_score"], dimensions=["segment"])
    rows = [[Q3.start, Q3.end, s, v] for s, v in zip(["Enterprise", "Mid-Market", "SMB"], [82.0, 45.0, 81.0])]
    text = narrative(p, ["period_start", "period_end", "segment", "health_score"], rows, Viewer.leader())
    assert lines_of(text)[0] == ("Mid-Market stands out on health score in the week to 2025-09-30: 45.0 (red), "
                                 "against 81.0–82.0 elsewhere.")
    assert lines_of(text)[1] == "Then Enterprise 82.0 (green) and SMB 81.0 (green)."
    assert breakdown_outliers(p, rows, {"period_start": 0, "period_end": 1, "segment": 2, "health_score": 3}) == [
        "Mid-Market departs from the rest on Health score (45.0 against 81.0–82.0 elsewhere)."]
    level = narrative(p, ["period_start", "period_end", "segment", "health_score"],
                      [[Q3.start, Q3.end, s, v] for s, v in zip(["Enterprise", "Mid-Market", "SMB"], [82.0, 85.0, 81.0])],
                      Viewer.leader())
    assert level.startswith("Mid-Market has the highest health score") and "stands out" not in level


def test_groups_in_one_band_get_it_said_once():
    p = plan(metrics=["nps"], dimensions=["region"])
    rows = region_rows({"APAC": 22.9, "EMEA": 25.8, "LATAM": 28.5, "North America": 27.2})
    text = narrative(p, ["period_start", "period_end", "region", "nps"], rows, Viewer.leader())
    assert lines_of(text)[1] == "Then North America 27.2, EMEA 25.8; smallest APAC 22.9 — all a relationship problem."


def test_cohorts_are_named_as_quarters_and_a_median_alone_is_not_banded():
    span = Period(date(2025, 1, 1), date(2025, 12, 31))
    p = compile_query(SemanticQuery(metrics=["cohort_ttv_median_days"], time_range=span, dimensions=["signup_cohort"])).plan
    cohorts = [date(2025, 1, 1), date(2025, 4, 1), date(2025, 7, 1), date(2025, 10, 1)]
    rows = [[span.start, span.end, c, v] for c, v in zip(cohorts, [28.0, 55.0, 25.0, 30.0])]
    text = narrative(p, ["period_start", "period_end", "signup_cohort", "cohort_ttv_median_days"], rows, Viewer.leader())
    assert lines_of(text) == ["Q2 2025 signup cohort has the highest cohort time to value in 2025: 55 days.",
                              "Then Q4 2025 30 days, Q1 2025 28 days; smallest Q3 2025 25 days."]
    # TTV's bands judge each account's days (the shares over 30/60/90 days), so a median alone gets no band
    assert "best" not in text and "acceptable" not in text


def nrr_by_segment_rows():
    q4, q1, q3 = calendar_period("2025-Q4"), calendar_period("2026-Q1"), calendar_period("2026-Q3")
    return (Period(q4.start, q3.end),
            [[q4.start, q4.end, "Enterprise", 101.2, 98.2], [q4.start, q4.end, "Mid-Market", 101.4, 98.9],
             [q4.start, q4.end, "SMB", 100.6, 96.7], [q1.start, q1.end, "Enterprise", 102.0, 98.5],
             [q1.start, q1.end, "Mid-Market", 103.0, 99.7], [q1.start, q1.end, "SMB", 100.4, 96.0],
             [q3.start, q3.end, "Enterprise", 100.8, 99.6], [q3.start, q3.end, "Mid-Market", 95.5, 92.8],
             [q3.start, q3.end, "SMB", 102.2, 99.4]])


def test_a_trend_by_segment_answers_is_it_healthy_in_its_headline_then_one_line_per_metric():
    span, rows = nrr_by_segment_rows()
    p = compile_query(SemanticQuery(metrics=["nrr", "grr"], time_range=span, grain="quarter", dimensions=["segment"])).plan
    text = narrative(p, ["period_start", "period_end", "segment", "nrr", "grr"], rows, Viewer.leader())
    headline, *rest = lines_of(text)
    # quarters compound to a year: 0.955^4 ≈ 83.2%; 0.928^4 ≈ 74.2% (GRR red flag), 0.994^4 ≈ 97.6% (best)
    assert headline.startswith("Not everywhere healthy in Q3 2026: Mid-Market net revenue retention 95.5% — ≈ 83.2% "
                               "annualised: the base is shrinking")
    assert "Mid-Market gross revenue retention 92.8% — ≈ 74.2% annualised: red flag" in headline
    assert len(rest) <= 3
    # largest first, each with where it started
    assert rest[0].startswith("Net revenue retention, Q3 2026: SMB 102.2% (healthy; up from 100.6% in Q4 2025), "
                              "Enterprise 100.8% (healthy; down from 101.2% in Q4 2025), Mid-Market 95.5%")
    assert rest[1].startswith("Gross revenue retention, Q3 2026: Enterprise 99.6% (best; up from 98.2% in Q4 2025), "
                              "SMB 99.4%")


def test_a_trend_of_one_series_is_its_latest_value_verdict_and_change():
    months = [calendar_period("2026-08"), calendar_period("2026-09")]
    p = compile_query(SemanticQuery(metrics=["grr"], time_range=Period(months[0].start, months[1].end), grain="month")).plan
    # a month's GRR compounds to a year: 0.995^12 ≈ 94.2% (healthy), 0.989^12 ≈ 87.6% (between the bands)
    text = narrative(p, ["period_start", "period_end", "grr"], [[m.start, m.end, v] for m, v in zip(months, [99.2, 99.5])],
                     Viewer.leader())
    assert text == ("Gross revenue retention 99.5% in September 2026 — ≈ 94.2% annualised: healthy (90–95% a year), "
                    "up from 99.2% in August 2026.")
    between = narrative(p, ["period_start", "period_end", "grr"], [[m.start, m.end, v] for m, v in zip(months, [99.2, 98.9])],
                        Viewer.leader())
    assert "98.9% in September 2026 — ≈ 87.6% annualised: between red flag (< 85% a year) and healthy (90–95% a year)" \
        in between


def test_a_months_churn_is_judged_healthy_or_not_on_the_same_annual_basis_as_its_band():
    months = [calendar_period("2026-09"), calendar_period("2026-10")]
    p = compile_query(SemanticQuery(metrics=["logo_churn_rate", "revenue_churn_rate"],
                                    time_range=Period(months[0].start, months[1].end), grain="month")).plan
    # 1.5% a month compounds to 1 − 0.985^12 ≈ 16.6% a year: the systemic band, so not healthy
    text = narrative(p, ["period_start", "period_end", "logo_churn_rate", "revenue_churn_rate"],
                     [[m.start, m.end, v, 1.0] for m, v in zip(months, [1.2, 1.5])], Viewer.leader())
    assert text.startswith("Not everywhere healthy in October 2026: logo churn rate 1.5% — ≈ 16.6% annualised: systemic")


def test_an_account_list_headline_says_what_put_them_there_and_names_the_first_with_their_values():
    p = compile_query(SemanticQuery(metrics=["health_score"], time_range=Q3, dimensions=["account_name"],
                                    metric_filters=[{"metric": "health_score", "op": "<", "value": 50}],
                                    order_by=[{"field": "health_score"}])).plan
    rows = [[Q3.start, Q3.end, "Acme Corp", 41.0], [Q3.start, Q3.end, "Globex", 47.5]]
    text = narrative(p, ["period_start", "period_end", "account_name", "health_score"], rows, Viewer.leader())
    assert lines_of(text) == ["2 accounts have health score below 50.0 in the week to 2025-09-30.",
                              "First: Acme Corp — health score 41.0 (red); Globex — health score 47.5 (red)."]
    assert row_reasons(p, ["period_start", "period_end", "account_name", "health_score"], rows) == [
        "health score 41.0 (red)", "health score 47.5 (red)"]


def test_an_account_list_of_a_definition_gives_the_evidence_not_a_column_of_ones():
    p = compile_query(SemanticQuery(metrics=["expansion_ready_accounts", "seat_utilization", "health_score"],
                                    time_range=Q3, dimensions=["account_name"],
                                    metric_filters=[{"metric": "expansion_ready_accounts", "op": ">", "value": 0}])).plan
    columns = ["period_start", "period_end", "account_name", "expansion_ready_accounts", "seat_utilization", "health_score"]
    text = narrative(p, columns, [[Q3.start, Q3.end, "Acme Corp", 1, 95.0, 91.0]], Viewer.leader())
    assert lines_of(text)[0] == "1 account qualifies as expansion-ready accounts at the end of Q3 2025."
    reasons = row_reasons(p, columns, [[Q3.start, Q3.end, "Acme Corp", 1, 95.0, 91.0]])
    assert reasons == ["seat utilization 95.0% (healthy), health score 91.0 (green)"]
    assert "Expansion-ready accounts 1" not in text and " 1," not in reasons[0]


def test_a_long_account_list_sums_the_money_and_counts_who_got_worse_against_the_comparison():
    p = compile_query(SemanticQuery(metrics=["next_renewal_arr", "health_score"], time_range=Q3, dimensions=["account_name"],
                                    compare="previous_period")).plan
    columns = ["period_start", "period_end", "account_name", "next_renewal_arr", "health_score", "health_score__previous",
               "health_score__change", "health_score__change_pct"]
    rows = [[Q3.start, Q3.end, name, arr, health, health - change, change, None]
            for name, arr, health, change in [("A", 1000, 70, -5), ("B", 2500, 80, 3), ("C", 500, 60, -1), ("D", 0, 90, 0)]]
    text = narrative(p, columns, rows, Viewer.leader())
    assert "ARR at next renewal $4,000 in all; health score worse than the quarter before for 2 of 4." in lines_of(text)


def test_the_book_that_moved_most_is_the_headline_and_its_parts_by_weighted_effect_the_next_line():
    p = compile_query(SemanticQuery(metrics=["health_score", "usage_score", "support_score", "payment_score"],
                                    time_range=Q3, dimensions=["csm_name"], compare="previous_period", limit=1,
                                    order_by=[{"field": "health_score", "column": "change"}])).plan
    columns = ["period_start", "period_end", "csm_name"] + [f"{m}{s}" for m in ("health_score", "usage_score", "support_score",
               "payment_score") for s in ("", "__previous", "__change", "__change_pct")]
    row = [Q3.start, Q3.end, "Leila Johnson"]
    for value, change in [(59.4, -10.4), (29.4, -16.6), (63.4, -14.9), (100.0, 3.0)]:
        row += [value, value - change, change, None]
    text = narrative(p, columns, [row], Viewer.leader())
    # weights 0.4, 0.2, 0.1: usage −16.6 × 0.4 = −6.6, support −14.9 × 0.2 = −3.0, payment +3.0 × 0.1 = +0.3
    assert lines_of(text) == [
        "Leila Johnson has the largest drop in health score vs the quarter before: −10.4, to 59.4 (yellow).",
        "What moved it since the quarter before: usage score −16.6 (−6.6 points of health score), support score −14.9 "
        "(−3.0 points); the other way: payment score +3.0 (+0.3 points)."]


def test_a_drop_is_explained_by_the_parts_that_pulled_it_by_weight_not_the_largest_raw_move():
    p = plan(metrics=["health_score", "usage_score", "support_score", "payment_score"], compare="previous_period",
             time_range=Period.months("2026-10"))
    columns, row = ["period_start", "period_end"], [None, None]
    # the demo's Calosys Water: payment +60 raw is +6 points of health; support −58 raw is −11.6, usage −13 is −5.2
    for name, now, before in (("health_score", 54.3, 66.0), ("usage_score", 32.6, 45.6), ("support_score", 26.0, 84.0),
                              ("payment_score", 100.0, 40.0)):
        columns += [name, f"{name}__previous", f"{name}__change", f"{name}__change_pct"]
        row += [now, before, now - before, None]
    text = narrative(p, columns, [row], Viewer.leader())
    assert ("What moved it since the month before: support score −58.0 (−11.6 points of health score), usage score "
            "−13.0 (−5.2 points); the other way: payment score +60.0 (+6.0 points).") in lines_of(text)


def test_a_why_answer_without_weights_ranks_its_parts_by_which_way_they_pushed():
    p = plan(metrics=["nrr", "starting_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr"], compare="previous_period",
             time_range=Period.months("2026-07", "2026-09"))
    columns, row = ["period_start", "period_end"], [None, None]
    for name, now, before in (("nrr", 99.3, 100.6), ("starting_mrr", 3_621_649, 3_311_408), ("expansion_mrr", 116_741, 105_405),
                              ("contraction_mrr", 13_748, 11_912), ("churned_mrr", 129_724, 72_272)):
        columns += [name, f"{name}__previous", f"{name}__change", f"{name}__change_pct"]
        row += [now, before, now - before, None]
    text = narrative(p, columns, [row], Viewer.leader())
    # NRR fell: more churn and contraction pulled it down, more expansion pushed up; the starting base is neutral
    assert ("What moved it since the quarter before: churned MRR +$57,452, contraction MRR +$1,836; the other way: "
            "expansion MRR +$11,336.") in lines_of(text)
    assert "starting MRR" not in text.split("\n")[1]


def test_a_metric_with_its_own_filter_says_so():
    from semantic_layer.query import MetricRef

    urgent = MetricRef(name="open_tickets", alias="open_tickets__urgent",
                       filters=[DimensionFilter(dimension="ticket_priority", values=["urgent"])])
    p = plan(metrics=["mau", urgent], time_range=Period.months("2025-07"))
    text = narrative(p, ["period_start", "period_end", "mau", "open_tickets__urgent"], [[None, None, 10, 2]],
                     Viewer.leader())
    assert "Also: open tickets (ticket priority urgent) 2." in lines_of(text)


@pytest.mark.parametrize("rows", [
    [],
    [[Q3.start, Q3.end, "EMEA", 1.0]],
    [[Q3.start, Q3.end, r, float(i)] for i, r in enumerate(["APAC", "EMEA", "LATAM", "North America"])],
])
def test_every_answer_is_a_headline_and_at_most_three_lines(rows):
    p = plan(metrics=["nrr"], dimensions=["region"], filters=[DimensionFilter(dimension="segment", values=["SMB"])])
    text = narrative(p, ["period_start", "period_end", "region", "nrr"], rows, Viewer.csm("C1"))
    assert 1 <= len(lines_of(text)) <= 4 and all(line.strip() for line in lines_of(text))
    assert "_" not in text  # no snake_case names


# --- charts by the answer's shape and data ----------------------------------------------------

def test_a_single_number_has_no_chart_a_breakdown_ranked_bars_a_trend_lines():
    one = plan(metrics=["nrr"])
    assert chart_suggestion(one, ["period_start", "period_end", "nrr"], [[Q3.start, Q3.end, 101.0]]) is None
    by_segment = plan(metrics=["nrr"], dimensions=["segment"])
    rows = [[Q3.start, Q3.end, s, v] for s, v in [("Enterprise", 100.8), ("Mid-Market", 95.5), ("SMB", 102.2)]]
    assert chart_suggestion(by_segment, ["period_start", "period_end", "segment", "nrr"], rows) == \
        {"kind": "bar", "x": "segment", "y": ["nrr"], "series": None, "order": "value"}
    span, trend_rows = nrr_by_segment_rows()
    trend = compile_query(SemanticQuery(metrics=["nrr", "grr"], time_range=span, grain="quarter",
                                        dimensions=["segment"])).plan
    assert chart_suggestion(trend, ["period_start", "period_end", "segment", "nrr", "grr"], trend_rows) == \
        {"kind": "line", "x": "period_start", "y": ["nrr", "grr"], "series": "segment"}


def account_rows(n: int, *values):
    return [[Q3.start, Q3.end, f"Account {i:02d}", *[v(i) for v in values]] for i in range(n)]


def test_a_30_row_list_charts_at_most_20_bars_and_never_the_flag_that_put_each_row_there():
    flagged = compile_query(SemanticQuery(metrics=["health_risk_accounts", "health_score"], time_range=Q3,
                                          dimensions=["account_name"], order_by=[{"field": "health_score"}])).plan
    columns = ["period_start", "period_end", "account_name", "health_risk_accounts", "health_score"]
    spec = chart_suggestion(flagged, columns, account_rows(30, lambda i: 1, lambda i: 30.0 + i))
    assert spec == {"kind": "bar", "x": "account_name", "y": ["health_score"], "series": None, "order": "rows",
                    "limit": 20}
    only_flag = compile_query(SemanticQuery(metrics=["health_risk_accounts"], time_range=Q3,
                                            dimensions=["account_name"])).plan
    assert chart_suggestion(only_flag, columns[:4], account_rows(12, lambda i: 1)) is None


def test_no_chart_for_a_countdown_a_date_or_a_value_the_same_on_every_row():
    renewals = compile_query(SemanticQuery(metrics=["days_to_renewal", "next_renewal_date"], time_range=Q3,
                                           dimensions=["account_name"])).plan
    columns = ["period_start", "period_end", "account_name", "days_to_renewal", "next_renewal_date"]
    assert chart_suggestion(renewals, columns, account_rows(30, lambda i: i + 1, lambda i: date(2025, 10, 1 + i))) is None
    constant = plan(metrics=["nrr"], dimensions=["segment"])
    rows = [[Q3.start, Q3.end, s, 100.0] for s in ("Enterprise", "Mid-Market", "SMB")]
    assert chart_suggestion(constant, ["period_start", "period_end", "segment", "nrr"], rows) is None


def test_a_list_ranked_by_a_change_charts_that_change():
    p = compile_query(SemanticQuery(metrics=["health_score", "usage_score"], time_range=Q3, dimensions=["csm_name"],
                                    compare="previous_period", order_by=[{"field": "health_score", "column": "change"}])).plan
    columns = ["period_start", "period_end", "csm_name"] + [f"{m}{s}" for m in ("health_score", "usage_score")
                                                            for s in ("", "__previous", "__change", "__change_pct")]
    rows = [[Q3.start, Q3.end, f"CSM {i}", *[60.0 + i, 61.0, i - 1.0, None] * 2] for i in range(5)]
    assert chart_suggestion(p, columns, rows)["y"] == ["health_score__change"]


def test_cohorts_are_bars_in_time_order_and_many_series_are_left_to_the_table():
    span = Period(date(2025, 1, 1), date(2025, 12, 31))
    cohorts = compile_query(SemanticQuery(metrics=["cohort_ttv_median_days"], time_range=span,
                                          dimensions=["signup_cohort"])).plan
    rows = [[span.start, span.end, date(2025, m, 1), 30.0 + m] for m in (1, 4, 7, 10)]
    assert chart_suggestion(cohorts, ["period_start", "period_end", "signup_cohort", "cohort_ttv_median_days"],
                            rows)["order"] == "x"
    months = [calendar_period(f"2026-{m:02d}") for m in (9, 10)]
    trend = compile_query(SemanticQuery(metrics=["mrr"], time_range=Period(months[0].start, months[1].end), grain="month",
                                        dimensions=["account_name"])).plan
    rows = [[m.start, m.end, f"Account {i}", 100.0 * i + k] for k, m in enumerate(months) for i in range(12)]
    assert chart_suggestion(trend, ["period_start", "period_end", "account_name", "mrr"], rows) is None  # 12 lines


def test_whether_a_metric_can_be_banded_over_a_period_never_depends_on_the_value():
    # the blended-number check is skipped before its query when no output can be banded: that must be exact
    periods = [Q3, calendar_period("2026-10"), Period(date(2025, 11, 1), date(2026, 10, 31)), None]
    metrics = list(default_catalog().metrics.values())
    assert any(rankable(m, Q3) for m in metrics) and not all(rankable(m, Q3) for m in metrics)
    for metric in metrics:
        for period in periods:
            ranked = {band_rank(metric, value, period) is not None for value in (0.0, 1.0, 50.0, 99.5, 250.0)}
            assert ranked == {rankable(metric, period)}, (metric.name, period)
