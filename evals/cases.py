"""The evaluation cases: YAML files of questions with their expected results, loaded and validated.

The cases come in sets (`EVAL_SETS`): `dev`, which the planner may be tuned on, and the
held-out batches, written blind (evals/questions/README.md). Each file of a set holds `family: <metric family>` (a default for its cases) and
`cases:`, a list of mappings with these keys:

    id            unique across all files, lower-case words joined by '-'
    question      what a user types
    shape         single | breakdown | trend | list | comparison | unanswerable | ambiguous
    sql           the expected result: independent SQL over the raw contract tables, or
    status        the expected status when there is no SQL (clarify or unanswerable)
    family        the catalogue family (a catalogue file's name: revenue, usage...) or none
    viewer        leader (default), analyst, or "csm <csm_id>" for row-level security cases
    conversation  earlier questions asked in the same chat, replayed first
    ordered       true when the question asks for an order (top 10, worst first...)
    tolerance     absolute tolerance for numbers (default 0.01)
    domain        the number (1-7) of the question of ../shared/domain.md it covers
    note          why the case exists or how its SQL reads the definition

Validation collects every problem in every file (file, case id and what is wrong) before
anything runs, so a broken set is fixed in one pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from assistant.viewer import Viewer

QUESTIONS_ROOT = Path(__file__).with_name("questions")
EVAL_SETS = {"dev": "dev", "heldout-1": "heldout/batch1", "heldout-2": "heldout/batch2",
             "heldout-3": "heldout/batch3", "heldout-4": "heldout/batch4",
             "heldout-5": "heldout/batch5", "heldout-6": "heldout/batch6",
             "heldout-7": "heldout/batch7"}
"""Each eval set's folder under evals/questions/: dev is tuned on, the held-out batches never are."""
QUESTIONS_DIR = QUESTIONS_ROOT / EVAL_SETS["dev"]
ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
NO_FAMILY = "none"


class Shape(StrEnum):
    single = "single"
    breakdown = "breakdown"
    trend = "trend"
    list = "list"
    comparison = "comparison"
    unanswerable = "unanswerable"
    ambiguous = "ambiguous"


class ExpectedStatus(StrEnum):
    clarify = "clarify"
    unanswerable = "unanswerable"


_KEYS = {"id", "question", "shape", "sql", "status", "family", "viewer", "conversation", "ordered", "tolerance",
         "domain", "note"}


@dataclass(frozen=True)
class Case:
    """One question and what a correct answer holds."""

    id: str
    question: str
    family: str
    shape: Shape
    file: str
    sql: str | None = None
    status: ExpectedStatus | None = None
    viewer: Viewer = field(default_factory=Viewer.leader)
    conversation: tuple[str, ...] = ()
    ordered: bool = False
    tolerance: float = 0.01
    domain: int | None = None
    note: str = ""

    @property
    def categories(self) -> tuple[str, ...]:
        """The labels the report groups by and `--category` selects: family, shape and traits."""
        traits = [self.family, self.shape.value]
        if self.conversation:
            traits.append("follow-up")
        if not self.viewer.sees_all_accounts:
            traits.append("rls")
        if self.domain is not None:
            traits.append("seven-questions")
        return tuple(traits)


@dataclass(frozen=True)
class Issue:
    """One problem in a case file, located by file and case id."""

    file: str
    case_id: str
    message: str

    def line(self) -> str:
        return f"{self.file}: {self.case_id}: {self.message}"


class CaseError(Exception):
    """The case files have problems; `issues` lists every one."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        super().__init__(f"{len(issues)} problem(s) in the eval cases: " + "; ".join(i.line() for i in issues[:5]))


def catalogue_families(catalog) -> dict[str, str]:
    """Each metric's family: the name of the catalogue file defining it, without its number ('revenue')."""
    return {name: re.sub(r"^\d+_", "", Path(catalog.origin("metrics", name).file).stem) for name in catalog.metrics}


def parse_viewer(text: Any) -> Viewer:
    """'leader', 'analyst' or 'csm C005' as a Viewer; ValueError with the accepted forms otherwise."""
    words = str(text).split()
    if words == ["leader"]:
        return Viewer.leader()
    if words == ["analyst"]:
        return Viewer.analyst()
    if len(words) == 2 and words[0] == "csm":
        return Viewer.csm(words[1])
    raise ValueError(f"viewer {text!r} is not one of: leader, analyst, csm <csm_id>")


def _case(entry: Any, file: str, default_family: str | None, families: set[str], issues: list[Issue]) -> Case | None:
    if not isinstance(entry, dict):
        issues.append(Issue(file, "?", f"a case must be a mapping, got {type(entry).__name__}"))
        return None
    case_id = str(entry.get("id", "?"))
    problems: list[str] = []
    if not ID_PATTERN.match(case_id):
        problems.append("id must be lower-case words joined by '-'")
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        problems.append(f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(_KEYS))}")
    question = entry.get("question")
    if not isinstance(question, str) or not question.strip():
        problems.append("question is missing or empty")
    family = str(entry.get("family", default_family))
    if family not in families | {NO_FAMILY}:
        problems.append(f"family {family!r} is not a catalogue family ({', '.join(sorted(families))}) or none")
    try:
        shape = Shape(entry.get("shape"))
    except ValueError:
        problems.append(f"shape {entry.get('shape')!r} is not one of {', '.join(Shape)}")
        shape = None
    sql, status = entry.get("sql"), entry.get("status")
    if (sql is None) == (status is None):
        problems.append("give exactly one of sql (the expected result) and status")
    if sql is not None and not (isinstance(sql, str) and sql.strip()):
        problems.append("sql must be a non-empty string")
    try:
        expected_status = ExpectedStatus(status) if status is not None else None
    except ValueError:
        problems.append(f"status {status!r} is not one of {', '.join(ExpectedStatus)}")
        expected_status = None
    try:
        viewer = parse_viewer(entry.get("viewer", "leader"))
    except ValueError as error:
        problems.append(str(error))
        viewer = Viewer.leader()
    conversation = entry.get("conversation", [])
    if not (isinstance(conversation, list) and all(isinstance(q, str) and q.strip() for q in conversation)):
        problems.append("conversation must be a list of earlier questions")
        conversation = []
    if not isinstance(entry.get("ordered", False), bool):
        problems.append("ordered must be true or false")
    tolerance = entry.get("tolerance", 0.01)
    if not isinstance(tolerance, (int, float)) or isinstance(tolerance, bool) or tolerance < 0:
        problems.append("tolerance must be a non-negative number")
    domain = entry.get("domain")
    if domain is not None and domain not in range(1, 8):
        problems.append("domain must be the number of one of the seven questions (1-7)")
    issues.extend(Issue(file, case_id, p) for p in problems)
    if problems:
        return None
    return Case(id=case_id, question=question, family=family, shape=shape, file=file, sql=sql,
                status=expected_status, viewer=viewer, conversation=tuple(conversation),
                ordered=entry.get("ordered", False), tolerance=float(tolerance), domain=domain,
                note=str(entry.get("note", "")))


# "question: renewal rate (by # of renewals)": YAML reads " #" as a comment and the question stops at "(by"
_CUT_BY_COMMENT = re.compile(r"""^\s*(?:-\s+)?(?:question|conversation):\s+(?!["'])[^#\n]*\s#""")


def parse_cases(folder: Path, families: set[str]) -> tuple[list[Case], list[Issue]]:
    """Every case in `folder`/*.yaml, and every problem found (the cases with problems are left out)."""
    cases: list[Case] = []
    issues: list[Issue] = []
    files = sorted(folder.glob("*.yaml"))
    if not files:
        issues.append(Issue(str(folder), "-", "no *.yaml case files"))
    for path in files:
        issues += [Issue(path.name, "-", f"line {n}: a ' #' starts a YAML comment and cuts the question; quote it")
                   for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if _CUT_BY_COMMENT.match(line)]
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            issues.append(Issue(path.name, "-", f"not valid YAML: {' '.join(str(error).split())}"))
            continue
        if not isinstance(document, dict) or not isinstance(document.get("cases"), list):
            issues.append(Issue(path.name, "-", "a case file is a mapping with a 'cases' list"))
            continue
        for entry in document["cases"]:
            case = _case(entry, path.name, document.get("family"), families, issues)
            if case is not None:
                cases.append(case)
    seen: dict[str, str] = {}
    for case in cases:
        if case.id in seen:
            issues.append(Issue(case.file, case.id, f"duplicate id (also in {seen[case.id]})"))
        seen.setdefault(case.id, case.file)
    return cases, issues


def load_cases(folder: Path = QUESTIONS_DIR, catalog=None) -> list[Case]:
    """The validated cases; CaseError listing every problem when there is any."""
    from semantic_layer.catalog import default_catalog

    families = set(catalogue_families(catalog or default_catalog()).values())
    cases, issues = parse_cases(folder, families)
    if issues:
        raise CaseError(issues)
    return cases


def set_folder(name: str) -> Path:
    """The folder of eval set `name`; CaseError naming the sets when it is not one."""
    if name not in EVAL_SETS:
        raise CaseError([Issue("-", "-", f"no eval set {name!r}; sets: {', '.join(EVAL_SETS)}")])
    return QUESTIONS_ROOT / EVAL_SETS[name]


def available_sets() -> list[str]:
    """The eval sets that have case files, in `EVAL_SETS` order."""
    return [name for name, folder in EVAL_SETS.items() if any((QUESTIONS_ROOT / folder).glob("*.yaml"))]


def matching(cases: list[Case], category: str | None = None, case_id: str | None = None) -> list[Case]:
    """The cases in `category` (any of a case's categories) and/or with id `case_id`; maybe none."""
    return [c for c in cases if (category is None or category in c.categories) and (case_id is None or c.id == case_id)]


def select_cases(cases: list[Case], category: str | None = None, case_id: str | None = None) -> list[Case]:
    """The cases in `category` and/or with id `case_id`; CaseError naming the categories when there is none."""
    chosen = matching(cases, category, case_id)
    if not chosen:
        wanted = " and ".join(filter(None, [category and f"category {category!r}", case_id and f"id {case_id!r}"]))
        known = sorted({t for c in cases for t in c.categories})
        raise CaseError([Issue("-", "-", f"no case has {wanted}; categories: {', '.join(known)}")])
    return chosen
