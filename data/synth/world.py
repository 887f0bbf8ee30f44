"""Accounts, CSMs and the month-by-month latent state every other table is drawn from.

Each account carries three hidden quantities per month:
- engagement (0–1): how much its people use the product; drives activity, adoption,
  NPS and the usage part of health;
- friction (0–1): how much trouble it has; drives ticket volume, urgency and backlog;
- fill: users deployed ÷ seats bought; drives expansion (fill near or above 1) and
  contraction (fill well below 1) at renewal.
Churn is decided at each contract anniversary from the same quantities (low usage,
detractor sentiment, slow time to value, unresolved trouble), so the tables agree with
each other the way real CS data does. The planted stories of data/README.md are
applied here and in the modules that draw rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import calendar as cal
from .names import (
    BRAND_ENDS, BRAND_MIDDLES, BRAND_STARTS, FIRST_NAMES, INDUSTRIES, LAST_NAMES, NAME_PREFIXES,
    NAME_ROOTS, NAME_SUFFIXES, REGIONS,
)

SMB, MID, ENT = 0, 1, 2
LOW_TOUCH, POOLED, NAMED = 0, 1, 2
ONBOARDING, RETENTION, GROWTH, POOLED_TEAM = 0, 1, 2, 3
EMEA = REGIONS.index("EMEA")

PRICE_PER_SEAT = np.array([25.0, 45.0, 70.0, 110.0])  # by plan, per month
PLATFORM_FEE = np.array([0.0, 99.0, 500.0, 2000.0])  # by plan, per month
MEDIAN_TTV_DAYS = np.array([21.0, 38.0, 62.0])  # by segment

# Story (a): accounts signed in this quarter hit integration trouble.
SLOW_COHORT = (np.datetime64("2025-04-01"), np.datetime64("2025-07-01"))
# Story (b): this region × segment contracts and churns over the last two quarters.
DECLINE_SEGMENT, DECLINE_REGION = MID, EMEA
DECLINE_MONTHS = cal.month_index(np.array(["2026-04-01", "2026-09-01"], dtype="datetime64[D]"))


def nps_latent(engagement, friction, relationship):
    """The score (0–10 scale, before noise) a respondent at this account would give."""
    return 8.0 + 5.0 * (engagement - 0.5) - 3.5 * (friction - 0.25) + 0.9 * relationship


def rng_for(seed: int, step: str) -> np.random.Generator:
    """An independent random stream per generation step, so steps don't shift each other."""
    return np.random.default_rng([seed, *step.encode()])


@dataclass
class Csms:
    ids: np.ndarray
    names: np.ndarray
    emails: np.ndarray
    team: np.ndarray
    region: np.ndarray
    hired_on: np.ndarray


@dataclass
class Stories:
    """Which accounts and CSM carry each planted story (see data/README.md)."""

    slow_cohort: np.ndarray  # bool per account, story (a)
    declining: np.ndarray  # bool per account, story (b)
    falling_enterprise: np.ndarray  # account indices, story (c)
    expansion_ready: np.ndarray  # account indices, story (d)
    dropping_csm: int  # CSM index, story (e)
    dropping_book: np.ndarray  # that CSM's live accounts


@dataclass
class World:
    seed: int
    n: int
    ids: np.ndarray
    names: np.ndarray
    segment: np.ndarray
    region: np.ndarray
    industry: np.ndarray
    plan: np.ndarray
    service_model: np.ndarray
    channel: np.ndarray
    contract_start: np.ndarray  # datetime64[D]
    start_month: np.ndarray  # index into calendar.MONTHS
    ttv_days: np.ndarray  # days to first value; NaN where the account stalled
    relationship: np.ndarray  # latent executive/NPS relationship, ~N(0, 1)
    late_payer: np.ndarray  # probability an invoice is late in a given week
    csm: np.ndarray  # CSM index, -1 for none
    csms: Csms
    # month × account state, shape (n, N_MONTHS)
    alive: np.ndarray
    engagement: np.ndarray
    friction: np.ndarray
    seats: np.ndarray
    users: np.ndarray
    mrr: np.ndarray
    churned_on: np.ndarray  # datetime64[D], NaT if active
    renewals: list[tuple[int, int, bool]]  # (account, anniversary month, churned there)
    stories: Stories | None = None

    @property
    def seats_now(self) -> np.ndarray:
        """Seats bought at as-of; for a churned account, the seats it had when it left."""
        return self.seats[:, -1].astype(np.int64)


def _choice_by_row(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One categorical draw per row of a probability matrix."""
    cumulative = probs.cumsum(axis=1)
    draws = rng.random(len(probs))[:, None]
    return np.minimum((draws > cumulative).sum(axis=1), probs.shape[1] - 1)


def _brands() -> list[str]:
    """Every distinct brand word: the real-looking prefixes, then syllable-made ones."""
    made = {f"{a}{b}{c}".capitalize() for a in BRAND_STARTS for b in BRAND_MIDDLES for c in BRAND_ENDS}
    return list(NAME_PREFIXES) + sorted(made - set(NAME_PREFIXES))


def _account_names(rng: np.random.Generator, n: int) -> np.ndarray:
    """Unique names whose first word (the brand) is unique too, e.g. "Acme Corp"."""
    brands = _brands()
    if n > len(brands):
        raise ValueError(f"at most {len(brands)} unique account names; asked for {n}")
    # The first account is always Acme Corp, so questions like "Acme's health" mean someone.
    picks = np.concatenate([[0], 1 + rng.choice(len(brands) - 1, size=n - 1, replace=False)])
    root = rng.integers(len(NAME_ROOTS), size=n)
    suffix = rng.integers(len(NAME_SUFFIXES), size=n)
    names = [f"{brands[b]} {NAME_ROOTS[r]} {NAME_SUFFIXES[s]}" for b, r, s in zip(picks, root, suffix)]
    names[0] = "Acme Corp"
    return np.array(names, dtype=object)


def _make_csms(rng: np.random.Generator, n_accounts: int) -> Csms:
    count = max(8, n_accounts // 50)
    team = np.concatenate([
        np.full(max(1, round(count * 0.12)), ONBOARDING),
        np.full(max(2, round(count * 0.40)), RETENTION),
        np.full(max(1, round(count * 0.25)), GROWTH),
    ])
    team = np.concatenate([team, np.full(max(1, count - len(team)), POOLED_TEAM)])
    count = len(team)
    region = _choice_by_row(rng, np.tile([0.45, 0.30, 0.15, 0.10], (count, 1)))
    # Every region has at least one Retention and one Pooled CSM, so books match regions.
    for r in range(len(REGIONS)):
        for t in (RETENTION, POOLED_TEAM):
            members = np.flatnonzero(team == t)
            if not np.any(region[members] == r):
                counts = np.bincount(region[members], minlength=len(REGIONS))
                donor = members[region[members] == counts.argmax()][0]
                region[donor] = r
    # Distinct first and last names while there are enough, so "Maria's book" is one book.
    first = rng.permutation(len(FIRST_NAMES))[np.arange(count) % len(FIRST_NAMES)]
    last = rng.permutation(len(LAST_NAMES))[(np.arange(count) + np.arange(count) // len(LAST_NAMES)) % len(LAST_NAMES)]
    names = np.array([f"{FIRST_NAMES[f]} {LAST_NAMES[l]}" for f, l in zip(first, last)], dtype=object)
    # "Maria's book" must mean someone: a Retention CSM is Maria Gonzalez.
    if not any(name.startswith("Maria ") for name in names):
        names[np.flatnonzero(team == RETENTION)[0]] = "Maria Gonzalez"
    emails = np.array([name.lower().replace(" ", ".") + "@example-saas.com" for name in names], dtype=object)
    hired_on = np.datetime64("2018-06-01") + rng.integers(0, 365 * 7, size=count)
    ids = np.array([f"C{i + 1:03d}" for i in range(count)], dtype=object)
    return Csms(ids, names, emails, team, region, hired_on)


def _assign_csms(rng: np.random.Generator, csms: Csms, service_model, region, segment, contract_start, churned_on) -> np.ndarray:
    """Named accounts go to Retention or Growth, new named/pooled ones to Onboarding,
    pooled ones to the Pooled team; low-touch accounts have no CSM. Same region when possible."""
    n = len(service_model)
    csm = np.full(n, -1, dtype=np.int64)
    recent = contract_start > cal.AS_OF - 120
    team_for = np.where(service_model == POOLED, POOLED_TEAM, np.where(rng.random(n) < 0.35, GROWTH, RETENTION))
    team_for = np.where(recent & (service_model != LOW_TOUCH), ONBOARDING, team_for)
    for i in np.flatnonzero(service_model != LOW_TOUCH):
        candidates = np.flatnonzero((csms.team == team_for[i]) & (csms.region == region[i]))
        if len(candidates) == 0:
            candidates = np.flatnonzero(csms.team == team_for[i])
        csm[i] = candidates[rng.integers(len(candidates))]
    return csm


def build_world(seed: int, n_accounts: int) -> World:
    """Draw the accounts and CSMs and simulate every month from SIM_START to AS_OF."""
    rng = rng_for(seed, "accounts")
    n = n_accounts
    segment = rng.choice(3, size=n, p=[0.55, 0.32, 0.13])
    region = rng.choice(4, size=n, p=[0.45, 0.30, 0.15, 0.10])
    industry = rng.integers(len(INDUSTRIES), size=n)
    plan = _choice_by_row(rng, np.array([[0.60, 0.35, 0.05, 0.0], [0.0, 0.40, 0.50, 0.10], [0.0, 0.0, 0.25, 0.75]])[segment])
    service_model = _choice_by_row(rng, np.array([[0.90, 0.10, 0.0], [0.0, 0.60, 0.40], [0.0, 0.0, 1.0]])[segment])
    channel = _choice_by_row(rng, np.array([
        [0.30, 0.05, 0.05, 0.30, 0.30],  # SMB: inbound, self-serve and trials
        [0.35, 0.30, 0.15, 0.05, 0.15],
        [0.20, 0.50, 0.30, 0.0, 0.0],
    ])[segment])
    # Signups grow ~2.5% a month; the last signups land two weeks before as-of.
    weights = 1.025 ** np.arange(cal.N_MONTHS)
    start_month = rng.choice(cal.N_MONTHS, size=n, p=weights / weights.sum())
    contract_start = cal.month_start(start_month) + (rng.random(n) * cal.days_in_month(start_month)).astype(np.int64)
    contract_start = np.minimum(contract_start, cal.AS_OF - 14)
    start_month = cal.month_index(contract_start)

    slow_cohort = (contract_start >= SLOW_COHORT[0]) & (contract_start < SLOW_COHORT[1])
    ttv = np.exp(np.log(MEDIAN_TTV_DAYS[segment]) + rng.normal(0, 0.4, n))
    ttv = np.where(slow_cohort, ttv * 2.0, ttv)
    stalled = rng.random(n) < 0.03  # never reach first value
    ttv = np.where(stalled, np.nan, np.round(ttv))

    seats0 = np.round(np.exp(np.log(np.array([6.0, 30.0, 120.0])[segment]) + rng.normal(0, 0.45, n))).astype(np.int64)
    seats0 = np.maximum(seats0, np.array([2, 10, 40])[segment])
    discount = rng.uniform(0.8, 1.0, n)
    relationship = rng.normal(0, 1, n)
    late_payer = np.where(rng.random(n) < 0.1, rng.uniform(0.1, 0.4, n), 0.01)

    slow = np.nan_to_num(ttv, nan=200.0) > 60
    base_engagement = np.clip(rng.beta(3.5, 2.3, n) - 0.12 * slow - 0.2 * stalled + np.array([-0.03, 0.0, 0.03])[segment], 0.05, 0.95)
    base_friction = np.clip(rng.beta(2, 7, n) + 0.1 * slow_cohort, 0.0, 0.95)
    declining = (segment == DECLINE_SEGMENT) & (region == DECLINE_REGION)

    sim = _simulate(
        rng_for(seed, "months"), n, segment, start_month, contract_start, ttv, base_engagement,
        base_friction, relationship, seats0, declining, slow_cohort,
    )
    alive, engagement, friction, seats, fill, churned_on, renewals = sim
    users = np.where(alive, np.maximum(1, np.round(seats * fill)), 0).astype(np.int64)
    mrr = np.where(alive, np.round(seats * PRICE_PER_SEAT[plan][:, None] * discount[:, None] + PLATFORM_FEE[plan][:, None], 2), 0.0)

    csms = _make_csms(rng_for(seed, "csms"), n)
    csm = _assign_csms(rng_for(seed, "assignment"), csms, service_model, region, segment, contract_start, churned_on)
    world = World(
        seed=seed, n=n, ids=np.array([f"A{i + 1:05d}" for i in range(n)], dtype=object),
        names=_account_names(rng_for(seed, "names"), n), segment=segment, region=region,
        industry=industry, plan=plan, service_model=service_model, channel=channel,
        contract_start=contract_start, start_month=start_month, ttv_days=ttv,
        relationship=relationship, late_payer=late_payer, csm=csm, csms=csms, alive=alive,
        engagement=engagement, friction=friction, seats=seats, users=users, mrr=mrr,
        churned_on=churned_on, renewals=renewals,
    )
    world.stories = _plant_stories(rng_for(seed, "stories"), world, slow_cohort, declining)
    return world


def _simulate(rng, n, segment, start_month, contract_start, ttv, base_e, base_f, relationship, seats0, declining, slow_cohort):
    months = cal.N_MONTHS
    alive = np.zeros((n, months), dtype=bool)
    engagement = np.zeros((n, months))
    friction = np.zeros((n, months))
    seats = np.zeros((n, months), dtype=np.int64)
    fill = np.zeros((n, months))
    churned_on = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    active = np.zeros(n, dtype=bool)
    ever_churned = np.zeros(n, dtype=bool)
    e = np.full(n, 0.35)
    f = base_f.copy()
    f_recent = base_f.copy()  # trouble of the last few months, which customers remember at renewal
    s = seats0.astype(float)
    fl = np.full(n, 0.5)
    ttv_filled = np.nan_to_num(ttv, nan=365.0)
    norm_ttv = MEDIAN_TTV_DAYS[segment]
    # Anniversary churn odds by segment (annual logo churn about 20% SMB, 10% MM, 5% Ent).
    churn_base = np.array([-2.2, -2.9, -3.7])[segment]
    renewal_rows: list[tuple[int, int, bool]] = []
    for m in range(months):
        starting = (start_month == m) & ~ever_churned
        e[starting], fl[starting], f[starting] = 0.35, 0.5, base_f[starting] + 0.1
        s[starting] = seats0[starting]
        active |= starting
        age_days = (cal.month_start(m) - contract_start).astype(np.int64) + 15
        ramp = np.clip(0.45 + 0.55 * age_days / (ttv_filled + 30), 0.45, 1.0)
        e = np.clip(e + 0.35 * (base_e * ramp - e) + rng.normal(0, 0.05, n), 0.02, 0.98)
        shock = (rng.random(n) < 0.03) * rng.uniform(0.2, 0.5, n)
        onboarding_trouble = 0.25 * slow_cohort * (age_days < 150)
        f = np.clip(f + 0.2 * (base_f - f) + shock + onboarding_trouble * 0.4, 0.0, 0.98)
        f_recent = 0.5 * f_recent + 0.5 * f
        # Engaged accounts deploy more of their seats, and then more people than they bought.
        fl = np.clip(fl + 0.15 * (0.4 + 0.8 * e - fl) + rng.normal(0, 0.03, n), 0.25, 1.12)

        in_decline = declining & (DECLINE_MONTHS[0] <= m) & (m <= DECLINE_MONTHS[1])
        decline_step = np.clip(m - DECLINE_MONTHS[0], 0, 5) / 5  # 0 in April … 1 in September

        anniversary = active & (start_month < m) & ((m - start_month) % 12 == 0)
        detractor = nps_latent(e, f, relationship) < 6.5
        # Slow onboarding, judged against the segment's norm (Enterprise always takes longer).
        slow_ttv = 0.5 * (ttv_filled > 1.5 * norm_ttv) + 0.5 * (ttv_filled > 2 * norm_ttv)
        logit = churn_base + 5.0 * (0.55 - e) + 4.0 * (f_recent - 0.25) + slow_ttv + 0.9 * detractor
        churn_at_renewal = anniversary & (rng.random(n) < 1 / (1 + np.exp(-logit)))
        # Self-serve SMB and the declining region also churn mid-term.
        hazard = np.where(segment == SMB, 0.002 * np.exp(2 * (0.5 - e)), 0.0) + in_decline * (0.008 + 0.02 * decline_step)
        churn_mid = active & ~anniversary & (rng.random(n) < hazard) & (start_month < m)
        churning = churn_at_renewal | churn_mid

        anniversary_day = cal.add_months(contract_start, m - start_month)
        mid_day = cal.month_start(m) + (rng.random(n) * cal.days_in_month(m)).astype(np.int64)
        churned_on = np.where(churning, np.where(churn_at_renewal, anniversary_day, mid_day), churned_on)
        renewing = anniversary & ~churn_at_renewal

        # Seat changes: at renewal, expand when the seats are full and usage is strong, shrink
        # when half empty; mid-term upsells for accounts bursting out of their seats.
        grow = renewing & (fl > 0.88) & (e > 0.5) & ~in_decline
        shrink = renewing & (fl < 0.6)
        upsell = active & ~anniversary & (fl > 0.95) & (e > 0.55) & (rng.random(n) < 0.35) & ~in_decline
        contract = active & ~anniversary & in_decline & (rng.random(n) < 0.04 + 0.1 * decline_step)
        factor = np.ones(n)
        factor = np.where(grow, rng.uniform(1.1, 1.5, n), factor)
        factor = np.where(upsell, rng.uniform(1.1, 1.4, n), factor)
        factor = np.where(shrink, rng.uniform(0.6, 0.9, n), factor)
        factor = np.where(contract, rng.uniform(0.65, 0.9, n), factor)
        new_s = np.maximum(1, np.round(s * factor))
        fl = np.clip(fl * s / new_s, 0.25, 1.12)
        s = new_s

        renewal_rows += [(i, m, bool(churn_at_renewal[i])) for i in np.flatnonzero(anniversary)]
        active &= ~churning
        ever_churned |= churning
        alive[:, m] = active
        engagement[:, m], friction[:, m], seats[:, m], fill[:, m] = e, f, s, fl
    return alive, engagement, friction, seats, fill, churned_on, renewal_rows


def _plant_stories(rng: np.random.Generator, world: World, slow_cohort: np.ndarray, declining: np.ndarray) -> Stories:
    alive_now = world.alive[:, -1]
    taken = slow_cohort | declining
    recent = world.contract_start > cal.AS_OF - 365
    # (e) the Retention CSM with the largest live book (other than Maria, whose book is the
    # example in the docs) loses health in the last month.
    retention = np.flatnonzero(world.csms.team == RETENTION)
    book_sizes = np.array([np.sum(alive_now & (world.csm == c) & ~taken) for c in retention])
    not_maria = np.array([not world.csms.names[c].startswith("Maria ") for c in retention])
    dropping_csm = int(retention[np.argmax(np.where(not_maria, book_sizes, -1))])
    book = np.flatnonzero(alive_now & (world.csm == dropping_csm))
    taken = taken | np.isin(np.arange(world.n), book)

    # (c) a dozen live Enterprise accounts lose active users and pile up urgent tickets.
    candidates = np.flatnonzero(alive_now & (world.segment == ENT) & ~taken & ~recent & (world.engagement[:, -4] > 0.5))
    falling = np.sort(rng.choice(candidates, size=min(12, len(candidates)), replace=False))
    taken[falling] = True

    # (d) accounts bursting out of their seats with rising usage: expansion-ready.
    candidates = np.flatnonzero(alive_now & (world.segment != SMB) & ~taken & ~recent & (world.engagement[:, -1] > 0.55))
    ready = np.sort(rng.choice(candidates, size=min(max(6, world.n // 60), len(candidates)), replace=False))

    # Usage rises for the expansion-ready: more users than seats, and engagement up.
    world.users[ready, -4:] = np.ceil(world.seats[ready, -4:] * np.linspace(1.05, 1.3, 4)).astype(np.int64)
    world.engagement[ready, -4:] = np.clip(world.engagement[ready, -4:] + np.linspace(0.05, 0.25, 4), 0, 0.98)
    # The falling accounts' trouble shows in support too.
    world.friction[falling, -3:] = np.maximum(world.friction[falling, -3:], np.linspace(0.5, 0.8, 3))
    world.friction[book, -1] = np.maximum(world.friction[book, -1], 0.85)
    return Stories(slow_cohort=slow_cohort, declining=declining, falling_enterprise=falling,
                   expansion_ready=ready, dropping_csm=dropping_csm, dropping_book=book)


def activity_multiplier(world: World, accounts: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Day-level multiplier on each account's activity for the planted stories, shape (len(accounts), len(days))."""
    stories = world.stories
    out = np.ones((len(accounts), len(days)))
    falling = np.isin(accounts, stories.falling_enterprise)
    # (c): from August on, activity slides to under half by as-of.
    start = np.datetime64("2026-08-01")
    slide = np.clip((days - start).astype(np.int64) / (cal.AS_OF - start).astype(np.int64), 0, 1)
    out[falling] *= 1 - 0.6 * slide
    # (e): the whole book goes quiet in the last month.
    dropping = np.isin(accounts, stories.dropping_book)
    out[dropping] *= np.where(days >= np.datetime64("2026-10-01"), 0.35, 1.0)
    return out
