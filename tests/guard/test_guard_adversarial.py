"""Every statement in adversarial.yaml is refused, with a reason, by the guard and by the
runner, and the runner executes nothing (the warehouse checksum is compared at the end of
the session by the `tiny_warehouse` fixture)."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from guard.adversarial import load_cases
from assistant.answer import Status
from assistant.guard import check_sql
from assistant.viewer import Viewer

CASES = load_cases()

# What the reason must say, for categories where one kind of reason is right.
EXPECTED_REASON = {
    "multi-statement": r"one statement",
    "file-reading": r"files or URLs",
    "cross-join": r"too many rows",
    "deeply-nested": r"nested too deeply|too many sub-queries",
    "huge-literal": r"too (long|large|many)",
    "destructive": r"read-only SELECT|session's settings",
}


def _ids() -> list[str]:
    seen: Counter[str] = Counter()
    ids = []
    for category, _ in CASES:
        seen[category] += 1
        ids.append(f"{category}-{seen[category]}")
    return ids


def test_the_suite_is_large_and_covers_every_category():
    counts = Counter(category for category, _ in CASES)
    assert len(CASES) >= 150
    for category in ["destructive", "exfiltrating", "file-reading", "multi-statement", "comment-smuggled",
                     "case-quote-obfuscated", "homoglyph", "huge-literal", "deeply-nested", "cross-join"]:
        assert counts[category] >= 5, category


@pytest.mark.parametrize(("category", "sql"), CASES, ids=_ids())
def test_guard_refuses_with_a_readable_reason(category, sql, demo_policy):
    verdict = check_sql(sql, demo_policy)
    assert not verdict.accepted
    assert verdict.sql is None and verdict.expression is None
    assert verdict.reason and "\n" not in verdict.reason and verdict.reason[-1] in ".?"
    assert verdict.detail
    if category in EXPECTED_REASON:
        assert re.search(EXPECTED_REASON[category], verdict.reason), verdict.reason


@pytest.mark.parametrize(("category", "sql"), CASES, ids=_ids())
def test_runner_refuses_and_executes_nothing(category, sql, runner, monkeypatch):
    executed = []
    monkeypatch.setattr(runner, "_execute", lambda *args: executed.append(args))
    for viewer in (Viewer.analyst(), Viewer.csm("c1")):
        answer = runner.run(sql, viewer)
        assert answer.status is Status.REFUSED
        assert answer.message == check_sql(sql, runner.policy).reason
        assert answer.rows == [] and answer.columns == []
    assert executed == []
