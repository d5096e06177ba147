package africa.payhub.payment;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL for payments and their timeline. Named parameters only; never SQL built from message content.
 *
 * <p>A statement that changes payments it names by id, only when they are in a given status, reads that status
 * from the rows it locks by key ({@code locked}, materialized) rather than with {@code status = ...} beside
 * {@code id = ...}: PostgreSQL would answer such a pair through an index on status ({@code payments_due},
 * {@code payments_status_created}) whenever its statistics say few payments are open, which they say of a busy
 * hub's table, and read every open payment to find one. With 60,000 open, a move read 241-281 blocks instead of
 * 43-53 and a claim of two 5,034 instead of 109 ({@code QueryPlanTest}, which holds every such statement to its
 * key).
 */
@Repository
public class PaymentStore {

    private static final String COLUMNS = """
            id, client_id, message_id, content_hash, operation, provider, status, amount_value, amount_currency,
            provider_reference, provider_transaction_id, status_reason, reason_code, message::text AS message,
            result::text AS result, callback_url, send_attempts, last_sent_at, poll_attempts, next_poll_at,
            created_at, updated_at, reversal_of, last_outcome, routing::text AS routing, batch_id, item_id""";

    private static final RowMapper<Payment> ROW = PaymentStore::map;

    private final JdbcClient jdbc;
    private final Timeline timeline;

    public PaymentStore(JdbcClient jdbc, Timeline timeline) {
        this.jdbc = jdbc;
        this.timeline = timeline;
    }

    private static final String INSERT = """
            INSERT INTO payments (id, client_id, message_id, content_hash, operation, provider, status,
                amount_value, amount_currency, provider_reference, message, callback_url, next_poll_at,
                reversal_of, routing, batch_id, item_id)
            VALUES (:id, :client, :messageId, :hash, :operation, :provider, :status,
                :amountValue, :amountCurrency, :reference, CAST(:message AS jsonb), :callbackUrl, :due,
                :reversalOf, CAST(:routing AS jsonb), :batchId, :itemId)
            ON CONFLICT (client_id, message_id) DO NOTHING""";

    private static JdbcClient.StatementSpec row(JdbcClient.StatementSpec spec, Payment p, Instant firstDue) {
        return spec
                .param("id", p.id())
                .param("client", p.clientId())
                .param("messageId", p.messageId())
                .param("hash", p.contentHash())
                .param("operation", p.operation())
                .param("provider", p.provider())
                .param("status", p.status().name())
                .param("amountValue", p.amountValue())
                .param("amountCurrency", p.amountCurrency())
                .param("reference", p.providerReference())
                .param("message", p.message())
                .param("callbackUrl", p.callbackUrl())
                .param("due", Timestamp.from(firstDue))
                .param("reversalOf", p.reversalOf())
                .param("routing", p.routing())
                .param("batchId", p.batchId())
                .param("itemId", p.itemId());
    }

    /** Inserts unless this client already used the message id; true when this call inserted it. */
    public boolean insertIfAbsent(Payment p, Instant firstDue) {
        return row(jdbc.sql(INSERT), p, firstDue).update() == 1;
    }

    public Optional<Payment> find(String id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM payments WHERE id = :id").param("id", id).query(ROW).optional();
    }

    /** The row, locked for the rest of the transaction: the one way to change a payment. */
    public Optional<Payment> lock(String id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM payments WHERE id = :id FOR UPDATE").param("id", id).query(ROW).optional();
    }

    /** Rows matching a condition made of fixed fragments and named parameters (PaymentSearch's). */
    List<Payment> select(String conditionAndOrder, java.util.Map<String, Object> params) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM payments WHERE " + conditionAndOrder).params(params).query(ROW).list();
    }

    /**
     * Locks many payments in one statement, in id order (so two lockers of overlapping sets never wait on
     * each other in a circle): the ones found, by id.
     */
    public java.util.Map<String, Payment> lockAll(java.util.Collection<String> ids) {
        java.util.Map<String, Payment> out = new java.util.HashMap<>();
        jdbc.sql("SELECT " + COLUMNS + " FROM payments WHERE id = ANY(CAST(:ids AS text[])) ORDER BY id FOR UPDATE")
                .param("ids", ids.toArray(String[]::new)).query(ROW).list().forEach(p -> out.put(p.id(), p));
        return out;
    }

    public Optional<Payment> findByMessage(String clientId, String messageId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM payments WHERE client_id = :client AND message_id = :messageId")
                .param("client", clientId).param("messageId", messageId).query(ROW).optional();
    }

    public Optional<Payment> findByProviderReference(String provider, String reference) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM payments WHERE provider = :provider AND provider_reference = :reference")
                .param("provider", provider).param("reference", reference).query(ROW).optional();
    }

    /** The payment the provider knows by its own transaction id (a settlement names payments so), if any. */
    public Optional<Payment> findByProviderTransactionId(String provider, String providerTransactionId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM payments WHERE provider = :provider AND provider_transaction_id = :tx"
                        + " ORDER BY created_at LIMIT 1")
                .param("provider", provider).param("tx", providerTransactionId).query(ROW).optional();
    }

    /** Moves the payment only if it is still in {@code from}; the trigger refuses illegal moves. */
    public boolean updateStatus(String id, PaymentStatus from, PaymentStatus to, String reason, String reasonCode) {
        return jdbc.sql("""
                        WITH locked AS MATERIALIZED (SELECT status AS was FROM payments WHERE id = :id FOR UPDATE)
                        UPDATE payments SET status = :to, status_reason = :reason, reason_code = :code, updated_at = now()
                        FROM locked WHERE id = :id AND was = :from""")
                .param("id", id).param("from", from.name()).param("to", to.name())
                .param("reason", reason).param("code", reasonCode)
                .update() == 1;
    }

    /**
     * {@link #updateStatus} and its STATUS_CHANGED event in one statement, with the provider's details when
     * given (as {@link #updateProviderDetails}; null keeps what is stored) and what a send came to when the
     * details carry it (as {@link #recordOutcome(String, String)}): the payment as it is afterwards, or empty
     * when it was no longer in {@code from}.
     */
    public Optional<Payment> moveStatus(String id, PaymentStatus from, PaymentStatus to, String reason, String reasonCode,
                                        String actor, String detailJson, ProviderDetails details) {
        return jdbc.sql("WITH locked AS MATERIALIZED (SELECT status AS was FROM payments WHERE id = :id FOR UPDATE),"
                        + " moved AS (UPDATE payments SET status = :to, status_reason = :reason, reason_code = :code,"
                        + " provider_transaction_id = COALESCE(:txId, provider_transaction_id),"
                        + " result = COALESCE(CAST(:result AS jsonb), result),"
                        + " last_outcome = COALESCE(CAST(:sendOutcome AS text), last_outcome),"
                        + " last_sent_at = CASE WHEN CAST(:sendOutcome AS text) IS NULL THEN last_sent_at"
                        + " ELSE GREATEST(last_sent_at, now()) END,"
                        + " updated_at = now() FROM locked WHERE id = :id AND was = :from RETURNING " + COLUMNS + "),"
                        + " event AS (INSERT INTO payment_events (payment_id, type, actor, status_from, status_to, detail)"
                        + " SELECT id, 'STATUS_CHANGED', :actor, :from, :to, CAST(:detail AS jsonb) FROM moved)"
                        + " SELECT * FROM moved")
                .param("id", id).param("from", from.name()).param("to", to.name())
                .param("reason", reason).param("code", reasonCode).param("actor", actor).param("detail", detailJson)
                .param("txId", details == null ? null : details.transactionId())
                .param("result", details == null ? null : details.resultJson())
                .param("sendOutcome", details == null ? null : details.sendOutcome())
                .query(ROW).optional();
    }

    /**
     * ACCEPTED -> SUBMITTED for many payments in one statement, with their STATUS_CHANGED events and the
     * send's bookkeeping (as {@link #moveStatus} and {@link #markSent} do for one): the payments as they are
     * afterwards, by id (one no longer ACCEPTED is missing).
     */
    public java.util.Map<String, Payment> submitAll(List<String> ids, List<String> reasons, List<String> details,
                                                    List<String> sendStates, String actor, Instant firstPoll) {
        java.util.Map<String, Payment> out = new java.util.HashMap<>();
        jdbc.sql("WITH claim AS (SELECT * FROM unnest(CAST(:ids AS text[]), CAST(:reasons AS text[]), CAST(:details AS text[]),"
                        + " CAST(:states AS text[])) WITH ORDINALITY AS c(claim_id, claim_reason, claim_detail, claim_state, claim_n)),"
                        + " locked AS MATERIALIZED (SELECT id AS locked_id, status AS was FROM payments"
                        + " WHERE id = ANY(CAST(:ids AS text[])) ORDER BY id FOR UPDATE),"
                        + " moved AS (UPDATE payments SET status = 'SUBMITTED', status_reason = claim_reason, reason_code = NULL,"
                        + " updated_at = now(), send_attempts = send_attempts + 1, last_sent_at = now(), next_poll_at = :due,"
                        + " last_outcome = claim_state, send_step = NULL FROM claim JOIN locked ON locked_id = claim_id"
                        + " WHERE id = ANY(CAST(:ids AS text[])) AND id = claim_id AND was = 'ACCEPTED' RETURNING " + COLUMNS + "),"
                        + " event AS (INSERT INTO payment_events (payment_id, type, actor, status_from, status_to, detail)"
                        + " SELECT moved.id, 'STATUS_CHANGED', :actor, 'ACCEPTED', 'SUBMITTED', CAST(claim_detail AS jsonb)"
                        + " FROM moved JOIN claim ON claim_id = moved.id ORDER BY claim_n)"
                        + " SELECT * FROM moved")
                .param("ids", ids.toArray(String[]::new)).param("reasons", reasons.toArray(String[]::new))
                .param("details", details.toArray(String[]::new)).param("states", sendStates.toArray(String[]::new))
                .param("actor", actor)
                .param("due", Timestamp.from(firstPoll))
                .query(ROW).list().forEach(p -> out.put(p.id(), p));
        return out;
    }

    /**
     * {@link #insertIfAbsent} and the ACCEPTED event in one statement: the time the payment was stored, or
     * empty when this client already used the message id.
     */
    public Optional<Instant> insertAccepted(Payment p, Instant firstDue, String actor, String detailJson) {
        return row(jdbc.sql("WITH stored AS (" + INSERT + " RETURNING id, created_at),"
                        + " event AS (INSERT INTO payment_events (payment_id, type, actor, status_to, detail)"
                        + " SELECT id, 'ACCEPTED', :actor, :status, CAST(:detail AS jsonb) FROM stored)"
                        + " SELECT created_at FROM stored"), p, firstDue)
                .param("actor", actor)
                .param("detail", detailJson)
                .query((rs, n) -> rs.getTimestamp(1).toInstant())
                .optional();
    }

    /**
     * Many new payments and their ACCEPTED events in one statement (a group commit's write): for each row of
     * {@code rows}, in order, the time it was stored, or null when its client already used its message id
     * (by an earlier row of the same call too). {@code details[i]} is row i's event detail.
     */
    public List<Instant> insertAcceptedAll(List<Payment> rows, List<Instant> due, String[] actors, String[] details) {
        int n = rows.size();
        String[][] c = new String[13][n];
        for (int i = 0; i < n; i++) {
            Payment p = rows.get(i);
            String[] v = {p.id(), p.clientId(), p.messageId(), p.contentHash(), p.operation(), p.provider(),
                    p.amountValue() == null ? null : p.amountValue().toPlainString(), p.amountCurrency(),
                    p.providerReference(), p.message(), p.callbackUrl(), due.get(i).toString(), p.routing()};
            for (int k = 0; k < v.length; k++) {
                c[k][i] = v[k];
            }
        }
        java.util.Map<String, Instant> stored = new java.util.HashMap<>();
        jdbc.sql("""
                        WITH input AS (
                            SELECT * FROM unnest(CAST(:ids AS text[]), CAST(:clients AS text[]), CAST(:messageIds AS text[]),
                                CAST(:hashes AS text[]), CAST(:operations AS text[]), CAST(:providers AS text[]),
                                CAST(:values AS numeric[]), CAST(:currencies AS text[]), CAST(:references AS text[]),
                                CAST(:messages AS jsonb[]), CAST(:callbackUrls AS text[]), CAST(:dues AS timestamptz[]),
                                CAST(:routings AS jsonb[]), CAST(:actors AS text[]), CAST(:details AS jsonb[]))
                                WITH ORDINALITY AS i(id, client_id, message_id, content_hash, operation, provider, amount_value,
                                    amount_currency, provider_reference, message, callback_url, next_poll_at, routing, actor,
                                    detail, n)),
                        stored AS (
                            INSERT INTO payments (id, client_id, message_id, content_hash, operation, provider, status,
                                amount_value, amount_currency, provider_reference, message, callback_url, next_poll_at, routing)
                            SELECT id, client_id, message_id, content_hash, operation, provider, 'ACCEPTED', amount_value,
                                amount_currency, provider_reference, message, callback_url, next_poll_at, routing
                            FROM input ORDER BY n
                            ON CONFLICT (client_id, message_id) DO NOTHING
                            RETURNING id, created_at),
                        event AS (
                            INSERT INTO payment_events (payment_id, type, actor, status_to, detail)
                            SELECT s.id, 'ACCEPTED', i.actor, 'ACCEPTED', i.detail
                            FROM stored s JOIN input i ON i.id = s.id ORDER BY i.n)
                        SELECT id, created_at FROM stored""")
                .param("ids", c[0]).param("clients", c[1]).param("messageIds", c[2]).param("hashes", c[3])
                .param("operations", c[4]).param("providers", c[5]).param("values", c[6]).param("currencies", c[7])
                .param("references", c[8]).param("messages", c[9]).param("callbackUrls", c[10]).param("dues", c[11])
                .param("routings", c[12]).param("actors", actors).param("details", details)
                .query(rs -> {
                    stored.put(rs.getString("id"), rs.getTimestamp("created_at").toInstant());
                });
        List<Instant> out = new java.util.ArrayList<>(n);
        for (Payment p : rows) {
            out.add(stored.get(p.id()));
        }
        return out;
    }

    /**
     * What a provider's status answer tells of its side: its transaction id and the result; and, when it answers
     * a send, what the send came to ({@link #recordOutcome(String, String)}), which only a status move writes
     * ({@link #moveStatus}). Any may be null.
     */
    public record ProviderDetails(String transactionId, String resultJson, String sendOutcome) {
    }

    public void updateProviderDetails(String id, ProviderDetails details) {
        jdbc.sql("""
                        UPDATE payments SET
                            provider_transaction_id = COALESCE(:txId, provider_transaction_id),
                            result = COALESCE(CAST(:result AS jsonb), result),
                            updated_at = now()
                        WHERE id = :id""")
                .param("id", id).param("txId", details.transactionId()).param("result", details.resultJson())
                .update();
    }

    /** A note on a payment whose status stays: why it waits (e.g. for authorization), or that it no longer does. */
    public void updateReason(String id, String reason, String reasonCode) {
        jdbc.sql("UPDATE payments SET status_reason = :reason, reason_code = :code, updated_at = now() WHERE id = :id")
                .param("id", id).param("reason", reason).param("code", reasonCode).update();
    }

    /** Hands the payment to the next routing candidate (only ever before anything reached a provider). */
    public void switchProvider(String id, String provider, int candidate) {
        jdbc.sql("""
                        UPDATE payments SET provider = :provider, updated_at = now(),
                            routing = jsonb_set(routing, '{current}', to_jsonb(CAST(:candidate AS integer)))
                        WHERE id = :id""")
                .param("id", id).param("provider", provider).param("candidate", candidate).update();
    }

    /** What the last send came to (NOT_SENT, UNKNOWN, ...); null while a send is in flight or was cut off by a crash. */
    public void recordOutcome(String id, String outcome) {
        // the send ended now: hold times and the resend guard count from here (the request left after the
        // claim, perhaps much later, after a login), never from the claim alone
        jdbc.sql("UPDATE payments SET last_outcome = :outcome, last_sent_at = GREATEST(last_sent_at, now()) WHERE id = :id")
                .param("id", id).param("outcome", outcome).update();
    }

    /** A payment's events to append and, when not null, what its last send came to (see {@link #recordOutcomes}). */
    public record Recorded(String paymentId, String sendOutcome, List<Timeline.Entry> events) {
    }

    /**
     * Appends events to payments' timelines in one statement, each payment's in the order given (an entry without
     * a time happened now), and records what their sends came to where given (see {@link #recordOutcome(String, String)}).
     */
    public void recordOutcomes(List<Recorded> recorded) {
        int n = recorded.stream().mapToInt(r -> r.events().size()).sum();
        String[] ids = new String[n];
        String[] types = new String[n];
        String[] actors = new String[n];
        String[] at = new String[n];
        String[] details = new String[n];
        int i = 0;
        for (Recorded r : recorded) {
            for (Timeline.Entry e : r.events()) {
                ids[i] = r.paymentId();
                types[i] = e.type();
                actors[i] = e.actor();
                at[i] = e.at() == null ? null : e.at().toString();
                details[i] = e.detailJson();
                i++;
            }
        }
        List<Recorded> sent = recorded.stream().filter(r -> r.sendOutcome() != null).toList();
        jdbc.sql("""
                        WITH outcome AS (
                            UPDATE payments SET last_outcome = o.outcome, last_sent_at = GREATEST(last_sent_at, now())
                            FROM unnest(CAST(:sentIds AS text[]), CAST(:outcomes AS text[])) AS o(sent_id, outcome)
                            WHERE id = o.sent_id)
                        INSERT INTO payment_events (payment_id, type, actor, occurred_at, detail)
                        SELECT e.payment_id, e.type, e.actor, COALESCE(e.at, clock_timestamp()), CAST(e.detail AS jsonb)
                        FROM unnest(CAST(:ids AS text[]), CAST(:types AS text[]), CAST(:actors AS text[]),
                                    CAST(:at AS timestamptz[]), CAST(:details AS text[]))
                             WITH ORDINALITY AS e(payment_id, type, actor, at, detail, n)
                        ORDER BY e.n""")
                .param("sentIds", sent.stream().map(Recorded::paymentId).toArray(String[]::new))
                .param("outcomes", sent.stream().map(Recorded::sendOutcome).toArray(String[]::new))
                .param("ids", ids).param("types", types).param("actors", actors).param("at", at).param("details", details)
                .update();
    }

    /** The live (not FAILED) reversal of a payment, if any. */
    public Optional<Payment> findReversalOf(String originalId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM payments WHERE reversal_of = :id AND status <> 'FAILED'")
                .param("id", originalId).query(ROW).optional();
    }

    public void markSent(String id, Instant firstPoll) {
        markSent(id, firstPoll, null);
    }

    /**
     * One more send of the payment starts now (its number fences it, see {@link #markStep}); {@code sendState}:
     * what it has come to so far (PREPARING for a multi-step send, whose own request has not left; else null).
     */
    public void markSent(String id, Instant firstPoll, String sendState) {
        jdbc.sql("""
                        UPDATE payments SET send_attempts = send_attempts + 1, last_sent_at = now(),
                            next_poll_at = :due, updated_at = now(), last_outcome = :state, send_step = NULL
                        WHERE id = :id""")
                .param("id", id).param("due", Timestamp.from(firstPoll)).param("state", sendState).update();
    }

    /**
     * The step the send numbered {@code attempt} is making now ({@code step}), with what the send has come to
     * so far ({@code sendState}: PREPARING while its own request has not left, null once it may have), its time
     * the send's latest sign of life; only while that send is the payment's latest and the payment is being
     * sent. False when not (another send superseded it, or the payment moved on).
     */
    public boolean markStep(String id, int attempt, String step, String sendState) {
        return jdbc.sql("""
                        WITH locked AS MATERIALIZED (SELECT status AS was, send_attempts AS sends FROM payments
                                                     WHERE id = :id FOR UPDATE)
                        UPDATE payments SET send_step = :step, last_outcome = :state, last_sent_at = now()
                        FROM locked WHERE id = :id AND sends = :attempt AND was = 'SUBMITTED'""")
                .param("id", id).param("attempt", attempt).param("step", step).param("state", sendState)
                .update() == 1;
    }

    /** The step the payment's latest send made last (see {@link #markStep}), or null. */
    public String sendStep(String id) {
        return jdbc.sql("SELECT send_step FROM payments WHERE id = :id").param("id", id).query(String.class)
                .optional().orElse(null);
    }

    /** How many status queries since {@code since} found no record of the payment at its provider. */
    public long countNotFoundSince(String paymentId, Instant since) {
        return jdbc.sql("""
                        SELECT count(*) FROM payment_events WHERE payment_id = :id AND type = 'POLL_OUTCOME'
                          AND occurred_at >= :since AND detail->>'outcome' = 'NOT_FOUND'""")
                .param("id", paymentId).param("since", Timestamp.from(since)).query(Long.class).single();
    }

    /**
     * Open payments due for the poller at {@code due} (only those still ACCEPTED when {@code acceptedOnly};
     * nothing changes for one that is final).
     */
    public void dueAgain(List<String> ids, boolean acceptedOnly, Instant due) {
        jdbc.sql("WITH locked AS MATERIALIZED (SELECT id AS locked_id, status AS was FROM payments"
                        + " WHERE id = ANY(CAST(:ids AS text[])) ORDER BY id FOR UPDATE)"
                        + " UPDATE payments SET next_poll_at = :due FROM locked WHERE id = ANY(CAST(:ids AS text[]))"
                        + " AND id = locked_id AND was IN ('ACCEPTED', 'SUBMITTED', 'PENDING') AND (was = 'ACCEPTED' OR NOT :acceptedOnly)")
                .param("ids", ids.toArray(String[]::new)).param("acceptedOnly", acceptedOnly).param("due", Timestamp.from(due))
                .update();
    }

    public void schedulePoll(String id, Instant due, boolean countAttempt) {
        jdbc.sql("""
                        UPDATE payments SET next_poll_at = :due,
                            poll_attempts = poll_attempts + CASE WHEN :count THEN 1 ELSE 0 END
                        WHERE id = :id""")
                .param("id", id).param("due", due == null ? null : Timestamp.from(due)).param("count", countAttempt)
                .update();
    }

    /** How many events of one type a payment's timeline has. */
    public long countEvents(String paymentId, String type) {
        return timeline.count(Timeline.Subject.PAYMENT, paymentId, type);
    }

    public void addEvent(String paymentId, String type, String actor, PaymentStatus from, PaymentStatus to, String detailJson) {
        timeline.add(Timeline.Subject.PAYMENT, paymentId, type, actor, from == null ? null : from.name(),
                to == null ? null : to.name(), detailJson);
    }

    public List<Timeline.Event> events(String paymentId) {
        return events(paymentId, 0, Integer.MAX_VALUE);
    }

    /** A page of the timeline: at most {@code limit} events after the event {@code after}, oldest first. */
    public List<Timeline.Event> events(String paymentId, long after, int limit) {
        return timeline.events(Timeline.Subject.PAYMENT, paymentId, after, limit);
    }

    private static Payment map(ResultSet rs, int row) throws SQLException {
        return new Payment(
                rs.getString("id"),
                rs.getString("client_id"),
                rs.getString("message_id"),
                rs.getString("content_hash"),
                rs.getString("operation"),
                rs.getString("provider"),
                PaymentStatus.valueOf(rs.getString("status")),
                rs.getObject("amount_value", BigDecimal.class),
                rs.getString("amount_currency"),
                rs.getString("provider_reference"),
                rs.getString("provider_transaction_id"),
                rs.getString("status_reason"),
                rs.getString("reason_code"),
                rs.getString("message"),
                rs.getString("result"),
                rs.getString("callback_url"),
                rs.getInt("send_attempts"),
                instant(rs, "last_sent_at"),
                rs.getInt("poll_attempts"),
                instant(rs, "next_poll_at"),
                instant(rs, "created_at"),
                instant(rs, "updated_at"),
                rs.getString("reversal_of"),
                rs.getString("last_outcome"),
                rs.getString("routing"),
                rs.getString("batch_id"),
                rs.getString("item_id"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }

    // ---------------------------------------------------------------- refunds

    /** Links a refund to the collection it gives money back from (in the transaction that accepted it). */
    public void linkRefund(String id, String originalId) {
        jdbc.sql("UPDATE payments SET refund_of = :original WHERE id = :id")
                .param("id", id).param("original", originalId).update();
    }

    /**
     * What the refunds of a collection add up to, counting every refund that did not fail (in flight or
     * unresolved ones too). Read under the collection's row lock, so concurrent refunds are summed one by one.
     */
    public BigDecimal refundedTotal(String originalId) {
        return jdbc.sql("SELECT COALESCE(SUM(amount_value), 0) FROM payments WHERE refund_of = :id AND status <> 'FAILED'")
                .param("id", originalId).query(BigDecimal.class).single();
    }

}
