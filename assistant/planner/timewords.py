"""Time words → a period, a grain and a comparison, resolved against the warehouse's as_of date.

A small range grammar ("last quarter", "Q3 2025", "past 90 days", "since March", "YoY",
"by month", "next 90 days"), because date parsers understand single dates only. Pure:
text and `as_of` in, `TimeWords` out; `spans` says which characters were used, so the
planner can tell which words remain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from semantic_layer.model import TimeGrain
from semantic_layer.periods import Period, add_months, grain_period, grain_start, month_end, trailing_days
from semantic_layer.query import Comparison

MONTHS = {name: i + 1 for i, name in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
     "december"))}
_MONTH = ("(?:january|jan|february|feb|march|mar|april|apr|may|june|jun|july|jul|august|aug|september|sept|sep"
          "|october|oct|november|nov|december|dec)")
_YEAR = r"((?:19|20)\d\d)"
_UNIT_GRAINS = {"day": TimeGrain.day, "week": TimeGrain.week, "month": TimeGrain.month,
                "quarter": TimeGrain.quarter, "year": TimeGrain.year}
_ADVERB_GRAINS = {"daily": TimeGrain.day, "weekly": TimeGrain.week, "monthly": TimeGrain.month,
                  "quarterly": TimeGrain.quarter, "yearly": TimeGrain.year, "annually": TimeGrain.year}


@dataclass
class TimeWords:
    """What the time words of a question asked for; None where the question said nothing."""

    period: Period | None = None
    grain: TimeGrain | None = None
    compare: Comparison | None = None
    horizon_days: int | None = None  # "in the next 90 days": a window after as_of
    trend: bool = False  # "trend", "over time": one row per period
    partial: str | None = None  # the named period is not complete at as_of
    spans: list[tuple[int, int]] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)


def _month_number(word: str) -> int:
    return next(number for name, number in MONTHS.items() if name.startswith(word[:3]))


def _latest_month(month: int, as_of: date) -> date:
    """The first day of the most recent `month` that has started by as_of."""
    year = as_of.year if month <= as_of.month else as_of.year - 1
    return date(year, month, 1)


def _whole_months_to(start: date, as_of: date) -> Period:
    """From `start` to as_of, ending on the last complete month when as_of is mid-month."""
    end = as_of if as_of == month_end(as_of) else grain_start(as_of, TimeGrain.month) - timedelta(days=1)
    return Period(start, max(end, month_end(start)) if end < start else end)


def _quarter(number: int, year: int | None, as_of: date) -> Period:
    if year is None:
        year = as_of.year if date(as_of.year, number * 3 - 2, 1) <= as_of else as_of.year - 1
    start = date(year, number * 3 - 2, 1)
    return Period(start, month_end(add_months(start, 2)))


def _year(text: str) -> int:
    value = int(text)
    return value + 2000 if value < 100 else value


def _current(grain: TimeGrain, as_of: date, words: TimeWords, name: str) -> Period:
    """The grain period holding as_of, up to as_of; noted as partial when it is not over yet."""
    whole = grain_period(grain, 0, as_of)
    if whole.end > as_of:
        words.partial = f"{name} is not complete: {whole.label()} counted up to {as_of.isoformat()}"
        return Period(whole.start, as_of)
    return whole


def _trailing(count: int, unit: str, as_of: date) -> Period:
    if unit == "day":
        return trailing_days(count, as_of)
    if unit == "week":
        return trailing_days(count * 7, as_of)
    months = count * {"month": 1, "quarter": 3, "year": 12}[unit]
    last = _whole_months_to(grain_start(as_of, TimeGrain.month), as_of).end
    return Period(add_months(grain_start(last, TimeGrain.month), 1 - months), last)


_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                 "ten": 10, "twelve": 12, "thirty": 30, "sixty": 60, "ninety": 90, "a": 1, "an": 1}
_COUNT = r"(\d+|" + "|".join(_NUMBER_WORDS) + r")"


def _count(text: str | None) -> int:
    if text is None:
        return 1
    return int(text) if text.isdigit() else _NUMBER_WORDS[text]


def _rules(as_of: date):
    """(pattern, action, kind) triples, most specific first; each action updates TimeWords from a match."""

    def compare(kind: Comparison, grain: TimeGrain | None = None):
        def act(m: re.Match, w: TimeWords) -> None:
            w.compare = kind
            if grain is not None and w.period is None:
                w.period = grain_period(grain, 0, as_of) if grain_period(grain, 0, as_of).end <= as_of else \
                    grain_period(grain, -1, as_of)
        return act

    def period(make):
        def act(m: re.Match, w: TimeWords) -> None:
            w.period = make(m, w)
        return act

    def grain(m: re.Match, w: TimeWords) -> None:
        word = m.group("g")
        w.grain = _ADVERB_GRAINS.get(word) or _UNIT_GRAINS[word.rstrip("s")]

    def trend(m: re.Match, w: TimeWords) -> None:
        w.trend = True

    def horizon(m: re.Match, w: TimeWords) -> None:
        unit = m.group("u").rstrip("s")
        w.horizon_days = _count(m.group("n")) * {"day": 1, "week": 7, "month": 30, "quarter": 91, "year": 365}[unit]

    def last_named(m: re.Match, w: TimeWords) -> Period:
        unit = m.group("u")
        return grain_period(_UNIT_GRAINS[unit], -1, as_of)

    def this_named(m: re.Match, w: TimeWords) -> Period:
        unit = m.group("u")
        return _current(_UNIT_GRAINS[unit], as_of, w, f"this {unit}")

    def to_date(m: re.Match, w: TimeWords) -> Period:
        unit = {"y": "year", "q": "quarter", "m": "month"}[m.group("u")[0]]
        return _current(_UNIT_GRAINS[unit], as_of, w, f"this {unit}")

    def quarter(m: re.Match, w: TimeWords) -> Period:
        year = m.group("y1") or m.group("y2")
        return _quarter(int(m.group("q")), _year(year) if year else None, as_of)

    def month(m: re.Match, w: TimeWords) -> Period:
        number = _month_number(m.group("m"))
        start = date(_year(m.group("y")), number, 1) if m.group("y") else _latest_month(number, as_of)
        return Period(start, month_end(start))

    def since(m: re.Match, w: TimeWords) -> Period:
        if m.group("m"):
            number = _month_number(m.group("m"))
            start = date(int(m.group("y")), number, 1) if m.group("y") else _latest_month(number, as_of)
        else:
            start = date(int(m.group("y")), 1, 1)
        return _whole_months_to(start, as_of)

    def month_range(m: re.Match, w: TimeWords) -> Period:
        first, last = _month_number(m.group("m1")), _month_number(m.group("m2"))
        year = int(m.group("y")) if m.group("y") else _latest_month(last, as_of).year
        start = date(year - (1 if first > last else 0), first, 1)
        return Period(start, month_end(date(year, last, 1)))

    def iso_month(m: re.Match, w: TimeWords) -> Period:
        return Period.months(f"{m.group('y')}-{m.group('mm')}")

    def year(m: re.Match, w: TimeWords) -> Period:
        value = int(m.group("y"))
        if value == as_of.year:
            return _current(TimeGrain.year, as_of, w, str(value))
        return Period(date(value, 1, 1), date(value, 12, 31))

    def trailing(m: re.Match, w: TimeWords) -> Period:
        return _trailing(_count(m.group("n")), m.group("u").rstrip("s"), as_of)

    return [
        (r"\b(?:yoy|y/y|year[- ]over[- ]year|(?:vs\.?|versus|compared (?:to|with)|than|against) "
         r"(?:the )?(?:same (?:period|time|month|quarter) )?(?:last year|a year (?:ago|earlier)|prior year|previous year)"
         r"|same (?:period|time) last year)\b", compare(Comparison.same_period_last_year), "compare"),
        (r"\b(?:mom|m/m|month[- ]over[- ]month|(?:vs\.?|versus|compared (?:to|with)|than|from) (?:the )?"
         r"(?:last|previous|prior) month)\b", compare(Comparison.previous_period, TimeGrain.month), "compare"),
        (r"\b(?:qoq|q/q|quarter[- ]over[- ]quarter|(?:vs\.?|versus|compared (?:to|with)|than|from) (?:the )?"
         r"(?:last|previous|prior) quarter)\b", compare(Comparison.previous_period, TimeGrain.quarter), "compare"),
        (r"\b(?:wow|w/w|week[- ]over[- ]week|(?:vs\.?|versus|compared (?:to|with)|than|from) (?:the )?"
         r"(?:last|previous|prior) week)\b", compare(Comparison.previous_period, TimeGrain.week), "compare"),
        (r"\b(?:in |within |over )?(?:the )?(?:next|coming|upcoming) (?:(?P<n>" + _COUNT[1:-1] + r") )?(?P<u>days?|weeks?|months?|quarters?|years?)\b",
         horizon, "horizon"),
        (r"\b(?:over |in |during |for )?(?:the )?(?:last|past|previous|trailing|prior) (?P<n>" + _COUNT[1:-1]
         + r") (?P<u>days?|weeks?|months?|quarters?|years?)\b", period(trailing), "period"),
        (r"\b(?:over |in |during |for )?(?:the )?(?:past|trailing) (?P<u>year|quarter|month|week)\b",
         period(lambda m, w: _trailing(1, m.group("u"), as_of)), "period"),
        (r"\b(?:in |during |for |over )?(?:the )?(?:last|previous|prior) (?P<u>day|week|month|quarter|year)\b",
         period(last_named), "period"),
        (r"\b(?:in |during |for |so far )?(?:this|the current|current) (?P<u>week|month|quarter|year)(?: so far)?\b",
         period(this_named), "period"),
        (r"\b(?P<u>ytd|qtd|mtd|year[- ]to[- ]date|quarter[- ]to[- ]date|month[- ]to[- ]date)\b", period(to_date), "period"),
        (r"\b(?:in |during |for )?(?:the )?q(?P<q>[1-4])(?:[ ']*(?P<y1>(?:19|20)?\d\d))?\b"
         r"|\b(?:in |during |for )?(?P<y2>(?:19|20)\d\d)[ -]?q(?P<q2>[1-4])\b",
         period(lambda m, w: _quarter(int(m.group("q") or m.group("q2")),
                                      _year(m.group("y1") or m.group("y2")) if (m.group("y1") or m.group("y2"))
                                      else None, as_of)), "period"),
        (r"\b(?:from |between )(?P<m1>" + _MONTH + r") (?:to|through|until|and|-) (?P<m2>"
         + _MONTH + r")(?: " + _YEAR.replace("(", "(?P<y>", 1) + r")?\b", period(month_range), "period"),
        (r"\b(?:since|from) (?:(?P<m>" + _MONTH + r")(?: (?P<y>(?:19|20)\d\d))?|(?P<yy>(?:19|20)\d\d))\b",
         period(lambda m, w: since(m, w) if m.group("m") else _whole_months_to(date(int(m.group("yy")), 1, 1), as_of)), "period"),
        (r"\b(?P<y>(?:19|20)\d\d)-(?P<mm>0[1-9]|1[0-2])\b", period(iso_month), "period"),
        (r"\b(?:in |during |for )?(?P<m>" + _MONTH + r")(?: (?P<y>(?:19|20)\d\d))?\b", period(month), "period"),
        (r"\b(?:in |during |for |fy ?)?(?P<y>(?:19|20)\d\d)\b", period(year), "period"),
        (r"\b(?:by|per|each|every|over|for each|broken down by|month by) (?P<g>day|week|month|quarter|year)s?\b"
         r"|\b(?P<g2>daily|weekly|monthly|quarterly|yearly|annually)\b",
         lambda m, w: grain(_Group(m, "g2") if m.group("g2") else m, w), "grain"),
        (r"\b(?:trend(?:s|ing|line)?|over time|time series|history|historically)\b", trend, "trend"),
    ]


class _Group:
    """A match whose group 'g' reads another group (for the adverb spelling of a grain)."""

    def __init__(self, match: re.Match, name: str):
        self._match, self._name = match, name

    def group(self, key: str):
        return self._match.group(self._name if key == "g" else key)


# A bare month word is only a month where it cannot be an English word ("may", "march on").
_AMBIGUOUS_MONTH = re.compile(r"\b(?:may|mar|march|jun|dec|sat|sun)\b")


def parse_time(text: str, as_of: date) -> TimeWords:
    """The time words of lower-cased `text`, resolved against `as_of`."""
    words = TimeWords()
    taken = [False] * len(text)
    for pattern, action, kind in _rules(as_of):
        for match in re.finditer(pattern, text):
            start, end = match.span()
            if any(taken[start:end]) or _bare_ambiguous_month(match):
                continue
            if kind == "period" and words.period is not None:
                continue  # the first, most specific, period phrase wins
            action(match, words)
            taken[start:end] = [True] * (end - start)
            words.spans.append((start, end))
            words.phrases.append(match.group(0).strip())
    return words


def _bare_ambiguous_month(match: re.Match) -> bool:
    groups = match.groupdict()
    if "m" not in groups or groups.get("m") is None or groups.get("y") or "mm" in groups:
        return False
    text = match.group(0).strip()
    return bool(_AMBIGUOUS_MONTH.fullmatch(text)) and not text.startswith(("in ", "during ", "for ", "since ", "from "))
