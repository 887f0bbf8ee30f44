"""The customer-success warehouse: its contract, a synthetic generator, a loader and a checker."""
