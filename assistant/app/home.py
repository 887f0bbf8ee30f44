"""The home screen's content: starter questions, the metric catalogue, and what data is loaded.

Pure data and text; the app places it. The seven starters are the questions the domain
notes say the assistant must answer well; the role examples are what each kind of viewer
typically asks first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from assistant.viewer import Role, Viewer
from semantic_layer.catalog import Catalog
from semantic_layer.describe import benchmark_text

SEVEN_QUESTIONS = (
    "Which enterprise accounts show declining adoption and unresolved support friction?",
    "Which onboarding cohorts are taking too long to reach first value?",
    "Which customers are using more of the product and may be ready for expansion?",
    "Which recurring issue themes are dragging down health in a specific segment?",
    "What is our NRR and GRR trend by segment? Is it healthy?",
    "Which accounts renew in the next 90 days, with their health trend and open tickets?",
    "Which CSM's book has the biggest negative health movement this month?",
)

# Compares the CSMs' books: a CSM, who sees only their own book, is not offered it.
TEAM_WIDE = frozenset({"Which CSM's book has the biggest negative health movement this month?"})

ROLE_EXAMPLES: Mapping[Role, tuple[str, ...]] = {
    Role.LEADER: (
        "What is our NRR?",
        "What is our logo churn rate by segment this year?",
        "How many at-risk accounts do we have by region?",
        "What is our ARR trend by month this year?",
    ),
    Role.ANALYST: (
        "What is first contact resolution by ticket channel last quarter?",
        "What is the median time to value by segment?",
        "What is NPS by region this year?",
        "What is seat utilization by plan last month?",
    ),
    Role.CSM: (
        "Which of my accounts are at risk?",
        "Which accounts renew in the next 90 days?",
        "What is the health score of my accounts by month?",
        "How many open tickets do my accounts have by priority?",
    ),
}

ROLE_NAMES: Mapping[Role, str] = {Role.LEADER: "CS leaders", Role.ANALYST: "analysts", Role.CSM: "CSMs"}

CATALOGUE_HEADERS = ["Metric", "Family", "Tier", "Unit", "Definition", "Typical benchmark"]


def starters(viewer: Viewer) -> list[str]:
    """The role's examples first (what this viewer asks most), then the seven domain questions (less those that
    compare books the viewer cannot see)."""
    return [*ROLE_EXAMPLES[viewer.role],
            *[q for q in SEVEN_QUESTIONS if viewer.sees_all_accounts or q not in TEAM_WIDE]]


def _family(file: str) -> str:
    """'10_revenue.yaml' → 'revenue'."""
    stem = Path(file).stem
    return stem.split("_", 1)[1] if "_" in stem and stem.split("_", 1)[0].isdigit() else stem


def catalogue_rows(catalog: Catalog) -> list[list[str]]:
    """One row per metric: label (name), family, tier, unit, formula and typical benchmark."""
    return [
        [f"{m.label} ({m.name})", _family(catalog.origin("metrics", name).file), m.tier.value, m.unit.value,
         m.formula, benchmark_text(m) or "–"]
        for name, m in catalog.metrics.items()
    ]


def source_line(as_of: dt.date, meta: Mapping[str, str], path: Path) -> str:
    """Where the numbers come from: the warehouse file, how it was made, and its as-of date."""
    made = (f"synthetic demo data (generator v{meta['generator_version']}, scale {meta.get('scale', '?')}, "
            f"seed {meta.get('seed', '?')})" if "generator_version" in meta else "loaded data")
    return f"Data as of **{as_of:%d %B %Y}** · {made} · `{path.name}`"


def viewer_line(viewer: Viewer, who: str | None) -> str:
    """Who the numbers are for, said on screen: the signed-in person, or the single-leader mode."""
    if who is None:
        return ("No users file: everyone is signed in as one **leader** who sees all accounts "
                "(start with `--users FILE` to sign people in).")
    scope = f"only the accounts of CSM {viewer.csm_id}" if viewer.role is Role.CSM else "all accounts"
    return f"Signed in as **{who}**; answers cover {scope}."
