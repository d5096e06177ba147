-- The recheck of final payments (a provider's declared `recheck`): one row per provider, the round claimed by
-- moving next_at forward (two hubs never run the same round), with what the last round found.
CREATE TABLE provider_rechecks (
    provider     TEXT PRIMARY KEY,
    next_at      TIMESTAMPTZ NOT NULL,
    last_started TIMESTAMPTZ,
    last_summary JSONB
);
