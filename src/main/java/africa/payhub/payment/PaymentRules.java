package africa.payhub.payment;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Redactor;
import africa.payhub.canonical.Refusal;
import africa.payhub.config.HubProperties;
import africa.payhub.payment.Decision.Call;
import africa.payhub.payment.Decision.Phase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The money rules, between the provider calls. Plain values in, a {@link Decision} out:
 * <ul>
 *   <li>{@link #claimAll}: ACCEPTED -> SUBMITTED, atomically, so one payment is sent by one sender;</li>
 *   <li>{@link #applyOutcome}: what a response, status query or webhook means for the payment;</li>
 *   <li>{@link #nextAction}: what the poller does with a due payment.</li>
 * </ul>
 * A payment whose outcome is unknown stays PENDING and is resolved by a status query with our reference;
 * it is sent again (with the same reference) only when the provider says it never saw it. Nothing here
 * knows of Camel or HTTP: the provider layer's adapter carries the decisions to the routes.
 */
@Service
public class PaymentRules {

    private static final Logger LOG = LoggerFactory.getLogger(PaymentRules.class);
    private final java.util.Queue<String> sendsQueueFull = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.Queue<String> resolvesQueueFull = new java.util.concurrent.ConcurrentLinkedQueue<>();

    private final PaymentStore store;
    private final BatchStore batches;
    private final PaymentService payments;
    private final Carriers carriers;
    private final HubProperties properties;
    private final Clock clock;

    public PaymentRules(PaymentStore store, BatchStore batches, PaymentService payments, Carriers carriers,
                       HubProperties properties, Clock clock) {
        this.store = store;
        this.batches = batches;
        this.payments = payments;
        this.carriers = carriers;
        this.properties = properties;
        this.clock = clock;
    }

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
        payments.submitAll(sending, sending.stream().map(this::startState).toList(),
                clock.instant().plus(properties.polling().firstDelay()));
        // the claim counted one more send under the row lock: this send is that one
        return ready.stream().map(r -> r.map(x -> call(x.payment(), Phase.SEND, x.flow(), x.payment().sendAttempts() + 1)))
                .toList();
    }

    /** What a send of the payment has come to as it starts: PREPARING for a chain (nothing of its request has left). */
    private String startState(Payment p) {
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
            payments.changeStatus(p, PaymentStatus.NEEDS_REVIEW, "provider " + p.provider()
                    + " can no longer carry " + p.operation() + " (disabled, or its flow is not running)",
                    "PROVIDER_UNAVAILABLE", "hub", null);
            return Optional.empty();
        }
        return Optional.of(new Ready(p, flow.get()));
    }

    /** The input every provider mapping receives: the payment, the canonical message and public settings. */
    private Call call(Payment p, Phase phase, String flow) {
        return call(p, phase, flow, 0);
    }

    /** As {@link #call(Payment, Phase, String)}, for the send numbered {@code attempt} (0: not a send). */
    private Call call(Payment p, Phase phase, String flow, int attempt) {
        ObjectNode input = Json.object();
        input.set("payment", Json.object()
                .put("paymentId", p.id())
                .put("providerReference", p.providerReference())
                .put("providerTransactionId", p.providerTransactionId())
                .put("operation", p.operation())
                .put("clientId", p.clientId())
                .put("createdAt", p.createdAt().truncatedTo(ChronoUnit.SECONDS).toString()));
        ObjectNode payment = (ObjectNode) input.get("payment");
        if (p.amountValue() != null) {
            payment.set("amount", Json.object().put("value", p.amountValue().toPlainString()).put("currency", p.amountCurrency()));
        }
        if (p.result() != null) {
            payment.set("result", Json.toNode(p.result()));
        }
        input.set("message", Json.toNode(p.message()));
        input.set("config", carriers.settings(p.provider()));
        JsonNode refundOf = input.path("message").path("refundOf");
        String originalId = p.reversalOf() != null ? p.reversalOf() : refundOf.isTextual() ? refundOf.asText() : null;
        if (originalId != null) {
            Payment original = store.find(originalId).orElseThrow();
            input.set("original", Json.object()
                    .put("paymentId", original.id())
                    .put("operation", original.operation())
                    .put("providerReference", original.providerReference())
                    .put("providerTransactionId", original.providerTransactionId()));
        }
        return new Call(p.id(), p.provider(), flow, phase, input, attempt);
    }

    /**
     * Applies an outcome to the payment. When the provider proved it never saw the payment and a resend is
     * allowed, or a routed payment falls back to its next provider, the decision is RESEND with the call.
     */
    @Transactional
    public Decision applyOutcome(String id, Phase phase, Outcome outcome) {
        return applyOutcome(id, phase, outcome, List.of());
    }

    /**
     * As {@link #applyOutcome(String, Phase, Outcome)}, writing first the events noted during the call
     * ({@code callEvents}: its requests and answers), all in one transaction with the outcome.
     */
    @Transactional
    public Decision applyOutcome(String id, Phase phase, Outcome outcome, List<Timeline.Entry> callEvents) {
        return applyOutcome(store.lock(id).orElseThrow(() -> new IllegalStateException("no payment " + id)),
                phase, outcome, callEvents, 0);
    }

    /**
     * An outcome to apply, with the events noted during its call; {@code attempt}: the send it answers (see
     * {@link Call#attempt()}), 0 when not a send or not fenced.
     */
    public record Applied(String paymentId, Phase phase, Outcome outcome, List<Timeline.Entry> callEvents, int attempt) {
        public Applied(String paymentId, Phase phase, Outcome outcome, List<Timeline.Entry> callEvents) {
            this(paymentId, phase, outcome, callEvents, 0);
        }
    }

    /**
     * {@link #applyOutcome(String, Phase, Outcome, List)} for many outcomes in the caller's transaction, their
     * payments locked in one statement: for each, in order, its decision (see {@link SendGroups}).
     */
    public List<Decision> applyAll(List<GroupCommit.Piece<Applied>> pieces) {
        java.util.Map<String, Payment> locked = store.lockAll(pieces.stream().map(piece -> piece.item().paymentId()).toList());
        java.util.Set<String> seen = new java.util.HashSet<>();
        return pieces.stream().map(piece -> piece.within(() -> {
            Applied a = piece.item();
            // a payment named twice is read again the second time: the first outcome may have moved it
            Payment p = (seen.add(a.paymentId()) ? Optional.ofNullable(locked.get(a.paymentId())) : store.lock(a.paymentId()))
                    .orElseThrow(() -> new IllegalStateException("no payment " + a.paymentId()));
            return applyOutcome(p, a.phase(), a.outcome(), a.callEvents(), a.attempt());
        })).toList();
    }

    /**
     * The provider's answer to an authorization code that {@code authorizer} submitted (see
     * {@link #authorization}): applied as a status query's answer would be, and recorded as that person's
     * (AUTHORIZATION_OUTCOME, and every move it makes, by the authorizer).
     */
    @Transactional
    public Decision applyAuthorization(String id, Outcome outcome, String authorizer) {
        return applyOutcome(store.lock(id).orElseThrow(() -> new IllegalStateException("no payment " + id)),
                Phase.AUTHORIZE, authorizer, outcome, List.of(), 0);
    }

    private Decision applyOutcome(Payment p, Phase phase, Outcome outcome, List<Timeline.Entry> callEvents, int attempt) {
        String actor = switch (phase) {
            case WEBHOOK -> p.provider() + ":webhook";
            case POLL -> "hub:poller";
            case RECHECK -> "hub:recheck";
            case EXPIRE -> "hub:expiry";
            case SEND, AUTHORIZE -> "hub";
        };
        Decision decision = applyOutcome(p, phase, actor, outcome, callEvents, attempt);
        if (phase == Phase.EXPIRE && outcome.kind() != Outcome.Kind.STATUS && decision.action() == Decision.Action.NONE) {
            // the provider did not close it (it is being paid, or was paid): ask for its status now, never give it up
            Payment now = store.find(p.id()).orElseThrow();
            Optional<String> statusFlow = carriers.statusFlow(now.provider(), now.operation());
            if (now.status().isUnresolved() && statusFlow.isPresent()) {
                return Decision.query(call(now, Phase.POLL, statusFlow.get()));
            }
        }
        return decision;
    }

    private Decision applyOutcome(Payment p, Phase phase, String actor, Outcome outcome, List<Timeline.Entry> callEvents,
                                  int attempt) {
        String id = p.id();
        List<Timeline.Entry> events = new java.util.ArrayList<>(callEvents);
        if (phase == Phase.SEND && attempt > 0 && attempt != p.sendAttempts()) {
            // a send another one superseded (its hub stalled past the resend guard, or was stopped): what it saw
            // is kept in the timeline, and nothing else: the payment belongs to the later send
            ObjectNode stale = ((ObjectNode) Redactor.redact(outcome.json())).put("superseded", true)
                    .put("attempt", attempt).put("currentAttempt", p.sendAttempts());
            events.add(new Timeline.Entry("SEND_OUTCOME", actor, null, Json.write(stale)));
            store.recordOutcome(id, null, events);
            return Decision.none(id);
        }
        events.add(new Timeline.Entry(switch (phase) {
            case SEND -> "SEND_OUTCOME";
            case POLL -> "POLL_OUTCOME";
            case WEBHOOK -> "WEBHOOK_OUTCOME";
            case RECHECK -> "RECHECK_OUTCOME";
            case AUTHORIZE -> "AUTHORIZATION_OUTCOME";
            case EXPIRE -> "EXPIRE_OUTCOME";
        }, actor, null, Json.write(Redactor.redact(outcome.json()))));
        // an IGNORED send (e.g. one that found itself superseded before its request) says nothing of the payment
        String sendOutcome = phase == Phase.SEND && outcome.kind() != Outcome.Kind.IGNORED ? outcome.kind().name() : null;
        // a send answered with a status: what the send came to goes with the status move, in its statement (one
        // row version of the payment fewer); any other answer's is written first, as a fallback's resend clears it
        boolean withMove = outcome.kind() == Outcome.Kind.STATUS;
        store.recordOutcome(id, withMove ? null : sendOutcome, events);
        return apply(p, outcome, phase, actor, withMove ? sendOutcome : null);
    }

    /** {@code sendOutcome}: what a send answered with a status came to, written with the move (or on its own). */
    private Decision apply(Payment p, Outcome outcome, Phase phase, String actor, String sendOutcome) {
        switch (outcome.kind()) {
            case STATUS -> {
                if (!applyStatus(p, outcome, phase, actor, sendOutcome) && sendOutcome != null) {
                    store.recordOutcome(p.id(), sendOutcome);
                }
            }
            case REJECTED -> {
                if (phase == Phase.SEND) {
                    payments.changeStatus(p, PaymentStatus.FAILED, outcome.reason(), outcome.reasonCode(), actor, outcome.json());
                } else {
                    keepWaiting(p, phase, null);
                }
            }
            case UNKNOWN -> {
                if (carriers.statusFlow(p.provider(), p.operation()).isEmpty()) {
                    if (p.status().isUnresolved()) {
                        payments.changeStatus(p, PaymentStatus.NEEDS_REVIEW, "outcome unknown (" + outcome.reason() + ") and "
                                + p.provider() + " offers no status query: check reference " + referenceAt(p)
                                + " with the provider, then resolve", "OUTCOME_UNKNOWN", actor, outcome.json());
                        store.schedulePoll(p.id(), null, false);
                    }
                    return Decision.none(p.id());
                }
                moveToPending(p, "outcome unknown (" + outcome.reason() + "); resolving by status query", actor, outcome);
                keepWaiting(p, phase, outcome.retryAfter());
            }
            case NOT_SENT -> {
                if (phase == Phase.SEND) {
                    Optional<Call> fallback = fallBack(p, outcome);
                    if (fallback.isPresent()) {
                        return Decision.resend(fallback.get());
                    }
                    moveToPending(p, "not sent (" + outcome.reason() + "); it never reached " + p.provider()
                            + " and will be sent again", actor, outcome);
                    // counted as a wait, so that the next sends come later and later (and one that never goes
                    // through reaches review-after)
                    keepWaiting(p, Phase.POLL, outcome.retryAfter());
                    return Decision.none(p.id());
                }
                // a status query that never left (circuit open, no connection) says nothing of the payment, whose own
                // send may still be under way: its status and reason stay (the timeline has the query's outcome), and
                // it is asked again
                keepWaiting(p, phase, outcome.retryAfter());
            }
            case NOT_FOUND -> {
                if (phase == Phase.SEND) {
                    payments.changeStatus(p, PaymentStatus.FAILED, outcome.reason(), outcome.reasonCode(), actor, outcome.json());
                } else {
                    return onNotFound(p, actor, outcome);
                }
            }
            case IGNORED, NOTICE -> {
            }
        }
        return Decision.none(p.id());
    }

    /**
     * A status the provider reports, applied. {@code sendOutcome} (null but for a send's answer) is written with
     * the move to the status the rule names: true when it was, false when the payment did not move so.
     */
    private boolean applyStatus(Payment p, Outcome outcome, Phase phase, String actor, String sendOutcome) {
        Carriers.StatusRule rule = carriers.status(p.provider(), outcome.providerStatus());
        PaymentStatus target = rule.status();
        String mismatch = amountMismatch(p, outcome.amount());
        if (mismatch != null && target != PaymentStatus.PENDING) {
            payments.changeStatus(p, PaymentStatus.NEEDS_REVIEW, mismatch, "AMOUNT_MISMATCH", actor, outcome.json());
            return false;
        }
        if (phase == Phase.WEBHOOK && target.isFinal() && !p.status().isFinal() && !confirmsAmount(p, outcome.amount())) {
            unconfirmedAmount(p, outcome, actor);
            return false;
        }
        PaymentStore.ProviderDetails details = new PaymentStore.ProviderDetails(outcome.providerTransactionId(),
                outcome.result() == null || outcome.result().isNull() ? null : Json.write(outcome.result()), sendOutcome);
        if (target == PaymentStatus.PENDING) {
            String reason = outcome.reason() != null && rule.reasonCode() != null ? outcome.reason()
                    : rule.reason() != null ? rule.reason() : p.provider() + " reports " + outcome.providerStatus();
            if (rule.keepReason() && p.status() == PaymentStatus.PENDING) {
                keepProviderDetails(p, details);
                keepWaiting(p, phase, null);
                return false;
            }
            // the details go with a move to PENDING, in its statement; otherwise in their own
            boolean moved = false;
            if (rule.notifyClient() && p.status() == PaymentStatus.PENDING && !java.util.Objects.equals(p.reasonCode(), rule.reasonCode())) {
                keepProviderDetails(p, details);
                payments.noteReason(p, reason, rule.reasonCode(), actor, outcome.json(), true);
            } else if (moveToPending(p, reason, rule.reasonCode(), actor, outcome, details)) {
                moved = true;
            } else {
                keepProviderDetails(p, details);
            }
            keepWaiting(p, phase, null);
            return moved;
        }
        String reason = outcome.reason() != null ? outcome.reason() : rule.reason() != null ? rule.reason()
                : p.provider() + " reports " + outcome.providerStatus();
        // a success keeps only a reason code its status rule names (e.g. paid more than asked: OVERPAID)
        String code = target == PaymentStatus.SUCCEEDED ? rule.reasonCode() : rule.reasonCode() != null ? rule.reasonCode()
                : outcome.reasonCode();
        // the provider's details go with the move, in its statement; a payment that does not move keeps them too
        // unless it is final
        boolean changed = payments.changeStatus(p, target, reason, code, actor, outcome.json(), details);
        if (!changed) {
            keepProviderDetails(p, details);
        }
        if (changed && target == PaymentStatus.SUCCEEDED && p.reversalOf() != null) {
            store.lock(p.reversalOf()).ifPresent(original -> payments.changeStatus(original, PaymentStatus.REVERSED,
                    "reversed by payment " + p.id(), "REVERSED_ON_REQUEST", actor,
                    Json.object().put("reversalPaymentId", p.id())));
        }
        return changed;
    }

    /**
     * Whether a webhook or a partner's confirmation names the amount and the currency the payment expects (a
     * different one is {@link #amountMismatch}). A payment made without an amount (opening a wallet) expects
     * none; one the provider reported (money into a reserved account) expects the amount it was made of.
     */
    static boolean confirmsAmount(Payment p, JsonNode amount) {
        boolean expects = p.amountValue() != null || p.lastSentAt() == null;
        return !expects || (amount != null && amount.isObject() && amount.path("value").isValueNode()
                && !amount.path("value").asText("").isBlank() && amount.path("currency").isTextual()
                && !amount.path("currency").asText().isBlank());
    }

    /**
     * A webhook or confirmation that would make the payment final without saying how much and in which currency
     * settles nothing (a signed event with the amount left out, a partner's confirmation without one, an event
     * the provider documents without it). A payment the hub sent, whose provider has a status query, is asked
     * at once: its answer settles it. Otherwise a person decides: NEEDS_REVIEW, AMOUNT_MISSING. A payment
     * already in NEEDS_REVIEW stays there for the operator, with the event in its timeline.
     */
    private void unconfirmedAmount(Payment p, Outcome outcome, String actor) {
        String said = p.provider() + " reports " + outcome.providerStatus() + " without the amount and currency";
        if (p.status() == PaymentStatus.NEEDS_REVIEW) {
            store.addEvent(p.id(), "AMOUNT_UNCONFIRMED", actor, null, null, Json.write(Json.object()
                    .put("reason", said + "; it stays NEEDS_REVIEW, an operator decides")
                    .put("providerStatus", outcome.providerStatus())));
            return;
        }
        if (p.lastSentAt() != null && carriers.statusFlow(p.provider(), p.operation()).isPresent()) {
            store.addEvent(p.id(), "AMOUNT_UNCONFIRMED", actor, null, null, Json.write(Json.object()
                    .put("reason", said + "; a status query confirms it").put("providerStatus", outcome.providerStatus())));
            moveToPending(p, said + "; confirming by status query", actor, outcome);
            store.schedulePoll(p.id(), clock.instant(), false);
            return;
        }
        payments.changeStatus(p, PaymentStatus.NEEDS_REVIEW, said + " (expected " + (p.amountValue() == null ? "an amount"
                : p.amountValue().toPlainString() + " " + p.amountCurrency()) + "): check with " + p.provider()
                + ", then resolve", AMOUNT_MISSING, actor, outcome.json());
        store.schedulePoll(p.id(), null, false);
    }

    /** The reason code of a payment a webhook or confirmation would have settled without saying how much. */
    public static final String AMOUNT_MISSING = "AMOUNT_MISSING";

    /** A payment that did not move keeps what its provider now says of it, unless it is final or nothing is said. */
    private void keepProviderDetails(Payment p, PaymentStore.ProviderDetails details) {
        if (!p.status().isFinal() && (details.transactionId() != null || details.resultJson() != null)) {
            store.updateProviderDetails(p.id(), details);
        }
    }

    private void moveToPending(Payment p, String reason, String actor, Outcome outcome) {
        moveToPending(p, reason, null, actor, outcome, null);
    }

    /**
     * SUBMITTED -> PENDING, with the provider's details when given; a PENDING payment whose reason code changes
     * (e.g. awaiting authorization) notes it. True when the payment moved.
     */
    private boolean moveToPending(Payment p, String reason, String reasonCode, String actor, Outcome outcome,
                                  PaymentStore.ProviderDetails details) {
        if (p.status() == PaymentStatus.SUBMITTED || p.status() == PaymentStatus.ACCEPTED) {
            return payments.changeStatus(p, PaymentStatus.PENDING, reason, reasonCode, actor, outcome.json(), details);
        }
        if (p.status() == PaymentStatus.PENDING && !java.util.Objects.equals(p.reasonCode(), reasonCode)) {
            store.updateReason(p.id(), reason, reasonCode);
        }
        return false;
    }

    /** Still unresolved: next status query after the backoff, or NEEDS_REVIEW when it has waited too long. */
    private void keepWaiting(Payment p, Phase phase, Duration retryAfter) {
        if (!p.status().isUnresolved()) {
            return;
        }
        if (phase == Phase.POLL && tooOld(p)) {
            payments.changeStatus(store.lock(p.id()).orElseThrow(), PaymentStatus.NEEDS_REVIEW,
                    "unresolved after " + properties.polling().reviewAfter() + " of status queries; a person decides",
                    "UNRESOLVED", "hub:poller", null);
            store.schedulePoll(p.id(), null, false);
            return;
        }
        Duration delay = backoff(p.pollAttempts());
        if (retryAfter != null && retryAfter.compareTo(delay) > 0) {
            delay = retryAfter;
        }
        store.schedulePoll(p.id(), clock.instant().plus(delay), phase == Phase.POLL);
    }

    /**
     * The provider's status query found no record of our reference. The payment is sent again (same
     * reference) only when that cannot pay twice: the last send certainly never left the hub (its outcome was
     * "not sent", or the hub stopped while it was still preparing it: {@link #PREPARING}), or the provider's
     * declaration says it rejects duplicate references (when that rests on an assumption rather than its
     * document, only once the declared number of status queries, spread over the declared window, all found
     * nothing), or its declared maximum hold time has passed since the last send (so the request, had it
     * arrived, would be visible by now). Otherwise a person decides: NEEDS_REVIEW, never a blind resend.
     */
    private Decision onNotFound(Payment p, String actor, Outcome outcome) {
        if (!p.status().isUnresolved()) {
            return Decision.none(p.id());
        }
        String reference = referenceAt(p);
        boolean notSent = NOT_SENT.equals(p.lastOutcome());
        boolean neverLeft = notSent || PREPARING.equals(p.lastOutcome());
        int max = properties.dispatch().maxSendAttempts();
        if (!neverLeft && p.sendAttempts() >= max) {
            return review(p, p.provider() + " has no record of reference " + reference + " after "
                    + p.sendAttempts() + " sends", actor, outcome);
        }
        Instant now = clock.instant();
        Instant sent = p.lastSentAt() == null ? Instant.EPOCH : p.lastSentAt();
        // a send whose outcome came ("not sent") is over; any other may still be under way until the guard
        Instant guard = notSent ? now : sent.plus(properties.dispatch().resendGuard());
        Carriers.ResendRule rule = carriers.resend(p.provider());
        String why;
        if (neverLeft) {
            why = notSent ? "the last send never left the hub" : "the hub stopped before the request left";
        } else if (rule.rejectsDuplicates() && rule.confirmQueries() > 0) {
            // the refusal of a repeated reference is assumed, not documented: "not found" must hold over the window
            long found = store.countNotFoundSince(p.id(), sent);
            Instant confirmed = sent.plus(rule.confirmOver());
            if (found < rule.confirmQueries() || now.isBefore(confirmed)) {
                // the queries spread over the window; once enough found nothing, the next comes when it ends
                Instant next = found >= rule.confirmQueries() ? confirmed
                        : now.plus(rule.confirmOver().dividedBy(rule.confirmQueries()));
                store.schedulePoll(p.id(), next, true);
                return Decision.none(p.id());
            }
            why = found + " status queries over " + rule.confirmOver() + " found nothing; " + p.provider()
                    + " refusing a repeated reference is " + rule.evidence();
        } else if (rule.rejectsDuplicates()) {
            why = p.provider() + " rejects duplicate references (" + rule.evidence() + ")";
        } else if (rule.maxHoldTime() != null) {
            Instant held = sent.plus(rule.maxHoldTime());
            guard = held.isAfter(guard) ? held : guard;
            why = "nothing after its maximum hold time (" + rule.maxHoldTime() + ")";
        } else {
            if (now.isBefore(guard)) {
                keepWaiting(p, Phase.POLL, null);
                return Decision.none(p.id());
            }
            return review(p, p.provider() + " has no record of reference " + reference
                    + ", but the request may have reached it and its declaration neither says it rejects duplicate"
                    + " references nor how long it may hold a request: sending again could pay twice; check with "
                    + p.provider() + ", then resolve", actor, outcome);
        }
        if (now.isBefore(guard)) {
            store.schedulePoll(p.id(), guard, true);
            return Decision.none(p.id());
        }
        return resend(p, actor, "re-sent: " + p.provider() + " had no record of reference " + reference
                + " (" + why + ")", outcome.json());
    }

    /** What the last send came to when it certainly never reached the provider. */
    static final String NOT_SENT = "NOT_SENT";

    /**
     * The send under way is still at the steps before the payment's own request (a multi-step flow): nothing of
     * that request has left. Written durably with the first step the send makes ({@link #markStep}); the request's
     * own step clears it just before the request goes.
     */
    static final String PREPARING = "PREPARING";

    /** The reference the payment's provider knows it by: what a person asking the provider must quote. */
    private String referenceAt(Payment p) {
        return carriers.referenceAt(p.provider(), p.id(), p.providerReference());
    }

    private Decision review(Payment p, String reason, String actor, Outcome outcome) {
        payments.changeStatus(p, PaymentStatus.NEEDS_REVIEW, reason, "NOT_FOUND_AT_PROVIDER", actor, outcome.json());
        store.schedulePoll(p.id(), null, false);
        return Decision.none(p.id());
    }

    /**
     * A routed payment that never reached its provider goes to the next candidate of its routing rule, at
     * once. Never after anything may have been sent: only a NOT_SENT outcome gets here.
     */
    private Optional<Call> fallBack(Payment p, Outcome outcome) {
        if (!p.status().isUnresolved()) {
            return Optional.empty();
        }
        Optional<String> next = nextCandidate(p);
        if (next.isEmpty()) {
            return Optional.empty();
        }
        switchTo(p, next.get(), p.provider() + " was not reached: " + outcome.reason());
        store.markSent(p.id(), clock.instant().plus(properties.polling().firstDelay()),
                carriers.chain(next.get(), p.operation()) ? PREPARING : null);
        Payment moved = store.find(p.id()).orElseThrow();
        return Optional.of(call(moved, Phase.SEND, carriers.flow(moved.provider(), moved.operation()).orElseThrow(),
                moved.sendAttempts()));
    }

    /** The next provider of a routed payment's rule that carries its operation and takes calls now. */
    private Optional<String> nextCandidate(Payment p) {
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

    private void switchTo(Payment p, String provider, String reason) {
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

    private Decision resend(Payment p, String actor, String reason, JsonNode evidence) {
        Optional<String> flow = carriers.flow(p.provider(), p.operation());
        if (flow.isEmpty()) {
            payments.changeStatus(p, PaymentStatus.NEEDS_REVIEW, "would re-send, but provider " + p.provider()
                    + " can no longer carry " + p.operation(), "PROVIDER_UNAVAILABLE", actor, evidence);
            store.schedulePoll(p.id(), null, false);
            return Decision.none(p.id());
        }
        if (!payments.changeStatus(p, PaymentStatus.SUBMITTED, reason, null, actor, evidence)) {
            // a payment still SUBMITTED (a send that stopped before its request left) makes no move: its timeline
            // says why it is sent again
            ObjectNode detail = Json.object().put("reason", reason);
            if (evidence != null) {
                detail.set("evidence", Redactor.redact(evidence));
            }
            store.addEvent(p.id(), "RESENT", actor, null, null, Json.write(detail));
            store.updateReason(p.id(), reason, null);
        }
        store.markSent(p.id(), clock.instant().plus(properties.polling().firstDelay()), startState(p));
        Payment sending = store.find(p.id()).orElseThrow();
        return Decision.resend(call(sending, Phase.SEND, flow.get(), sending.sendAttempts()));
    }

    /**
     * What the poller does with a claimed payment: SEND a payment left ACCEPTED, QUERY the provider about
     * one SUBMITTED or PENDING (the call is prepared), RESEND one that certainly never arrived, or NONE.
     */
    @Transactional
    public Decision nextAction(String id) {
        Payment p = store.lock(id).orElse(null);
        if (p == null || !p.status().isUnresolved()) {
            return Decision.none(id);
        }
        if (p.status() == PaymentStatus.ACCEPTED) {
            if (!carriers.accepting(p.provider()) && nextCandidate(p).isEmpty()) {
                // its provider takes no calls now (circuit open): it stays ACCEPTED, never sent
                store.schedulePoll(id, clock.instant().plus(properties.polling().firstDelay().multipliedBy(4)), false);
                return Decision.none(id);
            }
            store.addEvent(id, "RECOVERED", "hub:poller", null, null,
                    Json.write(Json.object().put("reason", "accepted but never sent (hub restarted?); sending now")));
            return p.batchId() != null ? Decision.sendBatch(id, p.batchId()) : Decision.send(id);
        }
        Instant now = clock.instant();
        if (PREPARING.equals(p.lastOutcome()) && carriers.accepting(p.provider())) {
            // a chain whose send is still at the steps before its own request, or stopped there: its sender writes
            // each step as it goes (last_sent_at), so one quiet past the guard is gone (a hub killed, or stalled and
            // fenced off by the send that follows). Nothing of the payment left the hub: it is gone on from, whatever
            // its age, as a payment left ACCEPTED is
            Instant quiet = p.lastSentAt() == null ? Instant.EPOCH : p.lastSentAt().plus(properties.dispatch().resendGuard());
            if (now.isBefore(quiet)) {
                store.schedulePoll(id, quiet, false);
                return Decision.none(id);
            }
            String step = store.sendStep(id);
            return resend(p, "hub:poller", "re-sent: its send stopped " + (step == null ? "before its first step"
                    : "at step " + step) + ", before its request left the hub (nothing of it reached " + p.provider()
                    + "); going on from the steps recorded", null);
        }
        if (p.status() == PaymentStatus.PENDING) {
            // a payment nobody paid in its declared time (an abandoned checkout) is closed at the provider; the
            // call input is made only for an operation that declares an expiry
            Call[] input = new Call[1];
            java.util.function.Supplier<com.fasterxml.jackson.databind.JsonNode> made = () -> {
                input[0] = input[0] == null ? call(p, Phase.EXPIRE, "") : input[0];
                return input[0].input();
            };
            Optional<Carriers.Expiry> expiry = carriers.expiry(p.provider(), p.operation(), made);
            if (expiry.isPresent() && !clock.instant().isBefore(p.createdAt().plus(expiry.get().after()))) {
                store.addEvent(id, "EXPIRY_DUE", "hub:expiry", null, null, Json.write(Json.object()
                        .put("reason", "not paid within " + expiry.get().after() + "; closing it at " + p.provider())));
                made.get();
                return Decision.query(new Call(p.id(), p.provider(), expiry.get().flow(), Phase.EXPIRE, input[0].input()));
            }
        }
        if (tooOld(p)) {
            payments.changeStatus(p, PaymentStatus.NEEDS_REVIEW, "unresolved after "
                    + properties.polling().reviewAfter() + "; a person decides", "UNRESOLVED", "hub:poller", null);
            store.schedulePoll(id, null, false);
            return Decision.none(id);
        }
        if (!carriers.accepting(p.provider())) {
            // its provider takes no calls now (circuit open): neither a status query nor a send would leave, and a
            // send of it may still be under way; asked again once the circuit may have closed
            store.schedulePoll(id, now.plus(properties.polling().firstDelay().multipliedBy(4)), false);
            return Decision.none(id);
        }
        if (NOT_SENT.equals(p.lastOutcome())) {
            // certain that the provider never received it (e.g. a 429 its declaration says was not processed):
            // nothing to ask; sent again, same reference, each time after the wait its outcome asked for
            return resend(p, "hub:poller", "re-sent: the last send never reached " + p.provider(), null);
        }
        Optional<String> statusFlow = carriers.statusFlow(p.provider(), p.operation());
        if (statusFlow.isEmpty()) {
            Instant settled = p.lastSentAt() == null ? Instant.EPOCH : p.lastSentAt().plus(properties.dispatch().resendGuard());
            if (p.status() == PaymentStatus.SUBMITTED && now.isBefore(settled)) {
                // the send may still be in flight: its own outcome will come; look again once it cannot
                store.schedulePoll(id, settled, false);
                return Decision.none(id);
            }
            payments.changeStatus(p, PaymentStatus.NEEDS_REVIEW, p.provider() + " offers no status query for "
                    + p.operation() + "; check reference " + referenceAt(p) + " with the provider, then resolve",
                    "STATUS_UNKNOWN", "hub:poller", null);
            store.schedulePoll(id, null, false);
            return Decision.none(id);
        }
        return Decision.query(call(p, Phase.POLL, statusFlow.get()));
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

    /**
     * A payment waiting for the provider's authorization (PENDING, AWAITING_AUTHORIZATION) about to be
     * authorized by {@code caller}: the call to make with {@code flow}, after checking who may authorize.
     * The code itself never passes through here: the provider layer adds it to the call and forgets it.
     */
    @Transactional
    public Call authorization(String id, String clientScope, boolean operator, String flow, String allowed) {
        Payment p = payments.visible(id, clientScope);
        requireAuthorizer(operator, allowed);
        if (p.status() != PaymentStatus.PENDING || !AWAITING_AUTHORIZATION.equals(p.reasonCode())) {
            throw Refusal.conflict("payment " + id + " is " + p.status()
                    + (p.reasonCode() == null ? "" : " (" + p.reasonCode() + ")") + ": it is not waiting for authorization");
        }
        store.addEvent(id, "AUTHORIZATION_SUBMITTED", authorizer(p, operator), null, null,
                Json.write(Json.object().put("flow", flow)));
        return call(p, Phase.AUTHORIZE, flow);
    }

    /** Who submits an authorization code, as the timeline names them. */
    public static String authorizer(Payment p, boolean operator) {
        return operator ? "operator" : "client:" + p.clientId();
    }

    /** The reason code of a collection waiting for the card its client posts to it. */
    public static final String AWAITING_CARD = "AWAITING_CARD";

    /**
     * A card about to be charged for a payment ({@code POST /api/v1/payments/{id}/card}): the call to make
     * with {@code flow}. Once per payment: under the payment's row lock, a payment that waits for a card and
     * had none sent is marked ({@code CARD_SUBMITTED} in its timeline; {@code CARD_NOT_SENT} when the call
     * certainly never left) before the call, so a second post, a
     * concurrent one included, is refused (409) whatever came of the first: an unknown outcome is resolved by
     * status query, never by sending the card again. The card itself never passes through here.
     */
    @Transactional
    public Call cardCharge(String id, String clientScope, String flow) {
        payments.visible(id, clientScope);
        Payment p = store.lock(id).orElseThrow();
        if (store.countEvents(id, "CARD_SUBMITTED") > store.countEvents(id, "CARD_NOT_SENT")) {
            throw Refusal.conflict("payment " + id + " had a card sent to " + p.provider() + " already; its outcome"
                    + " comes from the provider (a card is never sent twice for one payment): create a new payment to try another card");
        }
        if (p.status() != PaymentStatus.PENDING || p.providerTransactionId() == null
                || !"CARD".equals(Json.toNode(p.message()).path("method").asText())) {
            throw Refusal.conflict("payment " + id + " is " + p.status() + (p.reasonCode() == null ? "" : " (" + p.reasonCode() + ")")
                    + ": it is not a card collection waiting for its card");
        }
        store.addEvent(id, "CARD_SUBMITTED", clientScope == null ? "operator" : "client:" + clientScope, null, null,
                Json.write(Json.object().put("flow", flow)));
        store.updateReason(id, "the card was sent to " + p.provider() + "; waiting for its answer", null);
        return call(store.find(id).orElseThrow(), Phase.POLL, flow);
    }

    /** The card charge certainly never left the hub: the payment waits for a card again (the card may be posted again). */
    @Transactional
    public void cardNotSent(String id, String reason) {
        Payment p = store.lock(id).orElseThrow();
        if (p.status() == PaymentStatus.PENDING) {
            store.addEvent(id, "CARD_NOT_SENT", "hub", null, null, Json.write(Json.object().put("reason", reason)));
            store.updateReason(id, "waiting for the card: POST /api/v1/payments/" + id + "/card", AWAITING_CARD);
        }
    }

    /**
     * A batch whose items wait for the provider's authorization code: the call for {@code flow} carrying
     * the batch and its waiting items (BatchSend.items), after checking who may authorize.
     */
    @Transactional
    public Decision.BatchSend batchAuthorization(String batchId, String clientScope, boolean operator, String flow,
                                                 String allowed) {
        Batch batch = batch(batchId, clientScope);
        requireAuthorizer(operator, allowed);
        // the waiting items locked in one statement, in id order, as every locker of several payments takes them
        // (the poller's group commits): an event written for one item never waits in a circle with them
        java.util.Map<String, Payment> locked = store.lockAll(batches.items(batchId).stream()
                .filter(i -> i.status() == PaymentStatus.PENDING && AWAITING_AUTHORIZATION.equals(i.reasonCode()))
                .map(BatchStore.Item::paymentId).toList());
        List<Payment> waiting = locked.values().stream()
                .filter(p -> p.status() == PaymentStatus.PENDING && AWAITING_AUTHORIZATION.equals(p.reasonCode()))
                .sorted(java.util.Comparator.comparing(Payment::itemId)).toList();
        if (waiting.isEmpty()) {
            throw Refusal.conflict("batch " + batchId + " has no item waiting for authorization");
        }
        ArrayNode items = Json.NODES.arrayNode();
        for (Payment p : waiting) {
            store.addEvent(p.id(), "AUTHORIZATION_SUBMITTED", operator ? "operator" : "client:" + batch.clientId(), null, null,
                    Json.write(Json.object().put("flow", flow).put("batchId", batchId)));
            items.add(call(p, Phase.POLL, flow).input().without("config"));
        }
        return new Decision.BatchSend(batchId, batchCall(batch, items, flow, Phase.POLL),
                waiting.stream().map(Payment::id).toList(), List.of());
    }

    /** Who may authorize a held transfer on this hub ({@code hub.payments.authorization-by}). */
    private static void requireAuthorizer(boolean operator, String allowed) {
        boolean mayAuthorize = "both".equals(allowed) || ("operator".equals(allowed) ? operator : !operator);
        if (!mayAuthorize) {
            throw Refusal.forbidden("transfers are authorized by " + ("operator".equals(allowed) ? "an operator"
                    : "the client that sent them") + " on this hub");
        }
    }

    /** A call for a whole batch: the batch, its items' inputs (without their settings) and the settings once. */
    private Call batchCall(Batch batch, ArrayNode items, String flow, Phase phase) {
        ObjectNode input = Json.object();
        input.set("batch", Json.object().put("batchId", batch.id()).put("messageId", batch.messageId())
                .put("providerReference", batch.providerReference()).put("clientId", batch.clientId())
                .put("itemCount", items.size()).set("message", Json.toNode(batch.message())));
        input.set("items", items);
        input.set("config", carriers.settings(batch.provider()));
        return new Call(batch.id(), batch.provider(), flow, phase, input);
    }

    /** The batch if the caller may see it. */
    private Batch batch(String batchId, String clientScope) {
        return batches.find(batchId).filter(b -> clientScope == null || b.clientId().equals(clientScope))
                .orElseThrow(() -> Refusal.notFound("no batch of this caller has this id"));
    }

    /** The reason code of a payment the provider holds until it is authorized (e.g. an OTP). */
    public static final String AWAITING_AUTHORIZATION = "AWAITING_AUTHORIZATION";

    /**
     * Claims a batch's items that were never sent (ACCEPTED -> SUBMITTED, in one transaction, so no item
     * is sent by two senders): one call for all of them when the provider has a bulk flow for the batch's
     * operation, otherwise the items to send one by one. Items already sent are never in it.
     */
    @Transactional
    public Decision.BatchSend claimBatch(String batchId) {
        Batch batch = batches.lock(batchId).orElse(null);
        if (batch == null) {
            return new Decision.BatchSend(batchId, null, List.of(), List.of());
        }
        if (!carriers.accepting(batch.provider())) {
            return new Decision.BatchSend(batchId, null, List.of(), List.of()); // stays ACCEPTED until it takes calls
        }
        List<String> ids = batches.lockAccepted(batchId);
        Optional<String> flow = bulkFlow(batchId);
        if (ids.isEmpty() || flow.isEmpty()) {
            return new Decision.BatchSend(batchId, null, List.of(), ids);
        }
        ArrayNode items = Json.NODES.arrayNode();
        for (String id : ids) {
            Payment p = store.lock(id).orElseThrow();
            payments.changeStatus(p, PaymentStatus.SUBMITTED, "sent to " + p.provider() + " in batch " + batchId
                    + " (" + batch.providerReference() + ")", null, "hub", Json.object().put("batchId", batchId)
                    .put("batchReference", batch.providerReference()).put("items", ids.size()));
            store.markSent(id, clock.instant().plus(properties.polling().firstDelay()));
            items.add(call(store.find(id).orElseThrow(), Phase.SEND, flow.get()).input().without("config"));
        }
        batches.markSubmitted(batchId);
        return new Decision.BatchSend(batchId, batchCall(batch, items, flow.get(), Phase.SEND), ids, List.of());
    }

    /** The provider's flow that sends a whole batch of this batch's operation, if it has one. */
    private Optional<String> bulkFlow(String batchId) {
        return batches.find(batchId).flatMap(b -> carriers.flow(b.provider(), b.operation()));
    }

    /** What a verified webhook did: APPLIED, NO_CHANGE, UNMATCHED or IGNORED, and to which payment. */
    public record WebhookResult(String result, String paymentId) {
    }

    /** Applies a verified provider webhook's outcome (it names our reference). */
    @Transactional
    public WebhookResult applyWebhook(String provider, Outcome outcome) {
        if (outcome.kind() == Outcome.Kind.IGNORED || outcome.reference() == null) {
            return new WebhookResult("IGNORED", null);
        }
        Payment found = store.findByProviderReference(provider, outcome.reference()).orElse(null);
        if (found == null) {
            LOG.warn("Verified {} webhook for unknown reference {}", provider, africa.payhub.canonical.Sensitive.maskPans(outcome.reference()));
            return new WebhookResult("UNMATCHED", null);
        }
        // the status before is read under the payment's lock: another event applied meanwhile (two webhooks at
        // once) is not taken for this one's change
        Payment p = store.lock(found.id()).orElseThrow(() -> new IllegalStateException("no payment " + found.id()));
        PaymentStatus before = p.status();
        applyOutcome(p, Phase.WEBHOOK, outcome, List.of(), 0);
        PaymentStatus after = store.find(p.id()).orElseThrow().status();
        return new WebhookResult(before == after ? "NO_CHANGE" : "APPLIED", p.id());
    }

    /**
     * Money the provider reports arriving into something a client owns (a reserved account): a payment of its
     * own for that client ({@code operation}), made once per provider transaction (its message id is derived
     * from the provider's transaction id) and resolved by the outcome at once, with its callback.
     */
    @Transactional
    public WebhookResult applyReported(String provider, String clientId, String operation, String callbackUrl,
                                       JsonNode into, Outcome outcome) {
        if (outcome.providerTransactionId() == null || outcome.providerTransactionId().isBlank()) {
            return new WebhookResult("UNMATCHED", null);
        }
        ObjectNode message = Json.object();
        message.put("messageId", reportedMessageId(provider, outcome.providerTransactionId()));
        message.put("operation", operation);
        message.put("provider", provider);
        if (outcome.amount() != null && outcome.amount().isObject()) {
            message.set("amount", outcome.amount());
        }
        message.set("into", into);
        message.put("providerTransactionId", outcome.providerTransactionId());
        Optional<Payment> made = payments.acceptReported(clientId, provider, message, callbackUrl);
        if (made.isEmpty()) {
            return new WebhookResult("NO_CHANGE", store.findByMessage(clientId, message.path("messageId").asText())
                    .map(Payment::id).orElse(null));
        }
        applyOutcome(made.get().id(), Phase.WEBHOOK, outcome);
        return new WebhookResult("CREATED", made.get().id());
    }

    /** The message id of a reported payment: the provider's transaction id, as a message id may be written. */
    static String reportedMessageId(String provider, String providerTransactionId) {
        String id = provider + ":" + providerTransactionId;
        if (id.matches("[A-Za-z0-9._:-]{1,64}")) {
            return id;
        }
        String readable = id.replaceAll("[^A-Za-z0-9._:-]", ".");
        String digest = Json.sha256(providerTransactionId).substring(0, 12);
        return (readable.length() > 50 ? readable.substring(0, 50) : readable) + "." + digest;
    }

    /**
     * A provider's notice (a settlement, a rejected transfer): each payment it names, by our reference or the
     * provider's transaction id, gets it on its timeline and in a callback. NOTIFIED when every one was
     * found, PARTLY_MATCHED or UNMATCHED otherwise (an operator sees those webhooks).
     */
    @Transactional
    public WebhookResult applyNotice(String provider, Outcome outcome) {
        JsonNode json = outcome.json();
        String notice = json.path("notice").asText("NOTICE");
        int found = 0;
        int missing = 0;
        String first = null;
        for (JsonNode m : json.path("matches")) {
            Optional<Payment> p = Optional.empty();
            if (m.hasNonNull("reference")) {
                p = store.findByProviderReference(provider, m.get("reference").asText());
            }
            if (p.isEmpty() && m.hasNonNull("providerTransactionId")) {
                p = store.findByProviderTransactionId(provider, m.get("providerTransactionId").asText());
            }
            if (p.isEmpty()) {
                missing++;
                continue;
            }
            found++;
            first = first == null ? p.get().id() : first;
            JsonNode detail = m.has("detail") ? m.get("detail") : json.get("detail");
            payments.notice(store.lock(p.get().id()).orElseThrow(), notice, detail, provider + ":webhook");
        }
        if (found == 0) {
            LOG.warn("Verified {} {} webhook names no payment of the hub", provider, notice);
            return new WebhookResult("UNMATCHED", null);
        }
        return new WebhookResult(missing == 0 ? "NOTIFIED" : "PARTLY_MATCHED", first);
    }

    /** An operator's decision on a payment in NEEDS_REVIEW. */
    @Transactional
    public Payment resolve(String paymentId, PaymentStatus decision, String reason, String operator) {
        Payment p = store.lock(paymentId).orElseThrow(() -> Refusal.notFound("no payment has this id"));
        if (p.status() != PaymentStatus.NEEDS_REVIEW) {
            throw Refusal.conflict("payment " + paymentId + " is " + p.status()
                    + "; only a NEEDS_REVIEW payment can be resolved by an operator");
        }
        if (decision == PaymentStatus.FAILED) {
            postedEvidence(p).ifPresent(evidence -> {
                throw Refusal.conflict("payment " + paymentId + " cannot be marked FAILED: the provider's evidence shows it"
                        + " was made (" + evidence + "); a client told FAILED would pay again. Resolve SUCCEEDED, or"
                        + " reverse it with the provider first");
            });
        }
        payments.changeStatus(p, decision, reason, "OPERATOR_DECISION", "operator:" + operator,
                Json.object().put("decision", decision.name()).put("operator", operator));
        return store.find(paymentId).orElseThrow();
    }

    /**
     * What the provider said that shows the payment was made: a status it reported that means SUCCEEDED
     * (e.g. held back for another amount), or an answer that our reference is already posted.
     */
    Optional<String> postedEvidence(Payment p) {
        for (PaymentStore.PaymentEvent e : store.events(p.id())) {
            if (!e.type().endsWith("_OUTCOME") || e.detail() == null) {
                continue;
            }
            JsonNode d = Json.toNode(e.detail());
            String providerStatus = d.path("providerStatus").asText(null);
            if ("STATUS".equals(d.path("outcome").asText()) && providerStatus != null
                    && carriers.status(p.provider(), providerStatus).status() == PaymentStatus.SUCCEEDED) {
                return Optional.of(p.provider() + " reported " + providerStatus + " at " + e.occurredAt());
            }
            if ("DUPLICATE_REFERENCE".equals(d.path("reasonCode").asText())) {
                return Optional.of(p.provider() + " answered that reference " + referenceAt(p) + " exists, at "
                        + e.occurredAt());
            }
        }
        return Optional.empty();
    }

    private boolean tooOld(Payment p) {
        return p.createdAt().plus(properties.polling().reviewAfter()).isBefore(clock.instant());
    }

    private Duration backoff(int attempts) {
        Duration first = properties.polling().firstDelay();
        Duration max = properties.polling().maxDelay();
        long millis = first.toMillis() * (1L << Math.min(attempts, 20));
        millis = Math.min(millis, max.toMillis());
        long jitter = millis / 10;
        millis += jitter == 0 ? 0 : ThreadLocalRandom.current().nextLong(-jitter, jitter + 1);
        return Duration.ofMillis(Math.max(millis, 1));
    }

    /** Null when the provider's amount matches the payment (or is absent); otherwise the discrepancy. */
    static String amountMismatch(Payment p, JsonNode amount) {
        if (amount == null || amount.isNull() || p.amountValue() == null) {
            return null;
        }
        JsonNode value = amount.isObject() ? amount.get("value") : amount;
        if (value == null || value.isNull()) {
            return null;
        }
        BigDecimal reported;
        try {
            reported = new BigDecimal(value.asText());
        } catch (NumberFormatException e) {
            return "provider reported an unreadable amount '" + value.asText() + "'";
        }
        String currency = amount.isObject() && amount.hasNonNull("currency") ? amount.get("currency").asText() : null;
        if (reported.compareTo(p.amountValue()) != 0 || (currency != null && !currency.equals(p.amountCurrency()))) {
            return "provider reported " + reported.toPlainString() + (currency == null ? "" : " " + currency)
                    + " but the payment is " + p.amountValue().toPlainString() + " " + p.amountCurrency();
        }
        return null;
    }
}
