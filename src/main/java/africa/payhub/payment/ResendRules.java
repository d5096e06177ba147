package africa.payhub.payment;

import static africa.payhub.payment.SendRules.NOT_SENT;
import static africa.payhub.payment.SendRules.PREPARING;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Redactor;
import africa.payhub.config.HubProperties;
import africa.payhub.payment.Decision.Call;
import africa.payhub.payment.Decision.Phase;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.stereotype.Service;

/**
 * What the poller does with a due payment ({@link #nextAction}), and when a payment is sent again: only when that
 * cannot pay twice (its send certainly never left the hub, or the provider's declaration says a repeated reference
 * is refused, or its maximum hold time has passed); a routed payment never sent goes to its next provider.
 * Otherwise a person decides (NEEDS_REVIEW), never a blind resend.
 */
@Service
public class ResendRules {

    private final PaymentStore store;
    private final StatusChanges statusChanges;
    private final Carriers carriers;
    private final HubProperties properties;
    private final Clock clock;
    private final CallInputs inputs;
    private final PollSchedule schedule;
    private final SendRules sends;

    public ResendRules(PaymentStore store, StatusChanges statusChanges, Carriers carriers, HubProperties properties,
                       Clock clock, CallInputs inputs, PollSchedule schedule, SendRules sends) {
        this.store = store;
        this.statusChanges = statusChanges;
        this.carriers = carriers;
        this.properties = properties;
        this.clock = clock;
        this.inputs = inputs;
        this.schedule = schedule;
        this.sends = sends;
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
            if (!carriers.accepting(p.provider()) && sends.nextCandidate(p).isEmpty()) {
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
                input[0] = input[0] == null ? inputs.call(p, Phase.EXPIRE, "") : input[0];
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
        if (schedule.tooOld(p)) {
            statusChanges.changeStatus(p, PaymentStatus.NEEDS_REVIEW, "unresolved after "
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
            statusChanges.changeStatus(p, PaymentStatus.NEEDS_REVIEW, p.provider() + " offers no status query for "
                    + p.operation() + "; check reference " + inputs.referenceAt(p) + " with the provider, then resolve",
                    "STATUS_UNKNOWN", "hub:poller", null);
            store.schedulePoll(id, null, false);
            return Decision.none(id);
        }
        return Decision.query(inputs.call(p, Phase.POLL, statusFlow.get()));
    }

    private Decision resend(Payment p, String actor, String reason, JsonNode evidence) {
        Optional<String> flow = carriers.flow(p.provider(), p.operation());
        if (flow.isEmpty()) {
            statusChanges.changeStatus(p, PaymentStatus.NEEDS_REVIEW, "would re-send, but provider " + p.provider()
                    + " can no longer carry " + p.operation(), "PROVIDER_UNAVAILABLE", actor, evidence);
            store.schedulePoll(p.id(), null, false);
            return Decision.none(p.id());
        }
        if (!statusChanges.changeStatus(p, PaymentStatus.SUBMITTED, reason, null, actor, evidence)) {
            // a payment still SUBMITTED (a send that stopped before its request left) makes no move: its timeline
            // says why it is sent again
            ObjectNode detail = Json.object().put("reason", reason);
            if (evidence != null) {
                detail.set("evidence", Redactor.redact(evidence));
            }
            store.addEvent(p.id(), "RESENT", actor, null, null, Json.write(detail));
            store.updateReason(p.id(), reason, null);
        }
        store.markSent(p.id(), clock.instant().plus(properties.polling().firstDelay()), sends.startState(p));
        Payment sending = store.find(p.id()).orElseThrow();
        return Decision.resend(inputs.call(sending, Phase.SEND, flow.get(), sending.sendAttempts()));
    }

    /**
     * A routed payment that never reached its provider goes to the next candidate of its routing rule, at
     * once. Never after anything may have been sent: only a NOT_SENT outcome gets here.
     */
    Optional<Call> fallBack(Payment p, Outcome outcome) {
        if (!p.status().isUnresolved()) {
            return Optional.empty();
        }
        Optional<String> next = sends.nextCandidate(p);
        if (next.isEmpty()) {
            return Optional.empty();
        }
        sends.switchTo(p, next.get(), p.provider() + " was not reached: " + outcome.reason());
        store.markSent(p.id(), clock.instant().plus(properties.polling().firstDelay()),
                carriers.chain(next.get(), p.operation()) ? PREPARING : null);
        Payment moved = store.find(p.id()).orElseThrow();
        return Optional.of(inputs.call(moved, Phase.SEND, carriers.flow(moved.provider(), moved.operation()).orElseThrow(),
                moved.sendAttempts()));
    }

    /**
     * The provider's status query found no record of our reference. The payment is sent again (same
     * reference) only when that cannot pay twice: the last send certainly never left the hub (its outcome was
     * "not sent", or the hub stopped while it was still preparing it: {@link SendRules#PREPARING}), or the provider's
     * declaration says it rejects duplicate references (when that rests on an assumption rather than its
     * document, only once the declared number of status queries, spread over the declared window, all found
     * nothing), or its declared maximum hold time has passed since the last send (so the request, had it
     * arrived, would be visible by now). Otherwise a person decides: NEEDS_REVIEW, never a blind resend.
     */
    Decision onNotFound(Payment p, String actor, Outcome outcome) {
        if (!p.status().isUnresolved()) {
            return Decision.none(p.id());
        }
        String reference = inputs.referenceAt(p);
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
                schedule.keepWaiting(p, Phase.POLL, null);
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

    private Decision review(Payment p, String reason, String actor, Outcome outcome) {
        statusChanges.changeStatus(p, PaymentStatus.NEEDS_REVIEW, reason, "NOT_FOUND_AT_PROVIDER", actor, outcome.json());
        store.schedulePoll(p.id(), null, false);
        return Decision.none(p.id());
    }
}
