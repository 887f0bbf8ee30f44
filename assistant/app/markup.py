"""Text that came from outside the app, made safe to put in a chat message: the one rule.

A chat message is Markdown, and Markdown turns `![x](http://…)` into an `<img>` the browser fetches,
`<img src=…>` into HTML, and a bare URL into a link. Anything the app did not write itself — a model's
prose, a question echoed back, clarify options, table cells and column names (account names come from
loaded files) — goes through `plain`, which makes it read as itself: every character that could start
Markdown or HTML structure is backslash-escaped, so no image, link, autolink, raw HTML or entity can form,
and it is cut to MAX_CHARS with a note. The app's own emphasis around it stays Markdown.
Pure: no Gradio.
"""

from __future__ import annotations

import re

MAX_CHARS = 4_000
CUT_NOTE = "… (cut: the text was longer than {limit:,} characters)"

# Every ASCII punctuation character may be backslash-escaped in CommonMark; these are the ones that can
# start emphasis, code, links, images, HTML, entities, tables or strike-through ('$' stays: the chat
# turns LaTeX off, and amounts read better without a backslash in an API's text).
_ALWAYS = set("\\`*_[]<>&!|~")
# Structure only at the start of a line: headings, quotes, lists, thematic breaks, setext underlines.
_LINE_START = re.compile(r"^[ \t]*(\d*)([#>+\-=.)])", re.MULTILINE)
_INDENT = re.compile(r"^[ \t]+", re.MULTILINE)  # four spaces would make an indented code block
# What GFM turns into a link without brackets: a scheme's '://', 'www.', an e-mail address's '@'.
_AUTOLINK = re.compile(r"(:)(?=//)|(?<=www)(\.)|(@)", re.IGNORECASE)


def cut(text: str, limit: int = MAX_CHARS) -> tuple[str, bool]:
    """`text` cut to `limit` characters, and whether it was cut."""
    return (text, False) if len(text) <= limit else (text[:limit], True)


def plain(text: object, limit: int = MAX_CHARS) -> str:
    """Markdown source that renders as `text` itself (nothing in it becomes an image, link or HTML),
    at most `limit` characters of it followed by a note when it was longer."""
    body, was_cut = cut("" if text is None else str(text), limit)
    escaped = "".join("\\" + c if c in _ALWAYS else c for c in body)
    escaped = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), _INDENT.sub("", escaped))
    escaped = _AUTOLINK.sub(lambda m: "\\" + m.group(0), escaped)
    return escaped + ("\n\n" + CUT_NOTE.format(limit=limit) if was_cut else "")


def fence(code: str, info: str = "") -> str:
    """`code` in a fenced block that no run of backticks inside it can close early."""
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{info}\n{code}\n{ticks}"
