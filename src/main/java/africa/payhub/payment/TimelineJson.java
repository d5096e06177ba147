package africa.payhub.payment;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;

/**
 * How a timeline reads in the API, the same for payments and data requests: an event (its sequence, type,
 * time, actor, status move and detail) and a callback with its deliveries. Details were redacted on write.
 */
public final class TimelineJson {

    private TimelineJson() {
    }

    /** Adds one event to {@code events}. */
    public static ObjectNode event(ArrayNode events, long sequence, String type, Instant at, String actor,
                                   String statusFrom, String statusTo, String detail) {
        ObjectNode n = events.addObject();
        n.put("sequence", sequence);
        n.put("type", type);
        n.put("at", format(at));
        if (actor != null) {
            n.put("actor", actor);
        }
        if (statusFrom != null) {
            n.put("statusFrom", statusFrom);
        }
        if (statusTo != null) {
            n.put("statusTo", statusTo);
        }
        if (detail != null) {
            n.set("detail", Json.toNode(detail));
        }
        return n;
    }

    /** Adds one callback, with where its deliveries stand, to {@code callbacks}. */
    public static ObjectNode callback(ArrayNode callbacks, UUID eventId, String status, int attempts, String url,
                                      Instant createdAt, Integer lastStatusCode, String lastError, Instant deliveredAt) {
        ObjectNode c = callbacks.addObject();
        c.put("eventId", eventId.toString());
        c.put("status", status);
        c.put("attempts", attempts);
        c.put("url", africa.payhub.canonical.Redactor.url(url));
        c.put("createdAt", format(createdAt));
        if (lastStatusCode != null) {
            c.put("lastStatusCode", lastStatusCode);
        }
        if (lastError != null) {
            c.put("lastError", lastError);
        }
        if (deliveredAt != null) {
            c.put("deliveredAt", format(deliveredAt));
        }
        return c;
    }

    /** An instant as the API writes it: ISO-8601, milliseconds, UTC. */
    public static String format(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS).toString();
    }
}
