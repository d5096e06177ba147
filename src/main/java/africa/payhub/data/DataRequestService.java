package africa.payhub.data;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Redactor;
import africa.payhub.canonical.Refusal;
import africa.payhub.config.ClientRegistry;
import africa.payhub.config.HubProperties;
import africa.payhub.payment.Outcome;
import africa.payhub.payment.Timeline;
import africa.payhub.payment.TimelineJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Data requests as enterprise systems see them: accepted once per request id, sent to the provider with a
 * fresh echoed token, settled by the provider's webhook (or refused, or expired), each final status
 * written with its callback in one transaction. Takes and returns plain values; the routes reach it
 * through the provider layer's adapter.
 */
@Service("dataRequestService")
public class DataRequestService {

    public static final String EVENT_TYPE = "data-request.status.changed";

    private static final Logger LOG = LoggerFactory.getLogger(DataRequestService.class);

    private final DataRequestStore store;
    private final ClientRegistry clients;
    private final DataRequestProperties properties;
    private final Clock clock;

    public DataRequestService(DataRequestStore store, ClientRegistry clients, DataRequestProperties properties, Clock clock) {
        this.store = store;
        this.clients = clients;
        this.properties = properties;
        this.clock = clock;
    }

    public record Accepted(DataRequest request, boolean created) {
    }

    /** What the provider is sent: the call input for the mappings, and the token it must echo. */
    public record Send(String id, String provider, String kind, ObjectNode input, String token) {
    }

    /**
     * Stores the request once per client and request id: the same content again gives the stored request,
     * other content a 422. Concurrent posts serialise on the unique key.
     */
    @Transactional
    public Accepted accept(String clientId, ObjectNode request, String provider) {
        String requestId = request.path("requestId").asText();
        String hash = Json.sha256(Json.canonical(request));
        Optional<DataRequest> earlier = store.findByRequest(clientId, requestId);
        if (earlier.isPresent()) {
            return replay(earlier.get(), hash, requestId);
        }
        String id = UUID.randomUUID().toString();
        String callbackUrl = request.hasNonNull("callbackUrl") ? request.get("callbackUrl").asText()
                : clients.client(clientId).map(HubProperties.Client::callbackUrl).orElse(null);
        DataRequest candidate = new DataRequest(id, clientId, requestId, hash, request.path("kind").asText(), provider,
                DataRequestStatus.ACCEPTED, Json.write(request), callbackUrl, null, null, null, null, null, null, null, 0,
                clock.instant().plus(properties.acceptedGrace()), null, null, null);
        if (store.insertIfAbsent(candidate)) {
            ObjectNode detail = Json.object().put("requestId", requestId).put("kind", candidate.kind())
                    .put("provider", provider).put("contentSha256", hash);
            store.addEvent(id, "ACCEPTED", "client:" + clientId, null, DataRequestStatus.ACCEPTED, Json.write(detail));
            return new Accepted(store.find(id).orElseThrow(), true);
        }
        DataRequest existing = store.findByRequest(clientId, requestId).orElseThrow(
                () -> Refusal.conflict("request " + requestId + " is being accepted by another call; retry"));
        return replay(existing, hash, requestId);
    }

    private static Accepted replay(DataRequest existing, String hash, String requestId) {
        if (!existing.contentHash().equals(hash)) {
            throw Refusal.unprocessable("requestId " + requestId + " was already used for a different request"
                    + " (data request " + existing.id() + "); a request id can be used once, for one content");
        }
        return new Accepted(existing, false);
    }

    /** The request if the caller may see it; another client's is not found. */
    public DataRequest visible(String id, String clientScope) {
        return store.find(id).filter(r -> clientScope == null || r.clientId().equals(clientScope))
                .orElseThrow(() -> Refusal.notFound("no data request of this caller has this id"));
    }

    /** The newest data requests the caller may see (a client's own; every client's for an operator, null scope). */
    public java.util.List<DataRequest> recent(String clientScope, int limit) {
        return store.recent(clientScope, limit);
    }

    public Optional<DataRequest> byRequestId(String clientId, String requestId) {
        return store.findByRequest(clientId, requestId);
    }

    // ------------------------------------------------------------------ sending

    /**
     * Claims an ACCEPTED request for a send: a fresh token (only its hash is kept), one more attempt, a lease.
     * {@code leased}: the poller already leased it; otherwise only a request nobody has tried yet is taken.
     */
    @Transactional
    public Optional<Send> claimForSend(String id, boolean leased) {
        DataRequest r = store.lock(id).orElse(null);
        if (r == null || r.status() != DataRequestStatus.ACCEPTED || (!leased && r.sendAttempts() > 0)) {
            return Optional.empty();
        }
        String token = EchoedTokens.issue(r.id());
        store.startSend(r.id(), EchoedTokens.hash(token), clock.instant().plus(properties.lease()));
        store.addEvent(r.id(), "SEND", "hub", null, null, Json.write(Json.object().put("attempt", r.sendAttempts() + 1)));
        ObjectNode input = Json.object();
        ObjectNode request = (ObjectNode) Json.toNode(r.request());
        input.set("dataRequest", Json.object().put("id", r.id()).put("kind", r.kind()).put("requestId", r.requestId())
                .put("clientId", r.clientId()).put("businessId", request.path("businessId").asText(null))
                .put("email", request.path("email").asText(null)));
        input.set("request", request);
        return Optional.of(new Send(r.id(), r.provider(), r.kind(), input, token));
    }

    /** What the provider said to the send. Nothing moves a request that is no longer ACCEPTED (a webhook was faster). */
    @Transactional
    public DataRequestStatus applySendOutcome(String id, Outcome outcome) {
        DataRequest r = store.lock(id).orElseThrow();
        if (r.status() != DataRequestStatus.ACCEPTED) {
            store.addEvent(id, "SEND_OUTCOME_IGNORED", r.provider(), null, null, Json.write(Json.object()
                    .put("outcome", outcome.kind().name()).put("status", r.status().name())));
            return r.status();
        }
        Instant now = clock.instant();
        switch (outcome.kind()) {
            case STATUS -> {
                if ("COMPLETED".equals(outcome.json().path("status").asText())) {
                    complete(r, outcome, null, r.provider());
                } else {
                    if (outcome.result() != null && !outcome.result().isNull()) {
                        store.providerDetail(id, Json.write(Redactor.redact(outcome.result())));
                    }
                    change(r, DataRequestStatus.REQUESTED, outcome.reason(), null, r.provider(), now.plus(properties.expireAfter()));
                }
            }
            case REJECTED -> change(r, DataRequestStatus.FAILED, outcome.reason(),
                    outcome.reasonCode() == null ? "PROVIDER_REJECTED" : outcome.reasonCode(), r.provider(), null);
            case NOT_SENT -> {
                if (r.sendAttempts() >= properties.maxSendAttempts()) {
                    change(r, DataRequestStatus.FAILED, "the provider could not be reached after " + r.sendAttempts()
                            + " attempts; nothing was sent: " + outcome.reason(), "PROVIDER_UNAVAILABLE", "hub", null);
                } else {
                    Instant next = now.plus(outcome.retryAfter() != null ? outcome.retryAfter()
                            : properties.resendDelay().multipliedBy(r.sendAttempts()));
                    store.due(id, next);
                    store.addEvent(id, "NOT_SENT", "hub", null, null, Json.write(Json.object()
                            .put("reason", outcome.reason()).put("nextAttemptAt", format(next))));
                }
            }
            // may have reached the provider: its answer comes by webhook, or the request expires; never resent
            default -> change(r, DataRequestStatus.REQUESTED, "the provider's answer to the request was lost ("
                    + outcome.reason() + "); waiting for its webhook", null, "hub", now.plus(properties.expireAfter()));
        }
        return store.find(id).orElseThrow().status();
    }

    // ------------------------------------------------------------------ webhooks and expiry

    /**
     * A verified webhook for the request (its echoed token matched): the result is stored and the request
     * completes or fails, with its callback. Returns what it did: APPLIED, or DUPLICATE when it was settled.
     */
    @Transactional
    public String applyWebhook(String id, Outcome outcome, String bodySha256) {
        DataRequest r = store.lock(id).orElseThrow();
        if (r.status().isFinal()) {
            return "DUPLICATE";
        }
        if (outcome.kind() == Outcome.Kind.IGNORED) {
            return "IGNORED";
        }
        String status = outcome.json().path("status").asText("");
        if ("FAILED".equals(status) || outcome.kind() == Outcome.Kind.REJECTED) {
            store.result(id, outcome.result() == null || outcome.result().isNull() ? null : Json.write(outcome.result()),
                    null, bodySha256);
            change(r, DataRequestStatus.FAILED, outcome.reason(), outcome.reasonCode() == null ? "PROVIDER_FAILED"
                    : outcome.reasonCode(), r.provider() + ":webhook", null);
        } else {
            complete(r, outcome, bodySha256, r.provider() + ":webhook");
        }
        return "APPLIED";
    }

    private void complete(DataRequest r, Outcome outcome, String bodySha256, String actor) {
        JsonNode result = outcome.result() == null ? Json.NODES.nullNode() : outcome.result();
        store.result(r.id(), Json.write(result), items(result).map(JsonNode::size).orElse(null), bodySha256);
        change(r, DataRequestStatus.COMPLETED, outcome.reason(), null, actor, null);
    }

    /** Expires an overdue REQUESTED request, with its callback; true when it did. */
    @Transactional
    public boolean expire(String id) {
        DataRequest r = store.lock(id).orElse(null);
        if (r == null || r.status() != DataRequestStatus.REQUESTED || r.dueAt() == null || r.dueAt().isAfter(clock.instant())) {
            return false;
        }
        change(r, DataRequestStatus.EXPIRED, "no answer from " + r.provider() + " within " + properties.expireAfter()
                + " of the request (its webhook retries are over)", "EXPIRED", "hub", null);
        return true;
    }

    /** Leases up to a batch of ACCEPTED requests that are due (left behind, or waiting to be sent again). */
    public List<String> dueToSend() {
        return store.claimDueToSend(properties.batchSize(), clock.instant().plus(properties.lease()));
    }

    public List<String> overdue() {
        return store.overdue(properties.batchSize());
    }

    /** The one way a status changes: the row is locked, the trigger guards, the callback joins the transaction. */
    private void change(DataRequest locked, DataRequestStatus to, String reason, String reasonCode, String actor, Instant due) {
        DataRequestStatus from = locked.status();
        if (!from.canMoveTo(to) || from == to) {
            store.addEvent(locked.id(), "TRANSITION_REFUSED", actor, from, to,
                    Json.write(Json.object().put("reason", "a " + from + " data request cannot become " + to)));
            return;
        }
        if (!store.updateStatus(locked.id(), from, to, reason, reasonCode, due)) {
            throw new IllegalStateException("data request " + locked.id() + " changed under a row lock");
        }
        ObjectNode detail = Timeline.statusDetail(reason, reasonCode);
        if (due != null) {
            detail.put(to == DataRequestStatus.REQUESTED ? "expiresAt" : "dueAt", format(due));
        }
        store.addEvent(locked.id(), "STATUS_CHANGED", actor, from, to, Json.write(detail));
        // the reason is in the request's timeline; a provider's reason may repeat what the client sent (a business
        // id, an e-mail address), which a log line does not carry: its reason code only
        LOG.info("Data request {} {} -> {} ({}){}", locked.id(), from, to, actor, reasonCode == null ? "" : ": " + reasonCode);
        if (to.isFinal()) {
            enqueueCallback(store.find(locked.id()).orElseThrow(), from);
        }
    }

    private void enqueueCallback(DataRequest r, DataRequestStatus previous) {
        if (r.callbackUrl() == null || r.callbackUrl().isBlank()) {
            return;
        }
        UUID eventId = UUID.randomUUID();
        ObjectNode payload = Json.object();
        payload.put("eventId", eventId.toString());
        payload.put("eventType", EVENT_TYPE);
        payload.put("occurredAt", format(clock.instant()));
        payload.put("previousStatus", previous.name());
        ObjectNode view = view(r);
        if (r.result() != null && r.result().getBytes(StandardCharsets.UTF_8).length <= properties.inlineResultBytes()) {
            view.set("result", Json.toNode(r.result()));
        }
        payload.set("dataRequest", view);
        store.enqueueCallback(eventId, r.id(), r.clientId(), r.callbackUrl(), Json.write(payload));
        store.addEvent(r.id(), "CALLBACK_QUEUED", "hub", null, null,
                Json.write(Json.object().put("eventId", eventId.toString()).put("status", r.status().name())));
    }

    // ------------------------------------------------------------------ views

    /** The request as the API shows it; the result itself is fetched by page from {@code resultUrl}. */
    public ObjectNode view(DataRequest r) {
        ObjectNode v = Json.object();
        JsonNode request = Json.toNode(r.request());
        v.put("dataRequestId", r.id());
        v.put("requestId", r.requestId());
        v.put("kind", r.kind());
        v.put("provider", r.provider());
        if (request.hasNonNull("businessId")) {
            v.put("businessId", request.get("businessId").asText());
        }
        if (request.hasNonNull("email")) {
            v.put("email", request.get("email").asText());
        }
        if (request.has("settlements")) {
            v.put("settlements", request.get("settlements").size());
        }
        v.put("status", r.status().name());
        v.put("statusReason", r.statusReason());
        if (r.reasonCode() != null) {
            v.put("reasonCode", r.reasonCode());
        }
        if (r.status() == DataRequestStatus.REQUESTED && r.dueAt() != null) {
            v.put("expiresAt", format(r.dueAt()));
        }
        if (r.result() != null) {
            int pages = pages(r);
            ObjectNode result = v.putObject("resultInfo");
            result.put("url", resultUrl(r.id(), 1));
            result.put("pages", pages);
            result.put("pageSize", properties.pageSize());
            if (r.resultItems() != null) {
                result.put("items", r.resultItems());
            }
        }
        v.put("createdAt", format(r.createdAt()));
        v.put("updatedAt", format(r.updatedAt()));
        return v;
    }

    public static String resultUrl(String id, int page) {
        return "/api/v1/data-requests/" + id + "/result?page=" + page;
    }

    /**
     * One page of the stored result: a list result ({@code [...]} or {@code {"items": [...]}}) in pages of
     * {@code page-size} items; any other result whole, on page 1.
     */
    public ObjectNode resultPage(DataRequest r, int page) {
        if (r.result() == null) {
            throw Refusal.notFound("data request " + r.id() + " has no result (" + r.status() + ")");
        }
        int pages = pages(r);
        if (page < 1 || page > pages) {
            throw Refusal.notFound("data request " + r.id() + " has " + pages + " result page(s); no page " + page);
        }
        JsonNode result = Json.toNode(r.result());
        ObjectNode out = Json.object();
        out.put("dataRequestId", r.id());
        out.put("kind", r.kind());
        out.put("page", page);
        out.put("pages", pages);
        Optional<JsonNode> items = items(result);
        if (items.isEmpty()) {
            out.set("result", result);
            return out;
        }
        int size = properties.pageSize();
        out.put("pageSize", size);
        out.put("totalItems", items.get().size());
        ArrayNode slice = out.putArray("items");
        for (int i = (page - 1) * size; i < Math.min(items.get().size(), page * size); i++) {
            slice.add(items.get().get(i));
        }
        if (result.isObject()) {
            ObjectNode rest = ((ObjectNode) result).deepCopy();
            rest.remove("items");
            if (!rest.isEmpty()) {
                out.set("summary", rest);
            }
        }
        if (page < pages) {
            out.put("next", resultUrl(r.id(), page + 1));
        }
        return out;
    }

    private int pages(DataRequest r) {
        JsonNode result = Json.toNode(r.result());
        return items(result).map(i -> Math.max(1, (i.size() + properties.pageSize() - 1) / properties.pageSize())).orElse(1);
    }

    private static Optional<JsonNode> items(JsonNode result) {
        if (result == null) {
            return Optional.empty();
        }
        if (result.isArray()) {
            return Optional.of(result);
        }
        return result.path("items").isArray() ? Optional.of(result.get("items")) : Optional.empty();
    }

    /** The timeline: every event, and every callback with its deliveries. Details were redacted on write. */
    public ObjectNode timeline(DataRequest r) {
        ObjectNode out = Json.object();
        out.put("dataRequestId", r.id());
        ArrayNode events = out.putArray("events");
        for (Timeline.Event e : store.events(r.id())) {
            TimelineJson.event(events, e.id(), e.type(), e.occurredAt(), e.actor(), e.statusFrom(), e.statusTo(), e.detail());
        }
        ArrayNode callbacks = out.putArray("callbacks");
        for (DataRequestStore.Callback c : store.callbacks(r.id())) {
            TimelineJson.callback(callbacks, c.eventId(), c.status(), c.attempts(), c.url(), c.createdAt(),
                    c.lastStatusCode(), c.lastError(), c.deliveredAt());
        }
        return out;
    }

    static String format(Instant instant) {
        return TimelineJson.format(instant);
    }
}
