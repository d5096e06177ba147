-- A batch: one message (operation PAYOUT_BATCH) whose items are payments of their own (PAYOUT), each with
-- its status, reason and callback. Accepted once per client and message id, like a payment. A provider
-- with a bulk API gets the items in one call; the batch is COMPLETED when every item is final, and its
-- client gets one callback saying so.
CREATE TABLE payment_batches (
    id                 TEXT PRIMARY KEY,
    client_id          TEXT        NOT NULL,
    message_id         TEXT        NOT NULL,
    content_hash       TEXT        NOT NULL,
    operation          TEXT        NOT NULL,
    provider           TEXT        NOT NULL,
    provider_reference TEXT        NOT NULL,
    status             TEXT        NOT NULL DEFAULT 'ACCEPTED',
    item_count         INT         NOT NULL,
    callback_url       TEXT,
    message            JSONB       NOT NULL,
    result             JSONB,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    completed_at       TIMESTAMPTZ,
    CONSTRAINT payment_batches_client_message UNIQUE (client_id, message_id),
    CONSTRAINT payment_batches_status_known CHECK (status IN ('ACCEPTED', 'SUBMITTED', 'COMPLETED'))
);

ALTER TABLE payments ADD COLUMN batch_id TEXT REFERENCES payment_batches (id);
ALTER TABLE payments ADD COLUMN item_id TEXT;
CREATE UNIQUE INDEX payments_batch_item ON payments (batch_id, item_id) WHERE batch_id IS NOT NULL;
