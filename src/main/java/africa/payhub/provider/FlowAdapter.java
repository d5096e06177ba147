package africa.payhub.provider;

import java.time.Duration;
import java.util.Optional;

import africa.payhub.payment.Decision;
import africa.payhub.payment.Decision.Call;
import africa.payhub.payment.Decision.Phase;
import africa.payhub.payment.Outcome;
import africa.payhub.payment.PaymentFlow;
import africa.payhub.logging.LogContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The thin edge between the routes and the money rules: reads the payment id and outcome off the
 * exchange, asks {@link PaymentFlow}, and sets what the routes read: {@code hubClaimed}, {@code hubAction}
 * (NONE, SEND, RESEND, QUERY), {@code hubRoute} (the flow to call) and the call input as the body.
 */
@Component("paymentFlow")
public class FlowAdapter {

    public static final String PAYMENT_ID = "hubPaymentId";
    public static final String PROVIDER = "hubProvider";
    public static final String ROUTE = "hubRoute";
    public static final String PHASE = "hubPhase";
    public static final String CLAIMED = "hubClaimed";
    public static final String ACTION = "hubAction";
    public static final String WEBHOOK_RESULT = "hubWebhookResult";
    /** When the call to the provider flow was prepared (System.nanoTime), for its timer. */
    static final String CALL_STARTED = "hubCallStarted";

    private final PaymentFlow rules;
    private final MeterRegistry meters;

    public FlowAdapter(PaymentFlow rules, MeterRegistry meters) {
        this.rules = rules;
        this.meters = meters;
    }

    /** Body: a payment id. Claims it for sending; when claimed, the body becomes the call input. */
    public void claimForSend(Exchange exchange) {
        String id = exchange.getMessage().getBody(String.class);
        try (LogContext log = LogContext.with(LogContext.PAYMENT_ID, id)) {
            Optional<Call> call = rules.claimForSend(id);
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
        try (LogContext log = LogContext.with(LogContext.PAYMENT_ID, id)) {
            decided(exchange, rules.applyOutcome(id, phase, outcome));
        }
    }

    /** Body: a due payment's id; what the poller does with it. */
    public void nextAction(Exchange exchange) {
        String id = exchange.getMessage().getBody(String.class);
        exchange.setProperty(PAYMENT_ID, id);
        try (LogContext log = LogContext.with(LogContext.PAYMENT_ID, id)) {
            decided(exchange, rules.nextAction(id));
        }
    }

    /** Body: a verified webhook's outcome. Sets {@code hubWebhookResult} and the payment it matched. */
    public void applyWebhook(String provider, Exchange exchange) {
        PaymentFlow.WebhookResult result = rules.applyWebhook(provider, Outcome.from(exchange.getMessage().getBody()));
        exchange.setProperty(WEBHOOK_RESULT, result.result());
        if (result.paymentId() != null) {
            exchange.setProperty(PAYMENT_ID, result.paymentId());
        }
    }

    private void decided(Exchange exchange, Decision decision) {
        exchange.setProperty(ACTION, decision.action().name());
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
        exchange.setProperty(CALL_STARTED, System.nanoTime());
    }
}
