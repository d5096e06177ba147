package africa.payhub.payment;

import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;

/**
 * What a provider interaction means for a payment, in the hub's terms. Response and webhook mappings
 * produce it (as JSON); the error handlers produce it for failures. Fields:
 * <ul>
 *   <li>{@code outcome}: STATUS (the provider told us a status), REJECTED (refused, final), UNKNOWN (may have
 *       been processed), NOT_SENT (certainly not processed), NOT_FOUND (provider has no such reference),
 *       IGNORED (nothing to do, e.g. a webhook event type the hub does not use), NOTICE (a webhook that
 *       changes no status but concerns payments: a settlement, a rejected transfer; {@code notice} names it,
 *       {@code matches} lists {reference, providerTransactionId} of the payments it concerns, {@code detail}
 *       is what their clients are told);</li>
 *   <li>{@code providerStatus}: the provider's own status, mapped through its statuses.yaml;</li>
 *   <li>{@code reference}: our reference (webhooks), {@code providerTransactionId}: theirs;</li>
 *   <li>{@code amount} {value, currency}: what the provider says moved, checked against the payment;</li>
 *   <li>{@code result}: operation output shown in the payment view; {@code eventKey}: webhook de-duplication.</li>
 * </ul>
 */
public record Outcome(Kind kind, String providerStatus, String reference, String providerTransactionId,
                      String reason, String reasonCode, JsonNode amount, JsonNode result, String eventKey,
                      Duration retryAfter, JsonNode json) {

    public enum Kind { STATUS, REJECTED, UNKNOWN, NOT_SENT, NOT_FOUND, IGNORED, NOTICE }

    public static Outcome from(Object body) {
        JsonNode n = Json.toNode(body);
        if (!n.isObject() || !n.hasNonNull("outcome")) {
            throw new IllegalStateException("a mapping produced no 'outcome': " + Json.write(africa.payhub.canonical.Redactor.redact(n)));
        }
        Kind kind;
        try {
            kind = Kind.valueOf(n.get("outcome").asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("unknown outcome '" + n.get("outcome").asText() + "' from a mapping");
        }
        return new Outcome(kind, text(n, "providerStatus"), text(n, "reference"), text(n, "providerTransactionId"),
                text(n, "reason"), text(n, "reasonCode"), n.get("amount"), n.get("result"), text(n, "eventKey"),
                n.hasNonNull("retryAfterSeconds") ? Duration.ofSeconds(n.get("retryAfterSeconds").asLong()) : null, n);
    }

    public static ObjectNode of(Kind kind, String reason) {
        ObjectNode n = Json.object();
        n.put("outcome", kind.name());
        if (reason != null) {
            n.put("reason", reason);
        }
        return n;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
