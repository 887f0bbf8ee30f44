"""The peer bench's plumbing, without the peer (it lives in its own venv): rows compared by meaning,
and one sentence saying how to install it when it is missing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from evals import peer

OURS_COLUMNS = ["period_start", "period_end", "segment", "mrr"]
OURS_ROWS = [[dt.date(2026, 1, 1), dt.date(2026, 1, 31), "SMB", Decimal("160900.75")],
             [dt.date(2026, 1, 1), dt.date(2026, 1, 31), "Enterprise", Decimal("0")],  # our grid's zero fill
             [dt.date(2026, 2, 1), dt.date(2026, 2, 28), "SMB", Decimal("167748.87")]]


def test_the_same_values_for_the_same_groups_are_the_same_rows():
    theirs = (["month", "segment", "mrr"], [["2026-02-01", "SMB", 167748.87], ["2026-01-01", "SMB", 160900.75]])
    assert peer.same_rows((OURS_COLUMNS, OURS_ROWS), theirs)


@pytest.mark.parametrize("theirs", [
    (["month", "segment", "mrr"], [["2026-02-01", "SMB", 167748.87], ["2026-01-01", "SMB", 160900.76]]),
    (["month", "segment", "mrr"], [["2026-02-01", "SMB", 167748.87]]),
    (["month", "region", "mrr"], [["2026-02-01", "SMB", 167748.87], ["2026-01-01", "SMB", 160900.75]]),
    (["segment", "mrr"], [["SMB", 167748.87], ["SMB", 160900.75]]),
])
def test_a_value_group_or_column_that_differs_is_not_the_same(theirs):
    assert not peer.same_rows((OURS_COLUMNS, OURS_ROWS), theirs)


def test_a_snapshot_matches_on_its_groups_alone():
    ours = (["period_start", "period_end", "ticket_priority", "open_tickets"],
            [[dt.date(2026, 10, 1), dt.date(2026, 10, 31), "high", 411], [dt.date(2026, 10, 1), dt.date(2026, 10, 31),
                                                                          "low", 482]])
    assert peer.same_rows(ours, (["priority", "ticket_volume"], [["low", 482], ["high", 411]]))
    assert not peer.same_rows(ours, (["priority", "ticket_volume"], [["low", 411], ["high", 482]]))


def test_every_peer_query_has_a_question_of_ours():
    source = peer.PEER_SCRIPT.read_text()
    assert all(f'"{name}":' in source for name in peer.QUESTIONS)


def test_a_missing_peer_venv_says_how_to_make_it(monkeypatch, tmp_path):
    monkeypatch.setenv(peer.PEER_PYTHON_ENV, str(tmp_path / "nowhere" / "python"))
    with pytest.raises(ValueError, match=r"needs boring-semantic-layer in its own venv.*python -m evals.peer --install"):
        peer.peer_python()


def test_the_peer_is_not_in_this_venv():
    import importlib.util

    assert importlib.util.find_spec("boring_semantic_layer") is None and importlib.util.find_spec("ibis") is None


def test_the_peer_venv_installs_the_extra_that_pyproject_declares():
    requirements = peer.peer_requirements()
    assert any(r.startswith("boring-semantic-layer") for r in requirements)
    assert any(r.startswith("ibis-framework") for r in requirements)
