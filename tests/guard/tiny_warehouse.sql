-- A hand-made warehouse for the guard, RLS and runner tests: three CSMs, seven accounts.
-- c1 owns a1 a2 a3; c2 owns a4 a5; c3 owns a6; a7 has no CSM.
-- Tickets per account: a1 2, a2 1, a3 0, a4 3, a5 1, a6 2, a7 1  (c1: 3, c2: 4, c3: 2; all: 10)
-- MRR in 2026-10: a1 100, a2 200, a3 300, a4 1000, a5 50, a6 400, a7 7  (c1: 600, c2: 1050, c3: 400)
INSERT INTO csms VALUES
    ('c1', 'Ana Silva', 'ana@example.com', 'Retention', 'EMEA', DATE '2022-01-10'),
    ('c2', 'Ben Okoro', 'ben@example.com', 'Growth', 'North America', DATE '2023-03-01'),
    ('c3', 'Chloé Martin', 'chloe@example.com', 'Onboarding', 'APAC', DATE '2024-06-15');
INSERT INTO accounts VALUES
    ('a1', 'Acme', 'SMB', 'Retail', 'EMEA', 'Starter', 'pooled', 'c1', 'inbound', DATE '2024-01-01', NULL, 10),
    ('a2', 'Birch', 'Mid-Market', 'Finance', 'EMEA', 'Growth', 'named', 'c1', 'outbound', DATE '2024-02-01', NULL, 50),
    ('a3', 'Cobalt', 'Enterprise', 'Health', 'EMEA', 'Enterprise', 'named', 'c1', 'partner', DATE '2023-05-01', NULL, 300),
    ('a4', 'Dune', 'Enterprise', 'Retail', 'North America', 'Enterprise', 'named', 'c2', 'trial', DATE '2022-09-01', NULL, 500),
    ('a5', 'Ember', 'SMB', 'Media', 'North America', 'Starter', 'low-touch', 'c2', 'self-serve', DATE '2025-01-01', NULL, 5),
    ('a6', 'Fjord', 'Mid-Market', 'Finance', 'APAC', 'Business', 'named', 'c3', 'inbound', DATE '2024-11-01', NULL, 80),
    ('a7', 'Gale', 'SMB', 'Retail', 'LATAM', 'Starter', 'low-touch', NULL, 'self-serve', DATE '2025-06-01', NULL, 3);
INSERT INTO account_mrr_monthly VALUES
    ('a1', DATE '2026-10-01', 100), ('a2', DATE '2026-10-01', 200), ('a3', DATE '2026-10-01', 300),
    ('a4', DATE '2026-10-01', 1000), ('a5', DATE '2026-10-01', 50), ('a6', DATE '2026-10-01', 400),
    ('a7', DATE '2026-10-01', 7), ('a1', DATE '2026-09-01', 90), ('a4', DATE '2026-09-01', 900);
INSERT INTO tickets VALUES
    ('t1', 'a1', NULL, TIMESTAMP '2026-10-01 09:00', NULL, NULL, 'email', 'bug', 'high', NULL, 'open'),
    ('t2', 'a1', NULL, TIMESTAMP '2026-10-02 09:00', NULL, NULL, 'chat', 'how-to', 'low', NULL, 'open'),
    ('t3', 'a2', NULL, TIMESTAMP '2026-10-03 09:00', NULL, NULL, 'email', 'billing', 'normal', NULL, 'open'),
    ('t4', 'a4', NULL, TIMESTAMP '2026-10-04 09:00', NULL, NULL, 'phone', 'bug', 'urgent', NULL, 'open'),
    ('t5', 'a4', NULL, TIMESTAMP '2026-10-05 09:00', NULL, NULL, 'portal', 'access', 'low', NULL, 'open'),
    ('t6', 'a4', NULL, TIMESTAMP '2026-10-06 09:00', NULL, NULL, 'email', 'bug', 'normal', NULL, 'open'),
    ('t7', 'a5', NULL, TIMESTAMP '2026-10-07 09:00', NULL, NULL, 'chat', 'bug', 'normal', NULL, 'open'),
    ('t8', 'a6', NULL, TIMESTAMP '2026-10-08 09:00', NULL, NULL, 'email', 'integration', 'high', NULL, 'open'),
    ('t9', 'a6', NULL, TIMESTAMP '2026-10-09 09:00', NULL, NULL, 'email', 'bug', 'low', NULL, 'open'),
    ('t10', 'a7', NULL, TIMESTAMP '2026-10-10 09:00', NULL, NULL, 'chat', 'bug', 'low', NULL, 'open');
INSERT INTO meetings VALUES
    ('m1', 'a1', 'c1', DATE '2026-10-01', 'qbr', TRUE),
    ('m2', 'a4', 'c2', DATE '2026-10-02', 'check-in', FALSE),
    ('m3', 'a4', 'c1', DATE '2026-10-03', 'training', FALSE);
INSERT INTO trials VALUES
    ('tr1', DATE '2026-01-01', DATE '2026-02-01', 'a5', 'self-serve', 'SMB'),
    ('tr2', DATE '2026-03-01', NULL, NULL, 'self-serve', 'SMB'),
    ('tr3', DATE '2026-04-01', DATE '2026-05-01', 'a1', 'inbound', 'SMB');
INSERT INTO features VALUES ('reports', TRUE, 'Reporting'), ('export', FALSE, 'Export');
INSERT INTO spend_monthly VALUES (DATE '2026-10-01', 'customer_success', 50000), (DATE '2026-10-01', 'sales', 90000);
INSERT INTO warehouse_meta VALUES ('as_of_date', '2026-10-31'), ('seed', '0');
