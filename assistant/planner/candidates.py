"""Which metrics a question is about: the ones its terms name, and retrieval over the catalogue for the rest.

`CatalogIndex` is BM25 over each metric's and dimension's name, synonyms, label, description
and formula, with the one normaliser's stems (so the planner and the agent's search_catalog
tool rank alike). The planner answers from metrics the question *names*; retrieval over the
words nothing named offers the closest metrics, top-k with their margin, which become the
options of a clarifying question, never a confident answer on their own.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from assistant.planner.normalize import key
from semantic_layer.catalog import Catalog
from semantic_layer.model import Dimension, Metric
from semantic_layer.validate import derived_refs

K1, B = 1.2, 0.75
TYPO_CUTOFF = 85  # rapidfuzz ratio above which an unknown word is read as a catalogue word
NAMED_BOOST = 10.0  # an entry named outright beats any bag-of-words match
TOP_K = 4


def words(text: str) -> list[str]:
    """The stems BM25 ranks by: the normaliser's key of `text` ("What are the renewals?" → ['renew'])."""
    return list(key(text.replace("_", " "))) if any(c.isalnum() for c in text) else []


@dataclass(frozen=True)
class Hit:
    """One catalogue entry and its relevance score."""

    kind: str  # "metric" or "dimension"
    entry: Metric | Dimension
    score: float


def _document(entry: Metric | Dimension) -> str:
    parts = [entry.name, entry.label, *entry.synonyms, entry.description]
    if isinstance(entry, Metric):
        parts.append(entry.formula)
    return " ".join(parts)


def _names(entry: Metric | Dimension) -> list[list[str]]:
    return [w for w in (words(n) for n in (entry.name, entry.label, *entry.synonyms)) if w]


class CatalogIndex:
    """A BM25 index over one catalogue's metrics and dimensions."""

    def __init__(self, catalog: Catalog):
        self.entries = [("metric", m) for m in catalog.metrics.values()]
        self.entries += [("dimension", d) for d in catalog.dimensions.values()]
        self.docs = [Counter(words(_document(e))) for _, e in self.entries]
        self.names = [_names(e) for _, e in self.entries]
        self.avg_len = sum(sum(d.values()) for d in self.docs) / len(self.docs)
        frequency = Counter(w for d in self.docs for w in d)
        n = len(self.docs)
        self.idf = {w: math.log(1 + (n - f + 0.5) / (f + 0.5)) for w, f in frequency.items()}

    def _known(self, word: str) -> list[str]:
        """The catalogue words `word` stands for: itself, words it begins ("renew"), or its closest spelling."""
        if word in self.idf:
            return [word]
        if len(word) < 4:
            return []
        if extended := [w for w in self.idf if w.startswith(word)]:
            return extended
        match = process.extractOne(word, list(self.idf), scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF)
        return [match[0]] if match else []

    def search(self, text: str, limit: int = 8, kind: str | None = None) -> list[Hit]:
        """Entries relevant to `text` (of `kind` when given), best first; empty when nothing matches."""
        query = [known for w in words(text) for known in self._known(w)]
        hits = []
        for (entry_kind, entry), doc, names in zip(self.entries, self.docs, self.names):
            if kind is not None and entry_kind != kind:
                continue
            length = sum(doc.values())
            score = sum(
                self.idf[w] * doc[w] * (K1 + 1) / (doc[w] + K1 * (1 - B + B * length / self.avg_len))
                for w in query if w in doc
            )
            if any(_contains(query, name) for name in names):
                score += NAMED_BOOST
            if score > 0:
                hits.append(Hit(entry_kind, entry, round(score, 3)))
        return sorted(hits, key=lambda h: -h.score)[:limit]


def _contains(sequence: list[str], part: list[str]) -> bool:
    """Whether `part` occurs in `sequence` as consecutive words."""
    return any(sequence[i:i + len(part)] == part for i in range(len(sequence) - len(part) + 1))


@dataclass(frozen=True)
class Retrieved:
    """The metrics closest to some words, best first, with how far the first is ahead of the second (0-1)."""

    names: tuple[str, ...]
    scores: tuple[float, ...]

    @property
    def margin(self) -> float:
        if not self.scores:
            return 0.0
        if len(self.scores) == 1:
            return 1.0
        return round((self.scores[0] - self.scores[1]) / self.scores[0], 3)


def retrieve(index: CatalogIndex, text: str, k: int = TOP_K) -> Retrieved:
    """The top `k` metrics for `text`."""
    hits = index.search(text, limit=k, kind="metric")
    return Retrieved(tuple(h.entry.name for h in hits), tuple(h.score for h in hits))


@dataclass(frozen=True)
class MetricChoice:
    """The metrics a question names, each with the span naming it; or the term that names several."""

    metrics: tuple[tuple[str, object], ...] = ()  # (metric, Span | None)
    used: frozenset[int] = frozenset()
    notes: tuple[str, ...] = ()
    ambiguous: tuple[object, tuple[str, ...]] | None = None  # (Span, metric names) nothing decided between

    def said_after(self, reading, word) -> bool:
        """Whether some metric is named and each right after a grammar word of class `word` ('by arr')."""
        from assistant.planner.spans import Kind

        return bool(self.metrics) and all(any(w.kind is Kind.word and w.word is word for w in reading.before(span, 1))
                                          for _, span in self.metrics)


def _vocabulary(metric: Metric) -> set[str]:
    return {w for phrase in (metric.name.replace("_", " "), *metric.synonyms) for w in key(phrase)}


def choose_metrics(reading, catalog: Catalog) -> MetricChoice:
    """The named metrics of a reading: plain terms first, then terms that may also be a dimension or a value,
    then ambiguous terms decided by a neighbouring word; each swapped for the statistic the question asks
    ('how many promoters', 'mean time to value')."""
    from assistant.planner.grammar import Word
    from assistant.planner.spans import Kind

    chosen: list[tuple[str, object]] = []
    used: set[int] = set()
    notes: list[str] = []
    terms = [s for s in reading.of(Kind.term) if s.metrics()]
    plain = [s for s in terms if s.kinds() == {"metric"} and len(s.metrics()) == 1]
    for span in plain:
        _choose(chosen, used, notes, span.metrics()[0], span, catalog)
    ambiguous = None
    mixed = [s for s in terms if s not in plain]
    named = {n for s in terms for n in s.metrics()}
    for span in mixed:  # a word whose other meanings fit no other metric asked is the metric ("my customers' nps")
        others = [x for x in span.senses if x.kind in ("value", "dimension")]
        rest = named - set(span.metrics())
        if len(span.metrics()) == 1 and not _listed(reading, span) and not any(
                x.name in catalog.metrics[m].dimensions or x.name in catalog.metrics[m].by for x in others for m in rest):
            _choose(chosen, used, notes, span.metrics()[0], span, catalog)
    for span in mixed:
        names = span.metrics()
        if set(names) & {n for n, _ in chosen}:
            used.update(span.positions)  # "dau/mau stickiness": already chosen
            again = [(n, s) for n, s in chosen if n in names and s is not None and s.start > span.start]
            if len(again) == 1:  # "more active users than seats? use september mau": the grammar is at the first
                chosen[chosen.index(again[0])] = (again[0][0], span)
                used.update(again[0][1].positions)
            continue
        tables = {_table(catalog, n) for n, _ in chosen} - {None}
        if "value" in span.kinds() and any(_table(catalog, n) in tables for n in names):
            takes = any(x.kind == "value" and x.name in catalog.metrics[m].dimensions for x in span.senses for m, _ in chosen)
            counts = [(m, s) for m, s in chosen if _table(catalog, m) in {_table(catalog, n) for n in names}
                      and catalog.metrics[m].measure is not None and catalog.metrics[m].measure.agg.value == "count"]
            if takes and counts and len(names) == 1 and not reading.has(Word.count):
                chosen[:] = [c for c in chosen if c not in counts]  # "nps from relationship surveys": their nps
                _choose(chosen, used, notes, names[0], span, catalog)
                used.update(p for _, s in counts for p in s.positions)
            elif not takes:
                used.update(span.positions)  # "attendance at QBRs", "conversion rate of trials": the word restates the topic
            continue  # "how many nps surveys": the value filters the count asked
        if span.kinds() != {"metric"}:
            if chosen or _listed(reading, span):
                continue  # "which customers …", "onboarding nps": the dimension or value sense
        if len(names) > 1:
            names = _by_neighbours(reading, span, names, catalog, used)
        if len(names) > 1:
            names = _by_formula(names, {n for n, _ in chosen} | (named - set(span.metrics())), catalog)
        if len(names) > 1:
            ambiguous = ambiguous or (span, tuple(names))
            continue
        _choose(chosen, used, notes, names[0], span, catalog)
    _rows_restated(reading, chosen, catalog)
    chosen = [(variant, span) for name, span in chosen for variant in _asked_statistics(reading, name, span, catalog, used)]
    return MetricChoice(tuple(dict.fromkeys(chosen)), frozenset(used), tuple(notes), ambiguous)


def _table(catalog: Catalog, name: str) -> str | None:
    source = catalog.sources.get(catalog.metrics[name].source or "")
    return source.table if source else None


def _rows_restated(reading, chosen: list, catalog: Catalog) -> None:
    """'nps from relationship surveys': a bare count of the rows another chosen metric measures, named after it with
    nothing joining them and no count asked, only says which rows."""
    from assistant.planner.grammar import Word
    from assistant.planner.spans import Kind

    if reading.has(Word.count):
        return
    for name, span in list(chosen):
        metric = catalog.metrics[name]
        if metric.measure is None or metric.measure.agg.value != "count" or metric.measure.filter or metric.where:
            continue
        measured = [s for m, s in chosen if m != name and _table(catalog, m) == _table(catalog, name)
                    and s.end <= span.start]
        joined = measured and any(w.kind is Kind.word and w.word in (Word.conjunction, Word.versus)
                                  and measured[-1].end <= w.start < span.start for w in reading.spans)
        if measured and not joined:
            chosen.remove((name, span))


def _choose(chosen: list, used: set[int], notes: list[str], name: str, span, catalog: Catalog) -> None:
    if name in {n for n, _ in chosen}:
        used.update(span.positions)
        return
    chosen.append((name, span))
    used.update(span.positions)
    if span.fuzzy:
        notes.append(f"read “{span.text}” as {catalog.metrics[name].label}")


def _listed(reading, span) -> bool:
    """Whether an entity word ('customers') is asked for as rows: listed, ranked, counted or grouped by."""
    from assistant.planner.grammar import RANKING, Word
    from assistant.planner.spans import Kind

    if not any(s.kind == "dimension" for s in span.senses):
        return False
    asks = {Word.list, Word.group, Word.rank, *RANKING}
    return any(s.kind is Kind.word and s.word in asks for s in reading.before(span, 3)) or any(
        s.kind is Kind.word and s.word in (Word.having, Word.negation, Word.exclusion) for s in reading.after(span, 2))


def _by_neighbours(reading, span, names: list[str], catalog: Catalog, used: set[int]) -> list[str]:
    """The readings whose own words appear elsewhere in the question ("churn … in revenue terms")."""
    from assistant.planner.spans import Kind

    others = {p: reading.tokens[p].stem for s in reading.spans if s is not span and s.kind in (Kind.term, Kind.unknown,
                                                                                             Kind.time)
              for p in s.positions}  # "monthly actve users": a grain word can say which
    scores = {n: len(set(others.values()) & _vocabulary(catalog.metrics[n])) for n in names}
    best = max(scores.values())
    winners = [n for n in names if scores[n] == best]
    if len(winners) != 1 or best == 0:
        return names
    used.update(p for p, stem in others.items() if stem in _vocabulary(catalog.metrics[winners[0]]))
    return winners


def _by_formula(names: list[str], others: set[str], catalog: Catalog) -> list[str]:
    """The reading that a catalogue formula joins to another metric of the question: 'more active users than seats'
    is MAU, the one seat utilization divides by seats purchased."""
    formulas = [set(derived_refs(m)) for m in catalog.metrics.values()]
    joined = [n for n in names if any(n in refs and refs & (others - {n}) for refs in formulas)
              or any(n in derived_refs(catalog.metrics[o]) for o in others)]
    return joined if len(joined) == 1 else names


def _asked_statistics(reading, name: str, span, catalog: Catalog, used: set[int]) -> list[str]:
    """The metrics of the same quantity with the statistics asked next to it: 'how many promoters' → the count;
    'mean and median first response time' → both."""
    from assistant.planner.grammar import Word
    from assistant.planner.spans import Kind

    metric = catalog.metrics[name]
    if metric.quantity is None or span is None:
        return [name]
    statistics = {Word.count: "count", Word.share: "share", Word.mean: "mean", Word.median: "median", Word.total: "total"}
    joined = [t for t in reading.of(Kind.term) if t.metrics() and t is not span and any(
        w.kind is Kind.word and w.word in (Word.versus, Word.conjunction) and min(t.end, span.end) <= w.start
        and w.end <= max(t.start, span.start) for w in reading.spans) and reading.distance(t, span) <= 1]

    def apart(word) -> int:  # content words between, a time phrase not counted ("rate for q1 and how much")
        def gap(other) -> int:
            low, high = sorted((word.start, other.start))
            timed = sum(len(t.positions) for t in reading.of(Kind.time) if low < t.start < high)
            return reading.distance(word, other) - timed
        return min(gap(s) for s in (span, *joined))  # "promoters vs detractors … just the counts": both

    near = [s for s in reading.spans if s.kind is Kind.word and s.word in statistics
            and (s.word in (Word.mean, Word.median) or apart(s) <= 3)]
    found = []
    named = any(reading.tokens[p].text in ("average", "mean", "median", "avg", "rate") for p in span.positions)
    for word in near:
        wanted = statistics[word.word]
        sibling = next((m for m in catalog.metrics.values() if m.quantity == metric.quantity
                        and m.statistic is not None and m.statistic.value == wanted), None)
        if sibling is not None:
            used.update(word.positions)
            found.append(sibling.name)
    if named and found:
        found.insert(0, name)  # "avg and median first response time": the one the term named, and the other
    return list(dict.fromkeys(found)) or [name]
