"""The planner's vocabulary: words for metrics, dimensions and dimension values.

Every term comes from the catalogue (names, labels, synonyms) or from the data (the
values of indexed dimensions, learned once by the service): nothing here names a metric,
a segment or a person. Terms are stored as tuples of stems, so "renewals", "renewing"
and "renewal" meet, and typos are forgiven by rapidfuzz over the catalogue's own terms.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from semantic_layer.catalog import Catalog

# English function words and chat filler: grammar, not catalogue content.
STOPWORDS = frozenset("""
a an the of for in on at to from with without and or is are was were be been being do does did done
what whats which who whom whose where when how why show me tell give list see get find display please can could
would will should you your we our us i my mine it its this that these those there their them they
any all some each every about as into onto than then so just only also really very much many lot lots
hey hi hello thanks thank pls plz kindly want need know let lets like current currently right now today
number count figure figures data stats stat metric metrics report look looking doing
up down out over under per by vs versus across between among within overall total whole entire
have has had having getting got our s am going go compared compare comparison against
numbers kpi kpis performance things stuff overview summary dashboard hows whats wheres whos end moment
may might maybe perhaps possibly
run ran amount level levels
""".split())

# Ways people shorten or inflect words; mapped before stemming, on both sides.
ABBREVIATIONS = {
    "qtr": "quarter", "qtrs": "quarters", "yr": "year", "yrs": "years", "mo": "month", "mos": "months", "mth": "month",
    "wk": "week", "wks": "weeks", "nxt": "next", "prev": "previous", "acct": "account", "accts": "accounts",
    "cust": "customer", "custs": "customers", "exec": "executive", "execs": "executives", "rev": "revenue",
    "avg": "average", "num": "number", "pct": "percent", "mgr": "manager", "convo": "conversation",
}
LEMMAS = {
    "used": "use", "using": "use", "uses": "use", "lose": "lost", "losing": "lost", "loses": "lost", "won": "win",
    "winning": "win", "took": "take", "taking": "take", "takes": "take", "renews": "renew", "renewing": "renew",
    "signup": "start", "signups": "start", "signed": "start", "joined": "start", "started": "start",
    "hold": "held", "holding": "held", "hit": "reach", "hits": "reach", "reached": "reach", "reaching": "reach", "reaches": "reach",
}

# "how long does it take to reach first value" asks for a "time to …" metric.
_HOW_LONG = re.compile(r"\bhow long (?:(?:does|did|do) (?:it|they|we) take |(?:it|they) takes? |to take )?(?:to |until |till )?")
# Kept inside catalogue terms so "per feature adoption" does not collapse into "feature adoption".
KEPT_IN_TERMS = frozenset({"by", "per", "each"})
_ABBREVIATION = re.compile(r"\b(?:" + "|".join(ABBREVIATIONS) + r")\b")
_TOKEN = re.compile(r"[a-z0-9]+(?:[/&.][a-z0-9]+)*%?|[<>]=?|%")


def normalize(text: str) -> str:
    """Lower case without accents, straight quotes, no possessive 's, hyphens and underscores as spaces."""
    text = unicodedata.normalize("NFKD", text.casefold().replace("\u2019", "'").replace("\u2018", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"(\w)'s\b", r"\1", text)
    text = re.sub(r"(?<=[a-z])[-_](?=[a-z])", " ", text)
    text = re.sub(r"\bw/o(?![a-z0-9])", "without", text)
    text = re.sub(r"\bw/(?![a-z0-9])", "with", text)  # "w/ open tickets"; "w/e" stays a word
    text = _ABBREVIATION.sub(lambda m: ABBREVIATIONS[m.group(0)], text)
    text = _HOW_LONG.sub("time to ", text)
    return re.sub(r"\s+", " ", text).strip()


def tokens(text: str) -> list[str]:
    """The words, numbers and comparison signs of normalized text."""
    return _TOKEN.findall(text)


def stem(word: str) -> str:
    """A light English stem, applied to question and catalogue alike (so it only needs to be consistent)."""
    word = LEMMAS.get(word, word)
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4 - len(keep) and not word.endswith("ss"):
            if suffix == "es" and not word.endswith(("shes", "ches", "xes", "sses")):
                continue
            return word[: -len(suffix)] + keep
    if word.endswith("al") and len(word) > 6:  # renewal → renew, like renewing
        return word[:-2]
    return word


def key(phrase: str) -> tuple[str, ...]:
    """A phrase as the tuple of stems it is looked up by, without stop words (unless it is nothing else)."""
    words = tokens(normalize(phrase))
    content = [w for w in words if w not in STOPWORDS or w in KEPT_IN_TERMS] or words
    return tuple(stem(w) for w in content)


@dataclass(frozen=True)
class Sense:
    """One thing a term can mean: a metric, a dimension, or a value of a dimension."""

    kind: str  # "metric" | "dimension" | "value"
    name: str  # the metric or dimension name
    value: str | None = None  # the dimension value, for kind "value"
    exact: bool = True  # a name, label, synonym or value as written (not an abbreviation or head word)


@dataclass
class Lexicon:
    """Terms (tuples of stems) → their senses, plus surfaces for typo matching."""

    terms: dict[tuple[str, ...], list[Sense]] = field(default_factory=dict)
    fuzzy: dict[str, tuple[str, ...]] = field(default_factory=dict)  # surface text → term
    longest: int = 1
    _scattered: list | None = field(default=None, repr=False)
    _stems: set[str] | None = field(default=None, repr=False)

    def add(self, phrase: str, sense: Sense, fuzzy: bool = True) -> None:
        term = key(phrase)
        if not term:
            return
        senses = self.terms.setdefault(term, [])
        if sense not in senses:
            senses.append(sense)
        self.longest = max(self.longest, len(term))
        if fuzzy and len(" ".join(term)) >= 5:
            self.fuzzy.setdefault(" ".join(term), term)

    def knows(self, word: str) -> bool:
        """Whether `word` is part of any term (a metric's, a dimension's or a value from the data)."""
        if self._stems is None:
            self._stems = {stem for term in self.terms for stem in term}
        return any(stem in self._stems for stem in key(word))

    def scattered_terms(self) -> list[tuple[tuple[str, ...], list[Sense]]]:
        """Terms of two or more words that name exactly one metric, for matching words in any order."""
        if self._scattered is None:
            self._scattered = [(t, s) for t, s in self.terms.items()
                               if len(t) >= 2 and len(set(t)) == len(t) and [x.kind for x in s] == ["metric"]]
        return self._scattered

    def lookup(self, words: Sequence[str]) -> list[Sense]:
        return self.terms.get(tuple(words), [])

    def closest(self, words: Sequence[str], cutoff: float = 84) -> tuple[tuple[str, ...], float] | None:
        """The term closest to a typo'd phrase, with its score, or None below `cutoff`."""
        text = " ".join(words)
        if len(text) < 4:
            return None
        match = process.extractOne(text, self.fuzzy.keys(), scorer=fuzz.ratio, score_cutoff=cutoff)
        return (self.fuzzy[match[0]], match[1]) if match else None


def _metric_phrases(metric) -> list[str]:
    label = metric.label
    bare = re.sub(r"\s*\(.*?\)", "", label).strip()
    inner = re.findall(r"\((.*?)\)", label)
    return [metric.name.replace("_", " "), label, bare, *inner, *metric.synonyms]


def _value_phrases(values: Sequence[str], person: bool) -> dict[str, list[tuple[str, bool]]]:
    """value → (phrase, exact) pairs: the value, a run-together form, initials, a unique prefix or first name."""
    phrases: dict[str, list[tuple[str, bool]]] = {v: [(v, True)] for v in values}
    small = len(values) <= 12
    first_words: dict[str, list[str]] = {}
    last_words: dict[str, list[str]] = {}
    for value in values:
        words = tokens(normalize(value))
        if not words:
            continue
        first_words.setdefault(words[0], []).append(value)
        last_words.setdefault(words[-1], []).append(value)
        if len(words) > 1:
            phrases[value].append(("".join(words), False))
            if small:
                phrases[value].append(("".join(w[0] for w in words), False))
        elif small and len(words[0]) >= 6 and words[0][:3] not in STOPWORDS:
            phrases[value].append((words[0][:3], False))
    for word, owners in first_words.items():
        if len(owners) == 1 and len(word) >= 3 and word not in STOPWORDS and (person or not small):
            phrases[owners[0]].append((word, False))
    if person:
        for word, owners in last_words.items():
            if len(owners) == 1 and word not in STOPWORDS:
                phrases[owners[0]].append((word, False))
    return phrases


def build_lexicon(catalog: Catalog, values: Mapping[str, Sequence[str]]) -> Lexicon:
    """The vocabulary of `catalog` and of the dimension `values` learned from the data."""
    lexicon = Lexicon()
    for metric in catalog.metrics.values():
        for phrase in _metric_phrases(metric):
            lexicon.add(phrase, Sense("metric", metric.name))
    _share_sibling_words(lexicon, catalog)
    for dimension in catalog.dimensions.values():
        for phrase in (dimension.name.replace("_", " "), dimension.label, *dimension.synonyms):
            lexicon.add(phrase, Sense("dimension", dimension.name))
        head = tokens(normalize(dimension.label))[-1]
        lexicon.add(head, Sense("dimension", dimension.name, exact=False), fuzzy=False)
    for name, dimension_values in values.items():
        person = name in catalog.dimensions and catalog.dimensions[name].table == "csms" and len(dimension_values) > 12
        for value, phrases in _value_phrases([str(v) for v in dimension_values], person).items():
            for phrase, exact in phrases:
                lexicon.add(phrase, Sense("value", name, value, exact), fuzzy=exact and len(dimension_values) <= 100)
    return lexicon


def _share_sibling_words(lexicon: Lexicon, catalog: Catalog) -> None:
    """A short term that fits sibling metrics equally ("churn": logo or revenue churn rate) names them all.

    Siblings have the same unit and labels that differ in one qualifying word; the term
    must not be that qualifier. Such a term then has several metric senses, and the
    planner asks which one was meant.
    """
    labels = {m.name: key(re.sub(r"\s*\(.*?\)", "", m.label)) for m in catalog.metrics.values()}
    for term, senses in lexicon.terms.items():
        metrics = [s.name for s in senses if s.kind == "metric"]
        if len(metrics) != 1 or term == labels[metrics[0]]:
            continue
        own, unit = labels[metrics[0]], catalog.metrics[metrics[0]].unit
        siblings = [other.name for other in catalog.metrics.values()
                    if other.name != metrics[0] and other.unit is unit and not other.broadcast
                    and len(labels[other.name]) == len(own) and set(term) <= set(labels[other.name]) & set(own)
                    and _one_qualifier_apart(own, labels[other.name])]
        if len(siblings) == 1:  # a pair; a word shared by many (customers) is the general one
            senses.append(Sense("metric", siblings[0]))


_STATISTICS = frozenset({"median", "mean", "average", "avg"})


def _one_qualifier_apart(one: tuple[str, ...], other: tuple[str, ...]) -> bool:
    """Labels differing in exactly one word, which is not a statistic (median vs mean is one metric's variant)."""
    differing = [(a, b) for a, b in zip(one, other) if a != b]
    return len(differing) == 1 and not _STATISTICS & set(differing[0])
