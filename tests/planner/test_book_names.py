"""Names only from the viewer's book (issue 12, item 8): a CSM's planner knows only the accounts row-level security
lets them read, so an account of another book is never matched, completed, offered or answered with a number, and
reads exactly like a name nobody has. Leaders and analysts know every account. Expected sets come from hand-written
SQL on the demo warehouse."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.agent.tools import Toolbox
from assistant.answer import Status
from assistant.planner.candidates import CatalogIndex
from assistant.viewer import Viewer
from planner.test_service_demo import independent as sql
from semantic_layer.periods import Period
from semantic_layer.query import DimensionFilter, FilterOp, SemanticQuery

LEILA = Viewer.csm("C005")


def names(assistant, where: str) -> set[str]:
    return {r[0] for r in sql(assistant, f"SELECT name FROM accounts WHERE {where}")}


@pytest.fixture(scope="module")
def own(assistant) -> set[str]:
    return names(assistant, "csm_id = 'C005'")


@pytest.fixture(scope="module")
def elsewhere(assistant, own) -> set[str]:
    return names(assistant, "csm_id IS DISTINCT FROM 'C005'")


@pytest.fixture(scope="module")
def other(assistant, own, elsewhere) -> tuple[str, str]:
    """Another book's account and two leading words that name it alone among all accounts (which the leader's
    planner completes), sharing no word with any of Leila's accounts."""
    every = own | elsewhere
    own_words = {w.lower() for n in own for w in n.split()}
    for name in sorted(names(assistant, "csm_id = 'C001'")):
        words = name.split()
        lead = " ".join(words[:2])
        if len(words) > 2 and not own_words & {w.lower() for w in words} \
                and [n for n in every if n.startswith(lead + " ")] == [name]:
            return name, lead
    pytest.fail("no account of C001 has two unique leading words")


def mentioned(texts, candidates: set[str]) -> set[str]:
    return {n for n in candidates for t in texts if n.lower() in t.lower()}


def test_a_csms_lexicon_holds_exactly_their_accounts_and_a_leaders_every_account(assistant, own, elsewhere):
    for csm_id in ("C001", "C005", "C026"):
        book = names(assistant, f"csm_id = '{csm_id}'")
        assert set(assistant.context_for(Viewer.csm(csm_id)).lexicon.values_of("account_name")) == book
    assert set(assistant.context_for(Viewer.leader()).lexicon.values_of("account_name")) == own | elsewhere
    assert assistant.context_for(Viewer.analyst()) is assistant.context_for(Viewer.leader())


def test_a_csms_lexicon_is_built_once_and_keeps_the_categories_everyone_shares(assistant):
    first = assistant.context_for(LEILA)
    assert assistant.context_for(LEILA) is first and first.index is assistant.context.index
    regions = {r[0] for r in sql(assistant, "SELECT DISTINCT region FROM accounts")}
    assert set(first.lexicon.values_of("region")) == regions  # a LATAM book still knows the word EMEA


def test_another_books_account_is_not_completed_and_reads_like_a_name_nobody_has(assistant, own, elsewhere, other):
    name, lead = other
    led = assistant.ask(f"health score of {lead}", Viewer.leader())
    assert led.status is Status.ANSWERED and name in str(led.query)
    answer = assistant.ask(f"health score of {lead}", LEILA)
    assert answer.status is Status.UNANSWERABLE and not answer.rows and "$" not in answer.message
    assert answer.message.startswith(f"No account in your book is called “{lead}”")
    assert not mentioned([answer.message, *answer.options, str(answer.query)], elsewhere - {lead})
    fake = "Qwzx Vbnk"  # no account is called this
    assert not names(assistant, f"name LIKE '{fake}%'")
    nobody = assistant.ask(f"health score of {fake}", LEILA)
    assert nobody.status is answer.status
    assert nobody.message.replace(fake, "…").split(";")[0] == answer.message.replace(lead, "…").split(";")[0]


def test_a_full_name_from_another_book_is_answered_without_a_number_or_another_books_name(assistant, elsewhere, other):
    name, _ = other
    for question in (f"health score of {name}", f"what is the mrr of {name}", f"how's {name} doing"):
        answer = assistant.ask(question, LEILA)
        assert answer.status is Status.UNANSWERABLE, question
        assert answer.message.startswith(f"No account in your book is called “{name}”"), answer.message
        assert "$" not in answer.message and not answer.rows
        assert not mentioned([*answer.options, str(answer.query)], elsewhere), question


def test_a_typo_of_another_books_account_offers_only_the_viewers_own(assistant, own, elsewhere, other):
    name, _ = other
    typo = name[:3] + name[4] + name[3] + name[5:]  # two letters swapped
    answer = assistant.ask(f"health score of {typo}", LEILA)
    assert answer.status is not Status.ANSWERED
    assert not mentioned([answer.message, *answer.options], elsewhere)
    offered = mentioned(answer.options, own)
    assert offered <= own


def test_a_csms_own_account_is_answered_as_before(assistant, own):
    name = sorted(own)[0]
    answer = assistant.ask(f"health score of {name}", LEILA)
    assert answer.status is Status.ANSWERED and name in str(answer.query)


def test_a_governed_query_naming_another_books_account_gets_the_same_sentence(assistant, other):
    name, _ = other
    october = Period(date(2026, 10, 1), date(2026, 10, 31))
    query = SemanticQuery(metrics=("mrr",), time_range=october,
                          filters=(DimensionFilter(dimension="account_name", op=FilterOp.eq, values=(name,)),))
    answer = assistant.run_semantic_query(query, LEILA)
    assert answer.status is Status.UNANSWERABLE and not answer.rows
    assert answer.message == f"No account in your book is called “{name}”."
    assert assistant.run_semantic_query(query, Viewer.leader()).status is Status.ANSWERED


def test_the_agents_value_lookup_returns_only_the_viewers_book(assistant, own, other):
    import json

    name, _ = other
    index = CatalogIndex(assistant.catalog)
    seen = json.loads(Toolbox(assistant, LEILA, "q", index).find_values("account_name", name))
    assert {m["value"] for m in seen["matches"]} <= own
    led = json.loads(Toolbox(assistant, Viewer.leader(), "q", index).find_values("account_name", name))
    assert name in {m["value"] for m in led["matches"]}
