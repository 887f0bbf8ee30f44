"""A question read as typed spans: time, terms (metric, dimension, value), grammar words, numbers, unknown words.

Each span knows the token positions it covers. A word is understood only when a span covers
it; the frames (frames.py) then say which spans they used. Pure: the question, the lexicon
and as_of in, a `Reading` out.

Order of reading: the time grammar takes its phrases first (timewords.py); then, left to
right, the longest catalogue term (matched over the content words, filler skipped) or
grammar phrase; numbers; and what is left is unknown. Unknown words get one typo-tolerant
try against the catalogue's terms, and a metric term whose words appear in another order
("customers did we lose" holds "lost customers") is found last.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cache, cached_property

from rapidfuzz import fuzz, process

from assistant.planner.grammar import COMPARING, Word, grammar
from assistant.planner.lexicon import Lexicon, Sense
from assistant.planner.normalize import KEPT_IN_TERMS, Token, filler_words, key, normalize, tokenize
from assistant.planner.timewords import LETTER_RUN, UPCOMING, TimeWords, correct_time_typos, parse_time, upcoming_by_default

SCATTER_WIDTH = 3  # at most this many words from the first to the last word of a term found out of order
WORD_NEAR = 80  # each word of a typo'd phrase must be at least this close to its term's word
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
                "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100}
_NUMBER = re.compile(r"^(\d+(?:\.\d+)?)(%?)$")
_SLASHED = re.compile(r"\b[a-z0-9]+(?:/[a-z0-9]+)+\b")
_TIME_ADVERB = re.compile(r"\b((?:[a-z]+ ){0,2})(daily|weekly|monthly|quarterly|yearly|annual|coming up|upcoming)((?: [a-z/]+){0,2})")


class Kind(StrEnum):
    time = "time"
    term = "term"
    word = "word"
    number = "number"
    unknown = "unknown"


@dataclass(frozen=True)
class Span:
    """Words of the question (token `positions`) read as one thing."""

    kind: Kind
    positions: tuple[int, ...]
    text: str
    senses: tuple[Sense, ...] = ()  # a term's possible meanings
    word: Word | None = None  # a grammar word's class
    number: float | None = None
    percent: bool = False
    fuzzy: bool = False  # read through a typo

    @property
    def start(self) -> int:
        return self.positions[0]

    @property
    def end(self) -> int:
        return self.positions[-1] + 1

    def kinds(self) -> set[str]:
        """The kinds of meaning, leaving out words that only say how rows sit in time or what they are."""
        return {s.kind for s in self.senses if s.kind not in ("placing", "rows")}

    def rows(self) -> list[str]:
        """The sources whose rows this word names ('users' → user activity)."""
        return [s.name for s in self.senses if s.kind == "rows"]

    def placing(self) -> list[str]:
        """The sources whose rows this word places in time ('opened' → tickets opened)."""
        return [s.name for s in self.senses if s.kind == "placing"]

    def metrics(self) -> list[str]:
        return list(dict.fromkeys(s.name for s in self.senses if s.kind == "metric"))

    def dimensions(self) -> list[str]:
        return list(dict.fromkeys(s.name for s in self.senses if s.kind == "dimension"))

    def values(self) -> list[Sense]:
        return [s for s in self.senses if s.kind == "value"]


@dataclass(frozen=True)
class Reading:
    """The question, its normalised tokens, the spans covering them, and its time words."""

    question: str
    text: str
    tokens: tuple[Token, ...]
    spans: tuple[Span, ...]
    time: TimeWords
    notes: tuple[str, ...] = ()  # typos read as time words
    filler: frozenset[int] = field(default_factory=frozenset)  # positions of filler words

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(t.text for t in self.tokens)

    def of(self, *kinds: Kind) -> list[Span]:
        if len(kinds) == 1:
            return [self.spans[k] for k in self._by_kind.get(kinds[0], ())]
        return [s for s in self.spans if s.kind in kinds]

    def grammar(self, *classes: Word) -> list[Span]:
        by_word = self._by_word
        if len(classes) == 1:
            return [self.spans[k] for k in by_word.get(classes[0], ())]
        return [self.spans[k] for k in sorted(k for c in set(classes) for k in by_word.get(c, ()))]

    def has(self, *classes: Word) -> bool:
        return any(c in self._by_word for c in classes)

    # The frames ask which spans are of a kind or a grammar class dozens of times a question: indexed once, in order.
    @cached_property
    def _by_kind(self) -> dict[Kind, tuple[int, ...]]:
        index: dict[Kind, list[int]] = {}
        for k, span in enumerate(self.spans):
            index.setdefault(span.kind, []).append(k)
        return {kind: tuple(ks) for kind, ks in index.items()}

    @cached_property
    def _by_word(self) -> dict[Word, tuple[int, ...]]:
        index: dict[Word, list[int]] = {}
        for k in self._by_kind.get(Kind.word, ()):
            index.setdefault(self.spans[k].word, []).append(k)
        return {word: tuple(ks) for word, ks in index.items()}

    def unknown(self) -> list[Span]:
        return self.of(Kind.unknown)

    @property
    def names_own_rows(self) -> bool:
        """'my accounts', 'my red accts?': only "my" and one noun (perhaps a time), no verb or filler around it."""
        rest = [s for s in self.spans if not (s.kind is Kind.word and s.word is Word.mine) and s.kind is not Kind.time]
        return self.has(Word.mine) and not self.filler and len(rest) == 1 and rest[0].kind is Kind.term

    def at(self, position: int) -> Span | None:
        return next((s for s in self.spans if position in s.positions), None)

    def before(self, span: Span, count: int = 3) -> list[Span]:
        """The spans ending within `count` content words before `span`, nearest last."""
        return [s for s in self.spans if s.end <= span.start and self._gap(s.end, span.start) < count]

    def after(self, span: Span, count: int = 3) -> list[Span]:
        """The spans starting within `count` content words after `span`, nearest first."""
        return [s for s in self.spans if s.start >= span.end and self._gap(span.end, s.start) < count]

    def _gap(self, start: int, end: int) -> int:
        """Content words (not filler) at positions start … end - 1."""
        if end <= start:
            return 0
        return self._content_up_to(end) - self._content_up_to(start)

    def _content_up_to(self, position: int) -> int:
        """Content words before `position` (every position past the last token counts as content)."""
        counts = self._content_counts
        last = len(counts) - 1
        return counts[position] if position <= last else counts[last] + position - last

    @cached_property
    def _content_counts(self) -> tuple[int, ...]:
        """For each position 0 … len(tokens), how many content words come before it: gaps are asked thousands of
        times a question."""
        counts, seen = [0], 0
        for i in range(len(self.tokens)):
            seen += i not in self.filler
            counts.append(seen)
        return tuple(counts)

    def distance(self, a: Span, b: Span) -> int:
        """Content words between two spans (0 when they touch or overlap)."""
        if a.end <= b.start:
            return self._gap(a.end, b.start)
        if b.end <= a.start:
            return self._gap(b.end, a.start)
        return 0


def _split_slashes(text: str, lexicon: Lexicon) -> str:
    """'nrr/grr by segment': two terms joined by a slash that is not itself a term ('dau/mau' is) are both asked."""
    def split(match: re.Match) -> str:
        whole, parts = match.group(0), match.group(0).split("/")
        if lexicon.lookup(key(whole)) or not all(lexicon.lookup(key(p)) for p in parts):
            return whole
        return " and ".join(parts)

    return _SLASHED.sub(split, text)


def _mask_metric_adverbs(text: str, lexicon: Lexicon) -> str:
    """Hide 'daily active users', 'average weekly health' from the time grammar: they name metrics, not grains."""
    def mask(match: re.Match) -> str:
        before, adverb, after = (match.group(1) or "").split(), match.group(2), (match.group(3) or "").split()
        for lead in [before[k:] for k in range(len(before))] + [[]]:
            for n in range(len(after), -1, -1):
                phrase = " ".join([*lead, adverb, *after[:n]])
                if (lead or n) and any(s.kind == "metric" for s in lexicon.lookup(key(phrase))):
                    return match.group(0).replace(adverb, "#" * len(adverb), 1)
        return match.group(0)

    return _TIME_ADVERB.sub(mask, text)


def _number(tokens: list[Token], i: int) -> tuple[float, bool, int] | None:
    """(value, percent, tokens used) of a number at `i`: '60', '60%', '60 percent', 'ten'."""
    text = tokens[i].text
    match = _NUMBER.match(text)
    if match:
        value, percent = float(match[1]), bool(match[2])
    elif text in NUMBER_WORDS:
        value, percent = float(NUMBER_WORDS[text]), False
    else:
        return None
    used = 1
    if not percent and i + 1 < len(tokens) and tokens[i + 1].text in ("%", "percent"):
        percent, used = True, 2
    return value, percent, used


def read(question: str, lexicon: Lexicon, as_of: date) -> Reading:
    """The spans of `question`: what each run of words may mean."""
    text, corrected = correct_time_typos(_without_filler_typos(_split_slashes(normalize(question), lexicon), lexicon),
                                         lexicon.knows)
    masked = _mask_metric_adverbs(text, lexicon)
    time = parse_time(masked, as_of)
    if (upcoming := UPCOMING.search(text)) and not UPCOMING.search(masked):
        upcoming_by_default(time, upcoming.group(0), as_of)  # "arr coming up for renewal": a term, and still ahead
    tokens = tokenize(text)
    words = [t.text for t in tokens]
    stems = [t.stem for t in tokens]
    filler = filler_words()
    spans: list[Span] = []
    taken: set[int] = set()
    for start, end in time.spans:
        positions = tuple(i for i, t in enumerate(tokens) if t.start < end and t.end > start)
        if positions:
            spans.append(Span(Kind.time, positions, " ".join(words[i] for i in positions)))
            taken.update(positions)
    free = [i for i in range(len(tokens)) if i not in taken]
    content = [i for i in free if words[i] not in filler or words[i] in KEPT_IN_TERMS]
    is_filler = {i for i in free if i not in content}
    phrases = grammar()
    clauses = {j for i in range(len(words)) if (c := phrases.classify(words, i)) and c[0] is Word.having and c[1] > 1
               for j in range(i, i + c[1])}  # "accounts that have health …": a clause, not a verb inside a term
    auxiliary = {i for i in content if phrases.classify(words, i) == (Word.having, 1) and i not in clauses
                 and i > 0 and words[i - 1] in filler}  # "… do we have …", not "accounts with health"
    loose = [i for i in content if i not in auxiliary]
    i = 0
    while i < len(tokens):
        if i in taken:
            i += 1
            continue
        term = _prefer_longer_reach(i, _term_at(i, content, stems, lexicon, taken), content, stems, lexicon, taken)
        term = _movement_outside(term, words, stems, lexicon)
        if i in loose and (term is None or len(term[0]) == 1):
            across = _term_at(i, loose, stems, lexicon, taken)
            if across is not None and len(across[0]) > 1 and any(across[0][0] < a < across[0][-1] for a in auxiliary):
                term = across
        said = phrases.classify(words, i)
        if said is not None and any(j in taken for j in range(i, i + said[1])):
            said = None
        skipping = None if said is not None or i not in content else _phrase_over_content(i, content, words, taken)
        term_words = len(term[0]) if term else 0
        if term and (said is None or term_words > 1 or (term[0][-1] + 1 - i) > said[1]):
            positions, senses = term
            if any(x.exact for x in senses):  # "logged" is a word for opening tickets, not short for Logistics
                senses = [x for x in senses if x.exact]
            spans.append(Span(Kind.term, positions, " ".join(words[positions[0]:positions[-1] + 1]), tuple(senses)))
            taken.update(positions)
            i += 1
            continue
        if said is not None and said[0] is not Word.filler:
            positions = tuple(range(i, i + said[1]))
            spans.append(Span(Kind.word, positions, " ".join(words[j] for j in positions), word=said[0]))
            taken.update(positions)
            i += said[1]
            continue
        if skipping is not None and not (term and len(term[0]) >= len(skipping[1])):
            word_class, positions = skipping  # "break that down": a phrase of grammar words around filler
            spans.append(Span(Kind.word, positions, " ".join(words[j] for j in positions), word=word_class))
            taken.update(positions)
            i += 1
            continue
        counted = bool(spans) and spans[-1].kind is Kind.word and spans[-1].word in COMPARING and \
            words[i] in NUMBER_WORDS  # "more than one urgent ticket": the filler "one" is a number there
        typo = _filler_typo(words[i], filler) and not lexicon.knows(words[i])  # "lost" is not "lots"
        if not counted and (said is not None or i in is_filler or typo):  # filler: no span, no meaning
            i += said[1] if said else 1
            continue
        number = _number(tokens, i)
        if number is not None:
            value, percent, used = number
            positions = tuple(range(i, i + used))
            spans.append(Span(Kind.number, positions, " ".join(words[j] for j in positions), number=value, percent=percent))
            taken.update(positions)
            i += used
            continue
        spans.append(Span(Kind.unknown, (i,), words[i]))
        taken.add(i)
        i += 1
    fillers = frozenset(i for i in range(len(tokens)) if not any(i in s.positions for s in spans))
    spans = _typos(spans, words, stems, lexicon)
    spans = _grammar_typos(spans, words)
    spans = _ellipsis(spans, words, stems, lexicon)
    spans = _scattered(spans, words, stems, lexicon)
    spans.sort(key=lambda s: s.start)
    spans = _around_values(spans, words, stems, lexicon)
    return Reading(question, text, tuple(tokens), tuple(spans), time, tuple(corrected), fillers)


def _around_values(spans: list[Span], words: list[str], stems: list[str], lexicon: Lexicon) -> list[Span]:
    """'open high priority tickets': a metric term with a value said inside it ('open … tickets' around 'high
    priority') is the term, and the value narrows it."""
    out: list[Span | None] = list(spans)
    for k, head in enumerate(out):
        if head is None or len(head.positions) != 1 or head.kind not in (Kind.unknown, Kind.term) or \
                any(x.kind == "metric" for x in head.senses):
            continue
        for n in (1, 2):  # the words inside: a value, perhaps with its dimension's name ("high priority")
            inside, tail = out[k + 1:k + 1 + n], out[k + 1 + n] if k + 1 + n < len(out) else None
            if not _value_inside(head, inside, tail):
                continue
            senses = [x for x in lexicon.lookup([stems[head.start], *[stems[p] for p in tail.positions]])
                      if x.kind == "metric"]
            if senses:
                positions = (head.start, *tail.positions)
                out[k], out[k + 1 + n] = None, Span(Kind.term, positions, " ".join(words[p] for p in positions),
                                                    tuple(senses))
                break
    return sorted((x for x in out if x is not None), key=lambda x: x.start)


def _phrase_over_content(i: int, content: list[int], words: list[str],
                         taken: set[int]) -> tuple[Word, tuple[int, ...]] | None:
    """A grammar phrase of two or more words read over the content words, filler between skipped."""
    k = content.index(i)
    following = [p for p in content[k:k + grammar().longest] if p not in taken]
    if len(following) < 2 or following[0] != i:
        return None
    found = grammar().classify([words[p] for p in following], 0)
    if found is None or found[1] < 2 or found[0] is Word.filler:
        return None
    positions = tuple(following[:found[1]])
    return (found[0], positions) if positions[-1] - positions[0] <= 2 * found[1] else None


def _without_filler_typos(text: str, lexicon: Lexicon) -> str:
    """'over teh last 6 months': filler words with two letters swapped, put right before the time grammar reads them.

    Only words nothing else knows are corrected: "who" stays "who", though its letters spell "how"."""
    by_letters = _filler_by_letters()
    words = grammar().phrases

    def fix(match: re.Match) -> str:
        word = match.group(0)
        right = by_letters.get("".join(sorted(word)))
        known = (word,) in words or lexicon.knows(word)
        return right if right is not None and not known and len(word) >= 3 else word

    return LETTER_RUN.sub(fix, text)


@cache
def _filler_by_letters() -> dict[str, str]:
    """Filler words of three letters or more by their sorted letters (the last one of each spelling, as read)."""
    return {"".join(sorted(f)): f for f in filler_words() if len(f) >= 3 and f.isalpha()}


def _filler_typo(word: str, filler: frozenset[str]) -> bool:
    """'teh', 'thier', 'waht': a filler word with two letters swapped (only called on words nothing else knows)."""
    return len(word) >= 3 and word.isalpha() and (word,) not in grammar().phrases and any(
        len(f) == len(word) and sorted(f) == sorted(word) and f != word for f in filler)


def _value_inside(head: Span, inside: list[Span | None], tail: Span | None) -> bool:
    """Whether `inside` is a value (with perhaps its dimension's name) right between `head` and a metric term."""
    if tail is None or any(x is None for x in inside) or not inside[0].values():
        return False
    run = [head, *inside, tail]
    return all(x.kind is Kind.term and not x.metrics() for x in inside) and tail.kind is Kind.term and \
        bool(tail.metrics()) and all(a.end == b.start for a, b in zip(run, run[1:]))


def _prefer_longer_reach(i: int, term, content: list[int], stems: list[str], lexicon: Lexicon, taken: set[int]):
    """'each account health score': 'account' then 'health score', not 'account health' leaving 'score' alone, when
    the first word is a term by itself and the term from the next word reaches further."""
    if term is None or len(term[0]) < 2:
        return term
    later = _term_at(term[0][1], content, stems, lexicon, taken)
    alone = lexicon.lookup([stems[i]])
    if later is not None and alone and later[0][-1] > term[0][-1]:
        return (i,), alone
    return term


def _movement_outside(term, words: list[str], stems: list[str], lexicon: Lexicon):
    """'smb customers lost more than 25% of their mau': a movement word ending a term ('customers lost') and followed
    by a comparison or a number moves what comes after; the term is the words before it."""
    if term is None or len(term[0]) < 2:
        return term
    last = term[0][-1]
    moving = grammar().classify(words, last)
    nxt = grammar().classify(words, last + 1) if last + 1 < len(words) else None
    follows = last + 1 < len(words) and (_NUMBER.match(words[last + 1]) or (nxt is not None and nxt[0] in COMPARING))
    if moving is None or moving[0] not in (Word.up, Word.down) or not follows:
        return term
    shorter = lexicon.lookup([stems[p] for p in term[0][:-1]])
    return (term[0][:-1], shorter) if shorter else term


def _term_at(i: int, content: list[int], stems: list[str], lexicon: Lexicon,
             taken: set[int]) -> tuple[tuple[int, ...], list[Sense]] | None:
    """The longest catalogue term starting at content word `i` (filler between its words skipped, nothing else)."""
    if i not in content:
        return None
    k = content.index(i)
    for n in range(min(lexicon.longest, len(content) - k), 0, -1):
        positions = tuple(content[k:k + n])
        if any(p in taken for p in positions) or positions[-1] - positions[0] > 2 * n + 1:
            continue
        if any(p in taken for p in range(positions[0], positions[-1] + 1)):
            continue  # never across a time phrase: "nps ytd promoters" is not "nps promoters"
        senses = lexicon.lookup([stems[p] for p in positions])
        if senses:
            return positions, senses
    return None


def _typos(spans: list[Span], words: list[str], stems: list[str], lexicon: Lexicon) -> list[Span]:
    """Runs of unknown words (perhaps with a one-word term among them) that are a typo away from a longer term."""
    def replace(run: list[Span]) -> Span | None:
        typed = [stems[p] for s in run for p in s.positions]
        match = lexicon.closest(typed)
        if match is None or len(match[0]) < len(typed) or not _word_by_word(match[0], typed):
            raw = [words[p] for s in run for p in s.positions]  # "renwals": nearer "renewals" than its stem "renew"
            match = lexicon.closest(raw) if len(raw) == 1 else None
            if match is None or len(match[0]) < len(typed):
                return None
        positions = tuple(p for s in run for p in s.positions)
        return Span(Kind.term, positions, " ".join(words[p] for p in positions), tuple(lexicon.terms[match[0]]), fuzzy=True)

    for n in (3, 2, 1):
        k = 0
        while k + n <= len(spans):
            run = spans[k:k + n]
            eligible = all(s.kind is Kind.unknown or (s.kind is Kind.term and len(s.positions) == 1 and not s.fuzzy)
                           for s in run) and any(s.kind is Kind.unknown for s in run)
            contiguous = all(b.start - a.end <= 1 for a, b in zip(run, run[1:]))
            found = replace(run) if eligible and contiguous and all(len(s.text) >= 2 for s in run) else None
            if found is not None:
                spans[k:k + n] = [found]
            k += 1
    return spans


GRAMMAR_NEAR = 85  # rapidfuzz ratio: "whcih" is "which", "accross" is "across"


@cache
def _grammar_singles() -> dict[str, Word]:
    """The one-word grammar phrases of five letters or more, filler left out: what a typo may be read as."""
    return {p[0]: c for p, c in grammar().phrases.items() if len(p) == 1 and len(p[0]) >= 5 and c is not Word.filler}


def _grammar_typos(spans: list[Span], words: list[str]) -> list[Span]:
    """An unknown word a letter or two away from a grammar word (of five letters or more) is that word."""
    singles = _grammar_singles()
    for k, span in enumerate(spans):
        if span.kind is not Kind.unknown or len(span.text) < 4:
            continue
        if len(span.text) == 4:  # "wich": a letter left out of a longer grammar word, nothing looser for short words
            dropped = next((w for w in singles if len(w) == 5 and w[0] == span.text[0] and
                            any(w[:i] + w[i + 1:] == span.text for i in range(1, 5))), None)
            if dropped is not None:
                spans[k] = Span(Kind.word, span.positions, span.text, word=singles[dropped], fuzzy=True)
            continue
        best = process.extractOne(span.text, list(singles), scorer=fuzz.ratio, score_cutoff=GRAMMAR_NEAR)
        swapped = next((w for w in singles if len(w) == len(span.text) and w[0] == span.text[0]
                        and sorted(w) == sorted(span.text)), None)
        found = best[0] if best is not None and best[0][0] == span.text[0] else swapped
        if found is not None:
            spans[k] = Span(Kind.word, span.positions, span.text, word=singles[found], fuzzy=True)
    return spans


def _ellipsis(spans: list[Span], words: list[str], stems: list[str], lexicon: Lexicon) -> list[Span]:
    """'net and gross revenue retention': a word before 'and'/'or' that, with the rest of the next term, is a term."""
    spans.sort(key=lambda s: s.start)
    for k in range(len(spans) - 2):
        first, joint, term = spans[k], spans[k + 1], spans[k + 2]
        if first.kind is not Kind.unknown or not (joint.kind is Kind.word and joint.word is Word.conjunction) \
                or term.kind is not Kind.term or len(term.positions) < 2:
            continue
        senses = lexicon.lookup([stems[first.start], *[stems[p] for p in term.positions[1:]]])
        if senses:
            spans[k] = Span(Kind.term, first.positions, first.text, tuple(senses))
    return spans


def _word_by_word(term: tuple[str, ...], typed: list[str]) -> bool:
    """Each typed word is itself near its term word: "agent utilization" is not "seat utilization"; and is not the
    term word with a prefix or suffix of its own: "reopen" is not "open", "unsigned" not "signed"."""
    return len(term) != len(typed) or all(fuzz.ratio(a, b) >= WORD_NEAR and not _affixed(a, b) for a, b in zip(term, typed))


def _affixed(word: str, typed: str) -> bool:
    return len(typed) >= len(word) + 2 and (typed.endswith(word) or typed.startswith(word))


def _scattered(spans: list[Span], words: list[str], stems: list[str], lexicon: Lexicon) -> list[Span]:
    """A metric term whose words all appear, in any order, and explain more than the spans there.

    "how many customers did we lose" holds "lost customers" (lose → lost). The term replaces
    the shorter spans it covers, and must take in at least one word nothing else explained.
    """
    where: dict[str, list[int]] = {}
    for span in spans:
        if span.kind in (Kind.term, Kind.unknown):  # grammar words stay what they are ("components" asks for parts)
            for p in span.positions:
                where.setdefault(stems[p], []).append(p)
    unknown = {p for s in spans if s.kind is Kind.unknown for p in s.positions}
    best: tuple[int, tuple[str, ...], list[int]] | None = None
    for term, senses in lexicon.scattered_with(where):
        if not all(t in where for t in term):
            continue
        span = sorted({where[t][0] for t in term})
        between = [s for s in spans if span[0] < s.start < span[-1] and s.start not in span]
        named = {p for s in between if s.kind is Kind.term for p in s.positions}  # "using the ai_assistant feature"
        width = sum(1 for p in range(span[0], span[-1] + 1) if p not in named)
        if width > SCATTER_WIDTH + 1 or not unknown & set(span):
            continue
        if any(s.kind in (Kind.number, Kind.time) or (s.kind is Kind.word and s.word not in (
                Word.group, Word.conjunction, Word.having)) for s in between):
            continue  # "customers had at least 3 active days" is not "active customers"
        if best is None or len(span) > best[0]:
            best = (len(span), term, span)
    if best is None:
        return spans
    _, term, positions = best
    covered = [s for s in spans if set(s.positions) & set(positions)]
    if any(len(s.positions) >= len(positions) or (s.kind is Kind.term and s.kinds() == {"metric"}) for s in covered):
        return spans  # never undo a span as long, or a plain metric
    kept = [s for s in spans if s not in covered]
    kept.append(Span(Kind.term, tuple(positions), " ".join(words[p] for p in positions), tuple(lexicon.terms[term])))
    return kept
