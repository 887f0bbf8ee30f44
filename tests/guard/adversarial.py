"""Loads tests/guard/adversarial.yaml: the statements the guard must refuse."""

from __future__ import annotations

from pathlib import Path

import yaml

CASES_PATH = Path(__file__).with_name("adversarial.yaml")

# Inputs too large to write out in the data file.
EXPANSIONS = {
    "{LONG_TEXT}": "x" * 20_000,
    "{HUGE_QUERY}": "SELECT " + "1 + " * 30_000 + "1",
    "{DEEP_PARENS}": "(" * 300 + "1" + ")" * 300,
    "{DEEP_SUBQUERIES}": "SELECT * FROM " + "(SELECT * FROM " * 150 + "accounts" + ") AS t" * 150,
    "{DEEP_CALLS}": "abs(" * 300 + "1" + ")" * 300,
    "{DEEP_NOT}": "NOT " * 500 + "true",
    "{DEEP_CASE}": "CASE WHEN true THEN " * 200 + "1" + " END" * 200,
    "{DEEP_ARRAY}": "[" * 300 + "1" + "]" * 300,
    "{DEEP_UNION}": "SELECT 1" + " UNION SELECT 1" * 300,
}


def _expand(sql: str) -> str:
    for placeholder, text in EXPANSIONS.items():
        sql = sql.replace(placeholder, text)
    return sql


def load_cases() -> list[tuple[str, str]]:
    """(category, sql) pairs, placeholders expanded."""
    return [(category, _expand(sql)) for category, sql in yaml.safe_load(CASES_PATH.read_text(encoding="utf-8"))]
