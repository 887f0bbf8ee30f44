"""`cs-assistant`: the command line, a thin shell over the library.

Each subcommand parses its flags, calls one library function and prints its result;
errors become one line on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from data.paths import WAREHOUSE_ENV, WarehouseUnreadable, resolve_warehouse
from evals.cases import EVAL_SETS


class CliError(Exception):
    """An error the user can fix; printed as one line, exit code 2."""


def _warehouse_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--warehouse",
        metavar="PATH",
        help=f"DuckDB warehouse file (default: ${WAREHOUSE_ENV}, else data/warehouse.duckdb)",
    )


def _cmd_data_generate(args: argparse.Namespace) -> int:
    from data.generate import SCALES, generate_warehouse, is_current

    out = resolve_warehouse(args.out)
    if args.if_stale and is_current(out, scale=args.scale, seed=args.seed):
        print(f"{out} is up to date (scale {args.scale}, seed {args.seed}); not rebuilt.")
        return 0
    if args.scale not in SCALES:
        raise CliError(f"unknown scale {args.scale!r}; choose one of {', '.join(SCALES)}")
    report = generate_warehouse(out, scale=args.scale, seed=args.seed, progress=not args.quiet)
    print(report.summary())
    return 0


def _cmd_data_load(args: argparse.Namespace) -> int:
    from data.load import load_warehouse

    report = load_warehouse(args.source, resolve_warehouse(args.out), replace=args.replace)
    print(report.summary())
    return 0 if report.ok else 1


def _cmd_data_check(args: argparse.Namespace) -> int:
    from data.check import check_warehouse

    path = resolve_warehouse(args.path or args.warehouse)
    problems = check_warehouse(path, progress=True)
    for problem in problems:
        print(problem.line())
    if problems:
        print(f"{len(problems)} problem(s) found in {path}.", file=sys.stderr)
        return 1
    print(f"{path} satisfies the warehouse contract.")
    return 0


def _cmd_data_summary(args: argparse.Namespace) -> int:
    from data.summary import warehouse_summary

    print(warehouse_summary(resolve_warehouse(args.path or args.warehouse)))
    return 0


def _cmd_chat(args: argparse.Namespace) -> int:
    from assistant.app.app import launch, open_context
    from assistant.app.users import UsersFileError
    from assistant.service import WarehouseError

    try:
        context = open_context(args.warehouse, args.users)
    except (UsersFileError, WarehouseError, FileNotFoundError) as error:
        raise CliError(str(error)) from None
    mode = "sign-in from " + args.users if args.users else "no users file: everyone is one leader"
    print(f"Chat app on http://{args.host}:{args.port} ({mode}); Ctrl+C stops it.")
    launch(context, host=args.host, port=args.port, share=args.share)
    return 0


def _cmd_feedback(args: argparse.Namespace) -> int:
    import datetime as dt
    import json
    from pathlib import Path

    from assistant.feedback import FeedbackError, FeedbackStore, feedback_file, feedback_report

    try:
        since = dt.date.fromisoformat(args.since) if args.since else None
    except ValueError:
        raise CliError(f"--since takes a day as YYYY-MM-DD, e.g. 2026-11-01, not {args.since!r}") from None
    path = Path(args.file) if args.file else feedback_file(resolve_warehouse(args.warehouse))
    try:
        votes = FeedbackStore(path).rows(since)
    except FeedbackError as error:
        raise CliError(str(error)) from None
    if args.json:
        for vote in votes:
            print(json.dumps(vote.to_dict(), ensure_ascii=False))
    elif votes:
        print(feedback_report(votes))
    else:
        print(f"No feedback{f' since {since}' if since else ''} in {path}.")
    return 0


def _cmd_sql(args: argparse.Namespace) -> int:
    from assistant.runner import Runner
    from assistant.viewer import Viewer

    try:
        viewer = Viewer.csm(args.as_csm) if args.as_csm is not None else Viewer.analyst()
    except ValueError as error:
        raise CliError(f"{error}; pass --as-csm with a CSM id such as the csm_id column of csms") from None
    with Runner(resolve_warehouse(args.warehouse)) as runner:
        answer = runner.run(args.query, viewer)
    print(answer.to_json() if args.json else answer.to_text())
    return 0 if answer.ok else 1


def _cmd_ask(args: argparse.Namespace) -> int:
    from assistant.agent import agent_from_env
    from assistant.conversation import Conversation
    from assistant.service import Assistant, WarehouseError
    from assistant.viewer import Viewer

    try:
        viewer = Viewer.csm(args.as_csm) if args.as_csm is not None else Viewer.leader()
    except ValueError as error:
        raise CliError(f"{error}; pass --as-csm with a CSM id such as the csm_id column of csms") from None
    conversation = Conversation()  # several questions are one chat, asked in order: follow-ups read earlier turns
    answers = []
    try:
        with Assistant(resolve_warehouse(args.warehouse), dialect=args.dialect, agent=agent_from_env()) as assistant:
            for question in args.question:
                answers.append(assistant.ask(question, viewer, conversation))
                _print_answer(answers[-1], args, len(args.question) > 1)
    except WarehouseError as error:
        raise CliError(str(error)) from None
    return 0 if all(a.status in ("answered", "clarify") for a in answers) else 1


def _print_answer(answer, args: argparse.Namespace, several: bool) -> None:
    """One turn: a JSON object on one line (several) or indented (one question); or text with its SQL."""
    if args.json:
        print(answer.to_json(indent=None if several else 2), flush=True)
        return
    if several:
        print(f"» {answer.question}")
    print(answer.to_text())
    if answer.sql and answer.ok:
        print(f"\nSQL ({args.dialect}):\n{answer.sql}")
    if several:
        print()


def _cmd_metrics(args: argparse.Namespace) -> int:
    from semantic_layer.catalog import default_catalog
    from semantic_layer.describe import catalogue_listing, metric_card
    from semantic_layer.errors import CatalogError, UnknownNameError

    try:
        catalog = default_catalog()
    except CatalogError as error:
        raise CliError(str(error)) from None
    if args.name is None:
        print(catalogue_listing(catalog))
        return 0
    try:
        metric = catalog.metric(args.name)
    except UnknownNameError as error:
        raise CliError(f"{error} (`cs-assistant metrics` lists every metric)") from None
    print(metric_card(metric, catalog))
    return 0


def _cmd_eval(args: argparse.Namespace) -> int:
    from pathlib import Path

    from assistant.runner import RunnerSettings, connect_hardened
    from assistant.service import Assistant
    from evals.cases import CaseError, available_sets, load_cases, matching, select_cases, set_folder
    from evals.report import markdown_report, summarize, terminal_report
    from evals.run import AgentRouted, run_cases

    names = args.set or available_sets()
    try:
        every = {name: load_cases(set_folder(name)) for name in names}
        chosen = {name: found for name, cases in every.items() if (found := matching(cases, args.category, args.case))}
        if not chosen:  # says which categories there are
            select_cases([c for cases in every.values() for c in cases], args.category, args.case)
    except CaseError as error:
        raise CliError("; ".join(issue.line() for issue in error.issues)) from None
    settings = RunnerSettings()
    path = resolve_warehouse(args.warehouse)
    agent = _agent_or_fail() if args.planner == "llm" else None
    summaries = []
    with Assistant(path, settings=settings, agent=agent) as assistant:
        expected_con = connect_hardened(path, settings)  # the assistant's config: DuckDB refuses two in one process
        try:
            asker = AgentRouted(assistant) if args.planner == "llm" else assistant
            for name, cases in chosen.items():
                summaries.append(summarize(run_cases(cases, asker, expected_con), planner=args.planner, name=name))
        finally:
            expected_con.close()
    print(terminal_report(summaries, show_misses=args.misses))
    report = Path(args.report)
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(markdown_report(summaries), encoding="utf-8")
    print(f"\nMarkdown report with every miss: {report}")
    return 1 if any(s.harness_errors for s in summaries) else 0


def _agent_or_fail():
    from assistant.agent import agent_from_env

    agent = agent_from_env()
    if agent is None:
        raise CliError("--planner llm needs a model: set OPENAI_API_KEY (and OPENAI_BASE_URL, OPENAI_MODEL)")
    return agent


def _cmd_bench(args: argparse.Namespace) -> int:
    from evals.bench import BenchContext, BenchSettings, bench_json, bench_table, chosen_benches, load_average, run_benches
    from evals.cases import CaseError, load_cases, select_cases

    try:
        cases = select_cases(load_cases(), args.category)
        settings = BenchSettings(repeats=args.repeats, warmup=args.warmup, users=args.users, seconds=args.seconds,
                                 limit=args.limit)
        names = chosen_benches(args.bench)
    except CaseError as error:
        raise CliError("; ".join(issue.line() for issue in error.issues)) from None
    except ValueError as error:
        raise CliError(f"{error} (--bench, --repeats, --warmup, --users, --seconds, --limit)") from None
    path = resolve_warehouse(args.warehouse)
    with _bench_assistant(path, cache=False) as assistant:  # warm answers time the whole path, never a cached one
        cached = _bench_assistant(path, cache=True) if "repeat" in names else None
        try:
            context = BenchContext(assistant, cases, settings, cached=cached, warehouse=str(path))
            measurements = run_benches(context, names)
        except (ValueError, RuntimeError) as error:
            raise CliError(str(error)) from None
        finally:
            if cached is not None:
                cached.close()
    load = load_average()
    print(bench_json(measurements, settings, load) if args.json else bench_table(measurements, settings, load))
    return 0


def _bench_assistant(path, *, cache: bool):
    """An Assistant with its query caches on or off."""
    from assistant.service import Assistant

    return Assistant(path, cache=cache)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cs-assistant",
        description="Ask plain-English questions about customer-success metrics.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    data = commands.add_parser("data", help="build, load and check the warehouse")
    data_commands = data.add_subparsers(dest="data_command", required=True, metavar="ACTION")

    generate = data_commands.add_parser("generate", help="write a synthetic CS warehouse")
    generate.add_argument("--scale", default="demo", help="small, demo or large (default: demo)")
    generate.add_argument("--seed", type=int, default=42, help="random seed (default: 42)")
    generate.add_argument("--out", metavar="PATH", help="DuckDB file to write (default: the warehouse path)")
    generate.add_argument(
        "--if-stale",
        action="store_true",
        help="skip the build when the file already holds this generator version, scale and seed",
    )
    generate.add_argument("--quiet", action="store_true", help="no progress bar")
    generate.set_defaults(func=_cmd_data_generate)

    load = data_commands.add_parser("load", help="build a warehouse from CSV or Parquet files")
    load.add_argument("--from", dest="source", required=True, metavar="DIR",
                      help="folder of <table>.csv or <table>.parquet files named after the contract tables")
    load.add_argument("--out", metavar="PATH", help="DuckDB file to write (default: the warehouse path)")
    load.add_argument("--replace", action="store_true", help="overwrite an existing file")
    load.set_defaults(func=_cmd_data_load)

    check = data_commands.add_parser("check", help="validate a warehouse against the contract")
    check.add_argument("path", nargs="?", help="DuckDB file to check (default: the warehouse path)")
    _warehouse_flag(check)
    check.set_defaults(func=_cmd_data_check)

    summary = data_commands.add_parser("summary", help="what a warehouse holds: as-of date, accounts, MRR, rows per table")
    summary.add_argument("path", nargs="?", help="DuckDB file (default: the warehouse path)")
    _warehouse_flag(summary)
    summary.set_defaults(func=_cmd_data_summary)

    sql = commands.add_parser("sql", help="run freehand SQL through the guard, row-level security and runner")
    sql.add_argument("query", metavar="SQL", help='one read-only SELECT, e.g. "SELECT segment, count(*) FROM accounts GROUP BY 1"')
    sql.add_argument("--json", action="store_true", help="print the JSON answer instead of a table")
    sql.add_argument("--as-csm", metavar="ID", help="run as this CSM, seeing only their book of accounts")
    _warehouse_flag(sql)
    sql.set_defaults(func=_cmd_sql)

    from semantic_layer.compile import DIALECTS

    ask = commands.add_parser("ask", help="ask plain-English questions (several: one conversation) and print the answers")
    ask.add_argument("question", metavar="QUESTION", nargs="+",
                     help='e.g. "NRR by segment last quarter"; several are asked in order in one conversation, '
                          'so later ones can follow up ("and for EMEA?")')
    ask.add_argument("--json", action="store_true",
                     help="print each answer as a JSON object (several questions: one object per line per turn)")
    ask.add_argument("--as-csm", metavar="ID", help="ask as this CSM, seeing only their book of accounts")
    ask.add_argument("--dialect", default="duckdb", choices=DIALECTS, help="SQL dialect to show (default: duckdb)")
    _warehouse_flag(ask)
    ask.set_defaults(func=_cmd_ask)

    metrics = commands.add_parser("metrics", help="list the metric catalogue, or show one metric in full")
    metrics.add_argument("name", nargs="?", metavar="NAME",
                         help="a metric name or synonym, e.g. nrr or \"net revenue retention\"")
    metrics.set_defaults(func=_cmd_metrics)

    chat = commands.add_parser("chat", help="start the chat app (offline, on 127.0.0.1:7860 by default)")
    chat.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: 127.0.0.1)")
    chat.add_argument("--port", type=int, default=7860, help="port to listen on (default: 7860)")
    chat.add_argument("--users", metavar="FILE",
                      help="TOML users file for sign-in (e.g. data/demo_users.toml); without it, one leader viewer")
    chat.add_argument("--share", action="store_true", help="ask Gradio for a public share link (off by default)")
    _warehouse_flag(chat)
    chat.set_defaults(func=_cmd_chat)

    feedback = commands.add_parser("feedback", help="list the thumbs up and down given to answers in the chat app")
    feedback.add_argument("--since", metavar="DATE", help="only votes on or after this day (UTC), e.g. 2026-11-01")
    feedback.add_argument("--json", action="store_true", help="print each vote as a JSON object on its own line")
    feedback.add_argument("--file", metavar="PATH",
                          help="the feedback file (default: <warehouse>.feedback.sqlite beside the warehouse)")
    _warehouse_flag(feedback)
    feedback.set_defaults(func=_cmd_feedback)

    evaluate = commands.add_parser("eval", help="measure the planner's execution accuracy on the eval questions")
    evaluate.add_argument("--planner", choices=["rules", "llm"], default="rules",
                          help="rules (default): the assistant as configured; llm: every question to the LLM agent")
    evaluate.add_argument("--set", action="append", choices=list(EVAL_SETS),
                          help="an eval set to run (repeat for several; default: every set that has cases)")
    evaluate.add_argument("--category", metavar="C", help="only cases in this category (a family, shape, rls, follow-up...)")
    evaluate.add_argument("--case", metavar="ID", help="only the case with this id")
    evaluate.add_argument("--report", metavar="PATH", default="evals/report.md",
                          help="where to write the Markdown report (default: evals/report.md)")
    evaluate.add_argument("--no-misses", dest="misses", action="store_false",
                          help="print only the accuracy table (the report still lists every miss)")
    _warehouse_flag(evaluate)
    evaluate.set_defaults(func=_cmd_eval)

    from evals.bench import BENCHES, DEFAULT_BENCHES

    bench = commands.add_parser("bench", help="time planning and whole answers over the eval questions, paired with "
                                              "bare DuckDB")
    bench.add_argument("--bench", action="append", choices=list(BENCHES), metavar="NAME",
                       help=f"run this benchmark (repeatable): {', '.join(BENCHES)} "
                            f"(default: {', '.join(DEFAULT_BENCHES)})")
    bench.add_argument("--users", type=int, default=20, help="chat-load: simulated users at once (default: 20)")
    bench.add_argument("--seconds", type=float, default=60.0, help="chat-load: how long they ask (default: 60)")
    bench.add_argument("--repeats", type=int, default=3, help="timed runs per question (default: 3)")
    bench.add_argument("--warmup", type=int, default=1, help="untimed runs per question first (default: 1)")
    bench.add_argument("--category", metavar="C", help="only questions in this category")
    bench.add_argument("--limit", type=int, metavar="N",
                       help="at most N questions, spread evenly over the set (for the large warehouse)")
    bench.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    _warehouse_flag(bench)
    bench.set_defaults(func=_cmd_bench)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CliError as error:
        print(f"cs-assistant: {error}", file=sys.stderr)
        return 2
    except (FileNotFoundError, WarehouseUnreadable) as error:
        print(f"cs-assistant: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        return 0


if __name__ == "__main__":
    sys.exit(main())
