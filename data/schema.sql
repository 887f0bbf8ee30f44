-- The customer-success warehouse contract (../shared/warehouse-contract.md) as DDL.
-- One CREATE TABLE per contract table, in dependency order. data/contract.py parses this
-- file, so it is the single source of table and column names for the generator, the
-- loader and the checker. Keep it in step with the contract document (tests compare them).

CREATE TABLE csms (
    csm_id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    email VARCHAR NOT NULL,
    team VARCHAR NOT NULL,                 -- Onboarding, Retention, Growth, Pooled
    region VARCHAR NOT NULL,
    hired_on DATE NOT NULL
);

CREATE TABLE accounts (
    account_id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL UNIQUE,
    segment VARCHAR NOT NULL,              -- SMB, Mid-Market, Enterprise
    industry VARCHAR NOT NULL,
    region VARCHAR NOT NULL,               -- North America, EMEA, APAC, LATAM
    plan VARCHAR NOT NULL,                 -- Starter, Growth, Business, Enterprise
    service_model VARCHAR NOT NULL,        -- low-touch, pooled, named
    csm_id VARCHAR,                        -- NULL for accounts without an assigned CSM
    acquisition_channel VARCHAR NOT NULL,  -- inbound, outbound, partner, self-serve, trial
    contract_start DATE NOT NULL,
    churned_on DATE,
    seats_purchased INTEGER NOT NULL
);

CREATE TABLE account_mrr_monthly (
    account_id VARCHAR NOT NULL,
    month DATE NOT NULL,                   -- first day of the month; a missing row means zero MRR
    mrr DECIMAL(14, 2) NOT NULL
);

CREATE TABLE users (
    user_id VARCHAR PRIMARY KEY,
    account_id VARCHAR NOT NULL,
    role VARCHAR NOT NULL,                 -- admin, member, viewer, executive
    created_on DATE NOT NULL,
    deactivated_on DATE
);

CREATE TABLE user_activity_daily (
    user_id VARCHAR NOT NULL,
    account_id VARCHAR NOT NULL,
    activity_date DATE NOT NULL,
    sessions INTEGER NOT NULL,
    minutes_active INTEGER NOT NULL,
    core_actions INTEGER NOT NULL
);

CREATE TABLE features (
    feature VARCHAR PRIMARY KEY,
    is_key_feature BOOLEAN NOT NULL,
    description VARCHAR NOT NULL
);

CREATE TABLE feature_usage_daily (
    account_id VARCHAR NOT NULL,
    user_id VARCHAR NOT NULL,
    activity_date DATE NOT NULL,
    feature VARCHAR NOT NULL,
    events INTEGER NOT NULL
);

CREATE TABLE tickets (
    ticket_id VARCHAR PRIMARY KEY,
    account_id VARCHAR NOT NULL,
    user_id VARCHAR,
    opened_at TIMESTAMP NOT NULL,
    first_response_at TIMESTAMP,
    resolved_at TIMESTAMP,
    channel VARCHAR NOT NULL,              -- email, chat, phone, portal
    category VARCHAR NOT NULL,             -- bug, how-to, billing, integration, performance, feature-request, access
    priority VARCHAR NOT NULL,             -- low, normal, high, urgent
    contacts_to_resolve INTEGER,           -- 1 = resolved on first contact; NULL while unresolved
    status VARCHAR NOT NULL                -- open, pending, resolved
);

CREATE TABLE survey_responses (
    response_id VARCHAR PRIMARY KEY,
    account_id VARCHAR NOT NULL,
    user_id VARCHAR,
    survey_type VARCHAR NOT NULL,          -- nps, csat, ces
    score INTEGER NOT NULL,                -- nps 0-10, csat 1-5, ces 1-7
    responded_at TIMESTAMP NOT NULL,
    touchpoint VARCHAR NOT NULL,           -- relationship, onboarding, support, qbr, training
    ticket_id VARCHAR,
    comment VARCHAR
);

CREATE TABLE health_scores_weekly (
    account_id VARCHAR NOT NULL,
    week_start DATE NOT NULL,              -- Monday
    health_score DOUBLE NOT NULL,          -- 0-100
    usage_score DOUBLE NOT NULL,
    support_score DOUBLE NOT NULL,
    engagement_score DOUBLE NOT NULL,
    payment_score DOUBLE NOT NULL,
    executive_score DOUBLE NOT NULL
);

CREATE TABLE renewals (
    renewal_id VARCHAR PRIMARY KEY,
    account_id VARCHAR NOT NULL,
    term_end DATE NOT NULL,
    arr_up_for_renewal DECIMAL(14, 2) NOT NULL,
    outcome VARCHAR NOT NULL,              -- renewed, churned, pending
    renewed_arr DECIMAL(14, 2),
    closed_on DATE
);

CREATE TABLE onboarding_milestones (
    account_id VARCHAR NOT NULL,
    milestone VARCHAR NOT NULL,            -- kickoff, admin_setup, integration, training, first_value
    due_on DATE NOT NULL,
    completed_on DATE
);

CREATE TABLE meetings (
    meeting_id VARCHAR PRIMARY KEY,
    account_id VARCHAR NOT NULL,
    csm_id VARCHAR NOT NULL,
    meeting_date DATE NOT NULL,
    meeting_type VARCHAR NOT NULL,         -- qbr, check-in, training, executive-review
    executive_attended BOOLEAN NOT NULL
);

CREATE TABLE trials (
    trial_id VARCHAR PRIMARY KEY,
    started_on DATE NOT NULL,
    converted_on DATE,
    account_id VARCHAR,                    -- set once converted
    channel VARCHAR NOT NULL,
    segment VARCHAR NOT NULL
);

CREATE TABLE spend_monthly (
    month DATE NOT NULL,
    department VARCHAR NOT NULL,           -- customer_success, sales, marketing
    amount DECIMAL(14, 2) NOT NULL
);

CREATE TABLE warehouse_meta (
    key VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);
