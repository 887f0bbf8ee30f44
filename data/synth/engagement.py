"""Rows for the CS platform's tables: onboarding milestones and CS meetings."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from . import calendar as cal
from .names import MEETING_TYPES, MILESTONES
from .revenue import dates, ids, labels
from .world import ENT, LOW_TOUCH, NAMED, World, rng_for

# Share of the time to first value at which each milestone completes, and planned days.
MILESTONE_SHARE = np.array([0.07, 0.25, 0.60, 0.80, 1.00])
SLOW_COHORT_SHARE = np.array([0.05, 0.15, 0.85, 0.92, 1.00])  # story (a): integration eats the time
PLANNED_DAYS = np.array([5, 14, 30, 40, 45])
PLAN_STRETCH = np.array([1.0, 1.3, 2.0])  # by segment


def onboarding_milestones(world: World) -> tuple[pa.Table, np.ndarray]:
    """Milestone rows, and each account's training completion date (for training CSAT)."""
    rng = rng_for(world.seed, "onboarding")
    n = world.n
    stalled = np.isnan(world.ttv_days)
    ttv = np.where(stalled, 0, world.ttv_days)
    share = np.where(world.stories.slow_cohort[:, None], SLOW_COHORT_SHARE, MILESTONE_SHARE)
    jitter = np.clip(rng.normal(1.0, 0.08, (n, 5)), 0.8, 1.2)
    jitter[:, -1] = 1.0  # first_value is exactly the time to value
    offsets = np.maximum.accumulate(np.round(share * ttv[:, None] * jitter), axis=1).astype(np.int64)
    # Stalled accounts set up their admin and stop at integration.
    offsets = np.where(stalled[:, None], np.array([3, 12, 10**6, 10**6, 10**6]), offsets)
    completed = world.contract_start[:, None] + np.minimum(offsets, 10**5)
    churned = np.where(np.isnat(world.churned_on), cal.AS_OF + 1, world.churned_on)
    done = (offsets < 10**5) & (completed <= cal.AS_OF) & (completed < churned[:, None])
    completed = np.where(done, completed, np.datetime64("NaT"))
    due = world.contract_start[:, None] + np.round(PLANNED_DAYS[None, :] * PLAN_STRETCH[world.segment][:, None]).astype(np.int64)
    return pa.table({
        "account_id": ids(np.repeat(np.arange(n), 5), world.ids),
        "milestone": labels(np.tile(np.arange(5), n), MILESTONES),
        "due_on": dates(due.ravel()),
        "completed_on": dates(completed.ravel()),
    }), completed[:, 3]


QBR, CHECK_IN, TRAINING, EXEC_REVIEW = range(4)


def meetings_table(world: World) -> pa.Table:
    """Check-ins, QBRs, trainings and executive reviews for accounts that have a CSM."""
    rng = rng_for(world.seed, "meetings")
    months = np.arange(cal.WINDOW_START_INDEX, cal.N_MONTHS)
    alive = world.alive[:, months] & (world.csm >= 0)[:, None]
    named = (world.service_model == NAMED)[:, None]
    age = months[None, :] - world.start_month[:, None]
    shape = alive.shape
    draws = {
        CHECK_IN: alive & (rng.random(shape) < np.where(named, 0.65, 0.3)),
        QBR: alive & (age > 0) & (age % np.where(named, 3, 6) == 0) & (rng.random(shape) < np.where(named, 0.9, 0.7)),
        TRAINING: alive & (age >= 0) & (age < 3) & (rng.random(shape) < np.where(named, 0.7, 0.5)),
        EXEC_REVIEW: alive & (world.segment == ENT)[:, None] & (age > 0) & (age % 12 == 10) & (rng.random(shape) < 0.8),
    }
    # Story (e): the dropping book's QBRs are cancelled in the last month.
    last = np.zeros(shape, bool)
    last[world.stories.dropping_book, -1] = True
    draws[QBR] &= ~(last & (rng.random(shape) < 0.7))
    draws[EXEC_REVIEW] &= ~last

    account, month, kind = [], [], []
    for meeting_type, mask in draws.items():
        a, pos = np.nonzero(mask)
        account.append(a)
        month.append(months[pos])
        kind.append(np.full(len(a), meeting_type))
    account, month, kind = np.concatenate(account), np.concatenate(month), np.concatenate(kind)
    span = np.minimum(cal.days_in_month(month), (cal.AS_OF + 1 - cal.month_start(month)).astype(np.int64))
    day = cal.month_start(month) + (rng.random(len(account)) * span).astype(np.int64)
    day = np.maximum(day, world.contract_start[account])
    churned = np.where(np.isnat(world.churned_on[account]), cal.AS_OF + 1, world.churned_on[account])
    keep = day < churned
    account, kind, day = account[keep], kind[keep], day[keep]

    relationship = world.relationship[account] + 0.5 * (world.segment[account] == ENT)
    p_exec = np.select([kind == QBR, kind == EXEC_REVIEW], [1 / (1 + np.exp(-(0.2 + relationship))), 0.85], 0.04)
    in_drop = np.isin(account, world.stories.dropping_book) & (day >= np.datetime64("2026-10-01"))
    executive = (rng.random(len(account)) < p_exec) & ~in_drop
    order = np.lexsort((kind, account, day))
    assert np.all(world.service_model[account] != LOW_TOUCH)
    return pa.table({
        "meeting_id": pa.array([f"M{i + 1:06d}" for i in range(len(order))]),
        "account_id": ids(account[order], world.ids),
        "csm_id": ids(world.csm[account[order]], world.csms.ids),
        "meeting_date": dates(day[order]),
        "meeting_type": labels(kind[order], MEETING_TYPES),
        "executive_attended": pa.array(executive[order]),
    })
