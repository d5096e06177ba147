-- The benchmark's "hub's writes alone" (scripts/bench.sh): what PostgreSQL spends on the writes the money rules
-- ask of a settled payout, with no hub, no HTTP and no provider. One pgbench transaction script carries 32 payouts
-- (hub.dispatch.max-group) through the hub's own tables, indexes and state machine trigger, as the hub's group
-- commits do at their best, one statement a group:
--   accepted: the rows and their ACCEPTED events, committed (before the 202);
--   claimed:  rows locked, moved to SUBMITTED with their events, committed (before the provider call);
--   settled:  rows locked, the call's request, response and outcome events, the move to SUCCEEDED with its
--             events, committed.
-- Bodies of about the sizes the hub stores for a Monnify payout. Rows are the client 'hub-writes' (they stay in
-- the benchmark's database, which every run makes anew). Payments/s = pgbench's tps x 32.
\set base random(1, 1000000000000)
BEGIN;
WITH input AS (SELECT 'hub-writes-' || :base || '-' || g AS id, g AS n FROM generate_series(1, 32) g),
stored AS (INSERT INTO payments (id, client_id, message_id, content_hash, operation, provider, status, amount_value,
                                 amount_currency, provider_reference, message, next_poll_at)
           SELECT id, 'hub-writes', id, repeat('a', 64), 'PAYOUT', 'monnify', 'ACCEPTED', 2500.00, 'NGN', 'HUB' || upper(id),
                  jsonb_build_object('messageId', id, 'operation', 'PAYOUT', 'narration', repeat('x', 200)),
                  now() + interval '30 seconds'
           FROM input ORDER BY n ON CONFLICT (client_id, message_id) DO NOTHING RETURNING id),
event AS (INSERT INTO payment_events (payment_id, type, actor, status_to, detail)
          SELECT id, 'ACCEPTED', 'client:hub-writes', 'ACCEPTED', jsonb_build_object('note', repeat('x', 100)) FROM stored)
SELECT count(*) FROM stored;
COMMIT;
BEGIN;
WITH ids AS (SELECT ARRAY(SELECT 'hub-writes-' || :base || '-' || g FROM generate_series(1, 32) g) AS ids),
locked AS MATERIALIZED (SELECT id AS locked_id, status AS was FROM payments, ids WHERE id = ANY(ids.ids) ORDER BY id FOR UPDATE),
moved AS (UPDATE payments SET status = 'SUBMITTED', status_reason = 'sent to monnify', reason_code = NULL, updated_at = now(),
              send_attempts = send_attempts + 1, last_sent_at = now(), next_poll_at = now() + interval '2 minutes',
              last_outcome = NULL
          FROM ids, locked WHERE id = ANY(ids.ids) AND id = locked_id AND was = 'ACCEPTED' RETURNING id),
event AS (INSERT INTO payment_events (payment_id, type, actor, status_from, status_to, detail)
          SELECT id, 'STATUS_CHANGED', 'hub', 'ACCEPTED', 'SUBMITTED', '{"reason": "sent to monnify"}'::jsonb FROM moved)
SELECT count(*) FROM moved;
COMMIT;
BEGIN;
WITH ids AS (SELECT ARRAY(SELECT 'hub-writes-' || :base || '-' || g FROM generate_series(1, 32) g) AS ids),
locked AS MATERIALIZED (SELECT id AS locked_id, status AS was FROM payments, ids WHERE id = ANY(ids.ids) ORDER BY id FOR UPDATE),
calls AS (INSERT INTO payment_events (payment_id, type, actor, detail)
          SELECT locked_id, t.type, t.actor, jsonb_build_object('body', repeat('x', t.size))
          FROM locked, (VALUES (1, 'PROVIDER_REQUEST', 'hub', 340), (2, 'PROVIDER_RESPONSE', 'monnify', 430),
                               (3, 'SEND_OUTCOME', 'hub', 150)) t(n, type, actor, size) ORDER BY locked_id, t.n),
moved AS (UPDATE payments SET status = 'SUCCEEDED', status_reason = 'monnify reports SUCCESS', reason_code = NULL,
              provider_transaction_id = 'MFDS' || id, result = '{"status": "SUCCESS"}'::jsonb, last_outcome = 'STATUS',
              last_sent_at = GREATEST(last_sent_at, now()), updated_at = now()
          FROM ids, locked WHERE id = ANY(ids.ids) AND id = locked_id AND was = 'SUBMITTED' RETURNING id),
event AS (INSERT INTO payment_events (payment_id, type, actor, status_from, status_to, detail)
          SELECT id, 'STATUS_CHANGED', 'hub', 'SUBMITTED', 'SUCCEEDED', jsonb_build_object('reason', repeat('x', 200)) FROM moved)
SELECT count(*) FROM moved;
COMMIT;
