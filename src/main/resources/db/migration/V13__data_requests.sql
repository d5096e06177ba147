-- Data requests: asynchronous pulls of a business's financial data (and settlement pushes) that a provider
-- answers later, by webhook. A second resource beside payments, with its own state machine, timeline and
-- results; its callbacks share the outbox (notifications) with payments.
CREATE TABLE data_requests (
    id                  TEXT PRIMARY KEY,
    client_id           TEXT        NOT NULL,
    request_id          TEXT        NOT NULL,
    content_hash        TEXT        NOT NULL,
    kind                TEXT        NOT NULL,
    provider            TEXT        NOT NULL,
    status              TEXT        NOT NULL,
    request             JSONB       NOT NULL,
    callback_url        TEXT,
    -- the token the provider echoes in its webhook: only its SHA-256 is kept
    token_sha256        TEXT,
    -- the SHA-256 of the webhook body that settled the request: an identical delivery is a duplicate
    webhook_sha256      TEXT,
    result              JSONB,
    result_items        INT,
    provider_detail     JSONB,
    status_reason       TEXT,
    reason_code         TEXT,
    send_attempts       INT         NOT NULL DEFAULT 0,
    -- ACCEPTED: when it is (re)sent; REQUESTED: when it expires without an answer
    due_at              TIMESTAMPTZ,
    requested_at        TIMESTAMPTZ,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT data_requests_client_request UNIQUE (client_id, request_id),
    CONSTRAINT data_requests_status_known CHECK (status IN ('ACCEPTED', 'REQUESTED', 'COMPLETED', 'FAILED', 'EXPIRED'))
);
CREATE INDEX data_requests_due ON data_requests (due_at) WHERE status IN ('ACCEPTED', 'REQUESTED');

-- The state machine, in the database: a final status (COMPLETED, FAILED, EXPIRED) never moves.
CREATE FUNCTION data_requests_guard_transition() RETURNS trigger AS $$
BEGIN
    IF NEW.status = OLD.status THEN
        RETURN NEW;
    END IF;
    IF (OLD.status = 'ACCEPTED'  AND NEW.status IN ('REQUESTED', 'COMPLETED', 'FAILED', 'EXPIRED'))
    OR (OLD.status = 'REQUESTED' AND NEW.status IN ('COMPLETED', 'FAILED', 'EXPIRED')) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'illegal data request transition % -> % for %', OLD.status, NEW.status, OLD.id
        USING ERRCODE = 'check_violation';
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER data_requests_guard_transition
    BEFORE UPDATE OF status ON data_requests
    FOR EACH ROW EXECUTE FUNCTION data_requests_guard_transition();

-- The timeline of a data request. Details are redacted before they are written.
CREATE TABLE data_request_events (
    id              BIGSERIAL PRIMARY KEY,
    data_request_id TEXT        NOT NULL REFERENCES data_requests (id),
    type            TEXT        NOT NULL,
    occurred_at     TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    actor           TEXT,
    status_from     TEXT,
    status_to       TEXT,
    detail          JSONB
);
CREATE INDEX data_request_events_request ON data_request_events (data_request_id, id);

-- The callback outbox serves both resources: a row is about a payment or about a data request.
ALTER TABLE notifications ALTER COLUMN payment_id DROP NOT NULL;
ALTER TABLE notifications ADD COLUMN data_request_id TEXT REFERENCES data_requests (id);
ALTER TABLE notifications ADD CONSTRAINT notifications_one_subject
    CHECK ((payment_id IS NULL) <> (data_request_id IS NULL));
CREATE INDEX notifications_data_request ON notifications (data_request_id, seq) WHERE data_request_id IS NOT NULL;

-- Webhooks that settle a data request are recorded against it.
ALTER TABLE provider_webhooks ADD COLUMN data_request_id TEXT;
