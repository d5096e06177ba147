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
