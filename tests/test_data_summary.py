"""`warehouse_summary`: what a person sees before asking questions; numbers from the fixture by hand."""

from __future__ import annotations

import duckdb
import pytest
from fixtures.tiny_warehouse import build_tiny_warehouse

from assistant.cli import main
from data.check import WarehouseUnreadable
from data.summary import warehouse_summary


@pytest.fixture
def tiny(tmp_path):
    path = tmp_path / "tiny.duckdb"
    build_tiny_warehouse(path)
    return path


def mutate(path, sql: str) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute(sql)


def test_summary_of_the_tiny_warehouse(tiny):
    mutate(tiny, "INSERT INTO warehouse_meta VALUES ('generator_version', '1.2.0'), ('seed', '42'), ('scale', 'small')")
    lines = warehouse_summary(tiny).splitlines()
    assert lines[:4] == [
        f"Warehouse {tiny}, as of 2026-10-31 (generator version 1.2.0, seed 42, scale small)",
        "Accounts by segment: Enterprise 1, Mid-Market 1, SMB 2",
        # 21,000 + 450 + 750; Kestrel Analytics churned in August
        "MRR in October 2026: 22,200.00 from 3 paying accounts (ARR 266,400.00)",
        "Rows per table:",
    ]
    counts = {line.split()[0]: line.split()[1] for line in lines[4:]}
    assert len(counts) == 16
    assert counts["account_mrr_monthly"] == "14"
    assert counts["onboarding_milestones"] == "7"
    assert counts["warehouse_meta"] == "4"


def test_missing_parts_are_named_not_fatal(tiny):
    mutate(tiny, "DROP TABLE trials; ALTER TABLE accounts DROP COLUMN segment; DELETE FROM warehouse_meta")
    lines = warehouse_summary(tiny).splitlines()
    assert lines[:3] == [
        f"Warehouse {tiny}, as_of_date missing or unreadable (run `cs-assistant data check`)",
        "Accounts by segment: accounts.segment is missing",
        "MRR in the as-of month: unknown",
    ]
    assert lines[-3].split() == ["trials", "missing"]


def test_an_unreadable_file_raises_a_one_line_reason(tmp_path):
    with pytest.raises(WarehouseUnreadable, match="does not exist"):
        warehouse_summary(tmp_path / "nowhere.duckdb")


def test_data_summary_command_prints_the_summary(tiny, capsys):
    assert main(["data", "summary", str(tiny)]) == 0
    assert capsys.readouterr().out.startswith(f"Warehouse {tiny}, as of 2026-10-31\n")


def test_chat_on_a_non_duckdb_file_is_one_line_on_stderr(tmp_path, capsys):
    path = tmp_path / "notes.txt"
    path.write_text("not a database")
    assert main(["chat", "--warehouse", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"cs-assistant: {path} cannot be opened as a DuckDB database (")
    assert err.count("\n") == 1
