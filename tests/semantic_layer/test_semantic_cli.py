"""`cs-assistant metrics`: the catalogue listing, one metric in full, and unknown names."""

from __future__ import annotations

from assistant.cli import main
from semantic_layer.catalog import default_catalog


def test_listing_shows_every_metric_with_formula_and_benchmark(capsys):
    assert main(["metrics"]) == 0
    out = capsys.readouterr().out
    for metric in default_catalog().metrics.values():
        assert f"\n{metric.name} " in f"\n{out}" and metric.label in out and metric.formula in out
    assert "typical benchmark: B2B SaaS best ≥ 50; 30–50 acceptable; < 30 a relationship problem" in out
    assert out.startswith("mrr ")  # revenue first: catalogue files are read in their numbered order


def test_one_metric_in_full_found_by_synonym(capsys):
    assert main(["metrics", "Net Revenue Retention"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("nrr: Net revenue retention\n")
    assert "band healthy: healthy 100–110" in out
    assert "sum(end_mrr) ÷ sum(base_mrr), over rows where base_mrr > 0" in out
    assert "default window: 1 quarter" in out


def test_unknown_metric_is_one_line_with_a_suggestion(capsys):
    assert main(["metrics", "nnr"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "cs-assistant: unknown metric 'nnr'; did you mean 'nrr'? (`cs-assistant metrics` lists every metric)\n"


def test_a_metric_with_thresholds_shows_them_and_its_signals(capsys):
    assert main(["metrics", "usage_threshold_accounts"]) == 0
    out = capsys.readouterr().out
    assert ("thresholds:     by segment: SMB active_days >= 3; Mid-Market power_users >= 3; Enterprise power_users >= 5; "
            "otherwise active_days >= 3") in out
    assert "rows from account_weekly_usage (accounts under contract on the period's last day" in out
