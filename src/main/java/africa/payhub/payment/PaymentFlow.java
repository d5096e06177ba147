package africa.payhub.payment;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Redactor;
import africa.payhub.config.HubProperties;
import africa.payhub.provider.Mappings;
import africa.payhub.provider.Outcome;
import africa.payhub.provider.ProviderCatalog;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The money rules, applied between the routes' provider calls. Routes call these methods by name:
 * <ul>
 *   <li>{@link #claimForSend}: ACCEPTED -> SUBMITTED, atomically, so one payment is sent by one sender;</li>
 *   <li>{@link #applyOutcome}: what a response, status query or webhook means for the payment;</li>
 *   <li>{@link #nextAction}: what the poller does with a due payment.</li>
 * </ul>
 * A payment whose outcome is unknown stays PENDING and is resolved by a status query with our reference;
 * it is sent again (with the same reference) only when the provider says it never saw it.
 */
@Component("paymentFlow")
public class PaymentFlow {

    public static final String PAYMENT_ID = "hubPaymentId";
    public static final String PROVIDER = "hubProvider";
    public static final String ROUTE = "hubRoute";
    public static final String PHASE = "hubPhase";
    public static final String CLAIMED = "hubClaimed";
    public static final String ACTION = "hubAction";

    private static final Logger LOG = LoggerFactory.getLogger(PaymentFlow.class);

    private final PaymentStore store;
    private final PaymentService payments;
    private final Mappings mappings;
    private final ProviderCatalog providers;
    private final HubProperties properties;
    private final Clock clock;

    public PaymentFlow(PaymentStore store, PaymentService payments, Mappings mappings, ProviderCatalog providers,
                       HubProperties properties, Clock clock) {
        this.store = store;
        this.payments = payments;
        this.mappings = mappings;
        this.providers = providers;
        this.properties = properties;
        this.clock = clock;
    }

    /** Phases of a provider interaction, recorded in the timeline. */
    public enum Phase { SEND, POLL, WEBHOOK }

    /**
     * Claims an ACCEPTED payment for sending (body: the payment id). When claimed, the body becomes the
     * provider call's input and {@code hubClaimed} is true; otherwise someone else sent it already.
     */
    @Transactional
    public void claimForSend(Exchange exchange) {
        String id = exchange.getMessage().getBody(String.class);
        Payment p = store.lock(id).orElse(null);
        if (p == null || p.status() != PaymentStatus.ACCEPTED) {
            exchange.setProperty(CLAIMED, false);
            return;
        }
        if (!providers.supports(p.provider(), p.operation())) {
            payments.changeStatus(p, PaymentStatus.NEEDS_REVIEW, "provider " + p.provider()
                    + " can no longer carry " + p.operation() + " (route " + p.route() + " is not loaded)",
                    "PROVIDER_UNAVAILABLE", "hub", null);
            exchange.setProperty(CLAIMED, false);
            return;
        }
        payments.changeStatus(p, PaymentStatus.SUBMITTED, "sent to " + p.provider(), null, "hub", null);
        store.markSent(id, clock.instant().plus(properties.polling().firstDelay()));
        prepareCall(exchange, p, Phase.SEND, p.route());
        exchange.setProperty(CLAIMED, true);
    }

    /** The input every provider mapping receives: the payment, the canonical message and public settings. */
    private void prepareCall(Exchange exchange, Payment p, Phase phase, String route) {
        ObjectNode input = Json.object();
        input.set("payment", Json.object()
                .put("paymentId", p.id())
                .put("providerReference", p.providerReference())
                .put("providerTransactionId", p.providerTransactionId())
                .put("operation", p.operation())
                .put("clientId", p.clientId())
                .put("createdAt", p.createdAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString()));
        input.set("message", Json.toNode(p.message()));
        input.set("config", providers.require(p.provider()).publicSettings());
        if (p.reversalOf() != null) {
            Payment original = store.find(p.reversalOf()).orElseThrow();
            input.set("original", Json.object()
                    .put("paymentId", original.id())
                    .put("operation", original.operation())
                    .put("providerReference", original.providerReference())
                    .put("providerTransactionId", original.providerTransactionId()));
        }
        exchange.getMessage().setBody(input);
        exchange.setProperty(PAYMENT_ID, p.id());
        exchange.setProperty(PROVIDER, p.provider());
        exchange.setProperty(PHASE, phase.name());
        exchange.setProperty(ROUTE, route);
    }

    /**
     * Applies the outcome in the body to the payment in {@code hubPaymentId}. When the provider proved it
     * never saw the payment and a resend is allowed, sets {@code hubAction=RESEND} with the call prepared.
     */
    @Transactional
    public void applyOutcome(Exchange exchange) {
        String id = exchange.getProperty(PAYMENT_ID, String.class);
        Phase phase = Phase.valueOf(exchange.getProperty(PHASE, "SEND", String.class));
        Outcome outcome = Outcome.from(exchange.getMessage().getBody());
        exchange.setProperty(ACTION, "NONE");
        Payment p = store.lock(id).orElseThrow(() -> new IllegalStateException("no payment " + id));
        String actor = phase == Phase.WEBHOOK ? p.provider() + ":webhook" : phase == Phase.POLL ? "hub:poller" : "hub";
        store.addEvent(id, phase == Phase.SEND ? "SEND_OUTCOME" : phase == Phase.POLL ? "POLL_OUTCOME" : "WEBHOOK_OUTCOME",
                actor, null, null, Json.write(Redactor.redact(outcome.json())));
        if (phase != Phase.WEBHOOK) {
            store.recordOutcome(id, outcome.kind().name());
        }
        apply(exchange, p, outcome, phase, actor);
    }

    private void apply(Exchange exchange, Payment p, Outcome outcome, Phase phase, String actor) {
        switch (outcome.kind()) {
            case STATUS -> applyStatus(p, outcome, phase, actor);
            case REJECTED -> {
                if (phase == Phase.SEND) {
                    payments.changeStatus(p, PaymentStatus.FAILED, outcome.reason(), outcome.reasonCode(), actor, outcome.json());
                } else {
                    keepWaiting(p, phase, null);
                }
            }
            case UNKNOWN -> {
                if (statusRoute(p) == null) {
                    if (p.status().isUnresolved()) {
                        payments.changeStatus(p, PaymentStatus.NEEDS_REVIEW, "outcome unknown (" + outcome.reason() + ") and "
                                + p.provider() + " offers no status query: check reference " + p.providerReference()
                                + " with the provider, then resolve", "OUTCOME_UNKNOWN", actor, outcome.json());
                        store.schedulePoll(p.id(), null, false);
                    }
                    return;
                }
                moveToPending(p, "outcome unknown (" + outcome.reason() + "); resolving by status query", actor, outcome);
                keepWaiting(p, phase, null);
            }
            case NOT_SENT -> {
                if (phase == Phase.SEND && fallBack(exchange, p, outcome, actor)) {
                    return;
                }
                moveToPending(p, "not sent (" + outcome.reason() + "); will check with the provider and send again",
                        actor, outcome);
                keepWaiting(p, phase, outcome.retryAfter());
            }
            case NOT_FOUND -> {
                if (phase == Phase.SEND) {
                    payments.changeStatus(p, PaymentStatus.FAILED, outcome.reason(), outcome.reasonCode(), actor, outcome.json());
                } else {
                    onNotFound(exchange, p, actor, outcome);
                }
            }
            case IGNORED -> {
            }
        }
    }

    private void applyStatus(Payment p, Outcome outcome, Phase phase, String actor) {
        Mappings.StatusRule rule = mappings.status(p.provider(), outcome.providerStatus());
        PaymentStatus target = rule.status();
        String mismatch = amountMismatch(p, outcome.amount());
        if (mismatch != null && target != PaymentStatus.PENDING) {
            payments.changeStatus(p, PaymentStatus.NEEDS_REVIEW, mismatch, "AMOUNT_MISMATCH", actor, outcome.json());
            return;
        }
        if (!p.status().isFinal()) {
            store.updateProviderDetails(p.id(), outcome.providerTransactionId(),
                    outcome.result() == null || outcome.result().isNull() ? null : Json.write(outcome.result()));
        }
        if (target == PaymentStatus.PENDING) {
            String reason = rule.reason() != null ? rule.reason()
                    : p.provider() + " reports " + outcome.providerStatus();
            moveToPending(p, reason, actor, outcome);
            keepWaiting(p, phase, null);
            return;
        }
        String reason = outcome.reason() != null ? outcome.reason() : rule.reason() != null ? rule.reason()
                : p.provider() + " reports " + outcome.providerStatus();
        String code = target == PaymentStatus.SUCCEEDED ? null : rule.reasonCode() != null ? rule.reasonCode()
                : outcome.reasonCode();
        boolean changed = payments.changeStatus(p, target, reason, code, actor, outcome.json());
        if (changed && target == PaymentStatus.SUCCEEDED && p.reversalOf() != null) {
            store.lock(p.reversalOf()).ifPresent(original -> payments.changeStatus(original, PaymentStatus.REVERSED,
                    "reversed by payment " + p.id(), "REVERSED_ON_REQUEST", actor,
                    Json.object().put("reversalPaymentId", p.id())));
        }
    }

    private void moveToPending(Payment p, String reason, String actor, Outcome outcome) {
        if (p.status() == PaymentStatus.SUBMITTED || p.status() == PaymentStatus.ACCEPTED) {
            payments.changeStatus(p, PaymentStatus.PENDING, reason, null, actor, outcome.json());
        }
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

    private void onNotFound(Exchange exchange, Payment p, String actor, Outcome outcome) {
        if (!p.status().isUnresolved()) {
            return;
        }
        int max = properties.dispatch().maxSendAttempts();
        if (p.sendAttempts() >= max) {
            payments.changeStatus(p, PaymentStatus.NEEDS_REVIEW, p.provider() + " has no record of reference "
                    + p.providerReference() + " after " + p.sendAttempts() + " sends", "NOT_FOUND_AT_PROVIDER", actor, outcome.json());
            store.schedulePoll(p.id(), null, false);
            return;
        }
        Instant guard = p.lastSentAt() == null ? Instant.EPOCH : p.lastSentAt().plus(properties.dispatch().resendGuard());
        if (clock.instant().isBefore(guard)) {
            keepWaiting(p, Phase.POLL, null);
            return;
        }
        // the provider says it never saw our reference, and no send can still be in flight: send again,
        // with the same reference
        resend(exchange, p, actor, "re-sent: " + p.provider() + " had no record of reference " + p.providerReference(),
                outcome.json());
    }

    /**
     * A routed payment that never reached its provider goes to the next candidate of its routing rule, at
     * once. Never after anything may have been sent: only a NOT_SENT outcome gets here.
     */
    private boolean fallBack(Exchange exchange, Payment p, Outcome outcome, String actor) {
        if (p.routing() == null || !p.status().isUnresolved()) {
            return false;
        }
        JsonNode routing = Json.toNode(p.routing());
        int next = routing.path("current").asInt(0) + 1;
        JsonNode candidates = routing.path("candidates");
        if (next >= candidates.size()) {
            return false;
        }
        String provider = candidates.get(next).asText();
        store.switchProvider(p.id(), provider, next);
        store.addEvent(p.id(), "FALLBACK", "hub:router", null, null, Json.write(Json.object()
                .put("rule", routing.path("rule").asText()).put("from", p.provider()).put("to", provider)
                .put("reason", p.provider() + " was not reached: " + outcome.reason())));
        store.markSent(p.id(), clock.instant().plus(properties.polling().firstDelay()));
        Payment moved = store.find(p.id()).orElseThrow();
        prepareCall(exchange, moved, Phase.SEND, moved.route());
        exchange.setProperty(ACTION, "RESEND");
        return true;
    }

    private void resend(Exchange exchange, Payment p, String actor, String reason, JsonNode evidence) {
        payments.changeStatus(p, PaymentStatus.SUBMITTED, reason, null, actor, evidence);
        store.markSent(p.id(), clock.instant().plus(properties.polling().firstDelay()));
        prepareCall(exchange, store.find(p.id()).orElseThrow(), Phase.SEND, p.route());
        exchange.setProperty(ACTION, "RESEND");
    }

    /** The route to ask the provider about this payment: per operation, else provider-wide, else none. */
    private String statusRoute(Payment p) {
        if (providers.hasRoute(p.statusRoute())) {
            return p.statusRoute();
        }
        return providers.hasRoute(p.providerStatusRoute()) ? p.providerStatusRoute() : null;
    }

    /**
     * What the poller does with a claimed payment (body: its id): SEND a payment left ACCEPTED, QUERY the
     * provider about one SUBMITTED or PENDING (the call is prepared), or NONE.
     */
    @Transactional
    public void nextAction(Exchange exchange) {
        String id = exchange.getMessage().getBody(String.class);
        Payment p = store.lock(id).orElse(null);
        exchange.setProperty(ACTION, "NONE");
        exchange.setProperty(PAYMENT_ID, id);
        if (p == null || !p.status().isUnresolved()) {
            return;
        }
        if (p.status() == PaymentStatus.ACCEPTED) {
            store.addEvent(id, "RECOVERED", "hub:poller", null, null,
                    Json.write(Json.object().put("reason", "accepted but never sent (hub restarted?); sending now")));
            exchange.setProperty(ACTION, "SEND");
            return;
        }
        if (tooOld(p)) {
            payments.changeStatus(p, PaymentStatus.NEEDS_REVIEW, "unresolved after "
                    + properties.polling().reviewAfter() + "; a person decides", "UNRESOLVED", "hub:poller", null);
            store.schedulePoll(id, null, false);
            return;
        }
        String statusRoute = statusRoute(p);
        if (statusRoute == null) {
            Instant settled = p.lastSentAt() == null ? Instant.EPOCH : p.lastSentAt().plus(properties.dispatch().resendGuard());
            if (p.status() == PaymentStatus.SUBMITTED && clock.instant().isBefore(settled)) {
                // the send may still be in flight: its own outcome will come; look again once it cannot
                store.schedulePoll(id, settled, false);
                return;
            }
            if ("NOT_SENT".equals(p.lastOutcome()) && p.sendAttempts() < properties.dispatch().maxSendAttempts()) {
                // nothing to ask, but certain that the provider never received it: send it again, same reference
                resend(exchange, p, "hub:poller", "re-sent: the last attempt never reached " + p.provider(), null);
                return;
            }
            payments.changeStatus(p, PaymentStatus.NEEDS_REVIEW, p.provider() + " offers no status query for "
                    + p.operation() + "; check reference " + p.providerReference() + " with the provider, then resolve",
                    "STATUS_UNKNOWN", "hub:poller", null);
            store.schedulePoll(id, null, false);
            return;
        }
        prepareCall(exchange, p, Phase.POLL, statusRoute);
        exchange.setProperty(ACTION, "QUERY");
    }

    /**
     * Applies a verified provider webhook (body: the webhook mapping's outcome, with our reference).
     * Sets {@code hubWebhookResult}: APPLIED, NO_CHANGE, UNMATCHED or IGNORED.
     */
    @Transactional
    public void applyWebhook(String provider, Exchange exchange) {
        Outcome outcome = Outcome.from(exchange.getMessage().getBody());
        if (outcome.kind() == Outcome.Kind.IGNORED || outcome.reference() == null) {
            exchange.setProperty("hubWebhookResult", "IGNORED");
            return;
        }
        Payment p = store.findByProviderReference(provider, outcome.reference()).orElse(null);
        if (p == null) {
            exchange.setProperty("hubWebhookResult", "UNMATCHED");
            LOG.warn("Verified {} webhook for unknown reference {}", provider, outcome.reference());
            return;
        }
        exchange.setProperty(PAYMENT_ID, p.id());
        exchange.setProperty(PHASE, Phase.WEBHOOK.name());
        PaymentStatus before = p.status();
        applyOutcome(exchange);
        PaymentStatus after = store.find(p.id()).orElseThrow().status();
        exchange.setProperty("hubWebhookResult", before == after ? "NO_CHANGE" : "APPLIED");
    }

    /** An operator's decision on a payment in NEEDS_REVIEW. */
    @Transactional
    public Payment resolve(String paymentId, PaymentStatus decision, String reason, String operator) {
        Payment p = store.lock(paymentId).orElseThrow(() -> africa.payhub.web.ApiException.notFound("no payment " + paymentId));
        if (p.status() != PaymentStatus.NEEDS_REVIEW) {
            throw africa.payhub.web.ApiException.conflict("payment " + paymentId + " is " + p.status()
                    + "; only a NEEDS_REVIEW payment can be resolved by an operator");
        }
        payments.changeStatus(p, decision, reason, "OPERATOR_DECISION", "operator:" + operator,
                Json.object().put("decision", decision.name()).put("operator", operator));
        return store.find(paymentId).orElseThrow();
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
