-- How the provider was chosen when the message named none: the rule, the ordered candidates, and which
-- candidate carries the payment now (a fallback moves to the next only if nothing was sent).
ALTER TABLE payments ADD COLUMN routing JSONB;

-- Account lookups, for audit: who asked which provider about what, and what it said. The account
-- identifier is kept masked plus a hash (to correlate), the holder's name is not kept.
CREATE TABLE lookups (
    id             BIGSERIAL PRIMARY KEY,
    client_id      TEXT        NOT NULL,
    provider       TEXT        NOT NULL,
    account_type   TEXT        NOT NULL,
    account_masked TEXT        NOT NULL,
    account_sha256 TEXT        NOT NULL,
    bank_code      TEXT,
    outcome        TEXT        NOT NULL,
    account_status TEXT,
    cached         BOOLEAN     NOT NULL DEFAULT false,
    requested_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX lookups_client ON lookups (client_id, requested_at);
