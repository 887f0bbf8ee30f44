"""Every benchmark says the period its bands are for; a rate over a period must convert, a spread must fill its bands.

Each case copies the shipped catalogue, changes one benchmark field the way an editor might
get it wrong, and checks the load error names the file, the metric, the field and the fix.
"""

from __future__ import annotations

import shutil

import pytest

from semantic_layer.catalog import CATALOG_DIR, default_catalog, load_catalog
from semantic_layer.errors import CatalogError


def issues_after(tmp_path, file: str, old: str, new: str) -> list[str]:
    """The load errors of the shipped catalogue with `old` replaced by `new` once in `file`."""
    folder = tmp_path / "catalog"
    shutil.copytree(CATALOG_DIR, folder)
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {file}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(CatalogError) as error:
        load_catalog(folder)
    return [issue.text() for issue in error.value.issues]


def test_the_shipped_catalogue_gives_every_band_a_basis():
    catalog = default_catalog()
    assert all(m.band_basis is not None for m in catalog.metrics.values() if m.benchmarks)
    assert catalog.metrics["logo_churn_rate"].band_basis.period.value == "year"


def test_bands_without_a_basis_are_refused(tmp_path):
    (issue,) = issues_after(tmp_path, "70_support.yaml", "    band_basis: {period: point}  # a share of the responses", "    #")
    assert issue.startswith("70_support.yaml:") and "metric 'csat'" in issue
    assert "benchmarks need a band_basis: the period the bands are published for (month, quarter, year, or point" in issue


def test_a_rate_over_a_period_cannot_have_point_in_time_bands(tmp_path):
    (issue,) = issues_after(tmp_path, "10_revenue.yaml", "band_basis: {period: year, converts: churn}",
                            "band_basis: {period: point}")
    assert issue.startswith("10_revenue.yaml:") and "metric 'logo_churn_rate', field 'band_basis'" in issue
    assert "a rate over a period (mrr_movements compares its base month with its end month) needs bands with a " \
           "period: give band_basis {period: month, quarter or year, converts: churn or retention}" in issue


def test_bands_for_a_period_say_how_another_period_converts(tmp_path):
    issue, *knock_on = issues_after(tmp_path, "10_revenue.yaml", "band_basis: {period: year, converts: churn}",
                                    "band_basis: {period: year}")  # then what refers to the refused metric
    assert "metric 'logo_churn_rate', field 'band_basis'" in issue and all("logo_churn_rate" in i for i in knock_on)
    assert "bands published per year need converts (churn or retention)" in issue


def test_only_a_rate_converts(tmp_path):
    issue, *_ = issues_after(tmp_path, "60_health.yaml", "band_basis: {period: point}  # a score at the period's latest week",
                             "band_basis: {period: month, converts: retention}  #")
    assert "metric 'health_score'" in issue and "only a rate (percent or ratio) converts between periods, not a score" in issue


def test_a_spread_needs_a_share_above_every_bound_of_its_bands(tmp_path):
    (issue,) = issues_after(tmp_path, "40_onboarding.yaml",
                            "band_shares: [ttv_over_30_share, ttv_over_60_share, ttv_over_90_share]",
                            "band_shares: [ttv_over_30_share, ttv_over_90_share]")
    assert "metric 'ttv_median_days', field 'band_shares': no share above 60, the upper bound of band 'acceptable'" in issue


def test_a_spread_reads_shares_of_its_own_rows(tmp_path):
    issues = issues_after(tmp_path, "40_onboarding.yaml",
                          "band_shares: [ttv_over_30_share, ttv_over_60_share, ttv_over_90_share]",
                          "band_shares: [cohort_reached_ttv_over_30_share, ttv_over_60_share, ttv_over_90_share]")
    assert any("'cohort_reached_ttv_over_30_share' must be a share of the rows above a value of this metric's "
               "quantity 'ttv'" in i for i in issues)


def test_a_band_a_share_splits_must_end_at_its_bound_inclusive(tmp_path):
    # "over 30 days" counts 31 and more, so a band starting at 30 itself would hold rows no share separates
    old = "      - {name: acceptable, label: acceptable, lower: 30, upper: 60, include_lower: false, include_upper: true}\n" \
          "      - {name: red_flag, label: red flag, lower: 90, include_lower: false}\n    benchmark_note: best ≤ 30 days; " \
          "30–60 acceptable; > 90 a red flag\n    band_basis: {period: point}  # days per account, a level: the bands " \
          "judge each account's days, so the spread decides\n    band_shares: [ttv_over_30_share"
    new = old.replace("lower: 30, upper: 60, include_lower: false, include_upper: true", "lower: 30, upper: 60")
    issues = issues_after(tmp_path, "40_onboarding.yaml", old, new)
    assert any("band 'acceptable' must start after 30" in i for i in issues)
    assert any("band 'acceptable' must end at 60 inclusive" in i for i in issues)
