-- Payments found by the provider's own transaction id (a settlement or a reconciliation names them so), and
-- the webhooks an operator looks through (unmatched ones, newest first).
CREATE INDEX payments_provider_transaction ON payments (provider, provider_transaction_id)
    WHERE provider_transaction_id IS NOT NULL;
CREATE INDEX provider_webhooks_outcome ON provider_webhooks (outcome, id DESC) WHERE signature_valid;
