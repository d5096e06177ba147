package africa.payhub.callback;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import africa.payhub.canonical.Json;
import africa.payhub.config.ClientRegistry;
import africa.payhub.config.HubProperties;
import africa.payhub.data.DataTimeline;
import africa.payhub.payment.NotificationStore;
import africa.payhub.payment.PaymentStore;
import africa.payhub.payment.Timeline;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Delivers the callback outbox to enterprise systems. Each callback is POSTed with
 * {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with the client's callback secret>}
 * and {@code X-Hub-Event-Id}; a non-2xx answer or no answer is retried on the configured ladder, after
 * which the callback is DEAD until redelivered.
 */
@Component("callbacks")
public class CallbackDelivery {

    public static final String SIGNATURE_HEADER = "X-Hub-Signature-256";
    public static final String EVENT_ID_HEADER = "X-Hub-Event-Id";
    /** On a callback a person queued again: it may arrive after a newer one, so the receiver can tell. */
    public static final String REDELIVERY_HEADER = "X-Hub-Redelivery";
    static final String EVENT = "hubCallbackEvent";

    private static final Logger LOG = LoggerFactory.getLogger(CallbackDelivery.class);

    private final NotificationStore store;
    private final PaymentStore payments;
    private final ClientRegistry clients;
    private final Timeline timeline;
    private final DataTimeline dataTimeline;
    private final List<Duration> ladder;
    private final Clock clock;

    public CallbackDelivery(NotificationStore store, PaymentStore payments, ClientRegistry clients, Timeline timeline,
                            DataTimeline dataTimeline, HubProperties properties, Clock clock) {
        this.store = store;
        this.payments = payments;
        this.dataTimeline = dataTimeline;
        this.clients = clients;
        this.timeline = timeline;
        this.ladder = List.copyOf(properties.callbacks().retryDelays());
        this.clock = clock;
    }

    /** Turns a claimed outbox row (body: a row with event_id) into the signed HTTP request. */
    public void prepare(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        UUID eventId = body instanceof Map<?, ?> row ? (UUID) row.get("event_id") : UUID.fromString(body.toString());
        NotificationStore.Notification n = store.find(eventId).orElse(null);
        Message msg = exchange.getMessage();
        msg.removeHeaders("*");
        if (n == null || !"PENDING".equals(n.status())) {
            exchange.setProperty("hubSkip", true);
            return;
        }
        HubProperties.Client client = clients.client(n.clientId()).orElse(null);
        if (client == null || client.callbackSecret() == null || client.callbackSecret().isBlank()) {
            store.failed(eventId, null, "client " + n.clientId() + " has no callback secret configured", null);
            exchange.setProperty("hubSkip", true);
            return;
        }
        byte[] payload = (n.redelivery() ? redelivered(n) : n.payload()).getBytes(StandardCharsets.UTF_8);
        msg.setBody(payload);
        msg.setHeader(Exchange.HTTP_METHOD, "POST");
        msg.setHeader(Exchange.HTTP_URI, n.url());
        msg.setHeader(Exchange.CONTENT_TYPE, "application/json");
        msg.setHeader(SIGNATURE_HEADER, "sha256=" + sign(payload, client.callbackSecret().bytes()));
        msg.setHeader(EVENT_ID_HEADER, eventId.toString());
        msg.setHeader("X-Hub-Event-Type", n.paymentId() == null ? "data-request.status.changed" : "payment.status.changed");
        if (n.redelivery()) {
            msg.setHeader(REDELIVERY_HEADER, "true");
        }
        msg.setHeader("User-Agent", "payment-hub-callbacks/1");
        exchange.setProperty(EVENT, n);
        exchange.setProperty("hubSkip", false);
    }

    /**
     * The event as first queued, with {@code redelivery: true} and the payment's status now
     * ({@code currentStatus}): a receiver that already has a newer status can ignore it.
     */
    private String redelivered(NotificationStore.Notification n) {
        com.fasterxml.jackson.databind.node.ObjectNode event = (com.fasterxml.jackson.databind.node.ObjectNode) Json.toNode(n.payload());
        event.put("redelivery", true);
        payments.find(n.paymentId()).ifPresent(p -> event.put("currentStatus", p.status().name()));
        return Json.write(event);
    }

    /** After the POST: 2xx is delivered, anything else is a failed attempt. */
    public void result(Exchange exchange) {
        NotificationStore.Notification n = exchange.getProperty(EVENT, NotificationStore.Notification.class);
        int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        if (status >= 200 && status < 300) {
            store.delivered(n.eventId(), status);
            attempt(n, status, null, "DELIVERED", null);
        } else {
            failedAttempt(n, status, "HTTP " + status);
        }
    }

    /** The POST did not complete (refused, timed out). */
    public void failure(Exchange exchange) {
        NotificationStore.Notification n = exchange.getProperty(EVENT, NotificationStore.Notification.class);
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (n == null) {
            LOG.warn("Callback delivery failed before it started: {}", String.valueOf(e));
            return;
        }
        failedAttempt(n, null, e == null ? "no answer" : e.getClass().getSimpleName());
    }

    private void failedAttempt(NotificationStore.Notification n, Integer status, String error) {
        int attempt = n.attempts() + 1;
        Instant next = attempt <= ladder.size() ? clock.instant().plus(ladder.get(attempt - 1)) : null;
        store.failed(n.eventId(), status, error, next);
        attempt(n, status, error, next == null ? "DEAD" : "RETRY", next);
        if (next == null) {
            LOG.warn("Callback {} for payment {} is dead after {} attempts ({})", n.eventId(), n.paymentId(), attempt, error);
        }
    }

    private void attempt(NotificationStore.Notification n, Integer status, String error, String result, Instant next) {
        var detail = Json.object().put("eventId", n.eventId().toString()).put("attempt", n.attempts() + 1)
                .put("result", result);
        if (status != null) {
            detail.put("httpStatus", status);
        }
        if (error != null) {
            detail.put("error", error);
        }
        if (next != null) {
            detail.put("nextAttemptAt", next.toString());
        }
        if (n.paymentId() != null) {
            timeline.record(n.paymentId(), "CALLBACK_ATTEMPT", "hub", detail);
        } else {
            dataTimeline.record(n.dataRequestId(), "CALLBACK_ATTEMPT", "hub", detail);
        }
    }

    /** Queues a callback again (from the API); true when it was DEAD or DELIVERED and is now PENDING. */
    public boolean redeliver(String paymentId, UUID eventId, String by) {
        NotificationStore.Notification n = store.find(eventId).filter(x -> paymentId.equals(x.paymentId())).orElse(null);
        if (n == null) {
            return false;
        }
        if (!store.redeliver(eventId)) {
            return true; // already queued
        }
        timeline.record(paymentId, "CALLBACK_REDELIVERY", by, Json.object().put("eventId", eventId.toString()));
        return true;
    }

    public static String sign(byte[] payload, byte[] secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(payload));
        } catch (Exception e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }
}
