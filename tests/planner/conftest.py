"""Planner fixtures: a pure planner context (catalogue + hand-written dimension values) and, for
end-to-end tests, one Assistant over the demo warehouse per module."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.planner import PlannerContext, build_lexicon
from semantic_layer.catalog import default_catalog

AS_OF = date(2026, 10, 31)

# Dimension values as a warehouse would hold them; the planner learns names only from here.
VALUES = {
    "segment": ["Enterprise", "Mid-Market", "SMB"],
    "region": ["APAC", "EMEA", "LATAM", "North America"],
    "plan": ["Business", "Enterprise", "Growth", "Starter"],
    "industry": ["Financial Services", "Healthcare", "Retail", "Software"],
    "account_name": [f"Filler Account {i:04d}" for i in range(40)] + ["Acme Corp", "Northwind Logistics", "Estora Bank Inc"],
    "csm_name": ["Maria Chen", "Leila Johnson", "Ravi Wong", "Emma Rossi", "Tomás Herrera", "Dana Lee", "Ken Ito",
                 "Ana Silva", "Omar Haddad", "Lena Berg", "Sam Okafor", "Ines Duarte", "Noah Kim"],
    "csm_team": ["Growth", "Onboarding", "Pooled", "Retention"],
    "ticket_category": ["access", "billing", "bug", "feature-request", "how-to", "integration", "performance"],
    "ticket_priority": ["high", "low", "normal", "urgent"],
    "ticket_channel": ["chat", "email", "phone", "portal"],
    "survey_touchpoint": ["onboarding", "qbr", "relationship", "support"],
    "feature": ["ai_assistant", "dashboards", "reports", "workflows"],
}


@pytest.fixture(scope="session")
def context() -> PlannerContext:
    catalog = default_catalog()
    return PlannerContext(catalog, build_lexicon(catalog, VALUES), AS_OF)


@pytest.fixture(scope="module")
def assistant(demo_warehouse_path):
    from assistant.service import Assistant

    with Assistant(demo_warehouse_path) as running:
        yield running
