package africa.payhub.payment;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import africa.payhub.canonical.Refusal;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Payments found by what an operator knows (status, provider, client, operation, when, a reference), newest
 * first, a page at a time. Pages are keyset-paged on (created_at, id): a cursor names the last row seen, so
 * a page never repeats or skips a row however many payments arrive meanwhile. The SQL is made of fixed
 * fragments with named parameters; nothing of the query's values is spliced in.
 */
@Repository
public class PaymentSearch {

    public static final int MAX_LIMIT = 200;

    private final JdbcClient jdbc;
    private final PaymentStore store;

    public PaymentSearch(JdbcClient jdbc, PaymentStore store) {
        this.jdbc = jdbc;
        this.store = store;
    }

    /**
     * What to look for; null (or empty) fields do not filter. {@code clientId} is the caller's own for a
     * client. {@code reference} matches a payment id, a message id, our provider reference or the
     * provider's transaction id.
     */
    public record Filter(String clientId, List<PaymentStatus> statuses, String provider, String operation,
                         Instant createdFrom, Instant createdTo, String reference) {
    }

    /** One page, and the cursor of the next one (null on the last page). */
    public record Page(List<Payment> payments, String nextCursor) {
    }

    public Page search(Filter filter, int limit, String cursor) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw Refusal.invalid("limit", "must be between 1 and " + MAX_LIMIT);
        }
        StringBuilder where = new StringBuilder("TRUE");
        Map<String, Object> params = new LinkedHashMap<>();
        if (filter.clientId() != null) {
            where.append(" AND client_id = :client");
            params.put("client", filter.clientId());
        }
        if (filter.statuses() != null && !filter.statuses().isEmpty()) {
            where.append(" AND status IN (:statuses)");
            params.put("statuses", filter.statuses().stream().map(Enum::name).toList());
        }
        if (filter.provider() != null) {
            where.append(" AND provider = :provider");
            params.put("provider", filter.provider());
        }
        if (filter.operation() != null) {
            where.append(" AND operation = :operation");
            params.put("operation", filter.operation());
        }
        if (filter.createdFrom() != null) {
            where.append(" AND created_at >= :from");
            params.put("from", Timestamp.from(filter.createdFrom()));
        }
        if (filter.createdTo() != null) {
            where.append(" AND created_at < :to");
            params.put("to", Timestamp.from(filter.createdTo()));
        }
        if (filter.reference() != null) {
            where.append(" AND (id = :ref OR message_id = :ref OR provider_reference = :ref OR provider_transaction_id = :ref)");
            params.put("ref", filter.reference());
        }
        if (cursor != null) {
            Cursor after = Cursor.parse(cursor);
            where.append(" AND (created_at, id) < (:afterAt, :afterId)");
            params.put("afterAt", Timestamp.from(after.createdAt()));
            params.put("afterId", after.id());
        }
        params.put("limit", limit + 1);
        List<Payment> found = store.select(where + " ORDER BY created_at DESC, id DESC LIMIT :limit", params);
        List<Payment> rows = new ArrayList<>(found.subList(0, Math.min(limit, found.size())));
        String next = found.size() > limit
                ? new Cursor(rows.get(rows.size() - 1).createdAt(), rows.get(rows.size() - 1).id()).encode() : null;
        return new Page(rows, next);
    }

    /** How many payments are in each status, per provider (every status present, zero when none). */
    public Map<String, Map<PaymentStatus, Long>> countsByProvider() {
        Map<String, Map<PaymentStatus, Long>> out = new TreeMap<>();
        jdbc.sql("SELECT provider, status, count(*) AS n FROM payments GROUP BY provider, status")
                .query(rs -> {
                    out.computeIfAbsent(rs.getString("provider"), p -> zeroes())
                            .put(PaymentStatus.valueOf(rs.getString("status")), rs.getLong("n"));
                });
        return out;
    }

    public static Map<PaymentStatus, Long> zeroes() {
        Map<PaymentStatus, Long> m = new EnumMap<>(PaymentStatus.class);
        for (PaymentStatus s : PaymentStatus.values()) {
            m.put(s, 0L);
        }
        return m;
    }

    /** The position after a row: opaque to callers (base64url of its creation time and id). */
    record Cursor(Instant createdAt, String id) {

        String encode() {
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((createdAt + "|" + id).getBytes(StandardCharsets.UTF_8));
        }

        static Cursor parse(String cursor) {
            try {
                String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                int bar = text.indexOf('|');
                return new Cursor(Instant.parse(text.substring(0, bar)), text.substring(bar + 1));
            } catch (RuntimeException e) {
                throw Refusal.invalid("cursor", "is not a cursor this API gave out (use nextCursor from the previous page)");
            }
        }
    }
}
