package africa.payhub.provider;

import africa.payhub.exchange.HubKeys;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import africa.payhub.canonical.Json;
import africa.payhub.canonical.Sensitive;
import africa.payhub.payment.Outcome;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Turns a failed provider call into an {@link Outcome} (the body the flow continues with). Called by the
 * {@code provider-errors} route configuration, one method per failure class; it decides nothing about
 * the payment itself, {@code paymentSteps.applyOutcome} does.
 */
@Component("outcomes")
public class Outcomes {

    private static final Logger LOG = LoggerFactory.getLogger(Outcomes.class);

    /** The longest Retry-After a provider thread waits out itself; a longer one is left to the poller. */
    static final java.time.Duration LONGEST_WAIT = java.time.Duration.ofSeconds(10);

    private final Mappings mappings;
    private final int redeliveries;

    public Outcomes(Mappings mappings, @org.springframework.beans.factory.annotation.Value("${hub.dispatch.redeliveries:3}") int redeliveries) {
        this.mappings = mappings;
        this.redeliveries = redeliveries;
    }

    /**
     * Whether a call the provider answered "not processed, retry after ..." ({@link ProviderThrottledException}) is
     * tried again now, within the send: up to {@code hub.dispatch.redeliveries} times, each after the Retry-After
     * it gave (one second without one), as long as that is at most {@link #LONGEST_WAIT}; a longer wait is the
     * poller's, after which the payment is sent again.
     */
    public boolean redeliverThrottled(Exchange exchange) {
        Throwable e = exchange.getException() != null ? exchange.getException() : caught(exchange);
        java.time.Duration wait = null;
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof ProviderThrottledException t) {
                wait = t.retryAfter() == null ? java.time.Duration.ofSeconds(1) : t.retryAfter();
                break;
            }
        }
        int done = exchange.getProperty(HubKeys.THROTTLED_RETRIES, 0, Integer.class);
        if (wait == null || done >= redeliveries || wait.compareTo(LONGEST_WAIT) > 0) {
            return false;
        }
        exchange.setProperty(HubKeys.THROTTLED_RETRIES, done + 1);
        // the error handler's delay before the redelivery, from this header: the provider's own
        exchange.getIn().setHeader(Exchange.REDELIVERY_DELAY, wait.toMillis());
        return true;
    }

    /** Certainly never left the hub (connection refused, TLS refused, circuit open, pool exhausted, no token). */
    public void notSent(Exchange exchange) {
        Throwable e = caught(exchange);
        ObjectNode outcome = Outcome.of(Outcome.Kind.NOT_SENT, describe(e));
        if (e instanceof ProviderUnavailableException pue && pue.retryAfter() != null) {
            outcome.put("retryAfterSeconds", pue.retryAfter().toSeconds());
        }
        log(exchange, outcome);
        exchange.getMessage().setBody(outcome);
    }

    /** A send another one superseded before its next call: it sent nothing more, and its end changes nothing. */
    public void superseded(Exchange exchange) {
        ObjectNode outcome = Outcome.of(Outcome.Kind.IGNORED, describe(caught(exchange)));
        LOG.info("Provider call for payment {} in route {}: {}", exchange.getProperty(HubKeys.PAYMENT_ID),
                exchange.getFromRouteId(), Json.write(outcome));
        exchange.getMessage().setBody(outcome);
    }

    /**
     * A mapping that failed on this message: NOT_SENT when the request was not written yet (no
     * {@link ProviderHttp#begin} on this exchange), else UNKNOWN, since the provider may have acted on it.
     */
    public void mappingFailed(Exchange exchange) {
        if (exchange.getProperty(HubKeys.HTTP_STARTED) == null) {
            notSent(exchange);
        } else {
            unknown(exchange);
        }
    }

    /** May have been processed (timeout after sending, 5xx, 503/429, connection lost): resolve by status query. */
    public void unknown(Exchange exchange) {
        Throwable e = caught(exchange);
        ObjectNode outcome = Outcome.of(Outcome.Kind.UNKNOWN, describe(e));
        if (e instanceof ProviderBusyException busy && busy.retryAfter() != null) {
            outcome.put("retryAfterSeconds", busy.retryAfter().toSeconds());
        }
        log(exchange, outcome);
        exchange.getMessage().setBody(outcome);
    }

    /** The provider refused: its error code and message, through {@code <provider>/error.jslt} and errors.yaml. */
    public void rejected(Exchange exchange) {
        ProviderRejectedException e = (ProviderRejectedException) caught(exchange);
        Rejection refusal = classify(e);
        ObjectNode outcome = Outcome.of(refusal.rule().outcome(), refusal.reason());
        outcome.put("reasonCode", refusal.rule().reasonCode());
        outcome.put("httpStatus", e.httpStatus());
        if (refusal.code() != null) {
            outcome.put("providerCode", refusal.code());
        }
        log(exchange, outcome);
        exchange.getMessage().setBody(outcome);
    }

    /** A provider's refusal, read: its own code and message, and what errors.yaml makes of them. */
    public record Rejection(String code, String message, Mappings.ErrorRule rule, String reason) {
    }

    /** Reads a refusal through {@code <provider>/error.jslt} and {@code <provider>/errors.yaml}. */
    public Rejection classify(ProviderRejectedException e) {
        if (e.hubReasonCode() != null) {
            return new Rejection(e.hubReasonCode(), e.getMessage(),
                    new Mappings.ErrorRule(Outcome.Kind.REJECTED, e.hubReasonCode(), null), e.getMessage());
        }
        String code = null;
        String message = null;
        try {
            JsonNode error = mappings.transform(e.provider() + "/error", e.body());
            code = error.hasNonNull("code") ? error.get("code").asText() : null;
            message = error.hasNonNull("message") ? Sensitive.maskPans(error.get("message").asText()) : null;
        } catch (RuntimeException unreadable) {
            message = null;
        }
        Mappings.ErrorRule rule = mappings.error(e.provider(), code, message, e.httpStatus());
        String reason = rule.reason() != null ? rule.reason() : message != null ? message : e.getMessage();
        return new Rejection(code, message, rule, reason);
    }

    private static void log(Exchange exchange, ObjectNode outcome) {
        LOG.warn("Provider call for payment {} in route {}: {}", exchange.getProperty(HubKeys.PAYMENT_ID),
                exchange.getFromRouteId(), Json.write(outcome));
    }

    private static Throwable caught(Exchange exchange) {
        return exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    }

    static String describe(Throwable e) {
        Throwable root = e;
        for (Throwable c = e; c != null; c = c.getCause()) {
            root = c;
            if (c instanceof ProviderException) {
                break;
            }
        }
        if (root instanceof ProviderException pe) {
            return pe.getMessage();
        }
        if (root instanceof MappingException me) {
            return "mapping error: " + me.getMessage();
        }
        if (root instanceof CallNotPermittedException) {
            return "circuit breaker open: the provider failed repeatedly, calls are paused";
        }
        if (root instanceof ConnectException || root instanceof NoRouteToHostException) {
            return "could not connect to the provider (" + root.getClass().getSimpleName() + ")";
        }
        if (root instanceof UnknownHostException) {
            return "provider host not found";
        }
        if (root instanceof org.apache.hc.client5.http.ConnectTimeoutException) {
            return "connecting to the provider timed out";
        }
        if (root instanceof org.apache.hc.core5.http.ConnectionRequestTimeoutException) {
            return "no connection to the provider free in the pool in time; nothing was sent";
        }
        if (root instanceof javax.net.ssl.SSLHandshakeException) {
            return "TLS handshake with the provider failed; nothing was sent";
        }
        if (root instanceof io.github.resilience4j.bulkhead.BulkheadFullException) {
            return "too many calls to the provider in flight; nothing was sent";
        }
        if (root instanceof SocketTimeoutException) {
            return "no answer within the read timeout after the request was sent";
        }
        return root.getClass().getSimpleName() + " after the request was sent";
    }
}
