-- One state-machine rule for every resource with a status (payments, data requests), instead of a copy of
-- the function per table (V1's payments_guard_transition, V13's data_requests_guard_transition). A status
-- moves only along an edge its table's trigger declares, as 'FROM->TO' arguments; the same status is no move;
-- a final status declares no edge, so it never moves. Each table keeps its own statuses and edges (the same
-- tables as PaymentStatus and DataRequestStatus); the database refuses any other move, whatever code path
-- tries it.
CREATE FUNCTION guard_status_transition() RETURNS trigger AS $$
BEGIN
    IF NEW.status = OLD.status OR (OLD.status || '->' || NEW.status) = ANY (TG_ARGV) THEN
        RETURN NEW;
    END IF;
    -- the resource as its table names it, singular: payments -> payment, data_requests -> data request
    RAISE EXCEPTION 'illegal % transition % -> % for %', replace(rtrim(TG_TABLE_NAME, 's'), '_', ' '),
        OLD.status, NEW.status, OLD.id
        USING ERRCODE = 'check_violation';
END
$$ LANGUAGE plpgsql;

DROP TRIGGER payments_guard_transition ON payments;
DROP FUNCTION payments_guard_transition();
CREATE TRIGGER payments_guard_transition
    BEFORE UPDATE OF status ON payments
    FOR EACH ROW EXECUTE FUNCTION guard_status_transition(
        'ACCEPTED->SUBMITTED', 'ACCEPTED->PENDING', 'ACCEPTED->FAILED', 'ACCEPTED->NEEDS_REVIEW',
        'SUBMITTED->PENDING', 'SUBMITTED->SUCCEEDED', 'SUBMITTED->FAILED', 'SUBMITTED->REVERSED', 'SUBMITTED->NEEDS_REVIEW',
        'PENDING->SUBMITTED', 'PENDING->SUCCEEDED', 'PENDING->FAILED', 'PENDING->REVERSED', 'PENDING->NEEDS_REVIEW',
        'NEEDS_REVIEW->SUCCEEDED', 'NEEDS_REVIEW->FAILED', 'NEEDS_REVIEW->REVERSED',
        'SUCCEEDED->REVERSED');

DROP TRIGGER data_requests_guard_transition ON data_requests;
DROP FUNCTION data_requests_guard_transition();
CREATE TRIGGER data_requests_guard_transition
    BEFORE UPDATE OF status ON data_requests
    FOR EACH ROW EXECUTE FUNCTION guard_status_transition(
        'ACCEPTED->REQUESTED', 'ACCEPTED->COMPLETED', 'ACCEPTED->FAILED', 'ACCEPTED->EXPIRED',
        'REQUESTED->COMPLETED', 'REQUESTED->FAILED', 'REQUESTED->EXPIRED');
