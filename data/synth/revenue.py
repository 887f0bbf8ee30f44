"""Rows for the CRM and billing tables: csms, accounts, MRR, renewals, trials, spend."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from . import calendar as cal
from .names import CHANNELS, DEPARTMENTS, INDUSTRIES, PLANS, REGIONS, SEGMENTS, SERVICE_MODELS, TEAMS, TRIAL_CHANNELS
from .world import World, rng_for


def labels(values: np.ndarray, names: tuple[str, ...]) -> pa.Array:
    """Closed-set codes as a dictionary-encoded string column (cheap for millions of rows)."""
    return pa.DictionaryArray.from_arrays(pa.array(values.astype(np.int32)), pa.array(names))


def ids(index: np.ndarray, dictionary: np.ndarray) -> pa.Array:
    """Row indices into an id list as a dictionary-encoded string column; -1 is NULL."""
    index = np.asarray(index)
    mask = index < 0
    return pa.DictionaryArray.from_arrays(
        pa.array(np.where(mask, 0, index).astype(np.int32), mask=mask), pa.array(dictionary.tolist(), pa.string())
    )


def dates(values: np.ndarray) -> pa.Array:
    values = np.asarray(values, dtype="datetime64[D]")
    return pa.array(values, pa.date32(), mask=np.isnat(values))


def money(values: np.ndarray) -> pa.Array:
    return pa.array(np.round(np.asarray(values, dtype=float), 2), pa.float64())


def csms_table(world: World) -> pa.Table:
    c = world.csms
    return pa.table({
        "csm_id": pa.array(c.ids.tolist()), "name": pa.array(c.names.tolist()),
        "email": pa.array(c.emails.tolist()), "team": labels(c.team, TEAMS),
        "region": labels(c.region, REGIONS), "hired_on": dates(c.hired_on),
    })


def accounts_table(world: World) -> pa.Table:
    return pa.table({
        "account_id": pa.array(world.ids.tolist()), "name": pa.array(world.names.tolist()),
        "segment": labels(world.segment, SEGMENTS), "industry": labels(world.industry, INDUSTRIES),
        "region": labels(world.region, REGIONS), "plan": labels(world.plan, PLANS),
        "service_model": labels(world.service_model, SERVICE_MODELS),
        "csm_id": ids(world.csm, world.csms.ids), "acquisition_channel": labels(world.channel, CHANNELS),
        "contract_start": dates(world.contract_start), "churned_on": dates(world.churned_on),
        "seats_purchased": pa.array(world.seats_now.astype(np.int32)),
    })


def mrr_table(world: World) -> pa.Table:
    window = world.mrr[:, cal.WINDOW_START_INDEX:]
    account, month = np.nonzero(window > 0)
    return pa.table({
        "account_id": ids(account, world.ids),
        "month": dates(cal.month_start(month + cal.WINDOW_START_INDEX)),
        "mrr": money(window[account, month]),
    })


def renewals_table(world: World) -> pa.Table:
    """One row per contract term ending: every past anniversary, and the next one ahead."""
    rng = rng_for(world.seed, "renewals")
    rows = np.array(world.renewals, dtype=np.int64).reshape(-1, 3)
    account, month, churned = rows[:, 0], rows[:, 1], rows[:, 2].astype(bool)
    years = (month - world.start_month[account]) // 12
    term_end = cal.add_months(world.contract_start[account], 12 * years) - 1
    arr_up = 12 * world.mrr[account, month - 1]
    renewed_arr = np.where(churned, np.nan, 12 * world.mrr[account, month])
    lead = rng.integers(0, 45, len(account))
    closed_on = np.where(churned, term_end - rng.integers(-3, 20, len(account)), term_end - lead)
    closed_on = np.minimum(closed_on, cal.AS_OF)
    outcome = np.where(churned, 1, 0)  # 0 renewed, 1 churned, 2 pending
    # A renewal that just came due may still be open in the CRM.
    recent = (term_end > cal.AS_OF - 21) & ~churned & (rng.random(len(account)) < 0.5)
    outcome = np.where(recent, 2, outcome)
    renewed_arr = np.where(recent, np.nan, renewed_arr)
    closed_on = np.where(recent, np.datetime64("NaT"), closed_on)

    # The term running at as-of, for every live account.
    live = np.flatnonzero(world.alive[:, -1])
    years_ahead = (cal.N_MONTHS - 1 - world.start_month[live]) // 12 + 1
    next_end = cal.add_months(world.contract_start[live], 12 * years_ahead) - 1
    next_end = np.where(next_end <= cal.AS_OF, cal.add_months(next_end + 1, 12) - 1, next_end)
    next_arr = 12 * world.mrr[live, -1]
    early = (next_end <= cal.AS_OF + 30) & (rng.random(len(live)) < 0.3)
    next_closed = np.where(early, cal.AS_OF - rng.integers(0, 20, len(live)), np.datetime64("NaT"))

    account = np.concatenate([account, live])
    order = np.lexsort((np.concatenate([term_end, next_end]), account))
    term_end = np.concatenate([term_end, next_end])[order]
    table = {
        "renewal_id": pa.array([f"R{i + 1:06d}" for i in range(len(order))]),
        "account_id": ids(account[order], world.ids),
        "term_end": dates(term_end),
        "arr_up_for_renewal": money(np.concatenate([arr_up, next_arr])[order]),
        "outcome": labels(np.concatenate([outcome, np.where(early, 0, 2)])[order], ("renewed", "churned", "pending")),
        "renewed_arr": pa.array(np.concatenate([renewed_arr, np.where(early, next_arr, np.nan)])[order], pa.float64(), from_pandas=True),
        "closed_on": dates(np.concatenate([closed_on, next_closed])[order]),
    }
    return pa.table(table)


# Trial conversion rates by segment: low-touch B2B 15-25%, mid-market and enterprise lower.
TRIAL_CONVERSION = np.array([0.19, 0.12, 0.08])


def trials_table(world: World) -> pa.Table:
    rng = rng_for(world.seed, "trials")
    converted = np.flatnonzero(world.channel == CHANNELS.index("trial"))
    conv_start = world.contract_start[converted] - rng.integers(7, 31, len(converted))
    # Trials that did not convert, in proportion, over the same months.
    lost_per = rng.poisson(1 / TRIAL_CONVERSION[world.segment[converted]] - 1)
    source = np.repeat(np.arange(len(converted)), lost_per)
    lost_start = world.contract_start[converted][source] - rng.integers(0, 60, len(source))
    started = np.concatenate([conv_start, lost_start])
    account = np.concatenate([converted, np.full(len(source), -1)])
    segment = np.concatenate([world.segment[converted], world.segment[converted][source]])
    converted_on = np.concatenate([world.contract_start[converted], np.full(len(source), np.datetime64("NaT"), "datetime64[D]")])
    channel = rng.choice(len(TRIAL_CHANNELS), size=len(started), p=[0.45, 0.30, 0.15, 0.10])
    order = np.lexsort((account, started))
    return pa.table({
        "trial_id": pa.array([f"T{i + 1:06d}" for i in range(len(order))]),
        "started_on": dates(started[order]),
        "converted_on": dates(converted_on[order]),
        "account_id": ids(account[order], world.ids),
        "channel": labels(channel[order], TRIAL_CHANNELS),
        "segment": labels(segment[order], SEGMENTS),
    })


def spend_table(world: World) -> pa.Table:
    """Monthly spend by department; sales and marketing follow new logos, CS follows the base."""
    rng = rng_for(world.seed, "spend")
    months = np.arange(cal.WINDOW_START_INDEX, cal.N_MONTHS)
    customers = world.alive[:, months].sum(axis=0)
    new = np.array([np.sum(world.start_month == m) for m in months])
    size = world.n / 1500
    noise = rng.uniform(0.92, 1.08, (3, len(months)))
    cs = customers * 55.0 * noise[0]
    sales = (new * 5200.0 + 60000 * size) * noise[1]
    marketing = (new * 3100.0 + 35000 * size) * noise[2]
    amount = np.stack([cs, sales, marketing], axis=1).ravel()
    return pa.table({
        "month": dates(np.repeat(cal.month_start(months), 3)),
        "department": labels(np.tile(np.arange(3), len(months)), DEPARTMENTS),
        "amount": money(amount),
    })
