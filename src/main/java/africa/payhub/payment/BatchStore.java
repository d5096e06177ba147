package africa.payhub.payment;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for payment batches and the link from a payment to its batch. Named parameters only. */
@Repository
public class BatchStore {

    private static final String COLUMNS = """
            id, client_id, message_id, content_hash, operation, provider, provider_reference, status, item_count,
            callback_url, message::text AS message, created_at, completed_at""";

    private final JdbcClient jdbc;

    public BatchStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public boolean insertIfAbsent(Batch b) {
        return jdbc.sql("""
                        INSERT INTO payment_batches (id, client_id, message_id, content_hash, operation, provider,
                            provider_reference, item_count, callback_url, message)
                        VALUES (:id, :client, :messageId, :hash, :operation, :provider, :reference, :items, :callbackUrl,
                            CAST(:message AS jsonb))
                        ON CONFLICT (client_id, message_id) DO NOTHING""")
                .param("id", b.id()).param("client", b.clientId()).param("messageId", b.messageId())
                .param("hash", b.contentHash()).param("operation", b.operation()).param("provider", b.provider())
                .param("reference", b.providerReference()).param("items", b.itemCount())
                .param("callbackUrl", b.callbackUrl()).param("message", b.message())
                .update() == 1;
    }

    public Optional<Batch> find(String id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM payment_batches WHERE id = :id").param("id", id)
                .query(BatchStore::map).optional();
    }

    public Optional<Batch> lock(String id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM payment_batches WHERE id = :id FOR UPDATE").param("id", id)
                .query(BatchStore::map).optional();
    }

    public Optional<Batch> findByMessage(String clientId, String messageId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM payment_batches WHERE client_id = :client AND message_id = :messageId")
                .param("client", clientId).param("messageId", messageId).query(BatchStore::map).optional();
    }

    /** The newest batches, of one client or (null) of all. */
    public List<Batch> recent(String clientId, int limit) {
        return (clientId == null
                ? jdbc.sql("SELECT " + COLUMNS + " FROM payment_batches ORDER BY created_at DESC, id DESC LIMIT :limit")
                : jdbc.sql("SELECT " + COLUMNS + " FROM payment_batches WHERE client_id = :client"
                        + " ORDER BY created_at DESC, id DESC LIMIT :limit").param("client", clientId))
                .param("limit", limit).query(BatchStore::map).list();
    }

    /** Every item of a batch, in item order, with its payment's state. */
    public List<Item> items(String batchId) {
        return jdbc.sql("""
                        SELECT batch_id, item_id, id, status, reason_code, amount_value, amount_currency
                        FROM payments WHERE batch_id = :batch ORDER BY item_id""")
                .param("batch", batchId)
                .query((rs, n) -> new Item(rs.getString("batch_id"), rs.getString("item_id"), rs.getString("id"),
                        PaymentStatus.valueOf(rs.getString("status")), rs.getString("reason_code"),
                        rs.getObject("amount_value", BigDecimal.class), rs.getString("amount_currency")))
                .list();
    }

    /** The ids of the items still ACCEPTED (never sent), locked for the claim. */
    public List<String> lockAccepted(String batchId) {
        return jdbc.sql("""
                        SELECT id FROM payments WHERE batch_id = :batch AND status = 'ACCEPTED'
                        ORDER BY item_id FOR UPDATE""")
                .param("batch", batchId).query(String.class).list();
    }

    public void markSubmitted(String batchId) {
        jdbc.sql("UPDATE payment_batches SET status = 'SUBMITTED', updated_at = now() WHERE id = :id AND status = 'ACCEPTED'")
                .param("id", batchId).update();
    }

    /** Batches not yet completed whose items are all final, locked (skipping any another hub holds). */
    public List<String> lockDone(int limit) {
        return jdbc.sql("""
                        SELECT b.id FROM payment_batches b
                        WHERE b.status <> 'COMPLETED'
                          AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.batch_id = b.id
                                          AND p.status IN ('ACCEPTED', 'SUBMITTED', 'PENDING', 'NEEDS_REVIEW'))
                        ORDER BY b.created_at LIMIT :limit FOR UPDATE OF b SKIP LOCKED""")
                .param("limit", limit).query(String.class).list();
    }

    /** The item that turned final last: the batch's own callback follows its callbacks. */
    public String lastFinished(String batchId) {
        return jdbc.sql("SELECT id FROM payments WHERE batch_id = :batch ORDER BY updated_at DESC, id LIMIT 1")
                .param("batch", batchId).query(String.class).single();
    }

    /**
     * Completes the batch (locked by the caller) when no item is unresolved; true only for the call that
     * completed it, so its callback is written once.
     */
    public boolean completeIfDone(String batchId) {
        int open = jdbc.sql("""
                        SELECT count(*) FROM payments
                        WHERE batch_id = :batch AND status IN ('ACCEPTED', 'SUBMITTED', 'PENDING', 'NEEDS_REVIEW')""")
                .param("batch", batchId).query(Integer.class).single();
        if (open > 0) {
            return false;
        }
        return jdbc.sql("""
                        UPDATE payment_batches SET status = 'COMPLETED', completed_at = now(), updated_at = now()
                        WHERE id = :id AND status <> 'COMPLETED'""")
                .param("id", batchId).update() == 1;
    }

    private static Batch map(ResultSet rs, int row) throws SQLException {
        Timestamp completed = rs.getTimestamp("completed_at");
        return new Batch(rs.getString("id"), rs.getString("client_id"), rs.getString("message_id"),
                rs.getString("content_hash"), rs.getString("operation"), rs.getString("provider"),
                rs.getString("provider_reference"), rs.getString("status"), rs.getInt("item_count"),
                rs.getString("callback_url"), rs.getString("message"), rs.getTimestamp("created_at").toInstant(),
                completed == null ? null : completed.toInstant());
    }

    /** An item of a batch: its payment and that payment's state. */
    public record Item(String batchId, String itemId, String paymentId, PaymentStatus status, String reasonCode,
                       BigDecimal amountValue, String amountCurrency) {
    }
}
