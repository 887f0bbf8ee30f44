"""Rows for the product-analytics tables: users, daily activity, daily feature usage.

Users are "seat slots": slot k of an account exists in every month where the account
deploys more than k users, so user counts follow the simulated fill of seats. A user is
active on a day with a probability set by their own propensity, their role, the
account's engagement that month, the weekday, the season and the planted stories.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from . import calendar as cal
from .names import FEATURES, ROLES
from .revenue import dates, ids, labels
from .world import SMB, World, activity_multiplier, rng_for

ADMIN, MEMBER, VIEWER, EXECUTIVE = range(4)
ROLE_PROPENSITY = np.array([1.2, 1.0, 0.5, 0.35])
# Usage dips in August and over the year-end holidays.
MONTH_SEASON = np.array([1.02, 1.03, 1.03, 1.0, 1.0, 0.97, 0.93, 0.85, 1.0, 1.03, 1.02, 0.88])
WEEKDAY_FACTOR = np.array([1.0, 1.02, 1.02, 1.0, 0.92, 0.12, 0.08])


@dataclass
class Users:
    account: np.ndarray  # account index per user
    slot: np.ndarray
    role: np.ndarray
    propensity: np.ndarray
    created_on: np.ndarray
    deactivated_on: np.ndarray
    first_month: np.ndarray
    last_month: np.ndarray  # last month present; N_MONTHS-1 if still there
    quit_on: np.ndarray  # story (c): the day a user silently stops using the product, else NaT
    ids: np.ndarray


def build_users(world: World) -> Users:
    rng = rng_for(world.seed, "users")
    slots = world.users.max(axis=1)
    account = np.repeat(np.arange(world.n), slots)
    slot = np.arange(len(account)) - np.repeat(np.cumsum(slots) - slots, slots)
    present = slot[:, None] < world.users[account]  # (users, months)
    first_month = present.argmax(axis=1)
    last_month = cal.N_MONTHS - 1 - present[:, ::-1].argmax(axis=1)

    start = world.contract_start[account]
    in_first = first_month == world.start_month[account]
    created = np.where(
        in_first,
        start + rng.integers(0, 10, len(account)) * (slot > 0),
        cal.month_start(first_month) + (rng.random(len(account)) * cal.days_in_month(first_month)).astype(np.int64),
    )
    created = np.minimum(created, cal.AS_OF)
    gone = last_month < cal.N_MONTHS - 1
    churn_day = world.churned_on[account]
    left = cal.month_start(last_month + 1) + (rng.random(len(account)) * cal.days_in_month(np.minimum(last_month + 1, cal.N_MONTHS - 1))).astype(np.int64)
    churned_then = ~np.isnat(churn_day) & (cal.month_index(np.where(np.isnat(churn_day), cal.AS_OF, churn_day)) == last_month + 1)
    deactivated = np.where(gone, np.where(churned_then, churn_day, left), np.datetime64("NaT"))
    deactivated = np.where(gone, np.maximum(deactivated, created + 1), deactivated)

    segment = world.segment[account]
    role = rng.choice(4, size=len(account), p=[0.06, 0.68, 0.22, 0.04])
    role = np.where(slot == 0, ADMIN, role)
    exec_slot = (slot == 1) & ((segment != SMB) | (rng.random(len(account)) < 0.5))
    role = np.where(exec_slot, EXECUTIVE, role)
    propensity = np.clip(rng.beta(2.5, 2.0, len(account)) * ROLE_PROPENSITY[role], 0.02, 0.95)
    # Story (c): most users of the falling Enterprise accounts stop logging in from August on.
    quitting = np.isin(account, world.stories.falling_enterprise) & (rng.random(len(account)) < 0.6)
    quit_on = np.full(len(account), np.datetime64("NaT"), dtype="datetime64[D]")
    quit_on[quitting] = np.datetime64("2026-08-01") + rng.integers(0, 85, quitting.sum())
    user_ids = np.array([f"U{i + 1:07d}" for i in range(len(account))], dtype=object)
    return Users(account, slot, role, propensity, created, deactivated, first_month, last_month, quit_on, user_ids)


def users_table(world: World, users: Users) -> pa.Table:
    return pa.table({
        "user_id": pa.array(users.ids.tolist()),
        "account_id": ids(users.account, world.ids),
        "role": labels(users.role, ROLES),
        "created_on": dates(users.created_on),
        "deactivated_on": dates(users.deactivated_on),
    })


def adoption(world: World) -> np.ndarray:
    """Which features each account has adopted, shape (accounts, features)."""
    rng = rng_for(world.seed, "adoption")
    base = np.array([0.95, 0.85, 0.6, 0.5, 0.8, 0.55, 0.3, 0.45, 0.6, 0.35, 0.5, 0.3])
    breadth = np.clip(world.engagement[:, -12:].mean(axis=1) + 0.1 * world.plan / 3, 0, 1)[:, None]
    adopted = rng.random((world.n, len(FEATURES))) < base[None, :] * (0.35 + 0.8 * breadth)
    adopted[:, 0] = True  # every account uses dashboards
    adopted[world.stories.expansion_ready] = True
    return adopted


def activity_chunks(world: World, users: Users) -> Iterator[tuple[pa.Table, pa.Table]]:
    """(user_activity_daily, feature_usage_daily) rows, one month at a time."""
    rng = rng_for(world.seed, "activity")
    adopted = adoption(world)
    use_rate = np.array([f[3] for f in FEATURES])
    feature_names = np.array([f[0] for f in FEATURES], dtype=object)
    for m in range(cal.WINDOW_START_INDEX, cal.N_MONTHS):
        first = cal.month_start(m)
        days = np.arange(first, min(first + cal.days_in_month(m), cal.AS_OF + 1))
        present = np.flatnonzero((users.slot < world.users[users.account, m]) & (users.first_month <= m))
        account = users.account[present]
        engagement = world.engagement[account, m]
        prob = (
            users.propensity[present, None] * (0.05 + 1.5 * engagement[:, None])
            * WEEKDAY_FACTOR[cal.weekday(days)][None, :] * MONTH_SEASON[cal.MONTHS[m].astype(np.int64) % 12]
        )
        boosted = np.isin(account, np.concatenate([world.stories.falling_enterprise, world.stories.dropping_book]))
        if boosted.any():
            prob[boosted] *= activity_multiplier(world, account[boosted], days)
        until = np.where(np.isnat(users.deactivated_on[present]), users.quit_on[present],
                         np.fmin(users.deactivated_on[present], users.quit_on[present]))
        alive_day = (days[None, :] >= users.created_on[present, None]) & (np.isnat(until)[:, None] | (days[None, :] < until[:, None]))
        active = (rng.random(prob.shape) < np.minimum(prob, 0.97)) & alive_day
        row, col = np.nonzero(active)
        user = present[row]
        e = engagement[row]
        sessions = 1 + rng.poisson(0.6 + 1.4 * e)
        minutes = np.maximum(1, np.round(sessions * rng.gamma(2.0, 6.0 + 10.0 * e))).astype(np.int64)
        core = rng.poisson(sessions * (2.0 + 8.0 * e))
        activity = pa.table({
            "user_id": ids(user, users.ids),
            "account_id": ids(users.account[user], world.ids),
            "activity_date": dates(days[col]),
            "sessions": pa.array(sessions.astype(np.int32)),
            "minutes_active": pa.array(minutes.astype(np.int32)),
            "core_actions": pa.array(core.astype(np.int32)),
        })
        # Each adopted feature is used on an active day with its own rate, more by engaged users.
        uses = adopted[users.account[user]] & (rng.random((len(user), len(FEATURES))) < use_rate[None, :] * (0.5 + e[:, None]))
        urow, feature = np.nonzero(uses)
        events = 1 + rng.poisson(1.5 + 3.0 * e[urow])
        features = pa.table({
            "account_id": ids(users.account[user[urow]], world.ids),
            "user_id": ids(user[urow], users.ids),
            "activity_date": dates(days[col[urow]]),
            "feature": ids(feature, feature_names),
            "events": pa.array(events.astype(np.int32)),
        })
        yield activity, features


def features_table() -> pa.Table:
    return pa.table({
        "feature": pa.array([f[0] for f in FEATURES]),
        "is_key_feature": pa.array([f[1] for f in FEATURES]),
        "description": pa.array([f[2] for f in FEATURES]),
    })

