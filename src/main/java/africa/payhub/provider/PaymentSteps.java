package africa.payhub.provider;

import java.time.Duration;
import java.util.Optional;

import africa.payhub.payment.Decision;
import africa.payhub.payment.Decision.Call;
import africa.payhub.payment.Decision.Phase;
import africa.payhub.payment.Outcome;
import africa.payhub.payment.BatchRules;
import africa.payhub.payment.OutcomeRules;
import africa.payhub.payment.ResendRules;
import africa.payhub.payment.SendRules;
import africa.payhub.payment.SendGroups;
import africa.payhub.payment.Timeline;
import africa.payhub.logging.LogContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The thin edge between the routes and the money rules: reads the payment id and outcome off the
 * exchange, asks the rules ({@link SendRules}, {@link OutcomeRules}, {@link ResendRules},
 * {@link BatchRules}), and sets what the routes read: {@code hubClaimed}, {@code hubAction}
 * (NONE, SEND, RESEND, QUERY), {@code hubRoute} (the flow to call) and the call input as the body.
 */
@Component
public class PaymentSteps {

    public static final String PAYMENT_ID = "hubPaymentId";
    public static final String PROVIDER = "hubProvider";
    public static final String ROUTE = "hubRoute";
    public static final String PHASE = "hubPhase";
    public static final String CLAIMED = "hubClaimed";
    public static final String ACTION = "hubAction";
    public static final String WEBHOOK_RESULT = "hubWebhookResult";
    public static final String BATCH_ID = "hubBatchId";
    public static final String BATCH_ITEMS = "hubBatchItems";
    public static final String INDIVIDUALLY = "hubIndividually";
    /** The events of the call under way (Timeline.Pending), written with its outcome. */
    public static final String PENDING_EVENTS = "hubPendingEvents";
    /** The send a call is ({@code Call.attempt}): what fences it when another send supersedes it; 0 otherwise. */
    public static final String SEND_ATTEMPT = "hubSendAttempt";
    /** When the call to the provider flow was prepared (System.nanoTime), for its timer. */
    static final String CALL_STARTED = "hubCallStarted";

    private final SendRules sends;
    private final OutcomeRules outcomes;
    private final ResendRules resends;
    private final BatchRules batches;
    private final SendGroups groups;
    private final MeterRegistry meters;

    public PaymentSteps(SendRules sends, OutcomeRules outcomes, ResendRules resends, BatchRules batches, SendGroups groups,
                        MeterRegistry meters) {
        this.sends = sends;
        this.outcomes = outcomes;
        this.resends = resends;
        this.batches = batches;
        this.groups = groups;
        this.meters = meters;
    }

    /**
     * Body: a batch id. Claims its unsent items: {@code hubClaimed} with the bulk call prepared (body and
     * {@code hubRoute}), and {@code hubIndividually}: the items to send one by one instead.
     */
    public void claimBatch(Exchange exchange) {
        Decision.BatchSend send = batches.claimBatch(exchange.getMessage().getBody(String.class));
        exchange.setProperty(BATCH_ID, send.batchId());
        exchange.setProperty(CLAIMED, send.call() != null);
        exchange.setProperty(BATCH_ITEMS, send.items());
        exchange.setProperty(INDIVIDUALLY, send.individually());
        if (send.call() != null) {
            prepare(exchange, send.call());
            // the bulk call belongs to no one payment's timeline: each item's records that it went in it
            exchange.removeProperty(PAYMENT_ID);
        }
    }

    /** Body: the outcome of the bulk call; every item it carried takes it, as its own send outcome. */
    public void applyBatchOutcome(Exchange exchange) {
        Outcome outcome = Outcome.from(exchange.getMessage().getBody());
        @SuppressWarnings("unchecked")
        java.util.List<String> items = exchange.getProperty(BATCH_ITEMS, java.util.List.class);
        for (String id : items) {
            outcomes.applyOutcome(id, Phase.SEND, outcome);
        }
    }

    /** See {@link SendRules#dueAfterQueueFull}. */
    public void dueAfterQueueFull() {
        sends.dueAfterQueueFull();
    }

    /** Body: a payment id. Claims it for sending; when claimed, the body becomes the call input. */
    public void claimForSend(Exchange exchange) {
        String id = exchange.getMessage().getBody(String.class);
        try (LogContext log = LogContext.with(LogContext.PAYMENT_ID, id)) {
            Optional<Call> call = groups.claimForSend(id);
            exchange.setProperty(CLAIMED, call.isPresent());
            call.ifPresent(c -> prepare(exchange, c));
        }
    }

    /**
     * Body: the outcome of the call made for {@code hubPaymentId} in {@code hubPhase}. The call is timed
     * ({@code hub.provider.calls}: provider, flow, outcome), from its preparation to its outcome.
     */
    public void applyOutcome(Exchange exchange) {
        String id = exchange.getProperty(PAYMENT_ID, String.class);
        Phase phase = Phase.valueOf(exchange.getProperty(PHASE, "SEND", String.class));
        Outcome outcome = Outcome.from(exchange.getMessage().getBody());
        Long started = exchange.getProperty(CALL_STARTED, Long.class);
        if (started != null) {
            Timer.builder("hub.provider.calls")
                    .description("Provider flows from the call's preparation to its outcome")
                    .tag("provider", exchange.getProperty(PROVIDER, "unknown", String.class))
                    .tag("flow", exchange.getProperty(ROUTE, "unknown", String.class))
                    .tag("outcome", outcome.kind().name())
                    .publishPercentileHistogram()
                    .register(meters)
                    .record(Duration.ofNanos(System.nanoTime() - started));
        }
        Timeline.Pending pending = exchange.getProperty(PENDING_EVENTS, Timeline.Pending.class);
        java.util.List<Timeline.Entry> events = pending != null && id != null && id.equals(pending.paymentId())
                ? pending.drain() : java.util.List.of();
        try (LogContext log = LogContext.with(LogContext.PAYMENT_ID, id)) {
            decided(exchange, groups.applyOutcome(id, phase, outcome, events,
                    exchange.getProperty(SEND_ATTEMPT, 0, Integer.class)));
        }
    }

    /** Body: a due payment's id; what the poller does with it. */
    public void nextAction(Exchange exchange) {
        String id = exchange.getMessage().getBody(String.class);
        exchange.setProperty(PAYMENT_ID, id);
        try (LogContext log = LogContext.with(LogContext.PAYMENT_ID, id)) {
            decided(exchange, resends.nextAction(id));
        }
    }


    private void decided(Exchange exchange, Decision decision) {
        exchange.setProperty(ACTION, decision.action().name());
        if (decision.batchId() != null) {
            exchange.setProperty(BATCH_ID, decision.batchId());
        }
        if (decision.call() != null) {
            prepare(exchange, decision.call());
        }
    }

    private static void prepare(Exchange exchange, Call call) {
        exchange.getMessage().setBody(call.input());
        exchange.setProperty(PAYMENT_ID, call.paymentId());
        exchange.setProperty(PROVIDER, call.provider());
        exchange.setProperty(PHASE, call.phase().name());
        exchange.setProperty(ROUTE, call.flow());
        exchange.setProperty(SEND_ATTEMPT, call.attempt());
        exchange.setProperty(CALL_STARTED, System.nanoTime());
        exchange.setProperty(PENDING_EVENTS, new Timeline.Pending(call.paymentId()));
    }
}
