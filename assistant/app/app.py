"""The chat app: a Gradio Blocks shell over `Assistant`, rendering each Answer with `render`.

The viewer of every question comes from the sign-in (`gr.Request.username` looked up in the
users file), never from the question; without a users file everyone is one leader and the
page says so. Each sign-in has its own Session on the server (`sessions.py`): the chat and the
Conversation follow-ups build on, kept across a page reload and never seen by another sign-in.
A question shows at once with its stage ("Reading the question…", "Running the query…") until
the answer replaces it; every answer carries its label (governed metric, ad-hoc SQL, asked
back) and takes a thumbs up or down with a comment, saved by `assistant.feedback`.
Hostile input is data: sign-in backs off and logs (`signin.py`), text from a model, a user or a file
is shown as typed (`markup.plain`), an answer's CSV is private and short-lived (`files.py`).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gradio as gr
from gradio.components.plot import PlotData
from starlette.middleware import Middleware
import pandas as pd

from assistant.answer import Answer, Status
from assistant.app import home, render
from assistant.app.files import AnswerFiles, private_gradio_cache
from assistant.app.markup import plain
from assistant.app.sessions import ChatTurn, Session, SessionStore, question_message, session_key
from assistant.app.stages import Stage, staged
from assistant.app.signin import ClientAddress, SignIn
from assistant.app.users import User
from assistant.feedback import MAX_COMMENT, Feedback, FeedbackError, FeedbackStore, Vote, feedback_file
from assistant.provenance import Provenance, provenance
from assistant.service import Assistant
from assistant.viewer import Viewer
from semantic_layer.compile import DIALECTS

log = logging.getLogger(__name__)

# Questions answered at once. Answering is CPU-bound (planning in Python, DuckDB with threads=2), so more
# than the cores only queues inside the process. `chat_load`, 20 users for 30 s each on the shared 2-core
# machine (load average ~6 from other work), clients in their own process (issue 13): at 1, 9.9 questions/s,
# p50/p95 2.0/3.2 s; at 2, 9.7/s, 2.1/3.2 s; at 3, 7.6/s, 2.7/4.0 s; at 4, 9.1/s, 2.2/3.6 s; no failures.
# 1 and 2 are level within the noise; 2 lets one question's Python overlap another's DuckDB.
CONCURRENCY = 2
ANALYTICS_EVERY = 1_000  # events between Gradio's monitoring summaries
TABLE_ROWS = 2_000  # rows shown beside the chat; the CSV download always has all of them
HOW_TITLE = "How this was computed"
FAILED = "Something went wrong while answering, so there is no answer this time. Try rephrasing the question."
READING, RUNNING = "Reading the question…", "Running the query…"
# Gradio's logout route drops this sign-in's token and cookie, then redirects to the sign-in page;
# relative, so it also works under a root path. all_session=false leaves the user's other sign-ins alone.
SIGN_OUT_JS = "() => { window.location.href = 'logout?all_session=false'; }"
LABEL_TIPS = {
    Provenance.GOVERNED: "Computed from the governed metric definitions of the semantic layer",
    Provenance.AD_HOC: "Freehand SQL, outside the governed metric definitions: check it before you trust it",
    Provenance.ASKED_BACK: "The question can be read more than one way: pick what you meant",
    Provenance.NOT_ANSWERED: "No figures: the message says why",
}

CSS = """
#result-table { font-variant-numeric: tabular-nums; }
#result-table th { min-width: 7rem; }
#result-table th, #result-table th * { word-break: normal !important; overflow-wrap: normal !important; hyphens: none; }
#chat table { display: block; overflow-x: auto; }
#chat table th, #chat table td { word-break: normal; overflow-wrap: normal; min-width: 6rem; }
#more-columns { white-space: normal; text-align: left; }
.source-line { color: var(--body-text-color-subdued); }
footer { display: none !important; }
.starters button { justify-content: flex-start; text-align: left; white-space: normal; }
.answer-label { display: inline-block; padding: 0 0.6em; border: 1px solid; border-radius: 999px;
                font-size: var(--text-sm); font-weight: 600; line-height: 1.6; }
.answer-label.governed-metric { color: #166534; background: #dcfce7; border-color: #86efac; }
.answer-label.ad-hoc-sql { color: #9a3412; background: #ffedd5; border-color: #fdba74; }
.answer-label.asked-back { color: #1e40af; background: #dbeafe; border-color: #93c5fd; }
.answer-label.not-answered { color: #374151; background: #f3f4f6; border-color: #d1d5db; }
#sign-out { align-self: center; }
"""


@dataclass(frozen=True)
class AppContext:
    """Everything the handlers share: the assistant, who may sign in, where the data came from, and where
    votes on answers are saved (None: no thumbs)."""

    assistant: Assistant
    users: Mapping[str, User] | None
    source: str
    feedback: FeedbackStore | None = None
    files: AnswerFiles = field(default_factory=AnswerFiles)  # the CSVs handed out, private and short-lived

    def signed_in(self, request: gr.Request | None) -> tuple[Viewer, str | None]:
        """The viewer and display name for a request; one leader when there is no users file."""
        if self.users is None:
            return Viewer.leader(), None
        user = self.users.get(getattr(request, "username", None) or "")
        if user is None:
            raise PermissionError("this session is not signed in")
        return user.viewer, user.describe()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "answer"


def _table_value(table: render.Table) -> dict[str, Any]:
    """The table as the Dataframe's value: raw values (so sorting is numeric), formatted text on screen.
    Gradio's own form of a styled table, built straight from the Table (a pandas Styler made the same value
    at five times the cost)."""
    rows = range(min(len(table.values), TABLE_ROWS))
    return {"headers": table.headers, "data": [table.values[i] for i in rows],
            "metadata": {"display_value": [table.display[i] for i in rows],
                         "styling": [[""] * len(table.headers) for _ in rows]}}


def _label_html(answer: Answer) -> str:
    """The answer's label as a badge, with what it means on hover."""
    label = provenance(answer)
    return (f'<span class="answer-label {_slug(label)}" title="{html.escape(LABEL_TIPS[label])}">'
            f"{html.escape(label)}</span>\n\n")


def _chart_message(spec: dict[str, Any]) -> Any:
    """The chart as the chat's own message content, made once: a streaming answer sends the whole chat again
    at each step, and a plot component in it would be built and serialised again every time."""
    plot = gr.Plot(PlotData(type="plotly", plot=json.dumps(spec, allow_nan=False)), show_label=False, render=False)
    (message,) = gr.Chatbot(render=False).postprocess([{"role": "assistant", "content": plot}]).root
    return message.content[0]


def _messages(answer: Answer, catalog, sql: str | None, table: render.Table | None = None) -> list[dict[str, Any]]:
    """The chat messages of one answer: its label and narrative (with clickable options), for a list who is
    on it and why (from `table`, the answer's result table), a chart, and the collapsed 'How this was computed'
    showing `sql`."""
    narrative = {"role": "assistant", "content": _label_html(answer) + render.narrative_markdown(answer, catalog)}
    if len(answer.rows) > TABLE_ROWS:
        narrative["content"] += (f"\n\n_The table beside the chat shows the first {TABLE_ROWS:,} of "
                                 f"{len(answer.rows):,} rows; the CSV download has them all._")
    messages = [narrative]
    if answer.ok and render.list_reasons(answer, catalog) is not None:
        # In the chat only who is listed and why (the values are in the reasons); every column is beside the chat.
        table = table or render.result_table(answer, catalog)
        names = [s.label for s in render.column_specs(answer, catalog) if s.unit is None]
        messages.append({"role": "assistant",
                         "content": render.markdown_table(table, max_rows=5, columns=[*names, render.WHY_LABEL])})
    chart = render.chart_spec(answer, catalog)
    if chart is not None:
        messages.append({"role": "assistant", "content": _chart_message(chart)})
    how = render.computation_markdown(answer, catalog, sql)
    if how:
        messages.append({"role": "assistant", "content": how, "metadata": {"title": HOW_TITLE, "status": "done"}})
    choices = [*answer.options, *answer.follow_ups]  # a clarification's readings, or the questions to ask next
    if choices:  # the chat shows option buttons under the last message of a turn only
        messages[-1]["options"] = [{"value": o, "label": o} for o in choices]
    return messages


def _failure(question: str, error: Exception) -> Answer:
    log.exception("question failed: %s", question)
    return Answer(question, Status.ERROR, FAILED, detail=f"{type(error).__name__}: {error}")


def _pending(stage: str) -> dict[str, Any]:
    """The message that stands where the answer will be, saying what is being done."""
    return {"role": "assistant", "content": "", "metadata": {"title": stage, "status": "pending"}}


_THUMBS = {Vote.UP: "Like", Vote.DOWN: "Dislike"}  # the chatbot's names of the thumbs


def _chat(session: Session) -> gr.Chatbot:
    """The chat of a session with its votes on the thumbs (one per answer), for a page (re)loading it; the
    answers themselves send the plain messages, which is what the `ask` API returns."""
    return gr.Chatbot(session.history(), feedback_value=[_THUMBS.get(t.vote) for t in session.turns])


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def build_app(context: AppContext, concurrency: int = CONCURRENCY, clock: Callable[[], dt.datetime] = _now) -> gr.Blocks:
    """The Blocks of the chat app (not launched): chat on the left, the current answer and home on the right;
    `concurrency` questions are answered at once; `clock` stamps the votes."""
    assistant, catalog, store, files = context.assistant, context.assistant.catalog, context.feedback, context.files
    private_gradio_cache()  # before any component reads where Gradio's cache is
    sessions = SessionStore(on_end=files.drop)

    def key_of(request: gr.Request) -> tuple[str, str]:
        """This sign-in's session key: the token in the cookie Gradio set at login (read as Gradio does)."""
        cookie = getattr(getattr(demo, "server_app", None), "cookie_id", None)
        cookies = dict(getattr(request, "cookies", None) or {})
        token = cookies.get(f"access-token-{cookie}") or cookies.get(f"access-token-unsecure-{cookie}")
        return session_key(getattr(request, "username", None), token if context.users is not None else None,
                           getattr(request, "session_hash", None), signed_in=context.users is not None)

    def result_pane(answer: Answer | None, dialect: str, viewer, key: tuple[str, str] | None = None,
                    table: render.Table | None = None, ran: str | None = None, sql_open: bool = False) -> tuple:
        """Table, CSV download, SQL and tab beside the chat for `answer` (`table` its result table when made
        already); for a reply that is not an answer the pane keeps no earlier question's table next to it and
        shows the starters. The SQL box gets `ran` (the DuckDB text the chat shows) in DuckDB, another dialect's
        text only while its panel is open (`sql_open`; opening it fills it)."""
        if answer is None or not answer.ok:
            return pd.DataFrame(), gr.DownloadButton(visible=False), "", gr.Tabs(selected="home")
        rows = len(answer.rows)
        csv_file = files.write(key, f"{_slug(answer.question)}.csv", render.csv_text(answer))
        download = gr.DownloadButton(value=str(csv_file), visible=True,
                                     label=f"Download CSV ({rows:,} row{'s' if rows != 1 else ''})")
        if dialect == "duckdb":
            shown = ran if ran is not None else render.sql_in_dialect(answer, dialect, viewer)
        else:
            shown = render.sql_in_dialect(answer, dialect, viewer) if sql_open else ""
        # Plain values where a value is all that changes: Gradio builds a whole component for each update.
        return (_table_value(table or render.result_table(answer, catalog)), download, shown, gr.Tabs(selected="result"))

    def answer_turn(question: str, session: Session, dialect: str, request: gr.Request,
                    report: Callable[[str], None]) -> tuple:
        """Answer one question into the session (on a worker thread); the result pane for it."""
        try:
            viewer, _ = context.signed_in(request)
            answer = assistant.ask(question, viewer, session.conversation, on_running=lambda: report(RUNNING))
            # The SQL shown is what ran for this viewer (a CSM's carries the filter to their book).
            ran = render.sql_in_dialect(answer, "duckdb", viewer) if answer.sql else None
            table = render.result_table(answer, catalog) if answer.ok else None
            turn = ChatTurn(question, _messages(answer, catalog, ran, table), answer, ran)
            pane = result_pane(answer, dialect, viewer, key_of(request), table, ran, session.sql_open)
        except Exception as error:  # a failing question is a message in the chat, never a traceback
            answer = _failure(question, error)
            turn, pane = ChatTurn(question, _messages(answer, catalog, None), answer), result_pane(None, dialect, None)
        session.add(turn)
        return pane

    def ask(question: str, dialect: str, request: gr.Request):
        question = (question or "").strip()
        if not question:
            yield tuple(gr.skip() for _ in outputs)
            return
        session = sessions.get(key_of(request))
        asked = [*session.history(), question_message(question)]
        for step in staged(lambda report: answer_turn(question, session, dialect, request, report), READING):
            if isinstance(step, Stage):
                yield [*asked, _pending(step.text)], "", gr.skip(), gr.skip(), gr.skip(), gr.skip()
            else:
                yield session.history(), "", *step

    def pick(event: gr.SelectData, dialect: str, request: gr.Request):
        yield from ask(event.value["value"] if isinstance(event.value, dict) else str(event.value), dialect, request)

    def starter(question: str, dialect: str, request: gr.Request):
        yield from ask(question, dialect, request)

    def redialect(dialect: str, request: gr.Request) -> str:
        """The current answer's SQL in `dialect` (the panel was opened or its dialect changed)."""
        session = sessions.get(key_of(request))
        session.sql_open = True
        if session.answer is None:
            return ""
        viewer, _ = context.signed_in(request)
        return render.sql_in_dialect(session.answer, dialect, viewer)

    def sql_closed(request: gr.Request) -> None:
        sessions.get(key_of(request)).sql_open = False

    def columns_control(shown: pd.DataFrame | None, request: gr.Request):
        """The table's 'more columns' button: which columns the first view leaves out, or back to fewer."""
        answer = sessions.get(key_of(request)).answer
        first = render.result_table(answer, catalog) if answer is not None and answer.ok else None
        if first is None or not first.hidden:
            return gr.Button(visible=False)
        everything = shown is not None and len(shown.columns) > len(first.headers)
        return gr.Button(value=render.FEWER_COLUMNS if everything else render.more_columns_label(first.hidden),
                         visible=True)

    def toggle_columns(shown: pd.DataFrame | None, request: gr.Request):
        """Every column of the answer, or the first view again."""
        answer = sessions.get(key_of(request)).answer
        if answer is None or not answer.ok:
            return gr.skip()
        first = render.result_table(answer, catalog)
        everything = shown is not None and len(shown.columns) > len(first.headers)
        return _table_value(first if everything else render.result_table(answer, catalog, all_columns=True))

    def vote(event: gr.LikeData, request: gr.Request):
        """Save a thumbs up or down on one answer (a second click withdraws it) and offer the comment box."""
        session = sessions.get(key_of(request))
        turn = session.turn_at(event.index[0] if isinstance(event.index, (list, tuple)) else event.index)
        if turn is None or store is None:  # a vote on the stage message before its answer arrived
            return gr.skip(), gr.skip(), gr.skip()
        viewer, _ = context.signed_in(request)
        chosen = Vote.UP if event.liked is True else Vote.DOWN if event.liked is False else None
        try:
            if chosen is None:
                if turn.feedback_id is not None:
                    store.withdraw(turn.feedback_id)
                turn.feedback_id, turn.vote, session.rated = None, None, None
                return gr.Column(visible=False), gr.skip(), gr.skip()
            if turn.feedback_id is None:
                turn.feedback_id = store.add(Feedback.on(turn.answer, viewer, getattr(request, "username", None) or "",
                                                         chosen, clock(), turn.sql))
            else:
                store.revote(turn.feedback_id, chosen, clock())
        except FeedbackError as error:
            gr.Warning(f"Your vote could not be saved: {error}.")
            return gr.skip(), gr.skip(), gr.skip()
        turn.vote, session.rated = chosen, turn
        note = (f"Thanks, your thumbs {chosen} on “{plain(turn.question)}” is saved. "
                "Add a comment if you like: what was right or wrong?")
        return gr.Column(visible=True), note, gr.Textbox(value="")

    def comment(text: str, request: gr.Request):
        """Attach the comment to this session's latest vote."""
        session = sessions.get(key_of(request))
        if session.rated is None or session.rated.feedback_id is None or store is None or not (text or "").strip():
            return gr.skip(), gr.skip()
        try:
            store.comment(session.rated.feedback_id, text)
        except FeedbackError as error:
            gr.Warning(f"Your comment could not be saved: {error}.")
            return gr.skip(), gr.skip()
        session.rated = None
        gr.Info("Thanks, your comment is saved with your vote.")
        return gr.Column(visible=False), gr.Textbox(value="")

    def forget(request: gr.Request):
        """Drop this sign-in's conversation: the chat's Clear starts afresh, and sign-out does this before
        Gradio ends the sign-in itself."""
        sessions.forget(key_of(request))
        return gr.Column(visible=False), _chat(sessions.get(key_of(request)))

    def answer_json(question: str, request: gr.Request) -> dict:
        """Answer one question for the signed-in viewer (no conversation) as the Answer's JSON."""
        try:
            viewer, _ = context.signed_in(request)
            answer = assistant.ask(question, viewer)
        except Exception as error:
            answer = _failure(question, error)
        return answer.to_dict()

    def on_load(request: gr.Request):
        """The header and starters for the viewer, and this sign-in's conversation as it was (a reload)."""
        viewer, who = context.signed_in(request)
        session = sessions.get(key_of(request))
        session.sql_open = False  # the page (re)loads with the SQL panel closed
        return (f"{home.viewer_line(viewer, who)}  \n<span class='source-line'>{context.source}</span>",
                *[gr.Column(visible=role is viewer.role) for role in home.ROLE_EXAMPLES],
                *[gr.Button(visible=viewer.sees_all_accounts) for _ in team_wide],
                _chat(session), *result_pane(session.answer, "duckdb", viewer, key_of(request)))

    with gr.Blocks(title="Customer-success metrics assistant") as demo:
        gr.Markdown("## Customer-success metrics assistant")
        with gr.Row(equal_height=True):
            header = gr.Markdown(elem_id="header")
            sign_out = gr.Button("Sign out", elem_id="sign-out", size="sm", variant="secondary", scale=0,
                                 min_width=100, visible=context.users is not None)
        with gr.Row(equal_height=False):
            with gr.Column(scale=1):
                chatbot = gr.Chatbot(
                    # A second wall behind `markup.plain`: Gradio's HTML sanitizer on, no custom tags kept.
                    elem_id="chat", height=620, show_label=False, latex_delimiters=[], buttons=["copy"],
                    sanitize_html=True, allow_tags=False,
                    feedback_options=("Like", "Dislike") if store is not None else None, placeholder=(
                        "**Ask about NRR, churn, health, renewals, adoption or support.**  \n"
                        "Pick a starter on the right, or type a question below."))
                with gr.Row():
                    box = gr.Textbox(elem_id="question", show_label=False, scale=6, lines=1, max_lines=4,
                                     placeholder="e.g. What is our NRR and GRR trend by segment?")
                    send = gr.Button("Ask", variant="primary", scale=1, elem_id="ask", min_width=80)
                with gr.Column(visible=False, elem_id="feedback-panel") as feedback_panel:
                    feedback_note = gr.Markdown(elem_id="feedback-note")
                    with gr.Row():
                        comment_box = gr.Textbox(elem_id="feedback-comment", show_label=False, scale=6, lines=1,
                                                 max_lines=4, max_length=MAX_COMMENT,
                                                 placeholder="Optional comment, e.g. which number looks wrong")
                        comment_send = gr.Button("Send", elem_id="feedback-send", scale=1, min_width=80)
            with gr.Column(scale=1):
                with gr.Tabs(selected="home") as tabs:
                    with gr.Tab("Start here", id="home"):
                        gr.Markdown("Click a question to ask it.")
                        role_columns, starter_buttons = [], []
                        for role, questions in home.ROLE_EXAMPLES.items():
                            with gr.Column(visible=False, elem_classes="starters") as column:
                                gr.Markdown(f"**Asked most by {home.ROLE_NAMES[role]}**")
                                starter_buttons += [gr.Button(q, size="sm", variant="secondary") for q in questions]
                            role_columns.append(column)
                        with gr.Column(elem_classes="starters", elem_id="seven"):
                            gr.Markdown("**The seven questions every CS team asks**")
                            seven = [gr.Button(q, size="sm", variant="secondary") for q in home.SEVEN_QUESTIONS]
                            team_wide = [b for b, q in zip(seven, home.SEVEN_QUESTIONS) if q in home.TEAM_WIDE]
                            starter_buttons += seven
                    with gr.Tab("Result", id="result"):
                        table = gr.Dataframe(elem_id="result-table", interactive=False, show_label=False,
                                             max_height=420, wrap=True, buttons=["fullscreen", "copy"],
                                             show_search="search")
                        more = gr.Button("Show all columns", visible=False, elem_id="more-columns", size="sm",
                                         variant="secondary")
                        download = gr.DownloadButton("Download CSV", visible=False, elem_id="download-csv",
                                                     size="sm", variant="secondary")
                        with gr.Accordion("SQL for your warehouse", open=False, elem_id="sql-panel") as sql_panel:
                            dialect = gr.Dropdown(list(DIALECTS), value="duckdb", label="Dialect", elem_id="dialect")
                            sql = gr.Code(language="sql", show_label=False, elem_id="sql", buttons=["copy"],
                                          interactive=False, max_lines=30)
                    with gr.Tab("Metrics", id="metrics"):
                        gr.Dataframe(value=pd.DataFrame(home.catalogue_rows(catalog), columns=home.CATALOGUE_HEADERS),
                                     interactive=False, wrap=True, max_height=560, show_search="search",
                                     elem_id="catalogue", show_label=False, column_widths=["18%", "9%", "8%", "8%", "35%", "22%"])
        outputs = [chatbot, box, table, download, sql, tabs]
        # The stage message in the chat is the progress; Gradio's own would add a "•••" bubble after every
        # earlier answer that ends in a finished "How this was computed".
        quiet = {"show_progress": "hidden"}
        box.submit(ask, [box, dialect], outputs, api_name="ask", **quiet)
        send.click(ask, [box, dialect], outputs, api_visibility="private", **quiet)
        chatbot.option_select(pick, [dialect], outputs, api_visibility="private", **quiet)
        for button in starter_buttons:
            button.click(starter, [button, dialect], outputs, api_visibility="private", **quiet)
        dialect.change(redialect, [dialect], sql, api_name="sql_in_dialect")
        sql_panel.expand(redialect, [dialect], sql, api_visibility="private")
        sql_panel.collapse(sql_closed, None, None, api_visibility="private")
        table.change(columns_control, [table], more, api_visibility="private")
        more.click(toggle_columns, [table], table, api_visibility="private")
        chatbot.like(vote, None, [feedback_panel, feedback_note, comment_box], api_visibility="private")
        comment_box.submit(comment, [comment_box], [feedback_panel, comment_box], api_visibility="private")
        comment_send.click(comment, [comment_box], [feedback_panel, comment_box], api_visibility="private")
        chatbot.clear(forget, None, [feedback_panel, chatbot], api_visibility="private")
        sign_out.click(forget, None, [feedback_panel, chatbot], api_visibility="private").then(None, js=SIGN_OUT_JS)
        demo.load(on_load, None, [header, *role_columns, *team_wide, chatbot, table, download, sql, tabs],
                  api_visibility="private")
        gr.api(answer_json, api_name="answer")
    # Gradio recomputes its monitoring summary (pandas over up to 10,000 past events) after every event unless
    # told otherwise; the app serves no monitoring page, and under 20 users this was ~5% of the server's time.
    os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", str(ANALYTICS_EVERY))
    return demo.queue(default_concurrency_limit=concurrency)


def open_context(warehouse: str | Path | None = None, users_file: str | Path | None = None,
                 feedback: str | Path | None = None) -> AppContext:
    """Open the assistant on a warehouse and read the users file (None: one leader, no sign-in); votes on
    answers go to the `feedback` file (default: `<warehouse>.feedback.sqlite` beside the warehouse)."""
    from assistant.app.users import load_users
    from data.paths import resolve_warehouse

    users = load_users(users_file) if users_file else None
    from assistant.agent import agent_from_env

    path = resolve_warehouse(warehouse)
    assistant = Assistant(path, agent=agent_from_env())
    meta = assistant.run_sql("SELECT key, value FROM warehouse_meta", Viewer.analyst())
    return AppContext(assistant, users, home.source_line(assistant.as_of, dict(meta.rows), path),
                      FeedbackStore(feedback or feedback_file(path)))


def launch(context: AppContext, *, host: str = "127.0.0.1", port: int = 7860, share: bool = False,
           block: bool = True) -> gr.Blocks:
    """Start the app; with `block=False` it returns at once (tests), else it serves until interrupted."""
    demo = build_app(context)
    auth = SignIn(context.users).check if context.users is not None else None
    demo.launch(server_name=host, server_port=port, share=share, auth=auth, prevent_thread_lock=not block,
                app_kwargs={"middleware": [Middleware(ClientAddress)]},
                auth_message="Sign in with your assistant account." if auth else None, css=CSS,
                theme=gr.themes.Soft(), show_error=False, quiet=True)
    return demo
