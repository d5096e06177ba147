package africa.payhub.callback;

import africa.payhub.exchange.HubKeys;

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

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import africa.payhub.canonical.Json;
import jakarta.annotation.PreDestroy;
import org.apache.camel.ProducerTemplate;
import africa.payhub.config.ClientRegistry;
import africa.payhub.config.HubProperties;
import africa.payhub.data.DataTimeline;
import africa.payhub.payment.NotificationStore;
import africa.payhub.payment.PaymentStore;
import africa.payhub.payment.Timeline;
import org.apache.camel.Exchange;
import org.apache.camel.component.http.HttpMethods;
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
@Component("callbackDelivery")
public class CallbackDelivery {

    public static final String SIGNATURE_HEADER = "X-Hub-Signature-256";
    public static final String EVENT_ID_HEADER = "X-Hub-Event-Id";
    /** On a callback a person queued again: it may arrive after a newer one, so the receiver can tell. */
    public static final String REDELIVERY_HEADER = "X-Hub-Redelivery";
    static final String DELIVERY_FAILED = "delivery failed";

    private static final Logger LOG = LoggerFactory.getLogger(CallbackDelivery.class);

    private final NotificationStore store;
    private final PaymentStore payments;
    private final ClientRegistry clients;
    private final Timeline timeline;
    private final DataTimeline dataTimeline;
    private final List<Duration> ladder;
    private final Clock clock;
    private final CallbackTargets targets;
    private final ProducerTemplate template;
    private final int perClient;
    private final ThreadPoolExecutor senders;
    private final Map<String, Semaphore> busy = new ConcurrentHashMap<>();

    public CallbackDelivery(NotificationStore store, PaymentStore payments, ClientRegistry clients, Timeline timeline,
                            DataTimeline dataTimeline, HubProperties properties, Clock clock, CallbackTargets targets,
                            ProducerTemplate template) {
        this.targets = targets;
        this.template = template;
        this.perClient = Math.max(1, properties.callbacks().perClientConcurrency());
        int threads = Math.max(perClient, properties.callbacks().concurrency());
        this.senders = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> {
                    Thread t = new Thread(r, "hub-callbacks");
                    t.setDaemon(true);
                    return t;
                });
        this.senders.allowCoreThreadTimeOut(true);
        this.store = store;
        this.payments = payments;
        this.dataTimeline = dataTimeline;
        this.clients = clients;
        this.timeline = timeline;
        this.ladder = List.copyOf(properties.callbacks().retryDelays());
        this.clock = clock;
    }

    /**
     * Body: the claimed rows ({@code event_id}, {@code client_id}). A client's rows are shared among at most
     * {@code hub.callbacks.per-client-concurrency} lanes, each sending its rows one after another on its own
     * thread, so a receiver that hangs holds only its own client's lanes; rows of a client with no free lane
     * are given back for the next round. (A round claims at most {@code hub.callbacks.per-client-batch} rows
     * per client, few enough that a lane finishes well within the two-minute claim.)
     */
    public void dispatch(Exchange exchange) {
        List<?> rows = exchange.getMessage().getBody(List.class);
        if (rows == null) {
            return;
        }
        Map<String, List<UUID>> byClient = new java.util.LinkedHashMap<>();
        for (Object o : rows) {
            Map<?, ?> row = (Map<?, ?>) o;
            byClient.computeIfAbsent(String.valueOf(row.get("client_id")), c -> new java.util.ArrayList<>())
                    .add((UUID) row.get("event_id"));
        }
        byClient.forEach((client, events) -> {
            Semaphore permits = busy.computeIfAbsent(client, c -> new Semaphore(perClient));
            int lanes = 0;
            while (lanes < events.size() && permits.tryAcquire()) {
                lanes++;
            }
            if (lanes == 0) {
                events.forEach(store::release);
                return;
            }
            for (int lane = 0; lane < lanes; lane++) {
                List<UUID> mine = new java.util.ArrayList<>();
                for (int k = lane; k < events.size(); k += lanes) {
                    mine.add(events.get(k));
                }
                try {
                    senders.execute(() -> {
                        try {
                            mine.forEach(eventId -> template.sendBody("direct:deliver-callback", eventId));
                        } finally {
                            permits.release();
                        }
                    });
                } catch (RejectedExecutionException full) {
                    permits.release();
                    mine.forEach(store::release);
                }
            }
        });
    }

    @PreDestroy
    void stop() {
        senders.shutdown();
    }

    /** Callbacks being sent now for a client. */
    public int inFlight(String clientId) {
        Semaphore s = busy.get(clientId);
        return s == null ? 0 : perClient - s.availablePermits();
    }

    /** Turns a claimed outbox row (body: a row with event_id) into the signed HTTP request. */
    public void prepare(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        UUID eventId = body instanceof Map<?, ?> row ? (UUID) row.get("event_id") : UUID.fromString(body.toString());
        NotificationStore.Notification n = store.find(eventId).orElse(null);
        Message msg = exchange.getMessage();
        msg.removeHeaders("*");
        if (n == null || !"PENDING".equals(n.status())) {
            exchange.removeProperty(HubKeys.CALLBACK_EVENT);
            return;
        }
        HubProperties.Client client = clients.client(n.clientId()).orElse(null);
        if (client == null || client.callbackSecret() == null || client.callbackSecret().isBlank()) {
            store.failed(eventId, null, "client " + n.clientId() + " has no callback secret configured", null);
            exchange.removeProperty(HubKeys.CALLBACK_EVENT);
            return;
        }
        String refused = targets.refusal(n.clientId(), n.url()).orElse(null);
        if (refused != null) {
            // checked again after a fresh resolution: a host may have come to point somewhere it must not
            LOG.warn("Callback {} for payment {} not sent: its URL {}", eventId, n.paymentId(), refused);
            store.failed(eventId, null, DELIVERY_FAILED, null);
            attempt(n, null, DELIVERY_FAILED, "DEAD", null);
            exchange.removeProperty(HubKeys.CALLBACK_EVENT);
            return;
        }
        byte[] payload = (n.redelivery() ? redelivered(n) : n.payload()).getBytes(StandardCharsets.UTF_8);
        msg.setBody(payload);
        msg.setHeader(Exchange.HTTP_METHOD, HttpMethods.POST);
        msg.setHeader(Exchange.HTTP_URI, n.url());
        msg.setHeader(Exchange.CONTENT_TYPE, "application/json");
        msg.setHeader(SIGNATURE_HEADER, "sha256=" + sign(payload, client.callbackSecret().bytes()));
        msg.setHeader(EVENT_ID_HEADER, eventId.toString());
        msg.setHeader("X-Hub-Event-Type", n.paymentId() == null ? "data-request.status.changed" : "payment.status.changed");
        if (n.redelivery()) {
            msg.setHeader(REDELIVERY_HEADER, "true");
        }
        msg.setHeader("User-Agent", "payment-hub-callbacks/1");
        exchange.setProperty(HubKeys.CALLBACK_EVENT, n);
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
        NotificationStore.Notification n = exchange.getProperty(HubKeys.CALLBACK_EVENT, NotificationStore.Notification.class);
        int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        if (status >= 200 && status < 300) {
            store.delivered(n.eventId(), status);
            attempt(n, status, null, "DELIVERED", null);
        } else {
            failedAttempt(n, status, DELIVERY_FAILED);
        }
    }

    /** The POST did not complete (refused, timed out). */
    public void failure(Exchange exchange) {
        NotificationStore.Notification n = exchange.getProperty(HubKeys.CALLBACK_EVENT, NotificationStore.Notification.class);
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (n == null) {
            LOG.warn("Callback delivery failed before it started: {}", String.valueOf(e));
            return;
        }
        // what went wrong on the network stays in the hub's log: the client's timeline says only that it failed
        LOG.debug("Callback {} for payment {}: {}", n.eventId(), n.paymentId(), e == null ? "no answer" : e.getClass().getName());
        failedAttempt(n, null, DELIVERY_FAILED);
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
