"""Indexed dimension values are read from the data."""

from __future__ import annotations

from semantic_layer.catalog import default_catalog
from semantic_layer.entities import indexed_dimensions, values_query


def test_values_come_from_the_data_without_nulls(con):
    con.execute("""
        INSERT INTO csms VALUES ('C1', 'Dana Lee', 'd@x', 'Retention', 'EMEA', DATE '2024-01-01');
        INSERT INTO accounts VALUES
          ('A1', 'Acme', 'Strategic', 'Software', 'EMEA', 'Growth', 'named', 'C1', 'inbound', DATE '2025-01-01', NULL, 5),
          ('A2', 'Zenith', 'Long tail', 'Retail', 'EMEA', 'Growth', 'named', NULL, 'inbound', DATE '2025-01-01', NULL, 5),
          ('A3', 'Borealis', 'Strategic', 'Retail', 'EMEA', 'Growth', 'named', NULL, 'inbound', DATE '2025-01-01', NULL, 5);
    """)
    catalog = default_catalog()
    values = {d.name: [v for (v,) in con.execute(values_query(d).sql("duckdb")).fetchall()] for d in indexed_dimensions(catalog)}
    assert values["segment"] == ["Long tail", "Strategic"]  # a user's own labels, not the generator's
    assert values["account_name"] == ["Acme", "Borealis", "Zenith"]
    assert values["csm_name"] == ["Dana Lee"]
    assert values["ticket_category"] == []
