"""The one normaliser: text → normalised words → stems, for questions and catalogue terms alike.

The planner, the lexicon (catalogue and data terms) and the agent's catalogue search all read
words through these functions, so "renewals", "renewing" and "renewal" meet everywhere, and a
contraction, an abbreviation or "$50k" reads the same in a question and in a synonym.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from assistant.planner.grammar import Word, grammar

# The same words and phrases come back on every question (catalogue terms, grammar words, the follow-ups offered):
# the pure functions below are memoised, bounded so a stream of novel questions cannot grow them without end.
CACHED_TEXTS = 16384

# Inflections the suffix rules below do not reach; applied before stemming, on both sides.
LEMMAS = {
    "used": "use", "using": "use", "uses": "use", "lose": "lost", "losing": "lost", "loses": "lost", "won": "win",
    "winning": "win", "took": "take", "taking": "take", "takes": "take", "renews": "renew", "renewing": "renew",
    "walked": "churned", "finished": "completed", "finish": "complete", "finishing": "completing",
    "finishes": "completes", "signup": "start", "signups": "start", "signed": "start", "joined": "start",
    "started": "start", "onboarded": "start", "hold": "held", "holding": "held", "hit": "reach", "hits": "reach",
    "reached": "reach", "reaching": "reach", "reaches": "reach", "retain": "retention", "retains": "retention",
    "retained": "retention", "came": "come", "comes": "come", "coming": "come", "gave": "give", "given": "give",
}
# Words left as typed, because the suffix rules would make them meet a word of another meaning: "opened" (an event:
# tickets opened in a period) is not "open" (a state: tickets open now); "renewed" and "churned" (renewal outcomes,
# accounts that left) are not "renewal" and "churn" (the metrics).
UNSTEMMED = frozenset({"opened", "renewed", "churned"})
# Kept inside catalogue terms, although grammar, so "per feature adoption" and "current customers" stay one term.
KEPT_IN_TERMS = frozenset({"by", "per", "each", "current", "run"})  # "run rate" is not "rate"

_TOKEN = re.compile(r"[a-z0-9]+(?:[/&.][a-z0-9]+)*%?|[<>]=?|%|\?")
# "how long does it take to reach first value" asks for a "time to …" metric.
# "how many tickets did my customers open": the event (opened), not the state ("tickets they have open").
_DID_OPEN = re.compile(r"\b(did|do|does)((?: (?!have\b|has\b|had\b|still\b)[a-z']+){1,3}) open\b")
_HOW_LONG = re.compile(r"\bhow long (?:(?:does|did|do) (?:it|they|we) take |(?:it|they) takes? |to take )?(?:to |until |till )?")
# "how many days did acme corp take to reach first value": the subject between the verb and "take" moves after it.
_TAKES = re.compile(r"\bhow (?:long|many (?:days|hours|weeks|months|minutes)) (?:does|did|do|will|would|should) "
                    r"((?:(?!take\b)[a-z0-9.&']+ ){1,8})take (?:us |them |him |her |it )?(?:to |until |till )(.*)$")
_PRONOUNS = frozenset({"it", "we", "they", "you", "he", "she", "i"})
_CONTRACTION = re.compile(r"\b(have|has|had|is|are|was|were|do|does|did|should|would|could|ai)n'?t\b")
_IRREGULAR_NOT = {"can't": "can not", "cant": "can not", "won't": "will not", "wont": "will not"}
_SHORT_UNITS = {"d": "days", "w": "weeks", "wk": "weeks", "mo": "months"}
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
_SCALED = re.compile(r"\$?(\d+(?:\.\d+)?)\s?([km])\b")
_DOLLAR = re.compile(r"\$\s?(?=\d)")


def _scaled(match: re.Match) -> str:
    value = float(match.group(1)) * (1_000 if match.group(2) == "k" else 1_000_000)
    return f"{value:.0f}" if value == int(value) else f"{value}"


def _time_taken(match: re.Match) -> str:
    subject = match.group(1).strip()
    return f"time to {match.group(2)}" + ("" if subject in _PRONOUNS else f" for {subject}")


@cache
def _abbreviation_pattern() -> re.Pattern:
    words = sorted(grammar().abbreviations, key=len, reverse=True)
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(re.escape(w) for w in words) + r")(?![a-z0-9])")


@lru_cache(maxsize=CACHED_TEXTS)
def normalize(text: str) -> str:
    """Lower case without accents, straight quotes, no possessive 's, contractions and abbreviations spelled out.

    Hyphens and underscores between letters become spaces; "w/" is "with"; "20+" is "20 or more";
    "$50k" is "50000"; "1,000" is "1000".
    """
    text = unicodedata.normalize("NFKD", text.casefold().replace("\u2019", "'").replace("\u2018", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    for irregular, spelled in _IRREGULAR_NOT.items():
        text = re.sub(rf"\b{re.escape(irregular)}\b", spelled, text)
    text = _CONTRACTION.sub(lambda m: f"{m.group(1)} not", text)
    text = re.sub(r"(?<=[a-z])'ve\b", " have", text)  # "they've got", "we've had"
    text = re.sub(r"(?<=[a-z])'re\b", " are", text)
    text = re.sub(r"(?<![a-z])'em\b", "them", text)
    text = re.sub(r"(\w)'s\b", r"\1", text)
    text = re.sub(r"(\w)s'(?!\w)", r"\1s", text)
    text = re.sub(r"\b([a-z]+)-weighted\b", r"by \1", text)  # "arr-weighted"
    # "(mon-sun)", "(mon-sun weeks)": weeks here run Monday to Sunday anyway
    text = re.sub(r"\(?\b(?:mon|monday)\s*(?:-|to|thru|through)\s*(?:sun|sunday)\b(?: weeks?)?\)?", " ", text)
    text = re.sub(r"(?<=[a-z])-(in|up|on|out)s\b", r"-\1", text)  # "check-ins": the plural of "check-in"
    text = re.sub(r"(?<=[a-z])[-_](?=[a-z])", " ", text)
    text = re.sub(r"\bw/o(?![a-z0-9])", "without", text)
    text = re.sub(r"\bw/(?![a-z0-9])", "with", text)  # "w/ open tickets"; "w/e" stays a word
    text = re.sub(r"^((?:[a-z'\-]+ ){0,3}[a-z'\-]+): (?=\S)", r"\1 i.e ", text)  # "ready to expand: mau above seats …"
    text = re.sub(r"\b(\d+) ?(d|wk?|mo)\b", lambda m: f"{m.group(1)} {_SHORT_UNITS[m.group(2)]}", text)  # "next 90d"
    text = _THOUSANDS.sub("", text)
    text = _SCALED.sub(_scaled, text)
    text = _DOLLAR.sub("", text)
    text = re.sub(r"\s*(?:-+>|=>|\u2192)\s*", ", ", text)  # "q1 -> q2 -> q3": a sequence, read as a list
    text = re.sub(r"(\d%?)\s*\+", r"\1 or more", text)
    text = re.sub(r"\s[+&]\s", " and ", text)
    text = re.sub(r"\b(?:on|in) an? ([a-z]+) basis\b", r"by \1", text)  # "on an ARR basis": the variant by ARR
    text = re.sub(r"\b(?:using|with|from|on) ([a-z]+) (?:numbers|figures|data|values)\b", r"in \1", text)  # "using september's numbers"
    text = re.sub(r"\bweighted (?=by\b)", "", text)  # "weighted by ARR": the variant by ARR
    text = re.sub(r"\bzero\b(?! (?:point|percent|%))", "no", text)  # "accounts with zero QBRs": none
    text = re.sub(r"\bin ([a-z]+) terms\b", r"by \1", text)
    text = _abbreviation_pattern().sub(lambda m: grammar().abbreviations[m.group(0)], text)
    text = re.sub(r"\b(?:one|a|1) (?:number|row|value|figure|line) (?=per\b|for each\b|each\b)", "", text)
    text = re.sub(r"\b(?:over |across )?all (?:the )?(?:weeks|months|days) (?:of|in) ", "in ", text)  # one number
    text = re.sub(r"\b(biggest|bigger|big|largest|huge|major|worst) ((?:[a-z]+ )?)hits?\b", r"\1 \2drop", text)  # took a hit
    if re.search(r"\brenew", text):  # "a renewal in the next 30 days — show the arr up": the ARR up for renewal
        text = re.sub(r"\b(arr|mrr) up\b(?! for)", r"\1 up for renewal", text)
    text = _TAKES.sub(_time_taken, text)
    text = _HOW_LONG.sub("time to ", text)
    text = _DID_OPEN.sub(r"\1\2 opened", text)
    return re.sub(r"\s+", " ", text).strip()


def tokens(text: str) -> list[str]:
    """The words, numbers and comparison signs of normalized text."""
    return [t for t in _TOKEN.findall(text) if t != "?"]


@lru_cache(maxsize=CACHED_TEXTS)
def stem(word: str) -> str:
    """A light English stem, applied to question and catalogue alike (so it only needs to be consistent).

    Plural first ("meetings" → "meeting"), then a verb ending ("meeting" → "meet", "dropped" → "drop"),
    then a final e and an -al ("renewal", "renewals", "renewing" → "renew"; "rate", "rated" → "rat").
    """
    word = LEMMAS.get(word, word)
    if not word.isalpha() or word in UNSTEMMED:
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith(("shes", "ches", "xes", "sses", "zes")):
        word = word[:-2]
    elif word.endswith("s") and len(word) > 3 and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("eed"):
            word = word[:-len(suffix)]
            if word[-1] == word[-2] and word[-1] not in "lsz":  # dropped → drop, not dropp
                word = word[:-1]
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    if word.endswith("al") and len(word) > 6:
        word = word[:-2]
    return word


@cache
def filler_words() -> frozenset[str]:
    """Words that carry no meaning of their own (grammar.yaml's filler class)."""
    return grammar().words_of(Word.filler)


@lru_cache(maxsize=CACHED_TEXTS)
def key(phrase: str) -> tuple[str, ...]:
    """A phrase as the tuple of stems it is looked up by, without filler words (unless it is nothing else)."""
    words = tokens(normalize(phrase))
    filler = filler_words()
    content = [w for w in words if w not in filler or w in KEPT_IN_TERMS] or words
    return tuple(stem(w) for w in content)


@dataclass(frozen=True)
class Token:
    """One word of a normalised question: its text, its stem, and where it is in the normalised text."""

    text: str
    stem: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    """The tokens of normalised `text`, with their character offsets."""
    return [Token(m.group(0), stem(m.group(0)), m.start(), m.end()) for m in _TOKEN.finditer(text) if m.group(0) != "?"]
