"""Time words → a period, a grain and a comparison, resolved against the warehouse's as_of date.

A small range grammar ("last quarter", "Q3 2025", "past 90 days", "since March", "YoY",
"by month", "next 90 days", "October vs September"), because date parsers understand
single dates only. Pure: text and `as_of` in, `TimeWords` out; `spans` says which
characters were used, so the planner can tell which words remain.

Two periods in one question are a comparison when the second is the period before the
first (previous period) or the same period a year earlier; otherwise they bound a range.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from semantic_layer.model import TimeGrain
from semantic_layer.periods import (
    Period, add_months, grain_period, grain_start, is_whole, month_end, next_grain_start, previous_period,
    same_period_last_year, trailing_days,
)
from semantic_layer.query import Comparison

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
_MONTH = ("(?:january|jan|february|feb|march|mar|april|apr|may|june|jun|july|jul|august|aug|september|sept|sep"
          "|october|oct|november|nov|december|dec)")
_YEAR = r"(?:19|20)\d\d"
_WEEKDAY = "(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_UNITS = r"(?:days?|weeks?|months?|quarters?|years?)"
_RELATIVE_YEAR = r"(?:last year|this year|next year|(?:the )?(?:previous|prior|coming|following) year|the year before)"
_SAME = r"(?:period|time|month|quarter|week|half|stretch|window|span|months|weeks|days)"  # "the same half last year"
_VS = r"(?:vs\.?|versus|compared (?:to|with)|against|than|from)"
# "4 weeks ago", "4 weeks back", "4 weeks earlier", "4 weeks before (that)": not "2 days before the renewal"
_AGO = r"(?:ago|back|earlier|prior|before(?= that| then|\s*[?.,!;)]|\s*$))"
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                 "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18, "thirty": 30, "sixty": 60, "ninety": 90,
                 "couple": 2, "a couple": 2, "a couple of": 2, "couple of": 2, "few": 3, "a few": 3}
_COUNT = r"(?:\d+|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
_DEFAULT_AHEAD_DAYS = 90  # "upcoming renewals" with no window: the next 90 days (the domain notes' renewal window)
_UNIT_GRAINS = {g.value: g for g in TimeGrain}
_ADVERB_GRAINS = {"daily": TimeGrain.day, "weekly": TimeGrain.week, "monthly": TimeGrain.month,
                  "quarterly": TimeGrain.quarter, "yearly": TimeGrain.year, "annually": TimeGrain.year}
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "quarter": 91, "year": 365}
# A bare month word that is also an English word is a month only next to a year or a preposition.
_AMBIGUOUS_MONTHS = frozenset({"may", "mar", "march", "jun", "dec", "jan"})
_BEFORE_A_MONTH = frozenset({"vs", "versus", "against", "on", "than", "since", "from", "to", "through", "thru", "until",
                             "till", "of", "before", "after", "end", "start"})


@dataclass
class TimeWords:
    """What the time words of a question asked for; None where the question said nothing."""

    period: Period | None = None
    grain: TimeGrain | None = None
    compare: Comparison | None = None
    compare_with: Period | None = None  # "than at the end of July": an explicit earlier period to compare with
    shift: Comparison | None = None  # "the year before", "a year ago": the period asked about, moved back
    ahead: Period | None = None  # "in the next 90 days", "next month": a window after as_of
    ahead_by_default: bool = False  # `ahead` is the default window of "upcoming", not one said
    trend: bool = False  # "trend", "over time": one row per period
    partial: str | None = None  # the named period is not complete at as_of
    whole: Period | None = None  # that period uncut, for sources that reach past as_of (contract terms ending)
    compare_grain: TimeGrain | None = None  # "QoQ" with no period: the latest complete quarter
    unit_grain: TimeGrain | None = None  # "the last 4 quarters": a trend over it goes by quarter
    both: Period | None = None  # "the 2024 and 2025 cohorts": two periods joined by "and", as one range
    ends: tuple[Period, Period] | None = None  # "between the week of A and the week of B": the two ends of a range
    since: Period | None = None  # "since July": the period a change since then is measured from
    spans: list[tuple[int, int]] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    corrected: list[str] = field(default_factory=list)  # typos read as time words, said in the answer


def _unit(text: str) -> str:
    return text.rstrip("s")


def _month_number(word: str) -> int:
    return next(i + 1 for i, name in enumerate(MONTHS) if name.startswith(word[:3]))


def _latest_month(month: int, as_of: date) -> date:
    """The first day of the most recent `month` that is complete at as_of (a bare "October")."""
    this_year = date(as_of.year, month, 1)
    return this_year if month_end(this_year) <= as_of else date(as_of.year - 1, month, 1)


def _year(text: str) -> int:
    value = int(text)
    return value + 2000 if value < 100 else value


def _count(text: str | None) -> int:
    if text is None:
        return 1
    return int(text) if text.isdigit() else _NUMBER_WORDS[text]


def _last_whole_month_end(as_of: date) -> date:
    return as_of if as_of == month_end(as_of) else grain_start(as_of, TimeGrain.month) - timedelta(days=1)


def _through_as_of(start: date, as_of: date) -> Period:
    """From `start` to as_of, ending on the last complete month when as_of is mid-month."""
    return Period(start, max(_last_whole_month_end(as_of), month_end(start)))


def _relative_year(text: str, as_of: date) -> int:
    """'last year', 'the prior year' → the year before the as-of date's; 'this year' → its year; 'next year' after."""
    if text.startswith("this"):
        return as_of.year
    return as_of.year + 1 if text.split()[-2] in ("next", "coming", "following") else as_of.year - 1


def _quarter(number: int, year: int | None, as_of: date) -> Period:
    if year is None:  # a bare "Q3": the most recent one that is complete at as_of
        year = as_of.year if month_end(date(as_of.year, number * 3, 1)) <= as_of else as_of.year - 1
    start = date(year, number * 3 - 2, 1)
    return Period(start, month_end(add_months(start, 2)))


def _trailing(count: int, unit: str, as_of: date, whole: bool = False) -> Period:
    """The last `count` days or weeks up to as_of; months, quarters and years (and "full weeks") as the latest
    complete ones."""
    if unit == "day" or (unit == "week" and not whole):
        return trailing_days(count * _UNIT_DAYS[unit], as_of)
    grain = _UNIT_GRAINS[unit]
    last = _latest_complete(grain, as_of)
    first = last
    for _ in range(count - 1):
        first = grain_period(grain, -1, first.start)
    return Period(first.start, last.end)


def _latest_complete(grain: TimeGrain, as_of: date) -> Period:
    current = grain_period(grain, 0, as_of)
    return current if current.end <= as_of else grain_period(grain, -1, as_of)


def _abbreviated_unit(text: str) -> str | None:
    """'mom' → month, 'quarter over quarter' → quarter: the grain a comparison word names."""
    for unit, marks in (("month", ("mom", "m/m", "month")), ("quarter", ("qoq", "q/q", "quarter")),
                        ("week", ("wow", "w/w", "week"))):
        if text.startswith(marks):
            return unit
    return None


Action = Callable[[re.Match, TimeWords], Period | None]


UPCOMING = re.compile(r"\b(?:coming up|upcoming)\b")


def upcoming_by_default(w: TimeWords, said: str, as_of: date) -> None:
    """'upcoming renewals' with no window of its own: the next 90 days; a window said anywhere else wins, and so
    does a period after the as-of date ('coming up for renewal in q1 next year', parse_time)."""
    if w.ahead is None and not (w.period is not None and w.period.start > as_of):
        w.ahead, w.ahead_by_default = Period(as_of + timedelta(days=1), as_of + timedelta(days=_DEFAULT_AHEAD_DAYS)), True
        w.partial = w.partial or f"“{said}” with no window: the next {_DEFAULT_AHEAD_DAYS} days"


def _rules(as_of: date) -> list[tuple[str, str, Action]]:
    """(kind, pattern, action), most specific first. Period actions return the period; the others set fields."""

    def current(grain: TimeGrain, w: TimeWords, name: str) -> Period:
        whole = grain_period(grain, 0, as_of)
        if whole.end > as_of:
            w.partial = f"{name} is not complete: {whole.label()} counted up to {as_of.isoformat()}"
            w.whole = whole
            return Period(whole.start, as_of)
        return whole

    def compare(kind: Comparison) -> Action:
        def act(m: re.Match, w: TimeWords) -> None:
            w.compare = kind
            unit = m.groupdict().get("u") or m.groupdict().get("u2") or _abbreviated_unit(m.group(0))
            if unit and unit in _UNIT_GRAINS and unit != "year":
                w.compare_grain = _UNIT_GRAINS[unit]
        return act

    def grain(m: re.Match, w: TimeWords) -> None:
        word = m.group("g") or m.group("g2") or m.group("g3") or m.group("g4")
        w.grain = _ADVERB_GRAINS.get(word) or _UNIT_GRAINS[_unit(word)]

    def trend(m: re.Match, w: TimeWords) -> None:
        w.trend = True

    def ahead(m: re.Match, w: TimeWords) -> None:
        unit, count = _unit(m.group("u")), m.group("n")
        if count is None and unit in ("week", "month", "quarter", "year"):
            w.ahead = grain_period(_UNIT_GRAINS[unit], 1, as_of)  # "next month": the next calendar month
        elif unit in ("month", "quarter", "year") and as_of == month_end(as_of):
            months = _count(count) * {"month": 1, "quarter": 3, "year": 12}[unit]
            w.ahead = Period(as_of + timedelta(days=1), month_end(add_months(as_of, months)))
        else:
            w.ahead = Period(as_of + timedelta(days=1), as_of + timedelta(days=_count(count) * _UNIT_DAYS[unit]))

    def ahead_until(m: re.Match, w: TimeWords) -> None:
        number = _month_number(m.group("m"))
        year = int(m.group("y")) if m.group("y") else as_of.year + (1 if number <= as_of.month else 0)
        w.ahead = Period(as_of + timedelta(days=1), month_end(date(year, number, 1)))

    def ahead_to_end(m: re.Match, w: TimeWords) -> None:
        unit = next(g for g in m.groups() if g)
        grain = TimeGrain.year if unit[0] == "y" else TimeGrain.quarter
        w.ahead = Period(as_of + timedelta(days=1), next_grain_start(grain_start(as_of + timedelta(days=1), grain),
                                                                      grain) - timedelta(days=1))

    def upcoming(m: re.Match, w: TimeWords) -> None:
        upcoming_by_default(w, m.group(0).strip(), as_of)

    def half(m: re.Match, w: TimeWords) -> Period:
        which = m.group("h") or m.group("h2") or m.group("hw")
        second = which in ("2", "second", "back", "latter", "last")
        when = (m.group("y") or "").strip()
        if when.isdigit():
            year = int(when)
        elif "last" in when or "previous" in when:
            year = as_of.year - 1
        elif when:
            year = as_of.year
        else:  # a bare "H2": the most recent complete one
            year = as_of.year if month_end(date(as_of.year, 12 if second else 6, 1)) <= as_of else as_of.year - 1
        start = date(year, 7 if second else 1, 1)
        whole = Period(start, month_end(add_months(start, 5)))
        if whole.end > as_of >= whole.start:
            w.partial = f"{whole.label()} is not complete: counted up to {as_of.isoformat()}"
            return Period(whole.start, as_of)
        return whole

    def since_boundary(m: re.Match, w: TimeWords) -> Period:
        grain = _UNIT_GRAINS[m.group("u")]
        offset = -1 if m.group("which") in ("last", "previous") else 0
        if m.group("edge") == "end":
            offset += 1  # since the end of last month: from the start of this one
        start = grain_period(grain, offset, as_of).start
        if m.group("edge") != "end":
            w.since = grain_period(grain, offset, as_of)  # "dropped 10 points since last month": against last month
        return _through_as_of(start, as_of) if start <= as_of else Period(as_of, as_of)

    def since_last(m: re.Match, w: TimeWords) -> Period:
        """'since last month': from its start to today, and a change since then is measured against it."""
        w.since = grain_period(_UNIT_GRAINS[m.group("u")], -1, as_of)
        return _through_as_of(w.since.start, as_of)

    def periods_ago(m: re.Match, w: TimeWords) -> Period:
        return grain_period(_UNIT_GRAINS[_unit(m.group("u"))], -_count(m.group("n")), as_of)

    def before_last(m: re.Match, w: TimeWords) -> Period:
        return grain_period(_UNIT_GRAINS[m.group("u")], -2, as_of)

    def trailing(m: re.Match, w: TimeWords) -> Period:
        unit = _unit(m.group("u"))
        w.unit_grain = _UNIT_GRAINS[unit] if unit in ("week", "month", "quarter", "year") else None
        return _trailing(_count(m.group("n")), unit, as_of, whole="full" in m.groupdict() and bool(m.group("full")))

    def month(m: re.Match, w: TimeWords) -> Period:
        number = _month_number(m.group("m"))
        start = date(_year(m.group("y")), number, 1) if m.group("y") else _latest_month(number, as_of)
        return Period(start, month_end(start))

    def since(m: re.Match, w: TimeWords) -> Period:
        if m.group("m"):
            number = _month_number(m.group("m"))
            start = date(int(m.group("y")), number, 1) if m.group("y") else _latest_month(number, as_of)
        else:
            start = date(int(m.group("yy")), 1, 1)
        w.since = Period(start, month_end(start)) if m.group("m") else None  # "lost 10% of MAU since July": against July
        return _through_as_of(start, as_of)

    def month_range(m: re.Match, w: TimeWords) -> Period:
        first, last = _month_number(m.group("m1")), _month_number(m.group("m2"))
        end_year = int(m.group("y")) if m.group("y") else _latest_month(last, as_of).year
        start_year = int(m.group("y1")) if m.group("y1") else end_year - (1 if first > last else 0)
        begin, end = sorted((date(start_year, first, 1), date(end_year, last, 1)))  # "may 2026 and march 2026"
        w.ends = (Period(begin, month_end(begin)), Period(end, month_end(end))) if begin != end else None
        return Period(begin, month_end(end))

    def quarter_range(m: re.Match, w: TimeWords) -> Period:
        year = _year(m.group("y")) if m.group("y") else None
        first = _quarter(int(m.group("q1")), _year(m.group("y1")) if m.group("y1") else year, as_of)
        last = _quarter(int(m.group("q2")), year, as_of)
        if last.start < first.start and m.group("conn") != "and" and not m.group("y1"):
            first = _quarter(int(m.group("q1")), last.start.year - 1, as_of)  # "from q4 to q2": the Q4 before it
        if last.start < first.start:
            first, last = last, first  # "q3 and q2": both, in order
        w.ends = (first, last) if first != last else None  # "how did csat change from q2 to q3": Q3 against Q2
        return Period(first.start, last.end)

    def day(m: re.Match, w: TimeWords) -> Period:
        number = _month_number(m.group("m"))
        year = int(m.group("y")) if m.group("y") else _latest_month(number, as_of).year
        when = date(year, number, int(m.group("d")))
        return Period(when, when)

    def last_named_month(m: re.Match, w: TimeWords) -> Period:
        """'last october': the latest October before the current month (a year ago when it is October now)."""
        number = _month_number(m.group("m"))
        start = date(as_of.year, number, 1)
        if start >= grain_start(as_of, TimeGrain.month):
            start = date(as_of.year - 1, number, 1)
        return Period(start, month_end(start))

    def since_day(m: re.Match, w: TimeWords) -> Period:
        return Period(day(m, w).start, as_of)

    def week_of(m: re.Match, w: TimeWords) -> Period:
        """'the week of sep 28': the Monday-to-Sunday week holding that day."""
        monday = day(m, w).start - timedelta(days=day(m, w).start.weekday())
        return Period(monday, min(monday + timedelta(days=6), as_of))

    def year(m: re.Match, w: TimeWords) -> Period:
        value = int(m.group("y"))
        return current(TimeGrain.year, w, str(value)) if value == as_of.year else \
            Period(date(value, 1, 1), date(value, 12, 31))

    return [
        ("period", r"\b(?:in |during |for )?(?:the )?q(?P<q>[1-4]) (?:of )?(?P<ry>" + _RELATIVE_YEAR + r")\b",
         lambda m, w: _quarter(int(m.group("q")), _relative_year(m.group("ry"), as_of), as_of)),  # "q3 last year"
        ("period", r"\b(?:in |during |for )?(?P<m>" + _MONTH + r") (?:of )?(?P<ry>" + _RELATIVE_YEAR + r")\b",
         lambda m, w: Period.months(f"{_relative_year(m.group('ry'), as_of)}-{_month_number(m.group('m')):02d}")),
        ("ahead", r"\b(?:(?:between )?(?:now|today) (?:and|to|through|until|till)|before|by|until|till|through|thru) "
         r"(?:the )?(?:end of (?:the |this )?(year|quarter)|(year|quarter)[ -]end|eo(y|q))\b"
         r"|\b(?:the )?(?:rest|remainder|balance) of (?:the |this )?(year|quarter)\b", ahead_to_end),
        ("compare", r"\b(?:yoy|y/y|year[- ]over[- ]year|" + _VS + r" (?:the )?(?:same " + _SAME + r" )?"
         r"(?:last year|a year (?:ago|earlier|before)|prior year|previous year|the year before)"
         r"|(?:the )?same " + _SAME + r" (?:last year|the year before|a year (?:ago|earlier|before)))\b",
         compare(Comparison.same_period_last_year)),
        ("compare", r"\b(?:mom|m/m|qoq|q/q|wow|w/w|(?:month|quarter|week)[- ]over[- ](?:month|quarter|week)|"
         + _VS + r" (?:the )?(?:(?:last|previous|prior|preceding) (?P<u>month|quarter|week|period)|"
         r"(?P<u2>month|quarter|week|period|one) before|(?:previous|prior|preceding) one|one prior))\b",
         compare(Comparison.previous_period)),
        ("compare", r"\b(?:this time|same time) last year\b", compare(Comparison.same_period_last_year)),
        ("shift", r"\b(?:(?:for |in |during )?the )?(?:same " + _SAME + r" )?(?:a|one) year (?:ago|earlier|before)"
         r"|\bthe (?:same (?:period|month|quarter) )?(?:the |of the )?(?:previous|prior) year\b|\bthe year before\b",
         lambda m, w: setattr(w, "shift", Comparison.same_period_last_year)),
        ("shift", r"\bthe (?:month|quarter|week|period) before\b(?! last)|\bthe (?:previous|prior|preceding) (?:one|period)\b",
         lambda m, w: setattr(w, "shift", Comparison.previous_period)),
        ("ahead", r"\b(?:in |within |over |during |for )?(?:the )?(?:next|coming|upcoming|following) (?:(?P<n>" + _COUNT
         + r") )?(?P<u>" + _UNITS + r")\b", ahead),
        ("ahead", r"\b(?:between )?(?:now|today) (?:and|to|through|until|till) (?:the )?(?:end of )?(?P<m>" + _MONTH
         + r")(?: (?P<y>" + _YEAR + r"))?\b", ahead_until),
        ("ahead", UPCOMING.pattern, upcoming),
        ("period", r"\b(?:since|from) (?:the )?(?P<edge>start|beginning|end) of (?P<which>last|previous|this) "
         r"(?P<u>month|quarter|year)\b", since_boundary),
        ("period", r"\bsince (?P<which>last|previous) (?P<u>month|quarter|year)\b", since_last),
        ("period", r"\b(?:in |during |for )?(?:the )?(?P<u>month|quarter|year|week) before last\b", before_last),
        ("compare", r"\b" + _VS + r" (?:a|one) (?P<u>week|month|quarter) " + _AGO, compare(Comparison.previous_period)),
        ("period", r"\b(?:a|one) (?P<u>week|month|quarter) " + _AGO,
         lambda m, w: grain_period(_UNIT_GRAINS[m.group("u")], -1, as_of)),  # "health a month ago": last month's
        ("period", r"\b(?P<n>" + _COUNT + r") (?P<u>days?|weeks?|months?|quarters?|years?) " + _AGO, periods_ago),
        ("period", r"\b(?:in |during |for |over )?(?:the )?(?:h(?P<h>[12])|(?P<h2>[12])h|(?P<hw>first|second|back|front|latter|last) half)"
         r"(?: of)?(?P<y> (?:" + _YEAR + r"|this year|last year|the previous year|previous year))?\b", half),
        ("period", r"\b(?:over |in |during |for )?(?:the )?(?:last|past|previous|trailing|prior) (?P<n>" + _COUNT
         + r") (?P<full>full |complete |whole )?(?P<u>" + _UNITS + r")\b", trailing),
        ("period", r"\b(?:over |in |during |for )?(?:the )?(?:past|trailing) (?P<u>year|quarter|month|week)\b",
         lambda m, w: _trailing(12, "month", as_of) if m.group("u") == "year" else _trailing(1, m.group("u"), as_of)),
        ("period", r"\b(?:in |during |for |over )?(?:the )?(?:last|previous|prior) (?P<u>day|week|month|quarter|year)\b",
         lambda m, w: grain_period(_UNIT_GRAINS[m.group("u")], -1, as_of)),
        ("period", r"\b(?:as of |in |during |for )?(?:the )?(?:latest|most recent) week\b",  # health's latest week
         lambda m, w: current(TimeGrain.week, w, "this week")),
        ("period", r"\b(?:in |during |for |so far )?(?:this|the current|current) (?P<u>week|month|quarter|year)"
         r"(?: so far)?\b", lambda m, w: current(_UNIT_GRAINS[m.group("u")], w, f"this {m.group('u')}")),
        ("period", r"\b(?P<u>ytd|qtd|mtd|year to date|quarter to date|month to date)\b",
         lambda m, w: current({"y": TimeGrain.year, "q": TimeGrain.quarter, "m": TimeGrain.month}[m.group("u")[0]], w,
                              "this " + {"y": "year", "q": "quarter", "m": "month"}[m.group("u")[0]])),
        ("period", r"(?<!, )\b(?:from |between )?q(?P<q1>[1-4])(?: (?P<y1>" + _YEAR + r"))? ?(?P<conn>to|through|until|-) ?"
         r"q(?P<q2>[1-4])(?:[ ']*(?P<y>(?:19|20)?\d\d))?\b", quarter_range),
        ("period", r"\b(?:in |during |for )?(?:the )?q(?P<q>[1-4])(?:[ '-]*(?P<y>(?:19|20)?\d\d))?\b"
         r"|\b(?:in |during |for )?(?P<y2>" + _YEAR + r")[ -]?q(?P<q2>[1-4])\b",
         lambda m, w: _quarter(int(m.group("q") or m.group("q2")),
                               _year(m.group("y") or m.group("y2")) if (m.group("y") or m.group("y2")) else None, as_of)),
        ("period", r"\b(?:from |between )?(?P<m1>" + _MONTH + r")(?: (?P<y1>" + _YEAR + r"))? (?:(?:to|through|until|-|and) )?"
         r"(?P<m2>" + _MONTH + r")(?: (?P<y>" + _YEAR + r"))?\b", month_range),
        ("period", r"\b(?:yesterday|today)\b", lambda m, w: Period(as_of, as_of)),
        ("period", r"(?<!each )(?<!every )(?<!per )(?<!by )\b(?:the )?week (?:of|starting|beginning|commencing)(?: on)?(?: " + _WEEKDAY + r")? (?P<m>" + _MONTH
         + r") (?P<d>[0-3]?\d)(?:st|nd|rd|th)?(?:,? (?P<y>" + _YEAR + r"))?\b", week_of),
        ("period", r"\b(?:since|from|starting|beginning)(?: on| from)?(?: " + _WEEKDAY + r")? (?P<m>" + _MONTH
         + r") (?P<d>[0-3]?\d)(?:st|nd|rd|th)?(?:,? (?P<y>" + _YEAR + r"))?\b", since_day),
        ("period", r"\b(?:from |since )?(?P<yy>" + _YEAR + r") (?:onwards?|and later|and after|on)\b",
         lambda m, w: _through_as_of(date(int(m.group("yy")), 1, 1), as_of)),
        ("period", r"\blast (?P<m>" + _MONTH + r")\b", last_named_month),
        ("period", r"\b(?:(?:at|by) )?(?:the )?end of (?:the )?(?P<y>" + _YEAR + r")\b",
         lambda m, w: year(m, w)),
        ("period", r"\b(?:since|from) (?:(?P<m>" + _MONTH + r")(?: (?P<y>" + _YEAR + r"))?|(?P<yy>" + _YEAR + r"))\b", since),
        ("period", r"\b(?:(?:at |by )?the )?end of (?P<m>" + _MONTH + r")(?: (?P<y>" + _YEAR + r"))?\b", month),
        ("period", r"\b(?:as of|on|at) (?P<m>" + _MONTH + r") (?P<d>[0-3]?\d)(?:st|nd|rd|th)?(?:,? (?P<y>" + _YEAR + r"))?\b",
         day),
        ("period", r"\b(?P<y>" + _YEAR + r")-(?P<mm>0[1-9]|1[0-2])\b",
         lambda m, w: Period.months(f"{m.group('y')}-{m.group('mm')}")),
        ("period", r"\b(?:in |during |for )?(?P<m>" + _MONTH + r")(?: (?P<y>" + _YEAR + r"))?\b", month),
        ("period", r"\b(?:in |during |for |fy ?)?(?P<y>" + _YEAR + r")\b", year),
        ("grain", r"\b(?:by|per|each|every|over|for each|broken down by|at each) (?:the )?(?P<g>day|week|month|quarter|year)s?"
         r"(?: ends?)?\b|\b(?P<g4>month|quarter|year)[ -]ends?\b"
         r"|\b(?P<g2>daily|weekly|monthly|quarterly|yearly|annually)\b"
         r"|\b(?P<g3>day|week|month|quarter|year) (?:by|over|after) (?P=g3)\b", grain),  # "month by month"
        ("grain", r"\b(?:for |in )?each of (?=(?:the )?(?:last|past|previous|prior) \w+ (?P<g>day|week|month|quarter|year)s\b)",
         grain),  # "for each of the last 4 quarters": one row per quarter
        ("trend", r"\b(?:trend(?:s|ed|ing|line)?|over time|time series|history|historically|getting (?:better|worse))\b", trend),
    ]


# The words of the grammar a typo is matched against: "last quater" is "last quarter".
TIME_VOCABULARY = ("quarter", "quarters", "month", "months", "year", "years", "week", "weeks", "last", "next", "past", "yesterday", "today",
                   "previous", "trailing", "since", "coming", "upcoming", *MONTHS)
LETTER_RUN = re.compile(r"[a-z]+")  # a word of normalised text, as typo correction reads it
_TYPO_NEAR = 80  # rapidfuzz ratio: one letter missing or two swapped in a word of five or more
_LONG_TIME_WORDS = [t for t in TIME_VOCABULARY if len(t) >= 5]


def correct_time_typos(text: str, known: Callable[[str], bool]) -> tuple[str, list[str]]:
    """`text` with words a letter or two away from a time word corrected, and a note for each.

    Only words of five letters or more that nothing else knows (`known`: the catalogue's and the
    data's words) and that start like the time word are corrected, so a real word stays itself."""
    from rapidfuzz import fuzz, process

    notes: list[str] = []

    def fix(match: re.Match) -> str:
        word = match.group(0)
        if word in TIME_VOCABULARY or known(word):
            return word
        if len(word) == 4:  # "yaer": two letters swapped in a short time word
            swapped = next((t for t in TIME_VOCABULARY if len(t) == 4 and t[0] == word[0] and sorted(t) == sorted(word)), None)
            if swapped is not None:
                notes.append(f"read “{word}” as “{swapped}”")
                return swapped
            return word
        if len(word) < 5:
            return word
        best = process.extractOne(word, _LONG_TIME_WORDS, scorer=fuzz.ratio,
                                  score_cutoff=_TYPO_NEAR)
        if best is None or best[0][0] != word[0]:
            return word
        notes.append(f"read “{word}” as “{best[0]}”")
        return best[0]

    return LETTER_RUN.sub(fix, text), notes


_VERSUS_BEFORE = re.compile(r"(?:\b(?:vs\.?|versus|compared? (?:(?:it|that|this|them) )?(?:to|with)|against|than|relative to)|"
                            r"\d%(?: or more| or less)? on)\s*(?:the |that |what |at |in |on |it (?:was|did) |they (?:did|were|had) )*$")
# "up 10% on june": a change measured against that period


_AT_END = re.compile(r"\b(?:as of |at |by )?(?:the )?(?:end|close) of (?:the )?$")


def parse_time(text: str, as_of: date) -> TimeWords:
    """The time words of normalized `text`, resolved against `as_of`."""
    words = TimeWords()
    taken = [False] * len(text)
    periods: list[tuple[int, Period, bool]] = []  # (where, period, after a comparison word)
    reaches: list[tuple[int, int]] = []  # where each period phrase starts and ends
    for kind, pattern, action in _compiled_rules(as_of):
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(taken[start:end]) or _bare_ambiguous_month(match):
                continue
            if kind == "period" and (at_end := _AT_END.search(text[:start])) and not any(taken[at_end.start():start]):
                start = at_end.start()  # "as of the end of H1 2026", "at the close of Q3": the period's last state
            result = action(match, words)
            since = _SINCE.search(text[:start]) if kind == "period" else None
            if since and not any(taken[since.start():start]) and result.end < as_of:
                # "lost 5 points since the end of september", "since the week of sep 28": from then to today,
                # against then
                start, words.since = since.start(), result
                first = result.end + timedelta(days=1) if _AT_END.search(text[:match.start()]) or \
                    match.group(0).lstrip().startswith(("end", "the end")) else result.start
                result = Period(first, as_of)
            if kind == "period":
                versus = bool(_VERSUS_BEFORE.search(text[max(0, start - 40):start])) or \
                    bool(_VERSUS_START.match(text[start:end]))
                periods.append((start, result, versus))
                reaches.append((start, end))
            taken[start:end] = [True] * (end - start)
            words.spans.append((start, end))
            words.phrases.append(match.group(0).strip())
    periods.sort(key=lambda x: x[0])
    reaches.sort()
    ranged = _joined_by(text, reaches, _RANGE_WORDS) and _ranged(words, periods)  # "2024 thru 2025"
    if not ranged and (not _enumerated(words, [p for _, p, versus in periods if not versus], as_of)
                       or any(v for _, _, v in periods)):
        _settle_periods(words, periods, as_of)
    if _joined_by(text, reaches, _AND_WORDS) and all(p is not None for _, p, _ in periods):
        words.both = Period(min(p.start for _, p, _ in periods), max(p.end for _, p, _ in periods))
    if words.ahead_by_default and words.period is not None and words.period.start > as_of:
        words.ahead, words.ahead_by_default, words.partial = None, False, None  # the future period said is the window
    if _TO_DATE.search(text):
        words.whole = None  # "renewal rate so far in 2026": up to today, even where the data runs ahead
    _series_of_changes(words)
    _whole_previous(words, as_of)
    return words


_SINCE = re.compile(r"\bsince\s+$")
_VERSUS_START = re.compile(r"\s*(?:vs\.?|versus|compared|against)\b")
_TO_DATE = re.compile(r"\b(?:so far|to date|ytd|qtd|mtd)\b")


@lru_cache(maxsize=8)
def _compiled_rules(as_of: date) -> list[tuple[str, re.Pattern, Action]]:
    """The rules for `as_of` with their patterns compiled: built once per as-of date (the actions keep no state)."""
    return [(kind, re.compile(pattern), action) for kind, pattern, action in _rules(as_of)]
_RANGE_WORDS = re.compile(r"\s*(?:to|through|thru|until|till|-)\s*")
_AND_WORDS = re.compile(r"\s*(?:and|&|\+)\s*")


def _joined_by(text: str, reaches: list[tuple[int, int]], joint: re.Pattern) -> bool:
    """Whether the question names exactly two periods with only `joint` between them ('2024 thru 2025')."""
    return len(reaches) == 2 and bool(joint.fullmatch(text[reaches[0][1]:reaches[1][0]]))


def _ranged(words: TimeWords, periods: list[tuple[int, Period, bool]]) -> bool:
    """'2024 thru 2025', 'from june to august', 'q1 2025 - q2 2026': two periods joined by a range word are the range
    from the first to the second (both ends kept, so 'how did it change from … to …' compares them)."""
    if len(periods) != 2 or any(v for _, _, v in periods):
        return False
    first, second = (p for _, p, _ in periods)  # in the order said
    if second.start < first.start:
        first, second = second, first
    if first.end >= second.end:  # "from 2024 through 2025": "from 2024" read alone runs to today
        first = Period(first.start, second.start - timedelta(days=1)) if second.start > first.start else first
    words.period, words.ends = Period(first.start, max(first.end, second.end)), (first, second)
    return True


def _enumerated(words: TimeWords, periods: list[Period], as_of: date) -> bool:
    """'nrr q1, q2 and q3 this year', 'jan -> feb -> mar': three or more back-to-back periods of one grain are a series
    at that grain over their span (a period holding all of them, "this year", only places them)."""
    named = [p for p in periods if not all(p.start <= o.start and o.end <= p.end for o in periods)]
    if len(named) < 3:
        return False
    named.sort(key=lambda p: p.start)
    for grain in (TimeGrain.week, TimeGrain.month, TimeGrain.quarter, TimeGrain.year):
        if all(is_whole(p, grain) for p in named) and \
                all(next_grain_start(a.start, grain) == b.start for a, b in zip(named, named[1:])):
            words.period, words.grain = Period(named[0].start, named[-1].end), words.grain or grain
            if words.period.end < as_of:
                words.partial = words.whole = None  # "q1, q2, q3 this year": whole quarters, though the year is not
            return True
    return False


def _series_of_changes(words: TimeWords) -> None:
    """'nps month over month for the last 4 months': each month against the one before, a series."""
    grain, period = words.compare_grain, words.period
    if words.compare is Comparison.previous_period and grain is not None and period is not None and \
            words.grain is None and grain_start(period.end, grain) > period.start:
        words.grain = grain


def _whole_previous(words: TimeWords, as_of: date) -> None:
    """'this quarter vs last quarter': a period cut at as_of is compared with the whole period before it."""
    if words.compare is Comparison.previous_period and words.whole is not None and words.period is not None \
            and words.period.end == as_of and words.compare_with is None and words.grain is None:
        words.compare, words.compare_with = None, previous_period(words.whole)


def _settle_periods(words: TimeWords, periods: list[tuple[int, Period, bool]], as_of: date) -> None:
    """One period is the range; a second one is a comparison, the other end of a range, or a narrower reading.

    "October vs September" compares with the period before; "oct vs june" with June itself
    (compare_with); "q1 through q3 this year" is Q1–Q3, the narrower of the two; "Jan to Jun"
    is one range. A lone period after "than"/"vs" ("fewer users than at the end of July") is
    compared with, the period itself left to the default.
    """
    if not periods:
        if words.compare and words.compare_grain is not None:
            words.period = _latest_complete(words.compare_grain, as_of)
        return
    if len(periods) == 1:
        _, period, versus = periods[0]
        if versus and words.compare is None:
            words.compare_with = period
        else:
            words.period = period
        return
    (_, first, _), (_, second, versus) = periods[0], periods[1]
    words.period = first
    if first.start <= second.start and second.end <= first.end and second != first and not versus:
        words.period = second  # "in september this year", "q1 through q3 this year": the narrower one
    elif second.start <= first.start and first.end <= second.end and second != first and not versus:
        words.period = first
    elif second == previous_period(first):
        words.compare = Comparison.previous_period
    elif second == same_period_last_year(first):
        words.compare = Comparison.same_period_last_year
    elif first == previous_period(second) and not versus:
        words.period, words.compare = second, Comparison.previous_period
    elif first == same_period_last_year(second) and not versus:
        words.period, words.compare = second, Comparison.same_period_last_year
    elif versus:
        words.compare_with = second
    elif words.whole is not None and second == previous_period(words.whole):
        words.compare_with = second
    else:
        words.period = Period(min(first.start, second.start), max(first.end, second.end))
        words.ends = (first, second) if first.start <= second.start else (second, first)


def _bare_ambiguous_month(match: re.Match) -> bool:
    groups = match.groupdict()
    if groups.get("m") is None or groups.get("y") or groups.get("d"):
        return False
    text = match.group(0).strip()
    before = match.string[:match.start()].split()
    return text in _AMBIGUOUS_MONTHS and not (before and before[-1] in _BEFORE_A_MONTH)  # "vs may": the month
