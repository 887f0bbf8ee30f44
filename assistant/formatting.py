"""The one formatter of every number people read: in the narrative, the table, the chart and the list reasons.

A value is written by its metric's unit (104.2%, $12,400, $99.50, 23 days, 12.5 h, 0.42, 1,204);
a change carries its sign and a change of a percentage is in points (+2.1 pp). A change that
rounds to nothing is "0", never "+0.0". Missing values are a dash; text and dates pass through.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from collections.abc import Callable
from typing import Any

from semantic_layer.model import Unit

MISSING = "–"
MINUS = "−"  # the typographic minus, as the table and the narrative print it


def is_number(value: Any) -> bool:
    """A number to format (bool is not one: it reads yes/no)."""
    return isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool)


def _grouped(x: float, decimals: int) -> str:
    return f"{x:,.{decimals}f}"


def _plain(x: float) -> str:
    """An integer without decimals; anything else with one decimal, or two below 1 (0.25)."""
    return _grouped(x, 0) if float(x).is_integer() else _grouped(x, 1 if abs(x) >= 1 else 2)


def _money(x: float) -> str:
    """Whole dollars from $100 up (and for whole amounts), cents below: $12,400, $250, $99.50."""
    return f"${_grouped(x, 0 if abs(x) >= 100 or float(x).is_integer() else 2)}"


_UNIT_TEXT: dict[Unit, Callable[[float], str]] = {
    Unit.percent: lambda x: f"{_grouped(x, 1)}%",
    Unit.currency: _money,
    Unit.days: lambda x: f"{_plain(x)} day{'' if x == 1 else 's'}",
    Unit.hours: lambda x: f"{_plain(x)} h",
    Unit.minutes: lambda x: f"{_plain(x)} min",
    Unit.ratio: lambda x: _grouped(x, 2),
    Unit.count: _plain,
    Unit.score: lambda x: _grouped(x, 1),
}


def _rounds_to_zero(text: str) -> bool:
    return not any(c in "123456789" for c in text)


def format_value(value: Any, unit: Unit | None = None, *, signed: bool = False, points: bool = False) -> str:
    """A value as a person reads it, by unit: 104.2%, $1,250, $99.50, 34 days, 0.42, 1,204.

    `signed` puts + or − in front (for changes); `points` writes a change of a percentage
    as percentage points ("+2.1 pp"). Missing values are a dash; text and dates pass through.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if not is_number(value):
        return str(value)
    x = float(value)
    text = f"{_grouped(abs(x), 1)} pp" if points else _UNIT_TEXT.get(unit, _plain)(abs(x))
    if _rounds_to_zero(text):
        return _UNIT_TEXT.get(unit, _plain)(0) if not points else "0 pp"
    if signed:
        return ("+" if x > 0 else MINUS) + text
    return (MINUS + text) if x < 0 else text


def format_change(change: Any, unit: Unit | None) -> str:
    """A change of a metric's value, signed: +$1,250, −3.1 pp for a percentage, +4 days; "0" when it rounds to none."""
    return format_value(change, unit, signed=True, points=unit is Unit.percent)


def moved(change: Any, unit: Unit | None) -> bool:
    """Whether a change shows at all once formatted (a change of 0.04 points is no change)."""
    return is_number(change) and not _rounds_to_zero(format_change(change, unit))


def lower_first(label: str) -> str:
    """A label inside a sentence: 'Health score' → 'health score'; an acronym stays ('MRR', 'WAU', 'ARR at …')."""
    return label if len(label) > 1 and label[1].isupper() else label[:1].lower() + label[1:]
