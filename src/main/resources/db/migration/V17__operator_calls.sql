-- Calls operators made at providers (/api/v1/providers/{provider}/{call}), for audit: who asked what, and
-- what came of it. The input is kept redacted (secrets, BVNs, card data masked), never the provider's answer.
CREATE TABLE operator_calls (
    id           BIGSERIAL PRIMARY KEY,
    operator     TEXT        NOT NULL,
    provider     TEXT        NOT NULL,
    call         TEXT        NOT NULL,
    method       TEXT        NOT NULL,
    input        JSONB       NOT NULL,
    outcome      TEXT        NOT NULL,
    reason       TEXT,
    requested_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX operator_calls_at ON operator_calls (provider, requested_at);

-- A completed batch compared with the provider's record of it (the operation's declared reconcile call):
-- when, and what was found (counts; each mismatch is in its item's timeline).
ALTER TABLE payment_batches ADD COLUMN reconciled_at TIMESTAMPTZ;
ALTER TABLE payment_batches ADD COLUMN reconciliation JSONB;
CREATE INDEX payment_batches_unreconciled ON payment_batches (completed_at) WHERE status = 'COMPLETED' AND reconciled_at IS NULL;
