"""`check_warehouse`: a valid warehouse passes; each kind of breakage is reported exactly.

Each case takes the tiny valid warehouse, applies one mutation (SQL), and states the exact
problem lines a user must see. Tables with constraints are rebuilt with CREATE TABLE AS
(which drops them) where the mutation must break a constraint DuckDB would enforce.
"""

from __future__ import annotations

import hashlib
import shutil

import duckdb
import pytest
from fixtures.tiny_warehouse import build_tiny_warehouse

from assistant.cli import main
from data import contract
from data.check import HAPPENED, NON_NEGATIVE, SCHEDULED, check_warehouse

CASES = [
    # (name, mutation, expected problem lines)
    ("missing table", "DROP TABLE trials", ["trials: table is missing"]),
    ("missing referenced table hides its orphans", "DROP TABLE csms", ["csms: table is missing"]),
    ("missing column", "ALTER TABLE accounts DROP COLUMN seats_purchased", ["accounts.seats_purchased: column is missing"]),
    ("wrong type", "ALTER TABLE account_mrr_monthly ALTER mrr TYPE DOUBLE",
     ["account_mrr_monthly.mrr: type is DOUBLE, the contract says DECIMAL(14,2)"]),
    ("date stored as text", "ALTER TABLE health_scores_weekly ALTER week_start TYPE VARCHAR",
     ["health_scores_weekly.week_start: type is VARCHAR, the contract says DATE"]),
    ("wider integer and decimal are compatible",
     "ALTER TABLE accounts ALTER seats_purchased TYPE BIGINT; "
     "ALTER TABLE renewals ALTER arr_up_for_renewal TYPE DECIMAL(18,2)", []),
    ("float score is not compatible", "ALTER TABLE health_scores_weekly ALTER usage_score TYPE FLOAT",
     ["health_scores_weekly.usage_score: type is FLOAT, the contract says DOUBLE"]),
    ("time zone-aware timestamps are not compatible", "ALTER TABLE tickets ALTER opened_at TYPE TIMESTAMPTZ",
     ["tickets.opened_at: type is TIMESTAMP WITH TIME ZONE, the contract says TIMESTAMP"]),
    ("names match whatever their case, as in DuckDB",
     "ALTER TABLE spend_monthly RENAME TO \"Spend_Monthly\"; "
     "ALTER TABLE \"Spend_Monthly\" RENAME department TO \"Department\"", []),
    ("NULL in a NOT NULL column",
     "CREATE OR REPLACE TABLE accounts AS SELECT * REPLACE "
     "(CASE WHEN account_id = 'A002' THEN NULL ELSE industry END AS industry) FROM accounts",
     ["accounts.industry: 1 row with NULL, e.g. account_id='A002', industry=NULL"]),
    ("duplicate primary key",
     "CREATE OR REPLACE TABLE tickets AS SELECT * FROM tickets UNION ALL "
     "SELECT * FROM tickets WHERE ticket_id = 'T003'",
     ["tickets.ticket_id: 1 duplicate value over 2 rows, e.g. ticket_id='T003'"]),
    ("duplicate unique account name",
     "CREATE OR REPLACE TABLE accounts AS SELECT * REPLACE "
     "(CASE WHEN account_id = 'A004' THEN 'Bluebird Dental' ELSE name END AS name) FROM accounts",
     ["accounts.name: 1 duplicate value over 2 rows, e.g. name='Bluebird Dental'"]),
    ("orphan foreign key", "UPDATE tickets SET account_id = 'A999' WHERE ticket_id = 'T004'",
     ["tickets.account_id: 1 row with no matching accounts.account_id, e.g. ticket_id='T004', account_id='A999'"]),
    ("orphan nullable foreign key", "UPDATE accounts SET csm_id = 'C09' WHERE account_id = 'A002'",
     ["accounts.csm_id: 1 row with no matching csms.csm_id, e.g. account_id='A002', csm_id='C09'"]),
    ("two orphan foreign keys in one table",
     "UPDATE feature_usage_daily SET user_id = 'U999', feature = 'sso' WHERE activity_date = DATE '2026-10-27'",
     ["feature_usage_daily.user_id: 1 row with no matching users.user_id, "
      "e.g. account_id='A004', user_id='U999', activity_date=2026-10-27, feature='sso'",
      "feature_usage_daily.feature: 1 row with no matching features.feature, "
      "e.g. account_id='A004', user_id='U999', activity_date=2026-10-27, feature='sso'"]),
    ("a duplicated referenced key does not multiply orphans",
     "CREATE OR REPLACE TABLE csms AS FROM csms UNION ALL FROM csms WHERE csm_id = 'C02'; "
     "UPDATE meetings SET account_id = 'A999' WHERE meeting_id = 'M003'",
     ["csms.csm_id: 1 duplicate value over 2 rows, e.g. csm_id='C02'",
      "meetings.account_id: 1 row with no matching accounts.account_id, e.g. meeting_id='M003', account_id='A999'"]),
    ("non-positive MRR, first example by key",
     "UPDATE account_mrr_monthly SET mrr = 0 WHERE account_id = 'A004' AND month = DATE '2026-10-01'; "
     "UPDATE account_mrr_monthly SET mrr = -10 WHERE account_id = 'A002' AND month = DATE '2026-09-01'",
     ["account_mrr_monthly.mrr: 2 rows with non-positive MRR, e.g. account_id='A002', month=2026-09-01, mrr=-10.00"]),
    ("duplicate MRR month", "INSERT INTO account_mrr_monthly VALUES ('A001', DATE '2026-10-01', 500)",
     ["account_mrr_monthly (account_id, month): 1 duplicate key over 2 rows, e.g. account_id='A001', month=2026-10-01"]),
    ("MRR month not on the first",
     "UPDATE account_mrr_monthly SET month = DATE '2026-10-31' WHERE account_id = 'A004' AND month = DATE '2026-10-01'",
     ["account_mrr_monthly.month: 1 row not on the first day of the month, e.g. account_id='A004', month=2026-10-31"]),
    ("spend month not on the first", "UPDATE spend_monthly SET month = DATE '2026-10-15' WHERE department = 'sales'",
     ["spend_monthly.month: 1 row not on the first day of the month, e.g. month=2026-10-15, department='sales'"]),
    ("health week not a Monday", "UPDATE health_scores_weekly SET week_start = DATE '2026-10-25' WHERE account_id = 'A002'",
     ["health_scores_weekly.week_start: 1 row with a week_start that is not a Monday, "
      "e.g. account_id='A002', week_start=2026-10-25"]),
    ("component score above 100", "UPDATE health_scores_weekly SET usage_score = 100.5 WHERE account_id = 'A003'",
     ["health_scores_weekly.usage_score: 1 row outside 0-100, e.g. account_id='A003', week_start=2026-08-24, usage_score=100.5"]),
    ("health score below 0", "UPDATE health_scores_weekly SET health_score = -1 WHERE account_id = 'A004'",
     ["health_scores_weekly.health_score: 1 row outside 0-100, e.g. account_id='A004', week_start=2026-10-26, health_score=-1.0"]),
    ("nps above 10", "UPDATE survey_responses SET score = 11 WHERE response_id = 'R001'",
     ["survey_responses (survey_type, score): 1 row with a score outside its survey type's scale "
      "(nps 0-10, csat 1-5, ces 1-7), e.g. response_id='R001', survey_type='nps', score=11"]),
    ("csat of 0", "UPDATE survey_responses SET score = 0 WHERE response_id = 'R002'",
     ["survey_responses (survey_type, score): 1 row with a score outside its survey type's scale "
      "(nps 0-10, csat 1-5, ces 1-7), e.g. response_id='R002', survey_type='csat', score=0"]),
    ("ces of 8", "UPDATE survey_responses SET score = 8 WHERE response_id = 'R003'",
     ["survey_responses (survey_type, score): 1 row with a score outside its survey type's scale "
      "(nps 0-10, csat 1-5, ces 1-7), e.g. response_id='R003', survey_type='ces', score=8"]),
    ("scores on the edges of their scales",
     "UPDATE survey_responses SET score = 0 WHERE response_id = 'R004'; "
     "UPDATE survey_responses SET score = 10 WHERE response_id = 'R001'; "
     "UPDATE survey_responses SET score = 1 WHERE response_id = 'R002'; "
     "UPDATE survey_responses SET score = 7 WHERE response_id = 'R003'; "
     "UPDATE health_scores_weekly SET executive_score = 0, payment_score = 100", []),
    ("unknown survey type", "UPDATE survey_responses SET survey_type = 'pulse' WHERE response_id = 'R003'",
     ["survey_responses.survey_type: 1 row outside nps, csat, ces, e.g. response_id='R003', survey_type='pulse'"]),
    ("unknown ticket status", "UPDATE tickets SET status = 'closed' WHERE ticket_id = 'T003'",
     ["tickets.status: 1 row outside open, pending, resolved, e.g. ticket_id='T003', status='closed'"]),
    ("unknown renewal outcome", "UPDATE renewals SET outcome = 'lost' WHERE renewal_id = 'RN002'",
     ["renewals.outcome: 1 row outside renewed, churned, pending, e.g. renewal_id='RN002', outcome='lost'"]),
    ("unknown milestone", "UPDATE onboarding_milestones SET milestone = 'go_live' WHERE milestone = 'first_value'",
     ["onboarding_milestones.milestone: 2 rows outside kickoff, admin_setup, integration, training, first_value, "
      "e.g. account_id='A002', milestone='go_live'"]),
    ("unknown priority", "UPDATE tickets SET priority = 'critical' WHERE ticket_id = 'T004'",
     ["tickets.priority: 1 row outside low, normal, high, urgent, e.g. ticket_id='T004', priority='critical'"]),
    ("a team's own labels are free",
     "UPDATE accounts SET segment = 'Strategic', industry = 'Aerospace', region = 'Nordics', plan = 'Pro', "
     "acquisition_channel = 'events' WHERE account_id = 'A001'; "
     "UPDATE tickets SET channel = 'slack', category = 'outage' WHERE ticket_id = 'T001'; "
     "UPDATE trials SET channel = 'webinar', segment = 'Startup'; UPDATE csms SET team = 'Renewals'", []),
    ("as_of_date missing", "DELETE FROM warehouse_meta WHERE key = 'as_of_date'",
     ["warehouse_meta.as_of_date: no row with key 'as_of_date'; add one holding the last complete day of data, "
      "e.g. key='as_of_date', value='2026-10-31'"]),
    ("as_of_date unparsable", "UPDATE warehouse_meta SET value = 'last Tuesday' WHERE key = 'as_of_date'",
     ["warehouse_meta.as_of_date: value 'last Tuesday' is not a date; write it as YYYY-MM-DD"]),
    ("as_of_date not a real day", "UPDATE warehouse_meta SET value = '2026-02-30' WHERE key = 'as_of_date'",
     ["warehouse_meta.as_of_date: value '2026-02-30' is not a date; write it as YYYY-MM-DD"]),
    ("as_of_date in another ISO form", "UPDATE warehouse_meta SET value = '20261031' WHERE key = 'as_of_date'",
     ["warehouse_meta.as_of_date: value '20261031' is not a date; write it as YYYY-MM-DD"]),
    ("resolved ticket without contacts", "UPDATE tickets SET contacts_to_resolve = NULL WHERE ticket_id = 'T002'",
     ["tickets (status, contacts_to_resolve): 1 row resolved with NULL contacts_to_resolve, "
      "e.g. ticket_id='T002', status='resolved', contacts_to_resolve=NULL"]),
    ("contacts below one", "UPDATE tickets SET contacts_to_resolve = 0 WHERE ticket_id = 'T001'",
     ["tickets.contacts_to_resolve: 1 row with contacts_to_resolve below 1, e.g. ticket_id='T001', contacts_to_resolve=0"]),
    ("first response before opening",
     "UPDATE tickets SET first_response_at = TIMESTAMP '2026-10-28 07:30:00' WHERE ticket_id = 'T003'",
     ["tickets (opened_at, first_response_at): 1 row with first_response_at before opened_at, "
      "e.g. ticket_id='T003', opened_at=2026-10-28 08:00:00, first_response_at=2026-10-28 07:30:00"]),
    ("resolved before opening",
     "UPDATE tickets SET resolved_at = TIMESTAMP '2026-08-02 16:00:00' WHERE ticket_id = 'T002'",
     ["tickets (opened_at, resolved_at): 1 row with resolved_at before opened_at, "
      "e.g. ticket_id='T002', opened_at=2026-08-03 11:00:00, resolved_at=2026-08-02 16:00:00"]),
    ("a meeting after as_of_date", "UPDATE meetings SET meeting_date = DATE '2099-01-01' WHERE meeting_id = 'M003'",
     ["meetings.meeting_date: 1 row after as_of_date 2026-10-31, e.g. meeting_id='M003', meeting_date=2099-01-01"]),
    ("an instant on the day after as_of_date",
     "UPDATE survey_responses SET responded_at = TIMESTAMP '2026-11-01 00:00:00' WHERE response_id = 'R001'",
     ["survey_responses.responded_at: 1 row after as_of_date 2026-10-31, "
      "e.g. response_id='R001', responded_at=2026-11-01 00:00:00"]),
    ("an MRR month after as_of_date",
     "UPDATE account_mrr_monthly SET month = DATE '2026-11-01' WHERE account_id = 'A004' AND month = DATE '2026-10-01'",
     ["account_mrr_monthly.month: 1 row after as_of_date 2026-10-31, e.g. account_id='A004', month=2026-11-01"]),
    ("the last second of as_of_date, and scheduled dates ahead of it",
     "UPDATE survey_responses SET responded_at = TIMESTAMP '2026-10-31 23:59:59' WHERE response_id = 'R001'; "
     "UPDATE renewals SET term_end = DATE '2099-01-31' WHERE renewal_id = 'RN002'; "
     "UPDATE onboarding_milestones SET due_on = DATE '2099-01-31' WHERE milestone = 'first_value'", []),
    ("negative seats", "UPDATE accounts SET seats_purchased = -5 WHERE account_id = 'A002'",
     ["accounts.seats_purchased: 1 row below 0, e.g. account_id='A002', seats_purchased=-5"]),
    ("negative spend", "UPDATE spend_monthly SET amount = -1 WHERE department = 'sales'",
     ["spend_monthly.amount: 1 row below 0, e.g. month=2026-10-01, department='sales', amount=-1.00"]),
    ("zero seats and zero minutes are possible",
     "UPDATE accounts SET seats_purchased = 0 WHERE account_id = 'A002'; UPDATE user_activity_daily SET minutes_active = 0", []),
    # The tiny data's last week starts on Monday 2026-10-26 and so runs to Sunday 2026-11-01.
    ("as_of_date after the data ends", "UPDATE warehouse_meta SET value = '2099-12-31' WHERE key = 'as_of_date'",
     ["warehouse_meta.as_of_date: 2099-12-31 is after the last day the data covers (2026-11-01 in "
      "health_scores_weekly.week_start); it must be the last complete day of data"]),
    # Before the first CSM was hired every row would be after as_of_date; that is said once.
    ("as_of_date before the data starts", "UPDATE warehouse_meta SET value = '2020-01-01' WHERE key = 'as_of_date'",
     ["warehouse_meta.as_of_date: 2020-01-01 is before the data starts (2023-04-03 in csms.hired_on); "
      "it must be the last complete day of data"]),
    ("every problem at once",
     "DROP TABLE features; UPDATE tickets SET status = 'closed' WHERE ticket_id = 'T003'",
     ["features: table is missing",
      "tickets.status: 1 row outside open, pending, resolved, e.g. ticket_id='T003', status='closed'"]),
]


@pytest.fixture(scope="module")
def valid_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("valid") / "tiny.duckdb"
    build_tiny_warehouse(path)
    return path


def broken_copy(valid_file, tmp_path, mutation: str):
    path = tmp_path / "broken.duckdb"
    shutil.copy(valid_file, path)
    with duckdb.connect(str(path)) as con:
        con.execute(mutation)
    return path


def lines(path) -> list[str]:
    return [problem.line() for problem in check_warehouse(path)]


def test_the_tiny_valid_warehouse_has_no_problems(valid_file):
    assert lines(valid_file) == []


@pytest.mark.parametrize(("mutation", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_kind_of_problem_is_reported_exactly(valid_file, tmp_path, mutation, expected):
    assert lines(broken_copy(valid_file, tmp_path, mutation)) == expected


def test_a_nonexistent_file_is_one_problem(tmp_path):
    path = tmp_path / "nowhere.duckdb"
    assert lines(path) == [f"{path}: does not exist"]


def test_a_file_that_is_not_duckdb_is_one_problem(tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_text("account_id,name\nA001,Northwind Logistics\n")
    [line] = lines(path)
    assert line.startswith(f"{path}: cannot be opened as a DuckDB database (")


def test_checking_leaves_the_file_byte_for_byte_unchanged(valid_file, tmp_path):
    path = broken_copy(valid_file, tmp_path, "UPDATE tickets SET status = 'closed'")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    assert lines(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.duckdb"]


def test_cli_exits_non_zero_and_prints_each_problem(valid_file, tmp_path, capsys):
    path = broken_copy(valid_file, tmp_path, "UPDATE tickets SET status = 'closed' WHERE ticket_id = 'T003'")
    assert main(["data", "check", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out == "tickets.status: 1 row outside open, pending, resolved, e.g. ticket_id='T003', status='closed'\n"
    assert err == f"1 problem(s) found in {path}.\n"


def test_cli_exits_zero_on_a_valid_warehouse(valid_file, capsys):
    assert main(["data", "check", "--warehouse", str(valid_file)]) == 0
    assert capsys.readouterr().out == f"{valid_file} satisfies the warehouse contract.\n"


def test_cli_reports_a_missing_file_in_one_line(tmp_path, capsys):
    path = tmp_path / "nowhere.duckdb"
    assert main(["data", "check", str(path)]) == 1
    assert capsys.readouterr().out == f"{path}: does not exist\n"


def test_every_date_column_is_declared_happened_or_scheduled():
    # A new date column must be placed: happened (never after as_of_date) or scheduled (may lie ahead).
    dates = {(t.name, c.name) for t in contract.tables().values() for c in t.columns if c.type in ("DATE", "TIMESTAMP")}
    happened = {(t, c) for t, cs in HAPPENED.items() for c in cs}
    scheduled = {(t, c) for t, cs in SCHEDULED.items() for c in cs}
    assert happened | scheduled == dates
    assert happened & scheduled == set()
    assert scheduled == {("renewals", "term_end"), ("onboarding_milestones", "due_on")}


def test_non_negative_columns_are_numbers_of_the_contract():
    for table, columns in NON_NEGATIVE.items():
        for column in columns:
            kind = contract.table(table).column(column).type
            assert kind == "INTEGER" or kind.startswith("DECIMAL"), (table, column, kind)
