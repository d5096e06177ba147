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

    /** The bucket sizes {@link #statistics} groups by (PostgreSQL's date_trunc units). */
    public static final List<String> BUCKETS = List.of("minute", "hour", "day");

    /**
     * One provider's figures in one time bucket: the payments created then (how many, how many the provider
     * carried, SUCCEEDED or REVERSED, and how many FAILED) and the provider's answers to calls for those
     * payments (how many, how many with HTTP 5xx or none, and the median and 95th percentile of their time).
     */
    public record Bucket(Instant at, String provider, long payments, long succeeded, long failed, long calls,
                         long callErrors, Double latencyP50Ms, Double latencyP95Ms) {
    }

    /**
     * Volume, outcomes and provider latency by time bucket ({@code minute}, {@code hour} or {@code day}, in UTC)
     * and provider, for payments created in [{@code from}, {@code to}), from the payments and their timelines
     * (PROVIDER_RESPONSE events, with their durationMs): found through the payments of the period, so only
     * the creation-time index is read. {@code provider}: one, or null for all.
     */
    public List<Bucket> statistics(Instant from, Instant to, String bucket, String provider) {
        if (!BUCKETS.contains(bucket)) {
            throw Refusal.invalid("bucket", "must be one of " + BUCKETS);
        }
        Map<String, Bucket> out = new TreeMap<>();
        String only = provider == null ? "" : " AND p.provider = :provider";
        var payments = period("""
                SELECT date_trunc(:unit, p.created_at, 'UTC') AS at, p.provider, count(*) AS payments,
                       count(*) FILTER (WHERE p.status IN ('SUCCEEDED', 'REVERSED')) AS succeeded,
                       count(*) FILTER (WHERE p.status = 'FAILED') AS failed
                FROM payments p
                WHERE p.created_at >= :from AND p.created_at < :to""" + only + """

                GROUP BY 1, 2""", bucket, from, to, provider);
        payments.query(rs -> {
            Instant at = rs.getTimestamp("at").toInstant();
            out.put(at + "|" + rs.getString("provider"), new Bucket(at, rs.getString("provider"), rs.getLong("payments"),
                    rs.getLong("succeeded"), rs.getLong("failed"), 0, 0, null, null));
        });
        var calls = period("""
                SELECT date_trunc(:unit, p.created_at, 'UTC') AS at, p.provider, count(*) AS calls,
                       count(*) FILTER (WHERE COALESCE(CAST(e.detail ->> 'httpStatus' AS integer), 0) NOT BETWEEN 1 AND 499) AS errors,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY CAST(e.detail ->> 'durationMs' AS double precision)) AS p50,
                       percentile_cont(0.95) WITHIN GROUP (ORDER BY CAST(e.detail ->> 'durationMs' AS double precision)) AS p95
                FROM payments p JOIN payment_events e ON e.payment_id = p.id
                WHERE p.created_at >= :from AND p.created_at < :to AND e.type = 'PROVIDER_RESPONSE'""" + only + """

                GROUP BY 1, 2""", bucket, from, to, provider);
        calls.query(rs -> {
            Instant at = rs.getTimestamp("at").toInstant();
            String key = at + "|" + rs.getString("provider");
            Bucket b = out.get(key);
            double p50 = rs.getDouble("p50");
            Double p50Ms = rs.wasNull() ? null : p50;
            double p95 = rs.getDouble("p95");
            Double p95Ms = rs.wasNull() ? null : p95;
            out.put(key, new Bucket(at, rs.getString("provider"), b == null ? 0 : b.payments(), b == null ? 0 : b.succeeded(),
                    b == null ? 0 : b.failed(), rs.getLong("calls"), rs.getLong("errors"), p50Ms, p95Ms));
        });
        return new ArrayList<>(out.values());
    }

    /** A statistics query with its period's parameters bound (and the provider's, when there is one). */
    private JdbcClient.StatementSpec period(String sql, String bucket, Instant from, Instant to, String provider) {
        JdbcClient.StatementSpec spec = jdbc.sql(sql).param("unit", bucket).param("from", Timestamp.from(from))
                .param("to", Timestamp.from(to));
        return provider == null ? spec : spec.param("provider", provider);
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
