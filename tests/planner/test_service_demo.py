"""End to end on the demo warehouse: `Assistant.ask` against independent, hand-written SQL.

The independent SQL runs on a cursor of the assistant's own connection (DuckDB refuses a
second connection to the file with another configuration), straight on the contract
tables, never through the semantic layer.
"""

from __future__ import annotations

import json

import pytest

from assistant.answer import Status
from assistant.conversation import Conversation
from assistant.viewer import Viewer

CSM = "C028"


def independent(assistant, sql: str) -> list[tuple]:
    cursor = assistant.runner.con.cursor()
    try:
        return cursor.execute(sql).fetchall()
    finally:
        cursor.close()


def value(answer, column: str):
    return answer.rows[0][answer.columns.index(column)]


def test_as_of_comes_from_the_warehouse(assistant):
    assert assistant.as_of.isoformat() == independent(
        assistant, "SELECT value FROM warehouse_meta WHERE key = 'as_of_date'")[0][0]


def test_nrr_last_quarter_matches_the_definition(assistant):
    (expected,) = independent(assistant, """
        WITH june AS (SELECT account_id, mrr FROM account_mrr_monthly WHERE month = DATE '2026-06-01'),
             sept AS (SELECT account_id, mrr FROM account_mrr_monthly WHERE month = DATE '2026-09-01')
        SELECT SUM(COALESCE(sept.mrr, 0)) * 100.0 / SUM(june.mrr) FROM june LEFT JOIN sept USING (account_id)""")[0]
    answer = assistant.ask("whats our nrr last qtr?")
    assert answer.status is Status.ANSWERED and answer.planner == "rules"
    assert value(answer, "nrr") == pytest.approx(float(expected), abs=1e-6)
    assert "Net revenue retention" in answer.message and "Q3 2026" in answer.message
    assert answer.chart is None


def test_csat_for_smb_in_september(assistant):
    (expected,) = independent(assistant, """
        SELECT COUNT(*) FILTER (WHERE s.score >= 4) * 100.0 / COUNT(*)
        FROM survey_responses s JOIN accounts a USING (account_id)
        WHERE s.survey_type = 'csat' AND a.segment = 'SMB'
          AND s.responded_at >= TIMESTAMP '2026-09-01' AND s.responded_at < TIMESTAMP '2026-10-01'""")[0]
    answer = assistant.ask("csat for smb in september 2026")
    assert value(answer, "csat") == pytest.approx(float(expected), abs=1e-6)
    assert "where segment is SMB" in answer.message


def test_tickets_by_category_is_a_bar_chart_with_every_category(assistant):
    expected = dict(independent(assistant, """
        SELECT category, COUNT(*) FROM tickets
        WHERE opened_at >= TIMESTAMP '2026-07-01' AND opened_at < TIMESTAMP '2026-10-01' GROUP BY 1"""))
    answer = assistant.ask("ticket volume by category in q3 2026")
    got = {row[answer.columns.index("ticket_category")]: row[answer.columns.index("ticket_volume")] for row in answer.rows}
    assert got == expected
    assert answer.chart == {"kind": "bar", "x": "ticket_category", "y": ["ticket_volume"], "series": None, "order": "value"}


def test_accounts_renewing_in_the_next_90_days(assistant):
    expected = {name for (name,) in independent(assistant, """
        SELECT DISTINCT a.name FROM renewals r JOIN accounts a USING (account_id)
        WHERE r.term_end > DATE '2026-10-31' AND r.term_end <= DATE '2026-10-31' + INTERVAL 90 DAY
          AND (r.closed_on IS NULL OR r.closed_on > DATE '2026-10-31')""")}  # a term renewed early is not coming up
    answer = assistant.ask("which accounts renew in the next 90 days")
    assert {row[answer.columns.index("account_name")] for row in answer.rows} == expected
    days = [row[answer.columns.index("days_to_renewal")] for row in answer.rows]
    assert days == sorted(days) and max(days) <= 90


def test_a_csm_asking_about_all_accounts_gets_their_book_and_is_told(assistant):
    (book_mrr,) = independent(assistant, f"""
        SELECT SUM(m.mrr) FROM account_mrr_monthly m JOIN accounts a USING (account_id)
        WHERE m.month = DATE '2026-10-01' AND a.csm_id = '{CSM}'""")[0]
    answer = assistant.ask("total mrr across all accounts in october", Viewer.csm(CSM))
    assert float(value(answer, "mrr")) == pytest.approx(float(book_mrr))
    assert "your book of accounts" in answer.message


def test_a_csm_list_of_at_risk_accounts_holds_only_their_accounts(assistant):
    book = {name for (name,) in independent(assistant, f"SELECT name FROM accounts WHERE csm_id = '{CSM}'")}
    answer = assistant.ask("which of my accounts are health-risk accounts", Viewer.csm(CSM))
    names = {row[answer.columns.index("account_name")] for row in answer.rows}
    assert names and names <= book
    assert any(CSM in w for w in answer.warnings)


def test_a_follow_up_in_a_conversation(assistant):
    chat = Conversation()
    assistant.ask("nps last quarter", conversation=chat)
    answer = assistant.ask("break that down by segment", conversation=chat)
    assert answer.columns[:3] == ["period_start", "period_end", "segment"] and len(answer.rows) == 3
    assert [t.status for t in chat.turns] == [Status.ANSWERED, Status.ANSWERED]
    assert chat.last_query().dimensions == ("segment",)


def test_nps_per_csm_warns_of_small_samples(assistant):
    answer = assistant.ask("nps by csm last quarter")
    assert any(w.startswith("Small sample: Net promoter score") for w in answer.warnings)


def test_an_incomplete_quarter_is_flagged(assistant):
    answer = assistant.ask("tickets this quarter")
    assert any("not complete" in w for w in answer.warnings)


def test_ambiguity_without_an_agent_is_a_clarifying_answer(assistant):
    answer = assistant.ask("churn last month")
    assert (answer.status, answer.planner) == (Status.CLARIFY, "none")
    assert len(answer.options) == 2 and answer.route_reason


def test_json_has_the_agreed_keys(assistant):
    data = json.loads(assistant.ask("grr trend by segment").to_json())
    assert {"question", "status", "message", "interpretation", "sql", "columns", "rows", "metrics", "planner",
            "timings_ms", "chart", "options", "query", "confidence", "unused_words", "route_reason"} <= set(data)
    assert data["chart"]["kind"] == "line" and data["query"]["grain"] == "quarter"


def test_freehand_sql_is_marked_as_outside_the_definitions(assistant):
    answer = assistant.run_sql("SELECT COUNT(*) AS n FROM accounts", Viewer.csm(CSM))
    (book,) = independent(assistant, f"SELECT COUNT(*) FROM accounts WHERE csm_id = '{CSM}'")[0]
    assert answer.rows == [[book]]
    assert answer.warnings[0].startswith("Freehand SQL")


class _RecordingAgent:
    """Stands in for the LLM agent: records what it was asked and answers with a fixed Answer."""

    def __init__(self):
        self.asked = []

    def answer(self, question, viewer, conversation, assistant):
        from assistant.answer import Answer

        self.asked.append((question, viewer, assistant.as_of))
        return Answer(question, Status.ANSWERED, "from the agent", planner="llm")


def test_the_agent_answers_only_what_the_rules_are_unsure_of(demo_warehouse_path):
    from assistant.service import Assistant

    agent = _RecordingAgent()
    with Assistant(demo_warehouse_path, agent=agent) as routed:
        sure = routed.ask("nrr last quarter")
        unsure = routed.ask("which competitors are our churned customers moving to")
    assert (sure.planner, unsure.planner) == ("rules", "llm")
    assert [q for q, _, _ in agent.asked] == ["which competitors are our churned customers moving to"]
    assert "agent answered" in unsure.route_reason and unsure.confidence < 0.6


def test_junk_and_catalogue_ambiguity_never_reach_the_agent(demo_warehouse_path):
    from assistant.service import Assistant

    agent = _RecordingAgent()
    with Assistant(demo_warehouse_path, agent=agent) as routed:
        answers = [routed.ask(q) for q in ("", "🙂🙂", "x" * 5000, "churn last month", "forecast nrr next year")]
    assert agent.asked == []
    assert [str(a.status) for a in answers] == ["unanswerable"] * 3 + ["clarify", "unanswerable"]


def test_a_blended_number_says_which_segment_it_hides(assistant):
    by_segment = dict(independent(assistant, """
        SELECT a.segment, 100.0 * SUM(COALESCE(e.mrr, 0)) / SUM(b.mrr)
        FROM account_mrr_monthly b JOIN accounts a USING (account_id)
        LEFT JOIN account_mrr_monthly e ON e.account_id = b.account_id AND e.month = DATE '2026-09-01'
        WHERE b.month = DATE '2026-06-01' AND b.mrr > 0
        GROUP BY a.segment"""))
    shrinking = [s for s, nrr in by_segment.items() if nrr < 100]
    assert len(shrinking) == 1  # the demo data's one weak segment in Q3 2026; the others are at or above 100%
    others = sorted(v for s, v in by_segment.items() if s != shrinking[0])
    answer = assistant.ask("what is our nrr last quarter")
    assert (f"Blended, this hides a departure: {shrinking[0]} departs from the rest on Net revenue retention "
            f"({by_segment[shrinking[0]]:.1f}% against {others[0]:.1f}%–{others[-1]:.1f}% elsewhere)") in answer.message
    assert "hides" not in assistant.ask("nrr for smb last quarter").message


def test_a_csm_asking_about_another_csms_account_is_told_it_is_not_in_their_book(assistant):
    (other,) = independent(assistant, f"SELECT min(name) FROM accounts WHERE csm_id <> '{CSM}' AND csm_id IS NOT NULL")[0:1]
    answer = assistant.ask(f"health score for {other[0]}", Viewer.csm(CSM))
    assert answer.status is Status.UNANSWERABLE and answer.message.startswith(f"No account in your book is called “{other[0]}”")
    assert not answer.rows
    assert assistant.ask(f"health score for {other[0]}", Viewer.leader()).status is Status.ANSWERED


def test_a_planner_failure_is_a_sentence_for_the_user_and_the_detail_for_the_analyst(assistant, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("a period cannot end before it starts")

    monkeypatch.setattr("assistant.service.plan_question", broken)
    answer = assistant.ask("nrr for q3 and q2")
    assert answer.status is Status.UNANSWERABLE
    assert "Traceback" not in answer.message and "period cannot end" not in answer.message
    assert "period cannot end" in answer.route_reason


def test_a_csm_asking_about_another_csms_book_is_told_it_is_not_theirs_not_shown_zero(assistant):
    (other,) = independent(assistant, f"SELECT min(name) FROM csms WHERE csm_id <> '{CSM}' AND csm_id IN "
                                      "(SELECT csm_id FROM accounts)")[0:1]
    (own,) = independent(assistant, f"SELECT name FROM csms WHERE csm_id = '{CSM}'")[0:1]
    answer = assistant.ask(f"mrr of {other[0]}'s accounts", Viewer.csm(CSM))
    assert answer.status is Status.UNANSWERABLE and answer.message.startswith(f"{other[0]}'s accounts are not in your book")
    assert assistant.ask(f"mrr of {own[0]}'s accounts", Viewer.csm(CSM)).status is Status.ANSWERED


def test_an_account_outside_the_book_is_one_sentence_without_the_planners_notes(assistant):
    conversation, leila = Conversation(), Viewer.csm("C005")
    assistant.ask("who renews in the next 90 days?", leila, conversation)
    answer = assistant.ask("how's Ostersys Legal Ltd doing", leila, conversation)  # read as a follow-up
    assert answer.status is Status.UNANSWERABLE
    assert answer.message.startswith("No account in your book is called “Ostersys Legal Ltd”")
    assert answer.warnings == []
