package africa.payhub.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Redactor;
import africa.payhub.canonical.Sensitive;
import africa.payhub.data.DataTimeline;
import africa.payhub.payment.Payment;
import africa.payhub.payment.PaymentStore;
import africa.payhub.payment.Timeline;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What the hub keeps of provider webhooks: each event key taken once (across restarts and instances), a row in
 * {@code provider_webhooks} for every webhook received (refused ones too, for housekeeping to drop), and, for a
 * verified one, an entry in the timeline of the payment or data request it concerned.
 */
@Component("webhookRecords")
public class WebhookRecords {

    private final JdbcClient jdbc;
    private final PaymentStore payments;
    private final Timeline timeline;
    private final DataTimeline dataTimeline;

    public WebhookRecords(JdbcClient jdbc, PaymentStore payments, Timeline timeline, DataTimeline dataTimeline) {
        this.jdbc = jdbc;
        this.payments = payments;
        this.timeline = timeline;
        this.dataTimeline = dataTimeline;
    }

    /** Takes the event key; false when it was taken before (a repeated delivery). A concurrent copy waits on it. */
    boolean firstOf(String eventKey) {
        return jdbc.sql("""
                        INSERT INTO camel_messageprocessed (processorname, messageid, createdat)
                        VALUES ('provider-webhooks', :key, now()) ON CONFLICT DO NOTHING""")
                .param("key", eventKey).update() == 1;
    }

    /** A webhook refused before it was read (its source, signature, token or shape): {@code outcome} says why. */
    void refused(String provider, boolean signatureValid, String outcome, InboundWebhook webhook) {
        save(provider, signatureValid, outcome, null, null, webhook, null);
    }

    /** Records a verified webhook ({@code outcome}: the mapping's), with what it did ({@code result}). */
    void recorded(String provider, String result, JsonNode outcome, InboundWebhook webhook) {
        String paymentId = webhook.paymentId();
        if (paymentId == null && outcome.hasNonNull("reference")) {
            paymentId = payments.findByProviderReference(provider, outcome.get("reference").asText())
                    .map(Payment::id).orElse(null);
        }
        String eventKey = storable(outcome.path("eventKey").asText(null));
        String dataRequestId = webhook.dataRequestId();
        if (dataRequestId != null && outcome.isObject()) {
            // a data result is kept once, with its request, not in every record of its delivery
            ObjectNode brief = ((ObjectNode) outcome).deepCopy();
            brief.remove("result");
            outcome = brief;
        }
        save(provider, true, result, eventKey, paymentId, webhook, outcome);
        if (paymentId != null) {
            timeline.record(paymentId, "WEBHOOK", provider + ":webhook", Json.object().put("result", result)
                    .put("eventKey", eventKey).set("outcome", outcome));
        }
        if (dataRequestId != null) {
            dataTimeline.record(dataRequestId, "WEBHOOK", provider + ":webhook", Json.object().put("result", result)
                    .put("eventKey", eventKey).set("outcome", outcome));
        }
    }

    /** An event key as a table keeps it: one holding something shaped like a card number only as its digest. */
    private static String storable(String eventKey) {
        return eventKey != null && Sensitive.containsPan(eventKey) ? "sha256:" + Json.sha256(eventKey) : eventKey;
    }

    /** Verified webhooks no payment matched in full (UNMATCHED, PARTLY_MATCHED), newest first: an operator's list. */
    public ArrayNode unmatched(String provider, int limit) {
        ArrayNode out = Json.NODES.arrayNode();
        jdbc.sql("""
                        SELECT id, provider, received_at, outcome, event_key, payment_id, CAST(detail AS text) AS detail
                        FROM provider_webhooks
                        WHERE signature_valid AND outcome IN ('UNMATCHED', 'PARTLY_MATCHED')
                          AND (CAST(:provider AS text) IS NULL OR provider = :provider)
                        ORDER BY id DESC LIMIT :limit""")
                .param("provider", provider).param("limit", limit)
                .query((rs, n) -> {
                    ObjectNode w = out.addObject();
                    w.put("webhookId", rs.getLong("id"));
                    w.put("provider", rs.getString("provider"));
                    w.put("receivedAt", rs.getTimestamp("received_at").toInstant().toString());
                    w.put("outcome", rs.getString("outcome"));
                    w.put("eventKey", rs.getString("event_key"));
                    if (rs.getString("payment_id") != null) {
                        w.put("paymentId", rs.getString("payment_id"));
                    }
                    if (rs.getString("detail") != null) {
                        w.set("detail", Json.toNode(rs.getString("detail")));
                    }
                    return w;
                }).list();
        return out;
    }

    private void save(String provider, boolean valid, String outcome, String eventKey, String paymentId,
                      InboundWebhook webhook, JsonNode detail) {
        jdbc.sql("""
                        INSERT INTO provider_webhooks (provider, signature_valid, outcome, event_key, payment_id, remote_addr,
                            body_sha256, detail, data_request_id)
                        VALUES (:provider, :valid, :outcome, :key, :payment, :remote, :sha, CAST(:detail AS jsonb), :dataRequest)""")
                .param("dataRequest", webhook.dataRequestId())
                .param("provider", provider).param("valid", valid).param("outcome", outcome).param("key", eventKey)
                .param("payment", paymentId).param("remote", webhook.remote())
                .param("sha", webhook.sha256())
                .param("detail", detail == null ? null : Json.write(Redactor.redact(detail)))
                .update();
    }
}
