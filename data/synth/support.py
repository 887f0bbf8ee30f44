"""Rows for the help desk and survey tables: tickets, NPS, CSAT and CES responses."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from . import calendar as cal
from .names import CATEGORIES, DETRACTOR_COMMENTS, PRIORITIES, PROMOTER_COMMENTS, TICKET_CHANNELS
from .revenue import dates, ids, labels
from .usage import Users
from .world import NAMED, World, nps_latent, rng_for

BUG, HOWTO, BILLING, INTEGRATION, PERFORMANCE, FEATURE_REQUEST, ACCESS = range(7)
LOW, NORMAL, HIGH, URGENT = range(4)
TICKETS_PER_MONTH = np.array([0.5, 1.3, 3.2])  # by segment, at average friction
FIRST_RESPONSE_HOURS = np.array([14.0, 6.0, 2.0, 0.6])  # median by priority
RESOLUTION_HOURS = np.array([72.0, 40.0, 20.0, 9.0])  # median by priority
CATEGORY_EFFORT = np.array([1.6, 1.0, 1.0, 2.2, 1.5, 3.0, 1.0])  # resolution time multiplier
COMPLEX = np.isin(np.arange(7), [BUG, INTEGRATION, PERFORMANCE])
END_OF_DATA = (cal.AS_OF + 1).astype("datetime64[s]")
HOUR = np.timedelta64(3600, "s")


@dataclass
class Tickets:
    account: np.ndarray
    user: np.ndarray
    opened_at: np.ndarray  # datetime64[s]
    first_response_at: np.ndarray
    resolved_at: np.ndarray
    channel: np.ndarray
    category: np.ndarray
    priority: np.ndarray
    contacts: np.ndarray  # -1 while unresolved
    status: np.ndarray  # 0 open, 1 pending, 2 resolved
    ids: np.ndarray


def _hours(values: np.ndarray) -> np.ndarray:
    return (values * 3600).astype("timedelta64[s]")


def _random_user(rng, world: World, users: Users, account: np.ndarray, month: np.ndarray) -> np.ndarray:
    """A user of each account present in that month (slot order), by index into users."""
    offsets = np.concatenate([[0], np.cumsum(world.users.max(axis=1))])[:-1]
    present = np.maximum(world.users[account, month], 1)
    return offsets[account] + (rng.random(len(account)) * present).astype(np.int64)


def build_tickets(world: World, users: Users) -> Tickets:
    rng = rng_for(world.seed, "tickets")
    months = np.arange(cal.WINDOW_START_INDEX, cal.N_MONTHS)
    f = world.friction[:, months]
    age_days = (cal.month_start(months)[None, :] - world.contract_start[:, None]).astype(np.int64)
    onboarding = (age_days >= -31) & (age_days < 90)
    slow = world.stories.slow_cohort[:, None] & (age_days >= -31) & (age_days < 150)
    rate = TICKETS_PER_MONTH[world.segment][:, None] * (0.4 + 2.4 * f) * (1 + 0.5 * onboarding) * (1 + 1.0 * slow)
    counts = rng.poisson(rate * world.alive[:, months])
    account, month_pos = np.nonzero(counts)
    reps = counts[account, month_pos]
    account, month = np.repeat(account, reps), np.repeat(months[month_pos], reps)
    n = len(account)
    friction = world.friction[account, month]

    first = cal.month_start(month).astype("datetime64[s]")
    span = np.minimum(cal.days_in_month(month), (cal.AS_OF + 1 - cal.month_start(month)).astype(np.int64))
    opened = first + (rng.random(n) * span * 86400).astype("timedelta64[s]")
    # Planted: the falling Enterprise accounts (story c) each have 1-3 unresolved high/urgent tickets.
    falling = world.stories.falling_enterprise
    extra = 1 + rng.integers(0, 3, len(falling))
    f_account = np.repeat(falling, extra)
    f_opened = (cal.AS_OF - rng.integers(2, 45, len(f_account))).astype("datetime64[s]") + rng.integers(8, 18, len(f_account)) * HOUR
    account = np.concatenate([account, f_account])
    month = np.concatenate([month, cal.month_index(f_opened.astype("datetime64[D]"))])
    opened = np.concatenate([opened, f_opened])
    friction = np.concatenate([friction, np.full(len(f_account), 0.8)])
    planted = np.concatenate([np.zeros(n, bool), np.ones(len(f_account), bool)])
    n = len(account)

    age = (cal.month_start(month) - world.contract_start[account]).astype(np.int64)
    in_slow = world.stories.slow_cohort[account] & (age < 150)
    probs = np.tile([0.20, 0.25, 0.10, 0.10, 0.08, 0.17, 0.10], (n, 1))
    probs[:, BUG] += 0.25 * friction
    probs[:, PERFORMANCE] += 0.15 * friction
    probs[:, HOWTO] += 0.25 * (age < 90)
    probs[:, INTEGRATION] += 0.15 * (age < 90) + 0.8 * in_slow
    probs /= probs.sum(axis=1, keepdims=True)
    category = (rng.random(n)[:, None] > probs.cumsum(axis=1)).sum(axis=1)
    category = np.where(planted, np.where(rng.random(n) < 0.5, BUG, PERFORMANCE), category)
    p_urgent, p_high = 0.02 + 0.15 * friction, 0.08 + 0.25 * friction
    draw = rng.random(n)
    priority = np.where(draw < p_urgent, URGENT, np.where(draw < p_urgent + p_high, HIGH, np.where(draw < p_urgent + p_high + 0.25, LOW, NORMAL)))
    priority = np.where(planted, np.where(rng.random(n) < 0.5, URGENT, HIGH), priority)
    channel = rng.choice(4, size=n, p=[0.40, 0.30, 0.10, 0.20])

    response = np.exp(np.log(FIRST_RESPONSE_HOURS[priority]) + rng.normal(0, 0.8, n))
    resolution = np.exp(np.log(RESOLUTION_HOURS[priority] * CATEGORY_EFFORT[category] * (0.5 + 2 * friction)) + rng.normal(0, 0.9, n))
    resolution = np.maximum(resolution, response + 0.25)
    first_response = opened + _hours(response)
    resolved_at = opened + _hours(resolution)
    stuck = (rng.random(n) < 0.01 + 0.2 * friction**2) | planted
    resolved = (resolved_at < END_OF_DATA) & ~stuck
    responded = first_response < END_OF_DATA
    first_response = np.where(responded, first_response, np.datetime64("NaT"))
    resolved_at = np.where(resolved, resolved_at, np.datetime64("NaT"))
    status = np.where(resolved, 2, np.where(responded & (rng.random(n) < 0.35), 1, 0))
    first_contact = rng.random(n) < 0.89 - 0.15 * COMPLEX[category] - 0.15 * friction
    contacts = np.where(resolved, np.where(first_contact, 1, 2 + rng.poisson(0.7, n)), -1)

    user = _random_user(rng, world, users, account, month)
    user = np.where((rng.random(n) < 0.1) | (users.created_on[user].astype("datetime64[s]") > opened), -1, user)
    order = np.argsort(opened, kind="stable")
    pick = lambda a: a[order]  # noqa: E731 - same permutation for every column
    return Tickets(
        account=pick(account), user=pick(user), opened_at=pick(opened), first_response_at=pick(first_response),
        resolved_at=pick(resolved_at), channel=pick(channel), category=pick(category), priority=pick(priority),
        contacts=pick(contacts), status=pick(status), ids=np.array([f"K{i + 1:07d}" for i in range(n)], dtype=object),
    )


def _timestamps(values: np.ndarray) -> pa.Array:
    values = np.asarray(values, dtype="datetime64[s]")
    return pa.array(values, pa.timestamp("s"), mask=np.isnat(values))


def tickets_table(world: World, users: Users, t: Tickets) -> pa.Table:
    return pa.table({
        "ticket_id": pa.array(t.ids.tolist()),
        "account_id": ids(t.account, world.ids),
        "user_id": ids(t.user, users.ids),
        "opened_at": _timestamps(t.opened_at),
        "first_response_at": _timestamps(t.first_response_at),
        "resolved_at": _timestamps(t.resolved_at),
        "channel": labels(t.channel, TICKET_CHANNELS),
        "category": labels(t.category, CATEGORIES),
        "priority": labels(t.priority, PRIORITIES),
        "contacts_to_resolve": pa.array(t.contacts.astype(np.int32), mask=t.contacts < 0),
        "status": labels(t.status, ("open", "pending", "resolved")),
    })


NPS, CSAT, CES = range(3)
RELATIONSHIP, ONBOARDING, SUPPORT, QBR, TRAINING = range(5)


def survey_table(world: World, users: Users, t: Tickets, training_done: np.ndarray) -> pa.Table:
    """NPS twice a year per account, CSAT and CES after support tickets, CSAT after training.

    `training_done` is each account's training-milestone completion date (NaT if none)."""
    rng = rng_for(world.seed, "surveys")
    parts = []

    # Relationship NPS, twice a year, more respondents at bigger accounts.
    months = np.arange(cal.WINDOW_START_INDEX, cal.N_MONTHS)
    phase = rng.integers(0, 6, world.n)
    due = ((months[None, :] + phase[:, None]) % 6 == 0) & world.alive[:, months]
    account, pos = np.nonzero(due)
    reps = 1 + rng.poisson(np.array([0.4, 1.5, 3.0])[world.segment[account]])
    account, month = np.repeat(account, reps), np.repeat(months[pos], reps)
    e, f = world.engagement[account, month], world.friction[account, month]
    latent = nps_latent(e, f, world.relationship[account])
    score = np.clip(np.round(latent + rng.normal(0, 1.5, len(account))), 0, 10).astype(np.int64)
    span = np.minimum(cal.days_in_month(month), (cal.AS_OF + 1 - cal.month_start(month)).astype(np.int64))
    when = cal.month_start(month).astype("datetime64[s]") + (rng.random(len(account)) * span * 86400).astype("timedelta64[s]")
    touch = np.where((world.service_model[account] == NAMED) & (rng.random(len(account)) < 0.25), QBR, RELATIONSHIP)
    theme = np.where(rng.random(len(account)) < f, rng.choice([BUG, PERFORMANCE, INTEGRATION], len(account)), rng.integers(0, 7, len(account)))
    comment = np.full(len(account), None, dtype=object)
    detractor = (score <= 6) & (rng.random(len(account)) < 0.6)
    comment[detractor] = [DETRACTOR_COMMENTS[c] for c in np.array(CATEGORIES)[theme[detractor]]]
    promoter = (score >= 9) & (rng.random(len(account)) < 0.3)
    comment[promoter] = np.array(PROMOTER_COMMENTS, dtype=object)[rng.integers(0, len(PROMOTER_COMMENTS), promoter.sum())]
    parts.append((account, _random_user(rng, world, users, account, month), NPS, score, when, touch, np.full(len(account), -1), comment))

    # CSAT (35%) and CES (20%) after resolved tickets; slow or multi-contact tickets score lower.
    resolved = np.flatnonzero(t.status == 2)
    hours = (t.resolved_at[resolved] - t.opened_at[resolved]).astype(np.int64) / 3600
    friction = world.friction[t.account[resolved], cal.month_index(t.opened_at[resolved].astype("datetime64[D]"))]
    repeat = t.contacts[resolved] > 1
    for kind, share, scale, base in ((CSAT, 0.35, (1, 5), 5.1), (CES, 0.20, (1, 7), 6.3)):
        take = rng.random(len(resolved)) < share
        rows = resolved[take]
        penalty = (1.0 if kind == CSAT else 1.3) * repeat[take] + 0.6 * (hours[take] > 72) + 1.0 * friction[take]
        score = np.clip(np.round(base - penalty + rng.normal(0, 0.8 if kind == CSAT else 1.0, len(rows))), *scale).astype(np.int64)
        when = t.resolved_at[rows] + (rng.uniform(0.5, 48, len(rows)) * 3600).astype("timedelta64[s]")
        keep = when < END_OF_DATA
        rows, score, when = rows[keep], score[keep], when[keep]
        parts.append((t.account[rows], t.user[rows], kind, score, when, np.full(len(rows), SUPPORT), rows, np.full(len(rows), None, dtype=object)))

    # CSAT after onboarding training, lower where time to value drags.
    trained = np.flatnonzero(~np.isnat(training_done) & (training_done >= cal.WINDOW_START) & (rng.random(world.n) < 0.6))
    slow = np.nan_to_num(world.ttv_days[trained], nan=200) > 60
    score = np.clip(np.round(4.5 - 1.2 * slow + rng.normal(0, 0.7, len(trained))), 1, 5).astype(np.int64)
    when = training_done[trained].astype("datetime64[s]") + (rng.uniform(1, 72, len(trained)) * 3600).astype("timedelta64[s]")
    keep = when < END_OF_DATA
    trained, score, when = trained[keep], score[keep], when[keep]
    month = cal.month_index(when.astype("datetime64[D]"))
    parts.append((trained, _random_user(rng, world, users, trained, month), CSAT, score, when, np.full(len(trained), TRAINING), np.full(len(trained), -1), np.full(len(trained), None, dtype=object)))

    account = np.concatenate([p[0] for p in parts])
    user = np.concatenate([p[1] for p in parts])
    kind = np.concatenate([np.full(len(p[0]), p[2]) for p in parts])
    score = np.concatenate([p[3] for p in parts])
    when = np.concatenate([p[4] for p in parts])
    touch = np.concatenate([p[5] for p in parts])
    ticket = np.concatenate([p[6] for p in parts])
    comment = np.concatenate([p[7] for p in parts])
    # A respondent must exist when they answer; otherwise the response is anonymous.
    user = np.where((user >= 0) & (users.created_on[np.maximum(user, 0)].astype("datetime64[s]") <= when), user, -1)
    order = np.lexsort((account, when))
    return pa.table({
        "response_id": pa.array([f"S{i + 1:07d}" for i in range(len(order))]),
        "account_id": ids(account[order], world.ids),
        "user_id": ids(user[order], users.ids),
        "survey_type": labels(kind[order], ("nps", "csat", "ces")),
        "score": pa.array(score[order].astype(np.int32)),
        "responded_at": _timestamps(when[order]),
        "touchpoint": labels(touch[order], ("relationship", "onboarding", "support", "qbr", "training")),
        "ticket_id": ids(ticket[order], t.ids),
        "comment": pa.array(comment[order].tolist(), pa.string()),
    })
