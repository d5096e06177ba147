-- Webhooks that failed verification can be sent by anyone: housekeeping drops them after
-- hub.housekeeping.forged-webhooks-days, finding them by this index.
CREATE INDEX provider_webhooks_unverified ON provider_webhooks (received_at) WHERE NOT signature_valid;
