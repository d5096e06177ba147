package africa.payhub.provider;

import java.time.Duration;
import java.util.Optional;

import africa.payhub.payment.Decision;
import africa.payhub.payment.Decision.Call;
import africa.payhub.payment.Decision.Phase;
import africa.payhub.exchange.HubKeys;
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
 * {@link BatchRules}), and hands the routes one {@link PaymentWork} ({@code hubPaymentWork}): whether the
 * claim took the payment, the action (NONE, SEND, RESEND, QUERY, SEND_BATCH), the flow to call; the call
 * input is the body.
 */
@Component
public class PaymentSteps {

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
     * Body: a batch id. Claims its unsent items: the work is claimed with the bulk call prepared (body and
     * route), and names the items to send one by one instead.
     */
    public void claimBatch(Exchange exchange) {
        Decision.BatchSend send = batches.claimBatch(exchange.getMessage().getBody(String.class));
        exchange.setProperty(HubKeys.PAYMENT_WORK, PaymentWork.ofBatch(send));
        if (send.call() != null) {
            prepare(exchange, send.call());
            // the bulk call belongs to no one payment's timeline: each item's records that it went in it
            exchange.removeProperty(HubKeys.PAYMENT_ID);
        }
    }

    /** Body: the outcome of the bulk call; every item it carried takes it, as its own send outcome. */
    public void applyBatchOutcome(Exchange exchange) {
        Outcome outcome = Outcome.from(exchange.getMessage().getBody());
        for (String id : exchange.getProperty(HubKeys.PAYMENT_WORK, PaymentWork.class).batchItems()) {
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
            exchange.setProperty(HubKeys.PAYMENT_WORK, PaymentWork.ofClaim(call.orElse(null)));
            call.ifPresent(c -> prepare(exchange, c));
        }
    }

    /**
     * Body: the outcome of the call the work holds. The call is timed ({@code hub.provider.calls}: provider,
     * flow, outcome), from its preparation to its outcome.
     */
    public void applyOutcome(Exchange exchange) {
        PaymentWork work = exchange.getProperty(HubKeys.PAYMENT_WORK, PaymentWork.class);
        Call call = work.call();
        String id = call.paymentId();
        Outcome outcome = Outcome.from(exchange.getMessage().getBody());
        Timer.builder("hub.provider.calls")
                .description("Provider flows from the call's preparation to its outcome")
                .tag("provider", call.provider())
                .tag("flow", call.flow())
                .tag("outcome", outcome.kind().name())
                .publishPercentileHistogram()
                .register(meters)
                .record(Duration.ofNanos(System.nanoTime() - work.started()));
        Timeline.Pending pending = work.getPending();
        java.util.List<Timeline.Entry> events = id != null && id.equals(pending.paymentId())
                ? pending.drain() : java.util.List.of();
        try (LogContext log = LogContext.with(LogContext.PAYMENT_ID, id)) {
            decided(exchange, groups.applyOutcome(id, call.phase(), outcome, events, call.attempt()));
        }
    }

    /** Body: a due payment's id; what the poller does with it. */
    public void nextAction(Exchange exchange) {
        String id = exchange.getMessage().getBody(String.class);
        exchange.setProperty(HubKeys.PAYMENT_ID, id);
        try (LogContext log = LogContext.with(LogContext.PAYMENT_ID, id)) {
            decided(exchange, resends.nextAction(id));
        }
    }


    private void decided(Exchange exchange, Decision decision) {
        exchange.setProperty(HubKeys.PAYMENT_WORK, PaymentWork.ofDecision(decision));
        if (decision.call() != null) {
            prepare(exchange, decision.call());
        }
    }

    /** The call's input becomes the body; its payment and provider are what every provider flow reads. */
    private static void prepare(Exchange exchange, Call call) {
        exchange.getMessage().setBody(call.input());
        exchange.setProperty(HubKeys.PAYMENT_ID, call.paymentId());
        exchange.setProperty(HubKeys.PROVIDER, call.provider());
    }
}
