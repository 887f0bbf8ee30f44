"""The generator's calendar: one fixed as-of date, months and days as numpy arrays."""

from __future__ import annotations

import numpy as np

AS_OF = np.datetime64("2026-10-31", "D")
# Accounts sign from this month on; the warehouse holds the last WINDOW_MONTHS of history.
SIM_START = np.datetime64("2021-01", "M")
WINDOW_MONTHS = 36

MONTHS = np.arange(SIM_START, AS_OF.astype("datetime64[M]") + 1)  # every simulated month
N_MONTHS = len(MONTHS)
WINDOW_START_INDEX = N_MONTHS - WINDOW_MONTHS
WINDOW_START = MONTHS[WINDOW_START_INDEX].astype("datetime64[D]")
DAYS = np.arange(WINDOW_START, AS_OF + 1)  # every day with activity data


def month_index(dates: np.ndarray) -> np.ndarray:
    """Index into MONTHS of each date."""
    return (dates.astype("datetime64[M]") - SIM_START).astype(np.int64)


def month_start(index: np.ndarray | int) -> np.ndarray:
    return (SIM_START + np.asarray(index)).astype("datetime64[D]")


def days_in_month(index: np.ndarray | int) -> np.ndarray:
    start = SIM_START + np.asarray(index)
    return ((start + 1).astype("datetime64[D]") - start.astype("datetime64[D]")).astype(np.int64)


def add_months(dates: np.ndarray, months: np.ndarray | int) -> np.ndarray:
    """The same day of the month `months` later, clipped to the month's last day."""
    day = (dates - dates.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64)
    target = dates.astype("datetime64[M]") + np.asarray(months)
    length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(np.int64)
    return target.astype("datetime64[D]") + np.minimum(day, length - 1)


def weekday(dates: np.ndarray) -> np.ndarray:
    """0 = Monday … 6 = Sunday."""
    return ((dates - np.datetime64("1970-01-05", "D")).astype(np.int64)) % 7
