"""The chat app: a Gradio Blocks shell over `Assistant`, rendering each Answer with `render`.

The viewer of every question comes from the sign-in (`gr.Request.username` looked up in the
users file), never from the question; without a users file everyone is one leader and the
page says so. Each browser session has its own Conversation in a `gr.State`, so follow-ups
work and sessions never see each other's turns.
"""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from assistant.answer import Answer, Status
from assistant.app import home, render
from assistant.app.users import User, authenticator
from assistant.conversation import Conversation
from assistant.service import Assistant
from assistant.viewer import Viewer
from semantic_layer.compile import DIALECTS

log = logging.getLogger(__name__)

# Questions answered at once. Answering is CPU-bound (planning in Python, DuckDB with threads=2), so more
# than the cores only queues inside the process: `chat_load` with 20 users on the 2-core machine gave
# p50/p95 3.3/3.8 s at 2 against 3.5/4.4 s at 1, 3.5/4.4 s at 4 and 3.4/4.9 s at 8, with no failures.
CONCURRENCY = 2
TABLE_ROWS = 2_000  # rows shown beside the chat; the CSV download always has all of them
HOW_TITLE = "How this was computed"
FAILED = "Something went wrong while answering, so there is no answer this time. Try rephrasing the question."

CSS = """
#result-table { font-variant-numeric: tabular-nums; }
#result-table th { min-width: 7rem; word-break: normal; overflow-wrap: normal; hyphens: none; }
.source-line { color: var(--body-text-color-subdued); }
footer { display: none !important; }
.starters button { justify-content: flex-start; text-align: left; white-space: normal; }
"""


@dataclass
class Session:
    """What one browser session keeps: its conversation and the answer shown beside the chat."""

    conversation: Conversation = field(default_factory=Conversation)
    answer: Answer | None = None


@dataclass(frozen=True)
class AppContext:
    """Everything the handlers share: the assistant, who may sign in, and where the data came from."""

    assistant: Assistant
    users: Mapping[str, User] | None
    source: str

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


def _csv_file(answer: Answer) -> str:
    folder = Path(tempfile.mkdtemp(prefix="cs-answer-"))
    path = folder / f"{_slug(answer.question)}.csv"
    path.write_text(render.csv_text(answer), encoding="utf-8")
    return str(path)


def _styled(table: render.Table) -> Any:
    """The table as a pandas Styler: raw values (so sorting is numeric), formatted text on screen."""
    frame = pd.DataFrame(table.values[:TABLE_ROWS], columns=table.headers)
    formatters = {}
    for j, header in enumerate(table.headers):
        shown = {row[j]: text[j] for row, text in zip(table.values, table.display) if row[j] is not None}
        formatters[header] = lambda v, shown=shown: shown.get(v, render.MISSING if pd.isna(v) else str(v))
    return frame.style.format(formatters).hide(axis="index")


def _messages(answer: Answer, catalog, sql: str | None) -> list[dict[str, Any]]:
    """The chat messages of one answer: the narrative (with clickable options), for a list who is on it
    and why, a chart, and the collapsed 'How this was computed' showing `sql`."""
    narrative = {"role": "assistant", "content": render.narrative_markdown(answer, catalog)}
    if len(answer.rows) > TABLE_ROWS:
        narrative["content"] += (f"\n\n_The table beside the chat shows the first {TABLE_ROWS:,} of "
                                 f"{len(answer.rows):,} rows; the CSV download has them all._")
    messages = [narrative]
    if answer.ok and render.list_reasons(answer, catalog) is not None:
        # In the chat only who is listed and why (the values are in the reasons); every column is beside the chat.
        table = render.result_table(answer, catalog)
        names = [s.label for s in render.column_specs(answer, catalog) if s.unit is None]
        messages.append({"role": "assistant",
                         "content": render.markdown_table(table, max_rows=5, columns=[*names, render.WHY_LABEL])})
    figure = render.chart_figure(answer, catalog)
    if figure is not None:
        messages.append({"role": "assistant", "content": gr.Plot(figure, show_label=False)})
    how = render.computation_markdown(answer, catalog, sql)
    if how:
        messages.append({"role": "assistant", "content": how, "metadata": {"title": HOW_TITLE, "status": "done"}})
    if answer.options:  # the chat shows option buttons under the last message of a turn only
        messages[-1]["options"] = [{"value": o, "label": o} for o in answer.options]
    return messages


def _failure(question: str, error: Exception) -> Answer:
    log.exception("question failed: %s", question)
    return Answer(question, Status.ERROR, FAILED, detail=f"{type(error).__name__}: {error}")


def build_app(context: AppContext, concurrency: int = CONCURRENCY) -> gr.Blocks:
    """The Blocks of the chat app (not launched): chat on the left, the current answer and home on the right;
    `concurrency` questions are answered at once."""
    assistant, catalog = context.assistant, context.assistant.catalog

    def ask(question: str, history: list, session: Session, dialect: str, request: gr.Request):
        question = (question or "").strip()
        if not question:
            return gr.skip(), gr.skip(), session, gr.skip(), gr.skip(), gr.skip(), gr.skip()
        try:
            viewer, _ = context.signed_in(request)
            answer = assistant.ask(question, viewer, session.conversation)
            # The SQL shown is what ran for this viewer (a CSM's carries the filter to their book).
            ran = render.sql_in_dialect(answer, "duckdb", viewer, catalog) if answer.sql else None
            messages = _messages(answer, catalog, ran)
            if answer.ok:
                table = _styled(render.result_table(answer, catalog))
                sql = ran if dialect == "duckdb" else render.sql_in_dialect(answer, dialect, viewer, catalog)
                rows = len(answer.rows)
                download = gr.DownloadButton(value=_csv_file(answer), visible=True,
                                             label=f"Download CSV ({rows:,} row{'s' if rows != 1 else ''})")
        except Exception as error:  # a failing question is a message in the chat, never a traceback
            answer = _failure(question, error)
            messages = _messages(answer, catalog, None)
        history = [*history, {"role": "user", "content": question}, *messages]
        if not answer.ok:  # the Result pane keeps no table of an earlier question next to this one's reply
            session.answer = None
            return (history, "", session, pd.DataFrame(), gr.DownloadButton(visible=False), gr.Code(value=""),
                    gr.Tabs(selected="home"))
        session.answer = answer
        return history, "", session, table, download, gr.Code(value=sql), gr.Tabs(selected="result")

    def pick(event: gr.SelectData, history: list, session: Session, dialect: str, request: gr.Request):
        return ask(event.value["value"] if isinstance(event.value, dict) else str(event.value),
                   history, session, dialect, request)

    def starter(question: str, history: list, session: Session, dialect: str, request: gr.Request):
        return ask(question, history, session, dialect, request)

    def redialect(dialect: str, session: Session, request: gr.Request) -> str:
        if session.answer is None:
            return ""
        viewer, _ = context.signed_in(request)
        return render.sql_in_dialect(session.answer, dialect, viewer, catalog)

    def answer_json(question: str, request: gr.Request) -> dict:
        """Answer one question for the signed-in viewer (no conversation) as the Answer's JSON."""
        try:
            viewer, _ = context.signed_in(request)
            answer = assistant.ask(question, viewer)
        except Exception as error:
            answer = _failure(question, error)
        return answer.to_dict()

    def on_load(request: gr.Request):
        viewer, who = context.signed_in(request)
        return (f"{home.viewer_line(viewer, who)}  \n<span class='source-line'>{context.source}</span>",
                *[gr.Column(visible=role is viewer.role) for role in home.ROLE_EXAMPLES],
                *[gr.Button(visible=viewer.sees_all_accounts) for _ in team_wide])

    with gr.Blocks(title="Customer-success metrics assistant") as demo:
        session = gr.State(Session())
        gr.Markdown("## Customer-success metrics assistant")
        header = gr.Markdown(elem_id="header")
        with gr.Row(equal_height=False):
            with gr.Column(scale=1):
                chatbot = gr.Chatbot(
                    elem_id="chat", height=620, show_label=False, latex_delimiters=[], buttons=["copy"],
                    feedback_options=None, placeholder=(
                        "**Ask about NRR, churn, health, renewals, adoption or support.**  \n"
                        "Pick a starter on the right, or type a question below."))
                with gr.Row():
                    box = gr.Textbox(elem_id="question", show_label=False, scale=6, lines=1, max_lines=4,
                                     placeholder="e.g. What is our NRR and GRR trend by segment?")
                    send = gr.Button("Ask", variant="primary", scale=1, elem_id="ask", min_width=80)
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
                        download = gr.DownloadButton("Download CSV", visible=False, elem_id="download-csv",
                                                     size="sm", variant="secondary")
                        with gr.Accordion("SQL for your warehouse", open=False, elem_id="sql-panel"):
                            dialect = gr.Dropdown(list(DIALECTS), value="duckdb", label="Dialect", elem_id="dialect")
                            sql = gr.Code(language="sql", show_label=False, elem_id="sql", buttons=["copy"],
                                          interactive=False, max_lines=30)
                    with gr.Tab("Metrics", id="metrics"):
                        gr.Dataframe(value=pd.DataFrame(home.catalogue_rows(catalog), columns=home.CATALOGUE_HEADERS),
                                     interactive=False, wrap=True, max_height=560, show_search="search",
                                     elem_id="catalogue", show_label=False, column_widths=["18%", "9%", "8%", "8%", "35%", "22%"])
        outputs = [chatbot, box, session, table, download, sql, tabs]
        inputs = [chatbot, session, dialect]
        box.submit(ask, [box, *inputs], outputs, api_name="ask")
        send.click(ask, [box, *inputs], outputs, api_visibility="private")
        chatbot.option_select(pick, inputs, outputs, api_visibility="private")
        for button in starter_buttons:
            button.click(starter, [button, *inputs], outputs, api_visibility="private")
        dialect.change(redialect, [dialect, session], sql, api_name="sql_in_dialect")
        demo.load(on_load, None, [header, *role_columns, *team_wide], api_visibility="private")
        gr.api(answer_json, api_name="answer")
    return demo.queue(default_concurrency_limit=concurrency)


def open_context(warehouse: str | Path | None = None, users_file: str | Path | None = None) -> AppContext:
    """Open the assistant on a warehouse and read the users file (None: one leader, no sign-in)."""
    from assistant.app.users import load_users
    from data.paths import resolve_warehouse

    users = load_users(users_file) if users_file else None
    from assistant.agent import agent_from_env

    path = resolve_warehouse(warehouse)
    assistant = Assistant(path, agent=agent_from_env())
    meta = assistant.run_sql("SELECT key, value FROM warehouse_meta", Viewer.analyst())
    return AppContext(assistant, users, home.source_line(assistant.as_of, dict(meta.rows), path))


def launch(context: AppContext, *, host: str = "127.0.0.1", port: int = 7860, share: bool = False,
           block: bool = True) -> gr.Blocks:
    """Start the app; with `block=False` it returns at once (tests), else it serves until interrupted."""
    demo = build_app(context)
    auth = authenticator(context.users) if context.users is not None else None
    demo.launch(server_name=host, server_port=port, share=share, auth=auth, prevent_thread_lock=not block,
                auth_message="Sign in with your assistant account." if auth else None, css=CSS,
                theme=gr.themes.Soft(), show_error=False, quiet=True)
    return demo
