"""schema.sql says what the contract document says, and the code's references to it are real.

The document (../shared/warehouse-contract.md) is a Markdown table: one row per table, its
columns as a comma-separated list of `name` [TYPE] [PK|UNIQUE|NULL] [/* closed set */]
[(note)], optionally followed by "— note" or "; note".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from data import contract
from data.check import CLOSED_SETS, GRAINS, SURVEY_SCALES

CONTRACT_DOC = Path(__file__).parents[2] / "shared" / "warehouse-contract.md"

# How the document writes a type, and the schema.sql types it may stand for.
DOC_TYPES = {
    "DATE": {"DATE"},
    "TIMESTAMP": {"TIMESTAMP"},
    "INT": {"INTEGER"},
    "BOOLEAN": {"BOOLEAN"},
    "DOUBLE": {"DOUBLE"},
    "VARCHAR": {"VARCHAR"},
    "DECIMAL": {"DECIMAL(14,2)"},
}

# A key the document states in its grain column rather than with PK: "key → value".
KEYS_FROM_GRAIN = {"warehouse_meta": "key"}


@dataclass(frozen=True)
class DocColumn:
    name: str
    type: str | None
    primary_key: bool
    unique: bool
    nullable: bool
    closed_set: tuple[str, ...]
    note: str


def parse_columns(cell: str) -> list[DocColumn]:
    """The columns of one table row, in the order the document lists them."""
    cell = re.split(r" — |; (?![^(]*\))", cell)[0]  # drop a trailing note, not a ';' inside (…)
    columns = []
    for item in re.split(r",\s*(?![^/]*\*/)(?![^(]*\))", cell):  # commas outside /* */ and (…)
        name = re.match(r"\s*`(\w+)`", item)
        assert name, f"cannot read a column name in {item!r}"
        closed = re.search(r"/\*(.*?)\*/", item)
        note = re.search(r"\((.*?)\)", item)
        bare = re.sub(r"/\*.*?\*/|\(.*?\)|`\w+`", " ", item).split()
        columns.append(DocColumn(
            name=name.group(1),
            type=next((word for word in bare if word in DOC_TYPES), None),
            primary_key="PK" in bare,
            unique="UNIQUE" in bare,
            nullable="NULL" in bare,
            closed_set=tuple(v.strip() for v in closed.group(1).split(",")) if closed else (),
            note=note.group(1) if note else "",
        ))
    return columns


@pytest.fixture(scope="module")
def documented() -> dict[str, list[DocColumn]]:
    if not CONTRACT_DOC.exists():
        pytest.skip(f"the contract document is not beside the repository at {CONTRACT_DOC}")
    rows = re.findall(r"^\| `(\w+)` \| [^|]+ \| (.+) \|$", CONTRACT_DOC.read_text(), flags=re.MULTILINE)
    return {table: parse_columns(cell) for table, cell in rows}


def test_the_same_sixteen_tables_in_the_same_order(documented):
    assert len(documented) == 16
    assert list(contract.tables()) == list(documented)


@pytest.mark.parametrize("table", list(contract.tables()))
def test_same_columns_in_the_same_order(documented, table):
    assert contract.table(table).column_names == tuple(c.name for c in documented[table])


@pytest.mark.parametrize("table", list(contract.tables()))
def test_same_keys_and_nullability(documented, table):
    spec = contract.table(table)
    doc = documented[table]
    assert spec.primary_key == next((c.name for c in doc if c.primary_key), KEYS_FROM_GRAIN.get(table))
    assert spec.unique == tuple(c.name for c in doc if c.unique)
    assert [c.name for c in spec.columns if c.nullable and c.name != spec.primary_key] == \
        [c.name for c in doc if c.nullable]


@pytest.mark.parametrize("table", list(contract.tables()))
def test_stated_types_agree(documented, table):
    for doc_column in documented[table]:
        if doc_column.type:
            assert contract.table(table).column(doc_column.name).type in DOC_TYPES[doc_column.type], doc_column


def test_documented_closed_sets_are_the_checkers_or_left_free_on_purpose(documented):
    free = {"segment", "industry", "region", "plan", "channel", "acquisition_channel", "category", "team",
            "service_model"}
    in_doc = {(t, c.name): c.closed_set for t, cols in documented.items() for c in cols if c.closed_set}
    assert {key: in_doc[key] for key in CLOSED_SETS} == CLOSED_SETS
    assert {column for (_, column) in in_doc.keys() - CLOSED_SETS.keys()} <= free


def test_survey_scales_are_the_documented_ones(documented):
    [score] = [c for c in documented["survey_responses"] if c.name == "score"]
    scales = {kind: (int(lo), int(hi)) for kind, lo, hi in re.findall(r"(\w+) (\d+)–(\d+)", score.note)}
    assert scales == SURVEY_SCALES


@pytest.mark.parametrize("fk", contract.FOREIGN_KEYS, ids=lambda fk: f"{fk.table}.{fk.column}")
def test_every_foreign_key_names_real_columns_and_a_primary_key(fk):
    contract.table(fk.table).column(fk.column)
    assert contract.table(fk.ref_table).primary_key == fk.ref_column


@pytest.mark.parametrize("table", list(GRAINS))
def test_every_grain_names_real_columns_of_a_table_without_primary_key(table):
    spec = contract.table(table)
    assert spec.primary_key is None
    for column in GRAINS[table]:
        spec.column(column)
