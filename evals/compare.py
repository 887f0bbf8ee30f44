"""Does an answer's table hold the expected rows? The comparator of the evaluation harness.

An answer passes when its columns can be matched one-to-one to the expected columns (an
injective mapping: extra answer columns are allowed) so that the answer's rows, projected on
the matched columns, equal the expected rows as a multiset (or as a sequence when the case
says the order matters; rows tied on every number may come in either order, as SQL leaves them). Cells are equal when both are NULL, when numbers agree within
the tolerance, when dates name the same day, or when their text is the same. Column names
never matter: the compiler's aliases are its own business.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

Row = Sequence[Any]


@dataclass(frozen=True)
class Tolerance:
    """Numbers agree when within `abs_tol` of each other, or within `rel_tol` of the larger."""

    abs_tol: float = 0.01
    rel_tol: float = 1e-6


@dataclass(frozen=True)
class Verdict:
    """The outcome of one comparison: `passed`, and if not, why, in one line."""

    passed: bool
    reason: str
    mapping: tuple[int, ...] = ()  # answer column index for each expected column


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, decimal.Decimal)):
        return float(value)
    return None


def _day(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return dt.date.fromisoformat(value[:10]) if value[10:] in ("", "T00:00:00", " 00:00:00") else None
        except ValueError:
            return None
    return None


def cells_equal(expected: Any, actual: Any, tolerance: Tolerance = Tolerance()) -> bool:
    """One expected cell against one answer cell: NULLs, numbers within tolerance, dates, text."""
    if expected is None or actual is None:
        return expected is None and actual is None
    x, y = _number(expected), _number(actual)
    if x is not None and y is not None:
        if math.isnan(x) or math.isnan(y):
            return math.isnan(x) and math.isnan(y)
        return math.isclose(x, y, rel_tol=tolerance.rel_tol, abs_tol=tolerance.abs_tol)
    if isinstance(expected, (dt.date, dt.datetime)) or isinstance(actual, (dt.date, dt.datetime)):
        a, b = _day(expected), _day(actual)
        if a is not None and b is not None:
            return a == b
        return str(expected) == str(actual)
    return str(expected) == str(actual)


def _sort_key(value: Any) -> tuple:
    # A key that puts equal cells next to each other; the check within tolerance follows.
    if value is None:
        return (0, "")
    number = _number(value)
    if number is not None:
        return (1, number)
    day = _day(value)
    if day is not None:
        return (2, day.isoformat())
    return (3, str(value))


def rows_equal(expected: Sequence[Row], actual: Sequence[Row], ordered: bool, tolerance: Tolerance) -> bool:
    """Two tables of the same width: equal as sequences, or as multisets when not `ordered`."""
    if len(expected) != len(actual):
        return False

    def same(e: Row, a: Row) -> bool:
        return all(cells_equal(x, y, tolerance) for x, y in zip(e, a))

    if ordered:  # rows tied on every number (24 and 24 open tickets) have no order between them
        start = 0
        for end in range(1, len(expected) + 1):
            if end == len(expected) or not _tied(expected[end - 1], expected[end], tolerance):
                if not rows_equal(expected[start:end], actual[start:end], False, tolerance):
                    return False
                start = end
        return True
    key = lambda row: tuple(_sort_key(v) for v in row)  # noqa: E731
    if all(same(e, a) for e, a in zip(sorted(expected, key=key), sorted(actual, key=key))):
        return True
    # Values near a rounding edge can sort apart: pair the rows as a bipartite matching, since a greedy pairing
    # can take a near value another row needed (0.874 and 0.883 are both within 0.01 of 0.880).
    return _perfect_matching([[j for j, a in enumerate(actual) if same(e, a)] for e in expected], len(actual))


def _tied(a: Row, b: Row, tolerance: Tolerance) -> bool:
    numbers = [(x, y) for x, y in zip(a, b) if _number(x) is not None]
    return bool(numbers) and all(cells_equal(x, y, tolerance) for x, y in numbers)


def _perfect_matching(options: list[list[int]], width: int) -> bool:
    """Whether every left item can be paired with its own right item from its options (augmenting paths)."""
    owner = [-1] * width  # right item -> the left item it is paired with
    for start in range(len(options)):
        came_from: dict[int, tuple[int, int]] = {}  # right item -> (left item that reached it, previous right item)
        frontier, free = [(start, -1)], None
        while frontier and free is None:
            left, via = frontier.pop()
            for j in options[left]:
                if j in came_from:
                    continue
                came_from[j] = (left, via)
                if owner[j] == -1:
                    free = j
                    break
                frontier.append((owner[j], j))
        if free is None:
            return False
        while free != -1:  # flip the pairs along the path back to the start
            left, via = came_from[free]
            owner[free] = left
            free = via
    return True


def _column(rows: Sequence[Row], index: int) -> list[Any]:
    return [row[index] for row in rows]


def _hundredth(value: Any) -> Any:
    number = _number(value)
    return value if number is None else number / 100


def _candidates(expected: Sequence[Row], actual: Sequence[Row], width: int, tolerance: Tolerance) -> list[list[int]]:
    """For each expected column, the answer columns holding the same multiset of values (a necessary condition)."""
    answer_width = len(actual[0]) if actual else 0
    return [[j for j in range(answer_width)
             if rows_equal([(v,) for v in _column(expected, i)], [(v,) for v in _column(actual, j)], False, tolerance)]
            for i in range(width)]


def _mappings(candidates: list[list[int]], taken: tuple[int, ...] = ()) -> Iterator[tuple[int, ...]]:
    if len(taken) == len(candidates):
        yield taken
        return
    for j in candidates[len(taken)]:
        if j not in taken:
            yield from _mappings(candidates, (*taken, j))


def compare_tables(expected_columns: Sequence[str], expected_rows: Sequence[Row], answer_columns: Sequence[str],
                   answer_rows: Sequence[Row], *, ordered: bool = False, tolerance: Tolerance = Tolerance(),
                   max_mappings: int = 10_000, percent_columns: Sequence[int] = ()) -> Verdict:
    """Whether the answer's table holds exactly the expected rows on some injective choice of its columns.

    A column the answer declares a percentage (`percent_columns`) may also match as the fraction it is out of 100:
    "seat utilization 85.3%" answers a case written as MAU ÷ seats = 0.853."""
    if percent_columns:
        answer_columns = [*answer_columns, *(f"{answer_columns[j]} ÷ 100" for j in percent_columns)]
        answer_rows = [[*row, *(_hundredth(row[j]) for j in percent_columns)] for row in answer_rows]
    width = len(expected_columns)
    if len(answer_rows) != len(expected_rows):
        return Verdict(False, f"expected {len(expected_rows)} row(s), the answer has {len(answer_rows)}")
    if len(answer_columns) < width:
        return Verdict(False, f"expected {width} column(s), the answer has only {len(answer_columns)}")
    if not expected_rows:
        return Verdict(True, "both sides are empty")
    candidates = _candidates(expected_rows, answer_rows, width, tolerance)
    unmatched = [expected_columns[i] for i, c in enumerate(candidates) if not c]
    if unmatched:
        return Verdict(False, f"no answer column holds the values of expected column(s) {', '.join(unmatched)}")
    for tried, mapping in enumerate(_mappings(candidates)):
        if tried >= max_mappings:
            break
        projected = [[row[j] for j in mapping] for row in answer_rows]
        if rows_equal(expected_rows, projected, ordered, tolerance):
            return Verdict(True, "rows match", mapping)
    order = " in order" if ordered else ""
    return Verdict(False, f"every expected column has a match, but no choice of columns gives the expected rows{order}")


def compare_status(expected: str, actual: str) -> Verdict:
    """A status case passes when the answer's status is the expected one."""
    if str(actual) == str(expected):
        return Verdict(True, f"status {actual}")
    return Verdict(False, f"expected status {expected}, the answer's status is {actual}")
