-- Refunds name the collection they give money back from (several per collection, each a payment of its
-- own). Acceptance locks the collection's row and sums its refunds that did not fail in the same
-- transaction as the insert, so concurrent refunds can never add up to more than was collected.
ALTER TABLE payments ADD COLUMN refund_of TEXT REFERENCES payments (id);
CREATE INDEX payments_refund_of ON payments (refund_of) WHERE refund_of IS NOT NULL;
