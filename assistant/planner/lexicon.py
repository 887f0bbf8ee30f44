"""The planner's vocabulary: words for metrics, dimensions and dimension values.

Every term comes from the catalogue (names, synonyms, ambiguous terms) or from the data (the
values of indexed dimensions, learned once by the service): nothing here names a metric, a
segment or a person. Labels and descriptions are display text and are never matched, so a
catalogue can reword them freely. Terms are tuples of stems (normalize.key), so "renewals",
"renewing" and "renewal" meet; typos are forgiven by rapidfuzz over the terms' own surfaces.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from assistant.planner.normalize import filler_words, key, normalize, tokens
from semantic_layer.catalog import Catalog
from semantic_layer.entities import indexed_dimensions
from semantic_layer.model import Dimension


@dataclass(frozen=True)
class Sense:
    """One thing a term can mean: a metric, a dimension, or a value of a dimension."""

    kind: str  # "metric" | "dimension" | "value" | "placing" (how a source's rows sit in time) | "rows" (what they are)
    name: str  # the metric or dimension name
    value: str | None = None  # the dimension value, for kind "value"
    exact: bool = True  # a name, synonym or value as written (not a shortening, initials or a head word)


@dataclass
class Lexicon:
    """Terms (tuples of stems) → their senses, plus surfaces for typo matching."""

    terms: dict[tuple[str, ...], list[Sense]] = field(default_factory=dict)
    fuzzy: dict[str, tuple[str, ...]] = field(default_factory=dict)  # surface text → term
    longest: int = 1
    names: frozenset[str] = frozenset()  # the words of entity names (accounts, people) the data holds
    # Derived once from the terms on first use (the lexicon is complete by then), dropped by `add`.
    _scattered: list | None = field(default=None, repr=False)
    _scattered_by_stem: dict[str, list[int]] | None = field(default=None, repr=False)
    _stems: set[str] | None = field(default=None, repr=False)
    _near_length: dict[int, list[str]] = field(default_factory=dict, repr=False)
    _anagrams: dict[tuple[str, str], str] | None = field(default=None, repr=False)

    def add(self, phrase: str, sense: Sense, fuzzy: bool = True) -> None:
        term = key(phrase)
        if not term:
            return
        self._scattered = self._scattered_by_stem = self._stems = self._anagrams = None
        self._near_length = {}
        senses = self.terms.setdefault(term, [])
        if sense not in senses:
            senses.append(sense)
        self.longest = max(self.longest, len(term))
        if fuzzy and len(" ".join(term)) >= 5:
            self.fuzzy.setdefault(" ".join(term), term)
            surface = " ".join(w for w in tokens(normalize(phrase)) if w not in filler_words())
            if len(surface.split()) == len(term):  # "renwals" is nearer "renewals" than the stem "renew"
                self.fuzzy.setdefault(surface, term)

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

    def scattered_with(self, stems) -> list[tuple[tuple[str, ...], list[Sense]]]:
        """The scattered terms (in their order) that hold at least one of `stems`: the only ones that can match."""
        if self._scattered_by_stem is None:
            index: dict[str, list[int]] = {}
            for k, (term, _) in enumerate(self.scattered_terms()):
                for word in term:
                    index.setdefault(word, []).append(k)
            self._scattered_by_stem = index
        terms = self.scattered_terms()
        return [terms[k] for k in sorted({k for word in stems for k in self._scattered_by_stem.get(word, ())})]

    def lookup(self, words: Sequence[str]) -> list[Sense]:
        return self.terms.get(tuple(words), [])

    def closest(self, words: Sequence[str], cutoff: float = 84) -> tuple[tuple[str, ...], float] | None:
        """The term closest to a typo'd phrase, with its score, or None below `cutoff`."""
        text = " ".join(words)
        if len(text) < 4:
            return None
        single = " " not in text
        match = process.extractOne(text, self._surfaces_near(len(text)) if single else list(self.fuzzy),
                                   scorer=fuzz.ratio, score_cutoff=max(cutoff, 86) if single else cutoff)
        if match is None and " " not in text:  # "helath": two letters swapped in one word
            swapped = self._anagram_surfaces().get((text[0], "".join(sorted(text))))
            match = (swapped, 100.0) if swapped is not None else None
        return (self.fuzzy[match[0]], match[1]) if match else None

    def _surfaces_near(self, length: int) -> list[str]:
        """The typo surfaces within two letters of `length`, in their order."""
        if length not in self._near_length:
            self._near_length[length] = [s for s in self.fuzzy if abs(len(s) - length) <= 2]
        return self._near_length[length]

    def _anagram_surfaces(self) -> dict[tuple[str, str], str]:
        """(first letter, sorted letters) → the first typo surface spelled with exactly those letters."""
        if self._anagrams is None:
            anagrams: dict[tuple[str, str], str] = {}
            for surface in self.fuzzy:
                anagrams.setdefault((surface[0], "".join(sorted(surface))), surface)
            self._anagrams = anagrams
        return self._anagrams

    def values_of(self, dimension: str) -> list[str]:
        """The values of `dimension` the lexicon knows, sorted."""
        return sorted({s.value for senses in self.terms.values() for s in senses
                       if s.kind == "value" and s.name == dimension and s.value})


def book_scoped(catalog: Catalog) -> list[Dimension]:
    """The indexed dimensions whose values name rows (accounts, CSMs): what a CSM may name of them is what
    row-level security lets them read (their accounts, their own name), so the service reads them as the CSM.
    Categories (segment, region, plan) name no row and are learned once for everyone: a category no account of
    the book has is answered as the book's empty rows, which says nothing about another book."""
    return [d for d in indexed_dimensions(catalog) if d.entity]


def _value_phrases(values: Sequence[str], person: bool) -> dict[str, list[tuple[str, bool]]]:
    """value → (phrase, exact) pairs: the value, a run-together form, initials, a unique prefix or first name."""
    phrases: dict[str, list[tuple[str, bool]]] = {v: [(v, True)] for v in values}
    small = len(values) <= 12
    first_words: dict[str, list[str]] = {}
    last_words: dict[str, list[str]] = {}
    filler = filler_words()
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
        elif small and len(words[0]) >= 6 and words[0][:3] not in filler:
            phrases[value].append((words[0][:3], False))
    for word, owners in first_words.items():
        if len(owners) == 1 and len(word) >= 3 and word not in filler and (person or not small):
            phrases[owners[0]].append((word, False))
    if not small:  # "estora bank" for Estora Bank Inc: every leading run of words that names one value
        leading: dict[str, list[str]] = {}
        for value in values:
            words = tokens(normalize(value))
            for n in range(2, len(words)):
                leading.setdefault(" ".join(words[:n]), []).append(value)
        for phrase, owners in leading.items():
            if len(owners) == 1:
                phrases[owners[0]].append((phrase, False))
    if person:
        for word, owners in last_words.items():
            if len(owners) == 1 and word not in filler:
                phrases[owners[0]].append((word, False))
    return phrases


def build_lexicon(catalog: Catalog, values: Mapping[str, Sequence[str]]) -> Lexicon:
    """The vocabulary of `catalog` and of the dimension `values` learned from the data."""
    lexicon = Lexicon()
    for metric in catalog.metrics.values():
        for phrase in (metric.name.replace("_", " "), *metric.synonyms):
            lexicon.add(phrase, Sense("metric", metric.name))
    for dimension in catalog.dimensions.values():
        name = dimension.name.replace("_", " ")
        if len(key(name)) == len(name.split()) or key(name) not in lexicon.terms:  # "health band" is not "health"
            lexicon.add(name, Sense("dimension", dimension.name))
        for phrase in dimension.synonyms:
            lexicon.add(phrase, Sense("dimension", dimension.name))
    entities = {d.table: d.name for d in catalog.dimensions.values() if d.entity}
    for dimension in catalog.dimensions.values():  # "current customers": the customers, and which of them
        for value, phrases in dimension.value_phrases.items():
            for phrase in phrases:
                lexicon.add(phrase, Sense("value", dimension.name, value, True), fuzzy=False)
                if dimension.table in entities:
                    lexicon.add(phrase, Sense("dimension", entities[dimension.table]), fuzzy=False)
    for source in catalog.sources.values():
        for phrase in source.rows_called:
            lexicon.add(phrase, Sense("rows", source.name), fuzzy=False)
        for phrase in source.placed_by:
            lexicon.add(phrase, Sense("placing", source.name), fuzzy=len(phrase) >= 7)  # "happend"; not "hed" for "held"
    for term in catalog.ambiguous_terms.values():
        for name in term.means:
            lexicon.add(term.name, Sense("metric" if name in catalog.metrics else "dimension", name))
    lexicon.names = frozenset(w for name, vs in values.items() if name in catalog.dimensions
                              and catalog.dimensions[name].entity for v in vs for w in tokens(normalize(str(v))))
    for name, dimension_values in values.items():
        person = name in catalog.dimensions and catalog.dimensions[name].person and len(dimension_values) > 12
        for value, phrases in _value_phrases([str(v) for v in dimension_values], person).items():
            for phrase, exact in phrases:
                lexicon.add(phrase, Sense("value", name, value, exact), fuzzy=exact and len(dimension_values) <= 100)
    return lexicon
