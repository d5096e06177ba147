package africa.payhub.data;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import africa.payhub.payment.Timeline;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Data requests, their timeline and their callbacks in the shared outbox; SQL with named parameters only. A move
 * from a given status reads it from the row it locks by key (see {@link africa.payhub.payment.PaymentStore}).
 */
@Repository
public class DataRequestStore {

    private final JdbcClient jdbc;
    private final Timeline timeline;

    public DataRequestStore(JdbcClient jdbc, Timeline timeline) {
        this.jdbc = jdbc;
        this.timeline = timeline;
    }

    /** Inserts unless the client already used the request id; true when inserted. */
    public boolean insertIfAbsent(DataRequest r) {
        return jdbc.sql("""
                        INSERT INTO data_requests (id, client_id, request_id, content_hash, kind, provider, status,
                            request, callback_url, due_at)
                        VALUES (:id, :client, :requestId, :hash, :kind, :provider, :status, CAST(:request AS jsonb),
                            :callbackUrl, :due)
                        ON CONFLICT (client_id, request_id) DO NOTHING""")
                .param("id", r.id()).param("client", r.clientId()).param("requestId", r.requestId())
                .param("hash", r.contentHash()).param("kind", r.kind()).param("provider", r.provider())
                .param("status", r.status().name()).param("request", r.request()).param("callbackUrl", r.callbackUrl())
                .param("due", ts(r.dueAt()))
                .update() == 1;
    }

    public Optional<DataRequest> find(String id) {
        return jdbc.sql("SELECT * FROM data_requests WHERE id = :id").param("id", id)
                .query(DataRequestStore::map).optional();
    }

    /** The row, locked for the rest of the caller's transaction. */
    public Optional<DataRequest> lock(String id) {
        return jdbc.sql("SELECT * FROM data_requests WHERE id = :id FOR UPDATE").param("id", id)
                .query(DataRequestStore::map).optional();
    }

    public Optional<DataRequest> findByRequest(String clientId, String requestId) {
        return jdbc.sql("SELECT * FROM data_requests WHERE client_id = :client AND request_id = :requestId")
                .param("client", clientId).param("requestId", requestId).query(DataRequestStore::map).optional();
    }

    /** The newest data requests, of one client or (null) of all. */
    public List<DataRequest> recent(String clientId, int limit) {
        return (clientId == null
                ? jdbc.sql("SELECT * FROM data_requests ORDER BY created_at DESC, id DESC LIMIT :limit")
                : jdbc.sql("SELECT * FROM data_requests WHERE client_id = :client ORDER BY created_at DESC, id DESC LIMIT :limit")
                        .param("client", clientId))
                .param("limit", limit).query(DataRequestStore::map).list();
    }

    /** A send is starting: the new token's hash, one more attempt, and a lease so no one else sends meanwhile. */
    public void startSend(String id, String tokenSha256, Instant leaseUntil) {
        jdbc.sql("""
                        UPDATE data_requests SET token_sha256 = :token, send_attempts = send_attempts + 1,
                            due_at = :due, updated_at = now()
                        WHERE id = :id""")
                .param("id", id).param("token", tokenSha256).param("due", ts(leaseUntil)).update();
    }

    public void due(String id, Instant due) {
        jdbc.sql("UPDATE data_requests SET due_at = :due, updated_at = now() WHERE id = :id")
                .param("id", id).param("due", ts(due)).update();
    }

    /** Moves the status (the trigger refuses an illegal move); true when the row was in {@code from}. */
    public boolean updateStatus(String id, DataRequestStatus from, DataRequestStatus to, String reason, String reasonCode,
                                Instant due) {
        return jdbc.sql("""
                        WITH locked AS MATERIALIZED (SELECT status AS was FROM data_requests WHERE id = :id FOR UPDATE)
                        UPDATE data_requests SET status = :to, status_reason = :reason, reason_code = :code,
                            due_at = :due, updated_at = now(),
                            requested_at = CASE WHEN :to = 'REQUESTED' THEN now() ELSE requested_at END
                        FROM locked WHERE id = :id AND was = :from""")
                .param("id", id).param("from", from.name()).param("to", to.name()).param("reason", reason)
                .param("code", reasonCode).param("due", ts(due)).update() == 1;
    }

    public void result(String id, String result, Integer items, String webhookSha256) {
        jdbc.sql("""
                        UPDATE data_requests SET result = CAST(:result AS jsonb), result_items = :items,
                            webhook_sha256 = COALESCE(:sha, webhook_sha256), updated_at = now()
                        WHERE id = :id""")
                .param("id", id).param("result", result).param("items", items).param("sha", webhookSha256).update();
    }

    public void providerDetail(String id, String detail) {
        jdbc.sql("UPDATE data_requests SET provider_detail = CAST(:detail AS jsonb), updated_at = now() WHERE id = :id")
                .param("id", id).param("detail", detail).update();
    }

    /** Claims up to {@code batch} ACCEPTED requests that are due, leased; several hubs never claim the same one. */
    public List<String> claimDueToSend(int batch, Instant leaseUntil) {
        return jdbc.sql("""
                        UPDATE data_requests SET due_at = :lease
                        WHERE id IN (SELECT id FROM data_requests WHERE status = 'ACCEPTED' AND due_at <= now()
                                     ORDER BY due_at LIMIT :batch FOR UPDATE SKIP LOCKED)
                        RETURNING id""")
                .param("lease", ts(leaseUntil)).param("batch", batch).query(String.class).list();
    }

    /** REQUESTED requests whose answer is overdue. */
    public List<String> overdue(int batch) {
        return jdbc.sql("""
                        SELECT id FROM data_requests WHERE status = 'REQUESTED' AND due_at <= now()
                        ORDER BY due_at LIMIT :batch""")
                .param("batch", batch).query(String.class).list();
    }

    public void addEvent(String id, String type, String actor, DataRequestStatus from, DataRequestStatus to, String detail) {
        timeline.add(Timeline.Subject.DATA_REQUEST, id, type, actor, from == null ? null : from.name(),
                to == null ? null : to.name(), detail);
    }

    public List<Timeline.Event> events(String id) {
        return timeline.events(Timeline.Subject.DATA_REQUEST, id, 0, Integer.MAX_VALUE);
    }

    /** A callback about a data request, in the outbox payments use. */
    public void enqueueCallback(UUID eventId, String id, String clientId, String url, String payload) {
        jdbc.sql("""
                        INSERT INTO notifications (event_id, data_request_id, client_id, url, payload)
                        VALUES (:event, :id, :client, :url, :payload)""")
                .param("event", eventId).param("id", id).param("client", clientId).param("url", url)
                .param("payload", payload).update();
    }

    public List<Callback> callbacks(String id) {
        return jdbc.sql("SELECT * FROM notifications WHERE data_request_id = :id ORDER BY seq").param("id", id)
                .query((rs, n) -> new Callback(rs.getObject("event_id", UUID.class), rs.getString("status"), rs.getInt("attempts"),
                        rs.getString("url"), instant(rs.getTimestamp("created_at")), (Integer) rs.getObject("last_status_code"),
                        rs.getString("last_error"), instant(rs.getTimestamp("delivered_at")), instant(rs.getTimestamp("next_attempt_at"))))
                .list();
    }

    public record Callback(UUID eventId, String status, int attempts, String url, Instant createdAt, Integer lastStatusCode,
                           String lastError, Instant deliveredAt, Instant nextAttemptAt) {
    }

    private static DataRequest map(ResultSet rs, int row) throws SQLException {
        return new DataRequest(rs.getString("id"), rs.getString("client_id"), rs.getString("request_id"),
                rs.getString("content_hash"), rs.getString("kind"), rs.getString("provider"),
                DataRequestStatus.valueOf(rs.getString("status")), rs.getString("request"), rs.getString("callback_url"),
                rs.getString("token_sha256"), rs.getString("webhook_sha256"), rs.getString("result"),
                (Integer) rs.getObject("result_items"), rs.getString("provider_detail"), rs.getString("status_reason"),
                rs.getString("reason_code"), rs.getInt("send_attempts"), instant(rs.getTimestamp("due_at")),
                instant(rs.getTimestamp("requested_at")), instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("updated_at")));
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    private static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }
}
