-- Operators search payments and callbacks newest first, a page at a time (keyset: created_at, id).
CREATE INDEX payments_created ON payments (created_at DESC, id DESC);
CREATE INDEX payments_status_created ON payments (status, created_at DESC, id DESC);
CREATE INDEX payments_client_created ON payments (client_id, created_at DESC, id DESC);
CREATE INDEX notifications_dead ON notifications (seq DESC) WHERE status = 'DEAD';

-- A callback queued again by a person after it was delivered or died: the receiver is told it is a
-- redelivery (it may arrive after a newer one) and what the payment's status is now.
ALTER TABLE notifications ADD COLUMN redelivery BOOLEAN NOT NULL DEFAULT false;
