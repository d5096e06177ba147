-- The hub's state: payments, their timeline, the callback outbox and the provider webhooks received.

CREATE TABLE payments (
    id                      TEXT PRIMARY KEY,
    client_id               TEXT        NOT NULL,
    message_id              TEXT        NOT NULL,
    content_hash            TEXT        NOT NULL,
    operation               TEXT        NOT NULL,
    provider                TEXT        NOT NULL,
    status                  TEXT        NOT NULL,
    amount_value            NUMERIC,
    amount_currency         TEXT,
    provider_reference      TEXT        NOT NULL,
    provider_transaction_id TEXT,
    status_reason           TEXT,
    reason_code             TEXT,
    message                 JSONB       NOT NULL,
    result                  JSONB,
    callback_url            TEXT,
    send_attempts           INT         NOT NULL DEFAULT 0,
    last_sent_at            TIMESTAMPTZ,
    poll_attempts           INT         NOT NULL DEFAULT 0,
    next_poll_at            TIMESTAMPTZ,
    created_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT payments_client_message UNIQUE (client_id, message_id),
    CONSTRAINT payments_provider_reference UNIQUE (provider, provider_reference),
    CONSTRAINT payments_status_known CHECK (status IN
        ('ACCEPTED', 'SUBMITTED', 'PENDING', 'SUCCEEDED', 'FAILED', 'REVERSED', 'NEEDS_REVIEW'))
);

-- work the poller has to do: unresolved payments by due time
CREATE INDEX payments_due ON payments (next_poll_at) WHERE status IN ('ACCEPTED', 'SUBMITTED', 'PENDING');

-- The state machine, enforced by the database itself so that no code path (webhook, poll, response,
-- operator) can regress a payment or leave a final status.
CREATE FUNCTION payments_guard_transition() RETURNS trigger AS $$
BEGIN
    IF NEW.status = OLD.status THEN
        RETURN NEW;
    END IF;
    IF (OLD.status = 'ACCEPTED'     AND NEW.status IN ('SUBMITTED', 'PENDING', 'FAILED', 'NEEDS_REVIEW'))
    OR (OLD.status = 'SUBMITTED'    AND NEW.status IN ('PENDING', 'SUCCEEDED', 'FAILED', 'REVERSED', 'NEEDS_REVIEW'))
    OR (OLD.status = 'PENDING'      AND NEW.status IN ('SUBMITTED', 'SUCCEEDED', 'FAILED', 'REVERSED', 'NEEDS_REVIEW'))
    OR (OLD.status = 'NEEDS_REVIEW' AND NEW.status IN ('SUCCEEDED', 'FAILED', 'REVERSED'))
    OR (OLD.status = 'SUCCEEDED'    AND NEW.status = 'REVERSED') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'illegal payment transition % -> % for %', OLD.status, NEW.status, OLD.id
        USING ERRCODE = 'check_violation';
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER payments_guard_transition
    BEFORE UPDATE OF status ON payments
    FOR EACH ROW EXECUTE FUNCTION payments_guard_transition();

-- The timeline of a payment. Details are redacted before they are written.
CREATE TABLE payment_events (
    id          BIGSERIAL PRIMARY KEY,
    payment_id  TEXT        NOT NULL REFERENCES payments (id),
    type        TEXT        NOT NULL,
    occurred_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    actor       TEXT,
    status_from TEXT,
    status_to   TEXT,
    detail      JSONB
);
CREATE INDEX payment_events_payment ON payment_events (payment_id, id);

-- Outbox of callbacks to enterprise systems, written in the transaction that changes the status.
CREATE TABLE notifications (
    event_id         UUID PRIMARY KEY,
    seq              BIGSERIAL   NOT NULL,
    payment_id       TEXT        NOT NULL REFERENCES payments (id),
    client_id        TEXT        NOT NULL,
    url              TEXT        NOT NULL,
    payload          TEXT        NOT NULL,
    status           TEXT        NOT NULL DEFAULT 'PENDING',
    attempts         INT         NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_status_code INT,
    last_error       TEXT,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    delivered_at     TIMESTAMPTZ,
    CONSTRAINT notifications_status_known CHECK (status IN ('PENDING', 'DELIVERED', 'DEAD'))
);
CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE status = 'PENDING';
CREATE INDEX notifications_payment ON notifications (payment_id, seq);

-- Every webhook a provider sent, verified or not, and what it did.
CREATE TABLE provider_webhooks (
    id              BIGSERIAL PRIMARY KEY,
    provider        TEXT        NOT NULL,
    received_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    signature_valid BOOLEAN     NOT NULL,
    outcome         TEXT        NOT NULL,
    event_key       TEXT,
    payment_id      TEXT,
    remote_addr     TEXT,
    body_sha256     TEXT,
    detail          JSONB
);
CREATE INDEX provider_webhooks_payment ON provider_webhooks (payment_id);

-- Camel's JDBC idempotent repository (webhook de-duplication), in the schema it expects.
CREATE TABLE camel_messageprocessed (
    processorname VARCHAR(255) NOT NULL,
    messageid     VARCHAR(100) NOT NULL,
    createdat     TIMESTAMP    NOT NULL,
    PRIMARY KEY (processorname, messageid)
);
