-- Reversals name the payment they reverse; at most one live reversal per payment (a FAILED one does not count).
ALTER TABLE payments ADD COLUMN reversal_of TEXT REFERENCES payments (id);
CREATE UNIQUE INDEX payments_one_reversal ON payments (reversal_of)
    WHERE reversal_of IS NOT NULL AND status <> 'FAILED';

-- What the last provider interaction said (STATUS, NOT_SENT, UNKNOWN, ...): a provider without a status
-- query may resend a payment it certainly never received, and nothing else.
ALTER TABLE payments ADD COLUMN last_outcome TEXT;

-- Things the hub created at a provider once and reuses: client profiles per enterprise client and
-- customer, client services, ... (kind), keyed by who owns them and a natural key.
CREATE TABLE provider_resources (
    provider      TEXT        NOT NULL,
    kind          TEXT        NOT NULL,
    owner         TEXT        NOT NULL,
    natural_key   TEXT        NOT NULL,
    provider_code TEXT        NOT NULL,
    detail        JSONB,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (provider, kind, owner, natural_key)
);
