package africa.payhub.payment;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import africa.payhub.canonical.Json;
import africa.payhub.config.HubProperties;
import africa.payhub.payment.Decision.Call;
import africa.payhub.payment.Decision.Phase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Sending: a payment is claimed (ACCEPTED -> SUBMITTED, atomically, so one payment is sent by one sender) before
 * its call; a routed payment whose provider takes no calls moves to the next provider of its rule; the steps of a
 * multi-step send are marked durably as they go; a payment whose provider's work queue was full is made due for
 * the poller. Plain values in, a {@link Call} out: nothing here knows of Camel or HTTP.
 */
@Service
public class SendRules {

    private static final Logger LOG = LoggerFactory.getLogger(SendRules.class);

    private final java.util.Queue<String> sendsQueueFull = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.Queue<String> resolvesQueueFull = new java.util.concurrent.ConcurrentLinkedQueue<>();

    private final PaymentStore store;
    private final BatchStore batches;
    private final StatusChanges statusChanges;
    private final Carriers carriers;
    private final HubProperties properties;
    private final Clock clock;
    private final CallInputs inputs;

    public SendRules(PaymentStore store, BatchStore batches, StatusChanges statusChanges, Carriers carriers,
                     HubProperties properties, Clock clock, CallInputs inputs) {
        this.store = store;
        this.batches = batches;
        this.statusChanges = statusChanges;
        this.carriers = carriers;
        this.properties = properties;
        this.clock = clock;
        this.inputs = inputs;
    }

    /**
     * Claims ACCEPTED payments for sending, in the caller's transaction: their rows locked in one statement,
     * the ready ones moved to SUBMITTED (with their events) in another. For each, in order, the call to make,
     * or empty when someone else sent it already or its provider takes no calls now (circuit open: the payment
     * stays ACCEPTED, it was never sent, and the poller offers it again; a routed payment goes to its next
     * provider at once). A payment named twice is sent by its first claim only (see {@link SendGroups}).
     */
    public List<Optional<Call>> claimAll(List<GroupCommit.Piece<String>> pieces) {
        java.util.Map<String, Payment> locked = store.lockAll(pieces.stream().map(GroupCommit.Piece::item).toList());
        java.util.Set<String> claimed = new java.util.HashSet<>();
        List<Optional<Ready>> ready = pieces.stream().map(piece -> piece.within(() -> claimed.add(piece.item())
                ? ready(piece.item(), locked.get(piece.item())) : Optional.<Ready>empty())).toList();
        List<Payment> sending = ready.stream().flatMap(Optional::stream).map(Ready::payment).toList();
        statusChanges.submitAll(sending, sending.stream().map(this::startState).toList(),
                clock.instant().plus(properties.polling().firstDelay()));
        // the claim counted one more send under the row lock: this send is that one
        return ready.stream().map(r -> r.map(x -> inputs.call(x.payment(), Phase.SEND, x.flow(), x.payment().sendAttempts() + 1)))
                .toList();
    }

    /** What a send of the payment has come to as it starts: PREPARING for a chain (nothing of its request has left). */
    String startState(Payment p) {
        return carriers.chain(p.provider(), p.operation()) ? PREPARING : null;
    }

    /** A locked ACCEPTED payment that passed the checks before a send, and the flow that sends it. */
    private record Ready(Payment payment, String flow) {
    }

    /**
     * The checks before a send: the payment ready to be sent, or empty when it is not to be sent now (someone
     * else sent it, its batch sends it, its provider takes no calls or can no longer carry it: handled here).
     */
    private Optional<Ready> ready(String id, Payment p) {
        if (p == null || p.status() != PaymentStatus.ACCEPTED) {
            return Optional.empty();
        }
        if (p.batchId() != null && bulkFlow(p.batchId()).isPresent()) {
            return Optional.empty(); // its batch sends it, with the others, in one call
        }
        if (!carriers.accepting(p.provider())) {
            Optional<String> next = nextCandidate(p);
            if (next.isEmpty()) {
                store.schedulePoll(id, clock.instant().plus(properties.polling().firstDelay().multipliedBy(4)), false);
                LOG.info("Payment {} stays ACCEPTED: {} takes no calls now (circuit open)", id, p.provider());
                return Optional.empty();
            }
            switchTo(p, next.get(), p.provider() + " takes no calls now (circuit open)");
            p = store.lock(id).orElseThrow();
        }
        Optional<String> flow = carriers.flow(p.provider(), p.operation());
        if (flow.isEmpty()) {
            statusChanges.changeStatus(p, PaymentStatus.NEEDS_REVIEW, "provider " + p.provider()
                    + " can no longer carry " + p.operation() + " (disabled, or its flow is not running)",
                    "PROVIDER_UNAVAILABLE", "hub", null);
            return Optional.empty();
        }
        return Optional.of(new Ready(p, flow.get()));
    }

    /** The next provider of a routed payment's rule that carries its operation and takes calls now. */
    Optional<String> nextCandidate(Payment p) {
        if (p.routing() == null) {
            return Optional.empty();
        }
        JsonNode routing = Json.toNode(p.routing());
        JsonNode candidates = routing.path("candidates");
        for (int next = routing.path("current").asInt(0) + 1; next < candidates.size(); next++) {
            String provider = candidates.get(next).asText();
            if (carriers.flow(provider, p.operation()).isPresent() && carriers.accepting(provider)) {
                return Optional.of(provider);
            }
        }
        return Optional.empty();
    }

    void switchTo(Payment p, String provider, String reason) {
        JsonNode routing = Json.toNode(p.routing());
        JsonNode candidates = routing.path("candidates");
        int index = 0;
        for (int i = 0; i < candidates.size(); i++) {
            if (candidates.get(i).asText().equals(provider)) {
                index = i;
            }
        }
        store.switchProvider(p.id(), provider, index);
        store.addEvent(p.id(), "FALLBACK", "hub:router", null, null, Json.write(Json.object()
                .put("rule", routing.path("rule").asText()).put("from", p.provider()).put("to", provider)
                .put("reason", reason)));
    }

    /** The provider's flow that sends a whole batch of this batch's operation, if it has one. */
    Optional<String> bulkFlow(String batchId) {
        return batches.find(batchId).flatMap(b -> carriers.flow(b.provider(), b.operation()));
    }

    /**
     * Records durably, before the call goes, which step of a multi-step send of the payment is being sent:
     * a step before its own request ({@code ownRequest} false: nothing of that request has left, see
     * {@link #PREPARING}) or its own request ({@code step} "request": from here it may have reached the provider).
     * Fenced by the send's number: false when another send of the payment superseded this one (or it is no
     * longer being sent), which then must send nothing more. One statement, committed at once.
     */
    public boolean markStep(String id, int attempt, String step, boolean ownRequest) {
        return store.markStep(id, attempt, step, ownRequest ? null : PREPARING);
    }

    /** What the last send came to when it certainly never reached the provider. */
    static final String NOT_SENT = "NOT_SENT";

    /**
     * The send under way is still at the steps before the payment's own request (a multi-step flow): nothing of
     * that request has left. Written durably with the first step the send makes ({@link #markStep}); the request's
     * own step clears it just before the request goes.
     */
    static final String PREPARING = "PREPARING";

    /**
     * A payment whose hand-over to its provider's work queue found the queue full while the hub already holds
     * as many of that provider's payments as it will in memory (see {@code WorkQueues}): noted here, and made
     * due for the poller in {@code hub.dispatch.queue-full-retry} by the next {@link #dueAfterQueueFull},
     * instead of after the accepted grace (a new payment) or the poller's lease (one the poller brought), so an
     * overload delays it by about the backlog, not by a fixed half minute or two minutes. Nothing is written
     * here: the hand-over threads, shared by every provider, stay quick while queues overflow. A new payment's
     * ({@code send}) only while it is still ACCEPTED: one that something else sent meanwhile keeps its first
     * status query's time. Lost in a crash, the grace or the lease still holds.
     */
    public void queueFull(String id, boolean send) {
        (send ? sendsQueueFull : resolvesQueueFull).add(id);
    }

    /** What {@link #queueFull} noted since the last call, due for the poller: one statement for each kind. */
    public void dueAfterQueueFull() {
        Instant due = clock.instant().plus(properties.dispatch().queueFullRetry());
        dueAgain(sendsQueueFull, true, due);
        dueAgain(resolvesQueueFull, false, due);
    }

    private void dueAgain(java.util.Queue<String> noted, boolean send, Instant due) {
        List<String> ids = new java.util.ArrayList<>();
        for (String id; (id = noted.poll()) != null; ) {
            ids.add(id);
        }
        if (!ids.isEmpty()) {
            store.dueAgain(ids, send, due);
            LOG.info("{} payments found their provider's work queue full; due again at {}", ids.size(), due);
        }
    }
}
