"""The catalogue loads, and validation rejects each kind of mistake with file, entry and field."""

from __future__ import annotations

import textwrap

import pytest

from semantic_layer.catalog import default_catalog, load_catalog
from semantic_layer.errors import CatalogError, UnknownNameError
from semantic_layer.model import Unit

SOURCES = """
sources:
  - name: tickets_opened
    description: Support tickets opened in the period
    table: tickets
    mode: within
    time: opened_at
  - name: department_spend
    description: Spend per department and month
    table: spend_monthly
    mode: within
    time: month
    whole_months: true
dimensions:
  - name: segment
    label: Segment
    synonyms: [customer segment]
    table: accounts
    column: segment
  - name: ticket_category
    label: Ticket category
    synonyms: [category]
    table: tickets
    column: category
"""

METRIC = """
  - name: {name}
    label: {label}
    question: What is our {name}?
    description: A support metric.
    formula: a plain-English formula
    tier: {tier}
    unit: {unit}
    direction: lower_is_better
    synonyms: [{synonyms}]
    dimensions: [{dimensions}]
    default_window: {{grain: month}}
"""


def metric(name="ticket_volume", label="Ticket volume", tier="leading", unit="count", synonyms="tickets",
           dimensions="segment, ticket_category", body="source: tickets_opened\n    measure: {agg: count}") -> str:
    return METRIC.format(name=name, label=label, tier=tier, unit=unit, synonyms=synonyms, dimensions=dimensions) + f"    {body}\n"


def spend_metric(dimensions: str) -> str:
    """A whole-business metric: spend has no account, so no account dimension reaches it."""
    return metric(name="cs_spend", label="CS spend", synonyms="retention spend", dimensions=dimensions,
                  body="source: department_spend\n    measure: {agg: sum, expr: amount}")


def write_catalog(tmp_path, *metrics: str, extra_files: dict[str, str] | None = None):
    (tmp_path / "base.yaml").write_text(SOURCES)
    (tmp_path / "metrics.yaml").write_text("metrics:" + "".join(metrics))
    for name, text in (extra_files or {}).items():
        (tmp_path / name).write_text(textwrap.dedent(text))
    return tmp_path


def issues_of(folder) -> list[str]:
    with pytest.raises(CatalogError) as caught:
        load_catalog(folder)
    return [issue.text() for issue in caught.value.issues]


def test_a_valid_small_catalogue_loads(tmp_path):
    catalog = load_catalog(write_catalog(tmp_path, metric()))
    assert catalog.metric("tickets").name == "ticket_volume"  # by synonym
    assert catalog.dimension("Category").name == "ticket_category"
    assert catalog.metric("Ticket-Volume").name == catalog.metric("TICKETS").name == "ticket_volume"  # case, '-', '_' ignored


def test_the_project_catalogue_covers_the_domain_metrics():
    catalog = default_catalog()
    assert len(catalog.metrics) >= 35
    for name in ("nrr", "grr", "logo_churn_rate", "revenue_churn_rate", "customer_retention_rate", "renewal_rate",
                 "arr_renewal_rate", "mrr", "arr", "new_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr",
                 "net_new_mrr", "arpu", "clv", "cac", "crc", "trial_conversion_rate", "ttv_median_days",
                 "ttv_over_30_share", "ttv_over_60_share", "ttv_over_90_share", "onboarding_completion_rate", "dau",
                 "wau", "mau", "dau_mau", "seat_utilization", "product_adoption_rate", "avg_session_minutes",
                 "health_score", "nps", "csat", "ces", "fcr", "first_response_hours_median", "resolution_hours_median",
                 "ticket_volume", "open_tickets", "qbr_count", "executive_engagement_rate", "product_usage_rate",
                 "expansion_ready_accounts", "first_response_hours_mean", "nps_promoters_pct", "nps_detractors_pct",
                 "feature_adoption_rate", "usage_score", "support_score", "engagement_score", "payment_score",
                 "executive_score", "green_health_accounts", "yellow_health_accounts", "red_health_accounts",
                 "green_health_share", "yellow_health_share", "red_health_share", "wau_mau", "meetings_held"):
        assert name in catalog.metrics, name
    nrr = catalog.metric("nrr")
    assert (nrr.unit, nrr.band_for(104).label, nrr.band_for(125).label, nrr.band_for(97).name) == (
        Unit.percent, "healthy", "best-in-class", "shrinking")
    assert catalog.metric("ttv_median_days").band_for(30).name == "best"  # "best ≤ 30 days"
    assert catalog.metric("ttv_median_days").band_for(90) is None  # 60–90 has no band; > 90 is the red flag
    assert catalog.metric("health_score").band_for(79.5).name == "yellow"


def test_unknown_metric_suggests_the_closest_names():
    with pytest.raises(UnknownNameError, match=r"unknown metric 'nnr'; did you mean 'nrr'"):
        default_catalog().metric("nnr")


def test_rejects_an_unknown_column_naming_file_entry_and_field(tmp_path):
    folder = write_catalog(tmp_path, metric(body="source: tickets_opened\n    measure: {agg: sum, expr: contacts}"))
    (issue,) = issues_of(folder)
    assert issue.startswith("metrics.yaml:2: metric 'ticket_volume', field 'measure.expr': unknown column 'contacts'")


def test_rejects_a_table_that_would_fan_out(tmp_path):
    body = "source: tickets_opened\n    measure: {agg: count, filter: survey_responses.score > 3}"
    (issue,) = issues_of(write_catalog(tmp_path, metric(body=body)))
    assert "table 'survey_responses' in 'survey_responses.score > 3' cannot be joined from tickets" in issue


def test_rejects_a_dimension_the_metric_cannot_be_sliced_by(tmp_path):
    spend = spend_metric("segment")
    (issue,) = issues_of(write_catalog(tmp_path, spend))
    assert "metric 'cs_spend', field 'dimensions': cannot be sliced by 'segment'" in issue


def test_rejects_a_derived_metric_sliced_by_a_dimension_its_parts_lack(tmp_path):
    spend = spend_metric("")
    per_ticket = metric(name="spend_per_ticket", label="Spend per ticket", synonyms="cost per ticket",
                        dimensions="segment", body="derived: cs_spend / ticket_volume")
    (issue,) = issues_of(write_catalog(tmp_path, metric(), spend, per_ticket))
    assert "metric 'spend_per_ticket', field 'dimensions': cannot be sliced by 'segment': its part(s) cs_spend cannot" in issue


def test_a_broadcast_part_may_lack_the_dimension_but_must_be_a_part(tmp_path):
    spend = spend_metric("")
    per_ticket = metric(name="spend_per_ticket", label="Spend per ticket", synonyms="cost per ticket",
                        dimensions="segment", body="derived: cs_spend / ticket_volume\n    broadcast: [cs_spend]")
    assert load_catalog(write_catalog(tmp_path, metric(), spend, per_ticket)).metric("spend_per_ticket")
    wrong = per_ticket.replace("broadcast: [cs_spend]", "broadcast: [open_tickets]")
    issues = issues_of(write_catalog(tmp_path, metric(), spend, wrong))
    assert any("field 'broadcast': 'open_tickets' is not a part of 'cs_spend / ticket_volume'" in i for i in issues)


def test_rejects_a_duplicate_synonym(tmp_path):
    other = metric(name="open_tickets", label="Open tickets", synonyms="backlog, Tickets")
    (issue,) = issues_of(write_catalog(tmp_path, metric(), other))
    assert "metric 'open_tickets', field 'synonyms': 'tickets' already means 'ticket_volume'" in issue


def test_rejects_a_cycle_in_derived_metrics(tmp_path):
    a = metric(name="alpha", label="Alpha", synonyms="a", dimensions="", body="derived: beta + 1")
    b = metric(name="beta", label="Beta", synonyms="b", dimensions="", body="derived: alpha * 2")
    (issue,) = issues_of(write_catalog(tmp_path, a, b))
    assert "field 'derived': cycle: alpha -> beta -> alpha" in issue


def test_rejects_unknown_enum_values(tmp_path):
    issues = issues_of(write_catalog(tmp_path, metric(tier="lagged", unit="dollars")))
    assert any("field 'tier': Input should be 'leading' or 'lagging'" in i for i in issues)
    assert any("field 'unit': Input should be 'percent', 'currency'" in i for i in issues)


def test_rejects_unknown_references(tmp_path):
    body = "source: ticket_rows\n    measure: {agg: count}"
    issues = issues_of(write_catalog(tmp_path, metric(dimensions="segmnt", body=body)))
    assert any("field 'source': unknown source 'ticket_rows'" in i for i in issues)
    assert any("field 'dimensions': unknown dimension 'segmnt'" in i for i in issues)


def test_rejects_a_name_defined_twice_across_files(tmp_path):
    again = "metrics:" + metric(synonyms="ticket count")
    (issue,) = issues_of(write_catalog(tmp_path, metric(), extra_files={"more.yaml": again}))
    assert issue.startswith("more.yaml:2: metric 'ticket_volume', field 'name': defined twice (first in metrics.yaml:2)")


def test_rejects_a_band_whose_bounds_are_reversed(tmp_path):
    body = "source: tickets_opened\n    measure: {agg: count}\n    benchmarks: [{name: good, label: good, lower: 10, upper: 5}]"
    (issue,) = issues_of(write_catalog(tmp_path, metric(body=body)))
    assert "field 'benchmarks.0': Value error, lower bound 10.0 is not below upper bound 5.0" in issue


def test_rejects_a_source_named_like_a_table(tmp_path):
    shadow = "sources:\n  - {name: tickets, description: x, table: tickets, mode: within, time: opened_at}\n"
    (issue,) = issues_of(write_catalog(tmp_path, metric(), extra_files={"shadow.yaml": shadow}))
    assert "source 'tickets', field 'name': 'tickets' is a contract table's name" in issue


def test_rejects_broken_yaml_with_its_line(tmp_path):
    issues = issues_of(write_catalog(tmp_path, metric(), extra_files={"broken.yaml": "metrics:\n  - name: [unclosed\n"}))
    assert any(i.startswith("broken.yaml:3: (file): not valid YAML") for i in issues)


def test_reports_every_problem_at_once(tmp_path):
    bad = metric(unit="dollars", body="source: tickets_opened\n    measure: {agg: sum, expr: contacts}")
    cyclic = metric(name="alpha", label="Alpha", synonyms="a", dimensions="", body="derived: alpha + 1")
    spend = spend_metric("segment")
    issues = issues_of(write_catalog(tmp_path, bad, cyclic, spend))
    assert len(issues) == 3, issues  # an entry failing its own model (the unit) is left out of later checks
    assert any("cannot be sliced by 'segment'" in i for i in issues)
    assert any("cycle: alpha -> alpha" in i for i in issues)
    assert any("field 'unit'" in i for i in issues)


ROLLUP = """
sources:
  - name: account_week
    description: Accounts under contract, with their activity
    table: accounts
    mode: rollup
    time: contract_start
    end_time: churned_on
    key: account_id
    signals:
      - name: activity
        description: Active days
        table: user_activity_daily
        time: activity_date
        days: 7
        columns:
          active_days: {agg: count_distinct, expr: {activity_column}}
"""


def usage_metric(thresholds: str) -> str:
    return metric(name="usage_accounts", label="Usage accounts", synonyms="regular users", dimensions="segment",
                  body="source: account_week\n    measure: {agg: count}\n    thresholds: " + thresholds)


def test_a_rollup_source_with_per_segment_thresholds_loads(tmp_path):
    rollup = ROLLUP.replace("{activity_column}", "activity_date")
    catalog = load_catalog(write_catalog(tmp_path, usage_metric("{dimension: segment, values: {SMB: active_days >= 3}}"),
                                         extra_files={"rollup.yaml": rollup}))
    assert catalog.metric("usage_accounts").thresholds.values == {"SMB": "active_days >= 3"}


def test_rejects_unknown_columns_in_signals_and_thresholds_and_an_unknown_threshold_dimension(tmp_path):
    rollup = ROLLUP.replace("{activity_column}", "activity_day")
    bad = usage_metric("{dimension: segmnt, values: {SMB: active_weeks >= 3}}")
    issues = issues_of(write_catalog(tmp_path, bad, extra_files={"rollup.yaml": rollup}))
    assert any("source 'account_week', field 'signals.activity.columns.active_days.expr': unknown column 'activity_day'"
               in i for i in issues), issues
    assert any("field 'thresholds.values.SMB': unknown column 'active_weeks'" in i for i in issues), issues
    assert any("field 'thresholds.dimension': unknown dimension 'segmnt'" in i for i in issues), issues


def test_rejects_a_threshold_dimension_the_rows_cannot_reach(tmp_path):
    rollup = ROLLUP.replace("{activity_column}", "activity_date")
    bad = usage_metric("{dimension: ticket_category, values: {bug: active_days >= 3}}")
    (issue,) = issues_of(write_catalog(tmp_path, bad, extra_files={"rollup.yaml": rollup}))
    assert "field 'thresholds.dimension': 'ticket_category' cannot be read from accounts rows" in issue


def test_rejects_a_rollup_without_signals_and_inner_values_without_per(tmp_path):
    no_signals = ROLLUP[:ROLLUP.index("    signals:")]
    issues = issues_of(write_catalog(tmp_path, metric(), extra_files={"rollup.yaml": no_signals}))
    assert any("source 'account_week'" in i and "mode rollup needs signals" in i for i in issues), issues
    inner = ROLLUP.replace("{activity_column}", "activity_date").replace(
        "        days: 7\n", "        days: 7\n        inner: {user_days: {agg: count}}\n")
    issues = issues_of(write_catalog(tmp_path, metric(), extra_files={"rollup.yaml": inner}))
    assert any("give per and inner together" in i for i in issues), issues


def test_rejects_a_table_column_in_values_aggregated_from_per_user_rows(tmp_path):
    per_user = ROLLUP.replace("{activity_column}", "activity_date").replace(
        "        days: 7\n", "        days: 7\n        per: user_id\n        inner: {user_days: {agg: count}}\n").replace(
        "active_days: {agg: count_distinct, expr: activity_date}", "power_users: {agg: count, filter: periods.period_days > 3}")
    issues = issues_of(write_catalog(tmp_path, metric(), extra_files={"rollup.yaml": per_user}))
    assert any("field 'signals.activity.columns.power_users.filter': 'periods.period_days > 3' aggregates the rows per "
               "account_id and user_id: use their columns (account_id, user_id, user_days) unqualified" in i for i in issues), issues
