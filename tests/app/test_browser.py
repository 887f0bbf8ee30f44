"""The real app in headless Chromium: a CSM signs in, asks, reads the table and the computation,
downloads the CSV, asks a follow-up, and never sees another CSM's accounts; the question shows at
once with its stages, every answer is labelled, a thumbs down with a comment is a row the
`feedback` command lists, a reload keeps the conversation, and sign-out ends the sign-in.

Drives Debian's /usr/bin/chromium through Playwright (no downloaded browser build); any page
error fails the test. Screenshots of each state go to test-artifacts/.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import threading
import urllib.error
import urllib.request

import pytest

import assistant.service
from app.served import ARTIFACTS, PASSWORDS, book
from assistant.viewer import Viewer

playwright = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
QUESTION = "Which accounts have a health score below 60?"
FOLLOW_UP = "break that down by plan"
WAIT_MS = 20_000


@pytest.fixture(scope="module")
def page(app):
    _, url = app
    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        tab = browser.new_page(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
        tab.on("pageerror", lambda error: errors.append(str(error)))
        tab.set_default_timeout(WAIT_MS)
        tab.goto(url)
        yield tab
        browser.close()
    assert not errors, f"page errors: {errors}"


def ask(page, question: str, table: bool = True) -> None:
    """Ask and wait for the answer itself: every answer carries a label, the stage message before it none."""
    answers = page.locator("#chat .answer-label").count()
    page.locator("#question textarea").fill(question)
    page.locator("#question textarea").press("Enter")
    page.wait_for_function(f"document.querySelectorAll('#chat .answer-label').length > {answers}")
    page.locator("#chat .answer-label").last.scroll_into_view_if_needed()
    if table:
        page.locator("#result-table").wait_for()


def sort_descending(page, column: int) -> None:
    page.locator("#result-table th").nth(column).click()
    page.locator("#result-table th").nth(column).locator("button").last.click()
    page.get_by_text("Sort descending").click()


def column_texts(page, column: int) -> list[str]:
    """The shown cells of one column, top to bottom on screen (cells carry data-testid cell-<row>-<column>)."""
    cells = page.locator(f"#result-table [data-testid^='cell-'][data-testid$='-{column}']").all()
    return [c.inner_text() for c in sorted(cells, key=lambda c: c.bounding_box()["y"])]


def table_text(page) -> str:
    return page.locator("#result-table").inner_text()


def test_a_csm_signs_in_asks_and_sees_only_their_book(app, page):
    context, _ = app
    mine, theirs = book(context, "C005"), book(context, "C006")
    page.screenshot(path=ARTIFACTS / "01-sign-in.png")
    page.get_by_label("username").fill("leila")
    page.get_by_label("password").fill(PASSWORDS["leila"])
    page.get_by_role("button", name="Login").click()
    page.get_by_text("Signed in as").wait_for()
    page.screenshot(path=ARTIFACTS / "02-home.png")

    ask(page, QUESTION)
    page.screenshot(path=ARTIFACTS / "03-answer.png", full_page=True)
    page.get_by_text("Why on the list").first.wait_for()
    page.locator("#chat .js-plotly-plot .main-svg").first.wait_for()  # the chart drawn, not only its frame
    page.screenshot(path=ARTIFACTS / "03-answer.png", full_page=True)
    shown = table_text(page)
    assert any(name in shown for name in mine)
    sort_descending(page, column=1)
    scores = [float(cell) for cell in column_texts(page, 1)]
    assert scores == sorted(scores, reverse=True) and len(scores) > 1  # numbers sort as numbers, not text

    page.locator("#chat").get_by_text("How this was computed").last.click()
    sql_block = page.locator("#chat code", has_text="WITH periods").last
    sql_block.wait_for()
    sql_block.scroll_into_view_if_needed()
    page.wait_for_timeout(600)  # the thought opens with an animation
    page.screenshot(path=ARTIFACTS / "04-how-computed.png", full_page=True)

    with page.expect_download() as download:
        page.locator("#download-csv").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text())))
    assert rows[0][:3] == ["period_start", "period_end", "account_name"]
    assert {r[2] for r in rows[1:]} <= mine and len(rows) > 1

    page.locator("#sql-panel").click()
    page.locator("#dialect input").click()
    page.get_by_role("option", name="snowflake").click()
    page.locator("#sql").get_by_text("C005").first.wait_for()
    page.screenshot(path=ARTIFACTS / "05-sql-snowflake.png", full_page=True)

    ask(page, FOLLOW_UP)
    page.get_by_text("Plan", exact=True).first.wait_for()
    page.screenshot(path=ARTIFACTS / "06-follow-up.png", full_page=True)
    text = page.locator("body").inner_text()
    assert not [name for name in theirs if name in text]


def test_clarifying_options_and_starters_are_one_click_questions(app, page):
    # a real clarifying answer: the domain notes leave "at risk" undefined, so the planner asks which is meant
    option = "which of my accounts are health-risk accounts"
    ask(page, "which of my accounts are at risk", table=False)
    page.locator("#chat button", has_text=option).wait_for()
    page.screenshot(path=ARTIFACTS / "07-options-offered.png")
    # a reply that is not an answer leaves no earlier question's table beside it: the pane shows the starters
    assert page.get_by_role("tab", name="Start here").get_attribute("aria-selected") == "true"
    page.locator("#chat button", has_text=option).click()
    page.locator("#chat .message-row", has_text=option).last.wait_for()
    page.locator("#result-table").get_by_text("Health score", exact=True).wait_for()
    page.screenshot(path=ARTIFACTS / "07-option-clicked.png")
    assert "'C005'" in page.locator("#chat code").last.inner_text()  # the SQL shown is what ran for her

    page.get_by_role("tab", name="Start here").click()
    # signed in as a CSM: the starter comparing every CSM's book is not offered
    assert not page.get_by_role("button", name="Which CSM's book has the biggest negative health movement this month?",
                                exact=True).is_visible()
    page.get_by_role("button", name="Which accounts renew in the next 90 days?", exact=True).click()
    page.locator("#chat .message-row", has_text="Which accounts renew in the next 90 days?").last.wait_for()
    page.locator("#result-table").get_by_text("Days to renewal", exact=True).wait_for()
    page.screenshot(path=ARTIFACTS / "08-starter.png")


def sign_in(page, user: str) -> None:
    page.get_by_label("username").fill(user)
    page.get_by_label("password").fill(PASSWORDS[user])
    page.get_by_role("button", name="Login").click()
    page.get_by_text("Signed in as").wait_for()


def questions_shown(page) -> list[str]:
    return [row.inner_text().strip() for row in page.locator("#chat .user-row").all()]


def test_the_question_shows_at_once_and_its_stages_until_the_answer_replaces_them(app, page, monkeypatch):
    # The real question through the real app, held at two gates so each stage is on screen for certain
    # (not by timing luck): before planning, and after planning before the query runs.
    context, _ = app
    planning, running = threading.Event(), threading.Event()
    plan, run = assistant.service.plan_question, context.assistant.run_semantic_query

    def held_plan(*args, **kwargs):
        planning.wait(WAIT_MS / 1000)
        return plan(*args, **kwargs)

    def held_run(*args, **kwargs):
        running.wait(WAIT_MS / 1000)
        return run(*args, **kwargs)

    monkeypatch.setattr(assistant.service, "plan_question", held_plan)
    monkeypatch.setattr(context.assistant, "run_semantic_query", held_run)
    question = "Which accounts have a health score below 50?"
    labels = page.locator("#chat .answer-label").count()
    page.locator("#question textarea").fill(question)
    page.locator("#question textarea").press("Enter")
    try:
        page.locator("#chat .user-row", has_text=question).wait_for()
        page.locator("#chat").get_by_text("Reading the question…").wait_for()
        page.screenshot(path=ARTIFACTS / "09-reading.png")
        assert page.locator("#chat .answer-label").count() == labels  # no answer yet
        assert page.locator("#question textarea").input_value() == ""  # the box is free for the next question
        planning.set()
        page.locator("#chat").get_by_text("Running the query…").wait_for()
        assert not page.locator("#chat").get_by_text("Reading the question…").is_visible()
        assert page.locator("#chat .answer-label").count() == labels
        page.screenshot(path=ARTIFACTS / "10-running.png")
    finally:
        planning.set()
        running.set()
    page.wait_for_function(f"document.querySelectorAll('#chat .answer-label').length > {labels}")
    assert not page.locator("#chat").get_by_text("Running the query…").is_visible()
    assert questions_shown(page)[-1] == question


def test_every_answer_carries_its_label(page):
    labels = [label.inner_text() for label in page.locator("#chat .answer-label").all()]
    # one label per reply; the clarifying reply of the options test was asked back, the rest governed
    assert len(labels) == len(questions_shown(page)) and len(labels) >= 4
    assert "Asked back" in labels and labels.count("Governed metric") == len(labels) - labels.count("Asked back")
    page.locator("#chat .answer-label", has_text="Asked back").first.scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / "11-labels.png")


def feedback_rows(context) -> list[dict]:
    listed = subprocess.run([sys.executable, "-m", "assistant.cli", "feedback", "--json",
                             "--file", str(context.feedback.path)], capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0, listed.stderr
    return [json.loads(line) for line in listed.stdout.splitlines()]


def test_a_thumbs_down_with_a_comment_is_a_row_the_feedback_command_lists(app, page):
    context, _ = app
    asked = questions_shown(page)[-1]
    comment = "Two of these accounts were upgraded last week"
    page.locator("#chat button[aria-label='Dislike']").last.click()
    page.locator("#feedback-panel").get_by_text(asked).wait_for()
    page.locator("#feedback-comment textarea").fill(comment)
    page.screenshot(path=ARTIFACTS / "12-thumbs-down.png")
    page.locator("#feedback-send").click()
    page.locator("#feedback-panel").wait_for(state="hidden")
    [row] = [r for r in feedback_rows(context) if r["question"] == asked]
    assert (row["vote"], row["comment"], row["username"], row["role"], row["csm_id"]) == \
        ("down", comment, "leila", "csm", "C005")
    assert row["label"] == "Governed metric" and row["query"]["metrics"] == ["health_score"]
    assert "'C005'" in row["sql"] and row["message"] == context.assistant.ask(asked, Viewer.csm("C005")).message

    page.locator("#chat button[aria-label='Disliked']").last.wait_for()
    page.locator("#chat button[aria-label='Like']").last.click()  # changing the vote changes the same row
    page.locator("#chat button[aria-label='Liked']").last.wait_for()
    page.locator("#feedback-note").get_by_text("thumbs up").wait_for()
    [row] = [r for r in feedback_rows(context) if r["question"] == asked]
    assert (row["vote"], row["comment"]) == ("up", comment)


def test_a_reload_keeps_the_conversation_and_a_follow_up_still_edits_the_previous_answer(page):
    voted = questions_shown(page)[-1]
    ask(page, "Which accounts have a health score below 60?")
    listed = set(column_texts(page, 0))
    before, charts = questions_shown(page), page.locator("#chat .js-plotly-plot").count()
    page.reload()
    page.get_by_text("Signed in as").wait_for()
    page.locator("#chat .user-row").last.wait_for()
    assert questions_shown(page) == before
    page.wait_for_function(f"document.querySelectorAll('#chat .js-plotly-plot').length == {charts}")  # charts too
    thumbs = [b.get_attribute("aria-label") for b in page.locator(
        "#chat button[aria-label='Like'], #chat button[aria-label='Liked']").all()]
    assert thumbs.count("Liked") == 1 and thumbs.index("Liked") == before.index(voted)  # the vote of the last test
    page.screenshot(path=ARTIFACTS / "13-reloaded.png")

    ask(page, FOLLOW_UP)
    page.locator("#result-table").get_by_text("Plan", exact=True).wait_for()
    page.screenshot(path=ARTIFACTS / "14-follow-up-after-reload.png")
    assert [h.inner_text().strip() for h in page.locator("#result-table th").all()][:2] == ["Account", "Plan"]
    assert set(column_texts(page, 0)) == listed and len(listed) > 1


def status_of(url: str, cookies: list[dict]) -> int:
    header = "; ".join(f"{c['name']}={c['value']}" for c in cookies)
    try:
        with urllib.request.urlopen(urllib.request.Request(url + "config", headers={"Cookie": header}), timeout=10):
            return 200
    except urllib.error.HTTPError as error:
        return error.code


def test_sign_out_ends_the_sign_in_and_the_next_person_starts_with_an_empty_chat(app, page):
    _, url = app
    cookies = page.context.cookies()
    assert status_of(url, cookies) == 200
    page.locator("#sign-out").click()
    page.get_by_role("button", name="Login").wait_for()
    page.screenshot(path=ARTIFACTS / "15-signed-out.png")
    assert status_of(url, cookies) == 401  # the old sign-in's cookie no longer opens anything

    sign_in(page, "grace")
    assert questions_shown(page) == [] and not page.locator("#chat .answer-label").count()
    page.locator("#sign-out").click()
    sign_in(page, "leila")  # signed out, her conversation went with the sign-in
    assert questions_shown(page) == []
    page.screenshot(path=ARTIFACTS / "16-signed-in-again.png")


# --- suggested questions: clarifying readings, the closest answerable questions, follow-ups ---------------

@pytest.fixture(scope="module")
def leader(app, page):
    """A second tab, in its own browser context, signed in as the leader (who sees every account)."""
    tab = page.context.browser.new_page(viewport={"width": 1440, "height": 1000})
    tab.set_default_timeout(WAIT_MS)
    tab.goto(app[1])
    sign_in(tab, "leader")
    yield tab
    tab.close()


def options_shown(page) -> list[str]:
    """The clickable questions under the last turn (the chat shows them for the last message only)."""
    page.locator("#chat button.option").first.wait_for()
    return [o.inner_text().strip() for o in page.locator("#chat button.option").all()]


def click_option(page, text: str) -> None:
    """Click one offered question and wait for its answer."""
    answers = page.locator("#chat .answer-label").count()
    page.locator("#chat button.option", has_text=text).click()
    page.wait_for_function(f"document.querySelectorAll('#chat .answer-label').length > {answers}")
    assert questions_shown(page)[-1] == text  # asked in the same conversation, as the user's own question


def test_a_clarifying_question_offers_its_readings_and_a_click_answers_it(leader):
    ask(leader, "how many active users do we have", table=False)
    offered = options_shown(leader)
    chosen = next(o for o in offered if "MAU" in o)
    assert len(offered) == 3  # daily, weekly, monthly: below the reply and its "How this was computed"
    leader.screenshot(path=ARTIFACTS / "17-clarifying-options.png")
    click_option(leader, chosen)
    leader.locator("#result-table").get_by_text("MAU", exact=True).wait_for()
    leader.screenshot(path=ARTIFACTS / "18-clarifying-option-answered.png")


def test_a_closest_answerable_question_is_one_click_away(app, leader):
    context, _ = app
    ask(leader, "What is our marketing qualified lead velocity?", table=False)
    leader.locator("#chat").get_by_text("nothing on").last.wait_for()
    offered = options_shown(leader)
    assert offered and all(o[0].isupper() and o.endswith("?") for o in offered)
    leader.screenshot(path=ARTIFACTS / "19-closest-answerable.png")
    click_option(leader, offered[0])
    leader.locator("#result-table").wait_for()
    expected = context.assistant.ask(offered[0])  # the same question asked fresh: the click asked exactly it
    assert expected.ok and leader.get_by_role("tab", name="Result").get_attribute("aria-selected") == "true"
    assert expected.metrics[0]["label"] in table_text(leader).splitlines()[0].split("\t")
    leader.screenshot(path=ARTIFACTS / "20-closest-answered.png")


def test_a_suggested_follow_up_answers_and_edits_the_previous_answer(app, leader):
    context, _ = app
    ask(leader, "What is our NRR in Q2 2026?")
    offered = options_shown(leader)
    assert offered[0] == "What about by segment?" and len(offered) == 3
    leader.screenshot(path=ARTIFACTS / "21-follow-ups.png")
    click_option(leader, "What about by segment?")
    leader.locator("#result-table").get_by_text("Segment", exact=True).wait_for()
    segments = context.assistant.run_sql("SELECT DISTINCT segment FROM accounts ORDER BY 1")
    assert column_texts(leader, 0) == [s for (s,) in segments.rows]  # one row per segment
    reply = leader.locator("#chat .bot-row").last.inner_text()
    assert "Q2 2026" in reply and "Net revenue retention" in reply  # the same metric and quarter, now by segment
    assert "How did that change from the period before?" in options_shown(leader)  # its own follow-ups
    leader.screenshot(path=ARTIFACTS / "22-follow-up-answered.png")


# What a header's text looks like on screen: its line boxes, its words, and the widest word set in its own font.
HEADER_LAYOUT = """() => [...document.querySelectorAll('#result-table th')].map(th => {
    const span = th.querySelector('.header') || th;
    const text = span.innerText.trim();
    const walker = document.createTreeWalker(span, NodeFilter.SHOW_TEXT);
    const tops = new Set();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const range = document.createRange();
        range.selectNodeContents(node);
        for (const box of range.getClientRects()) if (box.width > 0) tops.add(Math.round(box.top));
    }
    const style = getComputedStyle(span);
    const pen = document.createElement('canvas').getContext('2d');
    pen.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const words = text.split(/\\s+/).filter(Boolean);
    return {text, lines: tops.size, words: words.length, width: span.getBoundingClientRect().width,
            widest: Math.max(...words.map(w => pen.measureText(w).width))};
})"""


def unreadable_headers(page) -> list[dict]:
    """Headers broken inside a word: more lines than words, or a word wider than its cell."""
    return [h for h in page.evaluate(HEADER_LAYOUT) if h["text"] and (h["lines"] > h["words"] or h["widest"] > h["width"] + 1)]


@pytest.mark.parametrize("width", [1280, 390])
def test_a_long_list_charts_at_most_20_bars_and_its_headers_stay_readable(app, page, width):
    _, url = app
    errors: list[str] = []
    # a sign-in of its own, at this width, in the module's browser (one Playwright per module)
    own = page.context.browser.new_context(viewport={"width": width, "height": 1000})
    tab = own.new_page()
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.set_default_timeout(WAIT_MS)
    try:
        tab.goto(url)
        sign_in(tab, "leader")
        ask(tab, "Which accounts renew in the next 90 days, with their health trend and open tickets?")
        rows = int(tab.locator("#download-csv").inner_text().split("(")[1].split()[0].replace(",", ""))
        assert rows > 20  # a list longer than a chart can show
        plot = tab.locator("#chat .js-plotly-plot").last
        plot.locator("g.point").first.wait_for()
        assert 0 < plot.locator("g.point").count() <= 20
        assert "the rest in the table" in plot.inner_text()
        tab.screenshot(path=ARTIFACTS / f"23-long-list-{width}.png", full_page=True)

        headers = tab.locator("#result-table th")
        assert 1 < headers.count() <= 8  # the first view; the rest one click away
        assert unreadable_headers(tab) == []
        more = tab.locator("#more-columns")
        assert more.inner_text().startswith("Show ") and "more column" in more.inner_text()
        more.click()
        tab.wait_for_function("document.querySelectorAll('#result-table th').length > 8")
        assert unreadable_headers(tab) == []  # every column, still word by word
        tab.locator("#result-table").screenshot(path=ARTIFACTS / f"24-all-columns-{width}.png")
        more.click()
        tab.wait_for_function("document.querySelectorAll('#result-table th').length <= 8")
    finally:
        own.close()
    assert not errors, f"page errors: {errors}"
