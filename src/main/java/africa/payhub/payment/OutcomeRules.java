package africa.payhub.payment;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Redactor;
import africa.payhub.payment.Decision.Call;
import africa.payhub.payment.Decision.Phase;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.stereotype.Service;

/**
 * The money rules, applied to what a provider answered: what a send's response, a status query, a recheck or a
 * webhook means for the payment. Plain values in, a {@link Decision} out. A payment whose outcome is unknown stays
 * PENDING and is resolved by a status query with our reference; a final status never goes back; a webhook settles
 * a payment only when it carries the amount and currency the payment expects. Nothing here knows of Camel or
 * HTTP: the provider layer's {@code PaymentSteps} carries the decisions to the routes.
 */
@Service
public class OutcomeRules {

    private final PaymentStore store;
    private final StatusChanges statusChanges;
    private final Carriers carriers;
    private final Clock clock;
    private final CallInputs inputs;
    private final PollSchedule schedule;
    private final ResendRules resends;

    public OutcomeRules(PaymentStore store, StatusChanges statusChanges, Carriers carriers, Clock clock,
                        CallInputs inputs, PollSchedule schedule, ResendRules resends) {
        this.store = store;
        this.statusChanges = statusChanges;
        this.carriers = carriers;
        this.clock = clock;
        this.inputs = inputs;
        this.schedule = schedule;
        this.resends = resends;
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

    Decision applyOutcome(Payment p, Phase phase, Outcome outcome, List<Timeline.Entry> callEvents, int attempt) {
        return applyOutcome(p, phase, actor(p, phase), outcome, callEvents, attempt);
    }

    /** As {@link #applyOutcome(Payment, Phase, Outcome, List, int)}, recorded as {@code actor}'s. */
    Decision applyOutcome(Payment p, Phase phase, String actor, Outcome outcome, List<Timeline.Entry> callEvents, int attempt) {
        Recording r = recording(p, phase, actor, outcome, callEvents, attempt);
        store.recordOutcomes(List.of(r.recorded()));
        return decide(p, phase, outcome, r);
    }

    /** Who the timeline names for an outcome of this phase. */
    private static String actor(Payment p, Phase phase) {
        return switch (phase) {
            case WEBHOOK -> p.provider() + ":webhook";
            case POLL -> "hub:poller";
            case RECHECK -> "hub:recheck";
            case EXPIRE -> "hub:expiry";
            case SEND, AUTHORIZE -> "hub";
        };
    }

    /**
     * What an outcome writes to its payment's timeline before any rule runs: the call's events and the outcome's
     * own, and what a send came to unless it goes with a status move. {@code superseded}: a send another one
     * superseded, whose outcome changes nothing else.
     */
    private record Recording(String actor, PaymentStore.Recorded recorded, boolean superseded, String sendOutcomeWithMove) {
    }

    private Recording recording(Payment p, Phase phase, String actor, Outcome outcome, List<Timeline.Entry> callEvents,
                                int attempt) {
        List<Timeline.Entry> events = new java.util.ArrayList<>(callEvents);
        if (phase == Phase.SEND && attempt > 0 && attempt != p.sendAttempts()) {
            // a send another one superseded (its hub stalled past the resend guard, or was stopped): what it saw
            // is kept in the timeline, and nothing else: the payment belongs to the later send
            ObjectNode stale = ((ObjectNode) Redactor.redact(outcome.json())).put("superseded", true)
                    .put("attempt", attempt).put("currentAttempt", p.sendAttempts());
            events.add(new Timeline.Entry("SEND_OUTCOME", actor, null, Json.write(stale)));
            return new Recording(actor, new PaymentStore.Recorded(p.id(), null, events), true, null);
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
        return new Recording(actor, new PaymentStore.Recorded(p.id(), withMove ? null : sendOutcome, events), false,
                withMove ? sendOutcome : null);
    }

    /** The rules applied to an outcome whose recording is written. */
    private Decision decide(Payment p, Phase phase, Outcome outcome, Recording r) {
        if (r.superseded()) {
            return Decision.none(p.id());
        }
        Decision decision = apply(p, outcome, phase, r.actor(), r.sendOutcomeWithMove());
        if (phase == Phase.EXPIRE && outcome.kind() != Outcome.Kind.STATUS && decision.action() == Decision.Action.NONE) {
            // the provider did not close it (it is being paid, or was paid): ask for its status now, never give it up
            Payment now = store.find(p.id()).orElseThrow();
            Optional<String> statusFlow = carriers.statusFlow(now.provider(), now.operation());
            if (now.status().isUnresolved() && statusFlow.isPresent()) {
                schedule.leaseToQuery(now);
                return Decision.query(inputs.call(now, Phase.POLL, statusFlow.get()));
            }
        }
        return decision;
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
     * {@link #applyOutcome(String, Phase, Outcome, List)} for many outcomes in the caller's transaction (see
     * {@link SendGroups}): their payments locked in one statement, what each wrote to its timeline before its
     * rules in another, then the rules of each, in order: for each, its decision. A payment named twice is
     * done the second time after the first one's rules, as it stands then.
     */
    public List<Decision> applyAll(List<GroupCommit.Piece<Applied>> pieces) {
        java.util.Map<String, Payment> locked = store.lockAll(pieces.stream().map(piece -> piece.item().paymentId()).toList());
        java.util.Set<String> seen = new java.util.HashSet<>();
        List<Recording> recordings = new java.util.ArrayList<>(pieces.size());
        for (GroupCommit.Piece<Applied> piece : pieces) {
            Applied a = piece.item();
            Payment p = locked.get(a.paymentId());
            if (p == null) {
                throw new IllegalStateException("no payment " + a.paymentId());
            }
            recordings.add(seen.add(a.paymentId()) ? recording(p, a.phase(), actor(p, a.phase()), a.outcome(), a.callEvents(), a.attempt()) : null);
        }
        store.recordOutcomes(recordings.stream().filter(java.util.Objects::nonNull).map(Recording::recorded).toList());
        List<Decision> decisions = new java.util.ArrayList<>(pieces.size());
        for (int i = 0; i < pieces.size(); i++) {
            Applied a = pieces.get(i).item();
            Recording r = recordings.get(i);
            decisions.add(pieces.get(i).within(() -> r != null
                    ? decide(locked.get(a.paymentId()), a.phase(), a.outcome(), r)
                    // read again: the first outcome may have moved it
                    : applyOutcome(store.lock(a.paymentId()).orElseThrow(), a.phase(), a.outcome(), a.callEvents(), a.attempt())));
        }
        return decisions;
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
                    statusChanges.changeStatus(p, PaymentStatus.FAILED, outcome.reason(), outcome.reasonCode(), actor, outcome.json());
                } else {
                    schedule.keepWaiting(p, phase, null);
                }
            }
            case UNKNOWN -> {
                if (carriers.statusFlow(p.provider(), p.operation()).isEmpty()) {
                    if (p.status().isUnresolved()) {
                        statusChanges.changeStatus(p, PaymentStatus.NEEDS_REVIEW, "outcome unknown (" + outcome.reason() + ") and "
                                + p.provider() + " offers no status query: check reference " + inputs.referenceAt(p)
                                + " with the provider, then resolve", "OUTCOME_UNKNOWN", actor, outcome.json());
                        store.schedulePoll(p.id(), null, false);
                    }
                    return Decision.none(p.id());
                }
                moveToPending(p, "outcome unknown (" + outcome.reason() + "); resolving by status query", actor, outcome);
                schedule.keepWaiting(p, phase, outcome.retryAfter());
            }
            case NOT_SENT -> {
                if (phase == Phase.SEND) {
                    Optional<Call> fallback = resends.fallBack(p, outcome);
                    if (fallback.isPresent()) {
                        return Decision.resend(fallback.get());
                    }
                    moveToPending(p, "not sent (" + outcome.reason() + "); it never reached " + p.provider()
                            + " and will be sent again", actor, outcome);
                    // counted as a wait, so that the next sends come later and later (and one that never goes
                    // through reaches review-after)
                    schedule.keepWaiting(p, Phase.POLL, outcome.retryAfter());
                    return Decision.none(p.id());
                }
                // a status query that never left (circuit open, no connection) says nothing of the payment, whose own
                // send may still be under way: its status and reason stay (the timeline has the query's outcome), and
                // it is asked again
                schedule.keepWaiting(p, phase, outcome.retryAfter());
            }
            case NOT_FOUND -> {
                if (phase == Phase.SEND) {
                    statusChanges.changeStatus(p, PaymentStatus.FAILED, outcome.reason(), outcome.reasonCode(), actor, outcome.json());
                } else {
                    return resends.onNotFound(p, actor, outcome);
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
        String mismatch = AmountChecks.amountMismatch(p, outcome.amount());
        if (mismatch != null && target != PaymentStatus.PENDING) {
            statusChanges.changeStatus(p, PaymentStatus.NEEDS_REVIEW, mismatch, "AMOUNT_MISMATCH", actor, outcome.json());
            return false;
        }
        if (phase == Phase.WEBHOOK && target.isFinal() && !p.status().isFinal() && !AmountChecks.confirmsAmount(p, outcome.amount())) {
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
                schedule.keepWaiting(p, phase, null);
                return false;
            }
            // the details go with a move to PENDING, in its statement; otherwise in their own
            boolean moved = false;
            if (rule.notifyClient() && p.status() == PaymentStatus.PENDING && !java.util.Objects.equals(p.reasonCode(), rule.reasonCode())) {
                keepProviderDetails(p, details);
                statusChanges.noteReason(p, reason, rule.reasonCode(), actor, outcome.json(), true);
            } else if (moveToPending(p, reason, rule.reasonCode(), actor, outcome, details)) {
                moved = true;
            } else {
                keepProviderDetails(p, details);
            }
            schedule.keepWaiting(p, phase, null);
            return moved;
        }
        String reason = outcome.reason() != null ? outcome.reason() : rule.reason() != null ? rule.reason()
                : p.provider() + " reports " + outcome.providerStatus();
        // a success keeps only a reason code its status rule names (e.g. paid more than asked: OVERPAID)
        String code = target == PaymentStatus.SUCCEEDED ? rule.reasonCode() : rule.reasonCode() != null ? rule.reasonCode()
                : outcome.reasonCode();
        // the provider's details go with the move, in its statement; a payment that does not move keeps them too
        // unless it is final
        boolean changed = statusChanges.changeStatus(p, target, reason, code, actor, outcome.json(), details);
        if (!changed) {
            keepProviderDetails(p, details);
        }
        if (changed && target == PaymentStatus.SUCCEEDED && p.reversalOf() != null) {
            store.lock(p.reversalOf()).ifPresent(original -> statusChanges.changeStatus(original, PaymentStatus.REVERSED,
                    "reversed by payment " + p.id(), "REVERSED_ON_REQUEST", actor,
                    Json.object().put("reversalPaymentId", p.id())));
        }
        return changed;
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
        statusChanges.changeStatus(p, PaymentStatus.NEEDS_REVIEW, said + " (expected " + (p.amountValue() == null ? "an amount"
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
            return statusChanges.changeStatus(p, PaymentStatus.PENDING, reason, reasonCode, actor, outcome.json(), details);
        }
        if (p.status() == PaymentStatus.PENDING && !java.util.Objects.equals(p.reasonCode(), reasonCode)) {
            store.updateReason(p.id(), reason, reasonCode);
        }
        return false;
    }

}
