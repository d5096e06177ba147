-- A resource the hub creates at a provider once (a profile, a service, an invoice) is claimed before the
-- provider is asked: the insert of the claim is the lock. Whoever inserted it creates the resource and
-- records its code; a concurrent creator (another thread or hub instance) finds the claim and waits, so
-- no second resource is created. A claim whose creator died is taken over after its lease.
ALTER TABLE provider_resources ALTER COLUMN provider_code DROP NOT NULL;
ALTER TABLE provider_resources ADD COLUMN state TEXT NOT NULL DEFAULT 'CREATED'
    CHECK (state IN ('CREATING', 'CREATED'));
ALTER TABLE provider_resources ADD COLUMN claimed_until TIMESTAMPTZ;
CREATE INDEX provider_resources_by_key ON provider_resources (provider, kind, natural_key);
