-- The step a multi-step send of a payment is making (a resource created before the payment's own request, or
-- the request itself), written before each call goes. With last_outcome = 'PREPARING' it says that nothing of
-- the payment's own request has left the hub: a hub that stopped there is gone on from, never put in review.
ALTER TABLE payments ADD COLUMN send_step TEXT;

-- Each claim on a resource being created carries a token of its own: only its holder records the resource or gives
-- the claim up, so a creator that stalled past its lease cannot undo the one that took the claim over.
ALTER TABLE provider_resources ADD COLUMN claim_token TEXT;
