"""Grounding: every number the model writes must come from a tool result (or the question).

A stated number is grounded when some returned value rounds to it at the precision it is
written with ("104.2%" matches 104.23), scaled by its suffix ("$1.2M" matches 1,203,400),
or, for a percentage, as a share ("42%" matches 0.42). Signs are ignored ("down 3.2
points" states -3.2). Dates, years and labels such as Q3 are not quantities and are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

_DATE = re.compile(r"\b\d{4}-\d{2}(?:-\d{2})?\b")
_NUMBER = re.compile(
    r"(?<![\w.])[-−]?\$?(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?P<decimals>\.\d+)?(?![\w.]*\d)"
    r"\s?(?P<suffix>%|[kKmMbB]n?\b|bn\b)?"
)
_SCALE = {"k": 1e3, "m": 1e6, "b": 1e9, "bn": 1e9}
YEARS = range(1900, 2101)


@dataclass(frozen=True)
class Stated:
    """A number as written in the text: its value, decimals shown, and scale suffix."""

    text: str
    value: float
    decimals: int
    suffix: str  # "", "%", "k", "m", "b" or "bn"


def stated_numbers(text: str) -> list[Stated]:
    """The quantities written in `text`, leaving out dates and bare years."""
    found = []
    for match in _NUMBER.finditer(_DATE.sub(" ", text)):
        digits, decimals = match["digits"], match["decimals"] or ""
        suffix = (match["suffix"] or "").casefold()
        value = float(digits.replace(",", "") + decimals)
        if not decimals and not suffix and "," not in digits and int(digits) in YEARS:
            continue
        found.append(Stated(match[0].strip(), value, max(len(decimals) - 1, 0), suffix))
    return found


def values_in(payload: Any) -> set[float]:
    """Every number in a tool result: numeric fields at any depth, and numbers written in its strings."""
    numbers: set[float] = set()
    if isinstance(payload, bool) or payload is None:
        return numbers
    if isinstance(payload, (int, float, Decimal)):
        numbers.add(float(payload))
    elif isinstance(payload, str):
        numbers.update(s.value * _SCALE.get(s.suffix, 1) for s in stated_numbers(payload))
    elif isinstance(payload, dict):
        for value in payload.values():
            numbers |= values_in(value)
    elif isinstance(payload, (list, tuple)):
        for value in payload:
            numbers |= values_in(value)
    return numbers


def _matches(stated: Stated, value: float) -> bool:
    tolerance = 0.5 * 10 ** -stated.decimals + 1e-9
    candidates = [abs(value) / _SCALE.get(stated.suffix, 1)]
    if stated.suffix == "%":
        candidates.append(abs(value) * 100)
    return any(abs(c - stated.value) <= tolerance for c in candidates)


def ungrounded(text: str, sources: Iterable[Any]) -> list[str]:
    """The numbers written in `text` that no value in `sources` supports, as written."""
    values: set[float] = set()
    for source in sources:
        values |= values_in(source)
    return [s.text for s in stated_numbers(text) if not any(_matches(s, v) for v in values)]


def grounding_warning(numbers: list[str]) -> str | None:
    """The Answer warning for ungrounded numbers, or None when every number is grounded."""
    if not numbers:
        return None
    listed = ", ".join(dict.fromkeys(numbers))
    return (f"The model's text states {listed}, which no query it ran returned; "
            "check these against the rows before relying on them.")
