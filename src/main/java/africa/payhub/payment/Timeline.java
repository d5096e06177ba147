package africa.payhub.payment;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Redactor;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The timelines of payments and data requests: one machinery for both. Each resource's events are in a table
 * of its own ({@code payment_events}, {@code data_request_events}, the same columns), written and read here by
 * the same statements; details are redacted on the way in, so nothing sensitive is stored. SQL with named
 * parameters only: the table and column names are the {@link Subject}'s constants, never input.
 */
@Component("timeline")
public class Timeline {

    /** Whose timeline: its events are in {@code <subject>_events}, each naming the resource in {@code <subject>_id}. */
    public enum Subject {
        PAYMENT,
        DATA_REQUEST;

        private final String table = name().toLowerCase(Locale.ROOT) + "_events";
        private final String column = name().toLowerCase(Locale.ROOT) + "_id";
    }

    /** One entry of a timeline, as stored: its sequence, type, time, actor, status move and detail (JSON). */
    public record Event(long id, String type, Instant occurredAt, String actor, String statusFrom, String statusTo,
                        String detail) {
    }

    private final JdbcClient jdbc;

    /**
     * The detail of a status change, for either resource: its reason and reason code, each only when given.
     */
    public static ObjectNode statusDetail(String reason, String reasonCode) {
        ObjectNode detail = Json.object();
        if (reason != null) {
            detail.put("reason", reason);
        }
        if (reasonCode != null) {
            detail.put("reasonCode", reasonCode);
        }
        return detail;
    }

    public Timeline(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Records an event on a payment's timeline, its detail redacted. */
    public void record(String paymentId, String type, String actor, JsonNode detail) {
        record(Subject.PAYMENT, paymentId, type, actor, detail);
    }

    /** Records an event on the timeline of {@code subject}'s resource {@code id}, its detail redacted. */
    public void record(Subject subject, String id, String type, String actor, JsonNode detail) {
        add(subject, id, type, actor, null, null, detail == null ? null : Json.write(Redactor.redact(detail)));
    }

    /**
     * Records an event someone outside the hub can cause as often as they like (a partner's status check) only
     * while the payment has fewer than {@code max} of that type: a caller cannot grow a timeline without end.
     */
    public boolean recordAtMost(String paymentId, String type, String actor, JsonNode detail, int max) {
        if (count(Subject.PAYMENT, paymentId, type) >= max) {
            return false;
        }
        record(paymentId, type, actor, detail);
        return true;
    }

    /** Appends an event whose detail (JSON, or null) the caller built from redacted parts; a status move names both ends. */
    public void add(Subject subject, String id, String type, String actor, String statusFrom, String statusTo,
                    String detailJson) {
        jdbc.sql("INSERT INTO " + subject.table + " (" + subject.column + ", type, actor, status_from, status_to, detail)"
                        + " VALUES (:id, :type, :actor, :from, :to, CAST(:detail AS jsonb))")
                .param("id", id).param("type", type).param("actor", actor).param("from", statusFrom)
                .param("to", statusTo).param("detail", detailJson)
                .update();
    }

    /** How many events of one type the resource's timeline has. */
    public long count(Subject subject, String id, String type) {
        return jdbc.sql("SELECT count(*) FROM " + subject.table + " WHERE " + subject.column + " = :id AND type = :type")
                .param("id", id).param("type", type).query(Long.class).single();
    }

    /** A page of the timeline: at most {@code limit} events after the event {@code after}, oldest first. */
    public List<Event> events(Subject subject, String id, long after, int limit) {
        return jdbc.sql("SELECT id, type, occurred_at, actor, status_from, status_to, detail::text AS detail FROM "
                        + subject.table + " WHERE " + subject.column + " = :id AND id > :after ORDER BY id LIMIT :limit")
                .param("id", id).param("after", after).param("limit", limit)
                .query((rs, n) -> new Event(rs.getLong("id"), rs.getString("type"), instant(rs.getTimestamp("occurred_at")),
                        rs.getString("actor"), rs.getString("status_from"), rs.getString("status_to"), rs.getString("detail")))
                .list();
    }

    private static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }

    /** An event noted during a provider call, with the time it happened; written later, with the call's outcome. */
    public record Entry(String type, String actor, Instant at, String detailJson) {
    }

    /**
     * The events of one provider call (its requests and answers), kept until the call's outcome is applied
     * and written in that outcome's transaction: one commit for the call instead of one per event. The
     * claim before the call is committed on its own, as ever; these events only describe the call.
     */
    public static final class Pending {

        private final String paymentId;
        private final List<Entry> entries = new ArrayList<>();

        public Pending(String paymentId) {
            this.paymentId = paymentId;
        }

        public String paymentId() {
            return paymentId;
        }

        public synchronized void add(String type, String actor, JsonNode detail) {
            entries.add(new Entry(type, actor, Instant.now(), detail == null ? null : Json.write(Redactor.redact(detail))));
        }

        /** The entries so far, oldest first; the buffer is empty afterwards. */
        public synchronized List<Entry> drain() {
            List<Entry> out = List.copyOf(entries);
            entries.clear();
            return out;
        }
    }
}
