-- Reconciliation of a period: the provider's own listing of what it collected in [period_from, period_to]
-- compared with the hub's payments; what differs (paid at the provider but not in the hub, and the reverse)
-- is kept with the run for operators (GET /api/v1/ops/reconciliations) and on the payments' timelines.
-- A scheduled run is claimed by its unique (provider, period): two hubs never run the same period twice.
CREATE TABLE reconciliation_runs (
    id           BIGSERIAL PRIMARY KEY,
    provider     TEXT        NOT NULL,
    period_from  TIMESTAMPTZ NOT NULL,
    period_to    TIMESTAMPTZ NOT NULL,
    requested_by TEXT        NOT NULL,
    started_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at  TIMESTAMPTZ,
    status       TEXT        NOT NULL DEFAULT 'RUNNING' CHECK (status IN ('RUNNING', 'DONE', 'FAILED')),
    summary      JSONB,
    differences  JSONB
);
CREATE UNIQUE INDEX reconciliation_runs_scheduled ON reconciliation_runs (provider, period_from, period_to)
    WHERE requested_by = 'schedule';
CREATE INDEX reconciliation_runs_recent ON reconciliation_runs (provider, id DESC);
