package africa.payhub.payment;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The callback outbox: one row per status change to tell an enterprise system about. An update of one callback
 * in a given status reads that status from the row it locks by key, not with {@code status = ...} beside the key
 * (PostgreSQL would read the whole backlog through {@code notifications_due}: see {@link PaymentStore}).
 */
@Repository
public class NotificationStore {

    private final JdbcClient jdbc;

    public NotificationStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(UUID eventId, String paymentId, String clientId, String url, String payload) {
        jdbc.sql("""
                        INSERT INTO notifications (event_id, payment_id, client_id, url, payload)
                        VALUES (:id, :payment, :client, :url, :payload)""")
                .param("id", eventId).param("payment", paymentId).param("client", clientId)
                .param("url", url).param("payload", payload)
                .update();
    }

    public Optional<Notification> find(UUID eventId) {
        return jdbc.sql("SELECT * FROM notifications WHERE event_id = :id").param("id", eventId)
                .query(NotificationStore::map).optional();
    }

    public List<Notification> forPayment(String paymentId) {
        return jdbc.sql("SELECT * FROM notifications WHERE payment_id = :payment ORDER BY seq")
                .param("payment", paymentId).query(NotificationStore::map).list();
    }

    public void delivered(UUID eventId, int statusCode) {
        jdbc.sql("""
                        WITH locked AS MATERIALIZED (SELECT status AS was FROM notifications WHERE event_id = :id FOR UPDATE)
                        UPDATE notifications SET status = 'DELIVERED', attempts = attempts + 1, delivered_at = now(),
                            last_status_code = :code, last_error = NULL
                        FROM locked WHERE event_id = :id AND was = 'PENDING'""")
                .param("id", eventId).param("code", statusCode).update();
    }

    /** Gives a claimed callback back, to be claimed again at the next round (its client was busy). */
    public void release(UUID eventId) {
        jdbc.sql("WITH locked AS MATERIALIZED (SELECT status AS was FROM notifications WHERE event_id = :id FOR UPDATE)"
                        + " UPDATE notifications SET next_attempt_at = now() FROM locked WHERE event_id = :id AND was = 'PENDING'")
                .param("id", eventId).update();
    }

    /** A failed attempt: try again at {@code next}, or give up (DEAD) when {@code next} is null. */
    public void failed(UUID eventId, Integer statusCode, String error, Instant next) {
        jdbc.sql("""
                        WITH locked AS MATERIALIZED (SELECT status AS was FROM notifications WHERE event_id = :id FOR UPDATE)
                        UPDATE notifications SET attempts = attempts + 1, last_status_code = :code, last_error = :error,
                            status = CASE WHEN CAST(:next AS timestamptz) IS NULL THEN 'DEAD' ELSE 'PENDING' END,
                            next_attempt_at = COALESCE(CAST(:next AS timestamptz), next_attempt_at)
                        FROM locked WHERE event_id = :id AND was = 'PENDING'""")
                .param("id", eventId).param("code", statusCode).param("error", error)
                .param("next", next == null ? null : Timestamp.from(next))
                .update();
    }

    /**
     * Puts a notification back in the queue, due now, with a fresh retry ladder, marked as a redelivery
     * (it may reach the receiver after a newer one).
     */
    public boolean redeliver(UUID eventId) {
        return jdbc.sql("""
                        UPDATE notifications SET status = 'PENDING', attempts = 0, next_attempt_at = now(), redelivery = true
                        WHERE event_id = :id AND status IN ('DEAD', 'DELIVERED')""")
                .param("id", eventId).update() == 1;
    }

    /** Callbacks in one status, newest first, after the row {@code afterSeq} (keyset), for one client or all. */
    public List<Notification> list(String status, String clientId, Long afterSeq, int limit) {
        return jdbc.sql("""
                        SELECT * FROM notifications
                        WHERE status = :status
                          AND (CAST(:client AS text) IS NULL OR client_id = :client)
                          AND (CAST(:after AS bigint) IS NULL OR seq < :after)
                        ORDER BY seq DESC LIMIT :limit""")
                .param("status", status).param("client", clientId).param("after", afterSeq).param("limit", limit)
                .query(NotificationStore::map).list();
    }

    /** The callbacks waiting to be sent (PENDING) and given up on (DEAD). */
    public java.util.Map<String, Long> openCounts() {
        java.util.Map<String, Long> counts = new java.util.TreeMap<>(java.util.Map.of("PENDING", 0L, "DEAD", 0L));
        jdbc.sql("SELECT status, count(*) AS n FROM notifications WHERE status IN ('PENDING', 'DEAD') GROUP BY status")
                .query(rs -> {
                    counts.put(rs.getString("status"), rs.getLong("n"));
                });
        return counts;
    }

    private static Notification map(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new Notification(rs.getObject("event_id", UUID.class), rs.getString("payment_id"), rs.getString("client_id"),
                rs.getString("url"), rs.getString("payload"), rs.getString("status"), rs.getInt("attempts"),
                instant(rs.getTimestamp("next_attempt_at")), (Integer) rs.getObject("last_status_code"),
                rs.getString("last_error"), instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("delivered_at")),
                rs.getString("data_request_id"), rs.getLong("seq"), rs.getBoolean("redelivery"));
    }

    private static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }

    /** One row of the outbox: about a payment, or (paymentId null) about a data request. */
    public record Notification(UUID eventId, String paymentId, String clientId, String url, String payload,
                               String status, int attempts, Instant nextAttemptAt, Integer lastStatusCode,
                               String lastError, Instant createdAt, Instant deliveredAt, String dataRequestId, long seq,
                               boolean redelivery) {
    }
}
