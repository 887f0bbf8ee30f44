"""`load_warehouse`: a folder of CSV or Parquet files becomes a checked warehouse, or nothing.

The source files are written by DuckDB's own COPY from the tiny hand-built warehouse, so a
round trip must give back exactly the rows the fixture holds.
"""

from __future__ import annotations

import duckdb
import pytest
from fixtures.tiny_warehouse import ROWS, build_tiny_warehouse

from assistant.cli import main
from data import contract
from data.load import load_warehouse


def export(folder, fmt: str = "csv", queries: dict[str, str] | None = None, skip: tuple[str, ...] = ()):
    """Write every tiny-warehouse table to `folder/<table>.<fmt>`, optionally from a custom query."""
    folder.mkdir(exist_ok=True)
    options = "FORMAT csv, HEADER" if fmt == "csv" else "FORMAT parquet"
    with duckdb.connect() as con:
        build_tiny_warehouse(con)
        for table in contract.tables():
            if table not in skip:
                query = (queries or {}).get(table, f"SELECT * FROM {table}")
                con.execute(f"COPY ({query}) TO '{folder / f'{table}.{fmt}'}' ({options})")
    return folder


@pytest.fixture(scope="module")
def original(tmp_path_factory):
    path = tmp_path_factory.mktemp("original") / "tiny.duckdb"
    build_tiny_warehouse(path)
    return path


def differences(original, loaded) -> dict[str, tuple[int, int]]:
    """Per table, rows only in the original and rows only in the loaded file (EXCEPT ALL both ways)."""
    found = {}
    with duckdb.connect() as con:
        con.execute(f"ATTACH '{original}' AS a (READ_ONLY); ATTACH '{loaded}' AS b (READ_ONLY)")
        for table in contract.tables():
            (only_a,) = con.execute(f"SELECT count(*) FROM (FROM a.{table} EXCEPT ALL FROM b.{table})").fetchone()
            (only_b,) = con.execute(f"SELECT count(*) FROM (FROM b.{table} EXCEPT ALL FROM a.{table})").fetchone()
            if only_a or only_b:
                found[table] = (only_a, only_b)
    return found


def problem_lines(report) -> list[str]:
    return [p.line() for p in report.problems]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_round_trip_gives_back_every_row(original, tmp_path, fmt):
    out = tmp_path / "loaded.duckdb"
    report = load_warehouse(export(tmp_path / "src", fmt), out)
    assert report.ok, report.summary()
    assert report.notes == []
    assert {(t.table, t.source, t.rows) for t in report.loaded} == {
        (table, f"{table}.{fmt}", len(rows)) for table, rows in ROWS.items()
    }
    assert differences(original, out) == {}


def test_columns_are_matched_by_name_not_position(original, tmp_path):
    reordered = "SELECT seats_purchased, churned_on, contract_start, acquisition_channel, csm_id, service_model, " \
                "plan, region, industry, segment, name AS \"Name\", account_id FROM accounts"
    out = tmp_path / "loaded.duckdb"
    report = load_warehouse(export(tmp_path / "src", queries={"accounts": reordered}), out)
    assert report.ok, report.summary()
    assert differences(original, out) == {}


def test_extra_columns_are_reported_and_ignored(original, tmp_path):
    out = tmp_path / "loaded.duckdb"
    src = export(tmp_path / "src", queries={"csms": "SELECT *, 'Berlin' AS office, 3 AS level FROM csms"})
    report = load_warehouse(src, out)
    assert report.ok, report.summary()
    assert report.notes == ["csms.csv: extra column(s) office, level ignored"]
    assert differences(original, out) == {}


def test_a_missing_table_is_reported_and_left_empty(tmp_path):
    out = tmp_path / "loaded.duckdb"
    report = load_warehouse(export(tmp_path / "src", skip=("trials",)), out)
    assert report.ok, report.summary()
    assert report.notes == ["trials: no trials.csv or trials.parquet; the table is left empty"]
    assert "Note: trials: no trials.csv or trials.parquet; the table is left empty" in report.summary()
    with duckdb.connect(str(out), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM trials").fetchone() == (0,)


def test_without_warehouse_meta_as_of_date_is_the_last_day_of_data(tmp_path):
    # No activity file; MRR up to October 2026, so the data covers up to the month's last day.
    src = export(tmp_path / "src", skip=("warehouse_meta", "user_activity_daily"))
    out = tmp_path / "loaded.duckdb"
    report = load_warehouse(src, out)
    assert report.ok, report.summary()
    assert "warehouse_meta: no file; as_of_date set to 2026-10-31, the last day covered by " \
           "user_activity_daily and account_mrr_monthly" in report.notes
    with duckdb.connect(str(out), read_only=True) as con:
        assert con.execute("SELECT key, value FROM warehouse_meta").fetchall() == [("as_of_date", "2026-10-31")]


def test_a_derived_as_of_date_before_other_tables_rows_stops_the_load(tmp_path):
    # MRR only up to September: as_of_date 2026-09-30, yet tickets were opened in October.
    src = export(
        tmp_path / "src",
        queries={"account_mrr_monthly": "FROM account_mrr_monthly WHERE month < DATE '2026-10-01'"},
        skip=("warehouse_meta", "user_activity_daily"),
    )
    out = tmp_path / "loaded.duckdb"
    report = load_warehouse(src, out)
    assert not report.written
    assert "warehouse_meta: no file; as_of_date set to 2026-09-30, the last day covered by " \
           "user_activity_daily and account_mrr_monthly" in report.notes
    # The three departments' October spend, the earliest by department name as the example.
    assert "spend_monthly.month: 3 rows after as_of_date 2026-09-30, e.g. month=2026-10-01, " \
           "department='customer_success'" in problem_lines(report)
    assert not out.exists()


def test_refuses_to_overwrite_an_existing_file_unless_asked(original, tmp_path):
    out = tmp_path / "loaded.duckdb"
    out.write_bytes(b"someone's warehouse")
    src = export(tmp_path / "src")
    report = load_warehouse(src, out)
    assert not report.ok
    assert problem_lines(report) == [f"{out}: already exists; pass --replace to overwrite it"]
    assert out.read_bytes() == b"someone's warehouse"

    assert load_warehouse(src, out, replace=True).ok
    assert differences(original, out) == {}


def test_a_value_of_the_wrong_type_names_file_column_and_example(tmp_path):
    bad = "SELECT * REPLACE (CASE WHEN account_id = 'A002' THEN 'twelve' ELSE seats_purchased::VARCHAR END " \
          "AS seats_purchased) FROM accounts"
    out = tmp_path / "loaded.duckdb"
    report = load_warehouse(export(tmp_path / "src", queries={"accounts": bad}), out)
    assert not report.ok
    assert problem_lines(report) == [
        "accounts.csv, column seats_purchased: 1 value is not INTEGER, e.g. account_id='A002', seats_purchased='twelve'"
    ]
    assert report.summary().endswith(f"Nothing written to {out}.")
    assert list(tmp_path.glob("*.duckdb*")) == []  # no half-built warehouse, no temporary file


def test_a_missing_required_column_is_a_problem(tmp_path):
    out = tmp_path / "loaded.duckdb"
    src = export(tmp_path / "src", queries={"tickets": "SELECT * EXCLUDE (status) FROM tickets"})
    report = load_warehouse(src, out)
    assert problem_lines(report) == ["tickets.csv: missing column(s) status"]
    assert not out.exists()


def test_a_missing_nullable_column_is_filled_with_null(tmp_path):
    out = tmp_path / "loaded.duckdb"
    src = export(tmp_path / "src", queries={"survey_responses": "SELECT * EXCLUDE (comment) FROM survey_responses"})
    report = load_warehouse(src, out)
    assert report.ok, report.summary()
    assert report.notes == ["survey_responses.csv: no column(s) comment; filled with NULL"]
    with duckdb.connect(str(out), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM survey_responses WHERE comment IS NOT NULL").fetchone() == (0,)


def test_a_duplicate_primary_key_in_a_file_stops_the_load(tmp_path):
    out = tmp_path / "loaded.duckdb"
    src = export(tmp_path / "src", queries={"features": "FROM features UNION ALL FROM features WHERE feature = 'reports'"})
    [line] = problem_lines(load_warehouse(src, out))
    assert line.startswith("features.csv: cannot be loaded into features (Constraint Error: ")
    assert 'duplicate key "reports"' in line
    assert not out.exists()


def test_a_malformed_line_past_the_csv_sniffer_sample_names_file_and_line(tmp_path):
    src = export(tmp_path / "src")
    good = "".join(f"f{i},false,Feature {i}\n" for i in range(25_000))
    (src / "features.csv").write_text("feature,is_key_feature,description\n" + good + 'late,true,"a, b, c\n')
    report = load_warehouse(src, tmp_path / "loaded.duckdb")
    assert problem_lines(report) == ["features.csv: cannot be read (Invalid Input Error: CSV Error on Line: 25002)"]
    assert not report.written


def test_contract_problems_in_the_loaded_data_stop_the_load(tmp_path):
    out = tmp_path / "loaded.duckdb"
    closed = "SELECT * REPLACE (CASE WHEN ticket_id = 'T003' THEN 'closed' ELSE status END AS status) FROM tickets"
    report = load_warehouse(export(tmp_path / "src", queries={"tickets": closed}), out)
    assert not report.written
    assert problem_lines(report) == [
        "tickets.status: 1 row outside open, pending, resolved, e.g. ticket_id='T003', status='closed'"
    ]
    assert not out.exists()
    assert list(tmp_path.glob(".*loading*")) == []


def test_two_files_for_one_table_is_a_problem(tmp_path):
    src = export(tmp_path / "src")
    (src / "csms.parquet").write_bytes(b"")
    report = load_warehouse(src, tmp_path / "loaded.duckdb")
    assert problem_lines(report) == ["csms: both csms.csv and csms.parquet found; keep one"]


def test_a_missing_source_folder_is_one_problem(tmp_path):
    report = load_warehouse(tmp_path / "nowhere", tmp_path / "loaded.duckdb")
    assert problem_lines(report) == [f"{tmp_path / 'nowhere'}: is not a folder of CSV or Parquet files"]


def test_a_folder_as_destination_is_one_problem(tmp_path):
    report = load_warehouse(export(tmp_path / "src"), tmp_path, replace=True)
    assert problem_lines(report) == [f"{tmp_path}: is a folder; name the DuckDB file to write"]


def test_an_unwritable_destination_is_one_problem(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file where a folder should be")
    out = blocker / "loaded.duckdb"
    [line] = problem_lines(load_warehouse(export(tmp_path / "src"), out))
    assert line.startswith(f"{out}: cannot be written (")


def test_cli_load_exit_codes(tmp_path, capsys):
    src, out = export(tmp_path / "src"), tmp_path / "loaded.duckdb"
    assert main(["data", "load", "--from", str(src), "--out", str(out)]) == 0
    assert capsys.readouterr().out.endswith(f"Wrote {out}; it satisfies the warehouse contract.\n")
    assert main(["data", "load", "--from", str(src), "--out", str(out)]) == 1
    assert capsys.readouterr().out == (
        f"Problem: {out}: already exists; pass --replace to overwrite it\n"
        f"Nothing written to {out}; the file already there is unchanged.\n"
    )


def test_an_interrupted_load_leaves_the_old_warehouse_and_no_temporary_file(original, tmp_path, monkeypatch):
    # Ctrl-C while the new warehouse is being checked: the old one stays, the half-made one goes.
    out = tmp_path / "target" / "warehouse.duckdb"
    out.parent.mkdir()
    out.write_bytes(original.read_bytes())

    def interrupted(path):
        assert path.parent == out.parent and path != out  # the check runs on the temporary file beside it
        raise KeyboardInterrupt

    monkeypatch.setattr("data.load.check_warehouse", interrupted)
    with pytest.raises(KeyboardInterrupt):
        load_warehouse(export(tmp_path / "src"), out, replace=True)
    assert out.read_bytes() == original.read_bytes()
    assert sorted(p.name for p in out.parent.iterdir()) == ["warehouse.duckdb"]


def test_a_load_through_a_symlink_replaces_the_file_it_names(original, tmp_path):
    real = tmp_path / "real.duckdb"
    real.write_bytes(b"an old warehouse")
    link = tmp_path / "current.duckdb"
    link.symlink_to(real)
    report = load_warehouse(export(tmp_path / "src"), link, replace=True)
    assert report.ok, report.summary()
    assert link.is_symlink()
    assert differences(original, real) == {}
